"""Tests of the README format: parsing the awesome list into entries and writing it back."""

import datetime
import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog.readme import (
    DEFAULT_TABLE_HEAD,
    ERROR,
    NOT_AN_ENTRY,
    WARNING,
    Document,
    Link,
    PaperRow,
    RenderError,
    ResourceItem,
    Section,
    TableHead,
    Text,
    parse,
    render,
    render_list_item,
    render_paper_row,
    render_section,
    table_columns,
    text_problem,
    url_problem,
)
from tests.strategies import NOISE, apply_edit, edited, seed_edits

SEED_PATH = Path(__file__).resolve().parent.parent / "fixtures" / "README.md"
SEED = SEED_PATH.read_bytes().decode("utf-8")
SEED_LINES = SEED.split("\n")

FOUR_HEAD = [
    "|  Title  |   Venue  |   Date   |   Code   |",
    "|:--------|:--------:|:--------:|:--------:|",
]
FIVE_HEAD = list(DEFAULT_TABLE_HEAD)
FOUR = table_columns(FOUR_HEAD)
FIVE = table_columns(FIVE_HEAD)

PAPER_URL = "https://example.org/paper"
CODE_URL = "https://example.org/code"
BLOG_URL = "https://example.org/blog"


# ---------------------------------------------------------------- helpers


def seed_document() -> Document:
    return parse(SEED)


def paper_rows(document: Document) -> list[PaperRow]:
    return [node for section in document.sections for node in section.body if isinstance(node, PaperRow)]


def resource_items(document: Document) -> list[ResourceItem]:
    return [node for section in document.sections for node in section.body if isinstance(node, ResourceItem)]


def section_named(document: Document, title: str) -> Section:
    (section,) = [section for section in document.sections if section.title == title]
    return section


def seed_row(title_start: str) -> PaperRow:
    (row,) = [row for row in paper_rows(seed_document()) if row.title.startswith(title_start)]
    return row


def seed_item(name: str) -> ResourceItem:
    (item,) = [item for item in resource_items(seed_document()) if item.name == name]
    return item


def table(*rows: str, head=FIVE_HEAD) -> str:
    return "\n".join([*head, *rows])


def reread_paper_row(line: str, head=FIVE_HEAD) -> PaperRow:
    document = parse(table(line, head=head))
    assert document.problems == []
    (row,) = paper_rows(document)
    return row


def reread_resource_item(line: str) -> ResourceItem:
    document = parse(line)
    assert document.problems == []
    (item,) = resource_items(document)
    return item


def unescaped_pipes(line: str) -> int:
    """The pipes a markdown table splits on: those not escaped by a backslash."""
    return re.sub(r"\\.", "", line).count("|")


def has_escaped_pipe(line: str) -> bool:
    return "\\|" in re.findall(r"\\.", line)


def paper_row(**fields) -> PaperRow:
    values = {"title": "A Paper", "url": PAPER_URL, "venue": "arXiv", "date": datetime.date(2024, 1, 2)}
    return PaperRow(**{**values, **fields})


def entries_with_columns(document: Document):
    """Each entry of `document` with the paper columns it is rendered in (None for list items)."""
    for section in document.sections:
        columns = None
        for node in section.body:
            if isinstance(node, TableHead):
                columns = node.columns
            elif isinstance(node, PaperRow) and not node.hints.get("shape"):
                yield node, columns
            elif isinstance(node, PaperRow | ResourceItem):
                yield node, None


def text_line_numbers(document: Document) -> set[int]:
    return {
        node.line + offset
        for section in document.sections
        for node in section.body
        if isinstance(node, Text)
        for offset in range(len(node.lines))
    }


def assert_lossless(text: str) -> Document:
    """`text` renders back exactly, every entry sits on its own line and problems point at kept text."""
    document = parse(text)
    assert render(document) == text
    lines = text.split("\n")
    for entry, columns in entries_with_columns(document):
        rendered = render_paper_row(entry, columns) if columns else render_list_item(entry)
        assert "\n".join(lines[entry.line - 1 : entry.line + rendered.count("\n")]) == rendered
    problem_lines = [problem.line for problem in document.problems]
    assert problem_lines == sorted(set(problem_lines))
    assert set(problem_lines) <= text_line_numbers(document)
    return document


# ---------------------------------------------------------------- 1. golden seed

SEED_SECTIONS = [
    (1, "Awesome-Interpretability-in-Large-Language-Models"),
    (1, "Awesome Interpretability Libraries"),
    (1, "Awesome Interpretability Blogs & Videos"),
    (1, "Awesome Interpretability Tutorials"),
    (1, "Awesome Interpretability Forums"),
    (1, "Awesome Interpretability Tools"),
    (1, "Awesome Interpretability Programs"),
    (1, "Awesome Interpretability Papers"),
    (2, "Survey Papers"),
    (2, "Position Papers"),
    (2, "Interpretable Analysis of LLMs"),
    (2, "SAE, Dictionary Learning and Superposition"),
    (2, "Interpretability in Vision LLMs"),
    (2, "Benchmarking Interpretability"),
    (2, "Enhancing Interpretability"),
    (2, "Others"),
    (1, "Other Awesome Interpretability Resources"),
]


