"""A suggestion's title, authors, date and venue from the metadata sources, as the admin's add form fills a paper
(catalog.sources.lookup): arXiv for an arXiv id or URL, OpenReview for a forum URL, Semantic Scholar for a DOI."""

import datetime
from dataclasses import dataclass

from catalog.sources import arxiv
from catalog.sources.lookup import LookupFailed, look_up


@dataclass(frozen=True)
class PaperMetadata:
    title: str = ""
    authors: str = ""
    date: datetime.date | None = None
    venue: str = ""


def fetch_metadata(url: str) -> PaperMetadata | None:
    """What the sources know of the paper at `url`; None when no source knows it or none answers in time, and the
    reader types the fields."""
    try:
        found = look_up(url)
    except LookupFailed:
        return None
    paper = found.paper
    return PaperMetadata(
        title=paper.title,
        authors=", ".join(paper.authors),
        date=paper.published,
        # An arXiv paper not yet published elsewhere is listed under the venue "arXiv".
        venue=paper.venue or ("arXiv" if found.source == arxiv.NAME else ""),
    )
