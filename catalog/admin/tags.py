from django.contrib import admin
from django.db.models import Count
from taggit.models import Tag

from catalog.admin.actions import ActionFormErrorsMixin, TagActionForm, merge_selected_tags
from catalog.admin.forms import TagAdminForm
from catalog.admin.parameters import CheckedParametersMixin
from history.values import FieldHistoryMixin

if admin.site.is_registered(Tag):
    admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(CheckedParametersMixin, FieldHistoryMixin, ActionFormErrorsMixin, admin.ModelAdmin):
    form = TagAdminForm
    action_form = TagActionForm
    actions = [merge_selected_tags]
    list_display = ["name", "slug", "paper_count", "resource_count"]
    search_fields = ["name"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def has_merge_permission(self, request):
        """Merging deletes tags and retags papers and resources."""
        return self.has_delete_permission(request) and request.user.has_perms(
            ["catalog.change_paper", "catalog.change_resource"]
        )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                paper_count=Count("catalog_taggedpaper_items", distinct=True),
                resource_count=Count("catalog_taggedresource_items", distinct=True),
            )
        )

    @admin.display(description="papers", ordering="paper_count")
    def paper_count(self, tag):
        return tag.paper_count

    @admin.display(description="resources", ordering="resource_count")
    def resource_count(self, tag):
        return tag.resource_count
