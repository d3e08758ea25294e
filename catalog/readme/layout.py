"""The layout a section's entries share, and the layout an entry added to the section takes.

Read from a file, every entry keeps its own layout hints (moved to another section, it looks the same). A section
keeps the layout most of its entries are written in (`section_layout`): the marker, separator and bold name of its
list items, the heading and summary gap of entries written as headings, the padding, placeholders and link
separator of its table rows, and the blank lines between its entries. An entry added in the admin takes it
(`new_entry_hints`), so that it looks like its neighbours. Where a section numbers its entries one after the other
(`1.`, `2.`, `3.`; `### 1.`, `### 2.`), a new entry's number is `N`: the number after the entry before it, worked
out when the section is written (`numbered`), and the entries after it that were numbered one after the other move
on by one.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from .items import DEFAULT_LAYOUT, HEADING, ITEM, entry_description, is_list_item
from .rows import column_roles, with_tables
from .tree import PaperRow, ResourceItem, Text

NEXT = "N"
# How list items are written besides DEFAULT_LAYOUT's keys, kept where most items of a section share them (an item
# without one of them has the default): bracketed links, the venue and date placed before them, the date's form.
_ITEM_KEYS = ("url_label", "venue_first", "bracket_gap", "venue_separator", "date_format")
_NUMBER = re.compile(r"[0-9]{1,9}|N")
# The layout hints of table rows a section keeps the prevailing value of (a row without one has its table's default).
_ROW_KEYS = ("padding", "bold", "title_end", "empty", "link_separator")


def section_layout(body: list) -> dict:
    """The layout most of the entries of a section's `body` are written in, where it is not the default."""
    entries = [node for node in body if isinstance(node, PaperRow | ResourceItem)]
    items = [node for node in entries if is_list_item(node)]
    headings = [node for node in entries if node.hints.get("shape") == HEADING]
    layout = _item_layout(items)
    if headings:
        layout["heading"] = _heading_layout(headings)
        if len(headings) > len(items):
            layout["entries"] = HEADING
    papers = {node.hints.get("shape") for node in entries if isinstance(node, PaperRow)}
    if len(papers) == 1 and papers <= {ITEM, HEADING}:
        layout["papers"] = papers.pop()
    rows = [_row_layout(node, head.columns) for node, head in with_tables(body) if node is not None and head]
    if row := {key: value for key, value in _mode(rows).items() if value is not None}:
        layout["row"] = row
    if spacing := _spacing(body):
        layout["spacing"] = spacing
    return layout


def new_entry_hints(section_hints: dict, *, paper: bool) -> dict:
    """The layout hints of an entry added to a section with `section_hints`: the section's prevailing layout.

    A paper is a list item or a heading where the section's papers are, else a table row.
    """
    layout = section_hints.get("layout", {})
    shape = layout.get("papers") if paper else layout.get("entries", ITEM)
    if shape is None:
        return _row_hints(layout.get("row", {}))
    if shape == HEADING:
        hints = {"shape": HEADING, "heading": "### ", **layout.get("heading", {})}
    else:
        hints = {key: value for key, value in layout.items() if key in DEFAULT_LAYOUT or key in _ITEM_KEYS}
        if paper:
            hints["shape"] = ITEM
    if layout.get("spacing"):
        hints["blank_lines_before"] = layout["spacing"]
    return hints


def numbered(node, written: int, read: int):
    """`node` as its section writes it after entries whose last number was `written` (and was read as `read` from
    the file): with the number after `written` in place of `N`, and renumbered to follow `written` where its own
    number followed `read` (an entry added before it, in a list numbered one after the other); else as it is, so
    that a number is never written twice when entries were numbered with gaps."""
    hints = node.hints
    key = "heading" if hints.get("shape") == HEADING else "marker"
    value = hints.get(key, "")
    number = _NUMBER.search(value)
    if number is None or (number.group() != NEXT and (written == read or int(number.group()) != read + 1)):
        return node
    value = value[: number.start()] + str(written + 1) + value[number.end() :]
    return replace(node, hints={**hints, key: value})


def entry_number(node, previous: int) -> int:
    """The number `node` is written with, or `previous` if it has none (or is to take the next one, `N`)."""
    hints = node.hints
    value = hints.get("heading" if hints.get("shape") == HEADING else "marker", "")
    number = _NUMBER.search(value)
    return int(number.group()) if number and number.group() != NEXT else previous


