"""The public pages: what each shows, how the papers list filters and pages, and what the pages may not contain."""

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin

import pytest
from django.db import connection
from django.db.models import Q
from django.db.models.functions import Lower
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.filters import PaperFilter
from catalog.models import Paper, Repository, Resource, Section, Venue, VenueKind, repository_value
from catalog.page_cache import HIT, STATUS_HEADER
from tests.pages import OUTPUTS, PUBLIC_PAGES
from tests.synthetic import add_papers
from tests.topics import ENTRY_TOPICS_RELATED, expected_topics, having_topic

pytestmark = pytest.mark.django_db

VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict
    ancestors: tuple
    raw: str = ""

    @property
    def text(self):
        return " ".join(self.raw.split())


class Page(HTMLParser):
    """The parts of an HTML page the tests look at: links, elements by id, inline code, form controls, texts."""

    def __init__(self, html):
        super().__init__()
        self.links, self.ids, self.inline_scripts, self.handlers, self.styles = [], {}, 0, [], []
        self.checked, self.h1 = [], 0
        self.elements, self.open, self.controls, self.label_targets, self.rows = [], [], [], set(), []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and "href" in attributes:
            self.links.append(attributes)
        if "id" in attributes:
            self.ids[attributes["id"]] = attributes
        if tag == "script" and "src" not in attributes:
            self.inline_scripts += 1
        if tag == "input" and "checked" in attributes:
            self.checked.append((attributes["name"], attributes["value"]))
        if tag == "h1":
            self.h1 += 1
        if tag == "tr":
            self.rows.append([])
        if tag == "label" and "for" in attributes:
            self.label_targets.add(attributes["for"])
        if tag in ("select", "textarea") or (tag == "input" and attributes.get("type") not in ("hidden", "submit")):
            self.controls.append(attributes)
        self.handlers += [name for name in attributes if name.startswith("on")]
        self.styles += [tag for name in attributes if name == "style"]
        element = Element(tag, attributes, tuple(element.tag for element in self.open))
        if tag in VOID_ELEMENTS:
            self.elements.append(element)
        else:
            self.open.append(element)

    def handle_data(self, data):
        for element in self.open:
            element.raw += data

    def handle_endtag(self, tag):
        if tag in VOID_ELEMENTS or tag not in [element.tag for element in self.open]:
            return
        while self.open:
            element = self.open.pop()
            self.elements.append(element)
            if element.tag in ("th", "td"):
                self.rows[-1].append(element.text)
            if element.tag == tag:
                return

    def hrefs(self):
        return [link["href"] for link in self.links]

    def find(self, tag, cls=None, within=None, **attributes):
        """The elements `tag` with the class `cls`, inside a `within` element, with these attribute values."""
        return [
            element
            for element in self.elements
            if element.tag == tag
            and (cls is None or cls in element.attrs.get("class", "").split())
            and (within is None or within in element.ancestors)
            and all(element.attrs.get(name) == value for name, value in attributes.items())
        ]

    def texts(self, tag, cls=None, within=None, **attributes):
        return [element.text for element in self.find(tag, cls, within, **attributes)]

    def unlabelled_controls(self):
        return [
            control
            for control in self.controls
            if control.get("id") not in self.label_targets
            and not control.get("aria-label")
            and not control.get("aria-labelledby")
        ]


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def parsed(client, url, status=200):
    return Page(page(client, url, status))


def titles_under(html, heading_id):
    """The titles of the papers listed in the section of a page labelled by the heading `heading_id`."""
    section = re.search(rf'<section [^>]*aria-labelledby="{heading_id}".*?</section>', html, re.DOTALL)
    return Page(section.group()).texts("h3", cls="paper-title") if section else []


READS_PAPERS = re.compile(r'SELECT (DISTINCT )?"catalog_paper"\."id"')
# The papers of a page chosen by id first, read by their ids.
READS_CHOSEN_PAPERS = re.compile(r'WHERE "catalog_paper"\."id" IN \(\d')
LIST_URLS = [
    "/",
    "/papers/",
    "/papers/?venue=ICLR&tag=sae&year=2024&has_code=true&sort=title",
    "/papers/?page=2",
    "/papers/?sort=-stars&page=2",
    "/resources/",
    "/resources/?tag=library",
    "/resources/?sort=-stars",
    "/venues/",
    "/tags/",
    "/sections/awesome-interpretability-papers/",
    "/sections/interpretable-analysis-of-llms/",
    '/papers/?section=awesome-interpretability-papers&q="language+model"',
    "/papers/feed/",
    "/papers.json?tag=sae",
]


