"""Whole README text to a Document and back. `render(parse(text)) == text` for any text."""

from __future__ import annotations

import re

from . import inline
from .items import LIST_LINE, is_list_item, read_heading_item, read_list_item, render_list_item
from .layout import entry_number, numbered, section_layout
from .rows import EntryError, read_paper_row, render_paper_row, table_columns, table_widths, with_tables
from .tree import CRLF, ERROR, LF, Document, PaperRow, Problem, ResourceItem, Section, TableHead, Text

_HEADING = re.compile(r"(?P<marks>#{1,6}) (?P<title>\S(?:.*\S)?)(?P<trailing>[ \t\r]*)")
NOT_AN_ENTRY = "not recognised as an entry, kept as text"
# A line indented under a list item: its continuation, unless it is an entry of its own.
_INDENTED = re.compile(r"[ \t]+\S")
_ALIGNMENT_ROW = re.compile(r"\|(?: *:?-+:? *\|)+[ \t]*")
_BLANK_ROW = re.compile(r"\|(?: *\|)+[ \t\r]*")


def line_ending(text: str) -> str:
    """CRLF when every line break of `text` is CR LF, else LF (a lone CR then stays part of its line)."""
    crlf = text.count(CRLF)
    return CRLF if crlf and crlf == text.count(LF) else LF


def normalise_line_endings(text: str) -> tuple[str, str]:
    """`text` with LF line breaks, and the line ending that gives it back (see `restore_line_endings`)."""
    ending = line_ending(text)
    return (text.replace(CRLF, LF) if ending == CRLF else text), ending


def restore_line_endings(text: str, ending: str) -> str:
    return text.replace(LF, CRLF) if ending == CRLF else text


def parse(text: str) -> Document:
    text, ending = normalise_line_endings(text)
    lines = text.split("\n")
    document = Document(sections=[], line_ending=ending)
    starts = [
        index
        for index, line in enumerate(lines)
        if _read_heading(line) and not read_heading_item(lines, index, len(lines))
    ]
    if not starts or starts[0] > 0:
        end = starts[0] if starts else len(lines)
        document.sections.append(_parse_section(Section("", 0, line=1), lines, 0, end, document))
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(lines)
        section = _read_heading(lines[start])
        section.line = start + 1
        document.sections.append(_parse_section(section, lines, start + 1, end, document))
    return document


def _read_heading(line: str) -> Section | None:
    match = _HEADING.fullmatch(line)
    if not match:
        return None
    hints = {"trailing": match["trailing"]} if match["trailing"] else {}
    source = match["title"]
    title = inline.unescape_heading(source)
    if inline.escape_heading(title) != source or inline.text_problem(title):
        # Markup written by hand (`# **Bold** heading`), or a character no title may hold: written back as it was
        # while the title stays the same.
        hints["source"] = source
    return Section(title, len(match["marks"]), hints=hints)


def _heading_text(section: Section) -> str:
    source = section.hints.get("source")
    if source is not None and inline.unescape_heading(source) == section.title:
        return source
    inline.check(inline.text_problem(section.title), "section title", section.title)
    return inline.escape_heading(section.title)


def _parse_section(section: Section, lines: list[str], start: int, end: int, document: Document) -> Section:
    first, last = start, end
    while last > first and lines[last - 1] == "":
        last -= 1
    while first < last and lines[first] == "":
        first += 1
    section.blank_lines_after_heading = first - start
    section.blank_lines_after = end - last
    section.body = _parse_body(lines, first, last, document)
    _set_layout(section)
    return section


def _set_layout(section: Section) -> None:
    """Give `section` the layout most of its entries are written in (new entries take it)."""
    if layout := section_layout(section.body):
        section.hints["layout"] = layout


