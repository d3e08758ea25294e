"""More shapes of other lists: a label before an item's link, a venue written with its year and a qualifier, paper
tables whose columns go by other names (a title written as text beside a link column), numbered lists that an entry
is added into, items continued on indented lines. The samples (tests/readme_samples/leading_labels.md,
venue_qualifiers.md, header_names.md, continuations.md) are written from these descriptions."""

import datetime
from dataclasses import replace
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given
from hypothesis import strategies as st

from catalog.models import Paper, Venue, VenueKind
from catalog.readme import (
    Link,
    PaperRow,
    RenderError,
    ResourceItem,
    parse,
    render,
    render_list_item,
    render_section,
    venue_note,
)
from catalog.readme.items import read_list_item
from catalog.readme.layout import new_entry_hints
from catalog.readme.rows import column_roles, read_paper_row, render_paper_row, table_columns
from tests.test_readme_shapes import SAMPLES, entry, last_line, list_items, sample, section, words


def test_a_bold_code_or_badge_label_before_the_link_is_kept_and_the_item_read_as_usual():
    document = parse(sample("leading_labels.md"))
    kit = entry(document, "Attribution Kit")
    assert (kit.url, kit.description, kit.hints["lead"]) == (
        "https://github.com/example-org/attribution-kit",
        "Integrated gradients and its variants for PyTorch.",
        "**[Library]** ",
    )
    suite = entry(document, "Saliency Suite")
    assert (suite.star_repo, suite.hints["lead"]) == ("example-org/saliency-suite", "**[Library]** ")
    assert entry(document, "tracer").hints["lead"] == "`cli` "
    assert entry(document, "probe-py").hints["lead"] == "![Python](https://img.shields.io/badge/python-3.10-blue) "
    patchlab = entry(document, "patchlab")
    assert (patchlab.url, patchlab.description) == (
        "https://github.com/example-org/patchlab",
        "Activation patching experiments.",
    )
    badge = "[![PyPI](https://img.shields.io/pypi/v/patchlab)](https://pypi.org/project/patchlab/) "
    assert patchlab.hints["lead"] == badge


def test_an_edited_labelled_item_keeps_its_label_and_a_new_item_takes_none():
    document = parse(sample("leading_labels.md"))
    tracer = entry(document, "tracer")
    assert render_list_item(replace(tracer, description="Records activations.")) == (
        "- `cli` [tracer](https://github.com/example-org/tracer): Records activations."
    )
    tools = section(document, "Command-line Tools")
    hints = new_entry_hints(tools.hints, paper=False)
    tools.body.append(ResourceItem("New Tool", "https://example.org/new", "Does things.", hints=hints))
    assert last_line(tools) == "- [New Tool](https://example.org/new): Does things."


@given(
    list_items(), st.sampled_from(["**[Tag]** ", "`cli` ", "![b](https://img.shields.io/badge/a-b-c) ", "**New** `x` "])
)
def test_items_with_a_label_before_their_link_round_trip(item, lead):
    item.hints["lead"] = lead
    try:
        line = render_list_item(item)
    except RenderError:
        return
    assert read_list_item(line) == item


def test_a_bold_title_before_bracketed_links_is_still_a_title_not_a_label():
    item = read_list_item("* **Steering Heads** [[paper]](https://example.org/p) (ICLR 2024)")
    assert (item.title, item.url, item.venue) == ("Steering Heads", "https://example.org/p", "ICLR")
    assert "lead" not in item.hints


# ---------------------------------------------------------------- venues with a qualifier


@pytest.mark.parametrize(
    ("title", "venue", "note"),
    [
        ("Sparse Feature Circuits", "ICLR", "Spotlight"),
        ("Transcoders Find Circuits", "NeurIPS", "Oral"),
        ("Probing for Syntax Trees", "ACL Findings", ""),
        ("Circuit Motifs at Scale", "ICML Workshop on Mechanistic Interpretability", ""),
        ("Attention Sinks Explained", "ICLR", ""),
        ("Steering with Sparse Features", "ICLR", "Spotlight"),
        ("Refusal Directions", "NeurIPS", "Oral"),
        ("Steering Probes in the Wild", "ICML Workshop on Mechanistic Interpretability", ""),
        ("Benchmarking Attribution", "NeurIPS Datasets and Benchmarks Track", ""),
        ("Faithfulness Audits", "EMNLP", "Best Paper"),
    ],
)
def test_a_venue_with_a_qualifier_is_the_venue_and_an_honour_is_its_note(title, venue, note):
    paper = entry(parse(sample("venue_qualifiers.md")), title)
    assert (paper.venue, venue_note(paper)) == (venue, note)


