"""Every admin page answers, filters and searches give the right papers, permissions hold, query counts stay fixed."""

import datetime
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

from catalog.admin.papers import PaperAdmin
from catalog.models import Paper, PaperLink, Resource, Section, Venue, VenueKind
from tests.admin_support import make_user, paper_form_data
from tests.synthetic import add_papers
from tests.topics import having_topic

pytestmark = pytest.mark.django_db

MODEL_URLS = ["/admin/catalog/paper/", "/admin/catalog/resource/", "/admin/catalog/section/", "/admin/catalog/venue/"]
MODEL_URLS_WITH_TAGS = [*MODEL_URLS, "/admin/taggit/tag/"]


@pytest.fixture
def superuser_client(client):
    client.force_login(make_user("maintainer", superuser=True))
    return client


def object_urls():
    """The change and delete pages of one object of each model."""
    objects = {
        "/admin/catalog/paper/": Paper.objects.first(),
        "/admin/catalog/resource/": Resource.objects.first(),
        "/admin/catalog/section/": Section.objects.get(title="Others"),
        "/admin/catalog/venue/": Venue.objects.get(name="ICML"),
        "/admin/taggit/tag/": Tag.objects.get(name="sae"),
    }
    return [f"{base}{obj.pk}/{page}/" for base, obj in objects.items() for page in ("change", "delete", "history")]


def test_every_admin_page_answers_for_a_maintainer(seeded, superuser_client):
    urls = ["/admin/", "/admin/readme/", *MODEL_URLS_WITH_TAGS, *[f"{url}add/" for url in MODEL_URLS_WITH_TAGS]]
    for url in urls + object_urls():
        response = superuser_client.get(url)
        assert response.status_code == 200, url
        assert b"<h1>" in response.content, url


def test_the_admin_index_links_to_the_readme_page(seeded, superuser_client):
    assert 'href="/admin/readme/"' in superuser_client.get("/admin/").content.decode()


def test_anonymous_users_are_sent_to_the_login_page(seeded, client):
    for url in ["/admin/readme/", *MODEL_URLS_WITH_TAGS, *object_urls()]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/?next="), url