def test_seed_fixture_has_242_lines_and_no_final_newline():
    assert len(SEED_LINES) == 242
    assert not SEED.endswith("\n")


def test_seed_parses_without_problems():
    assert seed_document().problems == []


def test_seed_entry_counts():
    document = seed_document()
    assert len(paper_rows(document)) == 149
    assert len(resource_items(document)) == 28


def test_seed_sections_and_levels():
    document = seed_document()
    assert [(section.level, section.title) for section in document.sections] == SEED_SECTIONS


def test_seed_entries_per_section():
    counts = {
        section.title: (
            sum(isinstance(node, PaperRow) for node in section.body),
            sum(isinstance(node, ResourceItem) for node in section.body),
        )
        for section in seed_document().sections
    }
    assert counts["Awesome Interpretability Libraries"] == (0, 10)
    assert counts["Survey Papers"] == (5, 0)
    assert counts["Position Papers"] == (4, 0)
    assert counts["Interpretable Analysis of LLMs"] == (98, 0)
    assert counts["SAE, Dictionary Learning and Superposition"] == (29, 0)
    assert counts["Other Awesome Interpretability Resources"] == (0, 3)


def test_seed_renders_back_byte_for_byte():
    assert render(seed_document()).encode("utf-8") == SEED_PATH.read_bytes()


def test_seed_entries_know_their_line_numbers():
    assert_lossless(SEED)
    assert seed_row("Towards Monosemanticity").line == 193
    assert seed_item("TransformerLens").line == 4


# ---------------------------------------------------------------- 2. parsed fields


def test_escaped_asterisk_in_title_is_unescaped():
    row = seed_row("AtP")
    assert row.title == "AtP*: An efficient and scalable method for localizing LLM behaviour to components"
    assert row.url == "https://arxiv.org/pdf/2403.00745"
    assert "AtP\\*" in render_paper_row(row, FIVE)


def test_paper_row_with_badge_code_and_three_blog_links():
    row = seed_row("Towards Monosemanticity")
    assert row.title == "Towards Monosemanticity: Decomposing Language Models With Dictionary Learning"
    assert row.url == "https://transformer-circuits.pub/2023/monosemantic-features/index.html"
    assert row.venue == "Anthropic"
    assert row.date == datetime.date(2023, 10, 4)
    assert row.star_repo == "neelnanda-io/1L-Sparse-Autoencoder"
    assert row.code_links == [Link("Github", "https://github.com/neelnanda-io/1L-Sparse-Autoencoder")]
    assert [link.label for link in row.blog_links] == ["Demo-1", "Demo-2", "Tutorial"]
    assert row.blog_links[0].url == "https://transformer-circuits.pub/2023/monosemantic-features/vis/index.html"
    assert row.hints == {}


def test_paper_row_without_badge_or_links():
    row = seed_row("Zoom In")
    assert (row.venue, row.date, row.star_repo) == ("Distill", datetime.date(2020, 3, 10), "")
    assert row.code_links == row.blog_links == []


def test_resource_with_badge_description_and_links():
    item = seed_item("TransformerLens")
    assert item.url == "https://github.com/TransformerLensOrg/TransformerLens"
    assert item.description == "A Library for Mechanistic Interpretability of Generative Language Models."
    assert item.star_repo == "TransformerLensOrg/TransformerLens"
    assert [link.label for link in item.links] == ["Doc", "Tutorial", "Demo"]
    assert item.links[1].url == "https://arena3-chapter1-transformer-interp.streamlit.app/[1.2]_Intro_to_Mech_Interp"


def test_resource_with_links_and_no_description():
    item = seed_item("EACL24: Transformer-specific Interpretability")
    assert item.description == ""
    assert item.links == [
        Link("Github", "https://github.com/interpretingdl/eacl2024_transformer_interpretability_tutorial")
    ]
    assert item.hints == {"bold": False}
    # Its section's items are all plain: the section's layout, which new entries take, says so.
    assert section_named(seed_document(), "Awesome Interpretability Tutorials").hints == {"layout": {"bold": False}}


def test_resource_names_keep_their_unescaped_pipe():
    names = [item.name for item in resource_items(seed_document()) if item.name.startswith("3Blue1Brown")]
    assert names == [
        "3Blue1Brown: But what is a GPT? Visual intro to transformers | Chapter 5, Deep Learning",
        "3Blue1Brown: Attention in transformers, visually explained | Chapter 6, Deep Learning",
    ]


def test_trailing_spaces_are_kept_as_hints_not_in_fields():
    trailing = [item for item in resource_items(seed_document()) if item.hints.get("trailing")]
    assert [item.name for item in trailing] == ["Transformer Debugger", "LLM Transparency Tool", "sae_vis"]
    assert all(item.hints["trailing"] == " " for item in trailing)
    assert trailing[0].description == "investigate specific behaviors of small LLMs"
    assert render_list_item(trailing[0]).endswith("small LLMs ")
    assert render_list_item(replace(trailing[0], hints={"bold": False})).endswith("small LLMs")


