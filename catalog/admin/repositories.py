from django.contrib import admin

from catalog.admin.parameters import CheckedParametersMixin
from catalog.models import Repository


@admin.register(Repository)
class RepositoryAdmin(CheckedParametersMixin, admin.ModelAdmin):
    """What the GitHub API last said about each star repo, as refresh_metadata stored it; read-only."""

    list_display = ["full_name", "stars", "archived", "pushed_at", "renamed_to", "fetched_at", "last_status"]
    list_filter = ["archived", "last_status"]
    search_fields = ["full_name", "renamed_to"]
    exclude = ["etag"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
