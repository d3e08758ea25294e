"""The arXiv query API: papers by id, up to 100 in a request, as an Atom feed read with defusedxml.

What arXiv sends besides papers is told apart: an entry titled "Error" (HTTP 200 or 400) for an id it cannot
read, an empty entry or none at all for an id it does not have, and a plain-text body when it throttles.
"""

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from xml.etree.ElementTree import Element, ParseError

import httpx
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.conf import settings

from catalog.sources.http import PoliteClient, describe, is_busy
from catalog.sources.records import Batch, SourceError, SourcePaper, unwrap

NAME = "arXiv"
BATCH_SIZE = 100
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
ENTRY_ID_RE = re.compile(r"arxiv\.org/abs/(?P<id>.+?)(?:v\d+)?$")
ERROR_MARK = "arxiv.org/api/errors"
ERROR_ID_RE = re.compile(r"incorrect id format for (?P<id>\S+)")


def throttled(response: httpx.Response) -> bool:
    """arXiv's throttling: a 429 or 503, or a short plain-text answer such as "Rate exceeded." with any status."""
    return is_busy(response) or "rate exceeded" in response.text[:200].lower()


def from_settings(**options) -> PoliteClient:
    """A client configured by the settings; `options` override them (a shorter timeout, say)."""
    configured = {
        "base_url": settings.CATALOG_ARXIV_API_URL,
        "timeout": settings.CATALOG_METADATA_TIMEOUT,
        "max_wait": settings.CATALOG_METADATA_MAX_WAIT,
        "delay": settings.CATALOG_ARXIV_DELAY,
    }
    return client(**{**configured, **options})


def client(*, base_url: str, timeout: float, max_wait: float, delay: float, **options) -> PoliteClient:
    return PoliteClient(
        name=NAME, base_url=base_url, timeout=timeout, max_wait=max_wait, delay=delay, busy=throttled, **options
    )


def fetch(ids: Iterable[str], *, http: PoliteClient) -> Iterator[Batch]:
    """One `Batch` per request, for `ids` (without versions) in groups of up to 100, one request at a time."""
    ids = list(dict.fromkeys(ids))
    for start in range(0, len(ids), BATCH_SIZE):
        yield fetch_batch(ids[start : start + BATCH_SIZE], http=http)


def fetch_batch(ids: list[str], *, http: PoliteClient) -> Batch:
    batch, asked = Batch(), list(ids)
    while asked:
        try:
            response = http.request("GET", "", params={"id_list": ",".join(asked), "max_results": len(asked)})
            entries = read_feed(response)
        except SourceError as error:
            return batch.fail(asked, str(error))
        errors = [entry for entry in entries if ERROR_MARK in text(entry, "id")]
        if not errors:
            papers = [paper for paper in map(read_entry, entries) if paper.title and paper.arxiv_id in asked]
            batch.found.update((paper.arxiv_id, paper) for paper in papers)
            batch.unknown.extend(identifier for identifier in asked if identifier not in batch.found)
            return batch
        refused = {match["id"] for entry in errors if (match := ERROR_ID_RE.search(text(entry, "summary")))}
        if not refused & set(asked):
            message = "; ".join(text(entry, "summary") for entry in errors)
            return batch.fail(asked, f"{NAME} answered with an error: {message}")
        batch.unknown.extend(identifier for identifier in asked if identifier in refused)
        asked = [identifier for identifier in asked if identifier not in refused]
    return batch


def read_feed(response: httpx.Response) -> list[Element]:
    """The entries of an Atom feed; anything else (throttling text, an HTML error page, an XML bomb) is refused."""
    try:
        root = fromstring(response.content, forbid_dtd=True)
    except DefusedXmlException as error:
        raise SourceError(f"{NAME} sent XML this client refuses to read ({type(error).__name__})") from None
    except ParseError:
        raise SourceError(f"{NAME} answered with something that is not an Atom feed: {describe(response)}") from None
    if root.tag != f"{ATOM}feed":
        raise SourceError(f"{NAME} answered with XML that is not an Atom feed: <{root.tag}>")
    entries = root.findall(f"{ATOM}entry")
    if response.status_code != 200 and not entries:
        raise SourceError(f"{NAME} answered {describe(response)}")
    return entries


def read_entry(entry: Element) -> SourcePaper:
    match = ENTRY_ID_RE.search(text(entry, "id"))
    category = entry.find(f"{ARXIV}primary_category")
    published = text(entry, "published")
    pdf = next((link.get("href", "") for link in entry.findall(f"{ATOM}link") if link.get("title") == "pdf"), "")
    return SourcePaper(
        title=unwrap(text(entry, "title")),
        authors=tuple(name for author in entry.findall(f"{ATOM}author") if (name := unwrap(text(author, "name")))),
        abstract=unwrap(text(entry, "summary")),
        published=parse_date(published),
        arxiv_id=match["id"] if match else "",
        doi=text(entry, f"{ARXIV}doi").strip(),
        primary_category=category.get("term", "") if category is not None else "",
        pdf_url=pdf.replace("http://", "https://", 1),
    )


def text(element: Element, tag: str) -> str:
    child = element.find(tag if tag.startswith("{") else f"{ATOM}{tag}")
    return (child.text or "") if child is not None else ""


def parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None
