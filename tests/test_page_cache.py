"""Cached public pages: every kind of catalog change shows on the next request; revalidation answers 304."""

import datetime as dt
import json
import socket
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.management import call_command
from django.core.signals import request_finished
from django.db import connection
from django.http import HttpRequest
from django.test import Client
from django.utils import timezone
from django.utils.http import http_date
from taggit.models import Tag

from catalog import catalog_version
from catalog.models import CatalogState, Paper, Repository, Resource, Venue
from catalog.page_cache import BYPASS, HIT, MISS, STATUS_HEADER
from catalog.services.authors import set_authors
from catalog.services.merging import merge_tags
from tests.admin_support import paper_form_data
from tests.conftest import SEED_README
from tests.synthetic import add_papers

pytestmark = pytest.mark.django_db

NEW_TITLE = "Zebra circuits in very small transformers"


def cached(client, url):
    """The page, after checking that it is served from the cache."""
    body(client.get(url))
    response = client.get(url)
    assert response[STATUS_HEADER] == HIT, url
    return response


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


def survey_paper():
    return Paper.objects.filter(section__title="Survey Papers").order_by("pk").first()


def admin_edit(admin_client, tmp_path):
    paper = survey_paper()
    data = paper_form_data(paper, title=NEW_TITLE)
    assert admin_client.post(f"/admin/catalog/paper/{paper.pk}/change/", data).status_code == 302
    return "/papers/", NEW_TITLE


def orm_save(admin_client, tmp_path):
    paper = survey_paper()
    paper.title = NEW_TITLE
    paper.save()
    return "/papers.json?page_size=200", NEW_TITLE


def orm_update(admin_client, tmp_path):
    Paper.objects.filter(pk=survey_paper().pk).update(title=NEW_TITLE)
    return f"/papers/{survey_paper().pk}/", NEW_TITLE


def orm_delete(admin_client, tmp_path):
    paper = survey_paper()
    title = paper.title
    paper.delete()
    return "/papers.csv", f"NOT {title}"


def tag_added(admin_client, tmp_path):
    survey_paper().tags.add("zebra-circuits")
    return "/tags/", "zebra-circuits"


def tag_renamed(admin_client, tmp_path):
    Tag.objects.filter(slug="sae").update(name="Sparse zebra encoders")
    return "/", "Sparse zebra encoders"


def bulk_admin_action(admin_client, tmp_path):
    papers = Paper.objects.filter(section__title="Survey Papers")
    data = {"action": "add_tag", "_selected_action": [p.pk for p in papers], "index": "0", "tag": "zebra-survey"}
    assert admin_client.post("/admin/catalog/paper/", data).status_code == 302
    return "/papers.csv", "zebra-survey"


def bulk_create(admin_client, tmp_path):
    add_papers(3)
    return "/papers.bib", "Synthetic paper 2"


def readme_import(admin_client, tmp_path):
    path = tmp_path / "README.md"
    path.write_text(SEED_README.read_text(encoding="utf-8").replace(survey_paper().title, NEW_TITLE, 1), "utf-8")
    call_command("import_readme", str(path), "--replace", stdout=StringIO(), stderr=StringIO())
    return "/papers/?q=zebra", NEW_TITLE


def tag_merge(admin_client, tmp_path):
    merge_tags(list(Tag.objects.filter(slug="sae")), into=Tag.objects.create(name="zebra-merged"))
    return "/tags/", "zebra-merged"


def venue_merge(admin_client, tmp_path):
    iclr, arxiv = Venue.objects.get(name="ICLR"), Venue.objects.get(name="arXiv")
    data = {"action": "merge_selected_venues", "_selected_action": [iclr.pk, arxiv.pk], "index": "0"}
    assert admin_client.post("/admin/catalog/venue/", {**data, "venue": arxiv.pk}).status_code == 302
    return "/venues/", "NOT >ICLR</a>"


def resource_moved(admin_client, tmp_path):
    first = Resource.objects.order_by("section__position", "position").first()
    data = {"action": "move_resources_down", "_selected_action": [first.pk], "index": "0"}
    assert admin_client.post("/admin/catalog/resource/", data).status_code == 302
    second = Resource.objects.filter(section=first.section).order_by("position").first()
    return "/resources/", f">{second.name}</a> BEFORE >{first.name}</a>"


CHANGES = [
    admin_edit,
    orm_save,
    orm_update,
    orm_delete,
    tag_added,
    tag_renamed,
    bulk_admin_action,
    bulk_create,
    readme_import,
    tag_merge,
    venue_merge,
    resource_moved,
]


