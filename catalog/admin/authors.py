from django.contrib import admin
from django.db.models import Count

from catalog.models import Author
from history.values import FieldHistoryMixin


@admin.register(Author)
class AuthorAdmin(FieldHistoryMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "paper_count"]
    search_fields = ["name", "slug"]
    ordering = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(paper_count=Count("papers"))

    @admin.display(description="papers", ordering="paper_count")
    def paper_count(self, author):
        return author.paper_count
