"""One README table row to one paper and back.

A line is read as an entry only if rendering what was read gives the line back
exactly; anything else stays text, so reading never loses a byte.
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import replace
from typing import NamedTuple

from . import inline, venues
from .inline import TABLE_SPECIALS, RenderError
from .tree import Link, PaperRow, TableHead, Text

# The roles of the paper-table columns the catalog has fields for, by header name; other columns are kept verbatim.
# A `url` column holds the link of a title written as text (`| Name | Link |`).
COLUMN_ROLES = {
    **dict.fromkeys(("title", "paper", "papers", "paper title", "paper name", "name", "work", "article"), "title"),
    **dict.fromkeys(
        ("venue", "conference", "journal", "conference/journal", "published", "published in", "publication venue"),
        "venue",
    ),
    **dict.fromkeys(("date", "publication date", "published on", "release date", "released"), "date"),
    **dict.fromkeys(("year", "publication year"), "year"),
    **dict.fromkeys(("code", "github", "repo", "repository", "implementation", "official code", "source code"), "code"),
    **dict.fromkeys(("blog", "blogs", "blog post", "post"), "blog"),
    **dict.fromkeys(("link", "url", "paper link", "paper url"), "url"),
}
# A header name holding one role or another: the first its table has no other column for. `Publication` heads the
# linked titles of some tables and the venues of others.
AMBIGUOUS_ROLES = {"publication": ("title", "venue")}
LINK_COLUMNS = {"code": "code_links", "blog": "blog_links"}
# The label of the link in a `url` column, unless a row's hints say.
URL_LABEL = "link"
DEFAULT_TABLE_HEAD = [
    "|  Title  |   Venue  |   Date   |   Code   |   Blog   |",
    "|:--------|:--------:|:--------:|:--------:|:--------:|",
]
NO_LINKS = "-"
NO_VENUE = "-"
# What a venue, code or blog cell without a value may hold.
PLACEHOLDERS = (NO_LINKS, "", "—", "–")
_PLACEHOLDER_ROLES = {"venue", "code", "blog"}
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


@functools.lru_cache(maxsize=64)
def column_roles(columns: tuple[str, ...]) -> tuple[str | None, ...]:
    """What each of the columns headed `columns` holds: title, venue, date, year, code, blog or url; None for a
    column kept as text."""
    names = [" ".join(column.strip(" *_:").lower().split()) for column in columns]
    roles = [COLUMN_ROLES.get(name) for name in names]
    for index, name in enumerate(names):
        if name in AMBIGUOUS_ROLES:
            roles[index] = next((role for role in AMBIGUOUS_ROLES[name] if role not in roles), None)
    return tuple(roles)


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
    roles = [role for role in column_roles(columns) if role]
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
    # Whether the title is the link to the entry (else a `url` column holds it).
    linked_title: bool


@functools.lru_cache(maxsize=64)
def _layout(columns: tuple[str, ...]) -> _Layout:
    """The defaults of a table with `columns`: its own for this list's two layouts, one space around cells else."""
    roles = column_roles(columns)
    padding = _SEED_PADDING.get(roles, [[1, 1]] * len(columns))
    absent = tuple(group for role, group in LINK_COLUMNS.items() if role not in roles)
    return _Layout(
        roles=roles,
        padding=padding,
        title_end=" <br>" if roles == _SEED_FIVE else "",
        row_format=_row_layout(tuple(map(tuple, padding))),
        absent=absent + (() if "venue" in roles else ("venue",)),
        kept=tuple(index for index, role in enumerate(roles) if not role),
        linked_title="url" not in roles,
    )


def _hint(hints: dict, key: str, value, default) -> None:
    if value != default:
        hints[key] = value


