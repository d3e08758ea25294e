"""Full-text search (`q`): what matches, the order of the results, hostile input, and an index that stays in step.

Run on SQLite (FTS5) and on PostgreSQL (tsvector) with DATABASE_URL=postgres://...: every test holds on both.
"""

import datetime as dt
from io import StringIO
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.http import QueryDict
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from catalog import search, search_index
from catalog.filters import SEARCH_MAX_LENGTH, PaperFilter, ResourceFilter
from catalog.models import Paper, PaperLink, Resource, ResourceLink, Section, SectionKind, Venue
from catalog.search import Lexeme, fts5_query, search_phrases, tsquery
from catalog.services.merging import merge_venues
from tests.admin_support import inline_management, make_user, paper_form_data
from tests.test_site_pages import Page

pytestmark = pytest.mark.django_db


def papers(q, **params):
    filterset = PaperFilter(QueryDict(urlencode({"q": q, **params})), queryset=Paper.objects.all())
    assert filterset.is_valid(), filterset.errors
    return [paper.title for paper in filterset.qs]


def resources(q):
    filterset = ResourceFilter(QueryDict(urlencode({"q": q})), queryset=Resource.objects.all())
    assert filterset.is_valid(), filterset.errors
    return [resource.name for resource in filterset.qs]


def index_rows(index):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"SELECT rowid, * FROM {index.fts} ORDER BY rowid")
        else:
            cursor.execute(f"SELECT {index.name}_id, document::text FROM {index.search} ORDER BY 1")
        return cursor.fetchall()


def rebuilt_rows():
    """The rows of each index made from scratch from the catalog as it is now (the database is left as it was)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            for statement in search_index.fill_statements(connection):
                cursor.execute(statement)
        rows = [index_rows(index) for index in search_index.INDEXES]
        transaction.set_rollback(True)
    return rows


def assert_index_in_step():
    assert [index_rows(index) for index in search_index.INDEXES] == rebuilt_rows(), "the index differs from the catalog"
    assert len(index_rows(search_index.PAPERS)) == Paper.objects.count()
    assert len(index_rows(search_index.RESOURCES)) == Resource.objects.count()


@pytest.fixture
def catalog(db):
    """Papers whose only match for "grokking" is, in turn, the title, the venue, a link; the newest matches last."""
    section = Section.objects.create(title="Papers", level=1)
    workshop = Venue.objects.create(name="Grokking Workshop", kind="workshop")
    other_workshop = Venue.objects.create(name="Lens Workshop", kind="workshop")
    iclr = Venue.objects.create(name="ICLR")

    def paper(title, day, venue=iclr, url="https://example.org/paper"):
        return Paper.objects.create(
            title=title, url=url, venue=venue, date=dt.date(2024, 1, day), section=section, position=day * 10
        )

    paper("Grokking modular addition in small transformers", 1)
    paper("Progress measures for delayed generalization in networks", 2, venue=workshop)
    in_link = paper("Phase changes in training dynamics of small networks", 3)
    in_link.links.create(kind=PaperLink.Kind.CODE, label="Code", url="https://github.com/lab/grokking")
    paper("Sparse autoencoders find interpretable features", 4, url="https://arxiv.org/abs/2309.08600")
    paper("Sparse feature circuits in language models", 5, venue=other_workshop)
    paper("Über die Interpretierbarkeit von Sprachmodellen", 6)
    paper("Attention is not explanation AND near misses", 7)
    resources = Section.objects.create(title="Tools", level=1, kind=SectionKind.RESOURCES)
    Resource.objects.create(name="Grokking lab", url="https://example.org/a", section=resources, position=10)
    Resource.objects.create(
        name="Probe kit",
        url="https://example.org/b",
        description="Notebooks on grokking",
        section=resources,
        position=20,
    )
    linked = Resource.objects.create(name="Circuit viewer", url="https://example.org/c", section=resources, position=30)
    linked.links.create(label="Doc", url="https://docs.example.org/grokking")
    return section


# What matches, in which order


def test_a_title_match_outranks_a_venue_match_which_outranks_a_link_match(catalog):
    ranked = [
        "Grokking modular addition in small transformers",
        "Progress measures for delayed generalization in networks",
        "Phase changes in training dynamics of small networks",
    ]
    assert papers("grokking") == ranked
    assert papers("grokking", sort="-date") == ranked[::-1]
    assert papers("GROKKING", sort="title") == sorted(ranked, key=str.lower)


def test_resources_rank_name_above_description_above_links(catalog):
    assert resources("grokking") == ["Grokking lab", "Probe kit", "Circuit viewer"]


def test_the_papers_page_and_the_json_list_the_best_match_first(catalog, client):
    html = client.get("/papers/", {"q": "grokking"}).content.decode()
    positions = [html.index(title) for title in papers("grokking")]
    assert positions == sorted(positions)
    assert '<option value="" selected>Best match</option>' in html
    json_titles = [paper["title"] for paper in client.get("/papers.json", {"q": "grokking"}).json()["papers"]]
    assert json_titles == papers("grokking")


def test_the_pages_of_a_search_follow_each_other_best_match_first(catalog, client):
    """A page's best matches are chosen first and then read: page after page, the list in rank order."""
    workshop = Venue.objects.get(name="Grokking Workshop")
    Paper.objects.bulk_create(
        Paper(
            title=f"Grokking, study {number}" if number % 3 == 0 else f"Study {number}",
            abstract="" if number % 3 == 0 else "We find grokking" + " and more" * (number % 5),
            venue=workshop if number % 3 == 2 else None,
            url=f"https://example.org/{number}",
            date=dt.date(2023, 1 + number % 12, 1),
            section=catalog,
            position=1000 + number,
        )
        for number in range(60)
    )
    ranked = papers("grokking")
    assert len(ranked) == 63

    listed = []
    for number in (1, 2):
        html = client.get("/papers/", {"q": "grokking", "page": number}).content.decode()
        listed += Page(html).texts("h3", cls="paper-title")
    assert listed == ranked


