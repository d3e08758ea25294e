"""The README and the catalog: import a README into the models, export the models as one.

The text itself is handled by the pure `catalog.readme` package; this module only maps
its Document tree to and from the database.
"""

from __future__ import annotations

import difflib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone
from taggit.models import Tag

from catalog import readme
from catalog.models import (
    Paper,
    PaperLink,
    ReadmeFormat,
    Resource,
    ResourceLink,
    Section,
    SectionKind,
    TaggedPaper,
    TaggedResource,
    TextBlock,
    Venue,
)
from catalog.positions import GAP
from catalog.services.bulk import insert_rows, insert_rows_returning_ids
from catalog.services.collector import cycle_collector_paused
from catalog.services.field_checks import FieldCheck
from catalog.services.row_triggers import row_triggers_suspended
from catalog.services.topic_tags import load_rules, topic_tags
from catalog.services.venues import guess_venue_kind


@dataclass
class ReadmeProblems(Exception):
    """Problems that stop an import, each reported as `PATH:LINE: reason`."""

    path: str
    problems: list[readme.Problem]

    def lines(self) -> list[str]:
        return [
            f"{self.path}:{problem.line}: {problem.message}" if problem.line else f"{self.path}: {problem.message}"
            for problem in self.problems
        ]

    def __str__(self):
        return "\n".join(self.lines())


class CatalogNotEmpty(Exception):
    pass


@dataclass
class ImportSummary:
    sections: int = 0
    resources: int = 0
    papers: int = 0
    venues: int = 0
    tagged: int = 0
    warnings: list[readme.Problem] = field(default_factory=list)

    def __str__(self):
        return (
            f"{self.sections} sections, {self.resources} resources, {self.papers} papers, "
            f"{self.venues} venues ({self.tagged} entries given topic tags, {len(self.warnings)} warnings)"
        )


def read_readme_text(path) -> str:
    """The text of the README at `path`, refusing files that are not UTF-8 markdown."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        reason = f"cannot read the file: {error.strerror}"
        raise ReadmeProblems(name, [readme.Problem(0, reason, readme.ERROR)]) from None
    if not data.strip():
        raise ReadmeProblems(name, [readme.Problem(1, "the file is empty", readme.ERROR)])
    if b"\0" in data:
        line = data[: data.index(b"\0")].count(b"\n") + 1
        reason = "NUL byte: this is a binary file, not markdown"
        raise ReadmeProblems(name, [readme.Problem(line, reason, readme.ERROR)])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        reason = f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})"
        raise ReadmeProblems(name, [readme.Problem(line, reason, readme.ERROR)]) from None


def catalog_is_empty() -> bool:
    return not (Section.objects.exists() or Paper.objects.exists() or Resource.objects.exists())


def clear_catalog() -> None:
    for model in (Paper, Resource, TextBlock):
        model.objects.all().delete()
    Section.objects.update(parent=None)
    Section.objects.all().delete()
    Venue.objects.all().delete()
    Tag.objects.filter(catalog_taggedpaper_items=None, catalog_taggedresource_items=None).delete()


def parse_importable(*, path, strict=False) -> tuple[str, readme.Document]:
    """The text of the README at `path` and its Document; ReadmeProblems if it cannot be imported as it is.

    `strict` also refuses lines kept as text inside tables and lists.
    """
    text = read_readme_text(path)
    document = readme.parse(text)
    stopping = document.problems if strict else document.errors
    if stopping:
        raise ReadmeProblems(str(path), stopping)
    require_entries(document, path=str(path))
    return text, document


def import_readme(*, path, replace=False, dry_run=False, strict=False) -> ImportSummary:
    """Fill the catalog from the README at `path`, in one transaction; nothing is written on failure."""
    with cycle_collector_paused():
        _, document = parse_importable(path=path, strict=strict)
        rules = load_rules(settings.CATALOG_TOPIC_RULES_PATH)
        with transaction.atomic():
            replacing = not catalog_is_empty()
            if replacing and not replace:
                raise CatalogNotEmpty("The catalog is not empty: use --replace to replace it with this README.")
            with row_triggers_suspended():
                if replacing:
                    clear_catalog()
                summary = _save_document(document, rules, path=str(path))
            if dry_run:
                transaction.set_rollback(True)
            else:
                refresh_planner_statistics()
    return summary


def refresh_planner_statistics() -> None:
    """Let the database plan its queries on the tables as a whole import left them (ANALYZE): without statistics,
    SQLite passes over the narrow indexes that let a facet count skip the papers' rows."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def require_entries(document: readme.Document, *, path: str) -> None:
    """Refuse a document without a single entry: most likely not the list at all."""
    if not any(isinstance(node, readme.PaperRow | readme.ResourceItem) for s in document.sections for node in s.body):
        reason = "no paper table rows or resource list items found: nothing to import"
        raise ReadmeProblems(path, [readme.Problem(1, reason, readme.ERROR)])