def shows(html: str, expected: str) -> bool:
    if expected.startswith("NOT "):
        return expected[4:] not in html
    if " BEFORE " in expected:
        first, second = expected.split(" BEFORE ")
        return first in html and html.index(first) < html.index(second)
    return expected in html


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
def test_every_kind_of_change_shows_on_the_next_request(seeded, client, admin_client, tmp_path, change):
    urls = ["/", "/papers/", "/papers.json?page_size=200", "/papers/feed/", "/tags/", "/venues/", "/resources/"]
    urls += ["/papers.csv", "/papers.bib", "/papers/?q=zebra", f"/papers/{survey_paper().pk}/"]
    before = {url: body(cached(client, url)) for url in urls}
    url, expected = change(admin_client, tmp_path)
    assert not shows(before[url], expected)
    response = client.get(url)
    assert response[STATUS_HEADER] == MISS
    assert shows(body(response), expected)


def test_a_cached_page_is_the_same_bytes_as_the_rendered_one(seeded, client):
    rendered = client.get("/papers/?venue=ICLR")
    assert rendered[STATUS_HEADER] == MISS
    served = client.get("/papers/?venue=ICLR")
    assert served[STATUS_HEADER] == HIT
    assert served.content == rendered.content and served["Content-Type"] == rendered["Content-Type"]


def test_an_unchanged_page_revalidates_with_304_reading_only_the_version(seeded, client, django_assert_num_queries):
    response = client.get("/papers/")
    etag = response["ETag"]
    with django_assert_num_queries(1):
        revalidated = client.get("/papers/", headers={"If-None-Match": etag})
    assert revalidated.status_code == 304 and revalidated.content == b""
    assert revalidated["ETag"] == etag


def test_a_change_gives_a_new_etag_and_the_old_one_gets_the_new_page(seeded, client):
    old = client.get("/papers.json")["ETag"]
    orm_save(None, None)
    response = client.get("/papers.json?page_size=200", headers={"If-None-Match": old})
    assert response.status_code == 200 and response["ETag"] != old
    assert NEW_TITLE in body(response)


def test_if_modified_since_answers_304_until_the_catalog_changes(seeded, client):
    CatalogState.objects.update(changed_at=timezone.now() - dt.timedelta(minutes=5))
    response = client.get("/papers/feed/")
    last_modified = response["Last-Modified"]
    assert client.get("/papers/feed/", headers={"If-Modified-Since": last_modified}).status_code == 304
    orm_save(None, None)
    CatalogState.objects.update(changed_at=timezone.now() - dt.timedelta(minutes=1))
    response = client.get("/papers/feed/", headers={"If-Modified-Since": last_modified})
    assert response.status_code == 200
    assert NEW_TITLE in body(client.get("/papers.json?page_size=200"))


@pytest.mark.parametrize("url", ["/papers/feed/", "/papers.csv"])
def test_a_304_ends_its_request_only_when_it_is_sent(seeded, client, url):
    """The page a 304 replaces is not closed as an answer: that would signal the end of the request while it is
    still being answered, and Django would close its database connection."""
    current = client.get(url)
    body(current)
    ends = []

    def ended(sender, **kwargs):
        ends.append(sender)

    request_finished.connect(ended)
    try:
        assert client.get(url, headers={"If-None-Match": current["ETag"]}).status_code == 304
    finally:
        request_finished.disconnect(ended)
    assert len(ends) == 1, "the end of the request, when the test client closes the 304"


MISSING = ["/papers/999999/", "/sections/nope/", "/papers.json?year=abc", "/papers/?page=99"]


@pytest.mark.parametrize("url", MISSING)
def test_a_page_that_is_not_there_never_answers_304(seeded, client, url):
    CatalogState.objects.update(changed_at=timezone.now() - dt.timedelta(minutes=5))
    current = client.get("/papers/")
    future = http_date((timezone.now() + dt.timedelta(days=365)).timestamp())
    for headers in (
        {"If-None-Match": current["ETag"]},
        {"If-None-Match": "*"},
        {"If-Modified-Since": current["Last-Modified"]},
        {"If-Modified-Since": future},
    ):
        response = client.get(url, headers=headers)
        assert response.status_code in (400, 404) and response.content, (url, headers)


def test_if_modified_since_in_the_future_is_ignored(seeded, client):
    CatalogState.objects.update(changed_at=timezone.now() - dt.timedelta(minutes=5))
    future = http_date((timezone.now() + dt.timedelta(days=365)).timestamp())
    for _ in range(2):  # rendered, then from the cache
        response = client.get("/papers/", headers={"If-Modified-Since": future})
        assert response.status_code == 200 and response.content