def test_list_pages_run_the_same_queries_whatever_the_catalog_size(seeded, client, django_assert_num_queries):
    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200, url
        paper_rows = [query["sql"] for query in captured if READS_PAPERS.match(query["sql"])]
        bounded = [sql for sql in paper_rows if " LIMIT " in sql or READS_CHOSEN_PAPERS.search(sql)]
        assert bounded == paper_rows, f"{url} reads every paper"
        return len(captured)

    small = {url: queries(url) for url in LIST_URLS}
    add_papers(5000)
    large = {url: queries(url) for url in LIST_URLS}
    assert large == small
    # the catalog's version, then the page's own queries
    assert large["/papers/"] == 13
    with django_assert_num_queries(1):
        assert client.get("/papers/")[STATUS_HEADER] == HIT


def test_the_papers_page_runs_a_pinned_number_of_queries(seeded, client, django_assert_num_queries):
    add_papers(60)
    # the catalog's version, then the page's own queries; the cached page only needs the version
    with django_assert_num_queries(13):
        client.get("/papers/")
    with django_assert_num_queries(13):
        client.get("/papers/?venue=ICLR&tag=sae")
    with django_assert_num_queries(1):
        assert client.get("/papers/?venue=ICLR&tag=sae")[STATUS_HEADER] == HIT


def test_paper_detail_runs_a_fixed_number_of_queries(seeded, client, django_assert_num_queries):
    paper = Paper.objects.get(title__startswith="Interpretability in the Wild")
    # the catalog's version, the paper, its tags, links and authors, the papers similar by their words (two), those
    # sharing its tags (two: the candidates, then their topics), the papers of both lists with their authors, links
    # and tags; and, once per version, the BibTeX keys of the catalog and its word counts (the number of papers and
    # the frequent words, which SQLite reads through a vocabulary table it makes first)
    word_counts = 3 if connection.vendor == "sqlite" else 2
    with django_assert_num_queries(15 + word_counts):
        client.get(paper.get_absolute_url())
    with django_assert_num_queries(1):
        assert client.get(paper.get_absolute_url())[STATUS_HEADER] == HIT
    other = Paper.objects.exclude(pk=paper.pk).first()
    with django_assert_num_queries(14):
        client.get(other.get_absolute_url())


@pytest.mark.parametrize(
    ("url", "count"),
    [
        ("/", 14),
        ("/resources/", 6),
        ("/venues/", 2),
        ("/tags/", 5),
        ("/sections/awesome-interpretability-papers/", 9),
        ("/sections/survey-papers/", 9),
        ("/sections/awesome-interpretability-libraries/", 7),
    ],
)
def test_each_page_runs_a_pinned_number_of_queries(seeded, client, django_assert_num_queries, url, count):
    """The catalog's version, then the page's own queries (on /tags/, the topics of papers and those of resources,
    each counted in two queries: the tagged entries, then those of the sections implying a topic); served from the
    cache, only the version."""
    add_papers(60)
    with django_assert_num_queries(count):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(1):
        assert client.get(url)[STATUS_HEADER] == HIT


def test_papers_list_pages_by_50_with_the_total(seeded, client):
    total = Paper.objects.count()
    html = page(client, "/papers/")
    assert f"Papers 1–50 of {total}" in html
    assert html.count('class="paper"') == 50
    last = (total - 1) // 50 + 1
    html = page(client, f"/papers/?page={last}")
    assert html.count('class="paper"') == total - 50 * (last - 1)


