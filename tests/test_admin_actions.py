"""Bulk actions of the changelists: tags, sections, venues, order; each change logged in the object's history."""

import difflib

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from taggit.models import Tag

from catalog.models import Paper, Resource, Section, Venue
from tests.admin_support import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def maintainer(client):
    client.force_login(make_user("maintainer", superuser=True))
    return client


def run_action(client, model, action, objects, **fields):
    data = {"action": action, "_selected_action": [obj.pk for obj in objects], "index": "0", **fields}
    response = client.post(f"/admin/catalog/{model}/", data, follow=True)
    assert response.status_code == 200
    return [str(message) for message in get_messages(response.wsgi_request)]


def history(obj):
    return [entry.change_message for entry in LogEntry.objects.filter(object_id=str(obj.pk)).order_by("pk")]


def changed_lines(before, after):
    return [line for line in difflib.ndiff(before.split("\n"), after.split("\n")) if line.startswith(("+ ", "- "))]


def some_papers():
    return list(Paper.objects.filter(section__title="Survey Papers").order_by("pk")[:3])


def test_add_and_remove_a_tag_on_papers(seeded, maintainer, export):
    papers = some_papers()
    before = export()
    messages = run_action(maintainer, "paper", "add_tag", papers, tag="Reading-Group")
    assert messages == ["Tag “Reading-Group” added: 3 papers."]
    assert all("Reading-Group" in paper.tags.names() for paper in papers)
    assert all(history(paper) == ["Added the tag “Reading-Group”."] for paper in papers)
    assert export() == before

    messages = run_action(maintainer, "paper", "remove_tag", papers[:2], tag="reading-group")
    assert messages == ["Tag “Reading-Group” removed: 2 papers."]
    assert [("Reading-Group" in paper.tags.names()) for paper in papers] == [False, False, True]
    assert history(papers[0])[-1] == "Removed the tag “Reading-Group”."


def test_adding_a_tag_twice_changes_nothing_the_second_time(seeded, maintainer):
    papers = some_papers()
    run_action(maintainer, "paper", "add_tag", papers, tag="again")
    messages = run_action(maintainer, "paper", "add_tag", papers, tag="AGAIN")
    assert messages == ["Tag “again” added: 0 papers."]
    assert all(len(history(paper)) == 1 for paper in papers)


def test_a_tag_action_without_a_tag_says_what_is_missing(seeded, maintainer):
    papers = some_papers()
    assert run_action(maintainer, "paper", "add_tag", papers, tag="  ") == [
        "Choose a tag next to the action, then run it again."
    ]
    messages = run_action(maintainer, "paper", "remove_tag", papers, tag="no-such-tag")
    assert messages == ["There is no tag “no-such-tag”."]
    assert not LogEntry.objects.exists()


def test_a_tag_action_with_a_tag_without_letters_changes_nothing(seeded, maintainer):
    messages = run_action(maintainer, "paper", "add_tag", some_papers(), tag="!!!")
    assert messages == ["Tag: The tag “!!!” needs at least one letter or digit."]
    assert not Tag.objects.filter(name="!!!").exists()
    assert not LogEntry.objects.exists()


def test_move_papers_to_a_section_places_them_by_date(seeded, maintainer, export):
    papers = some_papers()
    target = Section.objects.get(title="Position Papers")
    before = export()
    messages = run_action(maintainer, "paper", "move_to_section", papers, section=target.pk)
    assert messages == ["Moved to “Position Papers”: 3 papers."]
    assert {paper.section_id for paper in Paper.objects.filter(pk__in=[p.pk for p in papers])} == {target.pk}
    after = export()
    assert sorted(before.split("\n")) == sorted(after.split("\n"))
    position_papers = after.split("Position Papers", 1)[1].split("\n#", 1)[0]
    assert all(f"[**{paper.title}**]" in position_papers for paper in papers)
    dates = [paper.date for paper in Paper.objects.filter(section=target).order_by("position")]
    assert dates == sorted(dates, reverse=True)
    assert history(papers[0]) == ["Moved to the section “Position Papers”."]


def test_papers_cannot_be_moved_to_a_section_of_resources(seeded, maintainer):
    tools = Section.objects.get(title="Awesome Interpretability Tools")
    messages = run_action(maintainer, "paper", "move_to_section", some_papers(), section=tools.pk)
    assert messages[0].startswith("Section: Select a valid choice.")
    assert not LogEntry.objects.exists()


