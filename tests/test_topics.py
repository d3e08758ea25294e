"""Topics you can trust: on the seed, every paper of a topic's section has the topic, titles that name a topic
have it, and the tag filter, the counts and the README's coverage figures agree; import and sync set the topics a
section implies from the rules; the topic views survive migrations that rebuild the tables they read."""

import re
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from taggit.models import Tag

from catalog.models import Paper, Resource, Section, SectionKind
from catalog.services.merging import merge_tags
from catalog.topics import topic_counts
from tests.test_search_index_migrations import migrate
from tests.test_sync import add_a_section, move, sync
from tests.topics import ENTRY_TOPICS_RELATED, expected_topics

pytestmark = pytest.mark.django_db

# The sections of the seed that imply a topic: every entry listed in one has it.
SECTION_TOPICS = {
    "Survey Papers": "survey",
    "Position Papers": "position-paper",
    "SAE, Dictionary Learning and Superposition": "sae",
    "Interpretability in Vision LLMs": "vision",
    "Benchmarking Interpretability": "benchmark",
    "Awesome Interpretability Libraries": "library",
    "Awesome Interpretability Tools": "tool",
    "Awesome Interpretability Tutorials": "tutorial",
}
# Titles whose words name a topic (or seem to but do not), as a reader sees them: the rules were reviewed with them.
FEATURE_CIRCUITS = "Sparse Feature Circuits: Discovering and Editing Interpretable Causal Graphs in Language Models"
MULTIMODAL = "Towards Multimodal Interpretability: Learning Sparse Interpretable Features in Vision Transformers"
TITLE_TOPICS = [
    (FEATURE_CIRCUITS, "sae", True),
    ("Transcoders Find Interpretable LLM Feature Circuits", "sae", True),
    ("Localizing Model Behavior with Path Patching", "patching", True),
    ("Locating and Editing Factual Associations in Mamba", "model-editing", True),
    ("Model Editing with Canonical Examples", "model-editing", True),
    ("Scaling Laws and Interpretability of Learning from Repeated Data", "training-dynamics", True),
    ("Feature emergence via margin maximization: case studies in algebraic tasks", "training-dynamics", True),
    (MULTIMODAL, "vision", True),
    ("A Language Model's Guide Through Latent Space", "tutorial", False),
    ("Fine-grained Hallucination Detection and Editing for Language Models", "model-editing", False),
    (FEATURE_CIRCUITS, "model-editing", False),
    ("Recovering the Pre-Fine-Tuning Weights of Generative Models", "model-editing", False),
    ("Emergence of a High-Dimensional Abstraction Phase in Language Transformers", "training-dynamics", False),
]
# What a reader counts for `tag=sae`: the 29 papers of the SAE section and the two SAE papers listed elsewhere.
SAE_PAPERS = 31


def topics_of(model):
    entries = model.objects.select_related("section").prefetch_related(*ENTRY_TOPICS_RELATED)
    return {entry: expected_topics(entry) for entry in entries}


@pytest.mark.parametrize(("section", "topic"), SECTION_TOPICS.items())
def test_every_entry_of_a_topics_section_has_the_topic(seeded, client, section, topic):
    section = Section.objects.get(title=section)
    entries = [*section.papers.all(), *section.resources.all()]
    assert entries
    for entry in entries:
        assert topic in {tag.slug for tag in entry.topics.all()}, entry
    assert [tag.slug for tag in section.implied_topics.all()] == [topic]


def test_sections_without_a_topic_imply_none(seeded):
    assert set(Section.objects.filter(implied_topics__isnull=False).values_list("title", flat=True)) == set(
        SECTION_TOPICS
    )


@pytest.mark.parametrize(("title", "topic", "has_it"), TITLE_TOPICS)
def test_titles_naming_a_topic_have_it(seeded, title, topic, has_it):
    paper = Paper.objects.get(title=title)
    assert (topic in {tag.slug for tag in paper.topics.all()}) is has_it


def test_the_sae_tag_the_section_and_the_counts_agree(seeded, client):
    sae_section = Section.objects.get(title="SAE, Dictionary Learning and Superposition")
    assert client.get("/papers.json?tag=sae").json()["count"] == SAE_PAPERS
    section_count = client.get(f"/papers.json?section={sae_section.slug}").json()["count"]
    assert client.get(f"/papers.json?section={sae_section.slug}&tag=sae").json()["count"] == section_count == 29
    assert 'aria-label="31 papers tagged sae"' in client.get("/tags/").content.decode()
    facet = re.search(r'name="tag" value="sae"[^>]*>\s*<label[^>]*>sae <span class="count">(\d+)</span>', page(client))
    assert int(facet[1]) == SAE_PAPERS


