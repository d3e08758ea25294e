"""A suggested paper already in the catalog or already waiting for review: same arXiv id, OpenReview id,
normalised URL (`catalog.identity`) or normalised title."""

from dataclasses import dataclass, field

from django.db.models import Q

from catalog.identity import normalise_title, paper_identity
from catalog.models import Paper
from catalog.services.duplicates import duplicates as listed_duplicates
from suggestions.models import Suggestion


@dataclass
class Duplicates:
    papers: list[Paper] = field(default_factory=list)
    pending: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.papers or self.pending)


def find_duplicates(*, url: str, title: str, exclude_pk=None) -> Duplicates:
    pending = Suggestion.objects.pending().filter(
        Q(identity=paper_identity(url)) | Q(title_key=normalise_title(title)[:500])
    )
    if exclude_pk is not None:
        pending = pending.exclude(pk=exclude_pk)
    return Duplicates(papers=listed_duplicates(url=url, title=title), pending=list(pending.order_by("created_at")))