def _save_document(document: readme.Document, rules, *, path: str) -> ImportSummary:
    writer = DocumentWriter(rules)
    parents: list[Section] = []
    for index, node in enumerate(document.sections, start=1):
        while parents and parents[-1].level >= node.level:
            parents.pop()
        section = writer.section(node, position=index * GAP, parent=parents[-1] if parents else None)
        if node.level:
            parents.append(section)
        for item_index, item in enumerate(node.body, start=1):
            writer.item(section, item, position=item_index * GAP)
    if writer.problems:
        raise ReadmeProblems(path, writer.problems)
    writer.flush()
    save_line_ending(document.line_ending)
    return ImportSummary(
        sections=len(document.sections),
        resources=len(writer.resources),
        papers=len(writer.papers),
        venues=len(writer.venues),
        tagged=writer.tagged,
        warnings=document.warnings,
    )


# The columns of the rows the import writes for entries and their links, after the id of what they belong to.
PAPER_COLUMNS = ["section", "venue", "position", "title", "url", "date", "star_repo", "render_hints"]
RESOURCE_COLUMNS = ["section", "position", "name", "url", "description", "star_repo", "render_hints"]
PAPER_LINK_COLUMNS = ["kind", "position", "label", "url"]
RESOURCE_LINK_COLUMNS = ["position", "label", "url"]


