"""Other lists' shapes: awesome-lint items, bracketed links, heading entries, tables found by header names, a
skeleton without entries. Each sample README (tests/readme_samples/) is written from the shapes' descriptions."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given
from hypothesis import strategies as st

from catalog.admin.forms import ResourceAdminForm
from catalog.models import Paper, Resource, Section, SectionKind, TextBlock
from catalog.readme import (
    DEFAULT_TABLE_HEAD,
    Link,
    PaperRow,
    RenderError,
    ResourceItem,
    TableHead,
    Text,
    parse,
    render,
    render_list_item,
    render_section,
)
from catalog.readme.items import CODE_LABEL, LIST_LINE, SEPARATORS, read_list_item
from catalog.readme.layout import new_entry_hints
from catalog.readme.lint import lint
from catalog.readme.rows import read_paper_row, render_paper_row, table_columns
from catalog.services.readme_export import export_readme

SAMPLES = Path(__file__).resolve().parent / "readme_samples"
# Sample -> (papers, resources) it lists.
ENTRIES = {
    "aligned_tables.md": (7, 0),
    "awesome_lint.md": (0, 15),
    "bracketed.md": (7, 2),
    "continuations.md": (3, 5),
    "header_names.md": (8, 0),
    "headings.md": (1, 4),
    "leading_labels.md": (0, 9),
    "markup.md": (0, 12),
    "paper_tables.md": (6, 0),
    "skeleton.md": (0, 0),
    "venue_qualifiers.md": (11, 0),
}


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def entries(document, kind=(PaperRow, ResourceItem)):
    return [node for section in document.sections for node in section.body if isinstance(node, kind)]


def section(document, title):
    (found,) = [section for section in document.sections if section.title == title]
    return found


def entry(document, title):
    (found,) = [
        node
        for node in entries(document)
        if getattr(node, "title", None) == title or getattr(node, "name", None) == title
    ]
    return found


@pytest.mark.parametrize("name", ENTRIES)
def test_every_entry_of_each_sample_is_recognised_and_the_sample_renders_back_byte_for_byte(name):
    text = sample(name)
    document = parse(text)
    assert document.problems == []
    assert (len(entries(document, PaperRow)), len(entries(document, ResourceItem))) == ENTRIES[name]
    assert render(document) == text
    kept = [line for s in document.sections for node in s.body if type(node) is Text for line in node.lines]
    # What stays text is prose, the table of contents (links to #anchors), headings and rows of empty cells: no
    # entry-like line.
    assert not [line for line in kept if "](http" in line and (line.startswith("|") or LIST_LINE.match(line))]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ENTRIES)
def test_each_sample_imports_strictly_and_exports_byte_for_byte(name):
    out = StringIO()
    call_command("import_readme", str(SAMPLES / name), "--strict", "-v", "2", stdout=out, stderr=StringIO())
    assert export_readme() == sample(name)
    papers, resources = ENTRIES[name]
    assert (Paper.objects.count(), Resource.objects.count()) == (papers, resources)
    assert f"{papers} papers" in out.getvalue() and f"{resources} resources" in out.getvalue()


def test_awesome_lint_items_keep_their_links_markers_separators_and_nesting():
    document = parse(sample("awesome_lint.md"))
    lenses = entry(document, "Lenses")
    assert lenses.url == "https://github.com/example-org/lenses"
    assert lenses.description == (
        "Logit and tuned lenses, with a [tutorial notebook](https://example.org/lenses/tutorial)."
    )
    libraries = section(document, "Libraries")
    assert libraries.hints["layout"] == {"separator": " - ", "bold": False}
    nested = [node for node in libraries.body if node.hints.get("indent")]
    assert [node.name for node in nested] == ["lenses-viz", "lenses-hub"]
    assert entry(document, "Probekit").hints == {"separator": " - ", "bold": False}
    assert entry(document, "Patchwork").hints == {"separator": " - ", "bold": "outer"}
    assert entry(document, "Circuit Sketch").hints == {"separator": " – ", "bold": False}
    assert entry(document, "Feature Atlas").hints == {"bold": False}
    assert section(document, "Courses").hints["layout"]["marker"] == "N."
    assert entry(document, "Advanced Probing").hints == {"marker": "3.", "separator": " — ", "bold": False}
    assert section(document, "Contents").body[0].lines[0] == "- [Libraries](#libraries)"


def last_line(target) -> str:
    return [line for line in render_section(target) if line][-1]


def test_new_entries_take_their_sections_prevailing_layout_and_read_entries_keep_theirs():
    document = parse(sample("awesome_lint.md"))
    for title, line in [
        ("Libraries", "- [New Tool](https://example.org/new) - Does things."),
        ("Reading", "* [New Tool](https://example.org/new) - Does things."),
        ("Courses", "4. [New Tool](https://example.org/new) - Does things."),
        ("Community", "+ [New Tool](https://example.org/new) - Does things."),
    ]:
        target = section(document, title)
        hints = new_entry_hints(target.hints, paper=False)
        target.body.append(ResourceItem("New Tool", "https://example.org/new", "Does things.", hints=hints))
        assert last_line(target) == line
        assert read_list_item(line) is not None
    # An entry moved elsewhere keeps its own layout.
    community = section(document, "Community")
    community.body.append(entry(document, "Feature Atlas"))
    assert (
        last_line(community)
        == "- [Feature Atlas](https://example.org/atlas): Browsable dictionaries of learned features."
    )
    papers = section(parse(sample("bracketed.md")), "Representation Engineering")
    hints = new_entry_hints(papers.hints, paper=True)
    papers.body.append(PaperRow("A New Paper", "https://example.org/p", "ICML", datetime.date(2024, 7, 1), hints=hints))
    assert last_line(papers) == "- [A New Paper](https://example.org/p) (ICML, 2024-07-01)"
    assert new_entry_hints(section(parse(sample("paper_tables.md")), "Circuit Analysis").hints, paper=True) == {}


@pytest.mark.django_db
def test_a_resource_added_in_the_admin_takes_its_sections_layout():
    call_command("import_readme", str(SAMPLES / "awesome_lint.md"), stdout=StringIO(), stderr=StringIO())
    reading = Section.objects.get(title="Reading")
    form = ResourceAdminForm(
        data={
            "name": "New Tool",
            "url": "https://example.org/new",
            "description": "Does things.",
            "section": reading.pk,
        }
    )
    assert form.is_valid(), form.errors
    form.save()
    lines = export_readme().split("\n")
    assert lines[lines.index("## Reading") + 5] == "* [New Tool](https://example.org/new) - Does things."


def test_items_with_a_venue_and_date_are_papers_with_their_links():
    document = parse(sample("bracketed.md"))
    vector = entry(document, "Steering by Adding a Vector")
    assert (vector.url, vector.venue, vector.date) == (
        "https://arxiv.org/abs/2308.10248",
        "arXiv",
        datetime.date(2023, 1, 1),
    )
    assert vector.code_links == [Link("code", "https://github.com/example-org/actadd")]
    reading = entry(document, "Reading and Controlling Representations")
    assert (reading.venue, reading.date) == ("arXiv", datetime.date(2023, 10, 2))
    assert reading.code_links == [Link("Code", "https://github.com/example-org/repe")]
    assert reading.hints["description"] == "A top-down approach to transparency."
    assert isinstance(entry(document, "A Steering Primer"), ResourceItem)
    assert isinstance(entry(document, "Representation Notes"), ResourceItem)


def test_heading_entries_take_their_summary_as_description():
    document = parse(sample("headings.md"))
    toy = entry(document, "Toy Models of Superposition")
    assert (toy.url, toy.description) == (
        "https://example.org/toy-models",
        "Why features outnumber neurons, shown on small models.",
    )
    zoom = entry(document, "Zoom In: An Introduction to Circuits")
    assert (zoom.venue, zoom.date.year) == ("Distill", 2020)
    assert [s.title for s in document.sections] == ["Interpretability Reading Notes", "Foundations", "Methods"]
    assert entry(document, "Attribution Patching").description == ""


def test_paper_tables_are_read_by_their_header_names_and_keep_other_columns():
    document = parse(sample("paper_tables.md"))
    heads = [node for node in entries(document, TableHead)]
    assert heads[0].columns == ("title", "authors", "venue", "year", "code")
    acdc = entry(document, "Automated Circuit Finding")
    assert (acdc.venue, acdc.date, acdc.hints["kept_cells"]) == (
        "NeurIPS",
        datetime.date(2023, 1, 1),
        ["A. Author, B. Author"],
    )
    assert acdc.code_links == [Link("GitHub", "https://github.com/example-org/acdc")]
    assert entry(document, "Path Patching Revisited").hints["overflow"] == " - |"
    assert entry(document, "Circuits in the Wild").code_links == []
    induction = entry(document, "Induction Heads Explained")
    assert (induction.venue, induction.hints["kept_cells"]) == (None, ["a classic"])
    assert induction.blog_links == [Link("Post", "https://example.org/induction-post")]
    copy = entry(document, "Copy Suppression")
    assert (copy.date, copy.hints["date_format"]) == (datetime.date(2023, 10, 1), "month")


@pytest.mark.django_db
def test_a_header_inside_a_table_starts_a_new_table_as_its_text_block_does_when_exported(tmp_path):
    four = "|  Title  |   Venue  |   Date   |   Code   |\n|:--------|:--------:|:--------:|:--------:|"
    five = "\n".join(DEFAULT_TABLE_HEAD)
    row = "| [**A Paper**](https://example.org/a) <br>| arXiv | 2024-01-02 | - | - |"
    text = f"# Papers\n{four}\n{row}\n{five}\n{row}"
    document = parse(text)
    assert [type(node).__name__ for node in document.sections[0].body] == [
        "TableHead",
        "PaperRow",
        "TableHead",
        "PaperRow",
    ]
    assert document.sections[0].body[1].hints["overflow"] == " - |"
    path = tmp_path / "README.md"
    path.write_text(text, encoding="utf-8")
    call_command("import_readme", str(path), stdout=StringIO(), stderr=StringIO())
    assert export_readme() == text


def test_a_venue_in_a_table_without_a_venue_column_cannot_be_written():
    columns = table_columns(["| Paper | Date |", "|---|---|"])
    row = PaperRow("A Paper", "https://example.org/p", "ICML", datetime.date(2024, 1, 2))
    with pytest.raises(RenderError, match="no Venue column"):
        render_paper_row(row, columns)


def test_a_resource_description_that_would_read_as_a_venue_and_date_cannot_be_written():
    with pytest.raises(RenderError, match="venue and date"):
        render_list_item(ResourceItem("Tool", "https://example.org/t", "Released (ICLR 2024)"))
    line = render_list_item(
        ResourceItem(
            "Tool", "https://example.org/t", "Released (ICLR 2024)", links=[Link("Doc", "https://example.org/d")]
        )
    )
    assert isinstance(read_list_item(line), ResourceItem)


@pytest.mark.django_db
def test_a_skeleton_imports_its_sections_text_and_table_head_and_shows_its_empty_sections(client):
    call_command("import_readme", str(SAMPLES / "skeleton.md"), stdout=StringIO(), stderr=StringIO())
    assert list(Section.objects.order_by("position").values_list("title", "kind")) == [
        ("Awesome Something New", SectionKind.TEXT),
        ("Tools", SectionKind.RESOURCES),
        ("Papers", SectionKind.PAPERS),
        ("License", SectionKind.TEXT),
    ]
    assert TextBlock.objects.filter(text__startswith="| Title | Venue").exists()
    page = client.get("/").content.decode()
    assert "Tools" in page and "Papers" in page and "License" not in page
    papers = Section.objects.get(title="Papers")
    Paper.objects.create(
        title="First Paper", url="https://example.org/first", date=datetime.date(2024, 1, 2), section=papers
    )
    assert "|[**First Paper**](https://example.org/first)| - | 2024-01-02 | - |" in export_readme().split("\n")


@pytest.mark.django_db
def test_a_file_without_headings_or_entries_is_refused(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text("just some notes\nand more", encoding="utf-8")
    with pytest.raises(CommandError, match="not imported"):
        call_command("import_readme", str(path), stdout=StringIO(), stderr=StringIO())


@pytest.mark.django_db
def test_strict_refuses_an_unrecognised_line_inside_a_list_and_the_report_counts_it(tmp_path):
    path = tmp_path / "README.md"
    path.write_text(
        "# Tools\n\n- [A Tool](https://example.org/a) - Does things.\n- a note, not an entry\n", encoding="utf-8"
    )
    out = StringIO()
    call_command("import_readme", str(path), "-v", "2", stdout=out, stderr=StringIO())
    assert "  Tools: 1 entries, 1 lines kept as text (1 inside a list or table)" in out.getvalue().split("\n")
    err = StringIO()
    with pytest.raises(CommandError, match="not imported"):
        call_command("import_readme", str(path), "--strict", "--replace", stdout=StringIO(), stderr=err)
    assert f"{path}:4: not recognised as an entry, kept as text" in err.getvalue()


def test_lint_applies_awesome_lint_item_rules_to_awesome_lint_lists_only():
    findings = {(finding.line, finding.rule) for finding in lint(sample("awesome_lint.md"))}
    assert {(21, "item-separator"), (22, "item-separator"), (34, "item-separator")} <= findings
    text = "# List\n\n- [A](https://example.org/a) - lower case start\n- [B](https://example.org/b) - Fine."
    assert [(f.line, f.rule) for f in lint(text)] == [(3, "item-description"), (3, "item-description")]
    seed = (Path(__file__).resolve().parent.parent / "fixtures" / "README.md").read_text(encoding="utf-8")
    assert not [finding for finding in lint(seed) if finding.rule.startswith("item-")]


# ---------------------------------------------------------------- round trips of the new shapes

words = st.text(alphabet="abcXYZ09 ,.;'!?&_*[]\\-–", min_size=1, max_size=20).map(str.strip).filter(bool)
urls = st.sampled_from(["https://example.org/a", "https://example.org/b_(c)", "http://x.org/?q=1&r=[2]"])
links = st.lists(
    st.builds(Link, st.text(alphabet="abcXY 1", min_size=1, max_size=6).map(str.strip).filter(bool), urls), max_size=3
)


@st.composite
def list_items(draw):
    hints = {
        "indent": draw(st.sampled_from(["", "  ", "    "])),
        "marker": draw(st.sampled_from(["-", "*", "+", "1.", "12."])),
        "bold": draw(st.sampled_from([True, False, "outer"])),
        "separator": draw(st.sampled_from(SEPARATORS)),
    }
    description = draw(
        st.one_of(st.just(""), words, st.builds(lambda a, b: f"{a} [see](https://example.org/s) {b}", words, words))
    )
    item = ResourceItem(draw(words), draw(urls), description, draw(st.sampled_from(["", "a/b"])), draw(links), hints)
    defaults = {"indent": "", "marker": "-", "bold": True, "separator": ": "}
    item.hints = {
        key: value for key, value in hints.items() if value != defaults[key] and (key != "separator" or description)
    }
    return item


@given(list_items())
def test_list_items_of_any_layout_round_trip(item):
    try:
        line = render_list_item(item)
    except RenderError:
        return
    assert read_list_item(line) == item
    assert render(parse(line)) == line


@given(
    list_items(),
    st.sampled_from(["ICLR", "NeurIPS Workshop", None]),
    st.dates(datetime.date(1990, 1, 1), datetime.date(2030, 12, 31)),
)
def test_list_items_with_a_venue_and_date_round_trip_as_papers(item, venue, date):
    hints = {**item.hints, "shape": "item"}
    if item.description:
        hints["description"] = item.description
    kinds = "".join("c" if CODE_LABEL.search(link.label) else "b" for link in item.links)
    row = PaperRow(
        item.name,
        item.url,
        venue,
        date,
        item.star_repo,
        [link for link, kind in zip(item.links, kinds, strict=True) if kind == "c"],
        [link for link, kind in zip(item.links, kinds, strict=True) if kind == "b"],
        hints,
    )
    if kinds != "".join(sorted(kinds, reverse=True)):
        hints["link_kinds"] = kinds
    line = render_list_item(row)
    assert read_list_item(line) == row


ROLES = ["title", "authors", "venue", "year", "code", "blog", "notes"]


@given(st.permutations(ROLES), st.integers(0, 2), words, words, links, st.integers(1990, 2030))
def test_tables_in_any_column_order_with_kept_columns_round_trip(order, dropped, title, kept, code, year):
    columns = tuple(column for column in order if column not in ("notes", "blog")[:dropped] or column == "title")
    head = ["| " + " | ".join(column.title() for column in columns) + " |", "|" + "---|" * len(columns)]
    assert table_columns(head) == columns
    row = PaperRow(
        title, "https://example.org/p", "ICLR", datetime.date(year, 1, 1), code_links=code if "code" in columns else []
    )
    kept_cells = [kept for column in columns if column in ("authors", "notes")]
    row.hints = {"kept_cells": kept_cells} if kept_cells else {}
    line = render_paper_row(row, columns)
    assert read_paper_row(line, columns) == row