def test_code_cell_padding_is_kept_as_a_hint():
    tight = seed_row("Steering Llama 2")
    wide = seed_row("Forbidden Facts")
    assert tight.hints == {"padding": [[1, 0], [1, 1], [1, 1], [1, 0], [1, 1]]}
    assert wide.hints == {"padding": [[1, 0], [1, 1], [1, 1], [2, 1], [1, 1]]}
    assert "(https://github.com/nrimsky/CAA)| - |" in render_paper_row(tight, FIVE)
    assert "|  [Github](" in render_paper_row(wide, FIVE)


def test_four_column_tables_parse_with_their_columns():
    document = seed_document()
    for title in ("Survey Papers", "Position Papers"):
        head = section_named(document, title).body[0]
        assert isinstance(head, TableHead)
        assert head.columns == ("title", "venue", "date", "code")
        assert head.lines == FOUR_HEAD
    assert section_named(document, "Others").body[0].columns == FIVE
    row = section_named(document, "Survey Papers").body[1]
    assert row.title == "From Insights to Actions: The Impact of Interpretability and Analysis Research on NLP"
    assert (row.venue, row.date) == ("arXiv", datetime.date(2024, 6, 18))
    assert row.code_links == row.blog_links == []
    assert row.hints == {}
    assert render_paper_row(row, FOUR) == SEED_LINES[row.line - 1]


# ---------------------------------------------------------------- 3. every field renders

MONO_CODE = "[Github](https://github.com/neelnanda-io/1L-Sparse-Autoencoder)"

PAPER_EDITS = {
    "title": (
        lambda row: replace(row, title="Sparse Features"),
        "[**Sparse Features**](https://transformer-circuits.pub/2023/monosemantic-features/index.html) <br>|",
        "Towards Monosemanticity",
    ),
    "url": (
        lambda row: replace(row, url=PAPER_URL),
        f"Dictionary Learning**]({PAPER_URL}) <br>|",
        "monosemantic-features/index.html",
    ),
    "venue": (lambda row: replace(row, venue="NeurIPS"), "<br>| NeurIPS | 2023-10-04 |", "Anthropic"),
    "venue removed": (lambda row: replace(row, venue=None), "<br>| - | 2023-10-04 |", "Anthropic"),
    "date": (lambda row: replace(row, date=datetime.date(2023, 10, 5)), "| Anthropic | 2023-10-05 |", "2023-10-04"),
    "code links removed": (lambda row: replace(row, code_links=[]), "| 2023-10-04 | - | [Demo-1](", MONO_CODE),
    "code links": (
        lambda row: replace(row, code_links=[Link("Code", CODE_URL), Link("Dataset", BLOG_URL)]),
        f"| 2023-10-04 | [Code]({CODE_URL}), [Dataset]({BLOG_URL}) | [Demo-1](",
        MONO_CODE,
    ),
    "blog links removed": (lambda row: replace(row, blog_links=[]), f"| {MONO_CODE} | - |", "Demo-1"),
    "blog links": (
        lambda row: replace(row, blog_links=[Link("Blog", BLOG_URL)]),
        f"| {MONO_CODE} | [Blog]({BLOG_URL}) |",
        "Demo-1",
    ),
    "blog links reordered": (
        lambda row: replace(row, blog_links=row.blog_links[::-1]),
        "?usp=sharing), [Demo-2](",
        "[Demo-1](https://transformer-circuits.pub/2023/monosemantic-features/vis/index.html), [Demo-2]",
    ),
    "star repo removed": (lambda row: replace(row, star_repo=""), "| [**Towards Monosemanticity", "img.shields.io"),
    "star repo": (
        lambda row: replace(row, star_repo="octo-org/some.repo"),
        "| ![GitHub Repo stars](https://img.shields.io/github/stars/octo-org/some.repo) <br> [**Towards",
        "neelnanda-io/1L-Sparse-Autoencoder) <br>",
    ),
}


@pytest.mark.parametrize("edit, present, absent", PAPER_EDITS.values(), ids=PAPER_EDITS.keys())
def test_edited_paper_row_renders_the_change_and_reads_back(edit, present, absent):
    row = seed_row("Towards Monosemanticity")
    edited = edit(row)
    line = render_paper_row(edited, FIVE)
    assert line != render_paper_row(row, FIVE)
    assert present in line
    assert absent not in line
    assert reread_paper_row(line) == edited


def test_star_repo_added_to_a_row_without_badge_uses_the_table_layout():
    row = replace(seed_row("AtP"), star_repo="google-deepmind/atp")
    line = render_paper_row(row, FIVE)
    assert line.startswith(
        "| ![GitHub Repo stars](https://img.shields.io/github/stars/google-deepmind/atp) <br> [**AtP"
    )
    assert reread_paper_row(line) == row


