"""Tags typed in the admin: the catalog's tags offered, new ones written lower case with hyphens, the change told;
link labels offered from those in use."""

import pytest
from taggit.models import Tag

from catalog.admin.tag_input import canonical_tag_names, normalise_tag
from catalog.models import Paper, Resource
from tests.admin_support import make_user, paper_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def maintainer(client):
    client.force_login(make_user("maintainer", superuser=True))
    return client


@pytest.mark.parametrize(
    ("typed", "saved"),
    [
        ("Refusal", "refusal"),
        ("Refusal Vectors", "refusal-vectors"),
        ("refusal_vectors", "refusal-vectors"),
        ("  Linear  --  Probes ", "linear-probes"),
        ("steering, vectors", "steering-vectors"),
        ("sae", "sae"),
    ],
)
def test_a_new_tag_is_written_in_the_catalogs_convention(typed, saved):
    assert normalise_tag(typed) == saved


def test_existing_tags_keep_their_spelling_whatever_the_case_typed(db):
    Tag.objects.create(name="in-context-learning")
    names, renamed = canonical_tag_names(["In-Context-Learning", "in context learning", "Refusal"])
    assert names == ["in-context-learning", "refusal"]
    assert renamed == [("in context learning", "in-context-learning"), ("Refusal", "refusal")]


def test_the_change_form_offers_the_catalogs_tags_and_says_how_new_ones_are_written(seeded, maintainer):
    paper = Paper.objects.first()
    content = maintainer.get(f"/admin/catalog/paper/{paper.pk}/change/").content.decode()
    assert 'list="id_tags-choices"' in content
    assert '<datalist id="id_tags-choices">' in content and '<option value="sae"></option>' in content
    assert "A new tag is written in lower case with hyphens between words." in content
    assert "js/admin-tags" in content


def test_saving_a_new_tag_tells_the_maintainer_how_it_was_written(seeded, maintainer):
    paper = Paper.objects.filter(section__title="Survey Papers").first()
    data = paper_form_data(paper, tags="Refusal Vectors, SAE")
    response = maintainer.post(f"/admin/catalog/paper/{paper.pk}/change/", data, follow=True)
    assert "Tag “Refusal Vectors” saved as “refusal-vectors”" in response.content.decode()
    assert "“SAE” saved as" not in response.content.decode()
    assert sorted(paper.tags.names()) == ["refusal-vectors", "sae"]


def test_resource_tags_are_written_the_same_way(seeded, maintainer):
    resource = Resource.objects.first()
    content = maintainer.get(f"/admin/catalog/resource/{resource.pk}/change/").content.decode()
    assert 'list="id_tags-choices"' in content


def test_link_labels_are_offered_from_those_in_use(seeded, maintainer):
    paper = Paper.objects.filter(links__label="Github").first()
    content = maintainer.get(f"/admin/catalog/paper/{paper.pk}/change/").content.decode()
    assert 'list="id_links-0-label-choices"' in content
    assert '<option value="Github"></option>' in content
    assert 'aria-label="Link url"' in content and 'aria-label="Delete this link"' in content