def test_an_items_venue_with_a_qualifier_gives_its_date_and_is_kept_until_the_venue_or_year_is_edited():
    document = parse(sample("venue_qualifiers.md"))
    refusal = entry(document, "Refusal Directions")
    assert (refusal.date, refusal.hints["date_format"]) == (datetime.date(2024, 1, 1), "year")
    line = "2. [Refusal Directions](https://arxiv.org/abs/2406.11717) - One direction mediates refusal. "
    assert render_list_item(refusal) == line + "(NeurIPS 2024 (Oral))"
    assert render_list_item(replace(refusal, venue="ICML")) == line + "(ICML 2024)"
    edited = replace(refusal, date=datetime.date(2025, 1, 1))
    assert (render_list_item(edited), venue_note(edited)) == (line + "(NeurIPS 2025)", "")
    audits = entry(document, "Faithfulness Audits")
    assert (audits.date, audits.hints["venue_source"]) == (datetime.date(2023, 12, 6), "EMNLP, 2023-12-06, Best Paper")


def test_a_venue_cell_with_a_qualifier_is_kept_until_the_venue_is_edited():
    text = sample("venue_qualifiers.md")
    lines = text.split("\n")
    head = lines[lines.index("## Circuits") + 2 : lines.index("## Circuits") + 4]
    columns = table_columns(head)
    circuits = entry(parse(text), "Sparse Feature Circuits")
    assert (circuits.venue, circuits.hints["venue_source"]) == ("ICLR", "ICLR 2025 Spotlight")
    assert "| ICLR 2025 Spotlight | 2025 |" in render_paper_row(circuits, columns)
    edited = render_paper_row(replace(circuits, venue="TMLR"), columns)
    assert "| TMLR | 2025 |" in edited
    assert venue_note(replace(circuits, venue="TMLR")) == ""
    assert read_paper_row(edited, columns).venue == "TMLR"


@given(words, st.integers(1990, 2030), st.sampled_from(["", " Spotlight", " (Oral)", " Findings", ", Poster"]))
def test_a_venue_named_with_a_year_in_it_reads_back_as_itself(name, year, qualifier):
    columns = table_columns(["| Title | Venue | Date |", "|---|---|---|"])
    row = PaperRow("A Paper", "https://example.org/p", f"{name} {year}{qualifier}", datetime.date(2024, 1, 2))
    assert read_paper_row(render_paper_row(row, columns), columns) == row


@pytest.mark.django_db
def test_venues_with_a_qualifier_are_grouped_by_venue_and_the_paper_page_shows_the_honour(client):
    call_command("import_readme", str(SAMPLES / "venue_qualifiers.md"), stdout=StringIO(), stderr=StringIO())
    assert dict(Venue.objects.values_list("name", "kind")) == {
        "ICLR": VenueKind.CONFERENCE,
        "NeurIPS": VenueKind.CONFERENCE,
        "ACL": VenueKind.CONFERENCE,
        "EMNLP": VenueKind.CONFERENCE,
        "ACL Findings": VenueKind.CONFERENCE,
        "NeurIPS Datasets and Benchmarks Track": VenueKind.CONFERENCE,
        "ICML Workshop on Mechanistic Interpretability": VenueKind.WORKSHOP,
    }
    assert Paper.objects.filter(venue__name="ICLR").count() == 3
    spotlight = Paper.objects.get(title="Sparse Feature Circuits")
    page = client.get(spotlight.get_absolute_url()).content.decode()
    assert '">ICLR</a> <span class="venue-note">Spotlight</span>' in page
    plain = Paper.objects.get(title="Attention Sinks Explained")
    assert "venue-note" not in client.get(plain.get_absolute_url()).content.decode()


# ---------------------------------------------------------------- columns found by other names


@pytest.mark.parametrize(
    ("header", "roles"),
    [
        ("| Paper | Venue | Year | Code |", ("title", "venue", "year", "code")),
        ("| Name | Link | Published | Year |", ("title", "url", "venue", "year")),
        ("| Publication | Authors | Venue | Date |", ("title", None, "venue", "date")),
        ("| Title | Publication | Year |", ("title", "venue", "year")),
        ("| Work | Conference | Year | Implementation |", ("title", "venue", "year", "code")),
        ("| **Paper Title** | Journal | Publication Date | Official Code | Blog Post |", None),
    ],
)
def test_paper_table_columns_are_found_by_the_common_names_of_each_role(header, roles):
    columns = table_columns([header, "|" + "---|" * header.count(" | ") + "---|"])
    expected = roles or ("title", "venue", "date", "code", "blog")
    assert column_roles(columns) == expected


def test_a_title_written_as_text_takes_the_link_of_its_rows_link_column():
    document = parse(sample("header_names.md"))
    bench = entry(document, "Circuit Benchmark")
    assert (bench.url, bench.venue, bench.date, bench.hints["url_label"]) == (
        "https://arxiv.org/abs/2401.00001",
        "NeurIPS",
        datetime.date(2024, 1, 1),
        "arXiv",
    )
    assert entry(document, "Probe Suite").hints == {}
    assert entry(document, "Feature Splitting").code_links == [
        Link("GitHub", "https://github.com/example-org/splitting")
    ]
    assert entry(document, "Interpretability in Review").venue == "TMLR"
    columns = table_columns(["| Name | Link | Published | Year |", "|------|------|-----------|------|"])
    edited = render_paper_row(replace(bench, title="Circuit Bench *v2*", url="https://example.org/v2"), columns)
    assert edited == "| Circuit Bench \\*v2\\* | [arXiv](https://example.org/v2) | NeurIPS | 2024 |"
    assert read_paper_row(edited, columns).title == "Circuit Bench *v2*"


