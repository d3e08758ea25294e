"""One README table row to one paper and back.

A line is read as an entry only if rendering what was read gives the line back
exactly; anything else stays text, so reading never loses a byte.
"""

from __future__ import annotations

import datetime
import functools
import re
from typing import NamedTuple

from . import inline
from .inline import TABLE_SPECIALS, RenderError
from .tree import PaperRow

# The roles of the paper-table columns the catalog has fields for, by header name; other columns are kept verbatim.
COLUMN_ROLES = {
    "title": "title",
    "paper": "title",
    "name": "title",
    "venue": "venue",
    "conference": "venue",
    "published": "venue",
    "publication": "venue",
    "date": "date",
    "year": "year",
    "code": "code",
    "github": "code",
    "repo": "code",
    "repository": "code",
    "implementation": "code",
    "blog": "blog",
    "blogs": "blog",
}
LINK_COLUMNS = {"code": "code_links", "blog": "blog_links"}
DEFAULT_TABLE_HEAD = [
    "|  Title  |   Venue  |   Date   |   Code   |   Blog   |",
    "|:--------|:--------:|:--------:|:--------:|:--------:|",
]
NO_LINKS = "-"
NO_VENUE = "-"
_SEED_FOUR = ("title", "venue", "date", "code")
_SEED_FIVE = ("title", "venue", "date", "code", "blog")
_SEED_PADDING = {
    _SEED_FOUR: [[0, 0], [1, 1], [1, 1], [1, 1]],
    _SEED_FIVE: [[1, 0], [1, 1], [1, 1], [1, 1], [1, 1]],
}
_DEFAULT_BADGE_SEPARATOR = " <br> "
DATE_FORMATS = {10: None, 7: "month", 4: "year"}
_ALIGNMENT_CELL = re.compile(r" *:?-+:? *")
_DATE = re.compile(r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?")
_YEAR = re.compile(r"[0-9]{4}")
# A cell runs to the next pipe that is not escaped by a backslash; a backslash ending the line stands for itself.
_CELL = re.compile(r"([^\\|]*(?:\\(?:.|\Z)[^\\|]*)*)\|", re.DOTALL)
_TITLE_CELL = re.compile(rf"(?:{inline.STAR_BADGE_RE.pattern}(?P<sep> *(?:<br> *)?))?(?P<link>.+?)(?P<end> *<br>)?")


class EntryError(ValueError):
    """A line laid out as an entry whose content is invalid (e.g. an impossible date)."""


def split_cells(line: str) -> tuple[list[str], str] | None:
    """The cells of a `| a | b |` row and what follows its last pipe, or None."""
    if not line.startswith("|"):
        return None
    if "\\" in line:
        cells, index = [], 1
        while cell := _CELL.match(line, index):
            cells.append(cell[1])
            index = cell.end()
        rest = line[index:]
    else:  # every pipe ends a cell
        *cells, rest = line[1:].split("|")
    if not cells or rest.strip(" \t\r"):
        return None
    return cells, rest


def column_role(name: str) -> str | None:
    """What the column headed `name` holds: title, venue, date, year, code or blog; None for a column kept as text."""
    return COLUMN_ROLES.get(name.strip(" *_").lower())


def table_columns(lines: list[str]) -> tuple[str, ...] | None:
    """The header names (lower case) of a header and alignment row pair heading a paper table, or None.

    A paper table has a title column and a date or year column; its columns are found by their names, in any
    order, and columns the catalog has no field for are kept.
    """
    if len(lines) != 2:
        return None
    header, alignment = split_cells(lines[0]), split_cells(lines[1])
    if not header or not alignment:
        return None
    columns = tuple(cell.strip().lower() for cell in header[0])
    roles = [role for role in map(column_role, columns) if role]
    if "title" not in roles or not {"date", "year"} & set(roles) or len(roles) != len(set(roles)):
        return None
    if len(alignment[0]) != len(columns) or not all(_ALIGNMENT_CELL.fullmatch(cell) for cell in alignment[0]):
        return None
    return columns


class _Layout(NamedTuple):
    roles: tuple[str | None, ...]
    padding: list[list[int]]
    title_end: str
    row_format: str
    # The entry's fields with no column: the link lists, and the venue.
    absent: tuple[str, ...]
    # The columns kept as text, by index.
    kept: tuple[int, ...]


@functools.lru_cache(maxsize=64)
def _layout(columns: tuple[str, ...]) -> _Layout:
    """The defaults of a table with `columns`: its own for this list's two layouts, one space around cells else."""
    roles = tuple(map(column_role, columns))
    padding = _SEED_PADDING.get(roles, [[1, 1]] * len(columns))
    absent = tuple(group for role, group in LINK_COLUMNS.items() if role not in roles)
    return _Layout(
        roles=roles,
        padding=padding,
        title_end=" <br>" if roles == _SEED_FIVE else "",
        row_format=_row_layout(tuple(map(tuple, padding))),
        absent=absent + (() if "venue" in roles else ("venue",)),
        kept=tuple(index for index, role in enumerate(roles) if not role),
    )


def _hint(hints: dict, key: str, value, default) -> None:
    if value != default:
        hints[key] = value


def read_paper_row(line: str, columns: tuple[str, ...]) -> PaperRow | None:
    """The paper of a table row, which may have more cells than the header (GitHub ignores them, they are kept)
    or fewer (GitHub shows them empty) if what is missing is empty."""
    split = split_cells(line)
    if split is None:
        return None
    cells, trailing = split
    roles, default_padding, default_title_end, _, _, kept = _layout(columns)
    width = len(columns)
    overflow = "|".join(cells[width:]) + "|" if len(cells) > width else ""
    missing = max(width - len(cells), 0)
    # A missing cell reads as the placeholder of its column: it is left out again only while it still is one.
    contents = [cell.strip(" ") for cell in cells[:width]] + [NO_LINKS] * missing
    by_role = dict(zip(roles, contents, strict=True))
    title_cell = _TITLE_CELL.fullmatch(by_role["title"])
    date_text = by_role.get("date", by_role.get("year"))
    if not title_cell or not (_DATE if "date" in by_role else _YEAR).fullmatch(date_text):
        return None
    title_link = inline.split_title_link(title_cell["link"], TABLE_SPECIALS)
    venue = by_role.get("venue", NO_VENUE)
    links = {group: _read_link_cell(by_role.get(role, NO_LINKS)) for role, group in LINK_COLUMNS.items()}
    if title_link is None or None in links.values() or not venue:
        return None
    date = read_date(date_text)
    hints: dict = {}
    padding = [[len(cell) - len(cell.lstrip(" ")), len(cell) - len(cell.rstrip(" "))] for cell in cells[:width]]
    padding += default_padding[len(padding) :]
    _hint(hints, "padding", padding, default_padding)
    _hint(hints, "bold", title_link[2], True)
    badge_separator = _DEFAULT_BADGE_SEPARATOR if title_cell["repo"] else ""
    _hint(hints, "badge_separator", title_cell["sep"] or "", badge_separator)
    _hint(hints, "title_end", title_cell["end"] or "", default_title_end)
    if "date" in by_role:
        _hint(hints, "date_format", DATE_FORMATS[len(date_text)], None)
    _hint(hints, "kept_cells", [contents[index] for index in kept], [])
    _hint(hints, "missing_cells", missing, 0)
    _hint(hints, "overflow", overflow, "")
    _hint(hints, "trailing", trailing, "")
    row = PaperRow(
        title=title_link[0],
        url=title_link[1],
        venue=None if venue == NO_VENUE else inline.unescape(venue, TABLE_SPECIALS),
        date=date,
        star_repo=title_cell["repo"] or "",
        hints=hints,
        **links,
    )
    return row if _renders_as(line, render_paper_row, row, columns) else None


def read_date(text: str) -> datetime.date:
    """The date of a cell written YYYY-MM-DD, YYYY-MM or YYYY (the first day of the month or year)."""
    try:
        return datetime.date.fromisoformat(text + "-01-01"[: 10 - len(text)])
    except ValueError as error:
        raise EntryError(f"invalid date {text}: {error}") from None


def _read_link_cell(text: str):
    return [] if text == NO_LINKS else inline.parse_links(text, TABLE_SPECIALS)


def _renders_as(line: str, render, *args) -> bool:
    try:
        return render(*args) == line
    except RenderError:
        return False


def render_paper_row(row: PaperRow, columns: tuple[str, ...]) -> str:
    try:
        return _render_paper_row(row, columns)
    except RenderError as error:
        raise RenderError(f"paper {row.title!r}: {error}") from None


def _render_paper_row(row: PaperRow, columns: tuple[str, ...]) -> str:
    roles, default_padding, default_title_end, default_layout, absent, _ = _layout(columns)
    hints = row.hints
    for name in absent:
        if getattr(row, name):
            role = name.removesuffix("_links")
            raise RenderError(
                f"it has {'a venue' if role == name else role + ' links'} but its table has no {role.title()} column"
            )
    if hints:
        bold, title_end, date_format = (
            hints.get("bold", True),
            hints.get("title_end", default_title_end),
            hints.get("date_format"),
        )
    else:  # nearly every row
        bold, title_end, date_format = True, default_title_end, None
    title = inline.render_title_link(row.title, row.url, bold=bold, specials=TABLE_SPECIALS)
    if row.star_repo:
        separator = hints.get("badge_separator", _DEFAULT_BADGE_SEPARATOR)
        title = inline.render_star_badge(row.star_repo) + separator + title
    title += title_end
    date = row.date.isoformat() if date_format is None else render_date(row.date, date_format)
    if roles in _SEED_PADDING:  # this list's own tables, most rows: no cell looked up by its role
        contents = [title, _venue_cell(row.venue), date, _render_link_cell(row.code_links)]
        if len(roles) == 5:
            contents.append(_render_link_cell(row.blog_links))
    else:
        kept = iter(hints.get("kept_cells", ()))
        contents = [_cell(role, row, title, date, kept) for role in roles]
    if not hints:
        return default_layout.format(*contents)
    padding = hints.get("padding")
    if not padding or len(padding) != len(columns):
        padding = default_padding
    missing = hints.get("missing_cells", 0)
    if missing and all(text == NO_LINKS for text in contents[-missing:]):
        contents, padding = contents[:-missing], padding[:-missing]
    layout = _row_layout(tuple(map(tuple, padding))) if padding is not default_padding else default_layout
    return layout.format(*contents) + hints.get("overflow", "") + hints.get("trailing", "")


def _cell(role: str | None, row: PaperRow, title: str, date: str, kept) -> str:
    if role == "title":
        return title
    if role == "venue":
        return _venue_cell(row.venue)
    if role == "date":
        return date
    if role == "year":
        return str(row.date.year)
    if role in LINK_COLUMNS:
        return _render_link_cell(getattr(row, LINK_COLUMNS[role]))
    return next(kept, NO_LINKS)


def render_date(date: datetime.date, date_format: str | None) -> str:
    """The date written YYYY-MM-DD, or as its month (YYYY-MM) or year (YYYY) for those `date_format`s."""
    text = date.isoformat()
    return text[:4] if date_format == "year" else text[:7] if date_format == "month" else text


@functools.lru_cache(maxsize=256)
def _row_layout(padding: tuple) -> str:
    """The format string of a row whose cells have `padding` ((left, right) spaces) around their contents."""
    return "|" + "|".join(" " * left + "{}" + " " * right for left, right in padding) + "|"


@functools.lru_cache(maxsize=1024)
def _venue_cell(venue: str | None) -> str:
    """The Venue cell's contents; cached, as a catalog has few venues for many papers."""
    if venue is None:
        return NO_VENUE
    inline.check(inline.text_problem(venue), "venue", venue)
    inline.check("must not be '-'" if venue == NO_VENUE else None, "venue")
    return inline.escape(venue, TABLE_SPECIALS)


def _render_link_cell(links) -> str:
    return inline.render_links(links, TABLE_SPECIALS) if links else NO_LINKS