def test_pagination_links_keep_the_filters(seeded, client):
    add_papers(60)
    html = parsed(client, "/papers/?venue=ICLR&has_code=true")
    pages = [href for href in html.hrefs() if "page=2" in href]
    assert pages and all("venue=ICLR" in href and "has_code=true" in href for href in pages)
    expected = Paper.objects.filter(venue__name="ICLR").with_code().count()
    assert f"of {expected}" in page(client, f"/papers/{pages[0]}")


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("999999", "There is no page 999999: this list has 1 page."),
        ("0", "The page number must be a whole number from 1."),
        ("abc", "The page number must be a whole number from 1."),
    ],
)
def test_a_page_that_does_not_exist_says_so(seeded, client, number, message):
    html = page(client, f"/papers/?venue=ICLR&page={number}", status=404)
    assert message in html
    assert 'class="paper"' not in html
    assert "Go to the first page" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=abc", "Enter a whole number"),
        ("venue=NoSuchVenue", "NoSuchVenue is not one of the available choices"),
        ("date_after=2024-13-45", "Enter a valid date"),
        ("has_code=maybe", "Select a valid choice"),
        ("sort=password", "Select a valid choice"),
        ("tag=%00", "Null characters are not allowed"),
        ("q=" + "x" * 10_000, "at most 200 characters"),
    ],
)
def test_a_bad_filter_value_is_left_out_with_a_notice_and_the_rest_applies(seeded, client, query, message):
    html = parsed(client, f"/papers/?{query}&venue=ICLR")
    notice = html.find("div", cls="notice-error")
    assert len(notice) == 1 and message in notice[0].text
    assert len(html.texts("h3", cls="paper-title")) == Paper.objects.filter(venue__name="ICLR").count()
    for output in ("papers-json", "papers-csv", "papers-bib", "paper-feed"):
        links = [href for href in html.hrefs() if href.startswith(reverse(f"catalog:{output}"))]
        assert links and all(client.get(href).status_code == 200 for href in links), output


def test_the_filter_form_keeps_its_state_and_counts_each_choice(seeded, client):
    html = parsed(client, "/papers/?venue=ICLR&venue=ICML&tag=sae&q=sparse&has_code=true")
    assert ("venue", "ICLR") in html.checked and ("venue", "ICML") in html.checked and ("tag", "sae") in html.checked
    assert html.ids["id_q"]["value"] == "sparse"
    body = page(client, "/papers/?year=2023")
    iclr_2023 = Paper.objects.filter(venue__name="ICLR", date__year=2023).count()
    assert re.search(rf'>ICLR <span class="count">{iclr_2023}</span>', body)
    assert '<option value="2023" selected>2023' in body


def listed_titles(client, url):
    """The titles of the papers a list shows, following its pages to the last."""
    titles = []
    while url:
        html = parsed(client, url)
        titles += html.texts("h3", cls="paper-title")
        following = [link["href"] for link in html.links if link.get("rel") == "next"]
        url = urljoin(url, following[0]) if following else None
    return titles


NEWEST_FIRST = ["-date", "position", "id"]
IN_A_PARENT_SECTION = Q(section__slug="awesome-interpretability-papers") | Q(
    section__parent__slug="awesome-interpretability-papers"
)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sort=-date", Paper.objects.order_by(*NEWEST_FIRST)),
        ("sort=date", Paper.objects.order_by("date", "position", "id")),
        ("sort=title", Paper.objects.order_by(Lower("title"), "id")),
        ("sort=-title", Paper.objects.order_by(Lower("title").desc(), "-id")),
        ("sort=venue", Paper.objects.order_by(Lower("venue__name").asc(nulls_last=True), "-date", "id")),
        ("venue_kind=workshop", Paper.objects.filter(venue__kind=VenueKind.WORKSHOP).order_by(*NEWEST_FIRST)),
        ("section=awesome-interpretability-papers", Paper.objects.filter(IN_A_PARENT_SECTION).order_by(*NEWEST_FIRST)),
        ("section=survey-papers", Paper.objects.filter(section__slug="survey-papers").order_by(*NEWEST_FIRST)),
    ],
)
def test_papers_list_shows_the_papers_of_each_sort_and_filter_in_order(seeded, client, query, expected):
    titles = list(expected.values_list("title", flat=True))
    assert titles
    assert listed_titles(client, f"/papers/?{query}") == titles


@pytest.mark.parametrize(
    ("sort", "ordering"),
    [
        ("-stars", [repository_value("stars").desc(nulls_last=True), *NEWEST_FIRST]),
        ("title", [Lower("title"), "id"]),
        ("venue", [Lower("venue__name").asc(nulls_last=True), "-date", "id"]),
    ],
)
def test_the_pages_of_a_sorted_list_show_every_paper_once_in_order(seeded, client, sort, ordering):
    add_papers(60)
    repositories = sorted(set(Paper.objects.exclude(star_repo="").values_list("star_repo", flat=True)))
    # Few distinct star counts, so that papers tie and the order falls back on date, position and id.
    Repository.objects.bulk_create(Repository(full_name=name, stars=n % 3) for n, name in enumerate(repositories))
    titles = list(Paper.objects.order_by(*ordering).values_list("title", flat=True))
    assert listed_titles(client, f"/papers/?sort={sort}") == titles
    assert listed_titles(client, f"/papers/?sort={sort}&venue=ICLR") == [
        title for title in titles if Paper.objects.filter(title=title, venue__name="ICLR").exists()
    ]