def test_edited_four_column_row_keeps_its_layout():
    row = seed_row("Interpretability Needs a New Paradigm")
    edited = replace(row, venue="ICML", code_links=[Link("Github", CODE_URL)])
    line = render_paper_row(edited, FOUR)
    assert line == (
        "|[**Interpretability Needs a New Paradigm**](https://arxiv.org/pdf/2405.05386v1)"
        f"| ICML | 2024-05-08 | [Github]({CODE_URL}) |"
    )
    assert reread_paper_row(line, FOUR_HEAD) == edited


def test_edited_row_keeps_its_padding_hints():
    row = seed_row("Forbidden Facts")
    edited = replace(row, code_links=[Link("Github", CODE_URL)])
    line = render_paper_row(edited, FIVE)
    assert f"|  [Github]({CODE_URL}) |" in line
    assert reread_paper_row(line) == edited


def test_editing_one_entry_changes_only_its_line():
    document = seed_document()
    row = next(row for row in paper_rows(document) if row.title.startswith("Towards Monosemanticity"))
    item = next(item for item in resource_items(document) if item.name == "nnsight")
    row.venue = "NeurIPS"
    item.description = "Interpret and manipulate model internals."
    lines = render(document).split("\n")
    changed = [number for number, (new, old) in enumerate(zip(lines, SEED_LINES, strict=True), 1) if new != old]
    assert changed == [item.line, row.line]
    assert "| NeurIPS |" in lines[row.line - 1]
    assert ": Interpret and manipulate model internals. ([Doc]" in lines[item.line - 1]
    reparsed = parse("\n".join(lines))
    assert reparsed.problems == []
    assert paper_rows(reparsed) == paper_rows(document)
    assert resource_items(reparsed) == resource_items(document)


TL_PREFIX = "- ![GitHub Repo stars](https://img.shields.io/github/stars/TransformerLensOrg/TransformerLens) "
TL_LINK = "[**TransformerLens**](https://github.com/TransformerLensOrg/TransformerLens)"

RESOURCE_EDITS = {
    "name": (
        lambda item: replace(item, name="Transformer Lens 2"),
        "[**Transformer Lens 2**](https://github.com/TransformerLensOrg/TransformerLens): A Library",
        TL_LINK,
    ),
    "url": (lambda item: replace(item, url=PAPER_URL), f"[**TransformerLens**]({PAPER_URL}): A Library", TL_LINK),
    "description": (
        lambda item: replace(item, description="Mechanistic interpretability."),
        f"{TL_LINK}: Mechanistic interpretability. ([Doc](",
        "Generative",
    ),
    "description removed": (lambda item: replace(item, description=""), f"{TL_LINK} ([Doc](", "Generative"),
    "links removed": (
        lambda item: replace(item, links=[]),
        f"{TL_LINK}: A Library for Mechanistic Interpretability of Generative Language Models.",
        "[Doc]",
    ),
    "links": (
        lambda item: replace(item, links=[Link("Paper", PAPER_URL)]),
        f"Language Models. ([Paper]({PAPER_URL}))",
        "[Doc]",
    ),
    "star repo removed": (lambda item: replace(item, star_repo=""), f"- {TL_LINK}: A Library", "img.shields.io"),
    "star repo": (
        lambda item: replace(item, star_repo="octo/lens"),
        f"- ![GitHub Repo stars](https://img.shields.io/github/stars/octo/lens) {TL_LINK}",
        TL_PREFIX,
    ),
}


@pytest.mark.parametrize("edit, present, absent", RESOURCE_EDITS.values(), ids=RESOURCE_EDITS.keys())
def test_edited_resource_item_renders_the_change_and_reads_back(edit, present, absent):
    item = seed_item("TransformerLens")
    edited = edit(item)
    line = render_list_item(edited)
    assert line != render_list_item(item)
    assert present in line
    assert absent not in line
    assert reread_resource_item(line) == edited


def test_resource_gains_star_description_and_links():
    item = replace(
        seed_item("LessWrong"), star_repo="lesswrong/site", description="A forum.", links=[Link("Doc", BLOG_URL)]
    )
    line = render_list_item(item)
    assert line == (
        "- ![GitHub Repo stars](https://img.shields.io/github/stars/lesswrong/site) "
        f"[LessWrong](https://www.lesswrong.com/): A forum. ([Doc]({BLOG_URL}))"
    )
    assert reread_resource_item(line) == item


def test_new_entries_use_the_default_layout():
    row = paper_row(star_repo="a/b", code_links=[Link("Github", CODE_URL)])
    assert render_paper_row(row, FIVE) == (
        "| ![GitHub Repo stars](https://img.shields.io/github/stars/a/b) <br> "
        f"[**A Paper**]({PAPER_URL}) <br>| arXiv | 2024-01-02 | [Github]({CODE_URL}) | - |"
    )
    assert render_paper_row(paper_row(), FOUR) == f"|[**A Paper**]({PAPER_URL})| arXiv | 2024-01-02 | - |"
    item = ResourceItem("Tool", PAPER_URL, "Does things.", "a/b", [Link("Doc", BLOG_URL)])
    assert render_list_item(item) == (
        "- ![GitHub Repo stars](https://img.shields.io/github/stars/a/b) "
        f"[**Tool**]({PAPER_URL}): Does things. ([Doc]({BLOG_URL}))"
    )


