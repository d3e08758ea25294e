"""Entries as real lists write them: markup and escapes of their own in titles and descriptions, irregular
separators, badges under other names, links listed without commas, tables padded by a formatter with empty or
dashed cells for absent values, the venue before bracketed links. The samples (tests/readme_samples/markup.md,
aligned_tables.md, bracketed.md) are written from these descriptions."""

import datetime
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog.readme import Link, PaperRow, RenderError, ResourceItem, parse, render, render_list_item
from catalog.readme.lint import lint
from catalog.readme.rows import PLACEHOLDERS, read_paper_row, render_paper_row, table_columns, table_widths
from tests.test_readme_shapes import entry, sample, words


def test_titles_and_descriptions_keep_their_own_markup_and_read_as_plain_values():
    document = parse(sample("markup.md"))
    headscope = entry(document, "headscope")
    assert headscope.description == "Prints `attn.pattern` for each head; try `--top-k 5`."
    assert entry(document, "lens.ai").description == "Hosted lenses, see the *quick start* and the **API** pages."
    assert entry(document, "Circuit Notebooks [Lab Edition]").url == "https://example.org/circuits-lab"
    assert entry(document, "patchbay").hints["separator"] == "] - "
    tracebook = entry(document, "tracebook")
    assert (tracebook.hints["separator"], tracebook.description) == (" ", "A notebook of traces, with no separator.")
    probe_kit = entry(document, "probe-kit")
    assert probe_kit.description == "[its docs](https://example.org/probe-kit/docs) - Two links in one item."
    headmap = entry(document, "headmap")
    assert (headmap.star_repo, headmap.hints["badge_alt"], headmap.hints["badge_query"]) == (
        "example-org/headmap",
        "Stars",
        "?style=social",
    )
    assert headmap.links == [
        Link("Doc", "https://example.org/headmap/doc"),
        Link("Demo", "https://example.org/headmap/demo"),
    ]


@pytest.mark.parametrize(
    ("name", "field", "value", "written"),
    [
        (
            "headscope",
            "description",
            "Prints *every* head.",
            "- [headscope](https://github.com/example-org/headscope) - Prints \\*every\\* head.",
        ),
        (
            "lens.ai",
            "name",
            "lens.ai v2",
            "- [lens\\.ai v2](https://example.org/lens-ai) - Hosted lenses, see the *quick start* and the **API** "
            "pages.",
        ),
    ],
)
def test_markup_written_by_hand_stays_until_the_value_is_edited(name, field, value, written):
    document = parse(sample("markup.md"))
    item = entry(document, name)
    line = sample("markup.md").split("\n")[item.line - 1]
    assert render_list_item(item) == line
    assert render_list_item(replace(item, **{field: value})) == written


def test_a_description_that_would_read_as_part_of_its_separator_cannot_be_written():
    item = entry(parse(sample("markup.md")), "tracebook")
    with pytest.raises(RenderError, match="separator"):
        render_list_item(replace(item, description="- a list of traces"))


def test_tables_padded_to_their_columns_read_empty_and_dashed_cells_as_absent_values():
    document = parse(sample("aligned_tables.md"))
    survey = entry(document, "A Survey of Circuit Discovery in Language Models")
    assert (survey.venue, survey.code_links, survey.date) == (None, [], datetime.date(2024, 1, 1))
    assert (survey.hints["empty"], survey.hints["fit"]) == ("", True)
    path = entry(document, "Path Patching")
    assert (path.venue, path.hints["kept_cells"], path.hints["empty"]) == ("arXiv", ["PP"], "")
    tools = entry(document, "Sparse Dictionary Tools")
    assert (tools.venue, tools.hints["empty"], tools.hints["link_separator"]) == (None, "—", " ")
    assert [link.label for link in tools.code_links] == ["GitHub", "Mirror"]
    # The row of empty cells closing a table is no entry and no warning.
    assert document.problems == []


def test_an_edited_row_of_a_padded_table_is_padded_to_its_columns():
    text = sample("aligned_tables.md")
    lines = text.split("\n")
    head = lines[lines.index("## Methods") + 2 : lines.index("## Methods") + 4]
    columns, widths = table_columns(head), table_widths(tuple(head))
    row = entry(parse(text), "Attribution Patching")
    edited = render_paper_row(replace(row, title="AtP", venue="TMLR"), columns, widths)
    assert edited == (
        "| [AtP](https://example.org/atp)" + " " * 36 + "| AtP      |  TMLR   | 2024-01-16 |"
        "   [code](https://github.com/example-org/atp) |"
    )
    assert [len(cell) for cell in edited.split("|")[1:-1]] == [width for width, _ in widths]
    assert read_paper_row(edited, columns, widths) == replace(row, title="AtP", venue="TMLR")


