"""Inline markdown of README entries: escaping, links, link lists and star badges."""

from __future__ import annotations

import functools
import re

from .tree import Link

TABLE_SPECIALS = "\\*[]|"
LIST_SPECIALS = "\\*[]"
HEADING_SPECIALS = "\\*[]"
# Escaped wherever they stand: a backtick opens a code span, `<` raw HTML (`<script>`) or an autolink,
# `~` strikethrough and `$` GitHub's math.
ALWAYS_ESCAPED = "`<~$"
# An empty HTML comment: it shows nothing, but splits the text around it in two. GitHub finds e-mail addresses and
# `:emoji:` codes in the text after backslash escapes are resolved, so only a split keeps them as written.
BREAK = "<!-- -->"
# Unicode's control characters (category Cc): C0, DEL and C1.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f]")
# Unicode's noncharacters (U+FDD0 to U+FDEF, and the last two code points of every plane: U+FFFE, U+FFFF, ...) and
# lone surrogates: never text, and U+FFFE, U+FFFF and surrogates cannot be written in XML at all.
NONCHARACTERS = re.compile(
    "[\ufdd0-\ufdef\ud800-\udfff"
    + "".join(chr(plane + 0xFFFE) + chr(plane + 0xFFFF) for plane in range(0, 0x110000, 0x10000))
    + "]"
)
_ENTITY = re.compile(r"&(?=#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")
# The run of `#` that would close a heading, and its escape: a space (or nothing) before, nothing after.
_CLOSING_HASHES = re.compile(r"(?<![^ ])#+$")
_ESCAPED_CLOSING_HASHES = re.compile(r"(?<![^ ])\\(?=#+$)")

# A link's label: escaped characters, or any but brackets and backslashes, or a pair of brackets around such text
# (`[Title [Lab]](url)`, which GitHub shows with its brackets).
_LABEL = r"(?:\\.|[^\\\[\]]|\[(?:\\.|[^\\\[\]])*\])+"
_URL = r"https?://(?:\\.|\((?:\\.|[^\s()\\])*\)|[^\s()\\])+"
LABEL = _LABEL
URL = _URL
LINK = rf"\[{_LABEL}\]\({_URL}\)"
LINK_RE = re.compile(rf"\[(?P<label>{_LABEL})\]\((?P<url>{_URL})\)")
# Links listed one after the other: `, ` between them, or (as some lists write them) spaces or a comma alone.
LINK_SEPARATOR = ", "
LINK_LIST_RE = re.compile(rf"{LINK}(?:(?:, *| +|,){LINK})*")
STAR_REPO_RE = re.compile(r"[A-Za-z0-9-]+/[A-Za-z0-9._-]+")
STAR_BADGE_ALT = "GitHub Repo stars"
# The stars badge of a repository, under any alternative text and with any query (`?style=social`).
STAR_BADGE_RE = re.compile(
    r"!\[(?P<badge_alt>[^\\\[\]()]*)\]"
    rf"\(https://img\.shields\.io/github/stars/(?P<repo>{STAR_REPO_RE.pattern})(?P<badge_query>\?[^\s()\\]*)?\)"
)
_URL_RE = re.compile(_URL)
# A link target without whitespace, parentheses or backslashes: valid whatever else it holds (most URLs).
_PLAIN_URL_RE = re.compile(r"https?://[^\s()\\]+")
_NO_SPACE_RE = re.compile(r"\S*")


class RenderError(ValueError):
    """A field value that cannot be written into the README without changing its meaning."""


def escape(text: str, specials: str) -> str:
    """`text` written so that a GitHub-flavoured markdown renderer shows it as it is, as text; `unescape` reverses it.

    A backslash goes before `specials` and ALWAYS_ESCAPED, before `_` where it could start or end emphasis (not
    inside a word, so `sae_vis` stays as written), before `&` where it starts an entity, and where a renderer
    would make a link of plain text: before the second `/` of `//` (`https://`), the `.` of `www.` and a `.`
    before two letters, which could end a domain name (`x.ai`). An empty comment (BREAK) goes before the `@` of
    an e-mail address and after the first `:` of an `:emoji:` code.
    """
    return _escapes(specials).sub(_escaped_match, text)


