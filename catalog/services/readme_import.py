"""Importing a README into an empty catalog (or replacing it), in one transaction, nothing written on failure."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from taggit.models import Tag

from catalog import readme
from catalog.entry_kinds import ENTRY_NODES, KINDS, PAPER, RESOURCE, EntryKind, kind_of
from catalog.models import Author, ReadmeFormat, Section, TextBlock, Venue
from catalog.positions import GAP
from catalog.services.bulk import insert_rows, insert_rows_returning_ids
from catalog.services.document_mapping import entry_topic_tags, line_ending, section_kind
from catalog.services.field_checks import FieldCheck
from catalog.services.gc_pause import cycle_collector_paused
from catalog.services.readme_files import ReadmeProblems, read_readme_text
from catalog.services.row_triggers import row_triggers_suspended
from catalog.services.topic_tags import imply_rule_topics, load_rules, tags_named
from catalog.services.venues import guess_venue_kind


class CatalogNotEmpty(Exception):
    pass


@dataclass(frozen=True)
class SectionRecognised:
    """What the import recognised in one section: its entries (with `indented_lines` under them: text or sub-items
    kept as part of the list item above), and its lines kept as text (of which `unrecognised` stand inside a list or
    table holding entries)."""

    title: str
    entries: int
    text_lines: int
    unrecognised: int
    indented_lines: int = 0

    def __str__(self):
        heading = self.title or "(text before the first heading)"
        under = f" (with {self.indented_lines} lines indented under them)" if self.indented_lines else ""
        inside = f" ({self.unrecognised} inside a list or table)" if self.unrecognised else ""
        return f"{heading}: {self.entries} entries{under}, {self.text_lines} lines kept as text{inside}"


def recognised_per_section(document: readme.Document) -> list[SectionRecognised]:
    starts = [section.line for section in document.sections[1:]] + [float("inf")]
    warnings = [problem.line for problem in document.warnings]
    report = []
    for section, end in zip(document.sections, starts, strict=True):
        texts = [node for node in section.body if isinstance(node, readme.Text)]
        entries = [node for node in section.body if isinstance(node, ENTRY_NODES)]
        report.append(
            SectionRecognised(
                title=section.title,
                entries=len(entries),
                text_lines=sum(len(node.lines) for node in texts),
                unrecognised=sum(1 for line in warnings if section.line <= line < end),
                indented_lines=sum(len(node.hints.get("continuation", ())) for node in entries),
            )
        )
    return report


@dataclass
class ImportSummary:
    sections: int = 0
    resources: int = 0
    papers: int = 0
    venues: int = 0
    tagged: int = 0
    implying: int = 0
    warnings: list[readme.Problem] = field(default_factory=list)
    recognised: list[SectionRecognised] = field(default_factory=list)

    def __str__(self):
        return (
            f"{self.sections} sections, {self.resources} resources, {self.papers} papers, "
            f"{self.venues} venues ({self.tagged} entries given topic tags, {self.implying} sections implying topics, "
            f"{len(self.warnings)} warnings)"
        )


def catalog_is_empty() -> bool:
    return not (Section.objects.exists() or any(kind.model.objects.exists() for kind in KINDS))


def clear_catalog() -> None:
    for model in (*(kind.model for kind in KINDS), TextBlock):
        model.objects.all().delete()
    Section.objects.update(parent=None)
    Section.objects.all().delete()
    Venue.objects.all().delete()
    Tag.objects.filter(catalog_taggedpaper_items=None, catalog_taggedresource_items=None).delete()
    Author.objects.filter(paper_authors=None).delete()


def parse_importable(*, path, strict=False) -> tuple[str, readme.Document]:
    """The text of the README at `path` and its Document; ReadmeProblems if it cannot be imported as it is.

    `strict` also refuses lines kept as text inside tables and lists.
    """
    text = read_readme_text(path)
    document = readme.parse(text)
    stopping = document.problems if strict else document.errors
    if stopping:
        raise ReadmeProblems(str(path), stopping)
    require_content(document, path=str(path))
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


def require_content(document: readme.Document, *, path: str) -> None:
    """Refuse a document with neither a heading nor an entry: most likely not a list at all. A list without
    entries yet imports as its skeleton (sections, text, table headers) for entries to be added to."""
    if not any(
        section.level or any(isinstance(node, ENTRY_NODES) for node in section.body) for section in document.sections
    ):
        reason = "no headings, paper table rows or list items found: nothing to import"
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
        resources=len(writer.entries[RESOURCE]),
        papers=len(writer.entries[PAPER]),
        venues=len(writer.venues),
        tagged=writer.tagged,
        implying=writer.implying,
        warnings=document.warnings,
        recognised=recognised_per_section(document),
    )


def save_line_ending(ending: str) -> None:
    """Remember the line ending of an imported README, for the export (written only when it changes)."""
    if line_ending() != ending:
        ReadmeFormat.objects.update_or_create(pk=1, defaults={"line_ending": ending})


def entry_columns(kind: EntryKind) -> list[str]:
    """The columns of the rows the import writes for entries of `kind`, as `DocumentWriter` gives their values."""
    return ["section", "position", *kind.fields, "render_hints", *(["venue"] if kind.has_venue else [])]


class DocumentWriter:
    """Builds the rows for a parsed document, validating each value read from the README against its model field.

    Entries are kept as rows of plain values and written with multi-row INSERTs (a README can list a hundred
    thousand papers); sections and venues, few and needed by the entries, are saved as models.
    """

    def __init__(self, rules):
        self.rules = rules
        self.problems: list[readme.Problem] = []
        self.venues: dict[str, tuple[Venue, int]] = {}
        self._stored_venues: dict[str, Venue] | None = None
        # For each kind, its entries' (values of entry_columns, link rows, topic tags).
        self.entries: dict[EntryKind, list[tuple[tuple, list[tuple], list[str]]]] = {kind: [] for kind in KINDS}
        self.blocks: list[TextBlock] = []
        self.tagged = 0
        self.implying = 0
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
            self.implying += imply_rule_topics(self.rules, section)
        return section

    def item(self, section: Section, node, *, position: int) -> None:
        kind = kind_of(node)
        if kind:
            self._entry(kind, section, node, position)
        else:
            self.blocks.append(TextBlock(section=section, position=position, text="\n".join(node.lines)))

    def _entry(self, kind: EntryKind, section: Section, node, position: int) -> None:
        venue_id = (self._venue_id(node.venue, node.line),) if kind.has_venue else ()
        values = kind.values(node)
        self._check(kind.model, node.line, **dict(zip(kind.fields, values, strict=True)))
        links = kind.link_rows(node)
        for *_, label, url in links:
            self._check(kind.link_model, node.line, label=label, url=url)
        row = (section.pk, position, *values, node.hints, *venue_id)
        tags = entry_topic_tags(self.rules, node)
        self.entries[kind].append((row, links, tags))

    def _venue_id(self, name: str | None, line: int) -> int | None:
        venue = self.venue(name, line)
        return venue and venue.pk

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
        venue = self.stored_venues().get(key) or Venue(kind=guess_venue_kind(name))
        venue.name = name
        if self.validate(venue, line, field_prefix="venue "):
            venue.save()
        self.venues[key] = (venue, line)
        return venue

    def stored_venues(self) -> dict[str, Venue]:
        """The venues already in the catalog by lower-case name, read once: looking each new name up in the table
        would make an import of many venues quadratic (a case-insensitive match scans the table)."""
        if self._stored_venues is None:
            self._stored_venues = {venue.name.lower(): venue for venue in Venue.objects.all()}
        return self._stored_venues

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
        for kind, entries in self.entries.items():
            columns = [*entry_columns(kind), "created_at", "updated_at"]
            ids = insert_rows_returning_ids(kind.model, columns, [(*row, now, now) for row, _, _ in entries])
            self._save_links_and_tags(ids, entries, kind)

    def _save_links_and_tags(self, ids, entries, kind: EntryKind) -> None:
        links = [(pk, *link) for pk, (_, entry_links, _) in zip(ids, entries, strict=True) for link in entry_links]
        insert_rows(kind.link_model, [kind.link_owner, *kind.link_columns], links)
        tag_named = tags_named({tag for _, _, tags in entries for tag in tags})
        tagged = [(pk, tag_named[tag].pk) for pk, (_, _, tags) in zip(ids, entries, strict=True) for tag in tags]
        insert_rows(kind.tagged_model, ["content_object", "tag"], tagged)
        self.tagged += sum(1 for _, _, tags in entries if tags)
