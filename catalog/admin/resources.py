from django.contrib import admin

from catalog.admin import actions
from catalog.admin.check_runs import CHECK_ACTIONS, ENTRY_CHANGE_LIST
from catalog.admin.filters import ArchivedFilter, LinkStatusFilter, TagFilter
from catalog.admin.forms import LinkFormSet, ResourceAdminForm
from catalog.admin.link_input import LinkForm
from catalog.admin.metadata import EntryMetadataMixin
from catalog.admin.parameters import CheckedParametersMixin
from catalog.admin.readme_text import readme_lines
from catalog.admin.section_topics import SectionTopicsMixin
from catalog.admin.tag_input import NewTagNamesMixin
from catalog.models import Resource, ResourceLink
from history.values import FieldHistoryMixin


class ResourceLinkInline(admin.TabularInline):
    model = ResourceLink
    formset = LinkFormSet
    form = LinkForm
    extra = 0
    fields = ["position", "label", "url"]


@admin.register(Resource)
class ResourceAdmin(
    CheckedParametersMixin,
    FieldHistoryMixin,
    NewTagNamesMixin,
    SectionTopicsMixin,
    EntryMetadataMixin,
    actions.ActionFormErrorsMixin,
    admin.ModelAdmin,
):
    form = ResourceAdminForm
    fields = ["name", "url", "description", "section", "star_repo", "tags", "section_topics", "position"]
    readonly_fields = ["section_topics"]
    link_model, link_owner = ResourceLink, "resource"
    list_display = ["name", "section", "position", "star_repo", "stars", "link_status_label", "tag_list"]
    list_filter = [("section", admin.RelatedOnlyFieldListFilter), TagFilter, LinkStatusFilter, ArchivedFilter]
    list_select_related = ["section"]
    search_fields = ["name", "url", "description", "links__url"]
    autocomplete_fields = ["section"]
    ordering = ["section__position", "position", "id"]
    inlines = [ResourceLinkInline]
    action_form = actions.ResourceActionForm
    actions = [
        actions.move_resources_up,
        actions.move_resources_down,
        actions.add_tag,
        actions.remove_tag,
        actions.move_to_section,
        *CHECK_ACTIONS,
    ]
    change_list_template = ENTRY_CHANGE_LIST

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return [*fields, "readme_lines"] if obj is not None else fields

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "readme_lines"] if obj is not None else self.readonly_fields

    @admin.display(description="as the README writes it")
    def readme_lines(self, resource):
        return readme_lines(resource)

    @admin.display(description="tags")
    def tag_list(self, resource):
        return ", ".join(sorted(tag.name for tag in resource.tags.all()))

    def save_model(self, request, obj, form, change):
        if change and "section" in form.changed_data and "position" not in form.changed_data:
            obj.position = None
        super().save_model(request, obj, form, change)
