from django.conf import settings
from django.views.generic import DetailView, ListView, TemplateView

from catalog.bibtex import catalog_keys, paper_bibtex
from catalog.charts import monthly_chart
from catalog.feeds import FEED_SIZE
from catalog.filters import MAX_SELECTION, NEWEST_FIRST, SEARCH_MAX_LENGTH, SORT_CHOICES, PaperFilter
from catalog.models import Author, Paper, Section, VenueKind, repository_value
from catalog.paper_records import paper_record
from catalog.selectors import (
    PaperEntryPages,
    catalog_counts,
    newest_additions,
    paper_entry_lists,
    paper_list_queryset,
    papers_per_month,
    related_paper_ids,
    resource_list_queryset,
    sections_with_counts,
    tags_with_counts,
    venues_with_counts,
)
from catalog.similar_papers import similar_paper_ids
from catalog.views.outputs import CSV_HEADER, JSON_MAX_PAGE_SIZE, JSON_PAGE_SIZE, JSON_VERSION
from catalog.views.pagination import page_numbers, paginate

NEWEST_ON_HOME = 8
RELATED_ON_DETAIL = 6
SIMILAR_ON_DETAIL = 5


class HomeView(TemplateView):
    template_name = "catalog/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tags = tags_with_counts()
        context["counts"] = catalog_counts(tags=tags)
        context["newest"] = newest_additions(limit=NEWEST_ON_HOME)
        context["chart"] = monthly_chart(papers_per_month())
        context["sections"] = sections_with_counts()
        context["tags"] = sorted((tag for tag in tags if tag.paper_count), key=lambda tag: (-tag.paper_count, tag.name))
        return context


class AboutView(TemplateView):
    template_name = "catalog/about.html"


PARAMETER_EXAMPLES = {
    "q": "sparse autoencoders",
    "section": "interpretable-analysis-of-llms",
    "venue": "ICLR",
    "venue_kind": "workshop",
    "tag": "sae",
    "author": "neel-nanda",
    "year": "2024",
    "date_after": "2024-06-01",
    "date_before": "2024-12-31",
    "has_code": "true",
    "id": "1,2,3",
    "sort": "-stars",
}


class ApiView(TemplateView):
    """The machine-readable outputs, their parameters and limits, from the filters and the outputs' own settings."""

    template_name = "catalog/api.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = PaperFilter.base_filters
        # An author of the catalog, so that the example answers.
        examples = {
            **PARAMETER_EXAMPLES,
            "author": Author.objects.values_list("slug", flat=True).first() or "neel-nanda",
        }
        context["parameters"] = [
            (name, filters[name].label, filters[name].extra.get("help_text", ""), examples[name]) for name in examples
        ]
        context["sort_choices"] = SORT_CHOICES
        context["venue_kinds"] = VenueKind.choices
        context.update(
            json_page_size=JSON_PAGE_SIZE,
            json_max_page_size=JSON_MAX_PAGE_SIZE,
            json_version=JSON_VERSION,
            csv_header=",".join(CSV_HEADER),
            feed_size=FEED_SIZE,
            search_max_length=SEARCH_MAX_LENGTH,
            max_selection=MAX_SELECTION,
            download_refresh=settings.CATALOG_DOWNLOAD_REFRESH_SECONDS,
            download_limit=settings.CATALOG_DOWNLOAD_LIMIT,
            download_window=settings.CATALOG_DOWNLOAD_WINDOW,
        )
        return context


class PaperDetailView(DetailView):
    queryset = paper_list_queryset().annotate(repo_pushed_at=repository_value("pushed_at"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["authors"] = self.object.author_list
        context["page_url"] = self.request.build_absolute_uri(self.object.get_absolute_url())
        context["abstract_line"] = " ".join(self.object.abstract.split())
        context["bibtex"] = paper_bibtex(paper_record(self.object), catalog_keys())
        # A paper similar by its words is not listed again among those sharing its tags.
        state = getattr(self.request, "catalog_state", None)
        similar = similar_paper_ids(self.object, limit=SIMILAR_ON_DETAIL, state=state)
        related = related_paper_ids(self.object, limit=RELATED_ON_DETAIL, leave_out=similar)
        context["similar"], context["related"] = paper_entry_lists(similar, related)
        return context


class PagedPapersMixin:
    """A detail page that lists `papers` (a queryset) in pages, and answers 404 for a page that is not there."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if response.context_data["page_error"]:
            response.status_code = 404
        return response

    def paged(self, context, papers):
        paginator, page, context["page_error"] = paginate(self.request, PaperEntryPages(papers))
        context["paginator"], context["page_obj"] = paginator, page
        context["page_numbers"] = page_numbers(page)
        context["papers"] = page.object_list if page else []
        return context


class AuthorDetailView(PagedPapersMixin, DetailView):
    """An author's papers in the catalog, newest first."""

    model = Author

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return self.paged(context, Paper.objects.filter(paper_authors__author=self.object).order_by(*NEWEST_FIRST))


class ResourceDetailView(DetailView):
    queryset = resource_list_queryset().annotate(repo_pushed_at=repository_value("pushed_at"))


class SectionDetailView(PagedPapersMixin, DetailView):
    """A heading of the list: its subsections, its resources and its papers (with those of its subsections)."""

    queryset = Section.objects.select_related("parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        section = self.object
        papers = Paper.objects.filter(section__in=Section.objects.subtree(section))
        self.paged(context, papers.order_by("section__position", "position", "id"))
        context["resources"] = resource_list_queryset().filter(section=section)
        context["subsections"] = [child for child in sections_with_counts() if child.parent_id == section.pk]
        return context


class VenueListView(ListView):
    template_name = "catalog/venue_list.html"
    context_object_name = "venues"

    def get_queryset(self):
        return venues_with_counts()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        venues = list(context["venues"])
        context["kinds"] = [
            (kind, [venue for venue in venues if venue.kind == kind.value])
            for kind in VenueKind
            if any(venue.kind == kind.value for venue in venues)
        ]
        return context


class TagListView(ListView):
    template_name = "catalog/tag_list.html"
    context_object_name = "tags"

    def get_queryset(self):
        return tags_with_counts()
