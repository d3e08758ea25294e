"""Editing papers and resources in the admin: clear errors for bad input, duplicates, positions, history."""

import difflib
import re

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from taggit.models import Tag

from catalog.models import Paper, PaperLink, Resource, Section, SectionKind, Venue
from history.models import FieldChange
from tests.admin_support import inline_management, make_user, paper_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def maintainer(client):
    user = make_user("maintainer", superuser=True)
    client.force_login(user)
    client.user = user
    return client


def new_paper_data(**changes):
    data = {
        "title": "A New Paper",
        "url": "https://example.org/new-paper",
        "venue": Venue.objects.get(name="arXiv").pk,
        "date": "2024-06-06",
        "section": Section.objects.get(title="Interpretable Analysis of LLMs").pk,
        "star_repo": "",
        "tags": "",
        "position": "",
        **inline_management("links"),
        **inline_management("paper_authors"),
    }
    data.update(changes)
    return data


def field_errors(response, field):
    assert response.status_code == 200
    return response.context["adminform"].form.errors.get(field, [])


def row_date(line):
    return re.search(r"\| (\d{4}-\d{2}-\d{2}) \|", line)[1]


def changed_lines(before, after):
    return [line for line in difflib.ndiff(before.split("\n"), after.split("\n")) if line.startswith(("+ ", "- "))]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date", "2024-02-30", "Enter a valid date."),
        ("date", "yesterday", "Enter a valid date."),
        ("url", "javascript:alert(1)", "Enter a valid URL."),
        ("url", "ftp://example.org/paper.pdf", "The URL must start with http:// or https://."),
        ("star_repo", "not a repo", "Enter a GitHub repository as owner/name"),
        ("star_repo", "https://github.com/owner/name", "Enter a GitHub repository as owner/name"),
        ("title", "Two\nlines", "This text"),
    ],
)
def test_bad_values_are_field_errors_and_nothing_is_saved(seeded, maintainer, field, value, message):
    count = Paper.objects.count()
    response = maintainer.post("/admin/catalog/paper/add/", new_paper_data(**{field: value}))
    errors = field_errors(response, field)
    assert any(message in error for error in errors), errors
    assert message in response.content.decode()
    assert Paper.objects.count() == count


def test_a_paper_cannot_go_into_a_section_of_resources(seeded, maintainer):
    tools = Section.objects.get(title="Awesome Interpretability Tools")
    response = maintainer.post("/admin/catalog/paper/add/", new_paper_data(section=tools.pk))
    assert "is not a section of papers" in field_errors(response, "section")[0]


@pytest.mark.parametrize(
    "url",
    [
        "https://arxiv.org/abs/2403.00745",
        "https://arxiv.org/pdf/2403.00745v2",
        "http://www.arxiv.org/abs/2403.00745v1/",
    ],
)
def test_a_duplicate_paper_is_refused_with_a_link_to_the_existing_entry(seeded, maintainer, url):
    existing = Paper.objects.get(url="https://arxiv.org/pdf/2403.00745")
    response = maintainer.post("/admin/catalog/paper/add/", new_paper_data(url=url))
    errors = field_errors(response, "url")
    assert len(errors) == 1 and "already listed" in errors[0]
    assert f'href="/admin/catalog/paper/{existing.pk}/change/"' in response.content.decode()
    assert not Paper.objects.filter(title="A New Paper").exists()


def test_a_duplicate_openreview_paper_is_refused(seeded, maintainer):
    existing = Paper.objects.filter(url__contains="openreview.net/pdf?id=").first()
    forum = existing.url.split("id=")[1]
    response = maintainer.post(
        "/admin/catalog/paper/add/", new_paper_data(url=f"https://openreview.net/forum?id={forum}")
    )
    assert "already listed" in field_errors(response, "url")[0]


def test_the_duplicate_message_escapes_the_existing_title(seeded, maintainer):
    existing = Paper.objects.get(url="https://arxiv.org/pdf/2403.00745")
    Paper.objects.filter(pk=existing.pk).update(title="<b>Bold</b> & risky")
    response = maintainer.post("/admin/catalog/paper/add/", new_paper_data(url=existing.url))
    content = response.content.decode()
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; risky" in content
    assert "<b>Bold</b>" not in content


