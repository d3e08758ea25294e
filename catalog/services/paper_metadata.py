"""Papers' authors, abstracts, identifiers and citation counts from arXiv, OpenReview and Semantic Scholar.

A source is asked about the papers it has not answered for yet (every paper with an id it knows, with
`everything`), in its own batches. Each batch is saved in one transaction together with the time the source
answered, so an interrupted refresh resumes where it stopped. What a source gives fills what a paper lacks
(authors, abstract, DOI); what the paper has is kept; the arXiv category and the citation count are the
source's own and follow it. A batch the source does not answer changes nothing. The README's fields (title,
URL, date, venue) are never touched.

Each paper changed gets an entry in its admin history, by the maintainer who asked for the refresh or else by the
inactive account `metadata-refresh`, with the old and new value of its authors, abstract, DOI, OpenReview id and
arXiv category. The citation count, a counter that moves daily, and the times the sources answered are not logged.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst

from catalog.identity import doi, openreview_id
from catalog.models import Paper, PaperAuthor
from catalog.services.authors import clean_names, set_authors
from catalog.sources import arxiv, openreview, semantic_scholar
from catalog.sources.records import Batch, SourcePaper
from history.entries import log_changes, system_account
from history.values import Change


@dataclass(frozen=True)
class Source:
    label: str
    client: object
    answered_field: str
    key: Callable[[Paper], str]


def semantic_scholar_key(paper: Paper) -> str:
    if paper.arxiv_id:
        return f"ARXIV:{paper.arxiv_id}"
    return f"DOI:{paper.doi}" if paper.doi else ""


SOURCES = {
    "arxiv": Source("arXiv", arxiv, "arxiv_answered_at", lambda paper: paper.arxiv_id),
    "openreview": Source("OpenReview", openreview, "openreview_answered_at", lambda paper: paper.openreview_id),
    "semantic-scholar": Source(
        "Semantic Scholar", semantic_scholar, "semantic_scholar_answered_at", semantic_scholar_key
    ),
}
READ_FIELDS = [
    "pk",
    "title",
    "arxiv_id",
    "doi",
    "openreview_id",
    "abstract",
    "arxiv_primary_category",
    "citation_count",
]
HISTORY_USERNAME = "metadata-refresh"
# What a refresh changes that the history does not keep: a counter.
UNLOGGED_FIELDS = {"citation_count"}


@dataclass
class SourceReport:
    label: str
    asked: int = 0
    filled: int = 0
    unknown: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def field_label(name: str) -> str:
    return capfirst(Paper._meta.get_field(name).verbose_name)


def log_refresh(user, changed: list[tuple[Paper, str, list[Change]]]) -> None:
    """The history entries of the papers `changed`, by `user` or else the account named HISTORY_USERNAME."""
    if changed:
        log_changes(user or system_account(HISTORY_USERNAME), changed)


@transaction.atomic
def fill_url_identifiers(*, user=None) -> int:
    """Give papers without a DOI or an OpenReview id the one their URL names; the number of papers changed."""
    changed, logged = [], []
    lacking = Paper.objects.filter(Q(doi="") | Q(openreview_id="")).only("pk", "title", "url", "doi", "openreview_id")
    for paper in lacking.order_by("pk"):
        found_doi, found_forum = (
            paper.doi or doi(paper.url) or "",
            paper.openreview_id or openreview_id(paper.url) or "",
        )
        if (found_doi, found_forum) != (paper.doi, paper.openreview_id):
            values = [
                (field_label("doi"), paper.doi, found_doi),
                (field_label("openreview_id"), paper.openreview_id, found_forum),
            ]
            logged.append((paper, "Identifiers set from its URL by the metadata refresh.", values))
            paper.doi, paper.openreview_id = found_doi, found_forum
            changed.append(paper)
    Paper.objects.bulk_update(changed, ["doi", "openreview_id"], batch_size=500)
    log_refresh(user, logged)
    return len(changed)


def papers_to_ask(name: str, *, everything: bool, paper_ids: list[int] | None = None) -> dict[str, list[Paper]]:
    """The papers (of `paper_ids`) `name` is to be asked about, by the id it is asked with, in the order of their
    ids."""
    source = SOURCES[name]
    papers = Paper.objects.only(*READ_FIELDS).order_by("pk")
    if paper_ids is not None:
        papers = papers.filter(pk__in=paper_ids)
    if not everything:
        papers = papers.filter(**{f"{source.answered_field}__isnull": True})
    by_key = defaultdict(list)
    for paper in papers:
        if key := source.key(paper):
            by_key[key].append(paper)
    return dict(by_key)


def refresh_source(
    name: str,
    by_key: dict[str, list[Paper]],
    *,
    on_batch: Callable[[int], None] | None = None,
    user=None,
    **client_options,
) -> SourceReport:
    """Ask source `name` about the papers of `by_key` (see papers_to_ask) and save each batch as it comes; `user`
    asked for it (None: nobody, the history names HISTORY_USERNAME)."""
    source = SOURCES[name]
    report = SourceReport(label=source.label)
    with source.client.from_settings(**client_options) as http:
        for batch in source.client.fetch(list(by_key), http=http):
            save_batch(source, batch, by_key, report, user=user)
            if on_batch:
                on_batch(sum(len(by_key[key]) for key in [*batch.found, *batch.unknown, *batch.failed]))
    return report


@transaction.atomic
def save_batch(source: Source, batch: Batch, by_key: dict[str, list[Paper]], report: SourceReport, *, user) -> None:
    now = timezone.now()
    answered = [paper for key in [*batch.found, *batch.unknown] for paper in by_key[key]]
    with_authors = set(PaperAuthor.objects.filter(paper__in=answered).values_list("paper_id", flat=True).distinct())
    new_authors, changed_fields, logged = {}, {source.answered_field}, []
    for key, found in batch.found.items():
        for paper in by_key[key]:
            changes = fill(paper, found)
            changed_fields |= {name for name, _, _ in changes}
            values = [(field_label(name), old, new) for name, old, new in changes if name not in UNLOGGED_FIELDS]
            if found.authors and paper.pk not in with_authors:
                new_authors[paper] = list(found.authors)
                values.insert(0, ("Authors", "", ", ".join(clean_names(found.authors))))
            report.filled += bool(changes) or paper in new_authors
            if values:
                logged.append((paper, f"Filled from {source.label} by the metadata refresh.", values))
    for paper in answered:
        setattr(paper, source.answered_field, now)
    Paper.objects.bulk_update(answered, sorted(changed_fields), batch_size=500)
    set_authors(new_authors)
    log_refresh(user, logged)
    report.asked += len(answered) + sum(len(by_key[key]) for key in batch.failed)
    report.unknown += batch.unknown
    report.failed.update(batch.failed)


def fill(paper: Paper, found: SourcePaper) -> list[Change]:
    """Fill what `paper` lacks from what the source `found`; the (name, old value, new value) of each field changed."""
    changes = []
    for name, value in (("abstract", found.abstract), ("doi", found.doi)):
        if value and not getattr(paper, name) and fits(name, value):
            changes.append((name, getattr(paper, name), value))
            setattr(paper, name, value)
    for name, value in (("arxiv_primary_category", found.primary_category), ("citation_count", found.citation_count)):
        if value not in ("", None) and getattr(paper, name) != value and fits(name, value):
            changes.append((name, getattr(paper, name), value))
            setattr(paper, name, value)
    return changes


def fits(name: str, value) -> bool:
    """Whether `value` fits the field: a source's odd answer is left out rather than failing the batch."""
    limit = Paper._meta.get_field(name).max_length
    return not (limit and len(value) > limit)
