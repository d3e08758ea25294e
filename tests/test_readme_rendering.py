"""The exported README rendered by a GitHub-flavoured markdown renderer: every value shows as text, and the only
elements and links are those of the list's layout and the links maintainers entered."""

import datetime
import re
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from catalog import readme
from catalog.models import Paper, PaperLink, Resource, ResourceLink, Section, Venue
from catalog.readme import inline
from catalog.services.readme_export import export_readme
from tests.test_export_safety import SMALL_README, reimport

# What GitHub finds in the text of the rendered page, after the markdown: e-mail addresses and :emoji: codes.
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.\w")
EMOJI = re.compile(r":[\w+-]+:")
PIECES = [
    "www.",
    "WWW.",
    "https://",
    "http://",
    "ftp://",
    "//",
    "mailto:",
    "a@b.co",
    "@",
    ".com",
    "x.ai",
    ".io/",
    ":smile:",
    ":",
    "~~",
    "~",
    "$",
    "<img src=x onerror=alert(1)>",
    "<b>",
    "</b>",
    "<!-- -->",
    "-->",
    "**",
    "*",
    "_",
    "`",
    "[",
    "](https://evil.example)",
    "![x](https://evil.example/x.png)",
    "|",
    "#",
    " #",
    "\\",
    "&amp;",
    "&#60;",
    "<https://evil.example>",
    "[^1]",
    ">",
    "!",
    " ",
    "a",
    "Z",
    "9",
    "é",
    "例",
]
hostile_text = (
    st.lists(st.one_of(st.sampled_from(PIECES), st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))))
    .map("".join)
    .filter(lambda text: readme.text_problem(text) is None)
)


