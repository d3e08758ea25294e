"""Papers already in the catalog under the same identity (arXiv id, OpenReview id or normalised URL)."""

from catalog.identity import paper_identity
from catalog.models import Paper


def duplicate_papers(*, url: str, exclude_pk=None) -> list[Paper]:
    """The papers whose URL gives the same identity as `url`, oldest first."""
    identity = paper_identity(url)
    key = identity.split(":", 1)[1]
    candidates = Paper.objects.select_related("section").order_by("pk")
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    if not identity.startswith("url:"):
        candidates = candidates.filter(url__icontains=key)
    return [paper for paper in candidates if paper_identity(paper.url) == identity]