class FormState(HTMLParser):
    """The query string a form submits as the page shows it, leaving out empty values as the page's script does."""

    def __init__(self, html, form_action):
        super().__init__()
        self.pairs, self.in_form, self.select, self.form_action = [], False, None, form_action
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.in_form = attributes.get("action") == self.form_action
        if not self.in_form:
            return
        if tag == "input" and attributes.get("type") == "checkbox":
            if "checked" in attributes:
                self.pairs.append((attributes["name"], attributes["value"]))
        elif tag == "input" and attributes.get("name"):
            self.pairs.append((attributes["name"], attributes.get("value", "")))
        elif tag == "select":
            self.select = attributes["name"]
        elif tag == "option" and "selected" in attributes:
            self.pairs.append((self.select, attributes["value"]))

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False

    def query(self):
        return sorted((name, value) for name, value in self.pairs if value)


@pytest.mark.parametrize(
    "query",
    [
        "q=sparse+autoencoders&sort=title",
        "section=awesome-interpretability-papers&year=2024&has_code=true",
        "section=survey-papers&venue_kind=conference",
        "venue=ICLR&venue=ICML&venue=NeurIPS&tag=sae&tag=circuits&sort=date",
        "date_after=2023-06-01&date_before=2024-02-29&has_code=false&sort=venue",
        "venue=ICLR&year=2019",
    ],
)
def test_the_filter_form_submits_the_query_it_was_opened_with(seeded, client, query):
    shown = FormState(page(client, f"/papers/?{query}"), "/papers/")
    assert shown.query() == sorted(parse_qsl(query))


def section_options(html):
    select = html[html.index('<select name="section"') : html.index("</select>", html.index('<select name="section"'))]
    return re.findall(r'<option value="([^"]+)"( selected)?>(.*?) \((\d+)\)</option>', select)


def test_a_section_with_subsections_is_a_choice_counting_their_papers(seeded, client):
    parent = Section.objects.get(slug="awesome-interpretability-papers")
    children = list(parent.children.order_by("position"))
    options = section_options(page(client, "/papers/"))
    slugs = [slug for slug, *_ in options]
    assert slugs[slugs.index(parent.slug) :][: len(children) + 1] == [parent.slug] + [c.slug for c in children]
    counts = {slug: int(count) for slug, _, _, count in options}
    assert counts[parent.slug] == Paper.objects.filter(section__parent=parent).count()
    assert counts["survey-papers"] == Paper.objects.filter(section__slug="survey-papers").count()
    selected = [option for option in section_options(page(client, f"/papers/?section={parent.slug}")) if option[1]]
    assert selected == [(parent.slug, " selected", parent.title, str(counts[parent.slug]))]


def test_each_active_filter_can_be_removed_alone(seeded, client):
    html = parsed(client, "/papers/?venue=ICLR&venue=ICML&year=2024")
    remove_iclr = next(link for link in html.links if link.get("aria-label") == "Remove Venue: ICLR")
    assert remove_iclr["href"] == "?venue=ICML&year=2024"


def test_papers_list_links_its_feed_and_downloads_with_the_filters(seeded, client):
    html = page(client, "/papers/?tag=sae&page=1")
    feed = re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"', html)
    assert feed and feed.group(1) == f"{reverse('catalog:paper-feed')}?tag=sae"
    for name in ("papers-json", "papers-csv", "papers-bib"):
        assert f'href="{reverse(f"catalog:{name}")}?tag=sae"' in html


def test_home_shows_counts_newest_papers_sections_and_the_chart(seeded, client):
    html = page(client, "/")
    parsed_home = Page(html)
    assert f"<strong>{Paper.objects.count()}</strong> papers" in html
    assert f"<strong>{Resource.objects.count()}</strong> resources" in html
    assert f"<strong>{Venue.objects.filter(papers__isnull=False).distinct().count()}</strong> venues" in html
    newest = Paper.objects.order_by("-date", "position").first()
    assert newest.get_absolute_url() in parsed_home.hrefs()
    for section in Section.objects.filter(level__gte=1).exclude(papers=None, resources=None, children=None):
        assert section.get_absolute_url() in parsed_home.hrefs()
    assert '<svg viewBox="0 0 720 220" role="group" aria-labelledby="chart-title" aria-describedby="chart-desc"' in html
    busiest = max(
        {(p.date.year, p.date.month) for p in Paper.objects.all()},
        key=lambda month: Paper.objects.filter(date__year=month[0], date__month=month[1]).count(),
    )
    assert f"{dt.date(*busiest, 1):%B %Y} with" in html


