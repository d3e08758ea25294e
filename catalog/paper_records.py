"""Papers as plain records, for the outputs that write many (JSON, CSV): no model instances, a few queries a chunk.

Buys (10,000 papers on SQLite, CPU seconds of a fresh process): the whole JSON in 2.2 instead of 9.9 from model
instances with their prefetched links, tags and authors (both with a reverse() per paper).
"""

import datetime as dt
from itertools import islice
from typing import NamedTuple

from catalog.models import PaperAuthor, PaperLink, PaperTopic

EXPORT_CHUNK_SIZE = 500
COLUMNS = (
    "pk",
    "title",
    "url",
    "venue__name",
    "venue__kind",
    "date",
    "section__slug",
    "section__title",
    "star_repo",
    "abstract",
    "arxiv_id",
    "doi",
    "openreview_id",
    "citation_count",
)


class PaperRecord(NamedTuple):
    pk: int
    title: str
    url: str
    venue: str | None
    venue_kind: str | None
    date: dt.date
    section_slug: str
    section_title: str
    star_repo: str
    abstract: str
    arxiv_id: str
    doi: str
    openreview_id: str
    citation_count: int | None
    code: list[tuple[str, str]]
    blog: list[tuple[str, str]]
    tags: list[str]
    authors: list[str]


def paper_records(papers):
    """The papers of the queryset `papers`, in its order, read a chunk at a time with the chunk's links (label
    and URL, in their order), topics (slugs, sorted: its tags and those its section implies) and authors (names,
    in their order)."""
    rows = papers.prefetch_related(None).values_list(*COLUMNS).iterator(chunk_size=EXPORT_CHUNK_SIZE)
    while chunk := list(islice(rows, EXPORT_CHUNK_SIZE)):
        ids = [row[0] for row in chunk]
        links = {pk: {PaperLink.Kind.CODE: [], PaperLink.Kind.BLOG: []} for pk in ids}
        for pk, kind, label, url in PaperLink.objects.filter(paper__in=ids).values_list(
            "paper", "kind", "label", "url"
        ):
            links[pk][kind].append((label, url))
        tags = {pk: [] for pk in ids}
        for pk, slug in PaperTopic.objects.filter(entry__in=ids).values_list("entry", "tag__slug"):
            tags[pk].append(slug)
        authors = {pk: [] for pk in ids}
        for pk, name in PaperAuthor.objects.filter(paper__in=ids).values_list("paper", "author__name"):
            authors[pk].append(name)
        for row in chunk:
            pk = row[0]
            code, blog = links[pk][PaperLink.Kind.CODE], links[pk][PaperLink.Kind.BLOG]
            yield PaperRecord(*row, code, blog, sorted(tags[pk]), authors[pk])