# ---------------------------------------------------------------- 4. escaping

MARKDOWN_SPECIALS = "|*[]\\"
one_line_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(MARKDOWN_SPECIALS + "()<>-:,!#`_&; "),
        st.characters(exclude_categories=("Cs",)),
    ),
    min_size=1,
    max_size=30,
).filter(lambda text: text_problem(text) is None)
venues = one_line_text.filter(lambda text: text != "-")
star_repos = st.one_of(st.just(""), st.from_regex(r"[A-Za-z0-9-]{1,8}/[A-Za-z0-9._-]{1,8}", fullmatch=True))
url_paths = st.text(alphabet="aZ09-._~%?=&#/,;:@!$'*+[]|()\\", max_size=25)
urls = st.builds(
    lambda scheme, path: scheme + "example.org/" + path, st.sampled_from(["http://", "https://"]), url_paths
)
accepted_urls = urls.filter(lambda url: url_problem(url) is None)


def test_specials_are_escaped_in_a_table_cell():
    row = paper_row(title="A|B *C* [D] E\\F", venue="W|S")
    line = render_paper_row(row, FIVE)
    assert "[**A\\|B \\*C\\* \\[D\\] E\\\\F**]" in line
    assert "| W\\|S |" in line
    assert unescaped_pipes(line) == 6
    assert reread_paper_row(line) == row


def test_code_html_entities_and_emphasis_underscores_are_escaped():
    row = paper_row(title="`x` <script>alert(1)</script> _a_ snake_case &amp; Q&A")
    line = render_paper_row(row, FIVE)
    assert "[**\\`x\\` \\<script>alert(1)\\</script> \\_a\\_ snake_case \\&amp; Q&A**]" in line
    assert reread_paper_row(line) == row
    item = ResourceItem("sae_vis", PAPER_URL, "<img src=x> _em_", links=[Link("`doc`", BLOG_URL)])
    line = render_list_item(item)
    assert line == f"- [**sae_vis**]({PAPER_URL}): \\<img src=x> \\_em\\_ ([\\`doc\\`]({BLOG_URL}))"
    assert reread_resource_item(line) == item


def test_pipe_stays_unescaped_in_a_list_item():
    item = ResourceItem("A|B *C*", PAPER_URL, "x | [y] \\ z")
    line = render_list_item(item)
    assert line == f"- [**A|B \\*C\\***]({PAPER_URL}): x | \\[y\\] \\\\ z"
    assert reread_resource_item(line) == item


@given(title=one_line_text, venue=venues, code_label=one_line_text, blog_label=one_line_text, star=star_repos)
def test_table_fields_with_any_characters_round_trip(title, venue, code_label, blog_label, star):
    row = paper_row(
        title=title,
        venue=venue,
        star_repo=star,
        code_links=[Link(code_label, CODE_URL), Link(blog_label, PAPER_URL)],
        blog_links=[Link(blog_label, BLOG_URL)],
    )
    line = render_paper_row(row, FIVE)
    assert unescaped_pipes(line) == len(FIVE) + 1
    assert reread_paper_row(line) == row


@given(title=one_line_text, venue=venues, label=one_line_text)
def test_four_column_fields_with_any_characters_round_trip(title, venue, label):
    row = paper_row(title=title, venue=venue, code_links=[Link(label, CODE_URL)])
    line = render_paper_row(row, FOUR)
    assert unescaped_pipes(line) == len(FOUR) + 1
    assert reread_paper_row(line, FOUR_HEAD) == row


@given(
    name=one_line_text,
    description=st.one_of(st.just(""), one_line_text),
    labels=st.lists(one_line_text, max_size=3),
    star=star_repos,
)
def test_list_fields_with_any_characters_round_trip(name, description, labels, star):
    item = ResourceItem(name, PAPER_URL, description, star, [Link(label, BLOG_URL) for label in labels])
    line = render_list_item(item)
    assert not has_escaped_pipe(line)
    assert reread_resource_item(line) == item


@given(url=accepted_urls, link_url=accepted_urls)
def test_accepted_urls_round_trip_in_tables_and_lists(url, link_url):
    row = paper_row(url=url, code_links=[Link("Code", link_url)], blog_links=[Link("Blog", link_url)])
    line = render_paper_row(row, FIVE)
    assert unescaped_pipes(line) == len(FIVE) + 1
    assert reread_paper_row(line) == row
    item = ResourceItem("Tool", url, "Does things.", links=[Link("Doc", link_url)])
    assert reread_resource_item(render_list_item(item)) == item


@pytest.mark.parametrize(
    "url",
    [
        "https://arena3-chapter1-transformer-interp.streamlit.app/[1.2]_Intro_to_Mech_Interp",
        "https://en.wikipedia.org/wiki/Set_(mathematics)",
        "https://example.org/a|b",
        "https://example.org/search?q=(a|b)",
    ],
)
def test_urls_with_brackets_pipes_and_balanced_parentheses_are_accepted(url):
    assert url_problem(url) is None
    row = paper_row(url=url, code_links=[Link("Code", url)])
    assert reread_paper_row(render_paper_row(row, FIVE)) == row
    item = ResourceItem("Tool", url, links=[Link("Doc", url)])
    assert reread_resource_item(render_list_item(item)) == item


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/x",
        "https://",
        "https://example.org/a b",
        "https://example.org/(a",
        "https://example.org/a)",
        "https://example.org/a\\b",
    ],
)
def test_urls_that_cannot_be_link_targets_are_rejected(url):
    assert url_problem(url) is not None