def _parse_body(lines: list[str], start: int, end: int, document: Document) -> list:
    body: list = []
    index = start
    while index < end:
        columns = table_columns(lines[index : index + 2]) if index + 1 < end else None
        heading_entry = read_heading_item(lines, index, end) if lines[index].startswith("#") else None
        if heading_entry:
            entry, after = heading_entry
            entry.line = index + 1
            body.append(entry)
            index = after
        elif columns:
            body.append(TableHead(lines[index : index + 2], columns, line=index + 1))
            widths = table_widths(tuple(lines[index : index + 2]))
            index += 2
            while index < end and lines[index].startswith("|") and not _starts_table(lines, index, end):
                row = _read_row(lines[index], index + 1, columns, widths, document)
                _add(body, row, lines[index], index + 1)
                index += 1
        elif LIST_LINE.match(lines[index]):
            stop = index
            while stop < end and (LIST_LINE.match(lines[stop]) or _INDENTED.match(lines[stop])):
                stop += 1
            items = [read_list_item(line) for line in lines[index:stop]]
            is_resource_list = any(items)
            for offset, item in enumerate(items):
                number = index + offset + 1
                line = lines[number - 1]
                if item is None and _continues(body, line):
                    body[-1].hints.setdefault("continuation", []).append(line)
                    continue
                if item is None and is_resource_list and LIST_LINE.match(line):
                    document.problems.append(Problem(number, NOT_AN_ENTRY))
                if item is not None:
                    item.line = number
                _add(body, item, line, number)
            index = stop
        else:
            _add(body, None, lines[index], index + 1)
            index += 1
    return body


def _continues(body: list, line: str) -> bool:
    """Whether `line`, no entry, continues the list item ending `body`: a line indented under it, its text's second
    line or a sub-item that is no entry (unless the sub-item holds a link: an entry it may be, kept as text)."""
    return (
        bool(body)
        and is_list_item(body[-1])
        and bool(_INDENTED.match(line))
        and not (LIST_LINE.match(line) and "](http" in line)
    )


def _starts_table(lines: list[str], index: int, end: int) -> bool:
    """Whether a paper table's header starts at `lines[index]` (a second header ends the table before it, as a
    table's text block read back from the catalog does)."""
    return (
        index + 1 < end
        and bool(_ALIGNMENT_ROW.fullmatch(lines[index + 1]))
        and bool(table_columns(lines[index : index + 2]))
    )


def _read_row(line: str, number: int, columns, widths, document: Document) -> PaperRow | None:
    try:
        row = read_paper_row(line, columns, widths)
    except EntryError as error:
        document.problems.append(Problem(number, str(error), ERROR))
        return None
    if row is None:
        if not _BLANK_ROW.fullmatch(line):  # a row of empty cells, some tables end with, is no entry
            document.problems.append(Problem(number, NOT_AN_ENTRY))
        return None
    row.line = number
    return row


def _add(body: list, entry, line: str, number: int) -> None:
    """Append `entry`, or `line` as text (joining the text block before it)."""
    if entry is not None:
        body.append(entry)
    elif body and type(body[-1]) is Text:
        body[-1].lines.append(line)
    else:
        body.append(Text([line], line=number))


def render(document: Document) -> str:
    text = "\n".join(line for section in document.sections for line in render_section(section))
    return restore_line_endings(text, document.line_ending)


def render_section(section: Section) -> list[str]:
    lines = []
    if section.level:
        lines.append("#" * section.level + " " + _heading_text(section) + section.hints.get("trailing", ""))
    lines += [""] * section.blank_lines_after_heading
    for _, node_lines, _ in rendered_nodes(section):
        lines += node_lines
    lines += [""] * section.blank_lines_after
    return lines


def rendered_nodes(section: Section):
    """(node, its lines, the head of its table) for each node of the section's body as the section writes it: a
    table row in its table's columns, a list entry with its number. What the section writes between nodes (the
    default table head before a row that has none, blank lines around an entry added with them) comes as
    (None, lines, None)."""
    previous = None
    # The last number written, and the number it was read as.
    written_number = read_number = 0
    for node, head in with_tables(section.body):
        if node is None:
            yield None, head.lines, None
        elif head is not None:
            yield node, [render_paper_row(node, head.columns, table_widths(tuple(head.lines)))], head
        elif isinstance(node, PaperRow | ResourceItem):
            # An entry added with blank lines before it is set apart from the entry after it too.
            blank_lines = isinstance(previous, PaperRow | ResourceItem) and (
                node.hints.get("blank_lines_before") or previous.hints.get("blank_lines_before")
            )
            if blank_lines:
                yield None, [""] * blank_lines, None
            written = numbered(node, written_number, read_number)
            written_number, read_number = entry_number(written, written_number), entry_number(node, read_number)
            yield node, [render_list_item(written)], None
        else:
            yield node, node.lines, None
        previous = node
