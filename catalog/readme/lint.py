"""Checks of a README that parses but that a maintainer would fix before publishing: pure, no Django.

Each rule has a name (used to switch it off) and a severity: an error makes `lint_readme` exit non-zero,
a warning is reported only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from catalog.identity import paper_identity

from .document import normalise_line_endings, parse
from .items import DEFAULT_LAYOUT, is_list_item
from .rows import split_cells, table_columns
from .tree import CRLF, ERROR, WARNING, PaperRow, ResourceItem, TableHead

# Each rule and its severity; the README's "Lint" section says what each finds.
RULES = {
    "date-order": WARNING,
    "duplicate": ERROR,
    "star-repo": ERROR,
    "missing-placeholder": ERROR,
    "trailing-whitespace": WARNING,
    "non-http-link": ERROR,
    "table-cells": ERROR,
    "toc": ERROR,
    "item-separator": ERROR,
    "item-description": ERROR,
    "carriage-return": ERROR,
}
# The rules of awesome-lint's list items, applied to lists written in its format only (see `is_awesome_lint_list`).
AWESOME_LINT_RULES = {"item-separator", "item-description"}
AWESOME_SEPARATOR = " - "
_AWESOME_BADGE = "awesome.re/badge"

_LINK_TARGET = re.compile(r"(?<!\\)\]\((?P<target>[^\s)]*)")
_ALIGNMENT_CELL = re.compile(r" *:?-+:? *")
_TOC_ITEM = re.compile(r"\s*(?:[-*+]|\d+\.) \[(?P<text>[^\]]+)\]\(#(?P<anchor>[^)\s]*)\)\s*")
_NOT_IN_ANCHOR = re.compile(r"[^\w\- ]")
_SAME_IDENTITY = {"arxiv": "the same arXiv id {}", "openreview": "the same OpenReview id {}", "url": "the same URL"}
_INLINE_MARKUP = re.compile(r"\[([^\]]*)\]\([^)]*\)|[*`]")


@dataclass(frozen=True)
class Finding:
    line: int
    rule: str
    message: str

    @property
    def severity(self) -> str:
        return RULES[self.rule]

    def located(self, name: str) -> str:
        """The finding as `NAME:LINE: rule: message`, `name` being the file's."""
        return f"{name}:{self.line}: {self.rule}: {self.message}"


def lint(text: str, *, disabled=()) -> list[Finding]:
    """The findings of every rule not in `disabled`, ordered by line; ValueError names an unknown rule."""
    unknown = sorted(set(disabled) - set(RULES))
    if unknown:
        raise ValueError(f"unknown lint rule {', '.join(unknown)}; the rules are {', '.join(RULES)}")
    normalised, ending = normalise_line_endings(text)
    lines = normalised.split("\n")
    sections = parse(text).sections
    if not is_awesome_lint_list(sections):
        disabled = {*disabled, *AWESOME_LINT_RULES}
    checks = {
        "date-order": lambda: _date_order(sections),
        "duplicate": lambda: _duplicates(sections),
        "star-repo": lambda: _star_repos(sections),
        "missing-placeholder": lambda: _missing_placeholders(lines),
        "trailing-whitespace": lambda: _trailing_whitespace(lines),
        "non-http-link": lambda: _non_http_links(lines),
        "table-cells": lambda: _table_cells(lines),
        "toc": lambda: _table_of_contents(lines, sections),
        "item-separator": lambda: _item_separators(sections),
        "item-description": lambda: _item_descriptions(sections),
        "carriage-return": lambda: _carriage_returns(lines, ending),
    }
    findings = [finding for rule, check in checks.items() if rule not in disabled for finding in check()]
    return sorted(findings, key=lambda finding: (finding.line, list(RULES).index(finding.rule)))


def _carriage_returns(lines, ending):
    if ending == CRLF:
        yield Finding(1, "carriage-return", "the lines end with CR LF (Windows line endings); the list uses LF")
    for number, line in enumerate(lines, start=1):
        if "\r" in line:
            yield Finding(
                number, "carriage-return", "a carriage return (CR) in the line: mixed line endings, or a stray CR"
            )