def read_paper_row(line: str, columns: tuple[str, ...], widths: tuple | None = None) -> PaperRow | None:
    """The paper of a table row, which may have more cells than the header (GitHub ignores them, they are kept)
    or fewer (GitHub shows them empty) if what is missing is empty. `widths` (`table_widths`) are the columns'
    widths, for rows padded to them."""
    split = split_cells(line)
    if split is None:
        return None
    cells, trailing = split
    layout = _layout(columns)
    roles, default_padding, default_title_end, kept = layout.roles, layout.padding, layout.title_end, layout.kept
    width = len(columns)
    overflow = "|".join(cells[width:]) + "|" if len(cells) > width else ""
    missing = max(width - len(cells), 0)
    contents = [cell.strip(" ") for cell in cells[:width]]
    empty = _placeholder(roles, contents)
    if empty is None:
        return None
    # A missing cell reads as the placeholder of its column: it is left out again only while it still is one.
    contents += [empty] * missing
    by_role = dict(zip(roles, contents, strict=True))
    title_cell = _TITLE_CELL.fullmatch(by_role["title"])
    date_text = by_role.get("date", by_role.get("year"))
    if not title_cell or not (_DATE if "date" in by_role else _YEAR).fullmatch(date_text):
        return None
    title_link = _title_link(title_cell["link"], by_role.get("url"))
    venue = by_role.get("venue", empty)
    link_cells = {group: by_role.get(role, empty) for role, group in LINK_COLUMNS.items()}
    links = {
        group: [] if text == empty else inline.parse_links(text, TABLE_SPECIALS) for group, text in link_cells.items()
    }
    if title_link is None or None in links.values():
        return None
    several = [text for group, text in link_cells.items() if len(links[group]) > 1]
    link_separators = {inline.link_separator(text) for text in several}
    if None in link_separators or len(link_separators) > 1:
        return None
    date = read_date(date_text)
    hints: dict = {}
    padding = [_padding(cell) for cell in cells[:width]]
    padding += default_padding[len(padding) :]
    _hint(hints, "padding", padding, default_padding)
    _hint(hints, "bold", title_link[2], True)
    if not layout.linked_title:
        _hint(hints, "url_label", title_link[4], URL_LABEL)
    if title_cell["repo"]:
        hints.update(inline.badge_hints(title_cell))
    badge_separator = _DEFAULT_BADGE_SEPARATOR if title_cell["repo"] else ""
    _hint(hints, "badge_separator", title_cell["sep"] or "", badge_separator)
    _hint(hints, "title_end", title_cell["end"] or "", default_title_end)
    if "date" in by_role:
        _hint(hints, "date_format", DATE_FORMATS[len(date_text)], None)
    _hint(hints, "empty", empty, NO_LINKS)
    _hint(
        hints,
        "link_separator",
        link_separators.pop() if link_separators else inline.LINK_SEPARATOR,
        inline.LINK_SEPARATOR,
    )
    if venue != empty and _read_venue_cell(venue)[1]:
        hints["venue_source"] = venue
    _hint(hints, "kept_cells", [contents[index] for index in kept], [])
    _hint(hints, "missing_cells", missing, 0)
    _hint(hints, "overflow", overflow, "")
    _hint(hints, "trailing", trailing, "")
    row = PaperRow(
        title=title_link[0],
        url=title_link[1],
        venue=None if venue == empty else _read_venue_cell(venue)[0],
        date=date,
        star_repo=title_cell["repo"] or "",
        hints=hints,
        **links,
    )
    candidates = [row]
    if widths and "padding" in hints:
        # A row padded to its columns' widths (as table formatters write them) is written so when edited too.
        fitted = {key: value for key, value in hints.items() if key != "padding"} | {"fit": True}
        candidates.insert(0, replace(row, hints=fitted))
    for candidate in candidates:
        if _renders_as(line, render_paper_row, candidate, columns, widths):
            return candidate
    # A title written with escapes or markup of its own (tried last: nearly every title is written canonically).
    if _escape_cell(row.title) == title_link[3]:
        return None
    for candidate in candidates:
        candidate.hints["title_source"] = title_link[3]
        if _renders_as(line, render_paper_row, candidate, columns, widths):
            return candidate
    return None


def _title_link(title: str, url_cell: str | None) -> tuple | None:
    """(title, url, bold, title as written, label of the link) of a title cell's link, or of its text and the link
    in its row's `url` cell (`url_cell`); None if they are not written so."""
    if url_cell is None:
        link = inline.split_title_link(title, TABLE_SPECIALS)
        return link and (*link, None)
    links = inline.parse_links(url_cell, TABLE_SPECIALS)
    if not links or len(links) != 1:
        return None
    text, bold, written = inline.split_title(title, TABLE_SPECIALS)
    return text, links[0].url, bold, written, links[0].label


@functools.lru_cache(maxsize=1024)
def _read_venue_cell(text: str) -> tuple[str, bool]:
    """The venue of a Venue cell's contents (`ICLR` of `ICLR 2025 Spotlight`), and whether a year is written in it;
    cached, as a catalog has few venues for many papers."""
    written = venues.read_venue(text)
    return inline.unescape(written.venue if written else text, TABLE_SPECIALS), written is not None


