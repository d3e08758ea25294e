"""The add form's helper: what a pasted arXiv id, OpenReview URL or DOI says about the paper, as JSON."""

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from catalog.sources.lookup import LookupFailed, look_up


def lookup_view(model_admin):
    """GET ?reference=... for staff who may add or change papers: the fields to fill in, or an error to show."""

    @require_GET
    def view(request):
        if not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)):
            return JsonResponse({"error": "You may not add or change papers."}, status=403)
        try:
            found = look_up(request.GET.get("reference", ""))
        except LookupFailed as failure:
            return JsonResponse({"error": str(failure)}, status=failure.status)
        paper = found.paper
        return JsonResponse(
            {
                "source": found.source,
                "url": found.url,
                "title": paper.title,
                "date": paper.published.isoformat() if paper.published else "",
                "authors": list(paper.authors),
                "abstract": paper.abstract,
                "doi": paper.doi,
                "openreview_id": paper.openreview_id,
                "arxiv_primary_category": paper.primary_category,
            }
        )

    return view
