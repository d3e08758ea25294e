"""What a source says about one paper, and what one request to it gave."""

import datetime as dt
import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SourcePaper:
    """A paper as a source describes it; empty fields are ones it did not give."""

    title: str = ""
    authors: tuple[str, ...] = ()
    abstract: str = ""
    published: dt.date | None = None
    arxiv_id: str = ""
    doi: str = ""
    openreview_id: str = ""
    primary_category: str = ""
    citation_count: int | None = None
    pdf_url: str = ""
    venue: str = ""


@dataclass
class Batch:
    """The outcome of one request: papers found by the id asked for, ids the source does not know, ids it failed."""

    found: dict[str, SourcePaper] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    def fail(self, ids, message: str) -> "Batch":
        for identifier in ids:
            self.failed[identifier] = message
        return self


class SourceError(Exception):
    """A source that did not answer, or answered with something other than what its documentation describes."""


PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def unwrap(text: str) -> str:
    """`text` without its hard line wraps: paragraphs kept, the whitespace within each folded to single spaces."""
    paragraphs = (" ".join(paragraph.split()) for paragraph in PARAGRAPH_BREAK.split(text or ""))
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)