def test_without_q_the_order_is_newest_first_as_before(catalog):
    assert papers("") == list(Paper.objects.order_by("-date", "position", "id").values_list("title", flat=True))


def test_the_last_word_matches_as_a_prefix_the_others_as_whole_words(catalog):
    assert papers("sparse autoenc") == ["Sparse autoencoders find interpretable features"]
    assert papers("interpretab") == ["Sparse autoencoders find interpretable features"]
    assert set(papers("interpret")) == {
        "Sparse autoencoders find interpretable features",
        "Über die Interpretierbarkeit von Sprachmodellen",
    }
    assert papers("autoenc sparse") == []
    assert set(papers("spar")) == {
        "Sparse feature circuits in language models",
        "Sparse autoencoders find interpretable features",
    }


def test_every_word_must_match_in_any_field(catalog):
    assert papers("sparse circuits") == ["Sparse feature circuits in language models"]
    assert papers("sparse workshop") == ["Sparse feature circuits in language models"]
    assert papers("sparse circuits autoencoders") == []


def test_a_quoted_phrase_matches_its_words_in_order(catalog):
    assert papers('"feature circuits"') == ["Sparse feature circuits in language models"]
    assert papers('"circuits feature"') == []


def test_urls_and_identifiers_match_by_their_parts(catalog):
    assert papers("2309.08600") == ["Sparse autoencoders find interpretable features"]
    assert papers("arxiv") == ["Sparse autoencoders find interpretable features"]
    assert papers("github.com/lab/grokking") == ["Phase changes in training dynamics of small networks"]


@pytest.mark.parametrize("q", ["Über", "über", "ÜBER", "über interpretierbarkeit", "INTERPRETIERBARKEIT"])
def test_non_ascii_words_match_whatever_their_case(catalog, q):
    assert papers(q) == ["Über die Interpretierbarkeit von Sprachmodellen"]


@pytest.mark.parametrize("q", ["uber", "UBER die", "ube"])
def test_words_match_without_their_accents_on_either_database(catalog, q):
    assert papers(q) == ["Über die Interpretierbarkeit von Sprachmodellen"]


@pytest.mark.parametrize("q", ["AND", "near", "NOT explanation", "attention AND"])
def test_query_operators_are_searched_as_plain_words(catalog, q):
    assert papers(q) == ["Attention is not explanation AND near misses"]


