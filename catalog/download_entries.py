"""A download's text as one entry per paper: the whole catalog's file is written with an index of where each
paper's entry lies in it, so that the download of any selection of papers is cut from that file.

A `Layout` writes a download: its head, then each paper's entry with a separator between two, then its tail (which
may give the number of entries). Written to a file through an `EntryWriter`, the index holds (paper id, offset,
length) in bytes for each entry. `cut` puts the entries of the papers asked for, in their order, between the same
head and tail: the bytes a Layout would write for them, without reading or formatting a single paper again.

Buys (the synthetic catalog of 50,000 papers with authors and abstracts, on SQLite): `/papers.csv?tag=sae` (14,176
papers, 19 MB) in 0.17 s of CPU instead of 2.5, `/papers.bib?venue=ICLR` in 0.03 instead of 0.5.
"""

import mmap
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
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
    """The index of a file's entries, by paper id."""
    by_id = sorted(zip(index[0::3], index[1::3], index[2::3], strict=True))
    path.write_bytes(array(INDEX_TYPECODE, chain.from_iterable(by_id)).tobytes())


@dataclass(frozen=True)
class EntryIndex:
    """Where each paper's entry lies in a file: ids in ascending order, and each one's offset and length."""

    ids: array
    offsets: array
    lengths: array

    def span(self, pk: int) -> tuple[int, int]:
        at = bisect_left(self.ids, pk)
        if at == len(self.ids) or self.ids[at] != pk:
            raise KeyError(pk)
        return self.offsets[at], self.lengths[at]


@lru_cache(maxsize=INDEXES_KEPT)
def _entry_index(path: Path) -> EntryIndex:
    """The index at `path` (a file never rewritten: each version has its own)."""
    numbers = array(INDEX_TYPECODE)
    numbers.frombytes(path.read_bytes())
    return EntryIndex(numbers[0::3], numbers[1::3], numbers[2::3])


def cut(layout: Layout, path: Path, ids: Iterable[int]) -> bytes | None:
    """The download of the papers `ids` (in that order) cut from the file at `path` that `layout` wrote with its
    index; None if the file or its index is not there, or a paper is not in it."""
    try:
        index = _entry_index(index_path(path))
        with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return layout.joined([data[start : start + length] for start, length in map(index.span, ids)])
    except (FileNotFoundError, KeyError):
        return None