def test_a_chart_bar_links_to_the_papers_of_its_month(seeded, client):
    hrefs = parsed(client, "/").hrefs()
    may = "/papers/?date_after=2024-05-01&date_before=2024-05-31"
    assert may in hrefs
    html = page(client, may)
    assert f"{Paper.objects.filter(date__year=2024, date__month=5).count()} papers" in html


def test_a_paper_without_a_venue_or_without_topics_still_lists_related_papers(seeded, client):
    """Sharing topics and sharing a venue each count on their own: a paper with only one of them has related papers."""
    with_topics = Paper.objects.get(title__startswith="Interpretability in the Wild")
    Paper.objects.filter(pk=with_topics.pk).update(venue=None)
    related = titles_under(page(client, with_topics.get_absolute_url()), "related-heading")
    circuits = having_topic(Paper.objects.all(), "circuits")
    assert related and set(related) <= set(circuits.values_list("title", flat=True))

    iclr = Venue.objects.get(name="ICLR")
    at_venue = Paper.objects.filter(venue=iclr).first()
    at_venue.tags.clear()
    Section.objects.get(papers=at_venue).implied_topics.clear()
    related = titles_under(page(client, at_venue.get_absolute_url()), "related-heading")
    assert related and set(related) <= set(Paper.objects.filter(venue=iclr).values_list("title", flat=True))


def test_paper_detail_shows_every_fact_bibtex_and_related_papers(seeded, client):
    paper = Paper.objects.get(title__startswith="Interpretability in the Wild")
    text = page(client, paper.get_absolute_url())
    html = Page(text)
    title = "Interpretability in the Wild: a Circuit for Indirect Object Identification in GPT-2 small"
    assert html.texts("h1") == [title]
    assert dict(zip(html.texts("dt"), html.texts("dd"), strict=True)) == {
        "Section": "Interpretable Analysis of LLMs",
        "GitHub": "redwoodresearch/Easy-Transformer",
        "Tags": "circuits",
    }
    assert {
        "/papers/?venue=ICLR",
        "/sections/interpretable-analysis-of-llms/",
        "/papers/?tag=circuits",
        "https://arxiv.org/pdf/2211.00593",
        "https://github.com/redwoodresearch/Easy-Transformer",
    } <= set(html.hrefs())
    assert html.find("img") == [] or all(image.attrs["src"].startswith("/") for image in html.find("img"))
    assert html.find("pre", id="bibtex")[0].raw == (
        "@inproceedings{anon2023interpretability,\n"
        "  title = {{Interpretability in the Wild: a Circuit for Indirect Object Identification in GPT-2 small}},\n"
        "  booktitle = {ICLR},\n"
        "  year = {2023},\n"
        "  month = jan,\n"
        "  eprint = {2211.00593},\n"
        "  archivePrefix = {arXiv},\n"
        "  url = {https://arxiv.org/pdf/2211.00593},\n"
        "  keywords = {circuits},\n"
        "}\n"
    )
    # papers whose titles share its rarest words (circuit, identification, wild, gpt)
    assert titles_under(text, "similar-heading") == [
        "Sparse Autoencoders Enable Scalable and Reliable Circuit Identification in Language Models",
        "Dictionary Learning Improves Patch-Free Circuit Discovery in Mechanistic Interpretability: A Case Study on "
        "Othello-GPT",
        "How does GPT-2 Predict Acronyms? Extracting and Understanding a Circuit via Mechanistic Interpretability",
        "Sparse autoencoders find composed features in small toy models",
        "Successor Heads: Recurring, Interpretable Attention Heads In The Wild",
    ]
    # then other papers sharing its one tag (circuits), the one at its venue (ICLR) first, then newest first
    assert titles_under(text, "related-heading") == [
        "Circuit Component Reuse Across Tasks in Transformer Language Models",
        "Transcoders Find Interpretable LLM Feature Circuits",
        "Automatically Identifying Local and Global Circuits with Linear Computation Graphs",
        "What needs to go right for an induction head? A mechanistic study of in-context learning circuits and their "
        "formation",
        "PURE: Turning Polysemantic Neurons Into Pure Features by Identifying Relevant Circuits",
        "Sparse Feature Circuits: Discovering and Editing Interpretable Causal Graphs in Language Models",
    ]


