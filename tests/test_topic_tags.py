"""Topic tags from the documented rule file, applied at import."""

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from catalog.models import Paper, Resource
from catalog.services.topic_tags import TopicRulesError, load_rules, topic_tags


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
    assert tag in topic_tags(rules, text=title, section_title="Anything")


def test_keywords_match_whole_words_only(rules):
    assert "sae" not in topic_tags(rules, text="sae_vis and Saeed's caesar cipher", section_title="")


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


@given(text=TEXTS, section_title=st.sampled_from(["", "Survey Papers", "Position Papers"]))
def test_a_text_gets_the_tag_of_every_rule_whose_keyword_it_holds_as_a_word(rules, text, section_title):
    expected = [
        rule.tag
        for rule in rules.rules
        if section_title in rule.sections or (rule.pattern and rule.pattern.search(text))
    ]
    assert topic_tags(rules, text=text, section_title=section_title) == expected


def test_section_rules_tag_every_entry_of_the_section(rules):
    assert "survey" in topic_tags(rules, text="Unrelated title", section_title="Survey Papers")


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
    assert "library" in set(Resource.objects.get(name="TransformerLens").tags.slugs())
