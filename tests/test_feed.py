"""The Atom feed of the papers added last, for the whole list or one filter."""

import datetime as dt
from xml.etree import ElementTree

import pytest
from django.core.exceptions import ValidationError
from taggit.models import Tag

from catalog.feeds import FEED_SIZE, NEWEST_ADDITIONS
from catalog.models import Author, Paper, PaperAuthor, PaperLink, Resource, Section, Venue
from catalog.page_cache import HIT, STATUS_HEADER
from tests.admin_support import make_user
from tests.topics import having_topic

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def get_feed(client, query=""):
    response = client.get(f"/papers/feed/?{query}" if query else "/papers/feed/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root


def links(element) -> dict[str, str]:
    return {link.get("rel"): link.get("href") for link in element.findall(f"{ATOM}link")}


def entry_ids(root) -> list[int]:
    return [int(links(entry)["alternate"].rstrip("/").rsplit("/", 1)[1]) for entry in root.findall(f"{ATOM}entry")]


def test_feed_is_valid_atom_with_the_newest_papers(seeded, client):
    root = get_feed(client)
    assert root.findtext(f"{ATOM}title") == "Awesome Interpretability in LLMs: papers added"
    assert root.findtext(f"{ATOM}id") == "http://testserver/papers/"
    assert dt.datetime.fromisoformat(root.findtext(f"{ATOM}updated"))
    assert links(root) == {"alternate": "http://testserver/papers/", "self": "http://testserver/papers/feed/"}
    assert root.findtext(f"{ATOM}author/{ATOM}name")
    rows = Paper.objects.values_list("id", "created_at", "date", "position")
    newest = [
        row[0] for row in sorted(rows, key=lambda row: (-row[1].timestamp(), -row[2].toordinal(), row[3], -row[0]))
    ]
    assert entry_ids(root) == newest[:FEED_SIZE]
    # One import adds every paper at once: newest publication first.
    assert len({row[1] for row in rows}) == 1


@pytest.mark.parametrize("query", ["", "tag=sae", "section=interpretable-analysis-of-llms", "tag=sae&year=2022"])
def test_a_paper_added_today_leads_the_feeds_whatever_its_date(seeded, client, query):
    section = Section.objects.get(slug="interpretable-analysis-of-llms")
    added = Paper.objects.create(
        title="An old paper added late", url="https://example.org/old", date=dt.date(2022, 3, 1), section=section
    )
    added.tags.add("sae")
    assert entry_ids(get_feed(client, query))[0] == added.pk


def test_each_entry_links_to_the_paper_page_with_its_tags_as_categories(seeded, client):
    paper = Paper.objects.order_by(*NEWEST_ADDITIONS).first()
    paper.tags.set(["circuits", "sae"])
    entry = get_feed(client).find(f"{ATOM}entry")
    detail_url = f"http://testserver{paper.get_absolute_url()}"
    assert entry.findtext(f"{ATOM}title") == paper.title
    assert entry.findtext(f"{ATOM}id") == detail_url
    assert links(entry) == {"alternate": detail_url}
    paper.refresh_from_db()
    assert dt.datetime.fromisoformat(entry.findtext(f"{ATOM}updated")) == paper.updated_at
    assert dt.datetime.fromisoformat(entry.findtext(f"{ATOM}published")) == paper.created_at
    assert [category.get("term") for category in entry.findall(f"{ATOM}category")] == ["circuits", "sae"]
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert paper.date.isoformat() in summary.text and f'href="{paper.url}"' in summary.text


def test_titles_and_summaries_are_escaped(seeded, client):
    section = Section.objects.filter(papers__isnull=False).first()
    Paper.objects.create(
        title="Heads & <b>tails</b>", url="https://example.org/x?a=1&b=2", date=dt.date(2031, 1, 1), section=section
    )
    entry = get_feed(client).find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Heads & <b>tails</b>"
    assert 'href="https://example.org/x?a=1&amp;b=2"' in entry.findtext(f"{ATOM}summary")


def test_the_feed_title_names_the_filters_in_words(seeded, client):
    Tag.objects.filter(slug="sae").update(name="Sparse autoencoders")
    query = "has_code=true&venue_kind=workshop&section=survey-papers&tag=sae&venue=ICLR+Workshop"
    assert get_feed(client, query).findtext(f"{ATOM}title") == (
        "Awesome Interpretability in LLMs: papers added in “Survey Papers”, at ICLR Workshop, from a workshop, "
        "tagged Sparse autoencoders, with code"
    )


def test_feed_of_one_tag_lists_only_its_papers_and_says_so(seeded, client):
    root = get_feed(client, "tag=sae")
    assert root.findtext(f"{ATOM}title") == "Awesome Interpretability in LLMs: papers added tagged sae"
    assert links(root) == {
        "alternate": "http://testserver/papers/?tag=sae",
        "self": "http://testserver/papers/feed/?tag=sae",
    }
    tagged = having_topic(Paper.objects.all(), "sae").order_by(*NEWEST_ADDITIONS).values_list("id", flat=True)
    assert set(tagged) > set(Paper.objects.filter(tags__slug="sae").values_list("id", flat=True))
    assert entry_ids(root) == list(tagged[:FEED_SIZE])
    assert all(
        "sae" in [c.get("term") for c in entry.findall(f"{ATOM}category")] for entry in root.iter(f"{ATOM}entry")
    )


def test_feed_of_venues_and_a_year(seeded, client):
    root = get_feed(client, "venue=ICLR&venue=NeurIPS&year=2024")
    assert root.findtext(f"{ATOM}title") == "Awesome Interpretability in LLMs: papers added at ICLR or NeurIPS, 2024"
    expected = Paper.objects.filter(venue__name__in=["ICLR", "NeurIPS"], date__year=2024).order_by(*NEWEST_ADDITIONS)
    assert entry_ids(root) == list(expected.values_list("id", flat=True))
    assert entry_ids(root)


def test_feed_ids_differ_per_filter(seeded, client):
    assert get_feed(client, "tag=sae").findtext(f"{ATOM}id") != get_feed(client, "tag=circuits").findtext(f"{ATOM}id")


def test_one_feed_has_one_address_whatever_the_order_sort_page_or_empty_values(seeded, client):
    canonical = get_feed(client, "tag=sae&venue=NeurIPS&venue=ICLR")
    same = get_feed(client, "venue=ICLR&q=&tag=sae&sort=title&venue=NeurIPS&page=2&year=")
    expected = "http://testserver/papers/?venue=ICLR&venue=NeurIPS&tag=sae"
    for root in (canonical, same):
        assert root.findtext(f"{ATOM}id") == expected
        assert links(root) == {"alternate": expected, "self": expected.replace("/papers/", "/papers/feed/")}
    assert same.findtext(f"{ATOM}title") == canonical.findtext(f"{ATOM}title")
    assert entry_ids(same) == entry_ids(canonical)


@pytest.mark.parametrize("query", ["tag=nope", "year=abc", "venue=%27%3B--", "date_before=2024-02-30"])
def test_bad_filter_values_are_400_with_a_message(seeded, client, query):
    response = client.get(f"/papers/feed/?{query}")
    assert response.status_code == 400
    assert response.content.decode().startswith(query.split("=")[0] + ": ")


def test_feed_runs_a_fixed_number_of_queries(seeded, client, django_assert_num_queries):
    # the catalog's version, the tag value, the papers with venue and section, their topics
    with django_assert_num_queries(4):
        client.get("/papers/feed/?tag=sae")
    with django_assert_num_queries(3):
        client.get("/papers/feed/")
    with django_assert_num_queries(1):
        assert client.get("/papers/feed/")[STATUS_HEADER] == HIT


def test_an_empty_feed_is_still_valid(seeded, client):
    root = get_feed(client, "year=1999")
    assert root.findall(f"{ATOM}entry") == []
    assert root.findtext(f"{ATOM}updated")


@pytest.mark.parametrize("query", ["q=%EF%BF%BF", "q=a%EF%BF%BEb", "q=%EF%B7%90"])
def test_a_search_holding_a_noncharacter_is_refused_with_a_message(seeded, client, query):
    for url in ("/papers/feed/", "/papers.json"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400, url
        assert "noncharacter U+" in response.content.decode(), url
    page = client.get(f"/papers/?{query}")
    assert "noncharacter U+" in page.content.decode()


@pytest.mark.parametrize("value", ["Broken \uffff feed", "Broken \ufffe feed", "Old \ufdd0 bytes"])
def test_noncharacters_are_refused_in_every_text_field(seeded, value):
    paper = Paper.objects.first()
    paper.title = value
    with pytest.raises(ValidationError) as error:
        paper.full_clean()
    code = f"U+{ord(value.split()[1]):04X}"
    assert error.value.message_dict["title"] == [f"This text must not contain the Unicode noncharacter {code}."]
    for model, field in [(Venue, "name"), (Section, "title"), (Resource, "description"), (PaperLink, "label")]:
        instance = model.objects.first()
        setattr(instance, field, value)
        with pytest.raises(ValidationError) as error:
            instance.full_clean()
        assert field in error.value.message_dict, model


def test_the_admin_refuses_a_title_with_a_noncharacter(seeded, client):
    client.force_login(make_user("admin", superuser=True))
    paper = Paper.objects.first()
    response = client.get(f"/admin/catalog/paper/{paper.pk}/change/")
    data = {**response.context["adminform"].form.initial}
    form = response.context["adminform"].form.__class__(data={**data, "title": "A \uffff title"}, instance=paper)
    assert not form.is_valid()
    assert "noncharacter U+FFFF" in " ".join(form.errors["title"])


def test_a_stored_noncharacter_is_left_out_of_a_well_formed_feed(seeded, client):
    paper = Paper.objects.order_by("-date").first()
    Paper.objects.filter(pk=paper.pk).update(title="Broken \uffff\ufffe feed \x0b here")
    Tag.objects.create(name="tag\uffff")
    paper.tags.add("tag\uffff")
    root = get_feed(client)
    titles = [entry.findtext(f"{ATOM}title") for entry in root.findall(f"{ATOM}entry")]
    assert "Broken  feed  here" in titles


def test_tag_and_section_pages_link_their_feeds(seeded, client):
    html = client.get("/tags/").content.decode()
    for tag in Tag.objects.filter(catalog_taggedpaper_items__isnull=False).distinct():
        assert f'<a href="/papers/?tag={tag.slug}">{tag.name}</a>' in html
        assert f'href="/papers/feed/?tag={tag.slug}"' in html
        get_feed(client, f"tag={tag.slug}")
    section = Section.objects.get(slug="interpretable-analysis-of-llms")
    html = client.get(section.get_absolute_url()).content.decode()
    assert f'<link rel="alternate" type="application/atom+xml" title="Papers added to {section.title}"' in html
    assert f'href="/papers/feed/?section={section.slug}">Atom feed of papers added here</a>' in html


def test_an_author_page_links_the_feed_of_their_papers(seeded, client):
    author = Author.objects.create(name="Neel Nanda")
    papers = list(Paper.objects.order_by("date")[:2])
    for paper in papers:
        PaperAuthor.objects.create(paper=paper, author=author)
    html = client.get(author.get_absolute_url()).content.decode()
    assert f'href="/papers/feed/?author={author.slug}">Atom feed of their papers added to the catalog</a>' in html
    root = get_feed(client, f"author={author.slug}")
    assert sorted(entry_ids(root)) == sorted(paper.pk for paper in papers)
    assert root.findtext(f"{ATOM}title") == "Awesome Interpretability in LLMs: papers added by Neel Nanda"
