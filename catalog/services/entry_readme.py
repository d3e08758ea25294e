"""How one catalog entry is written in the README: its lines in its section, and the columns of its table that the
catalog has no field for (the admin shows them and edits them as written)."""

from __future__ import annotations

from dataclasses import dataclass, field

from catalog import readme
from catalog.models import Section
from catalog.readme.rows import kept_columns
from catalog.services.document_mapping import section_bodies, section_node


@dataclass(frozen=True)
class EntryInReadme:
    lines: list[str]
    # The names of its table's columns the catalog has no field for, as the table's header writes them (a table
    # row's `kept_cells` are theirs, in this order).
    kept_columns: list[str] = field(default_factory=list)


def entry_in_readme(entry) -> EntryInReadme | None:
    """A saved paper or resource as its section writes it; None if the section cannot be written (saving a change
    says why)."""
    sections = Section.objects.filter(pk=entry.section_id)
    pairs = section_bodies(sections)[entry.section_id]
    target = next((node for node, row in pairs if type(row) is type(entry) and row.pk == entry.pk), None)
    section = section_node(sections.get(), [node for node, _ in pairs])
    try:
        for node, lines, head in readme.rendered_nodes(section):
            if node is not None and node is target:
                return EntryInReadme(list(lines), kept_columns(head.lines) if head else [])
    except readme.RenderError:
        return None
    return None
