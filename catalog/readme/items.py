"""One README list line to one entry and back, in the shapes lists are commonly written in.

- this list's own: `- ![GitHub Repo stars](badge) [**Name**](url): Description. ([Doc](url), [Demo](url))`;
- awesome-lint's: `- [Name](url) - Description.`, with `*`, `+` or `1.` markers, an en or em dash or a colon,
  a bold name (`**[Name](url)**`), and sub-items indented under an item;
- a label before the link: `- **[Tag]** [Name](url)`, `` - `cli` [Name](url) ``, `- ![badge](img) [Name](url)`,
  kept as written (`lead`);
- a bold title and bracketed links: `* **Title** [[paper]](url) [[code]](url)`, a venue and date before the
  links or after them (`**Title** (ICLR 2024) [[paper]](url)`), and text after them (`[[paper]](url) ⭐⭐`);
- a heading `### 1. [Title](url)` (numbered or at level 3 or deeper) and a one-line summary paragraph under it.

Any separator between the name and the description is kept (a dash or colon with spaces, spaces alone, a stray
bracket or comma before them). Links inside a description stay in place; a title or description written with
markup or escapes of its own (`` `code` ``, `*emphasis*`, `x.ai`, `[Lab]`) is kept as written while it is not
edited (`title_source`, `description_source`). An item ending with a venue and a date, `(ICLR 2024)`, `(NeurIPS,
2023-12-10)` or `(2023)`, is a paper; a qualifier after the date (`(ICLR 2025 Spotlight)`) is read as `venues`
says, and kept as written (`venue_source`) while the venue and date are not edited. How an item is written
(marker, indentation, separator, bold) is kept as its layout hints (`layout` gives a section's prevailing one to
the entries added to it), and the lines indented under it that are no entry as its `continuation`. As for table
rows, a line is read as an entry only if rendering what was read gives the line back exactly.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace

from . import inline, venues
from .inline import LIST_SPECIALS, RenderError
from .rows import DATE_FORMATS, read_date, render_date, written_venue
from .tree import Link, PaperRow, ResourceItem

DEFAULT_LAYOUT = {"marker": "-", "separator": ": ", "bold": True}
# The separators between an item's name and its description most lists use; any other is read too (`_SEPARATOR`).
SEPARATORS = (": ", " - ", " – ", " — ", " -- ")
# A dash or colon with spaces around it, or spaces alone (`[Name](url) Description`), after a stray closing bracket
# or a comma (`[Name](url)] - Description`, `[Name](url), [Other](url)`): kept as written.
_SEPARATOR = re.compile(r"[\])]?[,.;]?(?: *(?:--|[-–—:|]) +| +)")
LIST_LINE = re.compile(r" *(?:[-*+]|[0-9]{1,9}[.)]) ")
ITEM = "item"
HEADING = "heading"
_HEADING_HINTS = {"shape", "heading", "gap", "description", "description_source"}
_ENTRY_HEADING = re.compile(r"(?P<marks>#{2,6}) (?P<number>[0-9]{1,9}\. )?(?P<item>\[.*)")
_SUMMARY = re.compile(r"[^\s#|<>`*+\-0-9].*")

# A label before an item's link (whose own label is no image): a bold or code label, or a badge (an image, or a
# linked one), not a stars badge.
_LEAD_LABEL = (
    r"\*\*(?:(?!\]\()[^\\*]|\\.)+\*\*|`[^`]+`"
    r"|(?!!\[[^\]]*\]\(https://img\.shields\.io/github/stars/)!\[[^\]\\]*\]\([^\s()]+\)"
    r"|\[!\[[^\]\\]*\]\([^\s()]+\)\]\([^\s()]+\)"
)
_BRACKETED = rf"\[\[{inline.LABEL}\]\]\({inline.URL}\)"
_BRACKETED_RE = re.compile(rf"\[\[(?P<label>{inline.LABEL})\]\]\((?P<url>{inline.URL})\)")
_ITEM = re.compile(
    rf"(?P<indent> *)(?P<marker>[-*+]|[0-9]{{1,9}}[.)]) "
    rf"(?P<lead>(?:(?:{_LEAD_LABEL}) +)+)??"
    rf"(?:{inline.STAR_BADGE_RE.pattern}(?P<sep> +))?"
    rf"(?:(?P<outer>\*\*)?(?!\[!\[)(?P<link>{inline.LINK})(?(outer)\*\*)"
    rf"|\*\*(?P<name>(?:\\.|[^\\*])+)\*\*(?P<middle> \((?:[^()]|\([^()]*\))*\))?(?P<gap> *)"
    rf"(?P<bracketed>{_BRACKETED}(?: {_BRACKETED})*))"
    rf"(?P<rest>.*)"
)
_LINK_GROUP = re.compile(rf" \((?P<links>{inline.LINK_LIST_RE.pattern})\)$")
# A venue and date (`(ICLR 2024)`, `(NeurIPS, 2023-12-10)`, `(2023)`), and a qualifier after them (`(ICLR 2025
# Spotlight)`, `(NeurIPS 2024 (Oral))`: see `venues`).
_VENUE_DATE = re.compile(
    rf" \((?P<written>(?:(?P<venue>(?:\\.|[^\\()])+?)(?P<venue_separator>,? ))?(?P<date>{venues.DATE})"
    rf"(?P<qualifier>{venues.QUALIFIER})?)\)$"
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
    # `**Title** (Venue 2024) [[paper]](url)`: the venue and date before the links.
    if match["middle"] and (venue_date or not (venue_date := _VENUE_DATE.fullmatch(match["middle"]))):
        return None
    link_group = _LINK_GROUP.search(rest)
    if link_group:
        rest = rest[: link_group.start()]
    separator = _SEPARATOR.match(rest)
    if rest and (separator is None or separator.end() == len(rest)):
        return None
    hints: dict = {}
    _hint(hints, "indent", match["indent"], "")
    _hint(hints, "marker", match["marker"], DEFAULT_LAYOUT["marker"])
    _hint(hints, "lead", match["lead"] or "", "")
    _hint(hints, "badge_separator", match["sep"] or "", " " if match["repo"] else "")
    if match["repo"]:
        hints.update(inline.badge_hints(match))
    if match["link"]:
        name, url, inner_bold, label = inline.split_title_link(match["link"], LIST_SPECIALS)
        if match["outer"] and inner_bold:
            return None
        _hint(hints, "bold", "outer" if match["outer"] else inner_bold, True)
        links = inline.parse_links(link_group["links"], LIST_SPECIALS) if link_group else []
        link_separator = inline.link_separator(link_group["links"]) if link_group else inline.LINK_SEPARATOR
        if link_separator is None:
            return None
        _hint(hints, "link_separator", link_separator, inline.LINK_SEPARATOR)
    else:
        if link_group:
            return None
        label = match["name"]
        name = inline.unescape(label, LIST_SPECIALS)
        bracketed = _BRACKETED_RE.finditer(match["bracketed"])
        first, *links = [Link(inline.unescape(m["label"], LIST_SPECIALS), m["url"]) for m in bracketed]
        url, hints["url_label"] = first.url, first.label
        _hint(hints, "bracket_gap", match["gap"], " ")
        _hint(hints, "venue_first", bool(match["middle"]), False)
    inline.source_hint(hints, "title_source", label, name, PLAIN[0])
    description = ""
    if rest:
        _hint(hints, "separator", separator.group(), DEFAULT_LAYOUT["separator"])
        written = rest[separator.end() :]
        description = _unescape_rich(written)
        inline.source_hint(hints, "description_source", written, description, RICH[0])
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
    if node is None or entry_description(node):
        return None
    node.hints.update(shape=HEADING, heading=match["marks"] + " " + (match["number"] or ""))
    summary = index + 1 + (index + 1 < end and lines[index + 1] == "")
    if summary < end and _SUMMARY.fullmatch(lines[summary]) and (summary + 1 == end or lines[summary + 1] == ""):
        _hint(node.hints, "gap", summary - index - 1, 0)
        text = inline.unescape(lines[summary], LIST_SPECIALS)
        inline.source_hint(node.hints, "description_source", lines[summary], text, PLAIN[0])
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
    if venue_date["venue"] is not None:
        _hint(hints, "venue_separator", venue_date["venue_separator"], " ")
    _hint(hints, "date_format", DATE_FORMATS[len(venue_date["date"])], None)
    if venue_date["qualifier"]:
        hints["venue_source"] = venue_date["written"]
    return PaperRow(
        title=name,
        url=url,
        venue=_venue_of(venue_date),
        date=date,
        star_repo=star_repo,
        code_links=[link for link, kind in zip(links, kinds, strict=True) if kind == "c"],
        blog_links=[link for link, kind in zip(links, kinds, strict=True) if kind == "b"],
        hints=hints,
    )


def _venue_of(venue_date: re.Match) -> str | None:
    """The venue of a match of _VENUE_DATE: its name, and the track its qualifier may name (see `venues`)."""
    if venue_date["venue"] is None:
        return None
    return inline.unescape(venues.venue_named(venue_date["venue"], venue_date["qualifier"]), LIST_SPECIALS)


def _written_venue_date(row: PaperRow) -> str:
    """A paper item's venue and date: as written (its `venue_source`) while that reads as its venue and date."""
    hints = row.hints
    source = hints.get("venue_source")
    if source is not None and (written := _VENUE_DATE.fullmatch(f" ({source})")):
        date = written["date"]
        if (_venue_of(written), DATE_FORMATS[len(date)], date) == (
            row.venue,
            hints.get("date_format"),
            render_date(row.date, hints.get("date_format")),
        ):
            return source
    return "".join([*_venue(row), render_date(row.date, hints.get("date_format"))])


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
    """The line of `node`, and the lines continuing it (`continuation`: indented text or sub-items that are no
    entries); for an entry written as a heading, its heading line and summary."""
    try:
        if node.hints.get("shape") == HEADING:
            return _render_heading(node)
        return "\n".join([_render(node), *node.hints.get("continuation", ())])
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

    parts = [hints.get("indent", ""), style("marker"), " ", hints.get("lead", "")]
    if node.star_repo:
        parts += [inline.render_star_badge(node.star_repo, hints), hints.get("badge_separator", " ")]
    url_label = hints.get("url_label")
    title_source = hints.get("title_source")
    if url_label is not None:
        inline.check(inline.text_problem(name), "title", name)
        parts += ["**", _written(name, title_source, PLAIN), "**"]
        if hints.get("venue_first"):
            parts += [" (", _written_venue_date(node), ")"]
        bracketed = [_render_bracketed(Link(url_label, node.url)), *map(_render_bracketed, links)]
        parts += [hints.get("bracket_gap", " "), " ".join(bracketed)]
    else:
        bold = style("bold")
        link = inline.render_title_link(name, node.url, bold=bold is True, specials=LIST_SPECIALS, source=title_source)
        parts.append(f"**{link}**" if bold == "outer" else link)
    if description:
        inline.check(inline.text_problem(description), "description")
        if not is_paper and not links and _VENUE_DATE.search(" " + description):
            raise RenderError("its description ends with what reads as a venue and date, like '(ICLR 2024)'")
        separator = style("separator")
        if _SEPARATOR.match(separator + description).end() != len(separator):
            raise RenderError(f"its description would read as part of the separator {separator.strip()!r}")
        parts += [separator, _written(description, hints.get("description_source"), RICH)]
    if links and url_label is None:
        separator = hints.get("link_separator", inline.LINK_SEPARATOR)
        parts += [" (", inline.render_links(links, LIST_SPECIALS, separator), ")"]
    if is_paper and not hints.get("venue_first"):
        parts += [" (", _written_venue_date(node), ")"]
    parts.append(hints.get("trailing", ""))
    return "".join(parts)