def test_a_url_with_a_port_out_of_range_is_saved_and_checked_without_error(seeded, maintainer):
    for url in ("https://example.org:99999/a", "https://example.org:99999/a/"):
        response = maintainer.post("/admin/catalog/paper/add/", new_paper_data(url=url))
        assert response.status_code in (200, 302)
    assert Paper.objects.filter(url__startswith="https://example.org:99999/").count() == 1
    assert "already listed" in field_errors(response, "url")[0]


def test_save_anyway_adds_an_intentional_duplicate(seeded, maintainer):
    data = new_paper_data(url="https://arxiv.org/abs/2403.00745", save_duplicate="on")
    response = maintainer.post("/admin/catalog/paper/add/", data)
    assert response.status_code == 302
    assert Paper.objects.filter(url__contains="2403.00745").count() == 2


def test_editing_any_seed_paper_never_trips_the_duplicate_check(seeded, maintainer):
    for paper in Paper.objects.prefetch_related("links", "tags"):
        data = paper_form_data(paper, title=paper.title + " (revised)")
        response = maintainer.post(f"/admin/catalog/paper/{paper.pk}/change/", data)
        assert response.status_code == 302, (paper.title, response.context["adminform"].form.errors)


def test_changing_a_url_to_another_papers_identity_is_refused(seeded, maintainer):
    first, second = Paper.objects.filter(url__contains="arxiv.org/pdf/")[:2]
    data = paper_form_data(first, url=second.url.replace("/pdf/", "/abs/") + "v3")
    response = maintainer.post(f"/admin/catalog/paper/{first.pk}/change/", data)
    assert "already listed" in field_errors(response, "url")[0]


def test_a_new_date_moves_the_paper_to_its_date_place(seeded, maintainer, export):
    paper = Paper.objects.get(title__startswith="Interpretability in the Wild")
    before = export()
    response = maintainer.post(f"/admin/catalog/paper/{paper.pk}/change/", paper_form_data(paper, date="2024-06-20"))
    assert response.status_code == 302
    after = export()
    changes = changed_lines(before, after)
    assert sorted(line[0] for line in changes) == ["+", "-"]
    lines = after.split("\n")
    index = next(i for i, line in enumerate(lines) if "Interpretability in the Wild" in line)
    assert row_date(lines[index - 1]) >= "2024-06-20" == row_date(lines[index]) >= row_date(lines[index + 1])


def test_a_pinned_paper_keeps_its_place_when_its_date_changes(seeded, maintainer, export):
    paper = Paper.objects.get(title__startswith="Interpretability in the Wild")
    before = export().split("\n")
    index = next(i for i, line in enumerate(before) if "Interpretability in the Wild" in line)
    data = paper_form_data(paper, date="2024-06-20", position_pinned="on")
    assert maintainer.post(f"/admin/catalog/paper/{paper.pk}/change/", data).status_code == 302
    after = export().split("\n")
    assert "| 2024-06-20 |" in after[index]
    assert Paper.objects.get(pk=paper.pk).position == paper.position


def test_a_position_typed_by_hand_is_kept(seeded, maintainer):
    paper = Paper.objects.get(title__startswith="Interpretability in the Wild")
    data = paper_form_data(paper, date="2024-06-20", position=paper.position + 1)
    assert maintainer.post(f"/admin/catalog/paper/{paper.pk}/change/", data).status_code == 302
    assert Paper.objects.get(pk=paper.pk).position == paper.position + 1


def test_a_change_is_in_the_history_with_who_and_what(seeded, maintainer):
    paper = Paper.objects.get(title__startswith="Interpretability in the Wild")
    venue = Venue.objects.get(name="ICML")
    data = paper_form_data(paper, venue=venue.pk)
    assert maintainer.post(f"/admin/catalog/paper/{paper.pk}/change/", data).status_code == 302
    entry = LogEntry.objects.get(object_id=str(paper.pk))
    assert (entry.user, entry.action_flag) == (maintainer.user, CHANGE)
    assert "Venue" in entry.get_change_message()
    history = maintainer.get(f"/admin/catalog/paper/{paper.pk}/history/").content.decode()
    assert "maintainer" in history and "Changed Venue." in history


