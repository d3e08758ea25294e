"""The list parameters: each narrows the papers as it says, they AND together, bad values are form errors."""

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from taggit.models import Tag

from catalog.filters import PaperFilter, ResourceFilter, forgiving_query
from catalog.models import Paper, PaperLink, Resource, Section, Venue, VenueKind
from catalog.selectors import paper_facets
from tests.topics import ENTRY_TOPICS_RELATED, expected_topics

pytestmark = pytest.mark.django_db


def paper_filter(query):
    return PaperFilter(QueryDict(query), queryset=Paper.objects.all())


def found(query):
    filterset = paper_filter(query)
    assert filterset.is_valid(), filterset.errors
    return list(filterset.qs)


def ids(papers):
    return {paper.pk for paper in papers}


def every_paper():
    return list(Paper.objects.select_related("venue", "section").prefetch_related("links", *ENTRY_TOPICS_RELATED))


def where(predicate):
    ids = {paper.pk for paper in every_paper() if predicate(paper)}
    assert ids, "the seed should hold papers for this check"
    return ids


def test_no_parameters_lists_every_paper_newest_first(seeded):
    papers = found("")
    assert len(papers) == Paper.objects.count()
    dates = [paper.date for paper in papers]
    assert dates == sorted(dates, reverse=True)


def test_ties_on_date_keep_readme_order(seeded):
    papers = found("")
    for earlier, later in zip(papers, papers[1:], strict=False):
        if earlier.date == later.date:
            assert (earlier.position, earlier.pk) < (later.position, later.pk)


def searchable_text(paper):
    links = " ".join(f"{link.label} {link.url}" for link in paper.links.all())
    return f"{paper.title} {paper.venue or ''} {paper.url} {links}".lower()


def test_q_matches_words_in_the_title(seeded):
    in_titles = where(lambda p: "superposition" in p.title.lower())
    assert in_titles <= ids(found("q=superposition")) == where(lambda p: "superposition" in searchable_text(p))


def test_q_needs_every_word(seeded):
    expected = where(lambda p: "sparse" in searchable_text(p) and "autoencoders" in searchable_text(p))
    assert ids(found("q=Sparse+autoencoders")) == expected
    assert expected < ids(found("q=sparse"))


def test_q_in_double_quotes_is_one_phrase(seeded):
    phrase = where(lambda p: "sparse feature" in searchable_text(p))
    assert ids(found(urlencode({"q": '"sparse feature"'}))) == phrase
    assert ids(found(urlencode({"q": "'sparse feature' github"}))) == phrase & where(
        lambda p: "github" in searchable_text(p)
    )
    assert phrase < ids(found("q=sparse+feature"))


def test_q_matches_the_venue_and_the_links(seeded):
    assert ids(found("q=NeurIPS")) >= where(lambda p: p.venue and p.venue.name == "NeurIPS")
    repo_word = "Spectral-DeTuning"
    assert ids(found(f"q={repo_word}")) == where(
        lambda p: any(repo_word.lower() in link.url.lower() for link in p.links.all())
    )


def test_section_narrows_to_its_papers_and_those_of_its_subsections(seeded):
    assert ids(found("section=survey-papers")) == where(lambda p: p.section.slug == "survey-papers")
    parent = Section.objects.get(slug="awesome-interpretability-papers")
    assert ids(found(f"section={parent.slug}")) == where(lambda p: p.section.parent_id == parent.pk)


def test_venue_narrows_and_repeats_as_any_of(seeded):
    iclr = where(lambda p: p.venue and p.venue.name == "ICLR")
    icml = where(lambda p: p.venue and p.venue.name == "ICML")
    assert ids(found("venue=ICLR")) == iclr
    assert ids(found("venue=ICLR&venue=ICML")) == iclr | icml


def test_venue_kind_narrows(seeded):
    assert ids(found("venue_kind=workshop")) == where(lambda p: p.venue and p.venue.kind == "workshop")


def test_tag_narrows_and_repeats_as_every_tag(seeded):
    def tagged(*slugs):
        return lambda p: set(slugs) <= expected_topics(p)

    assert ids(found("tag=sae")) == where(tagged("sae"))
    both = ids(found("tag=sae&tag=superposition"))
    assert both == where(tagged("sae", "superposition"))
    assert both < ids(found("tag=sae"))


