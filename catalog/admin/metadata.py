from django.contrib import admin

from catalog.models import LinkStatus, link_status


class EntryMetadataMixin:
    """Columns with the result of the last link check and the star repo's stars, for papers and resources.

    `link_model` is the model of the entry's extra links, whose `link_owner` field is the entry.
    """

    link_model = None
    link_owner = ""

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_repository()
            .annotate(link_status=link_status(self.link_model, self.link_owner))
        )

    @admin.display(description="links", ordering="link_status")
    def link_status_label(self, entry):
        return LinkStatus(entry.link_status).label

    @admin.display(description="stars", ordering="repo_stars")
    def stars(self, entry):
        if entry.repo_stars is None:
            return ""
        return f"{entry.repo_stars:,}" + (" (archived)" if entry.repo_archived else "")