def test_last_modified_is_sent_only_once_its_second_is_over(seeded, client):
    orm_save(None, None)
    assert not client.get("/papers/").has_header("Last-Modified")
    changed_at = timezone.now() - dt.timedelta(seconds=2)
    CatalogState.objects.update(changed_at=changed_at)
    assert client.get("/papers/")["Last-Modified"] == http_date(changed_at.timestamp())


def test_every_public_page_and_output_is_cached_with_validators(seeded, client):
    paper, resource = survey_paper(), Resource.objects.first()
    urls = ["/", "/papers/", paper.get_absolute_url(), "/resources/", resource.get_absolute_url(), "/venues/"]
    urls += ["/tags/", paper.section.get_absolute_url(), "/about/", "/papers.json", "/papers.csv", "/papers.bib"]
    urls += ["/papers/feed/", "/sitemap.xml"]
    for url in urls:
        response = cached(client, url)
        assert response.status_code == 200 and response["ETag"], url
        assert "no-cache" in response["Cache-Control"] and "Cookie" in response["Vary"], url


def test_signed_in_maintainers_get_fresh_private_pages_that_are_not_stored(seeded, client, admin_client):
    response = admin_client.get("/papers/")
    assert response[STATUS_HEADER] == BYPASS and "private" in response["Cache-Control"]
    assert not response.has_header("ETag")
    assert admin_client.get("/papers/")[STATUS_HEADER] == BYPASS
    assert client.get("/papers/")[STATUS_HEADER] == MISS


def test_a_visitor_with_messages_waiting_gets_a_fresh_page(seeded, client):
    cached(client, "/papers/")
    client.cookies["messages"] = CookieStorage(HttpRequest())._encode([Message(constants.INFO, "Saved.")])
    assert client.get("/papers/")[STATUS_HEADER] == BYPASS


@pytest.mark.parametrize("cookie", ["sessionid", "messages"])
def test_a_made_up_session_or_messages_cookie_does_not_skip_the_cache(seeded, client, cookie):
    cached(client, "/papers/")
    client.cookies[cookie] = "x"
    assert client.get("/papers/")[STATUS_HEADER] == HIT


def test_the_session_of_a_signed_out_maintainer_does_not_skip_the_cache(seeded, client, admin_user):
    cached(client, "/papers/")
    client.force_login(admin_user)
    assert client.get("/papers/")[STATUS_HEADER] == BYPASS
    client.logout()
    client.cookies[settings.SESSION_COOKIE_NAME] = client.session.session_key or "gone"
    assert client.get("/papers/")[STATUS_HEADER] == HIT


@pytest.mark.parametrize(
    ("url", "same_as"),
    [
        ("/papers/?utm_source=x&tag=sae", "/papers/?tag=sae"),
        ("/papers/?q=&tag=sae&section=", "/papers/?tag=sae"),
        ("/papers/?year=2024&tag=sae", "/papers/?tag=sae&year=2024"),
        ("/?utm_x=1", "/"),
        ("/papers.json?fbclid=1&page_size=5", "/papers.json?page_size=5"),
        ("/sections/survey-papers/?ref=x", "/sections/survey-papers/"),
        ("/papers/feed/?utm_x=2", "/papers/feed/"),
    ],
)
def test_parameters_a_page_does_not_read_are_ignored(seeded, client, url, same_as):
    expected = client.get(same_as)
    response = client.get(url)
    assert response[STATUS_HEADER] == HIT, url
    assert response.content == expected.content


def test_unread_parameters_never_reach_the_links_of_a_page(seeded, client):
    html = body(client.get("/papers/?utm_source=mail&tag=sae"))
    assert "utm_source" not in html and "tag=sae" in html


@pytest.mark.parametrize("url", ["/papers/999999/", "/papers/?page=99", "/papers.json?year=abc", "/papers.csv?tag=x"])
def test_errors_are_never_cached(seeded, client, url):
    first = client.get(url)
    assert first.status_code >= 400
    second = client.get(url)
    assert second.status_code == first.status_code and second.get(STATUS_HEADER) != HIT
    assert not second.has_header("ETag")


def test_a_page_cache_kept_zero_seconds_renders_every_request(seeded, client, settings):
    settings.CATALOG_PAGE_CACHE_SECONDS = 0
    client.get("/papers/")
    response = client.get("/papers/")
    assert response.status_code == 200 and response[STATUS_HEADER] == MISS and response.has_header("ETag")


def test_pages_with_absolute_links_are_cached_per_host(seeded, client):
    first = json.loads(client.get("/papers.json", headers={"Host": "localhost"}).content)
    second = json.loads(client.get("/papers.json", headers={"Host": "127.0.0.1"}).content)
    assert first["papers"][0]["detail_url"].startswith("http://localhost/")
    assert second["papers"][0]["detail_url"].startswith("http://127.0.0.1/")


