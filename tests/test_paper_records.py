"""Papers read as plain rows are the papers the models load: the outputs (JSON, CSV, BibTeX), written from the rows,
hold what the model instances hold, on the seed catalog and on a synthetic catalog with authors and abstracts."""

import pytest

from bench.catalog import synthetic_readme
from bench.measure import add_authors_and_abstracts
from catalog.bibtex import catalog_keys, paper_bibtex
from catalog.models import Paper
from catalog.paper_records import EXPORT_CHUNK_SIZE, paper_record, paper_records
from catalog.selectors import paper_list_queryset
from catalog.services.readme_import import import_readme
from tests.topics import having_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def bench_catalog(tmp_path):
    """A synthetic catalog as `make bench` makes it, of more papers than a chunk of records."""
    path = tmp_path / "README.md"
    path.write_text(synthetic_readme(papers=EXPORT_CHUNK_SIZE + 100, seed=4), encoding="utf-8")
    import_readme(path=path)
    add_authors_and_abstracts(seed=4)


def loaded_records(papers):
    """The records made from model instances loaded with their venue, section, links, topics and authors."""
    return [paper_record(paper) for paper in paper_list_queryset().filter(pk__in=papers.values("pk"))]


def content(response) -> str:
    return b"".join(response.streaming_content if response.streaming else [response.content]).decode()


@pytest.mark.parametrize("catalog", ["seeded", "bench_catalog"])
def test_records_read_as_rows_are_those_of_the_loaded_papers(request, catalog):
    request.getfixturevalue(catalog)
    papers = Paper.objects.all()
    records = list(paper_records(papers))
    assert records == loaded_records(papers)
    assert any(record.authors for record in records) == (catalog == "bench_catalog")
    assert any(record.code for record in records) and any(record.topic_names for record in records)
    filtered = papers.filter(venue__name="ICLR")
    assert list(paper_records(filtered)) == loaded_records(filtered) != []


@pytest.mark.parametrize("catalog", ["seeded", "bench_catalog"])
@pytest.mark.parametrize(
    ("query", "selected"),
    [
        ("", lambda papers: papers),
        ("?venue=ICLR", lambda papers: papers.filter(venue__name="ICLR")),
        ("?tag=sae", lambda papers: having_topic(papers, "sae")),
    ],
)
def test_the_bibtex_download_holds_the_bibtex_of_each_papers_page(request, client, catalog, query, selected):
    request.getfixturevalue(catalog)
    keys = catalog_keys()
    papers = paper_list_queryset().filter(pk__in=selected(Paper.objects.all()).values("pk"))
    expected = [paper_bibtex(paper_record(paper), keys) + "\n" for paper in papers]

    assert content(client.get(f"/papers.bib{query}")) == "".join(expected)
    assert len(expected) > 1
    for paper, entry in list(zip(papers, expected, strict=True))[:: len(expected) // 3]:
        assert client.get(paper.get_absolute_url()).context["bibtex"] + "\n" == entry
