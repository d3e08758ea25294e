"""A paper added in the admin, without a position, lands where its date puts it in the export."""

import difflib

import pytest
from django.contrib.auth import get_user_model

from catalog.models import Paper, Section, Venue

pytestmark = pytest.mark.django_db


@pytest.fixture
def maintainer_client(client):
    user = get_user_model().objects.create_superuser("maintainer", "m@example.org", "a-long-password-1")
    client.force_login(user)
    return client


def inline_management(prefix, total=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0"}


def test_a_paper_added_in_the_admin_lands_at_its_date_place(seeded, maintainer_client, export):
    before = export()
    section = Section.objects.get(title="SAE, Dictionary Learning and Superposition")
    data = {
        "title": "Scaling and Evaluating Sparse Autoencoders",
        "url": "https://arxiv.org/abs/2406.04093",
        "venue": Venue.objects.get(name="arXiv").pk,
        "date": "2024-06-06",
        "section": section.pk,
        "star_repo": "openai/sparse_autoencoder",
        "tags": "sae, scaling",
        **inline_management("links", total=1),
        **inline_management("paper_authors"),
        "links-0-kind": "code",
        "links-0-position": "0",
        "links-0-label": "Github",
        "links-0-url": "https://github.com/openai/sparse_autoencoder",
    }
    response = maintainer_client.post("/admin/catalog/paper/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    paper = Paper.objects.get(title="Scaling and Evaluating Sparse Autoencoders")
    assert set(paper.tags.names()) == {"sae", "scaling"}
    after = export().split("\n")
    added = [line for line in difflib.ndiff(before.split("\n"), after) if line.startswith(("+ ", "- "))]
    row = (
        "| ![GitHub Repo stars](https://img.shields.io/github/stars/openai/sparse_autoencoder) <br> "
        "[**Scaling and Evaluating Sparse Autoencoders**](https://arxiv.org/abs/2406.04093) <br>"
        "| arXiv | 2024-06-06 | [Github](https://github.com/openai/sparse_autoencoder) | - |"
    )
    assert added == ["+ " + row]
    index = after.index(row)
    assert "| 2024-06-25 |" in after[index - 1] and "| 2024-05-24 |" in after[index + 1]


def test_the_admin_refuses_a_url_that_is_not_http(seeded, maintainer_client):
    section = Section.objects.get(title="Others")
    data = {
        "title": "Bad link",
        "url": "javascript:alert(1)",
        "date": "2024-06-06",
        "section": section.pk,
        **inline_management("links"),
        **inline_management("paper_authors"),
    }
    response = maintainer_client.post("/admin/catalog/paper/add/", data)
    assert response.status_code == 200
    assert "Enter a valid URL." in response.content.decode()
    assert not Paper.objects.filter(title="Bad link").exists()
