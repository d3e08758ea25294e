"""Papers already in the catalog under the same identity (arXiv id, OpenReview id or normalised URL) or title."""

from urllib.parse import urlsplit

from catalog.identity import normalise_title, paper_identity
from catalog.models import Paper


def duplicate_papers(*, url: str, exclude_pk=None) -> list[Paper]:
    """The papers whose URL gives the same identity as `url`, oldest first."""
    identity = paper_identity(url)
    key = identity.split(":", 1)[1]
    candidates = _others(exclude_pk)
    if identity.startswith("url:"):
        # The host and path of the normal form appear in any URL that normalises to it.
        parts = urlsplit(key)
        candidates = candidates.filter(url__icontains=parts.hostname or "").filter(url__icontains=parts.path)
    else:
        candidates = candidates.filter(url__icontains=key)
    return [paper for paper in candidates if paper_identity(paper.url) == identity]


def duplicate_titles(*, title: str, exclude_pk=None) -> list[Paper]:
    """The papers whose title is `title` but for case and spacing, oldest first."""
    wanted = normalise_title(title)
    if not wanted:
        return []
    # A title that normalises to `wanted` contains its words; the longest ASCII one narrows the search in SQL
    # (SQLite ignores only ASCII case), Python decides.
    candidates = _others(exclude_pk)
    ascii_words = [word for word in wanted.split() if word.isascii()]
    if ascii_words:
        candidates = candidates.filter(title__icontains=max(ascii_words, key=len))
    return [paper for paper in candidates if normalise_title(paper.title) == wanted]


def duplicates(*, url: str = "", title: str = "", exclude_pk=None) -> list[Paper]:
    """The papers with the identity of `url` or the normalised `title`, oldest first, each once."""
    found = {paper.pk: paper for paper in duplicate_papers(url=url, exclude_pk=exclude_pk)} if url else {}
    for paper in duplicate_titles(title=title, exclude_pk=exclude_pk) if title else []:
        found.setdefault(paper.pk, paper)
    return [found[pk] for pk in sorted(found)]


def _others(exclude_pk):
    candidates = Paper.objects.select_related("section").order_by("pk")
    return candidates if exclude_pk is None else candidates.exclude(pk=exclude_pk)