def test_set_venue_changes_only_the_venue_cell(seeded, maintainer, export):
    papers = [paper for paper in some_papers() if paper.venue and paper.venue.name != "ICML"]
    icml = Venue.objects.get(name="ICML")
    before = export()
    messages = run_action(maintainer, "paper", "set_venue", papers, venue=icml.pk)
    assert messages == [f"Venue set to “ICML”: {len(papers)} papers."]
    changes = changed_lines(before, export())
    added = [line for line in changes if line.startswith("+ ")]
    assert len(added) == len(papers) and all("| ICML |" in line for line in added)
    assert history(papers[0]) == ["Set the venue to “ICML”."]


def test_set_venue_without_a_venue_changes_nothing(seeded, maintainer):
    messages = run_action(maintainer, "paper", "set_venue", some_papers(), venue="")
    assert messages == ["Choose a venue next to the action, then run it again."]


def resource_names(section):
    return list(Resource.objects.filter(section=section).order_by("position").values_list("name", flat=True))


def test_resources_move_up_and_down_and_the_export_follows(seeded, maintainer, export):
    section = Section.objects.get(title="Awesome Interpretability Tools")
    names = resource_names(section)
    second, third = Resource.objects.filter(section=section).order_by("position")[1:3]
    messages = run_action(maintainer, "resource", "move_resources_up", [third])
    assert messages == ["Moved up: 1 resource."]
    assert resource_names(section) == [names[0], names[2], names[1], *names[3:]]
    text = export()
    assert text.index(f"[{names[2]}]") < text.index(f"[{names[1]}]")
    assert history(third) == ["Moved up."]

    run_action(maintainer, "resource", "move_resources_down", [third])
    assert resource_names(section) == names


def test_moving_the_first_resource_up_changes_nothing(seeded, maintainer):
    section = Section.objects.get(title="Awesome Interpretability Tools")
    first = Resource.objects.filter(section=section).order_by("position").first()
    names = resource_names(section)
    assert run_action(maintainer, "resource", "move_resources_up", [first]) == ["Moved up: 0 resources."]
    assert resource_names(section) == names


def test_resource_tag_and_section_actions(seeded, maintainer):
    resource = Resource.objects.order_by("pk").first()
    run_action(maintainer, "resource", "add_tag", [resource], tag="favourite")
    assert "favourite" in resource.tags.names()
    target = Section.objects.filter(kind="resources").exclude(pk=resource.section_id).first()
    run_action(maintainer, "resource", "move_to_section", [resource], section=target.pk)
    assert resource_names(target)[-1] == resource.name


def headings(text):
    return [line for line in text.split("\n") if line.startswith("#")]


def test_a_section_moves_with_its_subsections_and_the_export_follows(seeded, maintainer, export):
    before = headings(export())
    parent = Section.objects.filter(children__isnull=False).order_by("position").first()
    children = list(parent.children.order_by("position"))
    assert len(children) >= 2
    messages = run_action(maintainer, "section", "move_sections_up", [children[1]])
    assert messages == ["Moved up: 1 section."]
    after = headings(export())
    first, second = (before.index(f"{'#' * c.level} {c.title}") for c in children[:2])
    expected = list(before)
    expected[first], expected[second] = expected[second], expected[first]
    assert after == expected
    assert history(children[1]) == ["Moved up."]


def test_moving_a_top_section_down_carries_its_subsections(seeded, maintainer, export):
    top = [s for s in Section.objects.filter(parent=None, level=1).order_by("position")]
    with_children = next(s for s in top[:-1] if s.children.exists())
    before = export()
    run_action(maintainer, "section", "move_sections_down", [with_children])
    after = export()
    assert sorted(before.split("\n")) == sorted(after.split("\n"))
    subsection = with_children.children.order_by("position").first()
    following = top[top.index(with_children) + 1]
    assert after.index(f"# {following.title}\n") < after.index(f"# {with_children.title}\n")
    assert after.index(f"# {with_children.title}\n") < after.index(f"# {subsection.title}\n")


def test_moving_papers_with_blog_links_to_a_table_without_a_blog_column_moves_nothing(seeded, maintainer, export):
    with_blog = Paper.objects.filter(links__kind="blog").first()
    without_blog = Paper.objects.exclude(links__kind="blog").exclude(section__title="Survey Papers").first()
    survey = Section.objects.get(title="Survey Papers")
    before = export()
    messages = run_action(maintainer, "paper", "move_to_section", [without_blog, with_blog], section=survey.pk)
    assert len(messages) == 1 and messages[0].startswith("Nothing was moved:")
    assert "its table has no Blog column" in messages[0]
    assert export() == before
    assert not LogEntry.objects.exists()
