"""Old links keep working: renamed and merged tags and venues redirect, and titles say what a list shows."""

import re

import pytest
from taggit.models import Tag

from catalog.models import Paper, Venue
from catalog.services.merging import merge_tags, merge_venues


def title(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


@pytest.mark.parametrize("path", ["/papers/", "/papers.json", "/papers.csv", "/papers.bib", "/papers/feed/"])
def test_a_renamed_tag_redirects_from_its_old_slug(seeded, client, path):
    tag = Tag.objects.get(slug="sae")
    tag.name, tag.slug = "sparse autoencoders", "sparse-autoencoders"
    tag.save()
    response = client.get(f"{path}?tag=sae&year=2024")
    assert response.status_code == 301
    assert response["Location"] == f"{path}?tag=sparse-autoencoders&year=2024"
    assert client.get(response["Location"]).status_code == 200


def test_a_merged_tag_and_a_renamed_venue_redirect_and_chains_follow(seeded, client):
    circuits, sae = Tag.objects.get(slug="circuits"), Tag.objects.get(slug="sae")
    merge_tags([circuits, sae], into=sae)
    venue = Venue.objects.get(name="ICLR")
    venue.name = "ICLR (conference)"
    venue.save()
    response = client.get("/papers/?tag=circuits&venue=iclr")
    assert response.status_code == 301
    assert response["Location"] == "/papers/?tag=sae&venue=ICLR+%28conference%29"
    merge_venues([venue, Venue.objects.get(name="NeurIPS")], into=Venue.objects.get(name="NeurIPS"))
    assert client.get("/papers/?venue=ICLR")["Location"] == "/papers/?venue=NeurIPS"


def test_a_tag_made_again_with_an_old_slug_is_itself_again(seeded, client):
    tag = Tag.objects.get(slug="steering")
    tag.slug = "activation-steering"
    tag.save()
    assert client.get("/papers/?tag=steering").status_code == 301
    Tag.objects.create(name="steering again", slug="steering")
    assert client.get("/papers/?tag=steering").status_code == 200


def test_machine_outputs_answer_400_for_a_value_no_rename_explains(seeded, client):
    for path in ("/papers.json", "/papers.csv", "/papers.bib", "/papers/feed/"):
        assert client.get(f"{path}?tag=no-such-tag").status_code == 400, path


def test_titles_name_the_filters_and_the_page(seeded, client):
    assert title(client, "/papers/") == "Papers · Awesome Interpretability"
    assert title(client, "/papers/?tag=sae&year=2024") == "Papers tagged sae, 2024 · Awesome Interpretability"
    assert title(client, "/papers/?page=2") == "Papers, page 2 · Awesome Interpretability"
    assert title(client, "/papers/?venue=ICLR&sort=title&year=abc") == "Papers at ICLR · Awesome Interpretability"
    assert title(client, "/resources/?tag=library") == "Resources tagged library · Awesome Interpretability"
    assert Paper.objects.count() > 50