def test_a_head_request_gets_the_headers_of_the_cached_page(seeded, client):
    etag = cached(client, "/papers/")["ETag"]
    response = client.head("/papers/")
    assert response.status_code == 200 and response["ETag"] == etag and response[STATUS_HEADER] == HIT


def test_pages_are_served_when_the_redis_cache_is_down(seeded, client, settings):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        location = f"redis://127.0.0.1:{closed.getsockname()[1]}/0"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}}
    response = client.get("/papers/")
    assert response.status_code == 200 and response[STATUS_HEADER] == MISS


def test_migrate_moves_the_version_on_so_a_new_release_renders_afresh(seeded):
    before = catalog_version.current_state().version
    call_command("migrate", verbosity=0)
    assert catalog_version.current_state().version > before


def test_healthz_answers_a_probe_by_ip_with_https_redirect_on(settings):
    settings.ALLOWED_HOSTS = ["catalog.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    probe = Client()
    response = probe.get("/healthz", headers={"Host": "10.1.2.3:8000"})
    assert (response.status_code, response.content) == (200, b"ok")
    assert probe.get("/papers/", headers={"Host": "10.1.2.3:8000"}).status_code == 400
    assert probe.get("/papers/", headers={"Host": "catalog.example.org"}).status_code == 301


@pytest.mark.parametrize("table", catalog_version.watched_tables())
def test_any_write_to_any_catalog_table_moves_the_version_on(seeded, table):
    Repository.objects.create(full_name="TransformerLensOrg/TransformerLens", stars=1)
    set_authors({Paper.objects.first(): ["Ann Author"]})
    before = catalog_version.current_state()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        assert cursor.fetchone()[0] > 0, f"the seed has no row in {table}"
        cursor.execute(f"UPDATE {table} SET id = id")
    after = catalog_version.current_state()
    assert after.version > before.version and after.changed_at >= before.changed_at


def test_the_watched_tables_are_every_catalog_table_and_the_tags():
    assert catalog_version.watched_tables() == [
        "catalog_author",
        "catalog_paper",
        "catalog_paperauthor",
        "catalog_paperlink",
        "catalog_repository",
        "catalog_resource",
        "catalog_resourcelink",
        "catalog_section",
        "catalog_taggedpaper",
        "catalog_taggedresource",
        "catalog_textblock",
        "catalog_venue",
        "taggit_tag",
    ]


@pytest.mark.parametrize("url", ["/papers/?venue=ICLR", "/papers.json", "/papers/feed/", "/sitemap.xml"])
def test_a_cached_page_carries_the_same_headers_as_the_rendered_one(seeded, client, url):
    rendered = client.get(url)
    served = client.get(url)
    assert (rendered[STATUS_HEADER], served[STATUS_HEADER]) == (MISS, HIT)
    del rendered.headers[STATUS_HEADER], served.headers[STATUS_HEADER]
    assert served.headers == rendered.headers
    assert {"Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"} <= set(served.headers)


def test_a_cached_page_over_https_carries_hsts(seeded, client, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    rendered = client.get("/papers/", secure=True)
    served = client.get("/papers/", secure=True)
    assert served[STATUS_HEADER] == HIT
    assert served["Strict-Transport-Security"] == rendered["Strict-Transport-Security"]
    assert served["Strict-Transport-Security"].startswith("max-age=3600")


@pytest.mark.parametrize("url", ["/admin/login/", "/robots.txt", "/papers", "/no-such-page/"])
def test_pages_that_are_not_cached_pages_never_go_through_the_cache(seeded, client, url):
    client.get(url)
    response = client.get(url)
    assert not response.has_header(STATUS_HEADER) and not response.has_header("ETag"), url


def test_anonymous_traffic_with_made_up_parameters_adds_no_entries_to_redis(seeded, client, redis_cache):
    assert client.get("/papers/")[STATUS_HEADER] == MISS
    for number in range(200):
        response = client.get(f"/papers/?utm_x={number}", headers={"Cookie": "sessionid=x"})
        assert response.status_code == 200 and response[STATUS_HEADER] == HIT
    assert len(redis_cache.keys("*")) == 1


def test_every_page_in_redis_expires(seeded, client, redis_cache, settings):
    for url in ["/", "/papers/", "/papers/?tag=sae", "/papers.json", "/papers/feed/"]:
        client.get(url)
    keys = redis_cache.keys("*")
    assert len(keys) == 5
    assert all(0 < redis_cache.ttl(key) <= settings.CATALOG_PAGE_CACHE_SECONDS for key in keys)