@pytest.fixture
def sae_subsections(seeded):
    """Two papers of the SAE section without an `sae` tag, moved to a subsection of it and to one below that, and
    a library moved to a subsection of the libraries' section."""
    sae = Section.objects.get(title="SAE, Dictionary Learning and Superposition")
    below = Section.objects.create(title="Dictionary Features", level=3, parent=sae)
    further = Section.objects.create(title="Feature Splitting", level=4, parent=below)
    first, second = sae.papers.exclude(tags__slug="sae").order_by("pk")[:2]
    Paper.objects.filter(pk=first.pk).update(section=below)
    Paper.objects.filter(pk=second.pk).update(section=further)
    libraries = Section.objects.get(title="Awesome Interpretability Libraries")
    tools = Section.objects.create(title="Tracing Tools", level=2, parent=libraries, kind=SectionKind.RESOURCES)
    library = libraries.resources.exclude(tags__slug="library").first()
    Resource.objects.filter(pk=library.pk).update(section=tools)
    return first, second, library


def test_the_entries_of_a_subsection_have_the_topics_of_the_sections_above_it(sae_subsections, client):
    first, second, library = sae_subsections

    assert client.get("/papers.json?tag=sae").json()["count"] == SAE_PAPERS
    listed = client.get(f"/papers.json?id={first.pk},{second.pk}").json()["papers"]
    assert [paper["tags"].count("sae") for paper in listed] == [1, 1]
    assert all(
        "sae" in row for row in client.get(f"/papers.csv?id={first.pk},{second.pk}").content.decode().splitlines()[1:]
    )
    assert "sae" in re.search(r"keywords = \{([^}]*)\}", client.get(f"/papers.bib?id={second.pk}").content.decode())[1]
    assert '<a class="tag" href="/papers/?tag=sae">sae</a>' in page(client, second.get_absolute_url())
    assert 'aria-label="31 papers tagged sae"' in page(client, "/tags/")
    assert client.get("/resources/?tag=library").content.decode().count(library.name) >= 1
    assert "library" in [tag.slug for tag in Resource.objects.get(pk=library.pk).topics.all()]
    assert topics_of(Paper)[Paper.objects.get(pk=second.pk)] >= {"sae"}


def test_a_topic_implied_again_below_is_counted_once(sae_subsections, client):
    first, _, _ = sae_subsections
    first.refresh_from_db()
    first.section.implied_topics.add(Tag.objects.get(slug="sae"))

    assert [tag.slug for tag in Paper.objects.get(pk=first.pk).topics.all()].count("sae") == 1
    assert client.get("/papers.json?tag=sae").json()["count"] == SAE_PAPERS
    assert 'aria-label="31 papers tagged sae"' in page(client, "/tags/")


def test_a_subsection_moved_out_loses_the_topics_of_its_former_parent(sae_subsections, client):
    first, second, _ = sae_subsections
    first.refresh_from_db()
    others = Section.objects.get(title="Others")
    Section.objects.filter(pk=first.section_id).update(parent=others)

    for paper in (first, second):
        assert "sae" not in [tag.slug for tag in Paper.objects.get(pk=paper.pk).topics.all()]
    assert client.get("/papers.json?tag=sae").json()["count"] == SAE_PAPERS - 2


def test_topic_counts_agree_with_the_topic_views_for_any_entries(sae_subsections):
    """Tagged entries, entries of sections implying a topic (or of sections below them), and entries both tagged and
    implied, counted once: the catalog, a part of it, and a part whose entries per section are known."""
    for model in (Paper, Resource):
        pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
        for part in (pks, pks[::2], pks[1::3], []):
            entries = model.objects.filter(pk__in=part).values("pk")
            expected = Counter(model.topics.through.objects.filter(entry__in=part).values_list("tag__slug", flat=True))
            per_section = Counter(model.objects.filter(pk__in=part).values_list("section", flat=True))
            for counts in (topic_counts(model, entries), topic_counts(model, entries, per_section=per_section)):
                assert {slug: count for slug, _, count in counts} == expected, (model, len(part))
                assert [count for _, _, count in counts] == sorted(expected.values(), reverse=True)
        assert {slug: count for slug, _, count in topic_counts(model)} == Counter(
            model.topics.through.objects.values_list("tag__slug", flat=True)
        )


