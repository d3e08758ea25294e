"""One paper looked up from a pasted reference, for the admin's add form: arXiv, OpenReview, or a DOI through
Semantic Scholar. Quick to give up (a short timeout, no wait for a busy source): the maintainer is waiting and
can type the fields instead."""

from dataclasses import dataclass

from django.conf import settings

from catalog.identity import reference
from catalog.services.arxiv import ABS_URL
from catalog.sources import arxiv, openreview, semantic_scholar
from catalog.sources.records import SourcePaper

TIMEOUT = 10.0
FORUM_URL = "https://openreview.net/forum?id={}"
DOI_URL = "https://doi.org/{}"


class LookupFailed(Exception):
    """Why nothing was filled, in words for the maintainer, with the HTTP status that says it."""

    def __init__(self, message: str, *, status: int):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Found:
    source: str
    url: str
    paper: SourcePaper


def listed_url(kind: str, identifier: str) -> str:
    """The URL a paper named by `identity.reference` is listed under: its arXiv abs page, OpenReview forum or doi.org
    address."""
    return {"arxiv": ABS_URL, "openreview": FORUM_URL, "doi": DOI_URL}[kind].format(identifier)


def look_up(text: str) -> Found:
    """The paper `text` names, with its source and the URL to list it under; LookupFailed says why there is none."""
    named = reference(text)
    if named is None:
        raise LookupFailed("Paste an arXiv id or URL, an OpenReview URL or a DOI.", status=400)
    kind, identifier = named
    source, key = {
        "arxiv": (arxiv, identifier),
        "openreview": (openreview, identifier),
        "doi": (semantic_scholar, f"DOI:{identifier}"),
    }[kind]
    url = listed_url(kind, identifier)
    timeout = min(settings.CATALOG_METADATA_TIMEOUT, TIMEOUT)
    with source.from_settings(timeout=timeout, max_wait=0) as http:
        [batch] = source.fetch([key], http=http)
    if key in batch.failed:
        raise LookupFailed(f"{batch.failed[key]}. Try again later, or fill in the fields by hand.", status=502)
    if key not in batch.found:
        message = f"{source.NAME} does not know {identifier}. Check it, or fill in the fields by hand."
        raise LookupFailed(message, status=404)
    return Found(source=source.NAME, url=url, paper=batch.found[key])
