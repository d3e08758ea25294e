"""Papers already in the catalog under the same identity (arXiv id, OpenReview id or normalised URL)."""

from urllib.parse import urlsplit

from catalog.identity import paper_identity
from catalog.models import Paper


def duplicate_papers(*, url: str, exclude_pk=None) -> list[Paper]:
    """The papers whose URL gives the same identity as `url`, oldest first."""
    identity = paper_identity(url)
    key = identity.split(":", 1)[1]
    candidates = Paper.objects.select_related("section").order_by("pk")
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    if identity.startswith("url:"):
        # The host and path of the normal form appear in any URL that normalises to it.
        parts = urlsplit(key)
        candidates = candidates.filter(url__icontains=parts.hostname or "").filter(url__icontains=parts.path)
    else:
        candidates = candidates.filter(url__icontains=key)
    return [paper for paper in candidates if paper_identity(paper.url) == identity]
