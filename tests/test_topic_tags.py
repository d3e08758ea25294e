"""Topic rules from the documented rule file: the tags of an entry's text, the topics a section implies."""

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from catalog.models import Paper, Resource
from catalog.services.topic_tags import TopicRulesError, implied_topics, load_rules, topic_tags


@pytest.fixture(scope="module")
def rules():
    return load_rules(settings.CATALOG_TOPIC_RULES_PATH)


@pytest.mark.parametrize(
    "title,tag",
    [
        ("Sparse Autoencoders Find Highly Interpretable Features in Language Models", "sae"),
        ("Improving Dictionary Learning with Gated SAEs", "sae"),
        ("Sparse Feature Circuits: Discovering and Editing Interpretable Causal Graphs", "circuits"),
        ("Steering Llama 2 via Contrastive Activation Addition", "steering"),
        ("Finding Neurons in a Haystack: Case Studies with Sparse Probing", "probing"),
    ],
)
def test_keywords_tag_titles(rules, title, tag):
    assert tag in topic_tags(rules, text=title)


def test_keywords_match_whole_words_only(rules):
    assert "sae" not in topic_tags(rules, text="sae_vis and Saeed's caesar cipher")


# Pieces of keywords, their plurals and near misses, joined by what may or may not end a word.
KEYWORD_PIECES = [
    "sae",
    "SAEs",
    "saes",
    "sparse",
    "autoencoder",
    "in",
    "context",
    "learning",
    "self",
    "explanation",
    "othello",
    "gpt",
    "fine",
    "tuning",
    "probe",
    "probees",
    "ſae",
    "Über",
    "maze",
    "heads",
    "AtP",
    "x",
]
TEXTS = st.lists(
    st.tuples(st.sampled_from(KEYWORD_PIECES), st.sampled_from([" ", "-", "_", "'", "(", ")", "s", "es", ""])),
    max_size=8,
).map(lambda pieces: "".join(word + separator for word, separator in pieces))


@given(text=TEXTS)
def test_a_text_gets_the_tag_of_every_rule_whose_keyword_it_holds_as_a_word(rules, text):
    expected = [rule.tag for rule in rules.rules if rule.pattern and rule.pattern.search(text)]
    assert topic_tags(rules, text=text) == expected


def test_section_rules_give_the_section_topics_not_the_text(rules):
    assert implied_topics(rules, section_title="Survey Papers") == ["survey"]
    assert implied_topics(rules, section_title="SAE, Dictionary Learning and Superposition") == ["sae"]
    assert implied_topics(rules, section_title="Others") == []
    assert topic_tags(rules, text="Position Papers") == []


def test_a_broken_rule_file_is_reported_with_its_path(tmp_path):
    broken = tmp_path / "rules.toml"
    broken.write_text("[tags.sae]\nkeywords = [1, 2]\n")
    with pytest.raises(TopicRulesError, match="rules.toml"):
        load_rules(broken)
    broken.write_text("[tags.sae\n")
    with pytest.raises(TopicRulesError, match="rules.toml"):
        load_rules(broken)


@pytest.mark.django_db
def test_import_gives_the_seed_useful_tags(seeded):
    sae = Paper.objects.get(title__startswith="Sparse Autoencoders Find Highly Interpretable Features")
    assert "sae" in set(sae.tags.slugs())
    assert Paper.objects.filter(tags__isnull=False).distinct().count() >= 100
    assert "steering" in set(Resource.objects.get(name="Pyvene").tags.slugs())