HOSTILE = [
    '"',
    '""',
    'sparse"',
    '"sparse',
    "'",
    "*",
    "sparse*",
    "*sparse",
    "NEAR(sparse circuits)",
    "sparse NEAR/2 circuits",
    "sparse AND",
    "OR",
    "NOT",
    "(sparse",
    "sparse)",
    "()",
    "-sparse",
    "-",
    "title:sparse",
    ":",
    "sparse:*",
    "^sparse",
    "{title venue}: sparse",
    "sparse & circuits | !models",
    "sparse <-> circuits",
    "\\",
    "sparse\\",
    "%",
    "_",
    "x" * 200,
    "🙂 模型",
    "a" * 199 + "é",
    # Letters that unaccent turns into a quote (on PostgreSQL).
    "\u02bc",
    "don\u02bct",
    "\u0149",
    "\u02b9",
    "\u02bb sparse",
    "sparse \u02bd",
    "\u02c8x",
]
OUTPUTS = ["/papers/", "/papers.json", "/papers.csv", "/papers.bib", "/papers/feed/", "/resources/"]


def test_the_queries_are_built_from_words_only():
    phrases = search_phrases('sparse "feature circuits" NEAR(x) -y :* "')
    assert phrases == [["sparse"], ["feature", "circuits"], ["NEAR", "x"], ["y"]]
    assert fts5_query(phrases) == '"sparse" "feature circuits" "NEAR x" "y"*'
    pieces = [f"'{piece.word}'" if isinstance(piece, Lexeme) else piece for piece in tsquery(phrases)]
    assert "".join(pieces) == "('sparse') & ('feature' <-> 'circuits') & ('NEAR' <-> 'x') & ('y':*)"


# Any character, and more often those the query languages or unaccent treat specially.
SPECIAL = "\u02bc\u0149\u02b9\u02bb\u02bd\u02c8\u2216\uff3c\u0301'\\\":*&|!()<->^-"


QUERIES = st.lists(st.sampled_from(SPECIAL) | st.sampled_from([" ", "sparse"]) | st.characters()).map("".join)


@given(QUERIES.filter(lambda q: len(q) <= SEARCH_MAX_LENGTH))
@hypothesis_settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_text_is_a_valid_query_on_either_database(catalog, q):
    for queryset in (Paper.objects.all(), Resource.objects.all()):
        list(search.matching(queryset, q).order_by(search.relevance(queryset, q)))


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_input_is_searched_as_words_and_never_fails(catalog, client, q):
    for url in OUTPUTS:
        response = client.get(url, {"q": q})
        assert response.status_code == 200, (url, q)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"Traceback" not in body, (url, q)


@pytest.mark.parametrize("q", ['"sparse', "sparse*", "*sparse", "-sparse", "(sparse", "sparse:*", "^sparse", "sparse)"])
def test_operators_around_a_word_are_left_out(catalog, q):
    assert set(papers(q)) == {
        "Sparse feature circuits in language models",
        "Sparse autoencoders find interpretable features",
    }


def test_words_joined_by_punctuation_are_a_phrase(catalog):
    assert papers("title:sparse") == []
    assert papers("sparse-feature") == ["Sparse feature circuits in language models"]


@pytest.mark.parametrize(("q", "status", "message"), [("x" * 201, 400, b"200"), ("sparse\x00", 400, b"Null")])
def test_too_long_or_nul_input_is_a_clear_error(catalog, client, q, status, message):
    for url in ["/papers.json", "/papers.csv", "/papers.bib", "/papers/feed/"]:
        response = client.get(url, {"q": q})
        assert response.status_code == status and message in response.content, url
    page = client.get("/papers/", {"q": q})
    assert page.status_code == 200 and message in page.content
    assert client.get("/resources/", {"q": q}).status_code == 200


def test_a_query_without_letters_or_digits_finds_nothing(catalog):
    assert papers("* - ()") == []
    assert resources('"') == []


# The index stays in step with every change


def test_the_index_holds_every_entry_after_the_migration_and_an_import(seeded):
    assert_index_in_step()
    assert papers("superposition")


