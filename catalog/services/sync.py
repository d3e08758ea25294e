"""Syncing the catalog with a README edited outside the site, keeping the ids, tags and history of its entries.

`catalog.readme.matching` decides which entry and section of the file is which one of the catalog; this module
writes the differences in one transaction, logs each to the admin history and reports them per section.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from catalog import readme
from catalog.entry_kinds import ENTRY_MODELS, ENTRY_NODES, kind_of
from catalog.models import Paper, Section, TextBlock, Venue
from catalog.positions import GAP
from catalog.readme.matching import kept_in_order, match
from catalog.services.document_mapping import entry_topic_tags, section_bodies, section_kind, section_node
from catalog.services.readme_export import export_readme
from catalog.services.readme_files import ReadmeProblems
from catalog.services.readme_import import DocumentWriter, parse_importable, save_line_ending
from catalog.services.topic_tags import imply_rule_topics, load_rules
from history.entries import system_account
from history.values import record_many

SYNC_USERNAME = "readme-sync"
FIELD_NAMES = {
    "star_repo": "star repo",
    "code_links": "code links",
    "blog_links": "blog links",
    "hints": "layout",
    "url": "URL",
}


def sync_user():
    """The account the admin history names for a sync nobody was named for (inactive, no password)."""
    return system_account(SYNC_USERNAME)


@dataclass
class SectionChanges:
    title: str
    notes: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    changed: list[tuple[str, list[str]]] = field(default_factory=list)
    moved: list[tuple[str, str]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    text_changed: bool = False

    def __bool__(self):
        return bool(self.notes or self.added or self.changed or self.moved or self.removed or self.text_changed)

    def lines(self) -> list[str]:
        heading = self.title or "(text before the first heading)"
        return [
            f"{heading}" + (f" ({', '.join(self.notes)})" if self.notes else "") + ":",
            *(f"  added {entry}" for entry in self.added),
            *(f"  changed {entry}: {', '.join(fields)}" for entry, fields in self.changed),
            *(f"  moved {entry} {where}" for entry, where in self.moved),
            *(f"  removed {entry}" for entry in self.removed),
            *(["  text changed"] if self.text_changed else []),
        ]


@dataclass
class SyncReport:
    sections: list[SectionChanges]
    venues_removed: list[str] = field(default_factory=list)
    warnings: list[readme.Problem] = field(default_factory=list)

    def count(self, what: str) -> int:
        return sum(len(getattr(section, what)) for section in self.sections)

    def sections_with(self, note: str) -> int:
        return sum(1 for section in self.sections if any(n.startswith(note) for n in section.notes))

    def lines(self) -> list[str]:
        lines = [line for section in self.sections if section for line in section.lines()]
        if self.venues_removed:
            lines.append(f"Venues left without papers, removed: {', '.join(self.venues_removed)}")
        counts = {what: self.count(what) for what in ("added", "changed", "moved", "removed")}
        entries = ", ".join(f"{count} {what}" for what, count in counts.items())
        sections = ", ".join(f"{self.sections_with(note)} {note}" for note in ("new", "renamed", "moved", "removed"))
        return [*lines, f"Entries: {entries}; sections: {sections}."]


class MassRemoval(Exception):
    """A sync that would remove more than half of the catalog's entries or sections."""


def sync_readme(*, path, user=None, dry_run=False, strict=False, name=None, allow_mass_removal=False) -> SyncReport:
    """Make the catalog export the README at `path`, changing only what differs, in one transaction.

    Raises ReadmeProblems (nothing written) for a file that cannot be read or imported as it is, and MassRemoval
    (nothing written) when it would remove more than half of the entries or of the sections, unless
    `allow_mass_removal`. `name` is what the history and the problems call the file (default: its path).
    """
    text, document = parse_importable(path=path, strict=strict)
    rules = load_rules(settings.CATALOG_TOPIC_RULES_PATH)
    name = name or str(path)
    with transaction.atomic():
        sync = _Sync(document, rules, path=name, user=user or sync_user())
        if not allow_mass_removal:
            sync.refuse_mass_removal()
        report = sync.run()
        save_line_ending(document.line_ending)
        _check_export(text, path=name)
        if dry_run:
            transaction.set_rollback(True)
    report.warnings = document.warnings
    return report


def _check_export(text: str, *, path: str) -> None:
    exported = export_readme().split("\n")
    lines = text.split("\n")
    if exported != lines:
        number = next(
            (n for n, (a, b) in enumerate(zip(exported, lines, strict=False), start=1) if a != b),
            min(len(exported), len(lines)) + 1,
        )
        problem = readme.Problem(number, "the catalog cannot export this line as it is written", readme.ERROR)
        raise ReadmeProblems(path, [problem])


def _changed_values(old, new) -> list[tuple[str, str, str]]:
    """(field, old, new) of each field of an entry that changed, for the history."""
    return [
        (FIELD_NAMES.get(f.name, f.name), _shown(getattr(old, f.name)), _shown(getattr(new, f.name)))
        for f in dataclasses.fields(new)
        if f.name != "line" and getattr(old, f.name) != getattr(new, f.name)
    ]


