"""The filterable lists of papers and resources."""

from dataclasses import dataclass

from django.views.generic import ListView
from django_filters.views import FilterMixin

from catalog.filters import DEFAULT_SORT, SORT_CHOICES, PaperFilter, ResourceFilter
from catalog.models import Paper
from catalog.selectors import PaperEntryPages, paper_facets, resource_list_queryset, resource_tag_choices
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


class FilteredPageListView(FilterMixin, ListView):
    """A list narrowed by a FilterSet and cut in pages; a page that is not there answers 404 with a message."""

    paginate_by = PER_PAGE
    page_error = ""
    # The number of entries of the list, when the view already knows it.
    entry_count = None

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "data": self.request.GET}

    def get(self, request, *args, **kwargs):
        self.filterset = self.get_filterset(self.get_filterset_class())
        self.object_list = self.entries(self.filterset)
        response = self.render_to_response(self.get_context_data(filter=self.filterset))
        if self.page_error:
            response.status_code = 404
        return response

    def entries(self, filterset):
        """What the pages list: the filtered queryset, or something a paginator slices in its place."""
        return filterset.qs

    def paginate_queryset(self, queryset, page_size):
        paginator, page, self.page_error = paginate(self.request, queryset, per_page=page_size, count=self.entry_count)
        if page is None:
            return paginator, None, [], False
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_error"] = self.page_error
        context["page_numbers"] = page_numbers(context.get("page_obj"))
        context["active_filters"] = active_filters(self.filterset)
        return context


class PaperListView(FilteredPageListView):
    filterset_class = PaperFilter
    template_name = "catalog/paper_list.html"

    def get_queryset(self):
        return Paper.objects.all()

    def entries(self, filterset):
        papers = filterset.qs
        return PaperEntryPages(papers, ordering=filterset.page_ordering())

    def get_context_data(self, **kwargs):
        # The facets count the papers of the list on their way: the pages need no count of their own.
        facets = paper_facets(self.filterset)
        if self.filterset.is_valid():
            self.entry_count = facets.total
        context = super().get_context_data(**kwargs)
        context["facets"] = facets.choices
        # The default order submits an empty value, which the form leaves out of the URL: best match first for a
        # search, newest first otherwise.
        cleaned = self.filterset.form.cleaned_data
        sort = cleaned.get("sort") or ""
        if cleaned.get("q"):
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
    paginate_by = None

    def get_queryset(self):
        return resource_list_queryset()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tag_choices"] = resource_tag_choices(self.filterset)
        context["current_sort"] = self.filterset.form.cleaned_data.get("sort", "")
        return context
