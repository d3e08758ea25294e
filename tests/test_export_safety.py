"""Hostile titles, descriptions and link labels survive the README: export, re-import, the same values."""

import datetime
import re
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.admin.forms import CatalogTagField
from catalog.models import Paper, PaperLink, Resource, ResourceLink, Section
from catalog.readme import text_problem
from catalog.services.readme_export import export_readme

SMALL_README = """# Papers

|  Title  |   Venue  |   Date   |   Code   |   Blog   |
|:--------|:--------:|:--------:|:--------:|:--------:|
| [**A paper**](https://arxiv.org/abs/2401.00001) <br>| arXiv | 2024-01-02 | [Github](https://github.com/a/b) | - |

# Tools

- [**A tool**](https://example.org/tool): Does things. ([Doc](https://example.org/doc))
"""
HOSTILE = "|*_`[]()\\<>&;#!:-=+@ \"'"
hostile_text = (
    st.lists(
        st.one_of(
            st.sampled_from(HOSTILE),
            st.sampled_from(["<script>", "</script>", "javascript:", "&amp;", "**", "__", "](", "<br>"]),
            st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
        ),
        min_size=1,
        max_size=20,
    )
    .map("".join)
    .filter(lambda text: text_problem(text) is None)
)


@pytest.fixture
def small_catalog(db, tmp_path):
    path = tmp_path / "small.md"
    path.write_text(SMALL_README, encoding="utf-8")
    call_command("import_readme", str(path), stdout=StringIO(), stderr=StringIO())
    return path


def reimport(path, text: str) -> None:
    path.write_bytes(text.encode("utf-8"))
    call_command("import_readme", str(path), "--replace", stdout=StringIO(), stderr=StringIO())


def entry_values() -> dict:
    paper, resource = Paper.objects.get(), Resource.objects.get()
    return {
        "title": paper.title,
        "code label": PaperLink.objects.get(paper=paper).label,
        "name": resource.name,
        "description": resource.description,
        "doc label": ResourceLink.objects.get(resource=resource).label,
    }


def save_valid(instance) -> None:
    instance.full_clean()
    instance.save()


@pytest.mark.django_db
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=hostile_text, label=hostile_text, name=hostile_text, description=hostile_text)
def test_hostile_values_round_trip_through_the_readme(small_catalog, title, label, name, description):
    paper, resource = Paper.objects.get(), Resource.objects.get()
    paper.title = title
    save_valid(paper)
    code = PaperLink.objects.get(paper=paper)
    code.label = label
    save_valid(code)
    resource.name, resource.description = name, description
    save_valid(resource)
    doc = ResourceLink.objects.get(resource=resource)
    doc.label = label
    save_valid(doc)
    values = entry_values()

    first = export_readme()
    table_row = next(line for line in first.split("\n") if line.startswith("| [") or line.startswith("|["))
    assert count_unescaped_pipes(table_row) == 6
    reimport(small_catalog, first)

    assert entry_values() == values
    assert export_readme() == first


def count_unescaped_pipes(line: str) -> int:
    count, index = 0, 0
    while index < len(line):
        if line[index] == "\\":
            index += 2
            continue
        count += line[index] == "|"
        index += 1
    return count


def test_script_tags_are_escaped_in_the_readme(small_catalog):
    paper = Paper.objects.get()
    paper.title = '<script>alert("x")</script> `code` _em_'
    save_valid(paper)
    exported = export_readme()
    assert not re.search(r"(?<!\\)[<`]", exported.replace("<br>", ""))
    assert '\\<script>alert("x")\\</script> \\`code\\` \\_em\\_' in exported


@pytest.mark.parametrize(
    "model, field, value",
    [
        (Paper, "title", "Two\nlines"),
        (Paper, "title", "A bell\x07 in the title"),
        (Paper, "url", "javascript:alert(1)"),
        (PaperLink, "url", "JavaScript:alert(1)"),
        (PaperLink, "label", "Code\r\nmore"),
        (Resource, "description", "first\nsecond"),
        (Resource, "url", "data:text/html,<script>alert(1)</script>"),
        (ResourceLink, "url", "vbscript:msgbox(1)"),
    ],
)
def test_values_the_readme_cannot_hold_are_refused(small_catalog, model, field, value):
    instance = model.objects.first()
    setattr(instance, field, value)
    with pytest.raises(ValidationError) as error:
        instance.full_clean()
    assert field in error.value.message_dict


def test_an_import_refuses_a_javascript_link(db, tmp_path):
    path = tmp_path / "evil.md"
    path.write_text(SMALL_README.replace("https://github.com/a/b", "javascript:alert(1)"), encoding="utf-8")
    call_command("import_readme", str(path), stdout=StringIO(), stderr=StringIO())
    assert not PaperLink.objects.filter(url__startswith="javascript").exists()
    assert Section.objects.get(title="Papers").text_blocks.filter(text__contains="javascript:alert(1)").exists()


def test_a_new_paper_with_hostile_title_exports_and_reimports(small_catalog):
    section = Section.objects.get(title="Papers")
    title = "A | B * C _ D ` E [ F ] ( G ) <script>"
    save_valid(Paper(section=section, title=title, url="https://example.org/x", date=datetime.date(2024, 2, 1)))
    first = export_readme()
    reimport(small_catalog, first)
    assert Paper.objects.filter(title=title).count() == 1
    assert export_readme() == first


def test_a_tag_name_with_a_control_character_is_refused(db):
    field = CatalogTagField()
    assert sorted(field.clean("sae, circuits")) == ["circuits", "sae"]
    with pytest.raises(ValidationError) as error:
        field.clean("sae, bell\x07")
    assert "control characters" in " ".join(error.value.messages)
