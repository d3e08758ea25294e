"""Three-way merge of README texts, line by line (a paper row or a resource item is one line).

Each side's changes from the base are edits of base line ranges. Edits of the two sides that touch different base
lines are all applied, even on neighbouring lines; lines both sides inserted at one place are all kept (once each);
where both sides changed the same lines differently, "theirs" (the repository, where the change was reviewed)
wins, and the merge names what "ours" (the catalog) had there.
"""

from dataclasses import dataclass
from difflib import SequenceMatcher


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    lines: tuple[str, ...]
    side: str
    ours_start: int = 0

    @property
    def inserts(self) -> bool:
        return self.start == self.end


@dataclass
class Conflict:
    base_line: int
    ours_line: int
    base: list[str]
    ours: list[str]
    theirs: list[str]

    @property
    def removed(self) -> list[str]:
        """The base's lines the catalog had removed and the repository changed instead."""
        return [line for line in self.base if line not in self.ours and line not in self.theirs]

    @property
    def lost(self) -> list[tuple[int, str]]:
        """The catalog's lines (with their line number in its export) that the merge does not keep."""
        kept = set(self.theirs)
        return [(self.ours_line + n, line) for n, line in enumerate(self.ours) if line not in kept]


@dataclass
class Merged:
    text: str
    conflicts: list[Conflict]


def _edits(base: list[str], other: list[str], side: str) -> list[Edit]:
    matcher = SequenceMatcher(None, base, other, autojunk=False)
    return [
        Edit(i1, i2, tuple(other[j1:j2]), side, j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
    ]


def _touch(a: Edit, b: Edit) -> bool:
    if a.inserts and b.inserts:
        return a.start == b.start
    if a.inserts:
        return b.start < a.start < b.end
    if b.inserts:
        return a.start < b.start < a.end
    return a.start < b.end and b.start < a.end


def _clusters(edits: list[Edit]) -> list[list[Edit]]:
    """Groups of edits that touch each other, directly or through others, in base order."""
    groups: list[list[Edit]] = []
    for edit in sorted(edits, key=lambda e: (e.start, not e.inserts, e.end)):
        joined = [group for group in groups if any(_touch(edit, other) for other in group)]
        for group in joined:
            groups.remove(group)
        groups.append([edit for group in joined for edit in group] + [edit])
    return sorted(groups, key=lambda g: (min(e.start for e in g), max(e.end for e in g)))


def _apply(base: list[str], edits: list[Edit], start: int, end: int) -> list[str]:
    out, at = [], start
    for edit in sorted(edits, key=lambda e: e.start):
        out += base[at : edit.start]
        out += edit.lines
        at = edit.end
    return out + base[at:end]


def merge3(base: str, ours: str, theirs: str) -> Merged:
    base_lines, ours_lines = base.split("\n"), ours.split("\n")
    edits = _edits(base_lines, ours_lines, "ours") + _edits(base_lines, theirs.split("\n"), "theirs")
    out, at, conflicts = [], 0, []
    for group in _clusters(edits):
        start, end = min(e.start for e in group), max(e.end for e in group)
        out += base_lines[at:start]
        at = end
        mine = [e for e in group if e.side == "ours"]
        their = [e for e in group if e.side == "theirs"]
        ours_region = _apply(base_lines, mine, start, end)
        theirs_region = _apply(base_lines, their, start, end)
        if not mine or not their:
            out += ours_region if mine else theirs_region
            continue
        if start == end:
            out += theirs_region + [line for line in ours_region if line not in theirs_region]
            continue
        out += theirs_region
        base_region = base_lines[start:end]
        added = [line for line in ours_region if line not in base_region]
        removed = [line for line in base_region if line not in ours_region]
        theirs_edits = {(e.start, e.end, e.lines) for e in their}
        same_edits = all((e.start, e.end, e.lines) in theirs_edits for e in mine)
        extra = [line for line in theirs_region if line not in ours_region and line not in base_region]
        kept = all(line in theirs_region for line in added) and not any(line in theirs_region for line in removed)
        if same_edits or (kept and (added or not extra)):
            continue
        ours_start = min(e.ours_start for e in mine) - (min(e.start for e in mine) - start)
        conflicts.append(Conflict(start + 1, ours_start + 1, base_region, ours_region, theirs_region))
    out += base_lines[at:]
    return Merged("\n".join(out), conflicts)
