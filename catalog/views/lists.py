"""The filterable lists of papers and resources."""

from dataclasses import dataclass

from django.http import HttpResponsePermanentRedirect
from django_filters.views import FilterView

from catalog.filter_words import describe_filters
from catalog.filters import DEFAULT_SORT, SORT_CHOICES, PaperFilter, ResourceFilter, forgiving_query
from catalog.models import Paper, Resource
from catalog.renames import renamed_query
from catalog.selectors import PaperEntryPages, paper_facets, resource_list_queryset, resource_tag_choices
from catalog.spelling import corrected_searches
from catalog.views.pagination import PER_PAGE, page_numbers, paginate


@dataclass(frozen=True)
class ActiveFilter:
    name: str
    value: str
    remove_url: str


def active_filters(filterset):
    """Each value in force, with the link that drops just that value (and goes back to the first page)."""
    query, cleaned = filterset.data, filterset.form.cleaned_data
    labels = filterset.value_labels()
    active = []
    for name in cleaned:
        if name == "sort" or cleaned[name] in (None, "", []):
            continue
        for raw in filter(str.strip, query.getlist(name)):
            remaining = query.copy()
            remaining.setlist(name, [other for other in query.getlist(name) if other != raw])
            remaining.pop("page", None)
            for key in list(remaining):
                remaining.setlist(key, [value for value in remaining.getlist(key) if value.strip()])
            label = labels.get(name, {}).get(raw, raw)
            active.append(ActiveFilter(filterset.filters[name].label, label, f"?{remaining.urlencode()}"))
    return active


class FilteredPageListView(FilterView):
    """A list narrowed by a FilterSet and cut in pages.

    A renamed or merged tag or venue redirects (301) to the address with its current name; any other invalid value
    is left out, the rest applies, and the page says what it left out. A page that is not there answers 404 with a
    message.
    """

    paginate_by = PER_PAGE
    page_error = ""
    # The search as typed, when it found nothing and the list shows its correction.
    corrected_from = ""
    # What the list lists, the start of its title ("Papers tagged sae, 2024, page 2").
    noun = ""
    # The number of entries of the list, when the view already knows it.
    entry_count = None

    def get(self, request, *args, **kwargs):
        self.query, self.dropped = request.GET, []
        self.valid_filterset = self.get_filterset(self.get_filterset_class())
        if not self.valid_filterset.is_valid():
            if (renamed := renamed_query(self.valid_filterset)) is not None:
                return HttpResponsePermanentRedirect(f"{request.path}?{renamed.urlencode()}")
            self.query, self.dropped = forgiving_query(self.valid_filterset)
            self.valid_filterset = None
        response = super().get(request, *args, **kwargs)
        if self.page_error:
            response.status_code = 404
        return response

    def get_filterset(self, filterset_class):
        # The filter set bound to the request's own query, once found valid, serves the list as it is.
        return getattr(self, "valid_filterset", None) or super().get_filterset(filterset_class)

    def get_filterset_kwargs(self, filterset_class):
        # Always bound, so that the filters' defaults (the order) apply to the list without parameters too.
        return {**super().get_filterset_kwargs(filterset_class), "data": self.query}

    def entries(self, queryset):
        """What the pages list: the filtered queryset, or something a paginator slices in its place."""
        return queryset

    def corrected_filtersets(self):
        """For a search that found nothing: the filter sets of the same query with its search put right from the
        index's vocabulary (catalog/spelling.py), to try in turn; none when no word needs it."""
        text = self.filterset.form.cleaned_data.get("q")
        for corrected in corrected_searches(self.filterset.queryset.model, text) if text else []:
            query = self.query.copy()
            query["q"] = corrected
            filterset = self.filterset_class(query, queryset=self.get_queryset(), request=self.request)
            if filterset.is_valid():
                yield filterset

    def use_correction(self, filterset, kwargs):
        """Show the list of the corrected search instead, saying so."""
        self.corrected_from = self.filterset.form.cleaned_data["q"]
        self.query, self.filterset = filterset.data, filterset
        kwargs.update(filter=filterset, object_list=filterset.qs)

    def paginate_queryset(self, queryset, page_size):
        paginator, page, self.page_error = paginate(
            self.request, self.entries(queryset), per_page=page_size, count=self.entry_count
        )
        if page is None:
            return paginator, None, [], False
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_error"] = self.page_error
        context["page_numbers"] = page_numbers(context.get("page_obj"))
        context["active_filters"] = active_filters(self.filterset)
        context["dropped"] = self.dropped
        # The query of the list as shown, without the values left out: what its links and outputs are given.
        context["query"] = self.query
        context["corrected_from"] = self.corrected_from
        page = context.get("page_obj")
        words = [f"{self.noun} {describe_filters(self.filterset)}".strip()]
        if page is not None and page.number > 1:
            words.append(f"page {page.number}")
        context["list_title"] = ", ".join(words)
        return context


class PaperListView(FilteredPageListView):
    filterset_class = PaperFilter
    template_name = "catalog/paper_list.html"
    noun = "Papers"

    def get_queryset(self):
        return Paper.objects.all()

    def entries(self, queryset):
        filterset = self.filterset
        return PaperEntryPages(
            queryset, by_id=filterset.chooses_page_by_id(), search_alone=filterset.ranked_search_alone()
        )

    def get_context_data(self, **kwargs):
        # The facets count the papers of the list on their way: the pages need no count of their own.
        facets = paper_facets(self.filterset)
        for corrected in self.corrected_filtersets() if not facets.total else []:
            if (corrected_facets := paper_facets(corrected)).total:
                self.use_correction(corrected, kwargs)
                facets = corrected_facets
                break
        self.entry_count = facets.total
        context = super().get_context_data(**kwargs)
        context["facets"] = facets.choices
        if text := self.corrected_from or self.filterset.form.cleaned_data.get("q"):
            # As typed: a search that finds no paper may well name a resource.
            context["resource_search"] = text
            context["resource_matches"] = Resource.objects.matching(text).count()
        # The default order submits an empty value, which the form leaves out of the URL: best match first for a
        # search, newest first otherwise.
        sort = ",".join(self.filterset.form.cleaned_data.get("sort") or [])
        if self.filterset.form.cleaned_data.get("q"):
            context["sort_choices"] = [("", "Best match"), *SORT_CHOICES]
            context["current_sort"] = sort
        else:
            context["sort_choices"] = [("" if value == DEFAULT_SORT else value, label) for value, label in SORT_CHOICES]
            context["current_sort"] = "" if sort == DEFAULT_SORT else sort
        return context


class ResourceListView(FilteredPageListView):
    """Resources grouped by section; the list is short, so it shows in one page."""

    filterset_class = ResourceFilter
    template_name = "catalog/resource_list.html"
    noun = "Resources"
    paginate_by = None

    def get_queryset(self):
        return resource_list_queryset()

    def get_context_data(self, **kwargs):
        for corrected in self.corrected_filtersets() if not kwargs["object_list"] else []:
            if corrected.qs:
                self.use_correction(corrected, kwargs)
                break
        context = super().get_context_data(**kwargs)
        context["tag_choices"] = resource_tag_choices(self.filterset)
        context["current_sort"] = ",".join(self.filterset.form.cleaned_data.get("sort") or [])
        return context
