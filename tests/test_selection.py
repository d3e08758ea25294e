"""A selection of papers by id: `id=1,2,3` gives exactly those papers in every output and on the page."""

import csv
import io
import json

import pytest

from catalog.filters import MAX_SELECTION
from catalog.models import Paper
from tests.test_bibtex import parse_bibtex


@pytest.fixture
def chosen(seeded):
    papers = list(Paper.objects.order_by("?")[:3])
    return sorted(paper.pk for paper in papers)


def test_the_outputs_give_exactly_the_selected_papers(chosen, client):
    ids = ",".join(map(str, chosen))
    body = json.loads(client.get(f"/papers.json?id={ids}").content)
    assert sorted(paper["id"] for paper in body["papers"]) == chosen and body["count"] == 3
    rows = list(csv.DictReader(io.StringIO(client.get(f"/papers.csv?id={ids}").content.decode())))
    assert sorted(int(row["id"]) for row in rows) == chosen
    entries = parse_bibtex(client.get(f"/papers.bib?id={ids}").content.decode())
    assert sorted(entry["url"] for entry in entries) == sorted(Paper.objects.get(pk=pk).url for pk in chosen)


def test_a_selection_combines_with_filters_and_forgets_deleted_papers(chosen, client):
    Paper.objects.filter(pk=chosen[0]).delete()
    body = json.loads(client.get(f"/papers.json?id={','.join(map(str, chosen))}").content)
    assert sorted(paper["id"] for paper in body["papers"]) == chosen[1:]


@pytest.mark.parametrize(
    "ids", ["1,abc", "0", "-3", "1," + "9" * 26, ",".join(str(n) for n in range(1, MAX_SELECTION + 2))]
)
def test_a_bad_selection_is_a_400_for_machines_and_left_out_on_the_page(seeded, client, ids):
    for path in ("/papers.json", "/papers.csv", "/papers.bib"):
        response = client.get(f"{path}?id={ids}")
        assert response.status_code == 400 and b"id" in response.content, path
    html = client.get(f"/papers/?id={ids}").content.decode()
    assert "Selected papers" in html and "Left out of this list" in html


def test_the_page_of_a_selection_lists_it_and_names_it_in_its_title(chosen, client):
    html = client.get(f"/papers/?id={','.join(map(str, chosen))}").content.decode()
    assert "<title>Papers selected (3) · Awesome Interpretability</title>" in html
    assert html.count('class="paper"') == 3
    for pk in chosen:
        assert f'data-select-paper="{pk}"' in html