def section_bullets(text, heading):
    """The list items under `heading` in the exported README, up to the next heading."""
    lines = text.split("\n")
    start = lines.index(heading) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("#")), len(lines))
    return [line for line in lines[start:end] if line.startswith("- ")]


def test_a_resource_moved_to_another_section_goes_last_there(seeded, maintainer, export):
    resource = Resource.objects.get(name="TransformerLens")
    target = Section.objects.get(title="Other Awesome Interpretability Resources")
    before = export()
    lens_line = section_bullets(before, "# Awesome Interpretability Libraries")[0]
    assert "[**TransformerLens**](https://github.com/TransformerLensOrg/TransformerLens)" in lens_line
    data = {
        "name": resource.name,
        "url": resource.url,
        "description": resource.description,
        "section": target.pk,
        "star_repo": resource.star_repo,
        "tags": "",
        "position": resource.position,
    }
    links = list(resource.links.all())
    data.update(inline_management("links", total=len(links), initial=len(links)))
    for index, link in enumerate(links):
        for name in ("id", "position", "label", "url"):
            data[f"links-{index}-{name}"] = getattr(link, name)
        data[f"links-{index}-resource"] = resource.pk
    assert maintainer.post(f"/admin/catalog/resource/{resource.pk}/change/", data).status_code == 302
    last = Resource.objects.filter(section=target).order_by("position").last()
    assert last.pk == resource.pk
    after = export()
    bullets = section_bullets(after, "# Other Awesome Interpretability Resources")
    assert len(bullets) == 4
    assert "[**awesome papers for understanding LLM mechanism**]" in bullets[2]
    assert bullets[3] == lens_line
    assert lens_line not in section_bullets(after, "# Awesome Interpretability Libraries")
    assert sorted(after.split("\n")) == sorted(before.split("\n"))


def test_a_paper_moved_to_another_section_in_the_form_goes_to_its_date_place_there(seeded, maintainer, export):
    paper = Paper.objects.get(title__startswith="Interpretability in the Wild")
    target = Section.objects.get(title="SAE, Dictionary Learning and Superposition")
    data = paper_form_data(paper, section=target.pk, position_pinned="on")
    assert maintainer.post(f"/admin/catalog/paper/{paper.pk}/change/", data).status_code == 302
    order = list(Paper.objects.filter(section=target).order_by("position"))
    index = [other.pk for other in order].index(paper.pk)
    first_older = next(other for other in order if other.pk != paper.pk and other.date <= paper.date)
    assert order[index + 1] == first_older
    sae = export().split("SAE, Dictionary Learning and Superposition", 1)[1].split("\n#", 1)[0]
    assert "Interpretability in the Wild" in sae


def with_new_link(data, kind, url, *, position=None):
    """`data` of a paper form with one more link in its inline."""
    index = int(data["links-TOTAL_FORMS"])
    data = {**data, "links-TOTAL_FORMS": str(index + 1)}
    data.update({f"links-{index}-kind": kind, f"links-{index}-label": kind.title(), f"links-{index}-url": url})
    data[f"links-{index}-position"] = "0" if position is None else str(position)
    return data


def non_field_errors(response):
    assert response.status_code == 200
    return list(response.context["adminform"].form.non_field_errors())


def test_a_blog_link_in_a_table_without_a_blog_column_is_refused_and_nothing_is_saved(seeded, maintainer, export):
    paper = Paper.objects.filter(section__title="Survey Papers").first()
    before = export()
    data = with_new_link(paper_form_data(paper, title="Renamed"), "blog", "https://example.org/blog")
    response = maintainer.post(f"/admin/catalog/paper/{paper.pk}/change/", data)
    errors = non_field_errors(response)
    assert len(errors) == 1 and "its table has no Blog column" in errors[0]
    assert "https://example.org/blog" in response.content.decode()
    assert not paper.links.filter(kind="blog").exists()
    assert Paper.objects.get(pk=paper.pk).title == paper.title
    assert export() == before
    assert not LogEntry.objects.exists()


def test_a_new_paper_with_a_blog_link_in_a_table_without_a_blog_column_is_refused(seeded, maintainer):
    data = new_paper_data(section=Section.objects.get(title="Position Papers").pk)
    data = with_new_link(data, "blog", "https://example.org/blog")
    response = maintainer.post("/admin/catalog/paper/add/", data)
    assert "its table has no Blog column" in non_field_errors(response)[0]
    assert not Paper.objects.filter(title="A New Paper").exists()
    data["links-0-kind"] = "code"
    assert maintainer.post("/admin/catalog/paper/add/", data).status_code == 302