# ---------------------------------------------------------------- 5. lossless for any text

any_text = st.text(alphabet=st.one_of(st.sampled_from(NOISE + "\n\n\n"), st.characters()))

FRAGMENTS = [
    "# ", "## ", "- ", "|", " | ", "[**", "**](", "](", "https://x.org/a", ")", " <br>", " <br> ", "<br>",
    "2024-01-02", "2024-02-30", " - ", "-", ": ", " (", ", ", "[Doc](https://d.org)", "\\", "\\|", "*", " ",
    "![GitHub Repo stars](https://img.shields.io/github/stars/a/b)", "[Libraries](#libraries)",
]  # fmt: skip
markdownish_line = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(alphabet=NOISE + "ab", max_size=2)), max_size=8
)
markdownish_text = st.lists(
    st.one_of(
        markdownish_line.map("".join),
        st.sampled_from(SEED_LINES + FOUR_HEAD + FIVE_HEAD),
        st.just(""),
    ),
    max_size=25,
).map("\n".join)


@given(text=any_text)
def test_any_text_renders_back_unchanged(text):
    assert_lossless(text)


@given(text=markdownish_text)
def test_markdown_like_text_renders_back_unchanged(text):
    assert_lossless(text)


@pytest.mark.parametrize(
    "text",
    ["", "\n", "\n\n", "#", "# ", "#  x", "# x\r", "\r\n", "\x00", "|", "- ", "- [a](http://b", "|\n|", "\\"],
)
def test_degenerate_texts_render_back_unchanged(text):
    assert_lossless(text)


@given(edits=seed_edits)
def test_edited_seed_renders_back_unchanged(edits):
    assert_lossless(edited(SEED_LINES, edits))


@given(positions=st.lists(st.integers(0, 10_000), min_size=1, max_size=5))
def test_duplicating_seed_lines_never_loses_an_entry(positions):
    lines = SEED_LINES
    for position in positions:
        lines = apply_edit(lines, ("duplicate", position, 0, ""))
    document = assert_lossless("\n".join(lines))
    assert len(paper_rows(document)) + len(resource_items(document)) >= 149 + 28
    assert document.errors == []


# ---------------------------------------------------------------- 6. problems

VALID_ROW = f"| [**A Paper**]({PAPER_URL}) <br>| arXiv | 2024-01-02 | - | - |"
IMPOSSIBLE_DATE_ROW = f"| [**B Paper**]({PAPER_URL}) <br>| arXiv | 2024-02-30 | - | - |"


def test_impossible_date_is_an_error_on_its_line_and_kept_verbatim():
    text = "## Papers\n\n" + table(VALID_ROW, IMPOSSIBLE_DATE_ROW, VALID_ROW)
    document = assert_lossless(text)
    (problem,) = document.problems
    assert problem.severity == ERROR
    assert problem.line == 6
    assert "2024-02-30" in problem.message
    assert document.errors == [problem]
    assert document.warnings == []
    body = document.sections[0].body
    assert [type(node) for node in body] == [TableHead, PaperRow, Text, PaperRow]
    assert body[2].lines == [IMPOSSIBLE_DATE_ROW]


def test_impossible_date_in_the_seed_reports_the_seed_line():
    lines = list(SEED_LINES)
    number = seed_row("AtP").line
    lines[number - 1] = lines[number - 1].replace("2024-03-01", "2024-02-30")
    document = assert_lossless("\n".join(lines))
    assert [(problem.line, problem.severity) for problem in document.problems] == [(number, ERROR)]
    assert len(paper_rows(document)) == 148


def test_unrecognised_table_row_is_a_warning_and_kept():
    broken = "| just | some | cells |"
    text = "# Papers\n" + table(VALID_ROW, broken, VALID_ROW)
    document = assert_lossless(text)
    assert document.problems == [document.warnings[0]]
    assert (document.warnings[0].line, document.warnings[0].message) == (5, NOT_AN_ENTRY)
    assert len(paper_rows(document)) == 2
    assert Text([broken]) in document.sections[0].body


def test_row_with_more_cells_than_its_header_is_still_the_paper_and_keeps_the_extra_cells():
    lines = list(SEED_LINES)
    before = seed_row("Interpretability Needs a New Paradigm")
    lines[before.line - 1] += " - |"
    document = assert_lossless("\n".join(lines))
    assert document.problems == []
    (after,) = [row for row in paper_rows(document) if row.line == before.line]
    assert replace(after, hints={}) == replace(before, hints={})
    assert after.hints["overflow"] == " - |"


