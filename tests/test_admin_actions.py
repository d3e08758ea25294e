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
    messages = run_action(maintainer, "paper", "add_tag", papers, tag="Reading Group")
    assert messages == ["Tag “reading-group” (typed “Reading Group”) added: 3 papers."]
    assert all("reading-group" in paper.tags.names() for paper in papers)
    assert all(history(paper) == ["Added the tag “reading-group”."] for paper in papers)
    assert export() == before

    messages = run_action(maintainer, "paper", "remove_tag", papers[:2], tag="Reading-Group")
    assert messages == ["Tag “reading-group” removed: 2 papers."]
    assert [("reading-group" in paper.tags.names()) for paper in papers] == [False, False, True]
    assert history(papers[0])[-1] == "Removed the tag “reading-group”."


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


def test_resource_tag_and_section_actions(seeded, maintainer, export):
    lens = Resource.objects.get(name="TransformerLens")
    before = export()
    lens_line = before.split("\n")[3]
    assert "[**TransformerLens**](https://github.com/TransformerLensOrg/TransformerLens)" in lens_line

    assert run_action(maintainer, "resource", "add_tag", [lens], tag="favourite") == [
        "Tag “favourite” added: 1 resource."
    ]
    assert "favourite" in lens.tags.names()
    assert history(lens) == ["Added the tag “favourite”."]
    assert export() == before

    assert run_action(maintainer, "resource", "remove_tag", [lens], tag="Favourite") == [
        "Tag “favourite” removed: 1 resource."
    ]
    assert "favourite" not in lens.tags.names()
    assert history(lens)[-1] == "Removed the tag “favourite”."
    assert export() == before

    forums = Section.objects.get(title="Awesome Interpretability Forums")
    assert run_action(maintainer, "resource", "move_to_section", [lens], section=forums.pk) == [
        "Moved to “Awesome Interpretability Forums”: 1 resource."
    ]
    assert resource_names(forums) == ["AI Alignment Forum", "LessWrong", "TransformerLens"]
    assert history(lens)[-1] == "Moved to the section “Awesome Interpretability Forums”."
    after = export().split("\n")
    assert sorted(after) == sorted(before.split("\n"))
    lesswrong = after.index("- [LessWrong](https://www.lesswrong.com/)")
    assert after[lesswrong + 1] == lens_line


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


ACTIONS_NEEDING_CHANGE = [
    ("paper", "add_tag", {"tag": "x"}),
    ("paper", "remove_tag", {"tag": "sae"}),
    ("paper", "move_to_section", {"section": "Survey Papers"}),
    ("paper", "set_venue", {"venue": "ICLR"}),
    ("resource", "add_tag", {"tag": "x"}),
    ("resource", "move_resources_up", {}),
    ("section", "move_sections_down", {}),
]


def choice_pk(field, value):
    model = {"section": Section, "venue": Venue}.get(field)
    if model is None:
        return value
    return model.objects.get(**{"title" if model is Section else "name": value}).pk


@pytest.mark.parametrize(("model", "action", "fields"), ACTIONS_NEEDING_CHANGE)
def test_staff_who_may_only_view_cannot_run_an_action(seeded, client, export, model, action, fields):
    client.force_login(make_user("viewer", permissions=[f"view_{model}"]))
    objects = {"paper": some_papers, "resource": lambda: list(Resource.objects.order_by("pk")[1:3])}.get(
        model, lambda: list(Section.objects.filter(level=1).order_by("position")[:2])
    )()
    before = export(), LogEntry.objects.count(), sorted(Tag.objects.values_list("name", flat=True))
    data = {"action": action, "_selected_action": [obj.pk for obj in objects], "index": "0"}
    data.update({field: choice_pk(field, value) for field, value in fields.items()})
    assert client.post(f"/admin/catalog/{model}/", data).status_code == 403
    assert (export(), LogEntry.objects.count(), sorted(Tag.objects.values_list("name", flat=True))) == before
    changelist = client.get(f"/admin/catalog/{model}/").content.decode()
    assert f'value="{action}"' not in changelist


