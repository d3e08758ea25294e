"""Full-catalog downloads written once per catalog version and streamed from their file; downloads limited per
client address (with Redis, shared by every instance)."""

import csv
import dataclasses
import io
import json
import threading
from types import SimpleNamespace

import pytest
from django.test import Client, RequestFactory

from catalog import download_limit, downloads
from catalog.catalog_version import current_state
from catalog.models import Paper
from catalog.page_cache import HIT, MISS, STATUS_HEADER
from catalog.views import outputs
from catalog.views.outputs import BIBTEX_DOWNLOAD, CSV_DOWNLOAD, json_download, write_csv
from tests.conftest import join_download_writers
from tests.test_outputs import content

pytestmark = pytest.mark.django_db

JSON_DOWNLOAD = json_download(RequestFactory().get("/papers-all.json"))
SLOW_WRITE_BOUND = 60
FULL = [("/papers.csv", CSV_DOWNLOAD), ("/papers.bib", BIBTEX_DOWNLOAD), ("/papers-all.json", JSON_DOWNLOAD)]


@pytest.mark.parametrize(("url", "kind"), FULL)
def test_a_full_download_is_written_once_per_version_and_streamed(seeded, client, url, kind, settings):
    settings.CATALOG_DOWNLOAD_REFRESH_SECONDS = 0
    first = client.get(url)
    assert first.streaming and first[STATUS_HEADER] == MISS
    assert int(first["Content-Length"]) == len(body := content(first)) > 10_000
    assert first["Content-Disposition"] == f'attachment; filename="{kind.filename}"'
    assert [path.name for path in kind.written()] == [f"{kind.path(first['ETag'].strip(chr(34))).name}"]
    second = client.get(url)
    assert second[STATUS_HEADER] == HIT and content(second) == body and second["ETag"] == first["ETag"]

    Paper.objects.filter(pk=Paper.objects.first().pk).update(title="Zebra circuits, retitled")
    third = client.get(url)
    assert third[STATUS_HEADER] == MISS and third["ETag"] != first["ETag"]
    assert "Zebra circuits, retitled" in content(third).decode()
    assert len(kind.written()) == 1, "the file of the older version is removed"


@pytest.mark.parametrize(("url", "kind"), FULL)
def test_a_full_download_from_its_file_is_the_same_as_one_written_for_the_request(seeded, client, url, kind):
    whole = content(client.get(url))
    filtered = content(client.get(f"{url}?has_code=true")) + content(client.get(f"{url}?has_code=false"))
    if kind is CSV_DOWNLOAD:
        rows = sorted(csv.reader(io.StringIO(filtered.decode())))
        assert sorted(csv.reader(io.StringIO(whole.decode())))[:-1] == [row for row in rows if row[0] != "id"]
    elif kind is JSON_DOWNLOAD:
        parts = [json.loads(content(client.get(f"{url}?has_code={value}"))) for value in ("true", "false")]
        papers = sorted(parts[0]["papers"] + parts[1]["papers"], key=lambda paper: paper["id"])
        assert sorted(json.loads(whole)["papers"], key=lambda paper: paper["id"]) == papers
    else:
        assert sorted(whole.decode().split("\n\n")) == sorted(filtered.decode().split("\n\n"))


def test_a_full_download_served_from_its_file_reads_only_the_version(seeded, client, django_assert_num_queries):
    client.get("/papers.csv")
    with django_assert_num_queries(1):
        response = client.get("/papers.csv")
    assert response[STATUS_HEADER] == HIT


def test_while_the_catalog_keeps_changing_the_file_is_written_at_most_once_a_refresh(seeded, client, settings):
    old = client.get("/papers.csv")
    settings.CATALOG_DOWNLOAD_REFRESH_SECONDS = 60
    Paper.objects.filter(pk=Paper.objects.first().pk).update(title="Zebra circuits, retitled")
    recent = client.get("/papers.csv")
    assert recent["ETag"] == old["ETag"] and content(recent) == content(old)
    settings.CATALOG_DOWNLOAD_REFRESH_SECONDS = 0
    assert "Zebra circuits, retitled" in content(client.get("/papers.csv")).decode()


def test_while_another_process_writes_the_new_version_the_newest_file_is_served(seeded, client, settings):
    settings.CATALOG_DOWNLOAD_REFRESH_SECONDS = 0
    old = client.get("/papers.csv")
    Paper.objects.filter(pk=Paper.objects.first().pk).update(title="Zebra circuits, retitled")
    lock = CSV_DOWNLOAD.path("x").parent / ".papers.csv.lock"
    with downloads._locked(lock, wait=True):
        response = client.get("/papers.csv")
    assert response["ETag"] == old["ETag"] and content(response) == content(old)
    assert "Zebra circuits, retitled" in content(client.get("/papers.csv")).decode()


def test_a_file_replaced_just_before_it_is_opened_gives_way_to_the_newer_one(seeded, client, settings, monkeypatch):
    client.get("/papers.csv")
    Paper.objects.filter(pk=Paper.objects.first().pk).update(title="Zebra circuits, retitled")
    settings.CATALOG_DOWNLOAD_REFRESH_SECONDS = 0.001

    def write_at_once(download, path, papers, *, first):
        """The writer wins the race: the new file is written, and the one the request chose removed."""
        downloads._write(download, path, papers)

    monkeypatch.setattr(downloads, "_write_in_background", write_at_once)
    response = client.get("/papers.csv")
    assert response.status_code == 200 and "Zebra circuits, retitled" in content(response).decode()