def test_a_paper_with_blog_links_cannot_move_by_its_form_to_a_table_without_a_blog_column(seeded, maintainer, export):
    paper = Paper.objects.filter(links__kind="blog").first()
    before = export()
    survey = Section.objects.get(title="Survey Papers")
    response = maintainer.post(f"/admin/catalog/paper/{paper.pk}/change/", paper_form_data(paper, section=survey.pk))
    assert "its table has no Blog column" in non_field_errors(response)[0]
    assert Paper.objects.get(pk=paper.pk).section_id == paper.section_id
    assert export() == before


def test_a_table_head_cannot_lose_its_blog_column_while_papers_have_blog_links(seeded, maintainer, export):
    section = Section.objects.get(title="Interpretable Analysis of LLMs")
    head = section.text_blocks.get(text__startswith="|  Title")
    before = export()
    data = {
        "title": section.title,
        "slug": section.slug,
        "level": section.level,
        "parent": section.parent_id,
        "position": section.position,
        "kind": section.kind,
        "blank_lines_after_heading": section.blank_lines_after_heading,
        "blank_lines_after": section.blank_lines_after,
        **inline_management("text_blocks", total=1, initial=1),
        "text_blocks-0-id": head.pk,
        "text_blocks-0-section": section.pk,
        "text_blocks-0-position": head.position,
        "text_blocks-0-text": "| Title | Venue | Date | Code |\n|:--|:--:|:--:|:--:|",
    }
    response = maintainer.post(f"/admin/catalog/section/{section.pk}/change/", data)
    assert "its table has no Blog column" in non_field_errors(response)[0]
    assert export() == before
    data.update({"title": "Analysis of LLMs", "text_blocks-0-text": head.text})
    assert maintainer.post(f"/admin/catalog/section/{section.pk}/change/", data).status_code == 302
    assert Section.objects.get(pk=section.pk).title == "Analysis of LLMs"


@pytest.mark.parametrize(
    ("tags", "message"),
    [("ok, " + "x" * 101, "is longer than 100 characters"), ("ok, !!!", "“!!!” needs at least one letter or digit")],
)
def test_a_tag_too_long_or_without_letters_is_a_field_error(seeded, maintainer, tags, message):
    paper = Paper.objects.filter(section__title="Survey Papers").first()
    response = maintainer.post(f"/admin/catalog/paper/{paper.pk}/change/", paper_form_data(paper, tags=tags))
    assert any(message in error for error in field_errors(response, "tags")), field_errors(response, "tags")
    assert not Tag.objects.filter(name="ok").exists()


def test_tags_with_quotes_commas_and_other_case_reuse_existing_tags(seeded, maintainer):
    paper = Paper.objects.filter(section__title="Survey Papers").exclude(tags__name="sae").first()
    tag_count = Tag.objects.count()
    data = paper_form_data(paper, tags='SAE, Sae, "steering, vectors"')
    response = maintainer.post(f"/admin/catalog/paper/{paper.pk}/change/", data, follow=True)
    assert sorted(paper.tags.names()) == ["sae", "steering-vectors"]
    assert "Tag “steering, vectors” saved as “steering-vectors”" in response.content.decode()
    assert Tag.objects.count() == tag_count + 1


def code_cell(export_text, title):
    row = next(line for line in export_text.split("\n") if f"**{title}**" in line)
    return row.split("|")[4].strip()


def test_code_links_are_reordered_deleted_and_added_at_the_end_in_the_form(seeded, maintainer, export):
    first = PaperLink.objects.filter(kind="code", paper__section__title="Others").first()
    paper = first.paper
    second = paper.links.create(kind="code", position=1, label="Mirror", url="https://example.org/mirror")
    data = paper_form_data(paper)
    index = {value: key.split("-")[1] for key, value in data.items() if key.endswith("-id")}
    data[f"links-{index[first.pk]}-position"], data[f"links-{index[second.pk]}-position"] = 1, 0
    data = with_new_link(data, "code", "https://example.org/added")
    assert maintainer.post(f"/admin/catalog/paper/{paper.pk}/change/", data).status_code == 302
    expected = [second.url, first.url, "https://example.org/added"]
    assert re.findall(r"\]\((\S+?)\)", code_cell(export(), paper.title)) == expected

    data = paper_form_data(Paper.objects.get(pk=paper.pk))
    data[next(key.replace("-id", "-DELETE") for key, value in data.items() if value == first.pk)] = "on"
    assert maintainer.post(f"/admin/catalog/paper/{paper.pk}/change/", data).status_code == 302
    assert first.url not in code_cell(export(), paper.title)


