"""BibTeX entries: entry types, arXiv fields, authors, escaping and keys unique across the catalog."""

import datetime as dt
import re
import time

import pybtex.database
import pytest
from django.core.cache import cache
from taggit.models import Tag

from catalog.bibtex import (
    KEYS_CACHE_KEY,
    KEYS_STAMP_CACHE_KEY,
    base_key,
    bibtex_authors,
    bibtex_key,
    catalog_keys,
    disambiguated_keys,
    escape_latex,
    paper_bibtex,
)
from catalog.catalog_version import current_state
from catalog.identity import arxiv_id
from catalog.models import Paper, Venue, VenueKind
from catalog.paper_records import PaperRecord
from tests.factories import PaperFactory

ENTRY = re.compile(r"^@(?P<type>\w+)\{(?P<key>[^,\s]+),\n(?P<body>.*?)\n\}\n", re.DOTALL | re.MULTILINE)
FIELD = re.compile(r"^  (?P<name>\w+) = (?P<value>.*),$")


def parse_bibtex(text: str) -> list[dict]:
    """Entries as dicts with `type`, `key` and each field, braces around values removed."""
    entries = []
    for match in ENTRY.finditer(text):
        entry = {"type": match["type"], "key": match["key"]}
        for line in match["body"].split("\n"):
            field = FIELD.match(line)
            assert field, f"not a field line: {line!r}"
            value = field["value"]
            entry[field["name"]] = value[1:-1] if value.startswith("{") else value
        entries.append(entry)
    return entries


def paper(title="Interpretability in the Wild", url="https://arxiv.org/pdf/2211.00593", venue=None, pk=17):
    """The record of a paper without authors or topics."""
    venue_name, venue_kind = (venue.name, venue.kind) if venue else (None, None)
    texts = dict.fromkeys(["star_repo", "abstract", "arxiv_id", "doi", "openreview_id"], "")
    lists = dict.fromkeys(["code", "blog", "tags", "topic_names", "authors"], [])
    return PaperRecord(
        pk=pk,
        title=title,
        url=url,
        venue=venue_name,
        venue_kind=venue_kind,
        date=dt.date(2022, 11, 1),
        section_slug="papers",
        section_title="Papers",
        citation_count=None,
        **texts,
        **lists,
    )


def bibtex_of(record: PaperRecord, topics=()) -> str:
    return paper_bibtex(record._replace(topic_names=[tag.name for tag in topics]), {})


def only_entry(text: str) -> dict:
    entries = parse_bibtex(text)
    assert len(entries) == 1 == sum(line.startswith("@") for line in text.splitlines())
    return entries[0]


def braces_balance(text: str) -> bool:
    """Whether the braces of `text` balance as BibTeX counts them: every brace, backslash or not."""
    depth = 0
    for character in text:
        depth += {"{": 1, "}": -1}.get(character, 0)
        if depth < 0:
            return False
    return depth == 0


def test_an_arxiv_preprint_is_misc_with_eprint_archive_prefix_and_url():
    entry = only_entry(bibtex_of(paper(venue=Venue(name="arXiv", kind=VenueKind.PREPRINT))))
    assert entry == {
        "type": "misc",
        "key": "anon2022interpretability",
        "title": "{Interpretability in the Wild}",
        "year": "2022",
        "month": "nov",
        "eprint": "2211.00593",
        "archivePrefix": "arXiv",
        "url": "https://arxiv.org/pdf/2211.00593",
    }


def test_a_conference_paper_is_inproceedings_and_keeps_its_arxiv_eprint():
    entry = only_entry(bibtex_of(paper(venue=Venue(name="ICLR", kind=VenueKind.CONFERENCE))))
    assert (entry["type"], entry["booktitle"], entry["eprint"]) == ("inproceedings", "ICLR", "2211.00593")


def test_a_workshop_paper_is_inproceedings():
    entry = only_entry(bibtex_of(paper(venue=Venue(name="MI@ICML", kind=VenueKind.WORKSHOP))))
    assert (entry["type"], entry["booktitle"]) == ("inproceedings", "MI@ICML")


def test_a_journal_paper_is_an_article_without_eprint_when_not_on_arxiv():
    journal = Venue(name="Distill", kind=VenueKind.JOURNAL)
    entry = only_entry(bibtex_of(paper(url="https://distill.pub/2020/circuits/zoom-in", venue=journal)))
    assert (entry["type"], entry["journal"]) == ("article", "Distill")
    assert "eprint" not in entry and "archivePrefix" not in entry
    assert entry["url"] == "https://distill.pub/2020/circuits/zoom-in"


def test_a_blog_post_is_misc_published_by_its_venue():
    blog = Venue(name="LessWrong", kind=VenueKind.BLOG)
    entry = only_entry(bibtex_of(paper(url="https://www.lesswrong.com/posts/abc/x", venue=blog)))
    assert (entry["type"], entry["howpublished"]) == ("misc", "LessWrong")