class Page(HTMLParser):
    """The elements (with their link or image address) and the text pieces between tags and comments."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple] = []
        self.texts: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs.get("href"), attrs.get("src")))

    def handle_data(self, data):
        self.texts.append(data)


def rendered(markdown: str) -> Page:
    return Page(MarkdownIt("gfm-like").render(markdown))


def document(title, venue, label, name, description) -> readme.Document:
    paper = readme.PaperRow(
        title=title,
        url="https://arxiv.org/abs/2401.00001",
        venue=venue,
        date=datetime.date(2024, 1, 2),
        star_repo="a/b",
        code_links=[readme.Link(label, "https://github.com/a/b")],
        blog_links=[readme.Link("Blog", "https://example.org/blog")],
    )
    resource = readme.ResourceItem(
        name=name,
        url="https://example.org/tool",
        description=description,
        links=[readme.Link(label, "https://example.org/doc")],
    )
    return readme.Document(
        sections=[
            readme.Section(title, 1, body=[readme.Text(["Some papers."]), paper], blank_lines_after=1),
            readme.Section(name, 2, body=[resource]),
        ]
    )


def assert_shown_as_text(markdown: str, plain_markdown: str, values, *, rich=()) -> None:
    """`markdown` renders to the elements and links of `plain_markdown` (the same entries, every text a plain
    word), shows each of `values` as text, and holds no e-mail address or :emoji: code in one piece of text.

    The `rich` values may hold markdown links, which stay links: those are the only other elements."""
    page, plain = rendered(markdown), rendered(plain_markdown)
    entered = {("a", match["url"], None) for value in rich for match in inline.LINK_RE.finditer(value)}
    assert [element for element in page.elements if element not in entered] == plain.elements
    text = "".join(page.texts)
    for value in values:
        assert value in text
    for value in rich:
        assert all(part in text for part in inline.LINK_RE.split(value)[:: len(inline.LINK_RE.groupindex) + 1])
    assert not [piece for piece in page.texts if EMAIL.search(piece) or EMOJI.search(piece)]


@given(title=hostile_text, venue=hostile_text, label=hostile_text, name=hostile_text, description=hostile_text)
def test_hostile_values_render_as_text_and_read_back(title, venue, label, name, description):
    if venue == readme.NOT_AN_ENTRY or venue == "-":
        venue = "x" + venue
    values = (title, venue, label, name, description)
    hostile = document(*values)
    markdown = readme.render(hostile)
    plain = readme.render(document("x", "x", "x", "x", "x"))
    assert_shown_as_text(markdown, plain, values[:-1], rich=[description])

    parsed = readme.parse(markdown)
    assert not parsed.problems
    assert [section.title for section in parsed.sections] == [title, name]
    paper, resource = parsed.sections[0].body[-1], parsed.sections[1].body[0]
    assert (paper.title, paper.venue, paper.code_links[0].label) == (title, venue, label)
    assert (resource.name, resource.description, resource.links[0].label) == (name, description, label)
    assert readme.render(parsed) == markdown


@pytest.mark.parametrize(
    "source, title",
    [
        ("**Bold** heading", "**Bold** heading"),
        ("Tools \\. more", "Tools . more"),
        ("C# notes ##", "C# notes ##"),
    ],
)
def test_a_heading_written_by_hand_is_kept_as_written(source, title):
    text = f"# {source}\nSome text."
    parsed = readme.parse(text)
    assert readme.render(parsed) == text
    assert parsed.sections[0].title == title
    parsed.sections[0].title = "<b>Changed</b>"
    assert readme.render(parsed).startswith("# \\<b>Changed\\</b>\n")


def test_a_heading_ending_in_hashes_keeps_them():
    section = readme.Section("Issue ##", 1)
    markdown = readme.render(readme.Document(sections=[section]))
    assert markdown == "# Issue \\##"
    assert readme.parse(markdown).sections[0].title == "Issue ##"
    assert rendered(markdown).texts[0] == "Issue ##"


ATTACKS = {
    "section": "<img src=x onerror=alert(1)> [Click me](https://evil.example) **bold**",
    "title": "See https://a.example<img src=x onerror=alert(1)> ~~gone~~ :rocket:",
    "venue": "https://a.example<img src=x onerror=alert(1)>",
    "label": "www.evil.example",
    "name": "mail me@evil.example $x^2$",
    "description": "Visit https://a.example<img src=x onerror=alert(1)> or www.evil.example, :smile:",
}


@pytest.mark.django_db
def test_a_hostile_catalog_exports_a_readme_with_only_the_links_entered(tmp_path):
    small_readme = tmp_path / "small.md"
    small_readme.write_text(SMALL_README, encoding="utf-8")
    call_command("import_readme", str(small_readme), stdout=StringIO(), stderr=StringIO())
    Section.objects.filter(title="Papers").update(title=ATTACKS["section"])
    paper = Paper.objects.get()
    paper.title, paper.venue = ATTACKS["title"], Venue.objects.create(name=ATTACKS["venue"])
    paper.full_clean()
    paper.save()
    PaperLink.objects.update(label=ATTACKS["label"])
    resource = Resource.objects.get()
    resource.name, resource.description = ATTACKS["name"], ATTACKS["description"]
    resource.full_clean()
    resource.save()
    ResourceLink.objects.update(label=ATTACKS["label"])

    exported = export_readme()
    page = rendered(exported)
    entered = {
        *Paper.objects.values_list("url", flat=True),
        *PaperLink.objects.values_list("url", flat=True),
        *Resource.objects.values_list("url", flat=True),
        *ResourceLink.objects.values_list("url", flat=True),
    }
    links = [href for tag, href, _ in page.elements if tag == "a"]
    assert sorted(links) == sorted(entered)
    layout = {"h1", "table", "thead", "tbody", "tr", "th", "td", "p", "a", "strong", "br", "ul", "li"}
    assert {tag for tag, _, _ in page.elements} <= layout
    text = "".join(page.texts)
    assert all(value in text for value in ATTACKS.values())
    assert not [piece for piece in page.texts if EMAIL.search(piece) or EMOJI.search(piece)]

    reimport(small_readme, exported)
    assert Section.objects.filter(title=ATTACKS["section"]).exists()
    assert Paper.objects.get().venue.name == ATTACKS["venue"]
    assert Resource.objects.get().description == ATTACKS["description"]
    assert export_readme() == exported
