"""Model validation and database constraints keep every value writable into the README."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from catalog.models import Paper, PaperLink, Resource, Section, Venue

pytestmark = pytest.mark.django_db


@pytest.fixture
def section():
    return Section.objects.create(title="Circuits", level=2)


def new_paper(section, **fields):
    values = {"title": "A paper", "url": "https://arxiv.org/abs/2401.00001", "date": datetime.date(2024, 1, 1)}
    return Paper(section=section, **(values | fields))


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("url", "javascript:alert(1)", "http"),
        ("url", "ftp://example.org/paper.pdf", "http"),
        ("url", "https://example.org/a(b", "parentheses"),
        ("star_repo", "not a repo", "owner/name"),
        ("star_repo", "https://github.com/a/b", "owner/name"),
        ("title", "Two\nlines", "one line"),
        ("title", " padded", "whitespace"),
        ("title", "x" * 501, "at most 500"),
    ],
)
def test_paper_validation_names_the_field(section, field, value, message):
    with pytest.raises(ValidationError) as error:
        new_paper(section, **{field: value}).full_clean()
    assert message in " ".join(error.value.message_dict[field])


def test_a_valid_paper_passes_validation(section):
    new_paper(section, star_repo="TransformerLensOrg/TransformerLens").full_clean()


@pytest.mark.parametrize(
    "model,fields",
    [
        (Paper, {"url": "javascript:alert(1)"}),
        (Paper, {"star_repo": "no slash"}),
        (Resource, {"url": "mailto:someone@example.org"}),
    ],
)
def test_the_database_refuses_what_validation_refuses(section, model, fields):
    values = {"url": "https://example.org/"}
    if model is Paper:
        values |= {"title": "t", "date": datetime.date(2024, 1, 1)}
    else:
        values |= {"name": "n"}
    with pytest.raises(IntegrityError):
        model.objects.create(section=section, position=1, **(values | fields))


def test_venue_names_are_unique_whatever_their_case():
    Venue.objects.create(name="ICLR")
    with pytest.raises(ValidationError):
        Venue(name="iclr").full_clean()
    with pytest.raises(IntegrityError):
        Venue.objects.create(name="iclr")


def test_a_venue_cannot_be_named_like_the_no_venue_mark():
    with pytest.raises(ValidationError):
        Venue(name="-").full_clean()


def test_link_url_must_be_http(section):
    paper = new_paper(section)
    paper.save()
    with pytest.raises(ValidationError):
        PaperLink(paper=paper, kind="code", label="Github", url="javascript:alert(1)").full_clean()


def test_sections_get_unique_slugs_and_natural_keys():
    first = Section.objects.create(title="Others", level=2)
    second = Section.objects.create(title="Others", level=2)
    assert (first.slug, second.slug) == ("others", "others-2")
    assert Section.objects.get_by_natural_key("others-2") == second
    assert second.get_absolute_url() == "/sections/others-2/"


def test_a_section_level_above_six_is_refused():
    with pytest.raises(IntegrityError):
        Section.objects.create(title="Too deep", level=7)


def test_papers_know_their_code_and_blog_links_in_order(section):
    paper = new_paper(section)
    paper.save()
    for position, label in enumerate(["Demo-2", "Demo-1"]):
        PaperLink.objects.create(paper=paper, kind="blog", label=label, url="https://example.org/", position=position)
    PaperLink.objects.create(paper=paper, kind="code", label="Github", url="https://github.com/a/b")
    assert [link.label for link in paper.blog_links] == ["Demo-2", "Demo-1"]
    assert [link.label for link in paper.code_links] == ["Github"]
    assert list(Paper.objects.with_code()) == [paper]
    assert str(paper) == "A paper" and paper.get_absolute_url() == f"/papers/{paper.pk}/"