def test_pages_show_the_topics_a_section_implies_with_the_papers_own_tags(seeded, client):
    """ "Softmax Linear Units" has no tag of its own; the SAE section it is listed in implies `sae`."""

    def detail_tags(entry):
        return parsed(client, entry.get_absolute_url()).texts("a", cls="tag", within="dd")

    paper = Paper.objects.get(title="Softmax Linear Units")
    paper.tags.set(["neurons"])
    assert detail_tags(paper) == ["neurons", "sae"]
    assert "keywords = {neurons, sae}" in parsed(client, paper.get_absolute_url()).find("pre", id="bibtex")[0].raw
    entries = page(client, paper.section.get_absolute_url())
    assert entries.count('<a class="tag" href="/papers/?tag=sae">sae</a>') == paper.section.papers.count()
    assert detail_tags(Resource.objects.get(name="nnsight")) == ["library"]

    paper.section = Section.objects.get(slug="others")
    paper.save()
    assert detail_tags(paper) == ["neurons"]


def test_stars_archived_flag_and_last_push_are_text_from_the_repository_table(seeded, client):
    paper = Paper.objects.exclude(star_repo="").first()
    assert 'class="repo-facts"' not in page(client, paper.get_absolute_url())
    Repository.objects.create(
        full_name=paper.star_repo, stars=1234, archived=True, pushed_at=dt.datetime(2025, 3, 4, tzinfo=dt.UTC)
    )
    html = page(client, paper.get_absolute_url())
    assert "img.shields.io" not in html
    assert f'aria-label="1234 GitHub stars: {paper.star_repo}"' in html and "1,234" in html
    assert '· archived · last push <time datetime="2025-03-04">4 March 2025</time>' in html


def test_resources_are_grouped_by_section_and_filtered(seeded, client):
    html = page(client, "/resources/")
    sections = Section.objects.filter(resources__isnull=False).distinct()
    positions = [html.index(f'id="group-{section.slug}"') for section in sections]
    assert positions == sorted(positions)
    lens = parsed(client, "/resources/?q=nnsight")
    nnsight = Resource.objects.get(name="nnsight")
    assert [href for href in lens.hrefs() if re.fullmatch(r"/resources/\d+/", href)] == [nnsight.get_absolute_url()]
    library = having_topic(Resource.objects.all(), "library").count()
    assert library and f"{library} resources" in page(client, "/resources/?tag=library")
    assert "is not one of the available choices" in page(client, "/resources/?tag=no-such-tag")


def test_resource_detail_shows_its_name_description_section_links_and_tags(seeded, client):
    resource = Resource.objects.get(name="TransformerLens")
    html = parsed(client, resource.get_absolute_url())
    assert html.texts("h1") == ["TransformerLens"]
    assert html.texts("p", cls="lede") == ["A Library for Mechanistic Interpretability of Generative Language Models."]
    assert [(link.text, link.attrs["href"]) for link in html.find("a", cls="button")] == [
        ("Open TransformerLens", "https://github.com/TransformerLensOrg/TransformerLens"),
        ("Doc", "https://transformerlensorg.github.io/TransformerLens/"),
        ("Tutorial", "https://arena3-chapter1-transformer-interp.streamlit.app/[1.2]_Intro_to_Mech_Interp"),
        (
            "Demo",
            "https://colab.research.google.com/github/neelnanda-io/TransformerLens/blob/main/demos/Main_Demo.ipynb",
        ),
    ]
    assert dict(zip(html.texts("dt"), html.texts("dd"), strict=True)) == {
        "Link": "https://github.com/TransformerLensOrg/TransformerLens",
        "Section": "Awesome Interpretability Libraries",
        "GitHub": "TransformerLensOrg/TransformerLens",
        "Tags": "library",
    }
    links = [(link.text, link.attrs["href"]) for link in html.find("a", within="main")]
    assert [link for link in links if not link[1].startswith("http")] == [
        ("Resources", "/resources/"),
        ("Awesome Interpretability Libraries", "/sections/awesome-interpretability-libraries/"),
        ("Awesome Interpretability Libraries", "/sections/awesome-interpretability-libraries/"),
        ("library", "/resources/?tag=library"),
    ]


