"""One paper looked up from a pasted reference, for the admin's add form: arXiv, OpenReview, or a DOI through
Semantic Scholar. Quick to give up: the maintainer is waiting and can type the fields instead."""

from django.conf import settings

from catalog.identity import reference
from catalog.services.arxiv import ABS_URL
from catalog.sources import arxiv, openreview, semantic_scholar
from catalog.sources.records import SourcePaper

TIMEOUT = 10.0
MAX_WAIT = 5.0
FORUM_URL = "https://openreview.net/forum?id={}"
DOI_URL = "https://doi.org/{}"


class LookupFailed(Exception):
    """Why nothing was filled, in words for the maintainer."""


def look_up(text: str) -> tuple[str, SourcePaper]:
    """The paper `text` names, with the URL to list it under; LookupFailed says why there is none."""
    named = reference(text)
    if named is None:
        raise LookupFailed("Paste an arXiv id or URL, an OpenReview URL or a DOI.")
    kind, identifier = named
    source, key, url = {
        "arxiv": (arxiv, identifier, ABS_URL.format(identifier)),
        "openreview": (openreview, identifier, FORUM_URL.format(identifier)),
        "doi": (semantic_scholar, f"DOI:{identifier}", DOI_URL.format(identifier)),
    }[kind]
    timeout = min(settings.CATALOG_METADATA_TIMEOUT, TIMEOUT)
    with source.from_settings(timeout=timeout, max_wait=MAX_WAIT) as http:
        [batch] = source.fetch([key], http=http)
    if key in batch.failed:
        raise LookupFailed(f"{batch.failed[key]}. Try again later, or fill in the fields by hand.")
    if key not in batch.found:
        raise LookupFailed(f"{source.NAME} does not know {identifier}. Check it, or fill in the fields by hand.")
    return url, batch.found[key]