def _escaped_match(match: re.Match) -> str:
    if match.lastgroup == "break_before":
        return BREAK + match.group()
    if match.lastgroup == "break_after":
        return match.group() + BREAK
    return "\\" + match.group()


@functools.cache
def _escapes(specials: str) -> re.Pattern:
    return re.compile(
        rf"(?P<backslash>[{re.escape(specials + ALWAYS_ESCAPED)}]"
        r"|(?<![^\W_])_|_(?![^\W_])"
        rf"|{_ENTITY.pattern}"
        r"|(?<=/)/"
        r"|(?<=[wW]{3})\.|\.(?=[^\W\d_]{2}))"
        r"|(?P<break_before>(?<=[\w.+-])@(?=[\w-]+\.\w))"
        r"|(?P<break_after>:(?=[\w+-]+:))"
    )


def unescape(text: str, specials: str) -> str:
    if "\\" not in text and BREAK not in text:
        return text
    return _unescapes(specials).sub(lambda match: match.group(1) or "", text)


@functools.cache
def _unescapes(specials: str) -> re.Pattern:
    return re.compile(rf"\\([{re.escape(specials + ALWAYS_ESCAPED)}_&/.])|{re.escape(BREAK)}")


def escape_heading(title: str) -> str:
    """A heading's text: escaped as `escape` does, and a final run of `#` after a space (which markdown would drop
    as the heading's closing sequence) behind a backslash."""
    text = escape(title, HEADING_SPECIALS)
    closing = _CLOSING_HASHES.search(text)
    return text[: closing.start()] + "\\" + text[closing.start() :] if closing else text


def unescape_heading(text: str) -> str:
    return unescape(_ESCAPED_CLOSING_HASHES.sub("", text), HEADING_SPECIALS)


def escape_url(url: str, specials: str) -> str:
    return url.replace("|", "\\|") if "|" in specials else url


def unescape_url(url: str, specials: str) -> str:
    return url.replace("\\|", "|") if "|" in specials else url


def url_problem(url: str) -> str | None:
    """Why `url` cannot be written as a markdown link target, or None."""
    if _PLAIN_URL_RE.fullmatch(url):
        return None
    if not url.startswith(("http://", "https://")):
        return "must start with http:// or https://"
    if not _NO_SPACE_RE.fullmatch(url):
        return "must not contain whitespace"
    if "\\" in url:
        return "must not contain a backslash"
    if not _URL_RE.fullmatch(escape_url(url, TABLE_SPECIALS)):
        return "must not contain unbalanced parentheses"
    return None


def text_problem(text: str, *, required: bool = True) -> str | None:
    """Why `text` cannot be written on one README line, or None."""
    if not text:
        return "must not be empty" if required else None
    if CONTROL_CHARACTERS.search(text):
        return "must be on one line" if "\n" in text or "\r" in text else "must not contain control characters"
    if noncharacter := NONCHARACTERS.search(text):
        return f"must not contain the Unicode noncharacter U+{ord(noncharacter.group()):04X}"
    if text[0].isspace() or text[-1].isspace():
        return "must not start or end with whitespace"
    return None


def check(problem: str | None, what: str, value: str | None = None) -> None:
    """Raise RenderError for a `problem` of the field `what`, quoting its `value` if given."""
    if problem:
        named = what if value is None else f"{what} {value!r}"
        raise RenderError(f"{named} {problem}")


def render_link(link: Link, specials: str) -> str:
    label, url = link.label, link.url
    check(text_problem(label), "link label", label)
    check(url_problem(url), "link", url)
    return f"[{escape(label, specials)}]({escape_url(url, specials)})"


