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

_LABEL = r"(?:\\.|[^\\\[\]])+"
_URL = r"https?://(?:\\.|\((?:\\.|[^\s()\\])*\)|[^\s()\\])+"
LABEL = _LABEL
URL = _URL
LINK = rf"\[{_LABEL}\]\({_URL}\)"
LINK_RE = re.compile(rf"\[(?P<label>{_LABEL})\]\((?P<url>{_URL})\)")
LINK_LIST_RE = re.compile(rf"{LINK}(?:, {LINK})*")
STAR_REPO_RE = re.compile(r"[A-Za-z0-9-]+/[A-Za-z0-9._-]+")
STAR_BADGE_RE = re.compile(
    rf"!\[GitHub Repo stars\]\(https://img\.shields\.io/github/stars/(?P<repo>{STAR_REPO_RE.pattern})\)"
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


def render_links(links: list[Link], specials: str) -> str:
    return ", ".join([render_link(link, specials) for link in links])


def parse_links(text: str, specials: str) -> list[Link] | None:
    """The links of a `[Label](url), [Label](url)` list, or None if `text` is not one."""
    if not LINK_LIST_RE.fullmatch(text):
        return None
    return [Link(unescape(m["label"], specials), unescape_url(m["url"], specials)) for m in LINK_RE.finditer(text)]


def render_star_badge(repo: str) -> str:
    check(None if STAR_REPO_RE.fullmatch(repo) else "must be owner/name", "star repo", repo)
    return f"![GitHub Repo stars](https://img.shields.io/github/stars/{repo})"


def split_title_link(text: str, specials: str) -> tuple[str, str, bool] | None:
    """(title, url, bold) of a `[**Title**](url)` or `[Title](url)` link filling all of `text`."""
    match = LINK_RE.fullmatch(text)
    if not match:
        return None
    label = match["label"]
    bold = len(label) > 4 and label.startswith("**") and label.endswith("**")
    if bold:
        label = label[2:-2]
    return unescape(label, specials), unescape_url(match["url"], specials), bold


def render_title_link(title: str, url: str, *, bold: bool, specials: str) -> str:
    check(text_problem(title), "title", title)
    check(url_problem(url), "link", url)
    text = escape(title, specials)
    if bold:
        text = f"**{text}**"
    return f"[{text}]({escape_url(url, specials)})"