def _placeholder(roles, contents: list[str]) -> str | None:
    """What the row writes in a venue, code or blog cell without a value: `-` (or nothing to say), an empty cell or
    a dash; None if its cells use more than one."""
    used = {
        text for role, text in zip(roles, contents, strict=False) if role in _PLACEHOLDER_ROLES and text in PLACEHOLDERS
    }
    if len(used) > 1:
        return None
    return used.pop() if used else NO_LINKS


def _padding(cell: str) -> list[int]:
    """The spaces before and after the contents of `cell` (all before, for an empty cell)."""
    left = len(cell) - len(cell.lstrip(" "))
    return [left, len(cell) - len(cell.strip(" ")) - left]


@functools.lru_cache(maxsize=64)
def table_widths(head: tuple[str, ...]) -> tuple[tuple[int, str], ...] | None:
    """(width, alignment) of each column of a table head (its header and alignment rows): the width of the
    alignment row's cell, and left, right or center from its colons."""
    split = split_cells(head[1]) if len(head) == 2 else None
    if split is None:
        return None
    return tuple((len(cell), _alignment(cell.strip())) for cell in split[0])


def _alignment(cell: str) -> str:
    if cell.endswith(":"):
        return "center" if cell.startswith(":") else "right"
    return "left"


def _fitted(contents: list[str], widths: tuple) -> list[list[int]]:
    """The padding that fills each cell to its column's width, as table formatters write it: contents after one
    space (before one space in a right-aligned column, centred in a centred one); one space each side when the
    contents do not fit."""
    padding = []
    for text, (width, alignment) in zip(contents, widths, strict=True):
        room = width - len(text)
        if room < 2:
            padding.append([1, 1])
        elif alignment == "right":
            padding.append([room - 1, 1])
        elif alignment == "center":
            padding.append([room // 2, room - room // 2])
        else:
            padding.append([1, room - 1])
    return padding


def read_date(text: str) -> datetime.date:
    """The date of a cell written YYYY-MM-DD, YYYY-MM or YYYY (the first day of the month or year)."""
    try:
        return datetime.date.fromisoformat(text + "-01-01"[: 10 - len(text)])
    except ValueError as error:
        raise EntryError(f"invalid date {text}: {error}") from None


def _escape_cell(text: str) -> str:
    return inline.escape(text, TABLE_SPECIALS)


def _renders_as(line: str, render, *args) -> bool:
    try:
        return render(*args) == line
    except RenderError:
        return False


def render_paper_row(row: PaperRow, columns: tuple[str, ...], widths: tuple | None = None) -> str:
    """The table row of `row` in a table with `columns` (of `widths`, for a row padded to them)."""
    try:
        return _render_paper_row(row, columns, widths)
    except RenderError as error:
        raise RenderError(f"paper {row.title!r}: {error}") from None


def _render_paper_row(row: PaperRow, columns: tuple[str, ...], widths: tuple | None) -> str:
    layout = _layout(columns)
    roles, default_padding, default_layout = layout.roles, layout.padding, layout.row_format
    hints = row.hints
    for name in layout.absent:
        if getattr(row, name):
            role = name.removesuffix("_links")
            raise RenderError(
                f"it has {'a venue' if role == name else role + ' links'} but its table has no {role.title()} column"
            )
    if not hints and layout.linked_title:  # nearly every row
        title = inline.render_title_link(row.title, row.url, bold=True, specials=TABLE_SPECIALS)
        if row.star_repo:
            title = inline.render_star_badge(row.star_repo) + _DEFAULT_BADGE_SEPARATOR + title
        return default_layout.format(*_contents(row, roles, title + layout.title_end, row.date.isoformat()))
    bold, source = hints.get("bold", True), hints.get("title_source")
    if layout.linked_title:
        title = inline.render_title_link(row.title, row.url, bold=bold, specials=TABLE_SPECIALS, source=source)
    else:
        title = inline.render_title(row.title, bold=bold, specials=TABLE_SPECIALS, source=source)
    if row.star_repo:
        separator = hints.get("badge_separator", _DEFAULT_BADGE_SEPARATOR)
        title = inline.render_star_badge(row.star_repo, hints) + separator + title
    title += hints.get("title_end", layout.title_end)
    date = render_date(row.date, hints.get("date_format"))
    empty = hints.get("empty", NO_LINKS)
    contents = _contents(row, roles, title, date, empty, hints.get("link_separator", inline.LINK_SEPARATOR), hints)
    if hints.get("fit") and widths and len(widths) == len(columns):
        padding = _fitted(contents, widths)
    else:
        padding = hints.get("padding")
        if not padding or len(padding) != len(columns):
            padding = default_padding
    missing = hints.get("missing_cells", 0)
    if missing and all(text == empty for text in contents[-missing:]):
        contents, padding = contents[:-missing], padding[:-missing]
    layout = _row_layout(tuple(map(tuple, padding))) if padding is not default_padding else default_layout
    return layout.format(*contents) + hints.get("overflow", "") + hints.get("trailing", "")


def _contents(row, roles, title, date, empty=NO_LINKS, separator=inline.LINK_SEPARATOR, hints=None) -> list[str]:
    """The cells' contents of `row`, writing `empty` for a value it has not and `separator` between links."""
    hints = hints or {}
    seed_cells = empty == NO_LINKS and separator == inline.LINK_SEPARATOR and "venue_source" not in hints
    if roles in _SEED_PADDING and seed_cells:
        # This list's own tables, most rows: no cell looked up by its role.
        contents = [title, _venue_cell(row.venue), date, _render_link_cell(row.code_links)]
        if len(roles) == 5:
            contents.append(_render_link_cell(row.blog_links))
        return contents
    kept = iter(hints.get("kept_cells", ()))
    return [_cell(role, row, title, date, kept, empty, separator, hints) for role in roles]


def _cell(role: str | None, row: PaperRow, title: str, date: str, kept, empty: str, separator: str, hints) -> str:
    if role == "title":
        return title
    if role == "url":
        return inline.render_link(Link(hints.get("url_label", URL_LABEL), row.url), TABLE_SPECIALS)
    if role == "venue":
        return empty if row.venue is None else written_venue(row)
    if role == "date":
        return date
    if role == "year":
        return str(row.date.year)
    if role in LINK_COLUMNS:
        links = getattr(row, LINK_COLUMNS[role])
        return inline.render_links(links, TABLE_SPECIALS, separator) if links else empty
    return next(kept, empty)


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
    inline.check("must not be '-' or a dash" if venue in PLACEHOLDERS else None, "venue")
    return venues.without_year(inline.escape(venue, TABLE_SPECIALS))


def written_venue(row: PaperRow) -> str:
    """The Venue cell's contents of a row with a venue: as written (`venue_source`) while that reads as its venue."""
    source = row.hints.get("venue_source")
    return source if source is not None and _read_venue_cell(source)[0] == row.venue else _venue_cell(row.venue)


def _render_link_cell(links) -> str:
    return inline.render_links(links, TABLE_SPECIALS) if links else NO_LINKS


def kept_columns(head_lines: list[str]) -> list[str]:
    """The names, as written in its header, of the columns of a paper table the catalog has no field for (their
    cells are a row's `kept_cells`, in this order)."""
    columns = table_columns(head_lines)
    if columns is None:
        return []
    names = [cell.strip() for cell in split_cells(head_lines[0])[0]]
    return [name for name, role in zip(names, column_roles(columns), strict=True) if role is None]


def kept_cell_problem(text: str) -> str | None:
    """Why `text` cannot be a table cell kept as written, or None: it must be one line that reads back as one cell."""
    if problem := inline.text_problem(text, required=False):
        return problem
    if any(split_cells(f"|{space}{text}{space}|") != ([f"{space}{text}{space}"], "") for space in ("", " ")):
        return "must not contain a '|' that is not escaped as '\\|', nor end with a backslash"
    return None


def with_tables(body: list):
    """(node, head) for each node of a section's body: `head` is the head of the table a paper row is written in,
    None for other nodes. A row with no table before it opens a table with the default head: (None, that head)
    comes first."""
    head = None
    for node in body:
        if isinstance(node, TableHead):
            head = node
        elif isinstance(node, PaperRow) and not (node.hints and node.hints.get("shape")):
            if head is None:
                head = _default_head()
                yield None, head
            yield node, head
            continue
        elif not isinstance(node, Text) or not all(line.startswith("|") for line in node.lines):
            head = None
        yield node, None


@functools.cache
def _default_head() -> TableHead:
    return TableHead(DEFAULT_TABLE_HEAD, table_columns(DEFAULT_TABLE_HEAD))
