"""A venue as lists write it: a name, a year or date, and a qualifier after it.

`ICLR 2025`, `ICLR 2025 Spotlight`, `NeurIPS 2024 (Oral)`, `ACL 2023 Findings`, `ICML 2024 Workshop on
Mechanistic Interpretability`. A qualifier saying how a paper was presented or honoured at its venue (an oral, a
spotlight, a poster, an award: `_HONOURS`) leaves the venue as it is: the paper is an ICLR paper, and the qualifier
is its venue's note. A qualifier naming another track, whose papers are published apart (Findings, a workshop, a
demo or datasets track: `_TRACKS`), is part of the venue's name: `ACL Findings`, `ICML Workshop on Mechanistic
Interpretability`, as `ICLR Workshop` and `MI@ICML` are. Any other text after a year is not read as a qualifier.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .inline import BREAK

_HONOURS = (
    r"oral|spotlight|poster|highlight|award|(?:best|outstanding|distinguished) paper(?: award)?"
    r"|honou?rable mention|notable[- ]top[- ][0-9]{1,2}%|main(?: conference| track)?|(?:long|short) paper"
)
_TRACKS = (
    r"findings|demos?|system demonstrations|tutorials?|workshops?(?: on [^()\[\]]+)?|[^()\[\]]+ (?:track|workshop)"
)
_WORDS = rf"{_HONOURS}|{_TRACKS}"
# What follows the year: a separator, then the qualifier's words, bare or in parentheses or brackets.
QUALIFIER = rf"(?:,? | [-–] )(?i:\((?:{_WORDS})\)|\[(?:{_WORDS})\]|(?:{_WORDS}))"
DATE = r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?"
_HONOUR_RE = re.compile(_HONOURS, re.IGNORECASE)
_QUALIFIER_START = re.compile(r"(?:,? | [-–] )[(\[]?")
_WRITTEN = re.compile(rf"(?P<name>.+?),? (?P<date>{DATE})(?P<qualifier>{QUALIFIER})?")


class WrittenVenue(NamedTuple):
    venue: str
    date: str
    qualifier: str


def qualifier_words(qualifier: str) -> str:
    """The words of a qualifier as written after the year (`Spotlight` of ` (Spotlight)`)."""
    words = qualifier[_QUALIFIER_START.match(qualifier).end() :]
    return words[:-1] if words.endswith((")", "]")) else words


def venue_named(name: str, qualifier: str | None) -> str:
    """The venue of `name` written with `qualifier` after its year: the name and its track, or the name alone."""
    if not qualifier:
        return name
    words = qualifier_words(qualifier)
    return name if _HONOUR_RE.fullmatch(words) else f"{name} {words}"


def read_venue(text: str) -> WrittenVenue | None:
    """The venue, date and qualifier of a venue written `Name Year Qualifier` (or with a date); None if `text` has
    no year after a name."""
    match = _WRITTEN.fullmatch(text)
    if not match:
        return None
    return WrittenVenue(venue_named(match["name"], match["qualifier"]), match["date"], match["qualifier"] or "")


def note(text: str) -> str:
    """The honour a venue written `text` notes (`Spotlight`, `Oral`), which its venue leaves out; '' if none."""
    written = read_venue(text)
    if written is None or not written.qualifier:
        return ""
    words = qualifier_words(written.qualifier)
    return words if _HONOUR_RE.fullmatch(words) else ""


def without_year(text: str) -> str:
    """`text`, a venue's name as written, with an empty comment before what would read as a year after a name, so
    that it reads back as the whole name it is (`Best of 2024`)."""
    while match := _WRITTEN.fullmatch(text):
        text = text[: match.start("date")] + BREAK + text[match.start("date") :]
    return text
