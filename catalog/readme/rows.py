"""One README line to one entry and back: paper table rows and resource list items.

A line is read as an entry only if rendering what was read gives the line back
exactly; anything else stays text, so reading never loses a byte.
"""

from __future__ import annotations

import datetime
import functools
import re

from . import inline
from .inline import LIST_SPECIALS, TABLE_SPECIALS, RenderError
from .tree import PaperRow, ResourceItem

PAPER_LAYOUTS = {
    ("title", "venue", "date", "code"),
    ("title", "venue", "date", "code", "blog"),
}
DEFAULT_TABLE_HEAD = [
    "|  Title  |   Venue  |   Date   |   Code   |   Blog   |",
    "|:--------|:--------:|:--------:|:--------:|:--------:|",
]
NO_LINKS = "-"
NO_VENUE = "-"
_DEFAULT_PADDING = {
    4: [[0, 0], [1, 1], [1, 1], [1, 1]],
    5: [[1, 0], [1, 1], [1, 1], [1, 1], [1, 1]],
}
_DEFAULT_TITLE_END = {4: "", 5: " <br>"}
_DEFAULT_BADGE_SEPARATOR = {"paper": " <br> ", "resource": " "}
_ALIGNMENT_CELL = re.compile(r" *:?-+:? *")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Spaces, tabs and carriage returns (a stray CR, or the last line of a CR LF file) after an entry, kept as a hint.
_TRAILING = re.compile(r"[ \t\r]*$")
# A cell runs to the next pipe that is not escaped by a backslash; a backslash ending the line stands for itself.
_CELL = re.compile(r"([^\\|]*(?:\\(?:.|\Z)[^\\|]*)*)\|", re.DOTALL)
_TITLE_CELL = re.compile(rf"(?:{inline.STAR_BADGE_RE.pattern}(?P<sep> *(?:<br> *)?))?(?P<link>.+?)(?P<end> *<br>)?")
_RESOURCE = re.compile(
    rf"- (?:{inline.STAR_BADGE_RE.pattern}(?P<sep> +))?"
    rf"(?P<link>{inline.LINK})"
    rf"(?:: (?P<description>.*?))?(?: \((?P<links>{inline.LINK_LIST_RE.pattern})\))?"
)


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


def table_columns(lines: list[str]) -> tuple[str, ...] | None:
    """The paper columns of a header and alignment row pair, or None if they are not one."""
    if len(lines) != 2:
        return None
    header, alignment = split_cells(lines[0]), split_cells(lines[1])
    if not header or not alignment:
        return None
    columns = tuple(cell.strip().lower() for cell in header[0])
    if columns not in PAPER_LAYOUTS or len(alignment[0]) != len(columns):
        return None
    if not all(_ALIGNMENT_CELL.fullmatch(cell) for cell in alignment[0]):
        return None
    return columns


def _hint(hints: dict, key: str, value, default) -> None:
    if value != default:
        hints[key] = value