def test_tag_finds_the_papers_of_a_section_implying_it_and_those_tagged_with_it(seeded):
    """The SAE section implies `sae`: every paper listed there has it, tagged or not, as have the papers tagged `sae`
    in other sections."""
    sae_section = Section.objects.get(title="SAE, Dictionary Learning and Superposition")
    in_section = set(sae_section.papers.values_list("pk", flat=True))
    tagged = set(Paper.objects.filter(tags__slug="sae").values_list("pk", flat=True))
    assert in_section - tagged and tagged - in_section, "the seed has both kinds"

    assert ids(found("tag=sae")) == in_section | tagged
    assert ids(found(f"tag=sae&section={sae_section.slug}")) == in_section


def test_a_topic_a_section_implies_follows_the_paper_not_its_tags(seeded):
    sae = Tag.objects.get(slug="sae")
    moved = Paper.objects.get(title="Softmax Linear Units")
    assert not moved.tags.exists() and moved.pk in ids(found("tag=sae"))
    moved.section = Section.objects.get(slug="others")
    moved.save()
    assert moved.pk not in ids(found("tag=sae")), "moved out of the section, it no longer has its topics"

    untagged = Paper.objects.get(title="Sparse Autoencoders Find Highly Interpretable Features in Language Models")
    untagged.tags.remove(sae)
    assert untagged.pk in ids(found("tag=sae")), "its section still implies the tag removed"

    elsewhere = Paper.objects.get(title="Transcoders Find Interpretable LLM Feature Circuits")
    elsewhere.tags.remove(sae)
    assert elsewhere.pk not in ids(found("tag=sae")), "a section that implies nothing adds nothing"


def test_year_and_dates_narrow(seeded):
    assert ids(found("year=2023")) == where(lambda p: p.date.year == 2023)
    assert ids(found("date_after=2024-06-01")) == where(lambda p: p.date >= dt.date(2024, 6, 1))
    assert ids(found("date_before=2022-12-31")) == where(lambda p: p.date <= dt.date(2022, 12, 31))
    assert ids(found("date_after=2024-05-01&date_before=2024-05-31")) == where(
        lambda p: dt.date(2024, 5, 1) <= p.date <= dt.date(2024, 5, 31)
    )


def test_has_code_splits_the_papers(seeded):
    with_code = where(lambda p: any(link.kind == PaperLink.Kind.CODE for link in p.links.all()))
    without_code = where(lambda p: not any(link.kind == PaperLink.Kind.CODE for link in p.links.all()))
    assert ids(found("has_code=true")) == with_code
    assert ids(found("has_code=false")) == without_code
    assert len(found("has_code=true")) == len(with_code), "no paper twice for several code links"


def test_filters_and_together(seeded):
    expected = where(
        lambda p: p.venue and p.venue.name == "arXiv" and p.date.year == 2024 and "sae" in expected_topics(p)
    )
    assert ids(found("venue=arXiv&year=2024&tag=sae")) == expected
    assert ids(found("venue=ICLR&year=2024")) == where(
        lambda p: p.venue and p.venue.name == "ICLR" and p.date.year == 2024
    )


@pytest.mark.parametrize(
    ("sort", "key", "reverse"),
    [
        ("-date", lambda p: p.date, True),
        ("date", lambda p: p.date, False),
        ("title", lambda p: p.title.lower(), False),
        ("-title", lambda p: p.title.lower(), True),
        ("venue", lambda p: p.venue.name.lower() if p.venue else "\uffff", False),
    ],
)
def test_sort_orders_the_papers(seeded, sort, key, reverse):
    papers = found(f"sort={sort}")
    assert len(papers) == Paper.objects.count()
    keys = [key(paper) for paper in papers]
    assert keys == sorted(keys, reverse=reverse)


