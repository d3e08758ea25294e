"""Papers' arXiv id and canonical abs URL, derived from their URL without any request."""

from dataclasses import dataclass

from django.db import transaction

from catalog.identity import arxiv_id
from catalog.models import Paper

ABS_URL = "https://arxiv.org/abs/{}"


@dataclass(frozen=True)
class ArxivReport:
    arxiv_papers: int
    changed: int


@transaction.atomic
def fill_arxiv_fields() -> ArxivReport:
    """Set `arxiv_id` and `canonical_url` of every paper (empty for papers not on arXiv); `url` is left as written."""
    changed, arxiv_papers = [], 0
    for paper in Paper.objects.only("pk", "url", "arxiv_id", "canonical_url").order_by("pk"):
        identifier = arxiv_id(paper.url) or ""
        canonical = ABS_URL.format(identifier) if identifier else ""
        arxiv_papers += bool(identifier)
        if (paper.arxiv_id, paper.canonical_url) != (identifier, canonical):
            paper.arxiv_id, paper.canonical_url = identifier, canonical
            changed.append(paper)
    Paper.objects.bulk_update(changed, ["arxiv_id", "canonical_url"], batch_size=500)
    return ArxivReport(arxiv_papers=arxiv_papers, changed=len(changed))