def test_venues_link_to_their_papers_with_counts(seeded, client):
    html = page(client, "/venues/")
    assert '<a href="/papers/?venue=ICLR">ICLR</a> <span class="count">14 papers</span>' in html
    assert '<a href="/papers/?venue=Distill">Distill</a> <span class="count">1 paper</span>' in html
    iclr = parsed(client, Venue.objects.get(name="ICLR").get_absolute_url())
    assert iclr.texts("h2", id="results-heading") == ["14 papers"]
    assert len(iclr.find("li", cls="paper")) == 14


def test_tags_page_counts_papers_and_resources(seeded, client):
    html = page(client, "/tags/")
    # Every paper of the SAE section (29) and two tagged sae in other sections; the resources of the libraries'
    # section, which implies library.
    assert '<a href="/papers/?tag=sae" aria-label="31 papers tagged sae">31</a>' in html
    assert '<a href="/resources/?tag=sae" aria-label="2 resources tagged sae">2</a>' in html
    assert '<a href="/resources/?tag=library" aria-label="10 resources tagged library">10</a>' in html
    assert '<a href="/papers/?tag=survey" aria-label="5 papers tagged survey">5</a>' in html
    rows = Page(html).rows
    assert rows[0] == ["Tag", "Papers", "Resources", "Feed"]
    assert [row for row in rows if row[0] in ("library", "sae", "tutorial")] == [
        ["library", "0", "10", ""],
        ["sae", "31", "2", "Atom"],
        ["tutorial", "0", "4", ""],
    ]


def test_section_page_lists_its_papers_and_those_of_its_subsections(seeded, client):
    parent = Section.objects.get(slug="awesome-interpretability-papers")
    html = page(client, parent.get_absolute_url())
    total = Paper.objects.filter(section__parent=parent).count()
    assert f"{total} papers, in the order of the list" in html
    for child in parent.children.all():
        assert child.get_absolute_url() in html


def test_a_heading_without_entries_says_so(seeded, client):
    empty = Section.objects.get(slug="awesome-interpretability-in-large-language-models")
    assert "No entries are listed under this heading" in page(client, empty.get_absolute_url())
    for slug in ("survey-papers", "awesome-interpretability-papers", "awesome-interpretability-tools"):
        assert "No entries are listed" not in page(client, f"/sections/{slug}/"), slug


LISTED_PAGES = [*PUBLIC_PAGES, "/papers/?tag=sae"]


def every_public_page():
    paper = Paper.objects.get(title__startswith="Interpretability in the Wild")
    resource = Resource.objects.get(name="TransformerLens")
    sections = ["/sections/awesome-interpretability-papers/", "/sections/awesome-interpretability-libraries/"]
    return LISTED_PAGES + [paper.get_absolute_url(), resource.get_absolute_url(), *sections]


@pytest.mark.parametrize("q", ["100%", "a_b", "it's", '"unclosed', "Über ñ 模型", "<b>&amp;", "x" * 200])
def test_any_search_text_comes_back_in_the_search_box(seeded, client, q):
    response = client.get("/papers/", {"q": q})
    assert response.status_code == 200
    assert Page(response.content.decode()).ids["id_q"]["value"] == q


def test_an_empty_catalog_answers_every_page(db, client):
    for url in LISTED_PAGES + OUTPUTS:
        assert client.get(url).status_code == 200, url
    home = page(client, "/")
    assert "No papers yet" in home and "<ol" not in home and "Papers per month" not in home
    assert "No papers yet" in page(client, "/papers/")
    assert "No venue has papers yet" in page(client, "/venues/")


def test_pages_have_no_inline_script_style_or_handlers(seeded, client):
    urls = LISTED_PAGES + [Paper.objects.first().get_absolute_url(), Resource.objects.first().get_absolute_url()]
    for url in urls:
        html = parsed(client, url)
        assert (html.inline_scripts, html.handlers, html.styles) == (0, [], []), url


def test_links_that_leave_the_site_are_noopener_noreferrer(seeded, client):
    paper = Paper.objects.exclude(star_repo="").first()
    urls = LISTED_PAGES + [paper.get_absolute_url(), Resource.objects.first().get_absolute_url()]
    for url in urls:
        for link in parsed(client, url).links:
            if link["href"].startswith("http"):
                assert set(link.get("rel", "").split()) >= {"noopener", "noreferrer"}, (url, link["href"])


