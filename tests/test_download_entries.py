"""The downloads of a part of the catalog cut from the whole catalog's file: the same bytes as written for the
request, without reading a paper again, and written for the request when the file is not of the current version."""

import pytest
from django.core.cache import cache

from catalog.models import Paper
from catalog.views import outputs
from tests.test_outputs import content

pytestmark = pytest.mark.django_db

DOWNLOADS = ["/papers.csv", "/papers.bib", "/papers-all.json"]
SELECTIONS = [
    "venue=ICLR",
    "tag=sae&sort=title",
    "q=sparse+autoencoders",
    "year=2024&has_code=false&sort=-citations",
    "date_after=2099-01-01",
]


def papers_never_read(*args, **kwargs):
    raise AssertionError("a paper was read again")


@pytest.mark.parametrize("url", DOWNLOADS)
@pytest.mark.parametrize("query", SELECTIONS)
def test_a_selection_cut_from_the_whole_file_is_the_one_written_for_it(seeded, client, monkeypatch, url, query):
    written = content(client.get(f"{url}?{query}"))
    client.get(url)  # the whole catalog's file
    cache.clear()
    monkeypatch.setattr(outputs, "paper_records", papers_never_read)

    assert content(client.get(f"{url}?{query}")) == written


@pytest.mark.parametrize("url", DOWNLOADS)
def test_a_selection_keeps_the_order_of_the_ids_asked_for(seeded, client, url):
    ids = list(Paper.objects.order_by("?").values_list("pk", flat=True)[:3])
    query = "id=" + ",".join(map(str, ids))
    written = content(client.get(f"{url}?{query}"))
    client.get(url)
    cache.clear()
    assert content(client.get(f"{url}?{query}")) == written


@pytest.mark.parametrize("url", DOWNLOADS)
def test_a_selection_cut_from_the_file_runs_a_fixed_number_of_queries(seeded, client, url, django_assert_num_queries):
    client.get(url)
    # the catalog's version, the venue value, the ids of the venue's papers
    for venue in ["arXiv", "ICLR"]:
        with django_assert_num_queries(3):
            client.get(f"{url}?venue={venue}")


@pytest.mark.parametrize("url", DOWNLOADS)
def test_after_an_edit_a_selection_is_not_cut_from_the_older_file(seeded, client, settings, url):
    client.get(url)
    settings.CATALOG_DOWNLOAD_REFRESH_SECONDS = 60
    paper = Paper.objects.filter(venue__name="ICLR").first()
    Paper.objects.filter(pk=paper.pk).update(title="Zebra circuits, retitled")
    assert "Zebra circuits, retitled" in content(client.get(f"{url}?venue=ICLR")).decode()
    assert "Zebra circuits, retitled" not in content(client.get(url)).decode(), "the whole file lags the edit"