def test_a_full_download_revalidates_with_its_etag(seeded, client):
    etag = client.get("/papers.bib")["ETag"]
    response = client.get("/papers.bib", headers={"If-None-Match": etag})
    assert response.status_code == 304 and response["ETag"] == etag


@pytest.fixture
def one_window(monkeypatch):
    """The downloads are counted in one window of time, 0.5 s after it began, however long the test takes."""
    monkeypatch.setattr(download_limit, "time", SimpleNamespace(time=lambda: 1_800_000_000.5))


@pytest.mark.parametrize(
    "url", ["/papers.csv", "/papers.bib", "/papers-all.json", "/papers.csv?tag=sae", "/papers-all.json?year=2024"]
)
def test_downloads_are_limited_per_client_address(seeded, settings, one_window, url):
    settings.CATALOG_DOWNLOAD_LIMIT, settings.CATALOG_DOWNLOAD_WINDOW = 3, 60
    greedy = Client(REMOTE_ADDR="203.0.113.9")
    assert [greedy.get(url).status_code for _ in range(3)] == [200, 200, 200]
    refused = greedy.get(url)
    assert refused.status_code == 429
    assert refused.content.startswith(b"Too many downloads from your address: at most 3 every 60 seconds.")
    assert refused["Retry-After"] == "60"
    assert greedy.get("/papers/").status_code == 200, "pages are not limited"
    assert Client(REMOTE_ADDR="198.51.100.7").get(url).status_code == 200


def test_download_limits_are_shared_through_redis(seeded, settings, one_window, redis_cache):
    settings.CATALOG_DOWNLOAD_LIMIT, settings.CATALOG_DOWNLOAD_WINDOW = 2, 60
    greedy = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [greedy.get(url).status_code for url in ["/papers.csv", "/papers.bib", "/papers.csv"]]
    assert statuses == [200, 200, 429]
    assert [key for key in redis_cache.keys("*") if b"downloads:203.0.113.9:" in key]


def test_the_whole_json_links_each_paper_on_the_site_it_is_asked_from(seeded, client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "mirror.example"]
    paper = Paper.objects.order_by("pk").first()
    for host in ["testserver", "mirror.example", "testserver"]:
        papers = json.loads(content(client.get("/papers-all.json", headers={"Host": host})))["papers"]
        assert next(entry for entry in papers if entry["id"] == paper.pk)["detail_url"] == (
            f"http://{host}{paper.get_absolute_url()}"
        )
    assert len(list(settings.CATALOG_DOWNLOADS_DIR.glob("*/papers-all-*.json"))) == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("url", "kind"), FULL)
def test_the_first_download_of_a_small_catalog_waits_for_its_file(seeded, client, settings, url, kind):
    settings.CATALOG_DOWNLOAD_REFRESH_SECONDS = 60
    settings.CATALOG_DOWNLOAD_FIRST_WAIT_SECONDS = 30
    first = client.get(url)
    version = current_state().token
    assert first.status_code == 200 and first[STATUS_HEADER] == MISS and first["ETag"] == f'"{version}"'
    assert content(first) == kind.path(version).read_bytes()


@pytest.mark.django_db(transaction=True)
def test_a_first_file_not_written_within_the_wait_answers_503_until_it_is(seeded, client, settings):
    settings.CATALOG_DOWNLOAD_REFRESH_SECONDS = 60
    settings.CATALOG_DOWNLOAD_FIRST_WAIT_SECONDS = 0.2
    lock = CSV_DOWNLOAD.path("x").parent / ".papers.csv.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with downloads._locked(lock, wait=True):  # another process is writing it, for longer than the wait
        first = client.get("/papers.csv")
    assert first.status_code == 503 and first["Retry-After"] == "10"
    assert first.content == b"papers.csv of the whole catalog is being prepared: try again in a few seconds.\n"
    join_download_writers()  # this process's writer waited for the lock, then wrote the file
    response = client.get("/papers.csv")
    assert response.status_code == 200 and response[STATUS_HEADER] == HIT
    assert len(list(csv.reader(io.StringIO(content(response).decode())))) == Paper.objects.count() + 1


@pytest.mark.django_db(transaction=True)
def test_no_request_waits_long_for_a_file_to_be_written(seeded, client, settings, monkeypatch):
    settings.CATALOG_DOWNLOAD_REFRESH_SECONDS = 0.001
    settings.CATALOG_DOWNLOAD_FIRST_WAIT_SECONDS = 0.2
    go = threading.Event()

    def slow_write(papers, out):
        """A catalog that takes longer to write than the first wait, until the test lets the writer go on."""
        go.wait(SLOW_WRITE_BOUND)
        write_csv(papers, out)

    monkeypatch.setattr(outputs, "CSV_DOWNLOAD", dataclasses.replace(CSV_DOWNLOAD, write=slow_write))
    first = client.get("/papers.csv")
    assert first.status_code == 503 and first["Retry-After"] == "10"
    assert first.content == b"papers.csv of the whole catalog is being prepared: try again in a few seconds.\n"
    go.set()
    join_download_writers()
    old = client.get("/papers.csv")
    assert old[STATUS_HEADER] == HIT

    go.clear()
    Paper.objects.filter(pk=Paper.objects.first().pk).update(title="Zebra circuits, retitled")
    served = client.get("/papers.csv")
    assert served["ETag"] == old["ETag"] and content(served) == content(old)
    go.set()
    join_download_writers()
    response = client.get("/papers.csv")
    assert response[STATUS_HEADER] == HIT and response["ETag"] != old["ETag"]
    assert "Zebra circuits, retitled" in content(response).decode()
