from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.urls import path

from catalog.admin import actions
from catalog.admin.check_runs import CHECK_ACTIONS, ENTRY_CHANGE_LIST
from catalog.admin.exportable import ExportableChangesMixin
from catalog.admin.filters import (
    ArchivedFilter,
    HasCodeFilter,
    LinkStatusFilter,
    TagFilter,
    VenueKindFilter,
    YearFilter,
)
from catalog.admin.forms import (
    PAPER_ABOUT_FIELDS,
    PAPER_FIELDS,
    PAPER_PLACE_FIELDS,
    LinkFormSet,
    PaperAdminForm,
    PaperAuthorForm,
    PaperAuthorFormSet,
)
from catalog.admin.link_input import LinkForm
from catalog.admin.lookup import lookup_view
from catalog.admin.metadata import EntryMetadataMixin
from catalog.admin.parameters import CheckedParametersMixin
from catalog.admin.readme_text import README_FIELDSET, readme_lines, with_kept_cells, without_kept_cells
from catalog.admin.section_topics import SectionTopicsMixin
from catalog.admin.tag_input import NewTagNamesMixin
from catalog.models import Paper, PaperAuthor, PaperLink
from history.values import FieldHistoryMixin
from suggestions.accepting import AcceptSuggestionMixin

# Filled from the paper's URL and by the sources refresh_metadata asks, shown read-only.
SOURCE_FIELDS = [
    "arxiv_id",
    "canonical_url",
    "citation_count",
    "arxiv_answered_at",
    "openreview_answered_at",
    "semantic_scholar_answered_at",
]


class PaperAuthorInline(admin.TabularInline):
    model = PaperAuthor
    form = PaperAuthorForm
    formset = PaperAuthorFormSet
    extra = 0
    fields = ["position", "name"]
    verbose_name, verbose_name_plural = "author", "authors"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class PaperLinkInline(admin.TabularInline):
    model = PaperLink
    formset = LinkFormSet
    form = LinkForm
    extra = 0
    fields = ["kind", "position", "label", "url"]


@admin.register(Paper)
class PaperAdmin(
    CheckedParametersMixin,
    AcceptSuggestionMixin,
    FieldHistoryMixin,
    NewTagNamesMixin,
    SectionTopicsMixin,
    EntryMetadataMixin,
    ExportableChangesMixin,
    actions.ActionFormErrorsMixin,
    admin.ModelAdmin,
):
    form = PaperAdminForm
    link_model, link_owner = PaperLink, "paper"
    list_display = ["title", "venue", "iso_date", "section", "has_code", "stars", "link_status_label", "tag_list"]
    list_filter = [
        ("section", admin.RelatedOnlyFieldListFilter),
        "venue",
        ("venue__kind", VenueKindFilter),
        YearFilter,
        HasCodeFilter,
        TagFilter,
        LinkStatusFilter,
        ArchivedFilter,
    ]
    list_select_related = ["venue", "section"]
    list_per_page = 50
    search_fields = ["title", "url", "links__url", "authors__name", "doi"]
    date_hierarchy = "date"
    autocomplete_fields = ["venue", "section"]
    inlines = [PaperAuthorInline, PaperLinkInline]
    fieldsets = [
        (None, {"fields": [*PAPER_FIELDS, "section_topics", "save_duplicate"]}),
        ("Abstract and identifiers", {"fields": PAPER_ABOUT_FIELDS}),
        ("Place in the section", {"fields": PAPER_PLACE_FIELDS}),
        (README_FIELDSET, {"fields": ["readme_lines", "readme_description"]}),
        ("Metadata (refresh_metadata fills it)", {"fields": SOURCE_FIELDS}),
    ]
    readonly_fields = [*SOURCE_FIELDS, "section_topics", "readme_lines"]
    action_form = actions.PaperActionForm
    actions = [
        actions.add_tag,
        actions.remove_tag,
        actions.move_to_section,
        actions.set_venue,
        *CHECK_ACTIONS,
    ]
    change_list_template = ENTRY_CHANGE_LIST

    class Media:
        js = ["js/admin-paper-lookup.js"]
        css = {"all": ["css/admin-paper-lookup.css"]}

    def get_fieldsets(self, request, obj=None):
        """The add form starts with the field that fills in the others from a pasted reference, and has no
        metadata of refresh_metadata yet nor README lines; the change form has a field for each cell of the
        paper's README table the catalog has no field for."""
        if obj is not None:
            return with_kept_cells(self.fieldsets, obj)
        (name, options), *rest, (readme, _), _metadata = self.fieldsets
        first = (name, {**options, "fields": ["reference", *options["fields"]]})
        return [first, *rest, (readme, {"fields": ["readme_description"]})]

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The form of the declared fields; the cells of the paper's table are added by the form itself."""
        fields = kwargs.get("fields") or flatten_fieldsets(self.get_fieldsets(request, obj))
        kwargs["fields"] = without_kept_cells(fields)
        return super().get_form(request, obj, change, **kwargs)

    @admin.display(description="as the README writes it")
    def readme_lines(self, paper):
        return readme_lines(paper)

    def get_urls(self):
        lookup = path("lookup/", self.admin_site.admin_view(lookup_view(self)), name="catalog_paper_lookup")
        return [lookup, *super().get_urls()]

    def lookup_allowed(self, lookup, value, request=None):
        """Besides the filters' own parameters, a link may filter by a venue's name: ?venue__name=ICLR."""
        return lookup == "venue__name" or super().lookup_allowed(lookup, value, request)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    @admin.display(description="date", ordering="date")
    def iso_date(self, paper):
        return paper.date.isoformat()

    @admin.display(boolean=True, description="code", ordering="has_code")
    def has_code(self, paper):
        return paper.has_code

    @admin.display(description="tags")
    def tag_list(self, paper):
        return ", ".join(sorted(tag.name for tag in paper.tags.all()))

    def touched_section_ids(self, paper):
        return {paper.section_id}

    def save_model(self, request, obj, form, change):
        if change and self._needs_new_place(obj, form):
            obj.position = None
        super().save_model(request, obj, form, change)

    @staticmethod
    def _needs_new_place(paper, form):
        """A new section, or a new date when the position is not pinned, gives a new place, unless set by hand."""
        if "position" in form.changed_data:
            return False
        return "section" in form.changed_data or ("date" in form.changed_data and not paper.position_pinned)
