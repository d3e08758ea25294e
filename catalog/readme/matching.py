"""Pairing the sections and entries of two versions of a README, so a sync can tell edits from new lines.

Entries (paper rows with paper rows, resource items with resource items) pair first by their exact URL, then by
identity: the arXiv id, the OpenReview id or else the normalised URL (so `…/abs/2401.00001` and `…v2` listed
side by side each keep their own entry); the ones left then by title, compared case-insensitively. When several
entries share a key, those in sections of the same title pair first, then in the order of the file.

Sections pair, in this order: by the same title; then by the most entries they have in common (a renamed
section keeps its entries); then, for a section with no entry in common, with a section left unpaired between
the same paired neighbours whose title is similar enough (a ratio of at least 0.5).
"""

from __future__ import annotations

import bisect
import difflib
from collections import Counter, defaultdict
from dataclasses import dataclass

from catalog.identity import normalise_title, paper_identity

from .tree import PaperRow, ResourceItem, Section

TITLE_SIMILARITY = 0.5
Place = tuple[int, int]


@dataclass
class Matching:
    """`sections`: new section index -> old one; `entries`: (new section, body index) -> (old section, body index)."""

    sections: dict[int, int]
    entries: dict[Place, Place]


def entry_title(node: PaperRow | ResourceItem) -> str:
    return node.title if isinstance(node, PaperRow) else node.name


def _keys(node) -> tuple[str, str, str]:
    kind = type(node).__name__
    title = normalise_title(entry_title(node))
    return f"{kind} {node.url}", f"{kind} {paper_identity(node.url)}", f"{kind} title:{title}"


def _entries(sections: list[Section]) -> list[tuple[Place, PaperRow | ResourceItem]]:
    return [
        ((number, index), node)
        for number, section in enumerate(sections)
        for index, node in enumerate(section.body)
        if isinstance(node, PaperRow | ResourceItem)
    ]


def match(old: list[Section], new: list[Section]) -> Matching:
    entries = _match_entries(old, new)
    return Matching(_match_sections(old, new, entries), entries)


def _match_entries(old: list[Section], new: list[Section]) -> dict[Place, Place]:
    pairs: dict[Place, Place] = {}
    old_entries, new_entries = _entries(old), _entries(new)
    for key in range(3):
        taken = set(pairs.values())
        olds: dict[str, list[Place]] = defaultdict(list)
        for place, node in old_entries:
            if place not in taken:
                olds[_keys(node)[key]].append(place)
        news: dict[str, list[Place]] = defaultdict(list)
        for place, node in new_entries:
            if place not in pairs:
                news[_keys(node)[key]].append(place)
        for name, places in news.items():
            candidates = olds.get(name, [])
            for same_section_only in (True, False):
                for place in places:
                    found = next(
                        (
                            candidate
                            for candidate in candidates
                            if place not in pairs
                            and (not same_section_only or old[candidate[0]].title == new[place[0]].title)
                        ),
                        None,
                    )
                    if found is not None:
                        pairs[place] = found
                        candidates.remove(found)
    return pairs


def _match_sections(old: list[Section], new: list[Section], entries: dict[Place, Place]) -> dict[int, int]:
    pairs: dict[int, int] = {}
    by_title: dict[str, list[int]] = defaultdict(list)
    for number, section in enumerate(old):
        by_title[section.title].append(number)
    for number, section in enumerate(new):
        if by_title[section.title]:
            pairs[number] = by_title[section.title].pop(0)
    shared = Counter(
        (new_place[0], old_place[0])
        for new_place, old_place in entries.items()
        if new[new_place[0]].level and old[old_place[0]].level
    )
    for (new_number, old_number), _ in sorted(shared.items(), key=lambda item: (-item[1], item[0])):
        if new_number not in pairs and old_number not in pairs.values():
            pairs[new_number] = old_number
    for number, section in enumerate(new):
        if number in pairs or not section.level:
            continue
        low = max((pairs[n] for n in pairs if n < number), default=-1)
        high = min((pairs[n] for n in pairs if n > number), default=len(old))
        taken = set(pairs.values())
        candidates = [n for n in range(low + 1, high) if n not in taken and old[n].level]
        scored = [(_similarity(old[n].title, section.title), -n) for n in candidates]
        if scored and max(scored)[0] >= TITLE_SIMILARITY:
            pairs[number] = -max(scored)[1]
    return pairs


def _similarity(first: str, second: str) -> float:
    return difflib.SequenceMatcher(None, first.casefold(), second.casefold()).ratio()


def kept_in_order(sequence: list[int]) -> set[int]:
    """Indexes into `sequence` of a longest increasing subsequence: what stayed in order; the rest moved."""
    tails: list[int] = []
    tail_index: list[int] = []
    previous = [-1] * len(sequence)
    for index, value in enumerate(sequence):
        slot = bisect.bisect_left(tails, value)
        if slot == len(tails):
            tails.append(value)
            tail_index.append(index)
        else:
            tails[slot] = value
            tail_index[slot] = index
        previous[index] = tail_index[slot - 1] if slot else -1
    kept = set()
    index = tail_index[-1] if tail_index else -1
    while index >= 0:
        kept.add(index)
        index = previous[index]
    return kept