def read_paper_row(line: str, columns: tuple[str, ...]) -> PaperRow | None:
    split = split_cells(line)
    if split is None or len(split[0]) != len(columns):
        return None
    cells, trailing = split
    contents = [cell.strip(" ") for cell in cells]
    title_cell = _TITLE_CELL.fullmatch(contents[0])
    if not title_cell or not _DATE.fullmatch(contents[2]):
        return None
    title_link = inline.split_title_link(title_cell["link"], TABLE_SPECIALS)
    links = [_read_link_cell(text) for text in contents[3:]]
    if title_link is None or None in links or not contents[1]:
        return None
    try:
        date = datetime.date.fromisoformat(contents[2])
    except ValueError as error:
        raise EntryError(f"invalid date {contents[2]}: {error}") from None
    width = len(columns)
    hints: dict = {}
    padding = [[len(cell) - len(cell.lstrip(" ")), len(cell) - len(cell.rstrip(" "))] for cell in cells]
    _hint(hints, "padding", padding, _DEFAULT_PADDING[width])
    _hint(hints, "bold", title_link[2], True)
    badge_separator = _DEFAULT_BADGE_SEPARATOR["paper"] if title_cell["repo"] else ""
    _hint(hints, "badge_separator", title_cell["sep"] or "", badge_separator)
    _hint(hints, "title_end", title_cell["end"] or "", _DEFAULT_TITLE_END[width])
    _hint(hints, "trailing", trailing, "")
    row = PaperRow(
        title=title_link[0],
        url=title_link[1],
        venue=None if contents[1] == NO_VENUE else inline.unescape(contents[1], TABLE_SPECIALS),
        date=date,
        star_repo=title_cell["repo"] or "",
        code_links=links[0],
        blog_links=links[1] if width == 5 else [],
        hints=hints,
    )
    return row if _renders_as(line, render_paper_row, row, columns) else None


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
    width = len(columns)
    hints = row.hints
    if width == 4 and row.blog_links:
        raise RenderError("it has blog links but its table has no Blog column")
    title = inline.render_title_link(row.title, row.url, bold=hints.get("bold", True), specials=TABLE_SPECIALS)
    if row.star_repo:
        separator = hints.get("badge_separator", _DEFAULT_BADGE_SEPARATOR["paper"])
        title = inline.render_star_badge(row.star_repo) + separator + title
    title += hints.get("title_end", _DEFAULT_TITLE_END[width])
    contents = [title, _venue_cell(row.venue), row.date.isoformat(), _render_link_cell(row.code_links)]
    if width == 5:
        contents.append(_render_link_cell(row.blog_links))
    padding = hints.get("padding")
    layout = _row_layout(padding) if padding and len(padding) == width else _DEFAULT_ROW_LAYOUT[width]
    return layout.format(*contents) + hints.get("trailing", "")


def _row_layout(padding) -> str:
    """The format string of a row whose cells have `padding` ([left, right] spaces) around their contents."""
    return "|" + "|".join(" " * left + "{}" + " " * right for left, right in padding) + "|"


_DEFAULT_ROW_LAYOUT = {width: _row_layout(padding) for width, padding in _DEFAULT_PADDING.items()}


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


def read_resource_item(line: str) -> ResourceItem | None:
    trailing = _TRAILING.search(line).group()
    match = _RESOURCE.fullmatch(line[: len(line) - len(trailing)])
    if not match:
        return None
    title_link = inline.split_title_link(match["link"], LIST_SPECIALS)
    links = inline.parse_links(match["links"], LIST_SPECIALS) if match["links"] else []
    if title_link is None or links is None:
        return None
    hints: dict = {}
    _hint(hints, "bold", title_link[2], True)
    badge_separator = _DEFAULT_BADGE_SEPARATOR["resource"] if match["repo"] else ""
    _hint(hints, "badge_separator", match["sep"] or "", badge_separator)
    _hint(hints, "trailing", trailing, "")
    item = ResourceItem(
        name=title_link[0],
        url=title_link[1],
        description=inline.unescape(match["description"] or "", LIST_SPECIALS),
        star_repo=match["repo"] or "",
        links=links,
        hints=hints,
    )
    return item if _renders_as(line, render_resource_item, item) else None


def render_resource_item(item: ResourceItem) -> str:
    try:
        return _render_resource_item(item)
    except RenderError as error:
        raise RenderError(f"resource {item.name!r}: {error}") from None


def _render_resource_item(item: ResourceItem) -> str:
    hints = item.hints
    parts = ["- "]
    if item.star_repo:
        parts += [inline.render_star_badge(item.star_repo), hints.get("badge_separator", " ")]
    parts.append(inline.render_title_link(item.name, item.url, bold=hints.get("bold", True), specials=LIST_SPECIALS))
    if item.description:
        inline.check(inline.text_problem(item.description), "description")
        parts += [": ", inline.escape(item.description, LIST_SPECIALS)]
    if item.links:
        parts += [" (", inline.render_links(item.links, LIST_SPECIALS), ")"]
    parts.append(hints.get("trailing", ""))
    return "".join(parts)