def _item_layout(items: list) -> dict:
    layout = {}
    counting = _counts_on(items)
    for key, default in DEFAULT_LAYOUT.items():
        relevant = [item for item in items if key != "separator" or entry_description(item)]
        values = Counter(_numbering(item.hints.get(key, default), counting) for item in relevant)
        if values and (prevailing := values.most_common(1)[0][0]) != default:
            layout[key] = prevailing
    return layout | _shared_item_hints(items)


def _shared_item_hints(entries: list) -> dict:
    """The values of _ITEM_KEYS most of `entries` have (most of their papers, if they hold any)."""
    papers = [entry for entry in entries if isinstance(entry, PaperRow)]
    shared = _mode([{key: entry.hints.get(key) for key in _ITEM_KEYS} for entry in papers or entries])
    return {key: value for key, value in shared.items() if value is not None}


def _heading_layout(headings: list) -> dict:
    counting = _counts_on(headings)
    values = [
        {
            "heading": _numbering(node.hints["heading"], counting),
            "gap": node.hints.get("gap", 0),
            "bold": node.hints.get("bold", True),
        }
        for node in headings
    ]
    defaults = {"gap": 0, "bold": True}
    layout = {key: value for key, value in _mode(values).items() if value != defaults.get(key)}
    return layout | _shared_item_hints(headings)


def _counts_on(nodes: list) -> bool:
    """Whether the numbered ones of `nodes` count on (`1.`, `2.`, `3.`) rather than all being numbered 1 (which
    GitHub numbers itself)."""
    return any(entry_number(node, 1) != 1 for node in nodes)


def _numbering(value, counting: bool):
    """A numbered marker or heading (`3.`, `### 3. `) as its section numbers: `N` (the next number) where the
    section counts on, `1` where every entry is numbered 1."""
    if not isinstance(value, str) or not _NUMBER.search(value):
        return value
    return _NUMBER.sub(NEXT if counting else "1", value, count=1)


def _row_layout(row: PaperRow, columns: tuple[str, ...]) -> dict:
    """The layout hints of a table row (None for its table's default), its placeholder and link separator only if
    it shows them (a cell without a value, a cell of several links), and the label of its link in a Link column."""
    hints = row.hints
    layout = {key: hints.get(key) for key in _ROW_KEYS[:3]}
    if hints.get("fit"):
        layout["padding"] = "fit"
    roles = set(column_roles(columns))
    groups = {"venue": [row.venue] if row.venue else [], "code": row.code_links, "blog": row.blog_links}
    if any(not groups[role] for role in roles & groups.keys()):
        layout["empty"] = hints.get("empty")
    if len(row.code_links) > 1 or len(row.blog_links) > 1:
        layout["link_separator"] = hints.get("link_separator")
    if "url" in roles:
        layout["url_label"] = hints.get("url_label")
    return layout


def _mode(dicts: list[dict]) -> dict:
    """For each key of `dicts`, the value most of them have (the first seen of equally common ones)."""
    counts: dict[str, Counter] = {}
    for values in dicts:
        for key, value in values.items():
            counts.setdefault(key, Counter())[_hashable(value)] += 1
    return {key: _unhashable(counter.most_common(1)[0][0]) for key, counter in counts.items()}


def _hashable(value):
    return tuple(map(tuple, value)) if isinstance(value, list) else value


def _unhashable(value):
    return [list(pair) for pair in value] if isinstance(value, tuple) else value


def _row_hints(row: dict) -> dict:
    """The hints of a new table row in a section whose rows prevail with `row`."""
    hints = {key: value for key, value in row.items() if key != "padding"}
    if row.get("padding") == "fit":
        hints["fit"] = True
    elif row.get("padding"):
        hints["padding"] = row["padding"]
    return hints


def _spacing(body: list) -> int:
    """The number of blank lines most often between two entries of `body` (0 if they mostly follow each other)."""
    gaps = Counter()
    for before, between, after in zip(body, body[1:], body[2:], strict=False):
        if _is_entry(before) and _is_entry(after) and type(between) is Text and not any(between.lines):
            gaps[len(between.lines)] += 1
    adjacent = sum(_is_entry(a) and _is_entry(b) for a, b in zip(body, body[1:], strict=False))
    if not gaps or adjacent >= max(gaps.values()):
        return 0
    return gaps.most_common(1)[0][0]


def _is_entry(node) -> bool:
    return isinstance(node, PaperRow | ResourceItem)
