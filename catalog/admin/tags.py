from django.contrib import admin
from taggit.models import Tag

from catalog.admin.actions import ActionFormErrorsMixin, TagActionForm, merge_selected_tags
from catalog.admin.forms import TagAdminForm
from catalog.admin.parameters import CheckedParametersMixin
from catalog.models import Paper, Resource
from catalog.selectors import count_of
from catalog.topics import topic_count
from history.values import FieldHistoryMixin

if admin.site.is_registered(Tag):
    admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(CheckedParametersMixin, FieldHistoryMixin, ActionFormErrorsMixin, admin.ModelAdmin):
    form = TagAdminForm
    action_form = TagActionForm
    actions = [merge_selected_tags]
    list_display = ["name", "slug", "paper_count", "tagged_paper_count", "resource_count", "tagged_resource_count"]
    search_fields = ["name"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def has_merge_permission(self, request):
        """Merging deletes tags and retags papers and resources."""
        return self.has_delete_permission(request) and request.user.has_perms(
            ["catalog.change_paper", "catalog.change_resource"]
        )

    def get_queryset(self, request):
        """Each tag's papers and resources by topic (their own tags and those their sections imply, as on /tags/),
        and those tagged with it themselves (what merging or deleting the tag changes)."""
        return (
            super()
            .get_queryset(request)
            .annotate(
                paper_count=topic_count(Paper),
                resource_count=topic_count(Resource),
                tagged_paper_count=count_of(Paper.tags.through, "tag"),
                tagged_resource_count=count_of(Resource.tags.through, "tag"),
            )
        )

    @admin.display(description="papers with the topic", ordering="paper_count")
    def paper_count(self, tag):
        return tag.paper_count

    @admin.display(description="papers tagged", ordering="tagged_paper_count")
    def tagged_paper_count(self, tag):
        return tag.tagged_paper_count

    @admin.display(description="resources with the topic", ordering="resource_count")
    def resource_count(self, tag):
        return tag.resource_count

    @admin.display(description="resources tagged", ordering="tagged_resource_count")
    def tagged_resource_count(self, tag):
        return tag.tagged_resource_count