def test_sort_applies_to_a_filtered_list(seeded):
    titles = [paper.title.lower() for paper in found("venue=ICLR&sort=title")]
    assert titles == sorted(titles) and len(titles) == Paper.objects.filter(venue__name="ICLR").count()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("year=abc", "year"),
        ("year=2023.5", "year"),
        ("venue=NoSuchVenue", "venue"),
        ("venue=ICLR&venue=NoSuchVenue", "venue"),
        ("tag=no-such-tag", "tag"),
        ("tag=%00", "tag"),
        ("section=no-such-section", "section"),
        ("venue_kind=podcast", "venue_kind"),
        ("date_after=2024-13-45", "date_after"),
        ("date_before=yesterday", "date_before"),
        ("date_after=2024-06-01&date_before=2024-01-01", "date_before"),
        ("has_code=maybe", "has_code"),
        ("sort=password", "sort"),
        ("q=" + "x" * 10_000, "q"),
    ],
)
def test_bad_values_are_form_errors_the_page_leaves_out(seeded, query, field):
    filterset = paper_filter(query)
    assert not filterset.is_valid()
    assert field in filterset.errors
    kept, dropped = forgiving_query(filterset)
    assert {value.name for value in dropped} == {field}
    assert paper_filter(kept.urlencode()).is_valid()


def test_of_a_repeated_parameter_only_the_bad_values_are_left_out(seeded):
    kept, dropped = forgiving_query(paper_filter("venue=ICLR&venue=NoSuchVenue&tag=sae&tag=no-such-tag&year=2024"))
    assert kept.getlist("venue") == ["ICLR"] and kept.getlist("tag") == ["sae"] and kept["year"] == "2024"
    assert [(value.label, value.value) for value in dropped] == [("Venue", "NoSuchVenue"), ("Tag", "no-such-tag")]


def test_counts_per_choice_leave_out_the_counted_parameter(seeded):
    filterset = paper_filter("venue=ICLR&year=2024")
    assert filterset.is_valid()
    other_venues = filterset.queryset_without("venue")
    assert ids(other_venues) == where(lambda p: p.date.year == 2024)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "venue=ICLR&tag=sae",
        "venue=ICLR&venue=NeurIPS&year=2024",
        "venue_kind=conference&has_code=true",
        "section=interpretable-analysis-of-llms&has_code=false&q=model",
    ],
)
def test_each_choice_counts_the_papers_the_list_shows_when_it_is_chosen(seeded, query):
    filterset = paper_filter(query)
    assert filterset.is_valid(), filterset.errors
    facets = paper_facets(filterset)
    assert facets.total == len(found(query))
    every_value = {
        "venue": Venue.objects.values_list("name", flat=True),
        "tag": Tag.objects.values_list("slug", flat=True),
        "section": Section.objects.values_list("slug", flat=True),
        "year": {str(paper.date.year) for paper in every_paper()},
        "venue_kind": VenueKind.values,
        "has_code": ["true", "false"],
    }
    for name, values in every_value.items():
        counts = {choice.value: choice.count for choice in facets.choices[name]}
        for value in values:
            chosen = QueryDict(query, mutable=True)
            if name == "tag":
                chosen.appendlist(name, value)
            else:
                chosen.setlist(name, [value])
            assert counts.get(value, 0) == len(found(chosen.urlencode())), (name, value)


def resources(query):
    filterset = ResourceFilter(QueryDict(query), queryset=Resource.objects.all())
    assert filterset.is_valid(), filterset.errors
    return {resource.pk for resource in filterset.qs}


def test_resource_filters(seeded):
    every = list(Resource.objects.select_related("section").prefetch_related("links", *ENTRY_TOPICS_RELATED))
    assert resources("q=Pyvene") == {r.pk for r in every if "pyvene" in f"{r.name} {r.description} {r.url}".lower()}
    assert resources("q=readthedocs") == {
        r.pk for r in every if any("readthedocs" in link.url for link in r.links.all())
    }
    library = {r.pk for r in every if "library" in expected_topics(r)}
    assert library and resources("tag=library") == library
    libraries = Section.objects.get(title="Awesome Interpretability Libraries")
    assert library == set(libraries.resources.values_list("pk", flat=True))


def test_resource_filter_refuses_unknown_tags(seeded):
    filterset = ResourceFilter(QueryDict("tag=no-such-tag"), queryset=Resource.objects.all())
    assert not filterset.is_valid() and "tag" in filterset.errors


@pytest.mark.parametrize("url", ["/papers/?sort=,", "/resources/?sort=,", "/resources/?sort=name,,-name"])
def test_empty_sort_keys_are_left_out(seeded, client, url):
    assert client.get(url).status_code == 200