def test_every_page_links_the_favicon_and_the_stylesheet(seeded, client):
    for url in every_public_page():
        html = parsed(client, url)
        links = {(link.attrs["rel"], link.attrs["href"]) for link in html.find("link")}
        assert {("icon", "/static/img/favicon.svg"), ("stylesheet", "/static/css/site.css")} <= links, url
    for asset in ("/static/img/favicon.svg", "/static/css/site.css"):
        assert client.get(asset).status_code == 200, asset


def test_every_page_has_the_landmarks_and_a_label_on_every_form_field(seeded, client):
    for url in every_public_page():
        html = parsed(client, url)
        body = [element.tag for element in html.elements if element.ancestors == ("html", "body")]
        assert [tag for tag in body if tag in ("header", "main", "footer")] == ["header", "main", "footer"], url
        assert len(html.find("main")) == len(html.find("main", id="main")) == 1, url
        assert html.find("nav", within="header", **{"aria-label": "Site"}), url
        assert all(nav.attrs.get("aria-label") for nav in html.find("nav")), url
        assert html.unlabelled_controls() == [], url


def test_the_about_page_sends_proposals_to_the_configured_repository(seeded, client, settings):
    settings.CATALOG_LIST_REPOSITORY_URL = "https://git.example.org/list"
    about = parsed(client, "/about/").hrefs()
    assert about.count("https://git.example.org/list") == 3
    assert "https://git.example.org/list" in parsed(client, "/papers/").hrefs()


def add_a_third_level_section():
    """A ### section under "SAE, Dictionary Learning and Superposition", holding one paper."""
    sae = Section.objects.get(slug="sae-dictionary-learning-and-superposition")
    crosscoders = Section.objects.create(title="Crosscoders", level=3, parent=sae, kind=sae.kind)
    Paper.objects.create(
        section=crosscoders,
        title="A Crosscoder Paper",
        url="https://example.org/crosscoders",
        date=dt.date(2024, 10, 1),
    )
    return crosscoders


def test_sections_three_levels_deep_count_and_list_in_every_ancestor(seeded, client):
    add_a_third_level_section()
    options = {slug: (title, int(count)) for slug, _, title, count in section_options(page(client, "/papers/"))}
    assert options["crosscoders"] == ("\u00a0" * 6 + "Crosscoders", 1)
    assert options["sae-dictionary-learning-and-superposition"][1] == 30
    assert options["awesome-interpretability-papers"][1] == 150
    for slug, total in [
        ("crosscoders", "1 paper,"),
        ("sae-dictionary-learning-and-superposition", "30 papers,"),
        ("awesome-interpretability-papers", "150 papers,"),
    ]:
        assert "A Crosscoder Paper" in page(client, f"/papers/?section={slug}&date_after=2024-09-01"), slug
        assert f"{total} in the order of the list" in page(client, f"/sections/{slug}/"), slug
    assert "A Crosscoder Paper" not in page(client, "/papers/?section=survey-papers")


def code_and_tag_counts(html):
    start = html.index('<select name="has_code"')
    select = html[start : html.index("</select>", start)]
    code = {value: int(count) for value, count in re.findall(r'<option value="(\w+)"[^>]*>[^<]* \((\d+)\)<', select)}
    tag_choice = r'name="tag" value="([^"]+)"[^>]*>\s*<label[^>]*>[^<]*<span class="count">(\d+)</span>'
    return code, {slug: int(count) for slug, count in re.findall(tag_choice, html)}


@pytest.mark.parametrize("query", ["", "has_code=false", "year=2024", "venue=ICLR&has_code=true"])
def test_code_and_tag_counts_count_the_papers_of_the_other_filters(seeded, client, query):
    add_papers(40)
    code, tags = code_and_tag_counts(page(client, f"/papers/?{query}"))
    params = QueryDict(query, mutable=True)
    result = ids(PaperFilter(params, queryset=Paper.objects.all()).qs)
    params.pop("has_code", None)
    others = Paper.objects.filter(pk__in=ids(PaperFilter(params, queryset=Paper.objects.all()).qs))
    with_code = others.with_code().count()
    assert code == {"true": with_code, "false": others.count() - with_code}
    in_result = Paper.objects.filter(pk__in=result).select_related("section").prefetch_related(*ENTRY_TOPICS_RELATED)
    expected_tags = Counter(slug for paper in in_result for slug in expected_topics(paper))
    assert tags == dict(expected_tags)


def ids(queryset):
    return {paper.pk for paper in queryset}