def is_awesome_lint_list(sections) -> bool:
    """Whether the list is written in awesome-lint's format: its title carries the Awesome badge, or most of its
    list items with a description separate it with ` - `."""
    headings = [section.title for section in sections if section.level]
    if headings and _AWESOME_BADGE in headings[0]:
        return True
    separators = [separator for _, separator, _ in _described_items(sections)]
    return bool(separators) and separators.count(AWESOME_SEPARATOR) * 2 > len(separators)


def _described_items(sections):
    """(item, separator, description) of each list item with a description."""
    for section in sections:
        for node in section.body:
            if is_list_item(node):
                description = node.hints.get("description", "") if isinstance(node, PaperRow) else node.description
                if description:
                    yield node, node.hints.get("separator", DEFAULT_LAYOUT["separator"]), description


def _item_separators(sections):
    for node, separator, _ in _described_items(sections):
        if separator != AWESOME_SEPARATOR:
            yield Finding(node.line, "item-separator", f"the description follows {separator.strip()!r}: write ' - '")


def _item_descriptions(sections):
    for node, _, description in _described_items(sections):
        plain = _INLINE_MARKUP.sub(lambda match: match[1] or "", description)
        if plain[:1].isalpha() and not plain[:1].isupper():
            yield Finding(node.line, "item-description", "the description starts with a lower-case letter")
        if not plain.rstrip("*_`").endswith((".", "!", "?")):
            yield Finding(node.line, "item-description", "the description does not end with '.', '!' or '?'")


def _entries(sections):
    for section in sections:
        for node in section.body:
            if isinstance(node, PaperRow | ResourceItem):
                yield node


def _date_order(sections):
    for section in sections:
        previous = None
        for node in section.body:
            if isinstance(node, TableHead):
                previous = None
            elif isinstance(node, PaperRow):
                if previous and node.date > previous.date:
                    yield Finding(
                        node.line,
                        "date-order",
                        f"dated {node.date}, newer than the paper above it (line {previous.line}, {previous.date}): "
                        "the newest come first",
                    )
                previous = node


def _duplicates(sections):
    seen: dict[str, int] = {}
    for node in _entries(sections):
        title = node.title if isinstance(node, PaperRow) else node.name
        kind, _, value = paper_identity(node.url).partition(":")
        keys = [
            (f"{kind}:{value}", _SAME_IDENTITY[kind].format(value)),
            ("title:" + " ".join(title.casefold().split()), "the same title"),
        ]
        for key, what in keys:
            if key in seen:
                yield Finding(node.line, "duplicate", f"{what} as line {seen[key]}")
                break
        for key, _ in keys:
            seen.setdefault(key, node.line)


def github_repo(url: str) -> str | None:
    """`owner/name` (lower case) of a github.com URL pointing into a repository, or None."""
    parts = urlsplit(url)
    if (parts.hostname or "").lower() not in {"github.com", "www.github.com"}:
        return None
    path = [part for part in parts.path.split("/") if part]
    if len(path) < 2:
        return None
    return f"{path[0]}/{path[1].removesuffix('.git')}".lower()


def _star_repos(sections):
    for node in _entries(sections):
        if not node.star_repo:
            continue
        if isinstance(node, PaperRow):
            urls, what = [link.url for link in node.code_links], "code link"
        else:
            urls, what = [node.url, *(link.url for link in node.links)], "GitHub link"
        repos = [repo for repo in map(github_repo, urls) if repo]
        if repos and node.star_repo.lower() not in repos:
            yield Finding(node.line, "star-repo", f"the star badge shows {node.star_repo}, the {what} is {repos[0]}")


def _cells(line: str) -> list[str]:
    """The cells of a table row, with or without its closing pipe."""
    split = split_cells(line.rstrip(" \t"))
    if split:
        return split[0]
    split = split_cells(line.rstrip(" \t") + "|")
    return split[0] if split else []


def _tables(lines):
    """(header line index, header cells, [row line indexes]) of every markdown table."""
    index = 0
    while index + 1 < len(lines):
        header, alignment = lines[index], lines[index + 1]
        align_cells = _cells(alignment) if alignment.startswith("|") else []
        if header.startswith("|") and align_cells and all(_ALIGNMENT_CELL.fullmatch(c) for c in align_cells):
            rows = index + 2
            while rows < len(lines) and lines[rows].startswith("|"):
                rows += 1
            yield index, _cells(header), list(range(index + 2, rows))
            index = rows
        else:
            index += 1


