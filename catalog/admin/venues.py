from django.contrib import admin
from django.db.models import Count

from catalog.admin.actions import ActionFormErrorsMixin, VenueActionForm, merge_selected_venues
from catalog.admin.parameters import CheckedParametersMixin
from catalog.models import Venue
from history.values import FieldHistoryMixin


@admin.register(Venue)
class VenueAdmin(CheckedParametersMixin, FieldHistoryMixin, ActionFormErrorsMixin, admin.ModelAdmin):
    action_form = VenueActionForm
    actions = [merge_selected_venues]
    list_display = ["name", "kind", "paper_count"]
    list_editable = ["kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    ordering = ["name"]

    def has_merge_permission(self, request):
        """Merging deletes venues and changes the venue of papers."""
        return self.has_delete_permission(request) and request.user.has_perm("catalog.change_paper")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(paper_count=Count("papers"))

    @admin.display(description="papers", ordering="paper_count")
    def paper_count(self, venue):
        return venue.paper_count