def test_row_with_fewer_cells_than_its_header_is_a_paper_when_the_missing_ones_are_empty():
    document = assert_lossless(table(f"| [**A Paper**]({PAPER_URL}) <br>| arXiv | 2024-01-02 |"))
    assert document.problems == []
    (row,) = paper_rows(document)
    assert (row.title, row.venue, row.code_links, row.blog_links) == ("A Paper", "arXiv", [], [])
    row.code_links = [Link("Github", CODE_URL)]
    assert (
        render_paper_row(row, FIVE)
        == f"| [**A Paper**]({PAPER_URL}) <br>| arXiv | 2024-01-02 | [Github]({CODE_URL}) | - |"
    )


def test_row_missing_its_date_cell_is_not_a_paper():
    document = assert_lossless(table(f"| [**A Paper**]({PAPER_URL}) <br>| arXiv |"))
    assert paper_rows(document) == []
    assert [problem.message for problem in document.problems] == [NOT_AN_ENTRY]


def test_table_of_contents_list_is_plain_text():
    text = "# Contents\n- [Libraries](#libraries)\n- [Papers](#papers)\n  - nested"
    document = assert_lossless(text)
    assert document.problems == []
    assert resource_items(document) == []
    assert document.sections[0].body == [Text(["- [Libraries](#libraries)", "- [Papers](#papers)", "  - nested"])]


def test_list_with_a_resource_warns_on_its_other_items():
    text = "\n".join(["# Tools", f"- [**Tool**]({PAPER_URL}): Does things.", "- [Libraries](#libraries)", "- plain"])
    document = assert_lossless(text)
    assert [(problem.line, problem.severity, problem.message) for problem in document.problems] == [
        (3, WARNING, NOT_AN_ENTRY),
        (4, WARNING, NOT_AN_ENTRY),
    ]
    assert [item.name for item in resource_items(document)] == ["Tool"]


def test_other_tables_are_plain_text():
    text = "| a | b |\n|---|---|\n| 1 | 2 |\n" + table(VALID_ROW, head=["| Title | Venue |", "|:--|:--|"])
    document = assert_lossless(text)
    assert document.problems == []
    assert paper_rows(document) == []


def test_table_head_without_rows_and_rows_without_head():
    document = assert_lossless(table() + "\n\n" + VALID_ROW)
    assert document.problems == []
    assert paper_rows(document) == []


# ---------------------------------------------------------------- 7. rendering new and invalid entries


def test_paper_row_without_table_head_gets_the_default_head():
    row = paper_row()
    section = Section("Papers", 2, body=[Text(["Intro."]), row], blank_lines_after_heading=1)
    lines = render_section(section)
    assert lines == ["## Papers", "", "Intro.", *DEFAULT_TABLE_HEAD, render_paper_row(row, FIVE)]
    assert paper_rows(parse("\n".join(lines))) == [row]


def test_default_head_is_written_once_per_table():
    first, second = paper_row(), paper_row(title="Other")
    item = ResourceItem("Tool", PAPER_URL)
    lines = render_section(Section("Papers", 2, body=[first, second, item, first]))
    assert lines == [
        "## Papers",
        *DEFAULT_TABLE_HEAD,
        render_paper_row(first, FIVE),
        render_paper_row(second, FIVE),
        render_list_item(item),
        *DEFAULT_TABLE_HEAD,
        render_paper_row(first, FIVE),
    ]
    reparsed = parse("\n".join(lines))
    assert reparsed.problems == []
    assert paper_rows(reparsed) == [first, second, first]


def test_row_added_to_a_four_column_table_uses_its_columns():
    document = seed_document()
    section = section_named(document, "Survey Papers")
    new = paper_row(code_links=[Link("Github", CODE_URL)])
    section.body.insert(1, new)
    text = render(document)
    assert f"|[**A Paper**]({PAPER_URL})| arXiv | 2024-01-02 | [Github]({CODE_URL}) |" in text.split("\n")
    assert paper_rows(parse(text))[0] == new


def test_blog_links_in_a_four_column_table_raise():
    row = paper_row(blog_links=[Link("Blog", BLOG_URL)])
    with pytest.raises(RenderError, match="Blog column"):
        render_paper_row(row, FOUR)
    document = seed_document()
    section_named(document, "Survey Papers").body[1].blog_links = [Link("Blog", BLOG_URL)]
    with pytest.raises(RenderError):
        render(document)


INVALID_PAPER_FIELDS = {
    "title with newline": ({"title": "Two\nlines"}, "title"),
    "title with carriage return": ({"title": "Two\rlines"}, "title"),
    "empty title": ({"title": ""}, "title"),
    "title with trailing space": ({"title": "Title "}, "title"),
    "venue with leading space": ({"venue": " arXiv"}, "venue"),
    "empty venue": ({"venue": ""}, "venue"),
    "venue dash": ({"venue": "-"}, "venue"),
    "javascript url": ({"url": "javascript:alert(1)"}, "link 'javascript:alert(1)'"),
    "url with space": ({"url": "https://a.org/x y"}, "link 'https://a.org/x y'"),
    "star repo": ({"star_repo": "not a repo"}, "star repo 'not a repo'"),
    "code link label": ({"code_links": [Link("Git\nhub", CODE_URL)]}, "link label"),
    "blog link url": ({"blog_links": [Link("Blog", "ftp://example.org")]}, "link 'ftp://example.org'"),
}