def _render_heading(node) -> str:
    hints = node.hints
    description = entry_description(node)
    item_hints = {key: value for key, value in hints.items() if key not in _HEADING_HINTS}
    if isinstance(node, PaperRow):
        item = replace(node, hints=item_hints)
    else:
        item = replace(node, hints=item_hints, description="")
    heading = hints["heading"] + _render(item)[2:]
    if not description:
        return heading
    inline.check(inline.text_problem(description), "description")
    summary = _written(description, hints.get("description_source"), PLAIN)
    return heading + "\n" * (1 + hints.get("gap", 0)) + summary


def _render_bracketed(link: Link) -> str:
    """`[[label]](url)`: a link whose label shows in brackets."""
    label, url = inline.render_link(link, LIST_SPECIALS).split("](", 1)
    return f"[{label}]]({url}"


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


def _written(value: str, source: str | None, codec) -> str:
    """`value` written by the `(escape, unescape)` pair `codec`, or as it was written (`source`) while that still
    reads as `value`."""
    escape, unescape = codec
    return escape(value) if source is None else inline.written(value, source, escape=escape, unescape=unescape)


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


# How a title or summary (PLAIN) and a description keeping its links (RICH) are written and read back.
PLAIN = (
    functools.partial(inline.escape, specials=LIST_SPECIALS),
    functools.partial(inline.unescape, specials=LIST_SPECIALS),
)
RICH = (_escape_rich, _unescape_rich)


def entry_description(item) -> str:
    """The description of a list entry (a paper's is one of its hints)."""
    return item.hints.get("description", "") if isinstance(item, PaperRow) else item.description


def venue_note(row: PaperRow) -> str:
    """The honour the README notes after a paper's venue and year (`Spotlight` of `ICLR 2025 Spotlight`), which its
    venue leaves out; '' if none."""
    if row.venue is None or "venue_source" not in row.hints:
        return ""
    if row.hints.get("shape"):
        written, specials = _written_venue_date(row), LIST_SPECIALS
    else:
        written, specials = written_venue(row), inline.TABLE_SPECIALS
    return venues.note(inline.unescape(written, specials))
