"""The catalog entry each lint finding of the export points at, for a link to the entry's change page."""

from dataclasses import dataclass

from django.urls import reverse

from catalog import readme
from catalog.models import Paper, Resource


@dataclass(frozen=True)
class LinkedFinding:
    finding: object
    entry: str
    change_url: str

    def __getattr__(self, name):
        return getattr(self.finding, name)


def linked_findings(*, text: str, findings) -> list[LinkedFinding]:
    """`findings` of the README `text`, each with the entry on its line and that entry's admin change page, if any."""
    items = {
        item.line: item
        for section in readme.parse(text).sections
        for item in section.body
        if isinstance(item, readme.PaperRow | readme.ResourceItem)
    }
    found = {id(finding): items.get(finding.line) for finding in findings}
    entries = _entries([item for item in found.values() if item is not None])
    linked = []
    for finding in findings:
        item = found[id(finding)]
        entry = entries.get(_key(item)) if item else None
        url = reverse(f"admin:catalog_{entry._meta.model_name}_change", args=[entry.pk]) if entry else ""
        linked.append(LinkedFinding(finding, str(entry or ""), url))
    return linked


def _key(item) -> tuple:
    return (type(item).__name__, item.url, item.title if isinstance(item, readme.PaperRow) else item.name)


def _entries(items) -> dict:
    """The catalog entry of each item by its key, in two queries (the oldest of several with one key)."""
    papers = [item for item in items if isinstance(item, readme.PaperRow)]
    resources = [item for item in items if isinstance(item, readme.ResourceItem)]
    entries = {}
    for paper in Paper.objects.filter(url__in={item.url for item in papers}).order_by("-pk"):
        entries[("PaperRow", paper.url, paper.title)] = paper
    for resource in Resource.objects.filter(url__in={item.url for item in resources}).order_by("-pk"):
        entries[("ResourceItem", resource.url, resource.name)] = resource
    return entries
