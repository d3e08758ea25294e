"""Which entries differ between two READMEs, said in a line: "Add 2 papers, update 1: …"."""

from dataclasses import dataclass, field

from catalog import readme
from catalog.readme.matching import entry_title, match

SUBJECT_LENGTH = 72
VERBS = (("added", "Add"), ("updated", "update"), ("removed", "remove"))


@dataclass
class EntryChanges:
    added: list[readme.PaperRow | readme.ResourceItem] = field(default_factory=list)
    updated: list[readme.PaperRow | readme.ResourceItem] = field(default_factory=list)
    removed: list[readme.PaperRow | readme.ResourceItem] = field(default_factory=list)
    text_changed: bool = False

    def __bool__(self):
        return bool(self.added or self.updated or self.removed or self.text_changed)

    def entries(self) -> list[tuple[str, str]]:
        """(what happened, which entry) for each entry, e.g. ("updated", "paper “Title”")."""
        return [(what, _label(node)) for what, _ in VERBS for node in getattr(self, what)]

    def headline(self) -> str:
        clauses, last_kind = [], None
        for what, verb in VERBS:
            nodes = getattr(self, what)
            for kind in ("paper", "resource"):
                count = sum(1 for node in nodes if _kind(node) == kind)
                if not count:
                    continue
                noun = "" if kind == last_kind else f" {kind}{'s' if count > 1 else ''}"
                clauses.append(f"{verb if not clauses else verb.lower()} {count}{noun}")
                last_kind = kind
        if not clauses:
            return "Update the README's text" if self.text_changed else "Regenerate the catalog fixture"
        text = ", ".join(clauses)
        return text[0].upper() + text[1:]

    def subject(self) -> str:
        titles = "; ".join(entry_title(node) for what, _ in VERBS for node in getattr(self, what))
        subject = f"{self.headline()}: {titles}" if titles else self.headline()
        return subject if len(subject) <= SUBJECT_LENGTH else subject[: SUBJECT_LENGTH - 1].rstrip() + "…"

    def message(self) -> str:
        verbs = dict(VERBS)
        body = [f"- {verbs[what].capitalize()} {label}" for what, label in self.entries()]
        return "\n".join([self.subject(), "", *body]) + "\n" if body else self.subject() + "\n"


def _kind(node) -> str:
    return "paper" if isinstance(node, readme.PaperRow) else "resource"


def _label(node) -> str:
    return f"{_kind(node)} “{entry_title(node)}”"


def _entries(document: readme.Document):
    return [
        ((number, index), node)
        for number, section in enumerate(document.sections)
        for index, node in enumerate(section.body)
        if isinstance(node, readme.PaperRow | readme.ResourceItem)
    ]


def entry_changes(old: str, new: str) -> EntryChanges:
    """The entries added, updated and removed from `old` to `new` (paired by identity, as a sync pairs them)."""
    before, after = readme.parse(old), readme.parse(new)
    matching = match(before.sections, after.sections)
    old_entries = dict(_entries(before))
    changes = EntryChanges()
    paired = set()
    for place, node in _entries(after):
        old_place = matching.entries.get(place)
        if old_place is None:
            changes.added.append(node)
        else:
            paired.add(old_place)
            if old_entries[old_place] != node:
                changes.updated.append(node)
    changes.removed = [node for place, node in old_entries.items() if place not in paired]
    changes.text_changed = old != new
    return changes