class DocumentWriter:
    """Builds the rows for a parsed document, validating each value read from the README against its model field.

    Entries are kept as rows of plain values and written with multi-row INSERTs (a README can list a hundred
    thousand papers); sections and venues, few and needed by the entries, are saved as models.
    """

    def __init__(self, rules):
        self.rules = rules
        self.problems: list[readme.Problem] = []
        self.venues: dict[str, tuple[Venue, int]] = {}
        self.papers: list[tuple[tuple, list[tuple], list[str]]] = []
        self.resources: list[tuple[tuple, list[tuple], list[str]]] = []
        self.blocks: list[TextBlock] = []
        self.tagged = 0
        self.field_checks: dict[tuple, FieldCheck] = {}

    def section(self, node: readme.Section, *, position: int, parent: Section | None) -> Section:
        section = Section(
            title=node.title,
            level=node.level,
            parent=parent,
            position=position,
            kind=section_kind(node),
            blank_lines_after_heading=node.blank_lines_after_heading,
            blank_lines_after=node.blank_lines_after,
            render_hints=node.hints,
        )
        # An invalid section stays unsaved, like its subsections: the import stops with its problems before writing.
        if self.validate(section, node.line, exclude=["slug", "parent"]) and (parent is None or parent.pk):
            section.save()
        return section

    def item(self, section: Section, node, *, position: int) -> None:
        if isinstance(node, readme.PaperRow):
            self._paper(section, node, position)
        elif isinstance(node, readme.ResourceItem):
            self._resource(section, node, position)
        else:
            self.blocks.append(TextBlock(section=section, position=position, text="\n".join(node.lines)))

    def _paper(self, section: Section, row: readme.PaperRow, position: int) -> None:
        venue = self.venue(row.venue, row.line)
        self._check(Paper, row.line, title=row.title, url=row.url, date=row.date, star_repo=row.star_repo)
        links = [
            (kind, index, link.label, link.url)
            for kind, row_links in ((PaperLink.Kind.CODE, row.code_links), (PaperLink.Kind.BLOG, row.blog_links))
            for index, link in enumerate(row_links)
        ]
        for *_, label, url in links:
            self._check(PaperLink, row.line, label=label, url=url)
        values = (section.pk, venue and venue.pk, position, row.title, row.url, row.date, row.star_repo, row.hints)
        tags = paper_topic_tags(self.rules, row, section_title=section.title)
        self.papers.append((values, links, tags))

    def _resource(self, section: Section, item: readme.ResourceItem, position: int) -> None:
        self._check(
            Resource, item.line, name=item.name, url=item.url, description=item.description, star_repo=item.star_repo
        )
        links = [(index, link.label, link.url) for index, link in enumerate(item.links)]
        for _, label, url in links:
            self._check(ResourceLink, item.line, label=label, url=url)
        values = (section.pk, position, item.name, item.url, item.description, item.star_repo, item.hints)
        tags = resource_topic_tags(self.rules, item, section_title=section.title)
        self.resources.append((values, links, tags))

    def venue(self, name: str | None, line: int) -> Venue | None:
        """The venue named `name` (None for no venue), created if new; a case-only respelling renames it."""
        if name is None:
            return None
        key = name.lower()
        if key in self.venues:
            venue, first_line = self.venues[key]
            if venue.name != name:
                reason = (
                    f"venue {name!r} differs only in case from {venue.name!r} (line {first_line}): use one spelling"
                )
                self.problems.append(readme.Problem(line, reason, readme.ERROR))
            return venue
        venue = Venue.objects.filter(name__iexact=name).first() or Venue(kind=guess_venue_kind(name))
        venue.name = name
        if self.validate(venue, line, field_prefix="venue "):
            venue.save()
        self.venues[key] = (venue, line)
        return venue

    def validate(self, instance, line: int, exclude=(), field_prefix="") -> bool:
        """Whether `instance` has valid fields; if not, its problems are added at `line`."""
        try:
            instance.clean_fields(exclude=list(exclude))
        except ValidationError as error:
            self._add_problems(line, error.message_dict, field_prefix)
            return False
        return True

    def _check(self, model, line: int, **values) -> None:
        """Validate values as `clean_fields` would on an instance of `model` holding them."""
        errors = {}
        for name, value in values.items():
            check = self.field_checks.get((model, name))
            if check is None:
                check = self.field_checks[model, name] = FieldCheck(model._meta.get_field(name))
            if messages := check.messages(value):
                errors[name] = messages
        self._add_problems(line, errors)

    def _add_problems(self, line: int, messages_by_field: dict[str, list[str]], field_prefix="") -> None:
        for name, messages in messages_by_field.items():
            self.problems += [
                readme.Problem(line, f"{field_prefix}{name}: {message}", readme.ERROR) for message in messages
            ]

    def flush(self) -> None:
        TextBlock.objects.bulk_create(self.blocks)
        now = timezone.now()
        paper_columns = [*PAPER_COLUMNS, "position_pinned", "created_at", "updated_at"]
        paper_ids = insert_rows_returning_ids(
            Paper, paper_columns, [(*values, False, now, now) for values, _, _ in self.papers]
        )
        self._save_links_and_tags(paper_ids, self.papers, PaperLink, ["paper", *PAPER_LINK_COLUMNS], TaggedPaper)
        resource_columns = [*RESOURCE_COLUMNS, "created_at", "updated_at"]
        resource_ids = insert_rows_returning_ids(
            Resource, resource_columns, [(*values, now, now) for values, _, _ in self.resources]
        )
        self._save_links_and_tags(
            resource_ids, self.resources, ResourceLink, ["resource", *RESOURCE_LINK_COLUMNS], TaggedResource
        )

    def _save_links_and_tags(self, ids, entries, link_model, link_columns, tagged_model) -> None:
        links = [(pk, *link) for pk, (_, entry_links, _) in zip(ids, entries, strict=True) for link in entry_links]
        insert_rows(link_model, link_columns, links)
        names = sorted({tag for _, _, tags in entries for tag in tags})
        tag_ids = dict(Tag.objects.filter(name__in=names).values_list("name", "pk"))
        for name in names:
            if name not in tag_ids:
                tag_ids[name] = Tag.objects.create(name=name).pk
        tagged = [(pk, tag_ids[tag]) for pk, (_, _, tags) in zip(ids, entries, strict=True) for tag in tags]
        insert_rows(tagged_model, ["content_object", "tag"], tagged)
        self.tagged += sum(1 for _, _, tags in entries if tags)