@pytest.mark.parametrize("fields, named", INVALID_PAPER_FIELDS.values(), ids=INVALID_PAPER_FIELDS.keys())
def test_paper_values_that_cannot_go_on_one_line_raise(fields, named):
    row = paper_row(**fields)
    with pytest.raises(RenderError, match=re.escape(named)):
        render_paper_row(row, FIVE)
    document = seed_document()
    section_named(document, "Others").body.append(row)
    with pytest.raises(RenderError, match=re.escape(named)):
        render(document)


INVALID_RESOURCE_FIELDS = {
    "name with newline": ({"name": "A\nB"}, "title"),
    "empty name": ({"name": ""}, "title"),
    "url": ({"url": "mailto:a@b.org"}, "link 'mailto:a@b.org'"),
    "description with leading space": ({"description": " Does things."}, "description"),
    "description with newline": ({"description": "Does\nthings."}, "description"),
    "star repo": ({"star_repo": "a/b/c"}, "star repo 'a/b/c'"),
    "link label": ({"links": [Link("", BLOG_URL)]}, "link label"),
    "link url": ({"links": [Link("Doc", "www.example.org")]}, "link 'www.example.org'"),
}


@pytest.mark.parametrize("fields, named", INVALID_RESOURCE_FIELDS.values(), ids=INVALID_RESOURCE_FIELDS.keys())
def test_resource_values_that_cannot_go_on_one_line_raise(fields, named):
    item = replace(ResourceItem("Tool", PAPER_URL, "Does things."), **fields)
    with pytest.raises(RenderError, match=re.escape(named)):
        render_list_item(item)


# ---------------------------------------------------------------- 8. blank lines and sections


def test_seed_sections_keep_their_blank_lines():
    document = seed_document()
    blanks = {
        section.title: (section.blank_lines_after_heading, section.blank_lines_after) for section in document.sections
    }
    assert blanks["Awesome-Interpretability-in-Large-Language-Models"] == (0, 1)
    assert blanks["Awesome Interpretability Libraries"] == (0, 5)
    assert blanks["Awesome Interpretability Forums"] == (0, 2)
    assert blanks["Survey Papers"] == (1, 1)
    assert blanks["Interpretable Analysis of LLMs"] == (0, 2)
    assert blanks["SAE, Dictionary Learning and Superposition"] == (1, 3)
    assert blanks["Other Awesome Interpretability Resources"] == (0, 0)


def test_changed_blank_lines_render():
    document = seed_document()
    libraries = section_named(document, "Awesome Interpretability Libraries")
    survey = section_named(document, "Survey Papers")
    libraries.blank_lines_after = 1
    survey.blank_lines_after_heading = 0
    text = render(document)
    assert text.count("\n") == SEED.count("\n") - 5
    assert "\n# Awesome Interpretability Blogs & Videos" in text
    assert "## Survey Papers\n|  Title  |" in text
    reparsed = section_named(parse(text), "Awesome Interpretability Libraries")
    assert reparsed.blank_lines_after == 1


def test_text_before_the_first_heading_is_a_level_zero_section():
    text = "Intro line\n[![badge](https://b.org)](https://c.org)\n\n\n# First\nbody"
    document = assert_lossless(text)
    intro, first = document.sections
    assert (intro.level, intro.title, intro.line) == (0, "", 1)
    assert intro.body == [Text(["Intro line", "[![badge](https://b.org)](https://c.org)"])]
    assert (intro.blank_lines_after_heading, intro.blank_lines_after) == (0, 2)
    assert (first.level, first.title, first.line) == (1, "First", 5)


def test_text_without_headings_is_one_level_zero_section():
    document = assert_lossless("\n\nplain\n")
    (section,) = document.sections
    assert section.level == 0
    assert (section.blank_lines_after_heading, section.blank_lines_after) == (2, 1)


def test_document_starting_with_a_heading_has_no_level_zero_section():
    assert [section.level for section in parse("### Deep\ntext").sections] == [3]


def test_heading_trailing_whitespace_is_a_hint():
    document = assert_lossless("##  not a heading\n## Title \t\nbody")
    heading = document.sections[1]
    assert (heading.title, heading.level, heading.hints) == ("Title", 2, {"trailing": " \t"})
    assert document.sections[0].body == [Text(["##  not a heading"])]
    heading.hints = {}
    assert render(document).split("\n")[1] == "## Title"


def test_seed_with_final_newline_round_trips():
    document = assert_lossless(SEED + "\n")
    assert document.sections[-1].blank_lines_after == 1
    assert document.problems == []
    assert len(paper_rows(document)) == 149


def test_empty_section_keeps_its_blank_lines():
    document = assert_lossless("# A\n\n\n# B\n\n")
    first, second = document.sections
    assert first.body == second.body == []
    assert first.blank_lines_after_heading + first.blank_lines_after == 2
    assert second.blank_lines_after_heading + second.blank_lines_after == 2
