"""An entry added in the admin looks like its neighbours in the exported README: the section's list marker and
numbering, its headings with the blank lines around them, the padding, placeholders and link separators of its
tables. Every line the file had stays as it was."""

from io import StringIO

import pytest
from django.core.management import call_command

from catalog.models import Section, Venue
from catalog.readme.rows import split_cells, table_widths
from catalog.services.readme_export import export_readme
from tests.admin_support import inline_management, make_user
from tests.test_readme_shapes import SAMPLES, sample

pytestmark = pytest.mark.django_db
NEW_URL = "https://example.org/new"


@pytest.fixture
def maintainer(client):
    client.force_login(make_user("maintainer", superuser=True))
    return client


def imported(name: str) -> list[str]:
    call_command("import_readme", str(SAMPLES / name), stdout=StringIO(), stderr=StringIO())
    return sample(name).split("\n")


def with_lines(before: list[str], anchor: str, lines: list[str]) -> str:
    """The file `before` with `lines` after its line starting with `anchor` (the last such line of its entry: a
    heading entry's summary)."""
    (at,) = [index for index, line in enumerate(before) if line.startswith(anchor)]
    return "\n".join([*before[: at + 1], *lines, *before[at + 1 :]])


def post_added(client, model: str, section: str, data: dict) -> None:
    data = {"section": Section.objects.get(title=section).pk, **inline_management("links"), **data}
    if model == "paper":
        data.update(inline_management("paper_authors"))
    response = client.post(f"/admin/catalog/{model}/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]


def add_resource(client, section: str) -> None:
    post_added(client, "resource", section, {"name": "New Tool", "url": NEW_URL, "description": "Does things."})


def add_paper(client, section: str, date: str, venue: str | None = None, **data) -> None:
    venue_pk = Venue.objects.get_or_create(name=venue)[0].pk if venue else ""
    post_added(
        client, "paper", section, {"title": "A New Paper", "url": NEW_URL, "date": date, "venue": venue_pk, **data}
    )


def test_a_resource_added_to_a_section_of_headings_is_a_heading_with_its_summary(maintainer):
    before = imported("headings.md")
    add_resource(maintainer, "Methods")
    assert export_readme() == with_lines(
        before, "### [Attribution Patching]", ["", "### [New Tool](https://example.org/new)", "", "Does things."]
    )


def test_a_paper_added_to_numbered_headings_takes_the_next_number_and_its_description(maintainer):
    before = imported("headings.md")
    add_paper(maintainer, "Foundations", "2019-06-01", "ICML", readme_description="What the new paper finds.")
    heading = "### 4. [A New Paper](https://example.org/new) (ICML 2019)"
    assert export_readme() == with_lines(
        before, "Features and circuits in vision", ["", heading, "", "What the new paper finds."]
    )


@pytest.mark.parametrize(
    ("name", "section", "line", "after"),
    [
        ("awesome_lint.md", "Courses", "4. [New Tool](https://example.org/new) - Does things.", "3. [Advanced"),
        ("markup.md", "Talks", "1. [New Tool](https://example.org/new) - Does things.", "1. [Reading Attention]"),
        ("awesome_lint.md", "Community", "+ [New Tool](https://example.org/new) - Does things.", "+ [Weekly Digest]"),
    ],
)
def test_an_item_added_to_a_list_takes_its_marker_numbering_and_separator(maintainer, name, section, line, after):
    before = imported(name)
    add_resource(maintainer, section)
    assert export_readme() == with_lines(before, after, [line])


def test_a_paper_added_to_a_list_of_bracketed_items_is_written_like_them(maintainer):
    before = imported("bracketed.md")
    add_paper(maintainer, "Efficient Inference", "2022-05-01", "ICML")
    line = "4. **A New Paper** (ICML 2022) [[paper]](https://example.org/new)"
    assert export_readme() == with_lines(before, "3. **Quantised Caches**", [line])


def test_a_row_added_to_a_table_padded_to_its_columns_is_padded_to_them(maintainer):
    before = imported("aligned_tables.md")
    add_paper(maintainer, "Surveys", "2022-03-01")
    after = export_readme().split("\n")
    row = after[after.index("## Surveys") + 6]
    assert "\n".join(after) == with_lines(before, "| [Features in Superposition]", [row])
    head = before[before.index("## Surveys") + 2 : before.index("## Surveys") + 4]
    cells, _ = split_cells(row)
    assert [len(cell) for cell in cells] == [width for width, _ in table_widths(tuple(head))]
    assert [cell.strip() for cell in cells] == ["[A New Paper](https://example.org/new)", "", "2022", ""]


def test_a_row_added_to_a_table_with_dashes_and_spaced_links_writes_them(maintainer):
    before = imported("aligned_tables.md")
    links = {
        "links-TOTAL_FORMS": "2",
        **{f"links-0-{key}": value for key, value in {"kind": "code", "position": "0", "label": "GitHub"}.items()},
        "links-0-url": "https://github.com/example-org/new",
        **{f"links-1-{key}": value for key, value in {"kind": "code", "position": "1", "label": "Mirror"}.items()},
        "links-1-url": "https://example.org/new-mirror",
    }
    add_paper(maintainer, "Tools and Posts", "2024-01-05", **links)
    row = (
        "| [A New Paper](https://example.org/new) | — | 2024-01-05 | "
        "[GitHub](https://github.com/example-org/new) [Mirror](https://example.org/new-mirror) | — |"
    )
    assert export_readme() == with_lines(before, "| [Feature Browser]", [row])


def test_a_published_file_with_added_entries_syncs_back_unchanged(maintainer, tmp_path):
    imported("headings.md")
    add_resource(maintainer, "Methods")
    add_paper(maintainer, "Foundations", "2019-06-01", "ICML", readme_description="What the new paper finds.")
    published = tmp_path / "README.md"
    published.write_text(export_readme(), encoding="utf-8")
    out = StringIO()
    call_command("import_readme", str(published), "--sync", stdout=out, stderr=StringIO())
    assert export_readme() == published.read_text(encoding="utf-8")
    assert "Entries: 0 added, " in out.getvalue() and ", 0 removed;" in out.getvalue()


def renumbered(lines: list[str], starts: dict[str, str]) -> list[str]:
    """`lines` with each line starting with a key of `starts` starting with its value instead."""
    return [next((starts[key] + line[len(key) :] for key in starts if line.startswith(key)), line) for line in lines]


def test_a_paper_added_into_a_numbered_list_takes_the_next_number_and_the_entries_after_it_move_on(maintainer):
    before = imported("venue_qualifiers.md")
    add_paper(maintainer, "Steering", "2024-06-01", "ICML")
    after = renumbered(before, {"2. [Ref": "3. [Ref", "3. [Con": "4. [Con", "4. [Steer": "5. [Steer"})
    line = "2. [A New Paper](https://example.org/new) (ICML 2024)"
    assert export_readme() == with_lines(after, "1. [Steering with", [line])


def test_a_paper_added_between_numbered_headings_takes_the_next_number_and_the_heading_after_it_moves_on(maintainer):
    before = imported("headings.md")
    add_paper(maintainer, "Foundations", "2021-03-01", "ICML")
    after = renumbered(before, {"### 3. [Zoom In": "### 4. [Zoom In"})
    heading = "### 3. [A New Paper](https://example.org/new) (ICML 2021)"
    assert export_readme() == with_lines(after, "Attention heads as independent", ["", heading])


@pytest.mark.parametrize(
    ("section", "after", "line"),
    [
        ("Training", "  - Works with any", "- [New Tool](https://example.org/new) - Does things."),
        ("Analysis", "    Needs no GPU.", "- [New Tool](https://example.org/new) - Does things."),
    ],
)
def test_an_item_added_after_an_item_with_indented_lines_comes_after_them(maintainer, section, after, line):
    before = imported("continuations.md")
    add_resource(maintainer, section)
    assert export_readme() == with_lines(before, after, [line])


def test_a_paper_added_by_its_date_goes_after_the_sub_items_of_the_item_above_it(maintainer):
    before = imported("continuations.md")
    add_paper(maintainer, "Papers", "2023-09-15", "ICML")
    line = "- [A New Paper](https://example.org/new) (ICML, 2023-09-15)"
    assert export_readme() == with_lines(before, "  - [A Replication]", [line])