def section_form_data(section, **changes):
    data = {
        "title": section.title,
        "slug": section.slug,
        "level": section.level,
        "parent": section.parent_id or "",
        "position": "",
        "kind": section.kind,
        "implied_topics": [tag.pk for tag in section.implied_topics.all()],
        "blank_lines_after_heading": section.blank_lines_after_heading,
        "blank_lines_after": section.blank_lines_after,
        **inline_management("text_blocks"),
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("parent_title", "message"),
    [
        ("Awesome Interpretability Papers", "cannot be inside itself or one of its subsections"),
        ("Survey Papers", "cannot be inside itself or one of its subsections"),
        ("Awesome Interpretability Tools", "a section inside it needs a higher level"),
    ],
)
def test_a_section_parent_must_be_above_it(seeded, maintainer, export, parent_title, message):
    section = Section.objects.get(title="Awesome Interpretability Papers")
    before = export()
    data = section_form_data(section, parent=Section.objects.get(title=parent_title).pk)
    response = maintainer.post(f"/admin/catalog/section/{section.pk}/change/", data)
    assert any(message in error for error in field_errors(response, "parent")), field_errors(response, "parent")
    assert export() == before


def test_a_section_that_lists_entries_keeps_its_kind(seeded, maintainer, export):
    section = Section.objects.get(title="Survey Papers")
    before = export()
    response = maintainer.post(f"/admin/catalog/section/{section.pk}/change/", section_form_data(section, kind="text"))
    assert field_errors(response, "kind") == [
        "“Survey Papers” still lists 5 papers: move them to another section before changing its kind."
    ]
    assert Section.objects.get(pk=section.pk).kind == "papers" and export() == before

    empty = Section.objects.create(title="Datasets", level=2, kind="resources")
    response = maintainer.post(f"/admin/catalog/section/{empty.pk}/change/", section_form_data(empty, kind="papers"))
    assert response.status_code == 302
    assert Section.objects.get(pk=empty.pk).kind == "papers"


def test_a_page_linked_in_another_form_of_its_url_is_a_duplicate(seeded, maintainer):
    existing = Paper.objects.get(url="https://transformer-circuits.pub/2023/monosemantic-features/index.html")
    variant = "http://www.Transformer-Circuits.pub/2023/monosemantic-features/index.html/?utm_source=feed#top"
    response = maintainer.post("/admin/catalog/paper/add/", new_paper_data(url=variant))
    assert "already listed" in field_errors(response, "url")[0]
    assert f'href="/admin/catalog/paper/{existing.pk}/change/"' in response.content.decode()


def test_a_section_given_a_new_parent_goes_last_under_it_in_the_readme(seeded, maintainer, export):
    survey = Section.objects.get(title="Survey Papers")
    tools = Section.objects.get(title="Awesome Interpretability Tools")
    response = maintainer.post(
        f"/admin/catalog/section/{survey.pk}/change/",
        section_form_data(survey, parent=tools.pk, position=survey.position),
    )
    assert response.status_code == 302
    headings = [line for line in export().split("\n") if line.startswith("#")]
    tools_at = headings.index("# Awesome Interpretability Tools")
    assert headings[tools_at + 1] == "## Survey Papers"
    assert headings.count("## Survey Papers") == 1
    assert set(Paper.objects.filter(section__parent=tools).values_list("section__title", flat=True)) == {
        "Survey Papers"
    }


def test_a_section_with_subsections_keeps_its_parent(seeded, maintainer, export):
    papers = Section.objects.get(title="Awesome Interpretability Papers")
    tools = Section.objects.get(title="Awesome Interpretability Tools")
    before = export()
    data = section_form_data(papers, parent=tools.pk, level=2)
    response = maintainer.post(f"/admin/catalog/section/{papers.pk}/change/", data)
    assert field_errors(response, "parent") == ["This section has subsections: move them to another section first."]
    assert export() == before


