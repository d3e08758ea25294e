"""OpenReview API v2: a submission's note by id (`GET /notes?id=`), its fields under `content.<field>.value`."""

import datetime as dt
from collections.abc import Iterable, Iterator

from django.conf import settings

from catalog.sources.http import PoliteClient, describe
from catalog.sources.records import Batch, SourceError, SourcePaper, unwrap

NAME = "OpenReview"
PDF_URL = "https://openreview.net/pdf?id={}"


def from_settings(**options) -> PoliteClient:
    """A client configured by the settings; `options` override them (a shorter timeout, say)."""
    configured = {
        "base_url": settings.CATALOG_OPENREVIEW_API_URL,
        "timeout": settings.CATALOG_METADATA_TIMEOUT,
        "max_wait": settings.CATALOG_METADATA_MAX_WAIT,
    }
    return client(**{**configured, **options})


def client(*, base_url: str, timeout: float, max_wait: float, **options) -> PoliteClient:
    return PoliteClient(name=NAME, base_url=base_url, timeout=timeout, max_wait=max_wait, **options)


def fetch(ids: Iterable[str], *, http: PoliteClient) -> Iterator[Batch]:
    """One `Batch` per id: OpenReview answers for one note at a time."""
    for identifier in dict.fromkeys(ids):
        yield fetch_one(identifier, http=http)


def fetch_one(identifier: str, *, http: PoliteClient) -> Batch:
    batch = Batch()
    try:
        response = http.request("GET", "/notes", params={"id": identifier})
        if response.status_code in (403, 404):
            batch.unknown.append(identifier)
            return batch
        if response.status_code != 200:
            raise SourceError(f"{NAME} answered {describe(response)}")
        notes = read_notes(response)
    except SourceError as error:
        return batch.fail([identifier], str(error))
    note = next((note for note in notes if isinstance(note, dict) and note.get("id") == identifier), None)
    paper = read_note(note) if note else None
    if paper and paper.title:
        batch.found[identifier] = paper
    else:
        batch.unknown.append(identifier)
    return batch


def read_notes(response) -> list:
    try:
        notes = response.json()["notes"]
    except (ValueError, KeyError, TypeError):
        raise SourceError(f"{NAME} answered with something other than notes: {describe(response)}") from None
    if not isinstance(notes, list):
        raise SourceError(f"{NAME} answered with something other than notes: {describe(response)}")
    return notes


def read_note(note: dict) -> SourcePaper:
    content = note.get("content") if isinstance(note.get("content"), dict) else {}
    authors = value(content, "authors")
    return SourcePaper(
        title=unwrap(text(value(content, "title"))),
        authors=tuple(unwrap(name) for name in authors if isinstance(name, str)) if isinstance(authors, list) else (),
        abstract=unwrap(text(value(content, "abstract"))),
        published=published(note),
        openreview_id=str(note["id"]),
        pdf_url=PDF_URL.format(note["id"]) if value(content, "pdf") else "",
        venue=unwrap(text(value(content, "venue"))),
    )


def value(content: dict, field: str):
    """`content.<field>.value` (API v2)."""
    item = content.get(field)
    return item.get("value") if isinstance(item, dict) else None


def text(item) -> str:
    return item if isinstance(item, str) else ""


def published(note: dict) -> dt.date | None:
    """The publication date (`pdate`), else when the note was made public (`odate`) or created (`cdate`)."""
    for key in ("pdate", "odate", "cdate"):
        stamp = note.get(key)
        if isinstance(stamp, int | float) and not isinstance(stamp, bool):
            return dt.datetime.fromtimestamp(stamp / 1000, dt.UTC).date()
    return None
