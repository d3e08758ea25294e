"""The Semantic Scholar Graph API: papers by `ARXIV:` or `DOI:` id, up to 500 in one `POST /paper/batch`.

The answer lists one paper per id asked, in the same order, `null` for an id it does not know.
"""

import datetime as dt
from collections.abc import Iterable, Iterator

from django.conf import settings

from catalog.sources.http import PoliteClient, describe
from catalog.sources.records import Batch, SourceError, SourcePaper, unwrap

NAME = "Semantic Scholar"
BATCH_SIZE = 500
FIELDS = "title,authors,abstract,externalIds,citationCount,publicationDate,year,venue"


def from_settings(**options) -> PoliteClient:
    """A client configured by the settings; `options` override them (a shorter timeout, say)."""
    configured = {
        "base_url": settings.CATALOG_SEMANTIC_SCHOLAR_API_URL,
        "timeout": settings.CATALOG_METADATA_TIMEOUT,
        "max_wait": settings.CATALOG_METADATA_MAX_WAIT,
        "delay": settings.CATALOG_SEMANTIC_SCHOLAR_DELAY,
        "api_key": settings.SEMANTIC_SCHOLAR_API_KEY,
    }
    return client(**{**configured, **options})


def client(*, base_url: str, timeout: float, max_wait: float, api_key: str = "", **options) -> PoliteClient:
    headers = {"x-api-key": api_key} if api_key else {}
    return PoliteClient(name=NAME, base_url=base_url, timeout=timeout, max_wait=max_wait, headers=headers, **options)


def fetch(ids: Iterable[str], *, http: PoliteClient) -> Iterator[Batch]:
    """One `Batch` per request, for ids such as `ARXIV:2403.00745` or `DOI:10.1000/xyz`, up to 500 a request."""
    ids = list(dict.fromkeys(ids))
    for start in range(0, len(ids), BATCH_SIZE):
        yield fetch_batch(ids[start : start + BATCH_SIZE], http=http)


def fetch_batch(ids: list[str], *, http: PoliteClient) -> Batch:
    batch = Batch()
    try:
        response = http.request("POST", "/paper/batch", params={"fields": FIELDS}, json={"ids": ids})
        if response.status_code != 200:
            raise SourceError(f"{NAME} answered {describe(response)}")
        try:
            papers = response.json()
        except ValueError:
            papers = None
        if not isinstance(papers, list) or len(papers) != len(ids):
            raise SourceError(f"{NAME} answered with something other than one paper per id: {describe(response)}")
    except SourceError as error:
        return batch.fail(ids, str(error))
    for identifier, paper in zip(ids, papers, strict=True):
        if isinstance(paper, dict) and paper.get("title"):
            batch.found[identifier] = read_paper(paper)
        else:
            batch.unknown.append(identifier)
    return batch


def read_paper(paper: dict) -> SourcePaper:
    external = paper.get("externalIds") if isinstance(paper.get("externalIds"), dict) else {}
    authors = paper.get("authors") if isinstance(paper.get("authors"), list) else []
    count = paper.get("citationCount")
    return SourcePaper(
        title=unwrap(str(paper["title"])),
        authors=tuple(unwrap(author["name"]) for author in authors if isinstance(author, dict) and author.get("name")),
        abstract=unwrap(paper.get("abstract") or ""),
        published=published(paper),
        arxiv_id=str(external.get("ArXiv") or ""),
        doi=str(external.get("DOI") or ""),
        citation_count=count if isinstance(count, int) and not isinstance(count, bool) and count >= 0 else None,
        venue=unwrap(paper["venue"]) if isinstance(paper.get("venue"), str) else "",
    )


def published(paper: dict) -> dt.date | None:
    try:
        return dt.date.fromisoformat(paper.get("publicationDate") or "")
    except (TypeError, ValueError):
        return None