def _shown(value) -> str:
    if isinstance(value, list):
        return ", ".join(f"{link.label} ({link.url})" for link in value)
    return "" if value is None else str(value)


def _changed_fields(old, new) -> list[str]:
    return [
        FIELD_NAMES.get(f.name, f.name)
        for f in dataclasses.fields(new)
        if f.name != "line" and getattr(old, f.name) != getattr(new, f.name)
    ]


def _label(node) -> str:
    kind = kind_of(node)
    return f"{kind.name} “{kind.title(node)}”"


class _Sync:
    def __init__(self, document: readme.Document, rules, *, path: str, user):
        self.new = document.sections
        self.rules = rules
        self.path = path
        self.user = user
        self.writer = DocumentWriter(rules)
        self.log: list[LogEntry] = []
        self.log_values: list[list] = []
        ordered = Section.objects.order_by("position", "id")
        self.old_sections = list(ordered)
        bodies = section_bodies(ordered)
        self.old_rows = [[row for _, row in bodies[section.pk]] for section in self.old_sections]
        self.old = [section_node(section, [node for node, _ in bodies[section.pk]]) for section in self.old_sections]
        self.matching = match(self.old, self.new)

    def refuse_mass_removal(self) -> None:
        """Raise MassRemoval if the sync would remove more than half of the entries or of the sections."""
        matched = set(self.matching.entries.values())
        entries = [
            (number, index)
            for number, rows in enumerate(self.old_rows)
            for index, row in enumerate(rows)
            if isinstance(row, ENTRY_MODELS)
        ]
        removed_entries = sum(1 for place in entries if place not in matched)
        removed_sections = len(self.old_sections) - len(self.matching.sections)
        if removed_entries * 2 > len(entries) or removed_sections * 2 > len(self.old_sections):
            raise MassRemoval(
                f"{self.path}: this sync would remove {removed_entries} of the {len(entries)} entries and "
                f"{removed_sections} of the {len(self.old_sections)} sections, more than half of the catalog; "
                "nothing was changed."
            )

    def run(self) -> SyncReport:
        sections, changes = self._sections()
        if self.writer.problems:
            raise ReadmeProblems(self.path, self.writer.problems)
        venues_before = set(Paper.objects.exclude(venue=None).values_list("venue", flat=True))
        for number, section in enumerate(sections):
            self._entries(number, section, changes[number])
        if self.writer.problems:
            raise ReadmeProblems(self.path, self.writer.problems)
        removed_sections = self._remove(changes)
        unused = Venue.objects.filter(pk__in=venues_before, papers=None).order_by("name")
        venues_removed = [venue.name for venue in unused]
        unused.delete()
        LogEntry.objects.bulk_create(self.log)
        record_many(zip(self.log, self.log_values, strict=True))
        return SyncReport([*changes, *removed_sections], venues_removed)

    def _sections(self) -> tuple[list[Section], list[SectionChanges]]:
        paired = sorted(self.matching.sections)
        kept = kept_in_order([self.matching.sections[number] for number in paired])
        moved = {number for index, number in enumerate(paired) if index not in kept}
        sections, changes, parents = [], [], []
        for number, node in enumerate(self.new):
            while parents and parents[-1].level >= node.level:
                parents.pop()
            parent = parents[-1] if parents else None
            report = SectionChanges(node.title)
            if number in self.matching.sections:
                section = self.old_sections[self.matching.sections[number]]
                if section.title != node.title:
                    report.notes.append(f"renamed from “{section.title}”")
                if section.level != node.level:
                    report.notes.append(f"heading level {section.level} → {node.level}")
                if number in moved:
                    report.notes.append("moved")
            else:
                section = Section()
                report.notes.append("new")
            values = {
                "title": node.title,
                "level": node.level,
                "parent_id": parent.pk if parent else None,
                "position": (number + 1) * GAP,
                "kind": section_kind(node),
                "blank_lines_after_heading": node.blank_lines_after_heading,
                "blank_lines_after": node.blank_lines_after,
                "render_hints": node.hints,
            }
            unchanged = section.pk and all(getattr(section, name) == value for name, value in values.items())
            for name, value in values.items():
                setattr(section, name, value)
            section.parent = parent
            valid = self.writer.validate(section, node.line, exclude=["slug", "parent"])
            if valid and not unchanged and (parent is None or parent.pk):
                new = section.pk is None
                section.save()
                if new:
                    imply_rule_topics(self.rules, section)
                if report.notes:
                    self._log(section, ADDITION if "new" in report.notes else CHANGE, "; ".join(report.notes))
            if node.level:
                parents.append(section)
            sections.append(section)
            changes.append(report)
        return sections, changes

    def _log(self, instance, flag: int, message: str = "", values=()) -> None:
        """Record a change for the admin history (before a deletion, while the instance still has its id)."""
        if flag != CHANGE:
            message = f"{'Added' if flag == ADDITION else 'Removed'} by the README sync from {self.path}."
        else:
            message = f"README sync from {self.path}: {message}."
        self.log.append(
            LogEntry(
                user=self.user,
                content_type=ContentType.objects.get_for_model(instance),
                object_id=str(instance.pk),
                object_repr=str(instance)[:200],
                action_flag=flag,
                change_message=message,
            )
        )
        self.log_values.append(list(values))

    def _entries(self, number: int, section: Section, report: SectionChanges) -> None:
        node = self.new[number]
        old_number = self.matching.sections.get(number)
        from_here = [
            (index, old[1])
            for index in range(len(node.body))
            if (old := self.matching.entries.get((number, index))) and old[0] == old_number
        ]
        kept = kept_in_order([old_index for _, old_index in from_here])
        moved_within = {index for position, (index, _) in enumerate(from_here) if position not in kept}
        blocks = (
            [row for row in self.old_rows[old_number] if isinstance(row, TextBlock)] if old_number is not None else []
        )
        old_texts = [block.text for block in blocks]
        new_texts = []
        for index, item in enumerate(node.body):
            position = (index + 1) * GAP
            if isinstance(item, ENTRY_NODES):
                self._entry(number, index, item, section, position, moved_within, report)
            else:
                text = "\n".join(item.lines)
                new_texts.append(text)
                block = blocks.pop(0) if blocks else TextBlock()
                if (block.section_id, block.position, block.text) != (section.pk, position, text):
                    block.section, block.position, block.text = section, position, text
                    block.save()
        for block in blocks:
            block.delete()
        report.text_changed = old_number is not None and old_texts != new_texts

    def _entry(self, number, index, item, section, position, moved_within, report) -> None:
        old_place = self.matching.entries.get((number, index))
        kind = kind_of(item)
        notes, fields, values = [], [], []
        if old_place is None:
            instance = kind.model()
            report.added.append(_label(item))
        else:
            instance = self.old_rows[old_place[0]][old_place[1]]
            old_node = self.old[old_place[0]].body[old_place[1]]
            fields = _changed_fields(old_node, item)
            values = _changed_values(old_node, item)
            if fields:
                report.changed.append((_label(item), fields))
                notes.append(f"changed {', '.join(fields)}")
            if old_place[0] != self.matching.sections.get(number):
                where = f"from “{self.old_sections[old_place[0]].title}”"
            else:
                where = "within the section" if index in moved_within else ""
            if where:
                report.moved.append((_label(item), where))
                notes.append(f"moved {where}")
        shifted = instance.position != position
        instance.section, instance.position = section, position
        venue = self.writer.venue(item.venue, item.line) if kind.has_venue else None
        kind.set_fields(instance, item, venue=venue)
        links = kind.links(item)
        set_elsewhere = ["section", "venue"] if kind.has_venue else ["section"]
        valid = self.writer.validate(instance, item.line, exclude=set_elsewhere)
        valid = valid and (venue is None or venue.pk is not None)
        link_field = kind.link_owner
        valid = all([self.writer.validate(link, item.line, exclude=[link_field]) for link in links]) and valid
        if not valid:
            return
        if old_place is None or notes:
            instance.save()
        elif shifted:
            instance.save(update_fields=["position"])
        if old_place is None or any(FIELD_NAMES.get(group, group) in fields for group, _ in kind.link_groups):
            if old_place is not None:
                instance.links.all().delete()
            for link in links:
                setattr(link, link_field, instance)
            kind.link_model.objects.bulk_create(links)
        if old_place is None:
            instance.tags.add(*entry_topic_tags(self.rules, item))
            self._log(instance, ADDITION)
        elif notes:
            self._log(instance, CHANGE, "; ".join(notes), values)

    def _remove(self, changes: list[SectionChanges]) -> list[SectionChanges]:
        paired_old = {old: new for new, old in self.matching.sections.items()}
        removed_sections = {
            old: SectionChanges(section.title, notes=["removed"])
            for old, section in enumerate(self.old_sections)
            if old not in paired_old
        }
        matched = set(self.matching.entries.values())
        for old_number, rows in enumerate(self.old_rows):
            report = changes[paired_old[old_number]] if old_number in paired_old else removed_sections[old_number]
            for index, row in enumerate(rows):
                if isinstance(row, ENTRY_MODELS) and (old_number, index) not in matched:
                    report.removed.append(_label(self.old[old_number].body[index]))
                    self._log(row, DELETION)
                    row.delete()
        gone = [self.old_sections[old] for old in removed_sections]
        for section in gone:
            self._log(section, DELETION)
        Section.objects.filter(pk__in=[section.pk for section in gone]).update(parent=None)
        Section.objects.filter(pk__in=[section.pk for section in gone]).delete()
        return list(removed_sections.values())