def set_paper_fields(paper: Paper, row: readme.PaperRow, *, venue: Venue | None) -> None:
    """Give `paper` the README fields of `row` (all but its section, position and links)."""
    paper.title, paper.url, paper.venue, paper.date = row.title, row.url, venue, row.date
    paper.star_repo, paper.render_hints = row.star_repo, row.hints


def set_resource_fields(resource: Resource, item: readme.ResourceItem) -> None:
    """Give `resource` the README fields of `item` (all but its section, position and links)."""
    resource.name, resource.url, resource.description = item.name, item.url, item.description
    resource.star_repo, resource.render_hints = item.star_repo, item.hints


def paper_links(row: readme.PaperRow) -> list[PaperLink]:
    return [
        PaperLink(kind=kind, label=link.label, url=link.url, position=index)
        for kind, row_links in ((PaperLink.Kind.CODE, row.code_links), (PaperLink.Kind.BLOG, row.blog_links))
        for index, link in enumerate(row_links)
    ]


def resource_links(item: readme.ResourceItem) -> list[ResourceLink]:
    return [ResourceLink(label=link.label, url=link.url, position=index) for index, link in enumerate(item.links)]


def paper_topic_tags(rules, row: readme.PaperRow, *, section_title: str) -> list[str]:
    return topic_tags(rules, text=row.title, section_title=section_title)


def resource_topic_tags(rules, item: readme.ResourceItem, *, section_title: str) -> list[str]:
    return topic_tags(rules, text=f"{item.name} {item.description}", section_title=section_title)


def section_kind(node: readme.Section) -> str:
    kinds = {type(item) for item in node.body}
    if kinds & {readme.PaperRow, readme.TableHead}:
        return SectionKind.PAPERS
    if readme.ResourceItem in kinds:
        return SectionKind.RESOURCES
    return SectionKind.TEXT


def build_document() -> readme.Document:
    """The catalog as a README Document, in a fixed number of queries."""
    sections = build_sections(Section.objects.order_by("position", "id"))
    return readme.Document(sections=sections, line_ending=line_ending())


def line_ending() -> str:
    """The line ending of the README last imported (LF if none was)."""
    return ReadmeFormat.objects.values_list("line_ending", flat=True).first() or readme.LF


def save_line_ending(ending: str) -> None:
    """Remember the line ending of an imported README, for the export (written only when it changes)."""
    if line_ending() != ending:
        ReadmeFormat.objects.update_or_create(pk=1, defaults={"line_ending": ending})


def build_sections(sections) -> list[readme.Section]:
    """The README sections of the catalog sections `sections` (a queryset, in its order), with their entries."""
    entries = _section_entries(sections, with_instances=False)
    return [section_node(section, [entry[3] for entry in entries.get(section.pk, ())]) for section in sections]


def section_bodies(sections, *, with_instances=True) -> dict[int, list]:
    """For each section of `sections`, by primary key: its (README node, model row) pairs in README order.

    Papers are read as plain values, a catalog may hold a hundred thousand: their model rows are read too only
    `with_instances` (otherwise None).
    """
    entries = _section_entries(sections, with_instances=with_instances)
    return defaultdict(list, {pk: [entry[3:] for entry in body] for pk, body in entries.items()})