def test_merging_tags_retags_every_entry_once_and_deletes_the_others(seeded, maintainer):
    both, only_sae_caps = some_papers()[:2]
    resource = Resource.objects.order_by("pk").first()
    both.tags.add("SAE-old", "sae")
    only_sae_caps.tags.add("SAE-old")
    resource.tags.add("sparse-ae")
    sae = Tag.objects.get(name="sae")
    tagged_before = set(Paper.objects.filter(tags=sae).values_list("pk", flat=True))
    merged = Tag.objects.filter(name__in=["SAE-old", "sparse-ae", "sae"]).order_by("name")

    response = maintainer.post(
        "/admin/taggit/tag/",
        {"action": "merge_selected_tags", "_selected_action": [tag.pk for tag in merged], "index": "0", "tag": "SAE"},
        follow=True,
    )
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert messages == ["Merged “SAE-old”, “sparse-ae” into “sae”: 3 entries retagged."]
    assert not Tag.objects.filter(name__in=["SAE-old", "sparse-ae"]).exists()
    assert set(Paper.objects.filter(tags=sae).values_list("pk", flat=True)) == tagged_before | {only_sae_caps.pk}
    assert list(resource.tags.names()).count("sae") == 1
    assert history(only_sae_caps) == ["Tags “SAE-old”, “sparse-ae” merged into “sae”."]
    assert LogEntry.objects.filter(object_repr="SAE-old", action_flag=3).exists()


def test_merging_venues_moves_their_papers_and_only_their_venue_cells_change(seeded, maintainer, export):
    lesswrong = Venue.objects.get(name="LessWrong")
    alias = Venue.objects.create(name="Less Wrong", kind=lesswrong.kind)
    paper = Paper.objects.filter(venue=lesswrong).first()
    paper.venue = alias
    paper.save()
    before = export()
    response = maintainer.post(
        "/admin/catalog/venue/",
        {
            "action": "merge_selected_venues",
            "_selected_action": [alias.pk, lesswrong.pk],
            "index": "0",
            "venue": lesswrong.pk,
        },
        follow=True,
    )
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert messages == ["Merged “Less Wrong” into “LessWrong”: 1 paper moved."]
    assert not Venue.objects.filter(name="Less Wrong").exists()
    paper.refresh_from_db()
    assert paper.venue == lesswrong
    changes = changed_lines(before, export())
    assert len(changes) == 2 and "| Less Wrong |" in changes[0] and "| LessWrong |" in changes[1]
    assert history(paper)[-1] == "Venue “Less Wrong” merged into “LessWrong”."


def test_merging_a_venue_into_itself_alone_changes_nothing(seeded, maintainer):
    iclr = Venue.objects.get(name="ICLR")
    data = {"action": "merge_selected_venues", "_selected_action": [iclr.pk], "index": "0", "venue": iclr.pk}
    response = maintainer.post("/admin/catalog/venue/", data, follow=True)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Select the venues to merge into “ICLR”, besides it."
    ]
    assert Venue.objects.filter(name="ICLR").exists()


def test_merging_needs_delete_permission_on_the_merged_model_and_change_on_papers(seeded, client):
    ids = list(Venue.objects.filter(name__in=["ICLR", "ICML"]).values_list("pk", flat=True))
    data = {"action": "merge_selected_venues", "_selected_action": ids, "index": "0", "venue": ids[0]}
    client.force_login(make_user("editor", permissions=["view_venue", "change_venue", "change_paper"]))
    assert client.post("/admin/catalog/venue/", data).status_code == 403
    client.force_login(make_user("merger", permissions=["view_venue", "delete_venue", "change_paper"]))
    assert client.post("/admin/catalog/venue/", data).status_code == 302
    assert Venue.objects.filter(pk__in=ids).count() == 1
