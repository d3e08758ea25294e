"""The public pages with what refresh_metadata stored: sorting by stars, star counts and archived badges."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Paper, Repository, Resource, Section, SectionKind


@pytest.fixture
def starred(db):
    papers = Section.objects.create(title="Papers", level=2, kind=SectionKind.PAPERS)
    tools = Section.objects.create(title="Tools", level=2, kind=SectionKind.RESOURCES)
    day = dt.date(2024, 1, 1)
    for title, repo, offset in [("Few stars", "lab/few", 3), ("No repo", "", 2), ("Many stars", "lab/many", 1)]:
        Paper.objects.create(
            title=title,
            url=f"https://example.org/{offset}",
            date=day - dt.timedelta(days=offset),
            section=papers,
            star_repo=repo,
        )
    Paper.objects.create(
        title="Not refreshed", url="https://example.org/new", date=day, section=papers, star_repo="lab/new"
    )
    Resource.objects.create(name="Small tool", url="https://example.org/small", section=tools, star_repo="lab/few")
    Resource.objects.create(name="Big tool", url="https://example.org/big", section=tools, star_repo="lab/many")
    Repository.objects.create(full_name="lab/few", stars=12)
    Repository.objects.create(full_name="lab/many", stars=45678, archived=True)


def resource_names(response):
    return [resource.name for resource in response.context["object_list"]]


def paper_titles(response):
    """The titles of the paper list's entries, in the order of the page."""
    return [entry["title"] for entry in response.context["object_list"]]


def test_papers_sort_by_stars_with_the_unknown_last(starred, client):
    response = client.get("/papers/", {"sort": "-stars"})

    assert paper_titles(response) == ["Many stars", "Few stars", "Not refreshed", "No repo"]
    assert '<option value="-stars" selected>Most GitHub stars</option>' in response.content.decode()


def test_the_papers_json_follows_the_stars_order(starred, client):
    papers = client.get("/papers.json", {"sort": "-stars"}).json()["papers"]

    assert [paper["title"] for paper in papers][:2] == ["Many stars", "Few stars"]


def test_sorting_by_stars_runs_one_query_more_than_the_default_order(starred, client):
    def queries(params):
        with CaptureQueriesContext(connection) as captured:
            client.get("/papers/", params)
        return len(captured)

    # One more: sorted by stars, a page's ids are chosen first and those papers read by id (PaperEntryPages).
    assert queries({"sort": "-stars"}) == queries({}) + 1


def test_lists_show_star_counts_and_mark_archived_repositories(starred, client):
    html = client.get("/papers/").content.decode()

    assert "45,678" in html and "12</a>" in html
    assert html.count('class="archived"') == 1
    html = client.get("/resources/").content.decode()
    assert "45,678" in html and html.count('class="archived"') == 1


def test_resources_sort_by_stars_in_one_list(starred, client):
    response = client.get("/resources/", {"sort": "-stars"})

    assert resource_names(response) == ["Big tool", "Small tool"]
    assert 'class="resource-group"' not in response.content.decode()
    assert resource_names(client.get("/resources/")) == ["Small tool", "Big tool"]


def test_a_bad_sort_is_left_out_with_a_notice_and_the_list_stays_in_its_order(starred, client):
    response = client.get("/resources/", {"sort": "stars"})

    assert resource_names(response) == resource_names(client.get("/resources/"))
    assert "Select a valid choice" in response.content.decode()


def test_detail_pages_show_the_stars_and_the_archived_badge(starred, client):
    html = client.get(Paper.objects.get(title="Many stars").get_absolute_url()).content.decode()
    assert "45,678 stars · archived" in html and 'class="archived"' in html

    html = client.get(Paper.objects.get(title="Few stars").get_absolute_url()).content.decode()
    own_facts = html.split('id="similar-heading"')[0]  # similar papers may be archived ones
    assert "12 stars" in own_facts and 'class="archived"' not in own_facts

    html = client.get(Resource.objects.get(name="Big tool").get_absolute_url()).content.decode()
    assert "45,678 stars · archived" in html


def test_the_admin_shows_stars_and_filters_by_archived_repository(starred, admin_client):
    changelist = "/admin/catalog/paper/"

    page = admin_client.get(changelist, {"repository": "archived"})
    assert [paper.title for paper in page.context["cl"].result_list] == ["Many stars"]
    assert "45,678 (archived)" in page.content.decode()
    page = admin_client.get(changelist, {"repository": "unknown"})
    assert sorted(paper.title for paper in page.context["cl"].result_list) == ["No repo", "Not refreshed"]
    page = admin_client.get("/admin/catalog/resource/", {"repository": "active"})
    assert [resource.name for resource in page.context["cl"].result_list] == ["Small tool"]
