"""One README list line to one entry and back, in the shapes lists are commonly written in.

- this list's own: `- ![GitHub Repo stars](badge) [**Name**](url): Description. ([Doc](url), [Demo](url))`;
- awesome-lint's: `- [Name](url) - Description.`, with `*`, `+` or `1.` markers, an en or em dash or a colon,
  a bold name (`**[Name](url)**`), and sub-items indented under an item;
- a bold title and bracketed links: `* **Title** [[paper]](url) [[code]](url)`;
- a heading `### 1. [Title](url)` (numbered or at level 3 or deeper) and a one-line summary paragraph under it.

Links inside a description stay in place. An item ending with a venue and a date, `(ICLR 2024)`, `(NeurIPS,
2023-12-10)` or `(2023)`, is a paper. How an item is written (marker, indentation, separator, bold) is kept as
its layout hints; a section's prevailing layout (`section_layout`) is what its new entries take
(`new_entry_hints`). As for
table rows, a line is read as an entry only if rendering what was read gives the line back exactly.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from . import inline
from .inline import LIST_SPECIALS, RenderError
from .rows import DATE_FORMATS, read_date, render_date
from .tree import Link, PaperRow, ResourceItem

DEFAULT_LAYOUT = {"marker": "-", "separator": ": ", "bold": True}
SEPARATORS = (": ", " - ", " – ", " — ", " -- ")
LIST_LINE = re.compile(r" *(?:[-*+]|[0-9]{1,9}[.)]) ")
ITEM = "item"
HEADING = "heading"
_HEADING_HINTS = {"shape", "heading", "gap", "description"}
_ENTRY_HEADING = re.compile(r"(?P<marks>#{2,6}) (?P<number>[0-9]{1,9}\. )?(?P<item>\[.*)")
_SUMMARY = re.compile(r"[^\s#|<>`*+\-0-9].*")

_BRACKETED = rf"\[\[{inline.LABEL}\]\]\({inline.URL}\)"
_BRACKETED_RE = re.compile(rf"\[\[(?P<label>{inline.LABEL})\]\]\((?P<url>{inline.URL})\)")
_ITEM = re.compile(
    rf"(?P<indent> *)(?P<marker>[-*+]|[0-9]{{1,9}}[.)]) "
    rf"(?:{inline.STAR_BADGE_RE.pattern}(?P<sep> +))?"
    rf"(?:(?P<outer>\*\*)?(?P<link>{inline.LINK})(?(outer)\*\*)"
    rf"|\*\*(?P<name>(?:\\.|[^\\*])+)\*\*(?P<bracketed>(?: {_BRACKETED})+))"
    rf"(?P<rest>.*)"
)
_LINK_GROUP = re.compile(rf" \((?P<links>{inline.LINK_LIST_RE.pattern})\)$")
_VENUE_DATE = re.compile(
    r" \((?:(?P<venue>(?:\\.|[^\\()])+?)(?P<venue_separator>,? ))?(?P<date>[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?)\)$"
)
# Spaces, tabs and carriage returns (a stray CR, or the last line of a CR LF file) after an item, kept as a hint.
_TRAILING = re.compile(r"[ \t\r]*$")
CODE_LABEL = re.compile(r"code|github|gitlab|repo|implementation", re.IGNORECASE)


def read_list_item(line: str) -> ResourceItem | PaperRow | None:
    trailing = _TRAILING.search(line).group()
    match = _ITEM.fullmatch(line[: len(line) - len(trailing)])
    if not match:
        return None
    rest = match["rest"]
    venue_date = _VENUE_DATE.search(rest)
    if venue_date:
        rest = rest[: venue_date.start()]
    link_group = _LINK_GROUP.search(rest)
    if link_group:
        rest = rest[: link_group.start()]
    separator = next((separator for separator in SEPARATORS if rest.startswith(separator)), None)
    if rest and (separator is None or len(rest) == len(separator)):
        return None
    hints: dict = {}
    _hint(hints, "indent", match["indent"], "")
    _hint(hints, "marker", match["marker"], DEFAULT_LAYOUT["marker"])
    _hint(hints, "badge_separator", match["sep"] or "", " " if match["repo"] else "")
    if match["link"]:
        name, url, inner_bold = inline.split_title_link(match["link"], LIST_SPECIALS)
        if match["outer"] and inner_bold:
            return None
        _hint(hints, "bold", "outer" if match["outer"] else inner_bold, True)
        links = inline.parse_links(link_group["links"], LIST_SPECIALS) if link_group else []
    else:
        if link_group:
            return None
        name = inline.unescape(match["name"], LIST_SPECIALS)
        bracketed = _BRACKETED_RE.finditer(match["bracketed"])
        first, *links = [Link(inline.unescape(m["label"], LIST_SPECIALS), m["url"]) for m in bracketed]
        url, hints["url_label"] = first.url, first.label
    if rest:
        _hint(hints, "separator", separator, DEFAULT_LAYOUT["separator"])
    description = _unescape_rich(rest[len(separator) :]) if rest else ""
    _hint(hints, "trailing", trailing, "")
    if venue_date:
        try:
            date = read_date(venue_date["date"])
        except ValueError:
            return None
        node = _paper(name, url, match["repo"] or "", links, description, venue_date, date, hints)
    else:
        node = ResourceItem(name, url, description, match["repo"] or "", links, hints)
    return node if _renders_as(line, node) else None


def read_heading_item(lines: list[str], index: int, end: int) -> tuple[ResourceItem | PaperRow, int] | None:
    """The entry of a heading line `lines[index]` written as an entry, with the summary line under it (after
    at most one blank line), and the index after what it takes; None if the heading is not an entry's."""
    match = _ENTRY_HEADING.fullmatch(lines[index])
    if not match or not (match["number"] or len(match["marks"]) >= 3):
        return None
    node = read_list_item("- " + match["item"])
    if node is None or _description(node):
        return None
    node.hints.update(shape=HEADING, heading=match["marks"] + " " + (match["number"] or ""))
    summary = index + 1 + (index + 1 < end and lines[index + 1] == "")
    if summary < end and _SUMMARY.fullmatch(lines[summary]) and (summary + 1 == end or lines[summary + 1] == ""):
        _hint(node.hints, "gap", summary - index - 1, 0)
        text = inline.unescape(lines[summary], LIST_SPECIALS)
        if isinstance(node, PaperRow):
            node.hints["description"] = text
        else:
            node.description = text
        if _renders_lines(lines[index : summary + 1], node):
            return node, summary + 1
        node = read_heading_item([lines[index]], 0, 1)[0]
    return node, index + 1