def test_saving_editing_and_deleting_a_paper(catalog):
    paper = Paper.objects.create(
        title="Toy models of polysemanticity", url="https://example.org/toy", date=dt.date(2023, 1, 1), section=catalog
    )
    assert papers("polysemanticity") == [paper.title]
    paper.title = "Toy models of superposition"
    paper.save()
    assert papers("polysemanticity") == [] and papers("superposition") == [paper.title]
    paper.url = "https://distill.pub/toy"
    paper.save()
    assert papers("distill") == [paper.title] and papers("example superposition") == []
    assert_index_in_step()
    paper.delete()
    assert papers("superposition") == []
    assert_index_in_step()


def test_setting_and_clearing_a_paper_venue(catalog):
    paper = Paper.objects.get(title__startswith="Phase changes")
    paper.venue = Venue.objects.create(name="NeurIPS")
    paper.save()
    assert papers("neurips") == [paper.title]
    paper.venue = None
    paper.save()
    assert papers("neurips") == []
    assert_index_in_step()


def test_renaming_a_venue_changes_the_venue_text_of_each_of_its_papers(catalog):
    workshop = Venue.objects.get(name="Grokking Workshop")
    workshop.name = "Mechanistic Interpretability Workshop"
    workshop.save()
    assert papers("mechanistic") == ["Progress measures for delayed generalization in networks"]
    assert papers("grokking") == [
        "Grokking modular addition in small transformers",
        "Phase changes in training dynamics of small networks",
    ]
    Venue.objects.filter(pk=workshop.pk).update(name="Spurious Workshop")
    assert papers("mechanistic") == [] and papers("spurious") == [
        "Progress measures for delayed generalization in networks"
    ]
    assert_index_in_step()


def test_adding_editing_and_deleting_links(catalog):
    paper = Paper.objects.get(title__startswith="Sparse feature circuits")
    link = paper.links.create(kind=PaperLink.Kind.BLOG, label="Walkthrough", url="https://blog.example.org/post")
    assert papers("walkthrough") == [paper.title]
    link.label, link.url = "Explainer", "https://blog.example.org/explainer"
    link.save()
    assert papers("walkthrough") == [] and papers("explainer") == [paper.title]
    other = Paper.objects.get(title__startswith="Über")
    PaperLink.objects.filter(pk=link.pk).update(paper=other)
    assert papers("explainer") == [other.title]
    assert_index_in_step()
    link.delete()
    assert papers("explainer") == []
    assert_index_in_step()


