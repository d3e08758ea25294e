"""The description of each entry kind agrees with its README node and its model."""

import dataclasses
import datetime

import pytest

from catalog.entry_kinds import KINDS, PAPER, RESOURCE, kind_of
from catalog.readme import Link, PaperRow, ResourceItem, TableHead


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_a_node_is_built_from_its_values_then_its_link_lists_then_its_hints(kind):
    names = [field.name for field in dataclasses.fields(kind.node)]
    groups = [group for group, _ in kind.link_groups]
    assert names == [*kind.node_values, *groups, "hints", "line"]
    assert set(kind.node_values) == set(kind.fields) | ({"venue"} if kind.has_venue else set())


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_the_fields_named_are_fields_of_the_model_and_its_links(kind):
    for name in (*kind.fields, kind.title_field, *kind.related):
        kind.model._meta.get_field(name)
    for name in kind.link_columns:
        kind.link_model._meta.get_field(name)
    assert kind.link_model._meta.get_field(kind.link_owner).related_model is kind.model


def test_each_node_has_its_kind_and_links_go_to_their_group():
    row = PaperRow(
        "A Paper",
        "https://example.org/p",
        "ICLR",
        datetime.date(2024, 1, 2),
        code_links=[Link("Code", "https://example.org/c")],
        blog_links=[Link("Blog", "https://example.org/b")],
    )
    item = ResourceItem("A Tool", "https://example.org/t", "Does things.", links=[Link("Doc", "https://example.org/d")])
    assert (kind_of(row), kind_of(item), kind_of(TableHead([], ()))) == (PAPER, RESOURCE, None)
    assert PAPER.link_rows(row) == [
        ("code", 0, "Code", "https://example.org/c"),
        ("blog", 0, "Blog", "https://example.org/b"),
    ]
    assert RESOURCE.link_rows(item) == [(0, "Doc", "https://example.org/d")]
    assert (PAPER.title(row), RESOURCE.title(item)) == ("A Paper", "A Tool")
    assert RESOURCE.topic_text(item) == "A Tool Does things."