def page(client, url="/papers/"):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_topic_views_give_each_entry_its_tags_and_its_sections_topics_once(seeded):
    for model in (Paper, Resource):
        for entry, expected in topics_of(model).items():
            slugs = list(model.topics.through.objects.filter(entry=entry).values_list("tag__slug", flat=True))
            assert sorted(slugs) == sorted(expected), entry


def test_import_sets_the_topics_a_section_implies_not_tags_of_its_entries(seeded):
    library = Resource.objects.get(name="TransformerLens")
    assert "library" not in library.tags.slugs()
    assert "library" in [tag.slug for tag in library.topics.all()]
    positions = Section.objects.get(title="Position Papers").papers.all()
    assert all("position-paper" in [tag.slug for tag in paper.topics.all()] for paper in positions)
    assert not Paper.objects.filter(tags__slug="position-paper").exists(), "not stored with its papers"


def test_a_sync_keeps_the_topics_a_section_implies_and_gives_new_sections_theirs(seeded, seed_text, tmp_path, settings):
    rules = tmp_path / "rules.toml"
    rules.write_text(
        Path(settings.CATALOG_TOPIC_RULES_PATH).read_text(encoding="utf-8")
        + '\n[tags.agents]\nsections = ["Interpretability of Agents"]\n',
        encoding="utf-8",
    )
    settings.CATALOG_TOPIC_RULES_PATH = rules
    talking_heads = "Talking Heads: Understanding Inter-layer Communication"
    text = move(add_a_section(seed_text), f"**{talking_heads}", after="**Softmax Linear Units**")
    path = tmp_path / "README.md"
    path.write_text(text, encoding="utf-8")

    sync(path)

    agents = Section.objects.get(title="Interpretability of Agents")
    assert [tag.slug for tag in agents.implied_topics.all()] == ["agents"]
    assert [tag.slug for tag in agents.papers.get().topics.all()] == ["agents"]
    moved = Paper.objects.get(title__startswith=talking_heads)
    assert moved.section.title == "SAE, Dictionary Learning and Superposition"
    assert {"attention-heads", "sae"} == {tag.slug for tag in moved.topics.all()}
    assert "sae" not in moved.tags.slugs()


def test_a_tag_merged_into_another_leaves_the_sections_implying_that_one(seeded, client):
    sae = Tag.objects.get(slug="sae")
    merge_tags([sae], into=Tag.objects.create(name="sparse-autoencoders"))
    sae_section = Section.objects.get(title="SAE, Dictionary Learning and Superposition")
    assert [tag.slug for tag in sae_section.implied_topics.all()] == ["sparse-autoencoders"]
    assert client.get("/papers.json?tag=sparse-autoencoders").json()["count"] == SAE_PAPERS


def test_coverage_is_counted_by_a_command_and_stated_in_the_readme(seeded):
    out = StringIO()
    call_command("topic_coverage", stdout=out)
    papers, resources = out.getvalue().splitlines()
    with_topic = {model: sum(1 for topics in topics_of(model).values() if topics) for model in (Paper, Resource)}
    assert papers == f"Papers: {with_topic[Paper]} of 149 have at least one topic, {149 - with_topic[Paper]} have none."
    assert resources == (
        f"Resources: {with_topic[Resource]} of 28 have at least one topic, {28 - with_topic[Resource]} have none."
    )
    readme = " ".join((Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8").split())
    assert f"{with_topic[Paper]} of the 149 seed papers have at least one topic" in readme
    assert f"{149 - with_topic[Paper]} have none" in readme


def test_coverage_lists_the_entries_without_a_topic_at_verbosity_2(seeded):
    out = StringIO()
    call_command("topic_coverage", verbosity=2, stdout=out)
    assert "  Softmax Linear Units\n" not in out.getvalue()
    assert "  Understanding Addition in Transformers\n" in out.getvalue()


@pytest.fixture
def catalog_migrated_back():
    """The catalog's tables as the latest migration leaves them, after a test that migrates them back and forth."""
    (leaf,) = MigrationLoader(connection).graph.leaf_nodes("catalog")
    yield
    migrate(leaf[1])


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_a_catalog_s_sections_the_topics_of_the_rules(seeded, catalog_migrated_back):
    migrate("0016_trigram_similarity")
    migrate("0017_section_implied_topics")
    assert set(Section.objects.filter(implied_topics__isnull=False).values_list("title", flat=True)) == set(
        SECTION_TOPICS
    )
    assert [tag.slug for tag in Paper.objects.only("pk").get(title="Softmax Linear Units").topics.all()] == ["sae"]