def _renders_lines(lines: list[str], node) -> bool:
    try:
        return render_list_item(node) == "\n".join(lines)
    except RenderError:
        return False


def _paper(name, url, star_repo, links, description, venue_date, date, hints) -> PaperRow:
    hints["shape"] = ITEM
    _hint(hints, "description", description, "")
    kinds = "".join("c" if CODE_LABEL.search(link.label) else "b" for link in links)
    _hint(hints, "link_kinds", kinds, "".join(sorted(kinds, reverse=True)))
    venue = venue_date["venue"]
    if venue is not None:
        _hint(hints, "venue_separator", venue_date["venue_separator"], " ")
    _hint(hints, "date_format", DATE_FORMATS[len(venue_date["date"])], None)
    return PaperRow(
        title=name,
        url=url,
        venue=None if venue is None else inline.unescape(venue, LIST_SPECIALS),
        date=date,
        star_repo=star_repo,
        code_links=[link for link, kind in zip(links, kinds, strict=True) if kind == "c"],
        blog_links=[link for link, kind in zip(links, kinds, strict=True) if kind == "b"],
        hints=hints,
    )


def _hint(hints: dict, key: str, value, default) -> None:
    if value != default:
        hints[key] = value


def _renders_as(line: str, node) -> bool:
    try:
        return render_list_item(node) == line
    except RenderError:
        return False


def is_list_item(node) -> bool:
    """Whether `node` is an entry written as a list item (and takes its section's list layout)."""
    shape = node.hints.get("shape") if isinstance(node, ResourceItem | PaperRow) else None
    return shape != HEADING and (isinstance(node, ResourceItem) or shape == ITEM)


def render_list_item(node: ResourceItem | PaperRow) -> str:
    """The line of `node`; for an entry written as a heading, its heading line and summary."""
    try:
        if node.hints.get("shape") == HEADING:
            return _render_heading(node)
        return _render(node)
    except RenderError as error:
        if isinstance(node, PaperRow):
            raise RenderError(f"paper {node.title!r}: {error}") from None
        raise RenderError(f"resource {node.name!r}: {error}") from None


def _render(node) -> str:
    hints = node.hints
    is_paper = isinstance(node, PaperRow)
    name = node.title if is_paper else node.name
    description = hints.get("description", "") if is_paper else node.description
    links = _paper_links(node) if is_paper else node.links

    def style(key):
        return hints.get(key, DEFAULT_LAYOUT[key])

    parts = [hints.get("indent", ""), style("marker"), " "]
    if node.star_repo:
        parts += [inline.render_star_badge(node.star_repo), hints.get("badge_separator", " ")]
    url_label = hints.get("url_label")
    if url_label is not None:
        inline.check(inline.text_problem(name), "title", name)
        parts += ["**", inline.escape(name, LIST_SPECIALS), "**"]
        parts += [_render_bracketed(Link(url_label, node.url)), *map(_render_bracketed, links)]
    else:
        bold = style("bold")
        link = inline.render_title_link(name, node.url, bold=bold is True, specials=LIST_SPECIALS)
        parts.append(f"**{link}**" if bold == "outer" else link)
    if description:
        inline.check(inline.text_problem(description), "description")
        if not is_paper and not links and _VENUE_DATE.search(" " + description):
            raise RenderError("its description ends with what reads as a venue and date, like '(ICLR 2024)'")
        parts += [style("separator"), _escape_rich(description)]
    if links and url_label is None:
        parts += [" (", inline.render_links(links, LIST_SPECIALS), ")"]
    if is_paper:
        parts += [" (", *_venue(node), render_date(node.date, hints.get("date_format")), ")"]
    parts.append(hints.get("trailing", ""))
    return "".join(parts)