def test_editing_links_in_the_admin_inline(catalog, client):
    client.force_login(make_user("editor", superuser=True))
    paper = Paper.objects.get(title__startswith="Phase changes")
    data = paper_form_data(paper)
    data.update(inline_management("links", total=2, initial=1))
    new_link = {"kind": "blog", "position": "1", "label": "Notes", "url": "https://example.org/lecture-notes"}
    data.update({f"links-1-{name}": value for name, value in new_link.items()}, **{"links-1-paper": paper.pk})
    data["links-0-url"] = "https://github.com/lab/modular-arithmetic"
    response = client.post(f"/admin/catalog/paper/{paper.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert papers("lecture notes") == [paper.title]
    assert papers("arithmetic") == [paper.title]
    assert paper.title not in papers("grokking")
    data = paper_form_data(paper)
    code_link = next(key for key, value in data.items() if value == "https://github.com/lab/modular-arithmetic")
    data[code_link.replace("-url", "-DELETE")] = "on"
    assert client.post(f"/admin/catalog/paper/{paper.pk}/change/", data).status_code == 302
    assert paper.links.count() == 1 and papers("arithmetic") == []
    assert_index_in_step()


def test_bulk_updates_reach_the_index(catalog):
    Paper.objects.filter(title__startswith="Sparse").update(title="Dictionary learning at scale")
    assert len(papers("dictionary")) == 2 and papers("sparse") == []
    Paper.objects.filter(title__startswith="Dictionary").update(venue=None, url="https://openreview.net/x")
    assert len(papers("openreview")) == 2 and papers("dictionary workshop") == []
    PaperLink.objects.update(label="Repository")
    assert papers("repository") == ["Phase changes in training dynamics of small networks"]
    Paper.objects.filter(title__startswith="Über").delete()
    assert papers("über") == []
    assert_index_in_step()


def test_admin_set_venue_and_move_actions_and_a_venue_merge(catalog, client):
    client.force_login(make_user("maintainer", superuser=True))
    chosen = list(Paper.objects.filter(title__startswith="Sparse"))
    emnlp = Venue.objects.create(name="EMNLP")
    data = {"action": "set_venue", "_selected_action": [p.pk for p in chosen], "index": "0", "venue": emnlp.pk}
    assert client.post("/admin/catalog/paper/", data).status_code == 302
    assert set(papers("emnlp")) == {paper.title for paper in chosen}
    other = Section.objects.create(title="More papers", level=1)
    data = {"action": "move_to_section", "_selected_action": [chosen[0].pk], "index": "0", "section": other.pk}
    assert client.post("/admin/catalog/paper/", data).status_code == 302
    assert set(papers("emnlp")) == {paper.title for paper in chosen}
    merge_venues([Venue.objects.get(name="Grokking Workshop")], into=emnlp)
    assert "Progress measures for delayed generalization in networks" in papers("emnlp")
    assert papers("workshop") == []
    assert_index_in_step()


def test_resources_and_their_links(catalog):
    section = Section.objects.get(title="Tools")
    resource = Resource.objects.create(name="Lens kit", url="https://example.org/lens", section=section)
    assert resources("lens") == ["Lens kit"]
    resource.description = "Logit lens notebooks"
    resource.save()
    assert resources("logit") == ["Lens kit"]
    link = resource.links.create(label="Colab", url="https://colab.example.org/lens")
    assert resources("colab") == ["Lens kit"]
    ResourceLink.objects.filter(pk=link.pk).update(label="Binder", url="https://mybinder.example.org/lens")
    assert resources("colab") == [] and resources("binder") == ["Lens kit"]
    Resource.objects.filter(pk=resource.pk).update(name="Tuned kit", description="")
    assert resources("logit") == [] and resources("tuned") == ["Tuned kit"]
    assert_index_in_step()
    link.delete()
    resource.delete()
    assert resources("kit") == ["Probe kit"]
    assert_index_in_step()


def test_import_replace_and_loaddata_keep_the_index_in_step(catalog, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(
        "# Papers\n\n|  Title  |   Venue  |   Date   |   Code   |\n|:--------|:--------:|:--------:|:--------:|\n"
        "|[**Induction heads in context**](https://arxiv.org/abs/2209.11895)| Transformer Circuits | 2022-09-24 | "
        "[Github](https://github.com/anthropics/induction) |\n\n"
        "# Tools\n- [Attribution graphs](https://example.org/graphs): circuit tracing notebooks\n",
        encoding="utf-8",
    )
    call_command("import_readme", str(readme), "--replace", stdout=StringIO(), stderr=StringIO())
    assert papers("grokking") == [] and resources("grokking") == []
    assert papers("induction") == papers("circuits") == papers("anthropics") == ["Induction heads in context"]
    assert papers("transformer circuits induction") == ["Induction heads in context"]
    assert resources("tracing") == ["Attribution graphs"]
    assert_index_in_step()
    call_command("import_readme", str(readme), "--replace", stdout=StringIO(), stderr=StringIO())
    assert papers("induction") == ["Induction heads in context"]
    fixture = tmp_path / "catalog.json"
    call_command("export_fixtures", "-o", str(fixture), stdout=StringIO())
    Paper.objects.all().delete()
    Resource.objects.all().delete()
    assert papers("induction") == [] and resources("tracing") == []
    call_command("loaddata", str(fixture), stdout=StringIO())
    assert papers("induction") == ["Induction heads in context"] and resources("tracing") == ["Attribution graphs"]
    assert_index_in_step()


def test_dumpdata_leaves_out_the_index_tables(catalog):
    out = StringIO()
    call_command("dumpdata", "catalog", stdout=out)
    assert '"catalog.paper"' in out.getvalue() and "fts" not in out.getvalue() and "searchvector" not in out.getvalue()
