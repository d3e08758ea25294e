"""Edits made through the ORM show in the exported README as exactly the lines they should."""

import datetime
import difflib
from io import StringIO

import pytest
from django.core.management import call_command

from catalog.models import Paper, PaperLink, Resource, ResourceLink, Section, Venue

pytestmark = pytest.mark.django_db


def changed_lines(before: str, after: str) -> tuple[list[str], list[tuple[int, str]]]:
    """Lines removed from `before` and (index, line) pairs added in `after`."""
    matcher = difflib.SequenceMatcher(a=before.split("\n"), b=after.split("\n"), autojunk=False)
    removed, added = [], []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            removed += matcher.a[i1:i2]
            added += [(j, matcher.b[j]) for j in range(j1, j2)]
    return removed, added


def paper(title_start: str) -> Paper:
    return Paper.objects.get(title__startswith=title_start)


def assert_one_line_changed(before: str, after: str, *, old: str, new: str) -> str:
    removed, added = changed_lines(before, after)
    assert len(removed) == 1 and len(added) == 1, (removed, added)
    assert old in removed[0]
    assert new in added[0][1]
    return added[0][1]


def edit_venue(p):
    p.venue = Venue.objects.create(name="NeurIPS Workshop")
    return "| ICLR |", "| NeurIPS Workshop |"


def edit_title(p):
    p.title = "Interpretability in the Wild, revised"
    return "Interpretability in the Wild: a Circuit", "[**Interpretability in the Wild, revised**]"


def edit_date(p):
    p.date = datetime.date(2023, 2, 1)
    return "| 2023-01-20 |", "| 2023-02-01 |"


def edit_url(p):
    p.url = "https://arxiv.org/abs/2211.00593"
    return "(https://arxiv.org/pdf/2211.00593)", "(https://arxiv.org/abs/2211.00593)"


def edit_star_repo(p):
    p.star_repo = "redwoodresearch/ioi"
    return "stars/redwoodresearch/Easy-Transformer)", "stars/redwoodresearch/ioi)"


def edit_no_venue(p):
    p.venue = None
    return "| ICLR |", "| - | 2023-01-20 |"


@pytest.mark.parametrize("edit", [edit_venue, edit_title, edit_date, edit_url, edit_star_repo, edit_no_venue])
def test_a_paper_field_edit_changes_exactly_its_line(seeded, export, edit):
    before = export()
    ioi = paper("Interpretability in the Wild")
    old, new = edit(ioi)
    ioi.save()
    assert_one_line_changed(before, export(), old=old, new=new)


def test_link_edits_change_exactly_the_row(seeded, export):
    before = export()
    ioi = paper("Interpretability in the Wild")
    ioi.links.filter(kind=PaperLink.Kind.CODE).update(label="Code")
    PaperLink.objects.create(
        paper=ioi, kind=PaperLink.Kind.BLOG, position=0, label="Blog", url="https://example.org/ioi"
    )
    PaperLink.objects.create(paper=ioi, kind=PaperLink.Kind.BLOG, position=1, label="Demo", url="https://example.org/d")
    line = assert_one_line_changed(
        before, export(), old="[Github](https://github.com/redwoodresearch/Easy-Transformer)", new="[Code]("
    )
    assert line.endswith("| [Blog](https://example.org/ioi), [Demo](https://example.org/d) |")


def test_resource_edits_change_exactly_its_line(seeded, export):
    before = export()
    lens = Resource.objects.get(name="TransformerLens")
    lens.description = "A library for mechanistic interpretability."
    lens.save()
    lens.links.filter(label="Demo").delete()
    line = assert_one_line_changed(before, export(), old="[**TransformerLens**]", new="A library for mechanistic")
    assert "Main_Demo" not in line and line.endswith("[1.2]_Intro_to_Mech_Interp))")


def test_removing_a_resource_description_and_badge(seeded, export):
    before = export()
    debugger = Resource.objects.get(name="Transformer Debugger")
    debugger.description = ""
    debugger.star_repo = ""
    debugger.save()
    line = assert_one_line_changed(before, export(), old="investigate specific", new="Transformer Debugger")
    assert line == "- [Transformer Debugger](https://github.com/openai/transformer-debugger) "


@pytest.mark.parametrize(
    "model,lookup,line",
    [
        (
            Paper,
            {"title__startswith": "Iteration Head"},
            "| [**Iteration Head: A Mechanistic Study of Chain-of-Thought**](https://arxiv.org/pdf/2406.02128v1) <br>"
            "| arXiv | 2024-06-05 | - | - |",
        ),
        (Resource, {"name": "LessWrong"}, "- [LessWrong](https://www.lesswrong.com/)"),
    ],
)
def test_deleting_an_entry_removes_exactly_its_line(seeded, export, model, lookup, line):
    before = export()
    model.objects.get(**lookup).delete()
    removed, added = changed_lines(before, export())
    assert not added and removed == [line]


def test_new_paper_lands_at_its_date_place(seeded, export):
    before = export()
    section = Section.objects.get(title="Interpretable Analysis of LLMs")
    Paper.objects.create(
        section=section,
        title="A Brand New Probe Study",
        url="https://arxiv.org/abs/2406.99999",
        venue=Venue.objects.get(name="arXiv"),
        date=datetime.date(2024, 6, 20),
    )
    after = export()
    removed, added = changed_lines(before, after)
    assert not removed and len(added) == 1
    index, line = added[0]
    lines = after.split("\n")
    assert line == (
        "| [**A Brand New Probe Study**](https://arxiv.org/abs/2406.99999) <br>| arXiv | 2024-06-20 | - | - |"
    )
    assert "| 2024-06-23 |" in lines[index - 1] and "| 2024-06-18 |" in lines[index + 1]