def test_a_paper_whose_title_is_listed_is_refused_with_a_link_and_can_be_saved_anyway(seeded, maintainer):
    existing = Paper.objects.get(url="https://arxiv.org/pdf/2403.00745")
    title = f"  {existing.title.upper().replace(' ', '   ')} "
    data = new_paper_data(title=title, url="https://openreview.net/forum?id=another-copy")
    errors = field_errors(maintainer.post("/admin/catalog/paper/add/", data), "title")
    assert len(errors) == 1 and "already listed" in errors[0]
    assert f'href="/admin/catalog/paper/{existing.pk}/change/"' in errors[0]
    assert not Paper.objects.filter(url__contains="another-copy").exists()
    response = maintainer.post("/admin/catalog/paper/add/", {**data, "save_duplicate": "on"})
    assert response.status_code == 302
    assert Paper.objects.filter(url__contains="another-copy").exists()


def test_renaming_a_paper_to_a_listed_title_is_refused(seeded, maintainer):
    first, second = Paper.objects.filter(section__title="Survey Papers").order_by("pk")[:2]
    data = paper_form_data(second, title=first.title.lower())
    errors = field_errors(maintainer.post(f"/admin/catalog/paper/{second.pk}/change/", data), "title")
    assert "already listed" in errors[0]
    assert Paper.objects.get(pk=second.pk).title == second.title


def topic_count(client, slug):
    return client.get(f"/papers.json?tag={slug}").json()["count"]


def test_topics_a_section_implies_are_set_in_its_form_and_given_to_its_papers(seeded, maintainer, client, export):
    others = Section.objects.get(title="Others")
    circuits = Tag.objects.get(slug="circuits")
    before, readme = topic_count(client, "circuits"), export()
    untagged = others.papers.exclude(tags=circuits).count()
    assert untagged

    response = maintainer.post(
        f"/admin/catalog/section/{others.pk}/change/",
        section_form_data(others, position=others.position, implied_topics=[circuits.pk]),
    )

    assert response.status_code == 302
    assert topic_count(client, "circuits") == before + untagged
    assert export() == readme
    entry = LogEntry.objects.get(object_id=str(others.pk), content_type__model="section", action_flag=CHANGE)
    assert [(c.field, c.old, c.new) for c in FieldChange.objects.filter(entry=entry)] == [
        ("Implied topics", "", "circuits")
    ]
    paper = others.papers.first()
    form = maintainer.get(f"/admin/catalog/paper/{paper.pk}/change/").content.decode()
    assert "Topics from its section" in form and "circuits, implied by the section" in form


def test_a_grouping_section_gives_its_topics_to_the_entries_of_its_subsections(seeded, maintainer, export):
    grouping = Section.objects.get(title="Awesome Interpretability Papers")
    research = Tag.objects.create(name="research", slug="research")
    readme = export()

    response = maintainer.post(
        f"/admin/catalog/section/{grouping.pk}/change/",
        section_form_data(grouping, position=grouping.position, implied_topics=[research.pk]),
    )

    assert response.status_code == 302
    below = Paper.objects.filter(section__in=Section.objects.subtree(grouping))
    assert topic_count(maintainer, "research") == below.count() == Paper.objects.count()
    assert export() == readme
    survey = Paper.objects.filter(section__title="Survey Papers").first()
    form = maintainer.get(f"/admin/catalog/paper/{survey.pk}/change/").content.decode()
    assert re.search(
        r"research, implied by the section <a [^>]*>Awesome Interpretability Papers</a>; "
        r"survey, implied by the section <a [^>]*>Survey Papers</a>",
        form,
    )


def test_a_text_section_without_subsections_cannot_imply_topics(seeded, maintainer):
    notes = Section.objects.create(title="Notes", level=1, kind=SectionKind.TEXT)
    sae = Tag.objects.get(slug="sae")
    response = maintainer.post(
        f"/admin/catalog/section/{notes.pk}/change/",
        section_form_data(notes, position=notes.position, implied_topics=[sae.pk]),
    )
    assert "has no subsections" in field_errors(response, "implied_topics")[0]
    assert not notes.implied_topics.exists()
