"""Full-catalog downloads written once per catalog version and streamed from their file; downloads limited per
client address (with Redis, shared by every instance)."""

import csv
import io
import time

import pytest
from django.test import Client

from catalog import downloads
from catalog.models import Paper
from catalog.page_cache import HIT, MISS, STATUS_HEADER
from catalog.views.outputs import BIBTEX_DOWNLOAD, CSV_DOWNLOAD
from tests.test_outputs import content

pytestmark = pytest.mark.django_db

FULL = [("/papers.csv", CSV_DOWNLOAD), ("/papers.bib", BIBTEX_DOWNLOAD)]
# Limit windows start at multiples of their length: one this long is not crossed while a test runs.
LONG_WINDOW = 10**9


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


def test_a_full_download_revalidates_with_its_etag(seeded, client):
    etag = client.get("/papers.bib")["ETag"]
    response = client.get("/papers.bib", headers={"If-None-Match": etag})
    assert response.status_code == 304 and response["ETag"] == etag


@pytest.mark.parametrize("url", ["/papers.csv", "/papers.bib", "/papers.csv?tag=sae", "/papers.bib?year=2024"])
def test_downloads_are_limited_per_client_address(seeded, settings, url):
    settings.CATALOG_DOWNLOAD_LIMIT, settings.CATALOG_DOWNLOAD_WINDOW = 3, LONG_WINDOW
    greedy = Client(REMOTE_ADDR="203.0.113.9")
    assert [greedy.get(url).status_code for _ in range(3)] == [200, 200, 200]
    refused = greedy.get(url)
    assert refused.status_code == 429
    expected = f"Too many downloads from your address: at most 3 every {LONG_WINDOW} seconds."
    assert refused.content.decode().startswith(expected)
    assert 1 <= int(refused["Retry-After"]) <= LONG_WINDOW + 1
    assert greedy.get("/papers/").status_code == 200, "pages are not limited"
    assert Client(REMOTE_ADDR="198.51.100.7").get(url).status_code == 200


def test_download_limits_are_shared_through_redis(seeded, settings, redis_cache):
    settings.CATALOG_DOWNLOAD_LIMIT, settings.CATALOG_DOWNLOAD_WINDOW = 2, LONG_WINDOW
    greedy = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [greedy.get(url).status_code for url in ["/papers.csv", "/papers.bib", "/papers.csv"]]
    assert statuses == [200, 200, 429]
    assert [key for key in redis_cache.keys("*") if b"downloads:203.0.113.9:" in key]


def when_written(client, url):
    """The answer to `url` once a thread has written the current version's file."""
    for _ in range(200):
        response = client.get(url)
        if response[STATUS_HEADER] == HIT:
            return response
        if response.streaming:
            content(response)
        time.sleep(0.05)
    raise AssertionError(f"{url} was never written")


@pytest.mark.django_db(transaction=True)
def test_no_request_waits_for_a_file_to_be_written(seeded, client, settings):
    settings.CATALOG_DOWNLOAD_REFRESH_SECONDS = 0.001
    first = client.get("/papers.csv")
    assert first.status_code == 503 and first["Retry-After"] == "10"
    assert first.content == b"papers.csv of the whole catalog is being prepared: try again in a few seconds.\n"
    old = when_written(client, "/papers.csv")
    Paper.objects.filter(pk=Paper.objects.first().pk).update(title="Zebra circuits, retitled")
    served = client.get("/papers.csv")
    assert served["ETag"] == old["ETag"] and content(served) == content(old)
    response = when_written(client, "/papers.csv")
    assert response["ETag"] != old["ETag"]
    assert "Zebra circuits, retitled" in content(response).decode()
