"""The README as a tree: sections holding text blocks, paper tables and resource lists.

Entries keep only their fields and a small dict of layout hints (padding, trailing
whitespace, ...) that differ from the canonical layout, so that a change to any field
shows in the rendered line while the published file stays byte for byte the same.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"
LF = "\n"
CRLF = "\r\n"


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass
class PaperRow:
    title: str
    url: str
    venue: str | None
    date: datetime.date
    star_repo: str = ""
    code_links: list[Link] = field(default_factory=list)
    blog_links: list[Link] = field(default_factory=list)
    hints: dict = field(default_factory=dict)
    line: int = field(default=0, compare=False)


@dataclass
class ResourceItem:
    name: str
    url: str
    description: str = ""
    star_repo: str = ""
    links: list[Link] = field(default_factory=list)
    hints: dict = field(default_factory=dict)
    line: int = field(default=0, compare=False)


@dataclass
class TableHead:
    """The header and alignment rows of a paper table, kept verbatim."""

    lines: list[str]
    columns: tuple[str, ...]
    line: int = field(default=0, compare=False)


@dataclass
class Text:
    """Lines that carry no entry (prose, rules, HTML, other tables), kept verbatim."""

    lines: list[str]
    line: int = field(default=0, compare=False)


Node = Text | TableHead | PaperRow | ResourceItem


@dataclass
class Section:
    """A heading and the body under it; level 0 is the text before the first heading."""

    title: str
    level: int
    body: list[Node] = field(default_factory=list)
    blank_lines_after_heading: int = 0
    blank_lines_after: int = 0
    hints: dict = field(default_factory=dict)
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Problem:
    line: int
    message: str
    severity: str = WARNING


@dataclass
class Document:
    sections: list[Section]
    problems: list[Problem] = field(default_factory=list)
    line_ending: str = LF

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]