def test_a_paper_without_venue_is_misc_without_venue_fields():
    entry = only_entry(bibtex_of(paper(url="https://example.org/paper.pdf")))
    assert entry["type"] == "misc"
    assert not {"booktitle", "journal", "howpublished", "eprint"} & entry.keys()


@pytest.mark.parametrize(
    "url, identifier",
    [
        ("https://arxiv.org/abs/2211.00593", "2211.00593"),
        ("https://arxiv.org/pdf/2311.04131v3", "2311.04131"),
        ("http://arxiv.org/pdf/2401.12874v2.pdf", "2401.12874"),
        ("https://www.arxiv.org/abs/1501.00001#section", "1501.00001"),
        ("https://arxiv.org/abs/hep-th/9901001v1", "hep-th/9901001"),
        ("https://arxiv.org/abs/math.GT/0309136", "math.GT/0309136"),
        ("https://arxiv.org/html/2406.11779v1", "2406.11779"),
        ("https://openreview.net/pdf?id=F76bwRSLeK", None),
        ("https://example.org/arxiv.org/abs/2211.00593", None),
        ("https://arxiv.org/list/cs.CL/recent", None),
    ],
)
def test_arxiv_identifiers_are_read_from_abs_pdf_and_html_urls(url, identifier):
    assert arxiv_id(url) == identifier


def test_latex_special_characters_in_titles_are_escaped_and_braces_balance():
    title = r"50% of {tokens} & $x_i$ #1 ~ ^ \ unbalanced } {"
    entry = only_entry(bibtex_of(paper(title=title)))
    assert entry["title"] == (
        r"{50\% of \textbraceleft{}tokens\textbraceright{} \& \$x\_i\$ \#1 \textasciitilde{} \textasciicircum{} "
        r"\textbackslash{} unbalanced \textbraceright{} \textbraceleft{}}"
    )
    assert braces_balance(entry["title"])


def test_topics_are_the_keywords_escaped():
    topics = [Tag(name="circuits"), Tag(name="sae_features")]
    entry = only_entry(bibtex_of(paper(), topics=topics))
    assert entry["keywords"] == r"circuits, sae\_features"
    assert "keywords" not in only_entry(bibtex_of(paper()))


def test_escape_latex_leaves_plain_and_unicode_text_alone():
    assert escape_latex("Café: Attention – Heads") == "Café: Attention – Heads"


def test_braces_in_urls_cannot_break_the_entry():
    text = bibtex_of(paper(url="https://example.org/a{b}c}"))
    assert only_entry(text)["url"] == "https://example.org/a%7Bb%7Dc%7D"


@pytest.mark.parametrize(
    "author, title, key",
    [
        ("Kevin Wang", "Interpretability in the Wild", "wang2022interpretability"),
        ("Trenton Bricken", "Towards Monosemanticity: Decomposing Language Models", "bricken2022monosemanticity"),
        ("Nelson Elhage", "A Mathematical Framework for Transformer Circuits", "elhage2022mathematical"),
        ("Jan van der Berg", "Ésprit de corps", "berg2022esprit"),
        ("Łukasz Müller-Lüdenscheidt", "On the", "ludenscheidt2022paper"),
        ("Olah, Chris", "“?!”", "olah2022paper"),
        (None, "Interpretability in the Wild", "anon2022interpretability"),
    ],
)
def test_keys_are_the_first_authors_last_name_the_year_and_a_title_word(author, title, key):
    assert base_key(author, 2022, title) == key


@pytest.mark.django_db
def test_unbalanced_braces_in_titles_and_venues_keep_every_entry_whole(seeded, client):
    """The whole download parses with pybtex, and every paper keeps its year and URL, whatever braces it holds."""
    section = Paper.objects.first().section
    hostile = [
        ("Open { brace only", "Workshop x}"),
        ("Close } brace only", "{Workshop"),
        ("}{ Both ways round \\", "x}}}"),
    ]
    for number, (title, venue) in enumerate(hostile):
        Paper.objects.create(
            section=section,
            title=title,
            url=f"https://example.org/{number}",
            venue=Venue.objects.create(name=venue, kind=VenueKind.CONFERENCE),
            date=dt.date(2030, 1, 1 + number),
        )
    response = client.get("/papers.bib")
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode()

    entries = pybtex.database.parse_string(text, "bibtex").entries
    assert len(entries) == Paper.objects.count()
    papers = {paper.url: paper for paper in Paper.objects.all()}
    for entry in entries.values():
        paper = papers[entry.fields["url"]]
        assert entry.fields["year"] == str(paper.date.year)
    booktitles = {entry.fields["url"]: entry.fields.get("booktitle") for entry in entries.values()}
    assert booktitles["https://example.org/0"] == r"Workshop x\textbraceright{}"
    assert booktitles["https://example.org/1"] == r"\textbraceleft{}Workshop"


