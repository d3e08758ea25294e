"""A search forgives: misspelt words are put right from the index's vocabulary, a title typed out comes first,
and the paper list says how many resources match."""

import re

import pytest

from catalog.models import Paper, Resource
from catalog.spelling import corrected_searches, folded
from tests.test_site_pages import Page


def titles(client, url):
    return Page(client.get(url).content.decode()).texts("h3", cls="paper-title")


@pytest.mark.parametrize(
    ("typed", "corrected"),
    [
        ("monosemanticty", ["monosemanticity"]),
        ("progress measure grokking", ["progress measures grokking", "progress grokking"]),
        ("ioi circuit gpt2", ['circuit "gpt 2"']),
        ("100%", []),
        ("Superpositon", ["superposition"]),
        ("sparse autoencoders", []),
        ("sparse autoenc", []),
        ("qqqqzzzz", []),
    ],
)
def test_misspelt_words_are_put_right_from_the_vocabulary(seeded, typed, corrected):
    assert corrected_searches(Paper, typed) == corrected


def test_folded_words_are_as_the_index_holds_them():
    assert folded("Über") == "uber" and folded("ÉCOLE") == "ecole"


def test_a_search_that_finds_nothing_shows_its_correction_and_says_so(seeded, client):
    html = client.get("/papers/?q=monosemanticty").content.decode()
    assert "No paper matches “monosemanticty”: showing those that match “<strong>monosemanticity</strong>”" in html
    found = Page(html).texts("h3", cls="paper-title")
    assert found and all("monosemanticity" in title.lower() for title in found)
    assert 'href="/papers.json?q=monosemanticity"' in html
    assert "<title>Papers matching “monosemanticity” · Awesome Interpretability</title>" in html


def test_a_grokking_search_with_a_missing_plural_finds_the_paper(seeded, client):
    found = titles(client, "/papers/?q=progress+measure+grokking")
    assert found[0].startswith("Progress measures for grokking")


def test_the_ioi_circuit_is_found_from_a_sloppy_search(seeded, client):
    found = titles(client, "/papers/?q=ioi+circuit+gpt2")
    assert any(title.startswith("Interpretability in the Wild") for title in found)


def test_a_title_typed_out_comes_first(seeded, client):
    for paper in Paper.objects.order_by("?")[:10]:
        assert titles(client, f"/papers/?q={paper.title.replace('&', '%26')}")[0] == paper.title
    toy = Paper.objects.get(title__istartswith="Toy Models of Superposition")
    assert titles(client, "/papers/?q=toy+models+of")[0] == toy.title


def test_the_paper_list_counts_the_resources_that_match(seeded, client):
    html = client.get("/papers/?q=tuned+lens").content.decode()
    count = Resource.objects.matching("tuned lens").count()
    assert count >= 1
    assert re.search(rf'{count} resources? match(es)? “tuned lens”: <a href="/resources/\?q=tuned%20lens">', html)
    resources = Page(client.get("/resources/?q=tuned+lens").content.decode()).texts("h3", cls="resource-title")
    assert any("Tuned Lens" in name for name in resources)


def test_the_resource_list_corrects_a_misspelt_search(seeded, client):
    html = client.get("/resources/?q=transformerlenz").content.decode()
    assert "No resource matches “transformerlenz”" in html
    assert "TransformerLens" in html