def test_a_row_added_to_a_table_with_a_link_column_takes_its_prevailing_label_and_title():
    benchmarks = section(parse(sample("header_names.md")), "Benchmarks")
    hints = new_entry_hints(benchmarks.hints, paper=True)
    benchmarks.body.append(
        PaperRow("New Bench", "https://example.org/new", "ICML", datetime.date(2024, 5, 1), hints=hints)
    )
    assert last_line(benchmarks) == "| New Bench | [arXiv](https://example.org/new) | ICML | 2024 |"


@given(words, st.sampled_from(["link", "arXiv", "PDF [v2]"]), st.booleans(), st.integers(1990, 2030))
def test_rows_of_a_table_with_a_link_column_round_trip(title, label, bold, year):
    columns = table_columns(["| Year | Link | Name | Notes |", "|---|---|---|---|"])
    hints = {key: value for key, value in {"url_label": label, "bold": bold}.items() if value not in ("link", True)}
    row = PaperRow(title, "https://example.org/p_(1)", None, datetime.date(year, 1, 1), hints=hints)
    row.hints["kept_cells"] = ["a note"]
    assert read_paper_row(render_paper_row(row, columns), columns) == row


# ---------------------------------------------------------------- numbering


@pytest.mark.parametrize(
    ("markers", "after", "written"),
    [
        (["1.", "2.", "3."], 1, ["1.", "2.", "3.", "4."]),
        (["1.", "2.", "3."], 0, ["1.", "2.", "3.", "4."]),
        (["1.", "3.", "7."], 1, ["1.", "3.", "4.", "7."]),
        (["1.", "2.", "5.", "6."], 0, ["1.", "2.", "3.", "5.", "6."]),
        (["3.", "4."], 1, ["3.", "4.", "5."]),
    ],
)
def test_an_entry_added_into_a_numbered_list_takes_the_next_number_and_renumbers_only_a_run_numbered_on(
    markers, after, written
):
    items = [
        ResourceItem(f"Item {index}", f"https://example.org/{index}", hints={"marker": marker})
        for index, marker in enumerate(markers)
    ]
    items.insert(after + 1, ResourceItem("New", "https://example.org/new", hints={"marker": "N."}))
    document = parse("# List")
    document.sections[0].body = items
    lines = render_section(document.sections[0])[1:]
    assert [line.split(" ", 1)[0] for line in lines] == written


# ---------------------------------------------------------------- continuation lines


def test_indented_lines_under_an_item_are_part_of_it_and_a_sub_item_with_a_link_is_reported():
    document = parse(sample("continuations.md"))
    assert entry(document, "SAE Trainer").hints["continuation"] == ["  Supports TopK, gated and JumpReLU variants."]
    assert entry(document, "Dictionary Lab").hints["continuation"] == [
        "  - Runs on a single GPU.",
        "  - Works with any Hugging Face model.",
    ]
    lite = entry(document, "autointerp-lite")
    assert (lite.hints["indent"], lite.hints["continuation"]) == ("  ", ["    Needs no GPU."])
    scaling = entry(document, "Scaling Monosemanticity")
    assert render_list_item(replace(scaling, title="Scaling Up")).split("\n") == [
        "- [Scaling Up](https://example.org/scaling) (Transformer Circuits, 2024-05-21)",
        "  The largest dictionaries trained so far.",
    ]
    text = "# Tools\n\n- [A Tool](https://example.org/a) - Does things.\n  - Mirror: [here](https://example.org/m)"
    problems = parse(text).problems
    assert [(problem.line, problem.message) for problem in problems] == [
        (4, "not recognised as an entry, kept as text")
    ]
    assert render(parse(text)) == text


@pytest.mark.django_db
def test_the_import_report_counts_the_lines_under_entries_and_strict_refuses_a_sub_item_not_recognised(tmp_path):
    out = StringIO()
    call_command("import_readme", str(SAMPLES / "continuations.md"), "--strict", "-v", "2", stdout=out)
    report = out.getvalue().split("\n")
    assert "  Training: 2 entries (with 3 lines indented under them), 0 lines kept as text" in report
    assert "  Analysis: 3 entries (with 1 lines indented under them), 0 lines kept as text" in report
    path = tmp_path / "README.md"
    path.write_text(
        "# Tools\n\n- [A Tool](https://example.org/a) - Does things.\n  - Mirror: [here](https://example.org/m)",
        encoding="utf-8",
    )
    err = StringIO()
    with pytest.raises(CommandError, match="not imported"):
        call_command("import_readme", str(path), "--strict", "--replace", stdout=StringIO(), stderr=err)
    assert f"{path}:4: not recognised as an entry, kept as text" in err.getvalue()