def test_new_paper_with_an_existing_date_goes_above_those_papers(seeded, export):
    section = Section.objects.get(title="Interpretable Analysis of LLMs")
    before = export()
    Paper.objects.create(
        section=section, title="Same Day", url="https://example.org/same", date=datetime.date(2024, 1, 16)
    )
    after = export()
    ((index, _),) = changed_lines(before, after)[1]
    assert "The mechanistic basis of data dependence" in after.split("\n")[index + 1]


def test_new_paper_older_than_every_paper_goes_last(seeded, export):
    section = Section.objects.get(title="Others")
    Paper.objects.create(
        section=section, title="Ancient", url="https://example.org/old", date=datetime.date(1999, 1, 1)
    )
    lines = export().split("\n")
    index = lines.index("## Others")
    assert lines[index + 6].startswith("| [**Ancient**]") and "Episodic Memory" in lines[index + 5]


def test_papers_inserted_between_adjacent_positions_keep_document_order(seeded, export):
    section = Section.objects.get(title="Others")
    for day in range(1, 30):
        Paper.objects.create(
            section=section, title=f"Day {day}", url=f"https://example.org/{day}", date=datetime.date(2024, 2, 2)
        )
    lines = export().split("\n")
    start = lines.index("## Others") + 4
    titles = [line.split("**")[1] for line in lines[start : start + 31]]
    assert titles[:29] == [f"Day {day}" for day in range(29, 0, -1)]
    assert titles[29].startswith("An introduction to graphical tensor notation")


def test_new_section_gets_a_table_head_and_goes_last_under_its_parent(seeded, export):
    papers = Section.objects.get(title="Awesome Interpretability Papers")
    section = Section.objects.create(title="Attention Analysis", level=2, parent=papers)
    Paper.objects.create(
        section=section, title="Heads", url="https://example.org/heads", date=datetime.date(2024, 5, 1)
    )
    lines = export().split("\n")
    index = lines.index("## Attention Analysis")
    assert lines[index + 1 : index + 6] == [
        "",
        "|  Title  |   Venue  |   Date   |   Code   |   Blog   |",
        "|:--------|:--------:|:--------:|:--------:|:--------:|",
        "| [**Heads**](https://example.org/heads) <br>| - | 2024-05-01 | - | - |",
        "",
    ]
    assert lines[index + 6] == "# Other Awesome Interpretability Resources"
    assert lines[index - 3].startswith("| ![GitHub Repo stars](https://img.shields.io/github/stars/arjunkaruvally")


def test_a_section_added_at_the_end_keeps_the_file_ending(seeded, export):
    before = export()
    section = Section.objects.create(title="Datasets", level=1, kind="resources")
    Resource.objects.create(section=section, name="Tracr", url="https://example.org/tracr")
    after = export()
    assert after == before + "\n\n# Datasets\n\n- [**Tracr**](https://example.org/tracr)"


def test_new_resource_goes_after_the_last_resource_of_its_section(seeded, export):
    section = Section.objects.get(title="Awesome Interpretability Forums")
    before = export()
    forum = Resource.objects.create(section=section, name="Interp Discord", url="https://example.org/discord")
    ResourceLink.objects.create(resource=forum, label="Invite", url="https://example.org/invite")
    after = export()
    ((index, line),) = changed_lines(before, after)[1]
    assert line == "- [**Interp Discord**](https://example.org/discord) ([Invite](https://example.org/invite))"
    assert after.split("\n")[index - 1] == "- [LessWrong](https://www.lesswrong.com/)"


MARKDOWN_TITLE = "Pipes | and *stars* and [brackets] and back\\slash"


def test_markdown_characters_are_escaped_and_round_trip(seeded, export, tmp_path):
    ioi = paper("Interpretability in the Wild")
    ioi.title = MARKDOWN_TITLE
    ioi.venue = Venue.objects.create(name="Odd|Venue*")
    ioi.save()
    ioi.links.update(label="Git[hub]")
    forum = Resource.objects.get(name="LessWrong")
    forum.name = "Less|Wrong *forum*"
    forum.description = "A [community] blog \\ forum"
    forum.save()
    text = export()
    assert "[**Pipes \\| and \\*stars\\* and \\[brackets\\] and back\\\\slash**]" in text
    assert "| Odd\\|Venue\\* |" in text
    assert "- [Less|Wrong \\*forum\\*](https://www.lesswrong.com/): A \\[community\\] blog \\\\ forum" in text
    readme = tmp_path / "README.md"
    readme.write_text(text, encoding="utf-8")
    call_command("import_readme", str(readme), "--replace", stdout=StringIO(), stderr=StringIO())
    assert paper("Pipes").title == MARKDOWN_TITLE
    assert paper("Pipes").venue.name == "Odd|Venue*"
    assert [link.label for link in paper("Pipes").code_links] == ["Git[hub]"]
    assert Resource.objects.get(name="Less|Wrong *forum*").description == "A [community] blog \\ forum"
    assert export() == text


def test_tags_never_change_the_readme(seeded, export, seed_text):
    ioi = paper("Interpretability in the Wild")
    ioi.tags.add("my-new-tag", "circuits")
    Resource.objects.get(name="TransformerLens").tags.clear()
    assert export() == seed_text


def test_many_new_sections_keep_their_order_under_their_parent(seeded, export):
    papers = Section.objects.get(title="Awesome Interpretability Papers")
    for number in range(1, 15):
        Section.objects.create(title=f"Topic {number}", level=2, parent=papers)
    headings = [line for line in export().split("\n") if line.startswith("#")]
    index = headings.index("## Others")
    assert headings[index + 1 : index + 16] == [f"## Topic {n}" for n in range(1, 15)] + [
        "# Other Awesome Interpretability Resources"
    ]