def test_staff_without_permissions_get_403_and_change_nothing(seeded, client):
    client.force_login(make_user("intern"))
    for url in [*MODEL_URLS_WITH_TAGS, *[f"{url}add/" for url in MODEL_URLS_WITH_TAGS], *object_urls()]:
        assert client.get(url).status_code == 403, url
    paper = Paper.objects.first()
    response = client.post(f"/admin/catalog/paper/{paper.pk}/change/", {"title": "Hijacked"})
    assert response.status_code == 403
    response = client.post(f"/admin/catalog/paper/{paper.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    response = client.post("/admin/catalog/paper/", {"action": "delete_selected", "_selected_action": [paper.pk]})
    assert response.status_code == 403
    paper.refresh_from_db()
    assert paper.title != "Hijacked"
    assert not LogEntry.objects.exists()


def test_staff_with_view_permission_can_look_but_not_change(seeded, client):
    client.force_login(make_user("reader", permissions=["view_paper"]))
    paper = Paper.objects.first()
    assert client.get("/admin/catalog/paper/").status_code == 200
    assert client.get(f"/admin/catalog/paper/{paper.pk}/change/").status_code == 200
    assert client.get("/admin/catalog/paper/add/").status_code == 403
    response = client.post(f"/admin/catalog/paper/{paper.pk}/change/", {"title": "Hijacked"})
    assert response.status_code == 403
    paper.refresh_from_db()
    assert paper.title != "Hijacked"


def test_deleting_a_paper_from_the_admin(seeded, superuser_client, export):
    paper = Paper.objects.get(title__startswith="Interpretability in the Wild")
    response = superuser_client.post(f"/admin/catalog/paper/{paper.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Paper.objects.filter(pk=paper.pk).exists()
    assert "Interpretability in the Wild" not in export()
    assert LogEntry.objects.get(object_id=str(paper.pk)).is_deletion()


@pytest.mark.parametrize(
    ("url", "get_object"),
    [
        ("/admin/catalog/venue/", lambda: Venue.objects.get(name="ICML")),
        ("/admin/catalog/section/", lambda: Section.objects.get(title="Others")),
        ("/admin/catalog/section/", lambda: Section.objects.get(title="Awesome Interpretability Papers")),
    ],
)
def test_a_venue_or_section_still_in_use_cannot_be_deleted_and_the_page_says_why(
    seeded, superuser_client, export, url, get_object
):
    obj = get_object()
    before = export()
    page = superuser_client.get(f"{url}{obj.pk}/delete/")
    assert page.status_code == 200
    assert "would require deleting the following protected related objects" in page.content.decode()
    assert superuser_client.post(f"{url}{obj.pk}/delete/", {"post": "yes"}).status_code == 200
    bulk = superuser_client.post(url, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})
    assert bulk.status_code == 200 and "protected related objects" in bulk.content.decode()
    assert type(obj).objects.filter(pk=obj.pk).exists()
    assert export() == before
    assert not LogEntry.objects.exists()


def test_deleting_an_empty_section_deletes_its_text_blocks(seeded, superuser_client, export):
    section = Section.objects.get(title="Others")
    Paper.objects.filter(section=section).delete()
    assert section.text_blocks.exists()
    response = superuser_client.post(f"/admin/catalog/section/{section.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Section.objects.filter(pk=section.pk).exists()
    assert "## Others" not in export()


def test_a_tag_name_that_differs_only_in_case_from_another_is_refused(seeded, superuser_client):
    response = superuser_client.post("/admin/taggit/tag/add/", {"name": "SAE", "slug": "sae-upper"})
    assert response.status_code == 200
    assert "There is already a tag “sae”" in response.context["adminform"].form.errors["name"][0]
    assert not Tag.objects.filter(name="SAE").exists()
    sae = Tag.objects.get(name="sae")
    response = superuser_client.post(f"/admin/taggit/tag/{sae.pk}/change/", {"name": "SAE", "slug": "sae"})
    assert response.status_code == 302 and Tag.objects.get(pk=sae.pk).name == "SAE"


def changelist(client, query=""):
    response = client.get("/admin/catalog/paper/" + query)
    assert response.status_code == 200, query
    return response.context["cl"]


def listed(client, query):
    cl = changelist(client, query)
    return set(cl.queryset.values_list("pk", flat=True))


def pks(queryset):
    return set(queryset.values_list("pk", flat=True))


def test_each_paper_filter_lists_exactly_the_matching_papers(seeded, superuser_client):
    section = Section.objects.get(title="SAE, Dictionary Learning and Superposition")
    iclr = Venue.objects.get(name="ICLR")
    with_code = Paper.objects.filter(links__kind=PaperLink.Kind.CODE)
    cases = {
        f"?section__id__exact={section.pk}": Paper.objects.filter(section=section),
        f"?venue__id__exact={iclr.pk}": Paper.objects.filter(venue=iclr),
        "?venue__name=ICLR": Paper.objects.filter(venue=iclr),
        "?venue__kind__exact=workshop": Paper.objects.filter(venue__kind=VenueKind.WORKSHOP),
        "?year=2023": Paper.objects.filter(date__year=2023),
        "?has_code=yes": with_code,
        "?has_code=no": Paper.objects.exclude(pk__in=with_code),
        "?tag=sae": having_topic(Paper.objects.all(), "sae"),
        "?date__year=2024&date__month=5": Paper.objects.filter(date__year=2024, date__month=5),
        "?has_code=yes&year=2024&tag=sae": having_topic(with_code.filter(date__year=2024), "sae"),
    }
    for query, expected in cases.items():
        found = listed(superuser_client, query)
        assert found == pks(expected), query
        assert found, query


def test_the_filter_sidebar_offers_years_tags_and_venue_kinds(seeded, superuser_client):
    content = superuser_client.get("/admin/catalog/paper/").content.decode()
    for link in ["?year=2020", "?year=2024", "?tag=sae", "?venue__kind__exact=workshop", "?has_code=no"]:
        assert f'href="{link}"' in content, link


@pytest.mark.parametrize("year", ["20x4", "99999", "0", "٣"])
def test_a_year_that_is_not_a_real_year_is_refused_without_a_500(seeded, superuser_client, year):
    response = superuser_client.get(f"/admin/catalog/paper/?year={year}")
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_search_covers_title_url_and_code_urls(seeded, superuser_client):
    code_link = PaperLink.objects.filter(kind=PaperLink.Kind.CODE).select_related("paper").first()
    repo = code_link.url.rsplit("/", 1)[-1]
    assert code_link.paper.pk in listed(superuser_client, f"?q={repo}")
    assert listed(superuser_client, "?q=2403.00745") == pks(Paper.objects.filter(url__contains="2403.00745"))
    assert listed(superuser_client, "?q=monosemanticity") == pks(
        Paper.objects.filter(title__icontains="monosemanticity")
    )
    response = superuser_client.get("/admin/catalog/paper/?q=%27%22%3Cscript%3E")
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split('id="searchbar"')[1].split(">")[0]


def test_the_changelist_shows_has_code_and_tags(seeded, superuser_client):
    paper = Paper.objects.filter(links__kind=PaperLink.Kind.CODE, tags__name="sae").first()
    content = superuser_client.get(f"/admin/catalog/paper/?q={paper.url}").content.decode()
    assert 'alt="True"' in content
    assert ", ".join(sorted(paper.tags.names())) in content


def autocomplete(client, field, term):
    query = {"term": term, "app_label": "catalog", "model_name": "paper", "field_name": field}
    response = client.get("/admin/autocomplete/", query)
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def autocomplete_results(client, field, term):
    query = {"term": term, "app_label": "catalog", "model_name": "paper", "field_name": field}
    response = client.get("/admin/autocomplete/", query)
    assert response.status_code == 200
    return {(result["id"], result["text"]) for result in response.json()["results"]}


def test_the_venue_autocomplete_offers_the_venues_whose_name_contains_the_term(seeded, superuser_client):
    assert autocomplete(superuser_client, "venue", "iclr") == ["ICLR", "ICLR Workshop", "ME-FoMo@ICLR"]
    assert autocomplete(superuser_client, "venue", "Workshop") == ["ICLR Workshop"]
    assert autocomplete(superuser_client, "venue", "no such venue") == []
    icml = Venue.objects.get(name="ICML")
    assert (str(icml.pk), "ICML") in autocomplete_results(superuser_client, "venue", "icml")


def test_the_section_autocomplete_of_a_paper_offers_only_sections_of_papers(seeded, superuser_client):
    assert autocomplete(superuser_client, "section", "interpretab") == [
        "Interpretable Analysis of LLMs",
        "Interpretability in Vision LLMs",
        "Benchmarking Interpretability",
        "Enhancing Interpretability",
    ]
    assert autocomplete(superuser_client, "section", "Awesome") == []
    sae = Section.objects.get(title="SAE, Dictionary Learning and Superposition")
    assert autocomplete_results(superuser_client, "section", "sae") == {(str(sae.pk), sae.title)}


def test_the_autocomplete_needs_a_staff_user_who_may_view_papers(seeded, client):
    query = {"term": "iclr", "app_label": "catalog", "model_name": "paper", "field_name": "venue"}
    response = client.get("/admin/autocomplete/", query)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    client.force_login(make_user("intern"))
    assert client.get("/admin/autocomplete/", query).status_code == 403


def tag_search(client, term):
    response = client.get("/admin/taggit/tag/", {"q": term})
    assert response.status_code == 200
    return [tag.name for tag in response.context["cl"].result_list]


def test_the_tag_changelist_search_finds_tags_by_part_of_their_name(seeded, superuser_client):
    assert tag_search(superuser_client, "ste") == ["steering"]
    assert tag_search(superuser_client, "SAE") == ["sae"]
    assert tag_search(superuser_client, "ing") == [
        "in-context-learning",
        "model-editing",
        "patching",
        "probing",
        "reasoning",
        "steering",
        "training-dynamics",
    ]
    assert tag_search(superuser_client, "no-such-tag") == []


HISTORY_ROW = re.compile(r'<tr>\s*<th scope="row">(.*?)</th>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*</tr>', re.S)


def history_rows(client, url):
    """The (date/time, user, action) rows of an object's history page; the action without its field values."""
    response = client.get(f"{url}history/")
    assert response.status_code == 200
    return [
        (when, user, action.split("\n")[0]) for when, user, action in HISTORY_ROW.findall(response.content.decode())
    ]


def venue_changelist_data(client, **kinds):
    """What the venue changelist posts when its Save button is pressed, with the kinds of `kinds` changed."""
    formset = client.get("/admin/catalog/venue/").context["cl"].formset
    data = {f"form-{key}": value for key, value in formset.management_form.initial.items()}
    for form in formset.forms:
        data[f"{form.prefix}-id"] = form.instance.pk
        data[f"{form.prefix}-kind"] = kinds.get(form.instance.name, form.instance.kind)
    data["_save"] = "Save"
    return data


def venue_kinds():
    return dict(Venue.objects.values_list("name", "kind"))


def test_the_venue_kind_edited_in_the_changelist_is_saved_and_in_the_history(seeded, superuser_client, export):
    before, kinds = export(), venue_kinds()
    assert kinds["Distill"] == "journal"
    data = venue_changelist_data(superuser_client, Distill="blog")
    assert data["form-TOTAL_FORMS"] == 24

    response = superuser_client.post("/admin/catalog/venue/", data, follow=True)

    assert response.redirect_chain == [("/admin/catalog/venue/", 302)]
    assert [str(message) for message in response.context["messages"]] == ["1 venue was changed successfully."]
    assert venue_kinds() == {**kinds, "Distill": "blog"}
    distill = Venue.objects.get(name="Distill")
    entry = LogEntry.objects.get()
    assert (entry.object_id, entry.user.username, entry.get_change_message()) == (
        str(distill.pk),
        "maintainer",
        "Changed Kind.",
    )
    rows = history_rows(superuser_client, f"/admin/catalog/venue/{distill.pk}/")
    assert [(user, action) for _, user, action in rows] == [("maintainer", "Changed Kind.")]
    history = superuser_client.get(f"/admin/catalog/venue/{distill.pk}/history/").content.decode()
    assert '<tr><th scope="row">Kind</th><td>Journal</td><td>Blog or forum</td></tr>' in history
    assert export() == before


def test_staff_who_may_only_view_venues_cannot_change_a_kind_in_the_changelist(seeded, superuser_client, client):
    data = venue_changelist_data(superuser_client, Distill="blog")
    kinds = venue_kinds()
    client.force_login(make_user("reader", permissions=["view_venue"]))

    assert client.post("/admin/catalog/venue/", data).status_code == 403
    assert venue_kinds() == kinds
    assert not LogEntry.objects.exists()


def test_the_history_of_a_paper_shows_who_changed_it_and_when(seeded, superuser_client):
    paper = Paper.objects.get(title__startswith="Interpretability in the Wild")
    data = paper_form_data(paper, title="Interpretability in the Wild, revised")
    started = timezone.now()
    assert superuser_client.post(f"/admin/catalog/paper/{paper.pk}/change/", data).status_code == 302
    entry = LogEntry.objects.get(object_id=str(paper.pk))
    assert started <= entry.action_time <= timezone.now()
    LogEntry.objects.filter(pk=entry.pk).update(action_time=datetime.datetime(2024, 7, 1, 14, 5, tzinfo=datetime.UTC))

    rows = history_rows(superuser_client, f"/admin/catalog/paper/{paper.pk}/")

    assert rows == [("July 1, 2024, 2:05 p.m.", "maintainer", "Changed Title.")]


def test_venue_section_and_tag_lists_count_their_entries(seeded, superuser_client):
    venues = superuser_client.get("/admin/catalog/venue/?o=-3").context["cl"].result_list
    assert venues[0].paper_count == Paper.objects.filter(venue=venues[0]).count() == max(v.paper_count for v in venues)
    sections = superuser_client.get("/admin/catalog/section/").context["cl"].result_list
    for section in sections:
        assert section.paper_count == section.papers.count()
        assert section.resource_count == section.resources.count()
    response = superuser_client.get("/admin/taggit/tag/?q=sae")
    sae = next(tag for tag in response.context["cl"].result_list if tag.name == "sae")
    assert sae.paper_count == having_topic(Paper.objects.all(), "sae").count() > Paper.objects.filter(tags=sae).count()
    assert f'aria-label="{sae.paper_count} papers tagged sae"' in superuser_client.get("/tags/").content.decode()
    assert sae.tagged_paper_count == Paper.objects.filter(tags=sae).count() > 0
    assert sae.resource_count == having_topic(Resource.objects.all(), "sae").count()
    assert sae.tagged_resource_count == Resource.objects.filter(tags=sae).count()
    headers = response.content.decode()
    for label in ("Papers with the topic", "Papers tagged", "Resources with the topic", "Resources tagged"):
        assert f">{label}</a>" in headers


def test_the_tag_list_sorts_by_papers_with_the_topic(seeded, superuser_client):
    tags = superuser_client.get("/admin/taggit/tag/?o=-3").context["cl"].result_list
    counts = [tag.paper_count for tag in tags]
    assert counts == sorted(counts, reverse=True)
    library = Tag.objects.get(slug="library")
    listed = superuser_client.get("/admin/taggit/tag/?q=library").context["cl"].result_list
    assert next(tag for tag in listed if tag.pk == library.pk).resource_count == (
        having_topic(Resource.objects.all(), "library").count()
    )


# Session and user; the choices of the section, venue and year filters, and of the tag filter (two: the tagged
# papers, then those of the sections implying a topic); two counts; the page of papers and their tags; the date
# hierarchy's range and years; the section and venue choices of the action form; the last check run of each kind.
PAPER_CHANGELIST_QUERIES = 16


@pytest.mark.parametrize("per_page", [20, 200])
def test_the_paper_changelist_runs_a_fixed_number_of_queries(
    seeded, superuser_client, monkeypatch, django_assert_num_queries, per_page
):
    monkeypatch.setattr(PaperAdmin, "list_per_page", per_page)
    for added in (0, 400):
        add_papers(added)
        with django_assert_num_queries(PAPER_CHANGELIST_QUERIES):
            cl = changelist(superuser_client)
        assert len(cl.result_list) == min(per_page, Paper.objects.count())


def result_pks(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return set(response.context["cl"].queryset.values_list("pk", flat=True))


def test_resource_section_venue_and_tag_filters_and_search(seeded, superuser_client):
    tools = Section.objects.get(title="Awesome Interpretability Tools")
    library = Tag.objects.get(name="library")
    cases = {
        f"/admin/catalog/resource/?section__id__exact={tools.pk}": Resource.objects.filter(section=tools),
        "/admin/catalog/resource/?tag=library": having_topic(Resource.objects.all(), library.slug),
        "/admin/catalog/resource/?q=transformerlens": Resource.objects.filter(
            Q(name__icontains="transformerlens")
            | Q(url__icontains="transformerlens")
            | Q(description__icontains="transformerlens")
            | Q(links__url__icontains="transformerlens")
        ),
        "/admin/catalog/section/?kind__exact=resources": Section.objects.filter(kind="resources"),
        "/admin/catalog/section/?level__exact=2": Section.objects.filter(level=2),
        "/admin/catalog/section/?q=SAE": Section.objects.filter(title__icontains="SAE"),
        "/admin/catalog/venue/?kind__exact=workshop": Venue.objects.filter(kind=VenueKind.WORKSHOP),
        "/admin/catalog/venue/?q=nlp": Venue.objects.filter(name__icontains="nlp"),
        "/admin/taggit/tag/?q=ste": Tag.objects.filter(name__icontains="ste"),
    }
    for url, expected in cases.items():
        found = result_pks(superuser_client, url)
        assert found == pks(expected), url
        assert found, url


def test_adding_a_venue_a_section_and_a_resource(seeded, superuser_client, export):
    response = superuser_client.post("/admin/catalog/venue/add/", {"name": "COLM", "kind": "conference"})
    assert response.status_code == 302 and Venue.objects.filter(name="COLM").exists()
    response = superuser_client.post("/admin/catalog/venue/add/", {"name": "colm", "kind": "conference"})
    assert response.status_code == 200 and Venue.objects.filter(name__iexact="colm").count() == 1

    parent = Section.objects.get(title="Other Awesome Interpretability Resources")
    section_data = {
        "title": "Datasets",
        "slug": "",
        "level": "2",
        "parent": parent.pk,
        "position": "",
        "kind": "resources",
        "blank_lines_after_heading": "1",
        "blank_lines_after": "1",
        "text_blocks-TOTAL_FORMS": "0",
        "text_blocks-INITIAL_FORMS": "0",
    }
    assert superuser_client.post("/admin/catalog/section/add/", section_data).status_code == 302
    datasets = Section.objects.get(title="Datasets")
    resource_data = {
        "name": "A Dataset",
        "url": "https://example.org/dataset",
        "description": "Activations to study.",
        "section": datasets.pk,
        "star_repo": "owner/dataset",
        "tags": "dataset",
        "position": "",
        "links-TOTAL_FORMS": "0",
        "links-INITIAL_FORMS": "0",
    }
    assert superuser_client.post("/admin/catalog/resource/add/", resource_data).status_code == 302
    text = export()
    assert text.index("## Datasets") < text.index("[**A Dataset**](https://example.org/dataset): Activations to study.")

    resource_data.update(name="Bad repo", star_repo="owner/name/extra")
    response = superuser_client.post("/admin/catalog/resource/add/", resource_data)
    assert "Enter a GitHub repository as owner/name" in response.content.decode()
    assert not Resource.objects.filter(name="Bad repo").exists()


@pytest.mark.parametrize(
    ("url", "model"),
    [("/admin/catalog/resource/", Resource), ("/admin/catalog/section/", Section), ("/admin/taggit/tag/", Tag)],
)
def test_other_changelists_run_a_fixed_number_of_queries(seeded, superuser_client, url, model):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert superuser_client.get(url).status_code == 200
        return len(queries)

    before = count_queries()
    section = Section.objects.get(title="Awesome Interpretability Tools")
    for number in range(30):
        resource = Resource.objects.create(name=f"Tool {number}", url=f"https://example.org/{number}", section=section)
        resource.tags.add(f"tag-{number}", "tool")
        Section.objects.create(title=f"Extra section {number}", level=1, kind="text")
    assert count_queries() == before
