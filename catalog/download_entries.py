"""A download's text as one entry per paper: the whole catalog's file is written with an index of where each
paper's entry lies in it, so that the download of any selection of papers is cut from that file.

A `Layout` writes a download: its head, then each paper's entry with a separator between two, then its tail (which
may give the number of entries). Written to a file through an `EntryWriter`, the index holds (paper id, offset,
length) in bytes for each entry. `cut` puts the entries of the papers asked for, in their order, between the same
head and tail: the bytes a Layout would write for them, without reading or formatting a single paper again.

Buys (the synthetic catalog of 50,000 papers on SQLite): `/papers.csv?tag=sae` (14,176 papers) in 0.06 s of CPU
instead of 0.97.
"""

import mmap
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from django.db.models import QuerySet

# An index holds three 64-bit numbers per entry: the paper's id, the entry's offset and its length.
INDEX_TYPECODE = "q"
INDEXES_KEPT = 8


class EntryWriter:
    """The bytes of a download being written (UTF-8), and where each paper's entry lies in them."""

    def __init__(self, out: BinaryIO):
        self.out = out
        self.size = 0
        self.index = array(INDEX_TYPECODE)

    def write(self, text: str) -> None:
        data = text.encode()
        self.out.write(data)
        self.size += len(data)

    def entry(self, pk: int, text: str) -> None:
        start = self.size
        self.write(text)
        self.index.extend((pk, start, self.size - start))


def no_tail(count: int) -> str:
    return ""


@dataclass(frozen=True)
class Layout:
    """How a download writes papers: `entries` gives each paper's (id, entry) in the order of the papers."""

    entries: Callable[[QuerySet], Iterable[tuple[int, str]]]
    head: str = ""
    separator: str = ""
    tail: Callable[[int], str] = no_tail

    def __call__(self, papers: QuerySet, out: EntryWriter) -> None:
        out.write(self.head)
        count = 0
        for count, (pk, text) in enumerate(self.entries(papers), start=1):
            if count > 1:
                out.write(self.separator)
            out.entry(pk, text)
        out.write(self.tail(count))

    def joined(self, entries: Sequence[bytes]) -> bytes:
        return b"".join([self.head.encode(), self.separator.encode().join(entries), self.tail(len(entries)).encode()])


def index_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.index")


def write_index(index: array, path: Path) -> None:
    path.write_bytes(index.tobytes())


@lru_cache(maxsize=INDEXES_KEPT)
def _entries_by_id(path: Path) -> dict[int, tuple[int, int]]:
    """The (offset, length) of each paper's entry, by id, from the index at `path` (a file never rewritten: each
    version has its own)."""
    numbers = array(INDEX_TYPECODE)
    numbers.frombytes(path.read_bytes())
    return dict(zip(numbers[0::3], zip(numbers[1::3], numbers[2::3], strict=True), strict=True))


def cut(layout: Layout, path: Path, ids: Iterable[int]) -> bytes | None:
    """The download of the papers `ids` (in that order) cut from the file at `path` that `layout` wrote with its
    index; None if the file or its index is not there, or a paper is not in it."""
    try:
        entries = _entries_by_id(index_path(path))
        with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return layout.joined([data[start : start + length] for start, length in map(entries.__getitem__, ids)])
    except (FileNotFoundError, KeyError):
        return None