def _table_cells(lines):
    for _, header, rows in _tables(lines):
        for index in rows:
            count = len(_cells(lines[index]))
            if count != len(header):
                cells = f"{count} cell" + ("" if count == 1 else "s")
                yield Finding(index + 1, "table-cells", f"{cells}, the header has {len(header)}")


def _missing_placeholders(lines):
    """Empty cells in a paper table whose rows write `-` for a value they have not (a table that never does writes
    empty cells instead, and a row of empty cells is no entry)."""
    for start, _, rows in _tables(lines):
        columns = table_columns(lines[start : start + 2])
        if not columns:
            continue
        rows = [(index, cells) for index in rows if len(cells := _cells(lines[index])) == len(columns)]
        if not any(cell.strip() == "-" for _, cells in rows for cell in cells[1:]):
            continue
        for index, cells in rows:
            if not any(cell.strip() for cell in cells):
                continue
            for column, cell in zip(columns[1:], cells[1:], strict=True):
                if not cell.strip():
                    yield Finding(index + 1, "missing-placeholder", f"the {column.title()} cell is empty: write '-'")


def _trailing_whitespace(lines):
    for number, line in enumerate(lines, start=1):
        if line != line.rstrip(" \t"):
            yield Finding(number, "trailing-whitespace", "the line ends with whitespace")


def _non_http_links(lines):
    for number, line in enumerate(lines, start=1):
        for match in _LINK_TARGET.finditer(line):
            target = match["target"]
            if not target.startswith(("http://", "https://", "#")):
                yield Finding(number, "non-http-link", f"the link {target or '(empty)'!r} is not an http(s) URL")


def anchor(title: str) -> str:
    """The anchor GitHub gives a heading, before numbering repeated ones."""
    text = _INLINE_MARKUP.sub(lambda match: match[1] or "", title)
    return _NOT_IN_ANCHOR.sub("", text.strip().lower()).replace(" ", "-")


def _headings(sections):
    """(line, level, anchor) of every heading, numbered the way GitHub does repeated anchors."""
    counts: dict[str, int] = {}
    headings = []
    for section in sections:
        if not section.level:
            continue
        base = anchor(section.title)
        number = counts.get(base, 0)
        counts[base] = number + 1
        headings.append((section.line, section.level, f"{base}-{number}" if number else base))
    return headings


def _toc_block(lines):
    """The line indexes of the first list of two items or more that all link to #anchors, or []."""
    start = 0
    while start < len(lines):
        end = start
        while end < len(lines) and _TOC_ITEM.fullmatch(lines[end]):
            end += 1
        if end - start >= 2:
            return list(range(start, end))
        start = end + 1
    return []


def _table_of_contents(lines, sections):
    block = _toc_block(lines)
    if not block:
        return
    headings = _headings(sections)
    lines_of = {heading_anchor: line for line, _, heading_anchor in headings}
    after = [(line, level, heading_anchor) for line, level, heading_anchor in headings if line > block[-1] + 1]
    items = [(index + 1, _TOC_ITEM.fullmatch(lines[index])) for index in block]
    listed_levels = {
        level for _, level, heading_anchor in after if any(m["anchor"] == heading_anchor for _, m in items)
    }
    levels = listed_levels or {min((level for _, level, _ in after), default=1)}
    previous = 0
    for number, match in items:
        target = lines_of.get(match["anchor"])
        if target is None:
            yield Finding(number, "toc", f"{match['text']!r} links to #{match['anchor']}, which no heading has")
        elif target < previous:
            yield Finding(number, "toc", f"{match['text']!r} is listed after a heading that comes later")
        else:
            previous = target
    linked = {match["anchor"] for _, match in items}
    for line, level, heading_anchor in after:
        if level in levels and heading_anchor not in linked:
            yield Finding(block[0] + 1, "toc", f"the heading on line {line} (#{heading_anchor}) is not listed")
