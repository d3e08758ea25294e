"""The catalog written out as its README, and the diff from the README on disk."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from catalog import readme
from catalog.services.document_mapping import build_document


def export_readme() -> str:
    """The README the catalog gives now; raises readme.RenderError for a value it cannot write."""
    return readme.render(build_document())


@dataclass
class ReadmeDiff:
    text: str
    added: int
    removed: int

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def readme_diff(current: str, exported: str, *, current_name: str, exported_name: str) -> ReadmeDiff:
    """A unified diff from the README `current` to `exported`, with counts of lines added and removed."""
    lines = list(
        difflib.unified_diff(
            current.split("\n"), exported.split("\n"), fromfile=current_name, tofile=exported_name, lineterm=""
        )
    )
    body = [line for line in lines if not line.startswith(("---", "+++"))]
    added = sum(1 for line in body if line.startswith("+"))
    removed = sum(1 for line in body if line.startswith("-"))
    return ReadmeDiff("\n".join(lines) + ("\n" if lines else ""), added, removed)
