from django.contrib import admin

from catalog.admin import actions
from catalog.admin.exportable import ExportableChangesMixin
from catalog.admin.filters import (
    ArchivedFilter,
    HasCodeFilter,
    LinkStatusFilter,
    TagFilter,
    VenueKindFilter,
    YearFilter,
)
from catalog.admin.forms import PAPER_FIELDS, PAPER_PLACE_FIELDS, LinkFormSet, PaperAdminForm
from catalog.admin.metadata import EntryMetadataMixin
from catalog.admin.parameters import CheckedParametersMixin
from catalog.models import Paper, PaperLink, has_code_link


class PaperLinkInline(admin.TabularInline):
    model = PaperLink
    formset = LinkFormSet
    extra = 0
    fields = ["kind", "position", "label", "url"]


@admin.register(Paper)
class PaperAdmin(
    CheckedParametersMixin, EntryMetadataMixin, ExportableChangesMixin, actions.ActionFormErrorsMixin, admin.ModelAdmin
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
    search_fields = ["title", "url", "links__url"]
    date_hierarchy = "date"
    autocomplete_fields = ["venue", "section"]
    inlines = [PaperLinkInline]
    fieldsets = [
        (None, {"fields": [*PAPER_FIELDS, "save_duplicate"]}),
        ("Place in the section", {"fields": PAPER_PLACE_FIELDS}),
        ("Metadata (refresh_metadata fills it)", {"fields": ["arxiv_id", "canonical_url"]}),
    ]
    readonly_fields = ["arxiv_id", "canonical_url"]
    action_form = actions.PaperActionForm
    actions = [actions.add_tag, actions.remove_tag, actions.move_to_section, actions.set_venue]

    def lookup_allowed(self, lookup, value, request=None):
        """Besides the filters' own parameters, a link may filter by a venue's name: ?venue__name=ICLR."""
        return lookup == "venue__name" or super().lookup_allowed(lookup, value, request)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(has_code=has_code_link()).prefetch_related("tags")

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