def test_bracketed_items_read_the_venue_before_their_links_and_text_after_them():
    document = parse(sample("bracketed.md"))
    paged = entry(document, "Paged Attention Revisited")
    assert isinstance(paged, PaperRow)
    assert (paged.venue, paged.date, paged.url) == (
        "SOSP",
        datetime.date(2023, 1, 1),
        "https://arxiv.org/abs/2309.06180",
    )
    assert paged.hints["description"] == "⭐⭐⭐"
    heads = entry(document, "Speculative Heads")
    assert heads.code_links == [Link("code", "https://github.com/example-org/spec-heads")]
    caches = entry(document, "Quantised Caches")
    assert (caches.venue, caches.hints["bracket_gap"]) == ("ICLR", "")
    edited = replace(paged, venue="OSDI", date=datetime.date(2024, 1, 1))
    assert (
        render_list_item(edited)
        == "1. **Paged Attention Revisited** (OSDI 2024) [[paper]](https://arxiv.org/abs/2309.06180) ⭐⭐⭐"
    )


@pytest.mark.parametrize(
    "line",
    [
        "- [Name](https://example.org/n) : Description with a spaced colon.",
        "- [Name](https://example.org/n)- Description after a dash.",
        "* [Name (v2)](https://example.org/n) — See [the docs](https://example.org/d), `pip install name`.",
        "- ![GitHub Repo stars](https://img.shields.io/github/stars/a/b?style=flat) [**B**](https://github.com/a/b): B",
    ],
)
def test_irregular_items_are_entries_that_render_back(line):
    document = parse(line)
    assert [type(node) for node in document.sections[0].body] == [ResourceItem]
    assert render(document) == line


def test_lint_leaves_the_empty_cells_of_tables_that_write_absent_values_so():
    findings = lint(sample("aligned_tables.md"))
    assert not [finding for finding in findings if finding.rule == "missing-placeholder"]
    mixed = sample("paper_tables.md").replace("| C. Author | ATTRIB@NeurIPS |", "| C. Author |  |")
    assert [finding.rule for finding in lint(mixed)].count("missing-placeholder") == 1


def test_a_table_title_written_with_its_own_escapes_is_kept_until_edited():
    columns = table_columns(["| Title | Venue | Date |", "|---|---|---|"])
    line = "| [Scaling x.ai [Lab]](https://example.org/x) | arXiv | 2024-01-02 |"
    row = read_paper_row(line, columns)
    assert (row.title, row.hints["title_source"]) == ("Scaling x.ai [Lab]", "Scaling x.ai [Lab]")
    assert render_paper_row(row, columns) == line
    edited = render_paper_row(replace(row, title="Scaling x.ai"), columns)
    assert edited == "| [Scaling x\\.ai](https://example.org/x) | arXiv | 2024-01-02 |"
    assert read_paper_row(edited, columns).title == "Scaling x.ai"


@given(
    st.permutations(["title", "venue", "year", "code", "notes"]),
    st.lists(st.sampled_from(["left", "right", "center"]), min_size=5, max_size=5),
    st.sampled_from(PLACEHOLDERS),
    words,
    st.booleans(),
)
def test_rows_padded_to_their_columns_with_any_placeholder_round_trip(order, alignments, empty, title, venue):
    columns = tuple(order)
    widths = [120 if column == "title" else 20 for column in columns]
    rule = {
        "left": lambda w: "-" * w,
        "right": lambda w: "-" * (w - 1) + ":",
        "center": lambda w: ":" + "-" * (w - 2) + ":",
    }
    head = [
        "| " + " | ".join(columns) + " |",
        "|" + "|".join(rule[a](w) for a, w in zip(alignments, widths, strict=True)) + "|",
    ]
    assert table_columns(head) == columns
    hints = {"fit": True, "kept_cells": ["a note"]} | ({} if empty == "-" else {"empty": empty})
    row = PaperRow(title, "https://example.org/p", "ICLR" if venue else None, datetime.date(2024, 1, 1), hints=hints)
    line = render_paper_row(row, columns, table_widths(tuple(head)))
    assert [len(cell) for cell in line.split("|")[1:-1]] == widths
    assert read_paper_row(line, columns, table_widths(tuple(head))) == row