def _section_entries(sections, *, with_instances: bool) -> dict[int, list[tuple]]:
    """For each section of `sections`, by primary key: (position, kind, pk, README node, model row) of its papers,
    resources and text blocks in README order: by position, then papers, resources and text, then by creation."""
    entries: dict[int, list] = defaultdict(list)
    in_sections = {"section__in": sections.values("pk")}
    papers = Paper.objects.filter(**in_sections)
    with cycle_collector_paused():
        instances = papers.in_bulk() if with_instances else {}
        for pk, section_id, position, row in _paper_rows(papers):
            entries[section_id].append((position, 0, pk, row, instances.get(pk)))
    for resource in Resource.objects.filter(**in_sections).prefetch_related("links").order_by():
        entries[resource.section_id].append((resource.position, 1, resource.pk, _resource_item(resource), resource))
    for block in TextBlock.objects.filter(**in_sections).order_by():
        entries[block.section_id].append((block.position, 2, block.pk, _text_node(block.text), block))
    for body in entries.values():
        # Papers come in order, so this sort is close to one pass; no two entries share (position, kind, pk).
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


def _paper_rows(papers):
    """(pk, section id, position, PaperRow) of each paper of `papers` by section and position, in two queries."""
    links: dict[str, dict[int, list[readme.Link]]] = {kind: defaultdict(list) for kind in PaperLink.Kind.values}
    in_papers = PaperLink.objects.filter(paper__in=papers.values("pk")).order_by("position", "id")
    for paper_id, kind, label, url in in_papers.values_list("paper_id", "kind", "label", "url"):
        links[kind][paper_id].append(readme.Link(label, url))
    code_links, blog_links = links[PaperLink.Kind.CODE], links[PaperLink.Kind.BLOG]
    fields = ("pk", "section_id", "position", "title", "url", "venue__name", "date", "star_repo")
    # The hints are read as JSON text: nearly every paper has none, and "{}" is not worth decoding.
    rows = papers.order_by("section_id", "position", "pk").values_list(*fields, Cast("render_hints", TextField()))
    for pk, section_id, position, title, url, venue, date, star_repo, hints in rows:
        row = readme.PaperRow(
            title=title,
            url=url,
            venue=venue,
            date=date,
            star_repo=star_repo,
            code_links=code_links.get(pk) or [],
            blog_links=blog_links.get(pk) or [],
            hints={} if hints == "{}" else json.loads(hints),
        )
        yield pk, section_id, position, row


def _resource_item(resource: Resource) -> readme.ResourceItem:
    return readme.ResourceItem(
        name=resource.name,
        url=resource.url,
        description=resource.description,
        star_repo=resource.star_repo,
        links=[readme.Link(link.label, link.url) for link in resource.links.all()],
        hints=resource.render_hints,
    )


def _text_node(text: str):
    lines = text.split("\n")
    columns = readme.table_columns(lines)
    return readme.TableHead(lines, columns) if columns else readme.Text(lines)


def export_readme() -> str:
    """The README the catalog gives now; raises readme.RenderError for a value it cannot write."""
    return readme.render(build_document())


@dataclass
class ReadmeDiff:
    text: str
    added: int
    removed: int

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def readme_diff(current: str, exported: str, *, current_name: str, exported_name: str) -> ReadmeDiff:
    """A unified diff from the README `current` to `exported`, with counts of lines added and removed."""
    lines = list(
        difflib.unified_diff(
            current.split("\n"), exported.split("\n"), fromfile=current_name, tofile=exported_name, lineterm=""
        )
    )
    body = [line for line in lines if not line.startswith(("---", "+++"))]
    added = sum(1 for line in body if line.startswith("+"))
    removed = sum(1 for line in body if line.startswith("-"))
    return ReadmeDiff("\n".join(lines) + ("\n" if lines else ""), added, removed)
