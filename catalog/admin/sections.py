from django.contrib import admin
from django.db.models import Count

from catalog.admin import actions
from catalog.admin.exportable import ExportableChangesMixin
from catalog.admin.forms import SectionAdminForm
from catalog.admin.parameters import CheckedParametersMixin
from catalog.models import Section, SectionKind, TextBlock
from history.values import FieldHistoryMixin

AUTOCOMPLETE_KINDS = {"paper": SectionKind.PAPERS, "resource": SectionKind.RESOURCES}


class TextBlockInline(admin.StackedInline):
    model = TextBlock
    extra = 0


@admin.register(Section)
class SectionAdmin(
    CheckedParametersMixin, FieldHistoryMixin, ExportableChangesMixin, actions.ForbiddenActionsMixin, admin.ModelAdmin
):
    form = SectionAdminForm
    list_display = ["indented_title", "kind", "level", "parent", "paper_count", "resource_count"]
    list_filter = ["kind", "level"]
    list_select_related = ["parent"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["parent", "implied_topics"]
    ordering = ["position", "id"]
    inlines = [TextBlockInline]
    actions = [actions.move_sections_up, actions.move_sections_down]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                paper_count=Count("papers", distinct=True),
                resource_count=Count("resources", distinct=True),
            )
        )

    def touched_section_ids(self, section):
        return {section.pk}

    def save_model(self, request, obj, form, change):
        """A section given a new parent goes last under it, where the README nests it, unless placed by hand."""
        if change and "parent" in form.changed_data and "position" not in form.changed_data:
            obj.position = None
        super().save_model(request, obj, form, change)

    def get_search_results(self, request, queryset, search_term):
        """Autocomplete for a paper's or a resource's section offers only sections of that kind."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        kind = AUTOCOMPLETE_KINDS.get(request.GET.get("model_name"))
        if request.GET.get("field_name") == "section" and kind:
            queryset = queryset.filter(kind=kind)
        return queryset, may_have_duplicates

    @admin.display(description="section", ordering="position")
    def indented_title(self, section):
        return "\u2003" * max(section.level - 1, 0) + str(section)

    @admin.display(description="papers", ordering="paper_count")
    def paper_count(self, section):
        return section.paper_count

    @admin.display(description="resources", ordering="resource_count")
    def resource_count(self, section):
        return section.resource_count
