"""Full-catalog downloads (papers.csv, papers.bib, papers-all.json): written to a file once per catalog version,
then streamed.

A thread of the process (one per download) writes the file (a temporary file, then a rename) holding the
download's lock, at most once every `CATALOG_DOWNLOAD_REFRESH_SECONDS`, while requests are answered at once with
the newest file written, with its own version's ETag. Before the first file is written, a request waits for it at
most `CATALOG_DOWNLOAD_FIRST_WAIT_SECONDS` (all a small catalog needs), then answers 503 with a Retry-After: no
request waits long for a write, so gunicorn's worker timeout never cuts one short. With a refresh of 0, each request
waits for the current version's file (one that finds another process writing it serves the newest file). Older
files are removed once a newer one is written (a process still sending one keeps reading it). Each instance keeps
its own files, in `CATALOG_DOWNLOADS_DIR`; a download that writes links to the site, in a folder per site.
"""

import fcntl
import io
import logging
import os
import re
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse
from django.utils.cache import add_never_cache_headers

from catalog.catalog_version import current_state
from catalog.download_entries import EntryWriter, Layout, cut, index_path, write_index
from catalog.page_cache import HIT, MISS, STATUS_HEADER

logger = logging.getLogger(__name__)
PREPARING_RETRY_AFTER = 10
WRITER_NAME = "download writer"
# The thread of this process writing each download (by its lock), so that requests share one.
_writers: dict[Path, threading.Thread] = {}
_writers_lock = threading.Lock()


@dataclass(frozen=True)
class Download:
    filename: str
    content_type: str
    # A layout writes the file with an index of its entries, from which the download of a selection is cut.
    write: Layout
    # The site (scheme and host) the file links to, for a download that writes the site's own addresses.
    site: str = ""

    def folder(self) -> Path:
        folder = Path(settings.CATALOG_DOWNLOADS_DIR)
        return folder / re.sub(r"[^\w.-]+", "_", self.site.rstrip("/")) if self.site else folder

    def path(self, version: str) -> Path:
        stem, suffix = os.path.splitext(self.filename)
        return self.folder() / f"{stem}-{version}{suffix}"

    def written(self) -> list[Path]:
        stem, suffix = os.path.splitext(self.filename)
        return sorted(self.folder().glob(f"{stem}-*{suffix}"), key=_version_key)


def _version_key(path: Path) -> tuple[int, int]:
    version, stamp = path.stem.rsplit("-", 1)[1].split(".")
    return int(version), int(stamp)


def serve(request, download: Download, papers: QuerySet) -> HttpResponse:
    """The download of `papers` from the file of the current catalog version, or of the newest one written."""
    state = getattr(request, "catalog_state", None) or current_state()
    path = download.path(state.token)
    status = HIT if path.exists() else MISS
    if status == MISS and not settings.CATALOG_DOWNLOAD_REFRESH_SECONDS:
        path = _write_or_newest(download, path, papers)
    elif status == MISS:
        # A thread of this process writes the new file, if the newest is old enough; a request waits for it only
        # while no file is written yet, and only briefly.
        written = download.written()
        if not written or not _recent(download):
            writer = _write_in_background(download, path, papers, first=not written)
            if not written:
                writer.join(settings.CATALOG_DOWNLOAD_FIRST_WAIT_SECONDS)
                written = download.written()
        if not written:
            return being_prepared(download)
        path = written[-1]
    path, file = _opened(download, path)
    response = FileResponse(file, as_attachment=True, filename=download.filename, content_type=download.content_type)
    response["ETag"] = f'"{path.stem.rsplit("-", 1)[1]}"'
    response[STATUS_HEADER] = status
    return response


def _opened(download: Download, path: Path) -> tuple[Path, BinaryIO]:
    """`path` opened, or the newest file if a newer one has replaced it since it was chosen (a write removes the
    older files)."""
    while True:
        try:
            return path, path.open("rb")
        except FileNotFoundError:
            written = download.written()
            if not written or written[-1] == path:
                raise
            path = written[-1]


def being_prepared(download: Download) -> HttpResponse:
    response = HttpResponse(
        f"{download.filename} of the whole catalog is being prepared: try again in a few seconds.\n",
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(PREPARING_RETRY_AFTER)
    add_never_cache_headers(response)
    return response


def _recent(download: Download) -> Path | None:
    """The newest file written, if it is younger than `CATALOG_DOWNLOAD_REFRESH_SECONDS`: while the catalog
    changes every few seconds, the download is written again at most that often, not for every change."""
    written = download.written()
    if not written:
        return None
    try:
        age = time.time() - written[-1].stat().st_mtime
    except FileNotFoundError:  # removed by a process that wrote a newer one
        return None
    return written[-1] if age < settings.CATALOG_DOWNLOAD_REFRESH_SECONDS else None


def _write_in_background(download: Download, path: Path, papers: QuerySet, *, first: bool) -> threading.Thread:
    """The thread of this process that writes the download, started unless one is still at work.

    It writes holding the download's lock, on database connections of its own that it closes when it ends;
    gunicorn's worker timeout does not apply to it. While another process holds the lock, the first file waits
    for it (and then finds the file written), a later one is left to that process."""

    def write():
        try:
            with _locked(lock, wait=first) as held:
                if held:
                    _write(download, path, papers)
        except (DatabaseError, OSError) as error:
            logger.warning("The %s download was not written: %s", download.filename, error)
        finally:
            connections.close_all()

    lock = _lock_path(download, path)
    with _writers_lock:
        writer = _writers.get(lock)
        if writer is None or not writer.is_alive():
            path.parent.mkdir(parents=True, exist_ok=True)
            writer = threading.Thread(target=write, name=f"{WRITER_NAME} {download.filename}", daemon=True)
            writer.start()
            _writers[lock] = writer
    return writer


def _lock_path(download: Download, path: Path) -> Path:
    return path.parent / f".{download.filename}.lock"


def _write_or_newest(download: Download, path: Path, papers) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = _lock_path(download, path)
    with _locked(lock, wait=False) as held:
        if held:
            return _write(download, path, papers)
    if written := download.written():
        return written[-1]
    with _locked(lock, wait=True):
        return _write(download, path, papers)


def _write(download: Download, path: Path, papers) -> Path:
    """The file and, first, its index of entries (each through a temporary file and a rename)."""
    if path.exists():
        return path
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with temporary.open("wb") as file:
        out = EntryWriter(file)
        download.write(papers, out)
    index = index_path(path)
    temporary_index = index.with_name(f"{index.name}.{os.getpid()}.tmp")
    write_index(out.index, temporary_index)
    os.replace(temporary_index, index)
    os.replace(temporary, path)
    for older in download.written():
        if _version_key(older) < _version_key(path):
            older.unlink(missing_ok=True)
            index_path(older).unlink(missing_ok=True)
    return path


def selection(request, download: Download, papers: QuerySet) -> bytes:
    """The download of `papers` (a filtered part of the catalog), cut from the whole catalog's file of the current
    version when it is written, else written for the request."""
    state = getattr(request, "catalog_state", None) or current_state()
    ids = papers.values_list("pk", flat=True)
    if (cut_out := cut(download.write, download.path(state.token), ids)) is not None:
        return cut_out
    content = io.BytesIO()
    download.write(papers, EntryWriter(content))
    return content.getvalue()


@contextmanager
def _locked(path: Path, *, wait: bool):
    """Hold the flock of `path` (yields True), or yield False at once if another holds it and not `wait`."""
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
