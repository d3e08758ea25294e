"""The catalog's models as README nodes: sections, their entries of each kind and their text blocks.

The text itself is handled by the pure `catalog.readme` package, each entry kind by its description in
`catalog.entry_kinds`; this module reads the database into a Document tree.
"""

from __future__ import annotations

import json
from collections import defaultdict

from django.db.models import TextField
from django.db.models.functions import Cast

from catalog import readme
from catalog.entry_kinds import KINDS, EntryKind, kind_of
from catalog.models import ReadmeFormat, Section, SectionKind, TextBlock
from catalog.services.gc_pause import cycle_collector_paused
from catalog.services.topic_tags import topic_tags

_TEXT_ORDER = len(KINDS)


def entry_topic_tags(rules, node) -> list[str]:
    return topic_tags(rules, text=kind_of(node).topic_text(node))


def section_kind(node: readme.Section) -> str:
    """Papers for a section with a paper table or papers, resources for one with resources or, below the title
    level, with nothing yet (a list being started), text otherwise."""
    node_types = {type(item) for item in node.body}
    if readme.TableHead in node_types:
        return SectionKind.PAPERS
    if not node.body and node.level >= 2:
        return SectionKind.RESOURCES
    return next((kind.section_kind for kind in KINDS if kind.node in node_types), SectionKind.TEXT)


def build_document() -> readme.Document:
    """The catalog as a README Document, in a fixed number of queries."""
    sections = build_sections(Section.objects.order_by("position", "id"))
    return readme.Document(sections=sections, line_ending=line_ending())


def line_ending() -> str:
    """The line ending of the README last imported (LF if none was)."""
    return ReadmeFormat.objects.values_list("line_ending", flat=True).first() or readme.LF


def build_sections(sections) -> list[readme.Section]:
    """The README sections of the catalog sections `sections` (a queryset, in its order), with their entries."""
    entries = _section_entries(sections, with_instances=False)
    return [section_node(section, [entry[3] for entry in entries.get(section.pk, ())]) for section in sections]


def section_bodies(sections, *, with_instances=True) -> dict[int, list]:
    """For each section of `sections`, by primary key: its (README node, model row) pairs in README order.

    Entries are read as plain values, a catalog may hold a hundred thousand: their model rows are read too only
    `with_instances` (otherwise None).
    """
    entries = _section_entries(sections, with_instances=with_instances)
    return defaultdict(list, {pk: [entry[3:] for entry in body] for pk, body in entries.items()})


def _section_entries(sections, *, with_instances: bool) -> dict[int, list[tuple]]:
    """For each section of `sections`, by primary key: (position, kind order, pk, README node, model row) of its
    entries and text blocks in README order: by position, then papers, resources and text, then by creation."""
    entries: dict[int, list] = defaultdict(list)
    in_sections = {"section__in": sections.values("pk")}
    with cycle_collector_paused():
        for order, kind in enumerate(KINDS):
            rows = kind.model.objects.filter(**in_sections)
            instances = rows.in_bulk() if with_instances else {}
            for pk, section_id, position, node in _entry_nodes(kind, rows):
                entries[section_id].append((position, order, pk, node, instances.get(pk)))
    for block in TextBlock.objects.filter(**in_sections).order_by():
        entries[block.section_id].append((block.position, _TEXT_ORDER, block.pk, _text_node(block.text), block))
    for body in entries.values():
        # Entries come in order, so this sort is close to one pass; no two entries share (position, kind, pk).
        body.sort()
    return entries


def section_node(section: Section, body: list) -> readme.Section:
    return readme.Section(
        title=section.title,
        level=section.level,
        body=body,
        blank_lines_after_heading=section.blank_lines_after_heading,
        blank_lines_after=section.blank_lines_after,
        hints=section.render_hints,
    )


def _entry_nodes(kind: EntryKind, entries):
    """(pk, section id, position, README node) of each of `entries` by section and position, in two queries."""
    links = _links_by_kind(kind, entries)
    # The node's fields in their positional order (its values, its link lists, its hints): rows build it at once.
    columns = ["venue__name" if name == "venue" else name for name in kind.node_values]
    # The hints are read as JSON text: nearly every entry has none, and "{}" is not worth decoding.
    rows = entries.order_by("section_id", "position", "pk").values_list(
        "pk", "section_id", "position", Cast("render_hints", TextField()), *columns
    )
    groups = [links[link_kind] for _, link_kind in kind.link_groups]
    node = kind.node
    for pk, section_id, position, hints, *values in rows:
        group_links = [by_entry.get(pk) or [] for by_entry in groups]
        yield pk, section_id, position, node(*values, *group_links, {} if hints == "{}" else json.loads(hints))


def _links_by_kind(kind: EntryKind, entries) -> dict:
    """For each link kind of `kind` (None for a link model without kinds): entry id -> its README links, in order."""
    links: dict = {link_kind: defaultdict(list) for _, link_kind in kind.link_groups}
    owner = kind.link_owner
    columns = [f"{owner}_id", "label", "url", *(["kind"] if kind.has_link_kinds else [])]
    in_entries = kind.link_model.objects.filter(**{f"{owner}__in": entries.values("pk")}).order_by("position", "id")
    for owner_id, label, url, *link_kind in in_entries.values_list(*columns):
        links[link_kind[0] if link_kind else None][owner_id].append(readme.Link(label, url))
    return links


def _text_node(text: str):
    lines = text.split("\n")
    columns = readme.table_columns(lines)
    return readme.TableHead(lines, columns) if columns else readme.Text(lines)
