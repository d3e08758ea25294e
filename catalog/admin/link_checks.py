from django.contrib import admin

from catalog.admin.parameters import CheckedParametersMixin
from catalog.models import LinkCheck


@admin.register(LinkCheck)
class LinkCheckAdmin(CheckedParametersMixin, admin.ModelAdmin):
    """The last result of each URL, as check_links stored it; read-only."""

    list_display = ["url", "result", "status", "final_url", "checked_at"]
    list_filter = ["result", "status"]
    search_fields = ["url", "final_url"]
    date_hierarchy = "checked_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
