"""The two kinds of catalog entry, papers and resources, each described once.

A kind names its README node and its model, the fields they share, the link groups of the node and how they are
stored, and the text its topic tags are found in. Import, sync, export, fixtures and the outputs read these
descriptions instead of branching on the kind.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from catalog import readme
from catalog.models import Paper, PaperLink, Resource, SectionKind

# Some entries, as their primary keys by kind name, e.g. {"paper": [3, 7]}; None: every entry of the catalog.
Selection = dict[str, list[int]] | None


@dataclass(frozen=True)
class EntryKind:
    name: str
    node: type
    model: type
    section_kind: str
    # Fields of the same name on the README node and on the model; the node's `hints` are the model's render_hints.
    fields: tuple[str, ...]
    # The field naming the entry, on both.
    title_field: str
    # The node's link lists, each with the `kind` its links are stored with (None: the link model has no kind).
    link_groups: tuple[tuple[str, str | None], ...]
    # Fields of the node whose text the topic rules read.
    topic_fields: tuple[str, ...]
    # Whether the entry has a venue: a name on the node, a foreign key on the model.
    has_venue: bool = False
    # What the outputs read along with each entry.
    related: tuple[str, ...] = ("section",)

    @property
    def node_values(self) -> list[str]:
        """The node's fields before its link lists, in their order: its fields and, for papers, the venue."""
        names = [field.name for field in dataclasses.fields(self.node)]
        return names[: names.index(self.link_groups[0][0])]

    @property
    def link_model(self):
        return self.model.links.rel.related_model

    @property
    def link_owner(self) -> str:
        """The link model's foreign key to the entry."""
        return self.model.links.field.name

    @property
    def tagged_model(self):
        return self.model.tags.through

    def title(self, node) -> str:
        return getattr(node, self.title_field)

    def topic_text(self, node) -> str:
        return " ".join(getattr(node, name) for name in self.topic_fields)

    def values(self, node) -> tuple:
        """The node's values of `fields`, in their order."""
        return tuple(getattr(node, name) for name in self.fields)

    def set_fields(self, instance, node, *, venue=None) -> None:
        """Give `instance` the README fields of `node` (all but its section, position and links)."""
        for name in self.fields:
            setattr(instance, name, getattr(node, name))
        instance.render_hints = node.hints
        if self.has_venue:
            instance.venue = venue

    @property
    def has_link_kinds(self) -> bool:
        return self.link_groups[0][1] is not None

    @property
    def link_columns(self) -> list[str]:
        """The link model's fields `link_rows` gives, after the entry."""
        return ["kind", "position", "label", "url"] if self.has_link_kinds else ["position", "label", "url"]

    def link_rows(self, node) -> list[tuple]:
        """The values of `link_columns` for each of the node's links."""
        return [
            (kind, index, link.label, link.url) if kind else (index, link.label, link.url)
            for group, kind in self.link_groups
            for index, link in enumerate(getattr(node, group))
        ]

    def links(self, node) -> list:
        """Unsaved link instances of the node's links."""
        return [self.link_model(**dict(zip(self.link_columns, row, strict=True))) for row in self.link_rows(node)]

    def selected(self, queryset, selection: Selection):
        """`queryset`, of this kind's entries or of their links, narrowed to the entries of the `selection`."""
        if selection is None:
            return queryset
        chosen = selection.get(self.name, [])
        if queryset.model is self.link_model:
            return queryset.filter(**{f"{self.link_owner}__in": chosen})
        return queryset.filter(pk__in=chosen)


PAPER = EntryKind(
    name="paper",
    node=readme.PaperRow,
    model=Paper,
    section_kind=SectionKind.PAPERS,
    fields=("title", "url", "date", "star_repo"),
    title_field="title",
    link_groups=(("code_links", PaperLink.Kind.CODE), ("blog_links", PaperLink.Kind.BLOG)),
    topic_fields=("title",),
    has_venue=True,
    related=("venue", "section"),
)
RESOURCE = EntryKind(
    name="resource",
    node=readme.ResourceItem,
    model=Resource,
    section_kind=SectionKind.RESOURCES,
    fields=("name", "url", "description", "star_repo"),
    title_field="name",
    link_groups=(("links", None),),
    topic_fields=("name", "description"),
)
KINDS = (PAPER, RESOURCE)
_BY_NODE = {kind.node: kind for kind in KINDS}
ENTRY_NODES = tuple(_BY_NODE)
ENTRY_MODELS = tuple(kind.model for kind in KINDS)


def kind_of(node) -> EntryKind | None:
    """The kind of a README node, None for text and table headers."""
    return _BY_NODE.get(type(node))