def render_links(links: list[Link], specials: str, separator: str = LINK_SEPARATOR) -> str:
    return separator.join([render_link(link, specials) for link in links])


def parse_links(text: str, specials: str) -> list[Link] | None:
    """The links of a `[Label](url), [Label](url)` list, or None if `text` is not one."""
    if not LINK_LIST_RE.fullmatch(text):
        return None
    return [Link(unescape(m["label"], specials), unescape_url(m["url"], specials)) for m in LINK_RE.finditer(text)]


def link_separator(text: str) -> str | None:
    """What separates the links of the link list `text`: `, ` when it has fewer than two; None if its links are not
    all separated alike."""
    ends = [(match.start(), match.end()) for match in LINK_RE.finditer(text)]
    separators = {text[end:start] for (_, end), (start, _) in zip(ends, ends[1:], strict=False)}
    if len(separators) > 1:
        return None
    return separators.pop() if separators else LINK_SEPARATOR


def render_star_badge(repo: str, hints: dict | None = None) -> str:
    """The stars badge of `repo`, with the alternative text and query of `hints` (`badge_alt`, `badge_query`)."""
    check(None if STAR_REPO_RE.fullmatch(repo) else "must be owner/name", "star repo", repo)
    if not hints:
        return f"![{STAR_BADGE_ALT}](https://img.shields.io/github/stars/{repo})"
    alt, query = hints.get("badge_alt", STAR_BADGE_ALT), hints.get("badge_query", "")
    return f"![{alt}](https://img.shields.io/github/stars/{repo}{query})"


def badge_hints(match: re.Match) -> dict:
    """The hints keeping how the stars badge of `match` (of STAR_BADGE_RE) is written, where it is not the default."""
    hints = {}
    if match["badge_alt"] != STAR_BADGE_ALT:
        hints["badge_alt"] = match["badge_alt"]
    if match["badge_query"]:
        hints["badge_query"] = match["badge_query"]
    return hints


def written(value: str, source: str | None, *, escape, unescape) -> str:
    """`value` written with `escape`, or as `source`, the text it was read from, while `source` still reads as
    `value`: markup or escapes written by hand (`` `code` ``, `x.ai`, `[Lab]`) are kept until the value changes."""
    return source if source is not None and unescape(source) == value else escape(value)


def source_hint(hints: dict, key: str, source: str, value: str, escape) -> None:
    """Keep `source`, the text `value` was read from, as `hints[key]` if the value is not written so by `escape`."""
    if escape(value) != source:
        hints[key] = source


def split_title_link(text: str, specials: str) -> tuple[str, str, bool, str] | None:
    """(title, url, bold, label as written) of a `[**Title**](url)` or `[Title](url)` link filling all of `text`."""
    match = LINK_RE.fullmatch(text)
    if not match:
        return None
    title, bold, label = split_title(match["label"], specials)
    return title, unescape_url(match["url"], specials), bold, label


def split_title(text: str, specials: str) -> tuple[str, bool, str]:
    """(title, bold, text as written without the bold markers) of a title written `**Title**` or `Title`."""
    bold = len(text) > 4 and text.startswith("**") and text.endswith("**")
    if bold:
        text = text[2:-2]
    return unescape(text, specials), bold, text


def render_title(title: str, *, bold: bool, specials: str, source: str | None = None) -> str:
    """A title as text; `source` is the title as it was written, kept while it still reads as `title`."""
    check(text_problem(title), "title", title)
    if source is None:
        text = escape(title, specials)
    else:
        text = written(
            title, source, escape=lambda value: escape(value, specials), unescape=lambda text: unescape(text, specials)
        )
    return f"**{text}**" if bold else text


def render_title_link(title: str, url: str, *, bold: bool, specials: str, source: str | None = None) -> str:
    """The link of a title; `source` is the title as it was written, kept while it still reads as `title`."""
    text = render_title(title, bold=bold, specials=specials, source=source)
    check(url_problem(url), "link", url)
    return f"[{text}]({escape_url(url, specials)})"