def test_authors_are_written_last_name_first_joined_by_and():
    names = ["Kevin Wang", "Jan van der Berg", "Olah, Chris", "OpenAI", "Jo_e {Smith}"]
    assert bibtex_authors(names) == (
        r"Wang, Kevin and van der Berg, Jan and Olah, Chris and OpenAI and "
        r"\textbraceleft{}Smith\textbraceright{}, Jo\_e"
    )


def test_keys_shared_by_papers_of_the_catalog_get_a_letter_in_order_of_the_papers():
    rows = [
        (3, "Kevin Wang", 2022, "Interpretability in the wild"),
        (1, "Kevin Wang", 2022, "Interpretability of circuits"),
        (7, "Anna Wang", 2022, "Interpretability again"),
        (5, "Bo Wang", 2022, "Interpretabilityb"),
        (9, "Kevin Wang", 2023, "Interpretability in the wild"),
    ]
    keys = disambiguated_keys(rows)
    assert keys == {3: "wang2022interpretabilityc", 7: "wang2022interpretabilityd"}, "b is another paper's key"
    assert {keys.get(pk, base_key(*row)) for pk, *row in rows} == {
        "wang2022interpretability",
        "wang2022interpretabilityb",
        "wang2022interpretabilityc",
        "wang2022interpretabilityd",
        "wang2023interpretability",
    }


def test_a_key_of_the_catalog_map_wins_over_the_base_key():
    unsaved = paper()
    assert bibtex_key(unsaved, {17: "anon2022interpretabilityb"}) == "anon2022interpretabilityb"
    assert bibtex_key(unsaved, {}) == "anon2022interpretability"


def test_a_key_of_the_catalog_map_is_ignored_once_its_paper_has_another_base_key():
    renamed = paper(title="Circuits in the wild")
    assert bibtex_key(renamed, {17: "anon2022interpretabilityb"}) == "anon2022circuits"


@pytest.mark.django_db
def test_while_the_catalog_changes_the_keys_are_worked_out_again_at_most_once_a_refresh_period(
    settings, django_assert_num_queries
):
    settings.CATALOG_DOWNLOAD_REFRESH_SECONDS = 60
    PaperFactory(title="Grokking explained", date=dt.date(2023, 1, 1))
    assert catalog_keys() == {}
    newer = PaperFactory(title="Grokking revisited", date=dt.date(2023, 5, 1))

    with django_assert_num_queries(1):  # the catalog's version, not every paper
        assert catalog_keys() == {}, "within the period, the keys worked out a moment ago"

    settings.CATALOG_DOWNLOAD_REFRESH_SECONDS = 0
    assert catalog_keys() == {newer.pk: "anon2023grokkingb"}


class CacheReads:
    """The keys of the cache entries read, through a wrapper of the default cache's get()."""

    def __init__(self, monkeypatch):
        self.keys = []
        get = cache.get
        monkeypatch.setattr(
            cache, "get", lambda key, *args, **kwargs: self.keys.append(key) or get(key, *args, **kwargs)
        )


@pytest.mark.django_db
def test_a_process_reads_the_keys_from_the_cache_only_when_another_worked_them_out(monkeypatch):
    first = PaperFactory(title="Grokking explained", date=dt.date(2023, 1, 1))
    second = PaperFactory(title="Grokking revisited", date=dt.date(2023, 5, 1))
    assert catalog_keys() == {second.pk: "anon2023grokkingb"}
    reads = CacheReads(monkeypatch)

    assert catalog_keys() == {second.pk: "anon2023grokkingb"}
    assert reads.keys == [KEYS_STAMP_CACHE_KEY], "the stamp only, not the keys again"

    # Another process works the keys out for a newer catalog: this one reads them.
    first.delete()
    other_keys = {second.pk: "anon2023grokkingz"}
    stamp = (current_state().version, time.time())
    cache.set_many({KEYS_CACHE_KEY: (stamp, other_keys), KEYS_STAMP_CACHE_KEY: stamp})
    reads.keys.clear()
    assert catalog_keys() == other_keys
    assert reads.keys == [KEYS_STAMP_CACHE_KEY, KEYS_CACHE_KEY]


@pytest.mark.django_db
def test_keys_are_worked_out_again_when_the_cache_lost_them(settings):
    settings.CATALOG_DOWNLOAD_REFRESH_SECONDS = 60
    PaperFactory(title="Grokking explained", date=dt.date(2023, 1, 1))
    assert catalog_keys() == {}
    newer = PaperFactory(title="Grokking revisited", date=dt.date(2023, 5, 1))
    assert catalog_keys() == {}, "within the period, the keys worked out a moment ago"

    cache.clear()  # nothing tells this process any more when its keys were worked out
    assert catalog_keys() == {newer.pk: "anon2023grokkingb"}
