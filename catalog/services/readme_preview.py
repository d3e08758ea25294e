"""The exported README as GitHub would show it: GitHub-flavoured Markdown (tables) rendered by markdown-it-py,
sanitised by nh3, with the table rows and list items the diff adds marked as changed.

Images (the star badges) are shown as their alt text, so that the admin page loads nothing from elsewhere.
"""

import re

import nh3
from markdown_it import MarkdownIt

HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")
CHANGED_BLOCKS = {"tr_open", "list_item_open", "heading_open", "paragraph_open"}
ATTRIBUTES = {
    "a": {"href", "title"},
    "tr": {"class"},
    "li": {"class"},
    "p": {"class"},
    "h1": {"class", "id"},
    "h2": {"class", "id"},
    "h3": {"class", "id"},
    "h4": {"class", "id"},
    "span": {"class"},
}


def added_lines(diff_text: str) -> set[int]:
    """The 1-based line numbers, in the new file, of the lines a unified diff adds."""
    added, number = set(), 0
    for line in diff_text.splitlines():
        if match := HUNK.match(line):
            number = int(match[1])
        elif line.startswith("+") and not line.startswith("+++"):
            added.add(number)
            number += 1
        elif line.startswith(" "):
            number += 1
    return added


def render_preview(markdown: str, *, changed: set[int] = frozenset()) -> str:
    """Safe HTML of `markdown`; the blocks that start on a line of `changed` (1-based) get the class "changed"."""
    md = MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")
    md.renderer.rules["image"] = lambda tokens, index, options, env: (
        f'<span class="badge">{md.utils.escapeHtml(tokens[index].content)}</span>' if tokens[index].content else ""
    )
    tokens = md.parse(markdown)
    for token in tokens:
        if token.type in CHANGED_BLOCKS and token.map and token.map[0] + 1 in changed:
            token.attrSet("class", "changed")
    html = md.renderer.render(tokens, md.options, {})
    return nh3.clean(html, attributes=ATTRIBUTES, link_rel="noopener noreferrer", url_schemes={"http", "https"})