def _render_heading(node) -> str:
    hints = node.hints
    description = _description(node)
    item_hints = {key: value for key, value in hints.items() if key not in _HEADING_HINTS}
    if isinstance(node, PaperRow):
        item = replace(node, hints=item_hints)
    else:
        item = replace(node, hints=item_hints, description="")
    heading = hints["heading"] + _render(item)[2:]
    if not description:
        return heading
    inline.check(inline.text_problem(description), "description")
    return heading + "\n" * (1 + hints.get("gap", 0)) + inline.escape(description, LIST_SPECIALS)


def _render_bracketed(link: Link) -> str:
    """` [[label]](url)`: a link whose label shows in brackets."""
    label, url = inline.render_link(link, LIST_SPECIALS).split("](", 1)
    return f" [{label}]]({url}"


def _venue(row: PaperRow) -> list[str]:
    if row.venue is None:
        return []
    inline.check(inline.text_problem(row.venue), "venue", row.venue)
    inline.check("must not contain parentheses in a list item" if {"(", ")"} & set(row.venue) else None, "venue")
    return [inline.escape(row.venue, LIST_SPECIALS), row.hints.get("venue_separator", " ")]


def _paper_links(row: PaperRow) -> list[Link]:
    """The links of a paper item in the order the item lists them: code links first unless its hints say."""
    kinds = row.hints.get("link_kinds", "")
    code, blog = iter(row.code_links), iter(row.blog_links)
    if sorted(kinds) != sorted("c" * len(row.code_links) + "b" * len(row.blog_links)):
        return [*row.code_links, *row.blog_links]
    return [next(code) if kind == "c" else next(blog) for kind in kinds]


def _escape_rich(text: str) -> str:
    """`text` escaped for a list line, but for the markdown links in it, which stay links: their labels are escaped
    too, and a `!` just before one (which would make it an image) is escaped."""

    def escape(part: str, before_link: bool) -> str:
        escaped = inline.escape(part, LIST_SPECIALS)
        return escaped[:-1] + "\\!" if before_link and escaped.endswith("!") else escaped

    return _map_outside_links(text, escape, lambda label: inline.escape(label, LIST_SPECIALS))


def _unescape_rich(text: str) -> str:
    def unescape(part: str, before_link: bool) -> str:
        if before_link and part.endswith("\\!"):
            part = part[:-2] + "!"
        return inline.unescape(part, LIST_SPECIALS)

    return _map_outside_links(text, unescape, lambda label: inline.unescape(label, LIST_SPECIALS))


def _map_outside_links(text: str, change, change_label) -> str:
    """`text` with `change(part, before_link)` applied to the parts outside its links and `change_label` to the
    labels of its links."""
    if "](" not in text:
        return change(text, False)
    parts, last = [], 0
    for match in inline.LINK_RE.finditer(text):
        parts += [change(text[last : match.start()], True), f"[{change_label(match['label'])}]({match['url']})"]
        last = match.end()
    parts.append(change(text[last:], False))
    return "".join(parts)


def section_layout(items: list) -> dict:
    """The layout most of `items` (list entries) are written in, where it is not the default."""
    layout = {}
    for key, default in DEFAULT_LAYOUT.items():
        relevant = [item for item in items if key != "separator" or _description(item)]
        values = Counter(_prevailing_value(key, item.hints.get(key, default)) for item in relevant)
        if values and (prevailing := values.most_common(1)[0][0]) != default:
            layout[key] = prevailing
    return layout


def new_entry_hints(section_hints: dict, *, paper: bool) -> dict:
    """The layout hints of an entry added to a section with `section_hints`: the section's prevailing layout.

    Entries read from a file keep their own hints (moved to another section, they look the same); only a new
    one takes its section's layout. A paper is a list item where the section's papers are, else a table row.
    """
    layout = section_hints.get("layout", {})
    if paper and layout.get("papers") != ITEM:
        return {}
    hints = {key: value for key, value in layout.items() if key in DEFAULT_LAYOUT}
    return {**hints, "shape": ITEM} if paper else hints


def _description(item) -> str:
    return item.hints.get("description", "") if isinstance(item, PaperRow) else item.description


def _prevailing_value(key: str, value):
    """Numbered items prevail as "1.": GitHub numbers an ordered list from its first item."""
    return "1." if key == "marker" and value[0].isdigit() else value
