"""The repository's publishes, syncs and pull request checks, read-only in the admin (failures included)."""

from django.contrib import admin

from catalog.repository.models import PullRequestCheck, RepositoryEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RepositoryEvent)
class RepositoryEventAdmin(ReadOnlyAdmin):
    list_display = ["created", "kind", "outcome", "summary", "user"]
    list_filter = ["kind", "outcome"]
    search_fields = ["summary", "details", "commit"]
    date_hierarchy = "created"


@admin.register(PullRequestCheck)
class PullRequestCheckAdmin(ReadOnlyAdmin):
    list_display = ["created", "repository", "number", "sha", "state"]
    list_filter = ["state"]
