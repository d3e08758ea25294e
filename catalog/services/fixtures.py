"""The catalog as a Django fixture: sorted, indented, natural keys for venues, sections and tags."""

import json
from operator import attrgetter

from django.core import serializers
from taggit.models import Tag

from catalog.models import (
    Paper,
    PaperLink,
    Resource,
    ResourceLink,
    Section,
    TaggedPaper,
    TaggedResource,
    TextBlock,
    Venue,
)

# Filled by refresh_metadata from other fields, so the fixture keeps only what maintainers edit.
DERIVED_FIELDS = {"catalog.paper": ("arxiv_id", "canonical_url")}


def _groups():
    """Rows in loading order, each group with whether its rows are keyed naturally.

    Names are sorted here rather than by the database, whose collation may differ from one server to another.
    """
    by_name = attrgetter("name")
    return [
        (sorted(Venue.objects.all(), key=by_name), True),
        (Section.objects.select_related("parent").order_by("position", "id"), True),
        (sorted(Tag.objects.all(), key=by_name), True),
        (TextBlock.objects.select_related("section").order_by("pk"), False),
        (Paper.objects.select_related("venue", "section").order_by("pk"), False),
        (PaperLink.objects.order_by("pk"), False),
        (TaggedPaper.objects.select_related("tag").order_by("pk"), False),
        (Resource.objects.select_related("section").order_by("pk"), False),
        (ResourceLink.objects.order_by("pk"), False),
        (TaggedResource.objects.select_related("tag").order_by("pk"), False),
    ]


def catalog_fixture() -> tuple[str, int]:
    """The fixture text and the number of objects in it; the same data always gives the same bytes."""
    objects = []
    for queryset, natural in _groups():
        text = serializers.serialize("json", queryset, use_natural_foreign_keys=True, use_natural_primary_keys=natural)
        objects += json.loads(text)
    for row in objects:
        for name in DERIVED_FIELDS.get(row["model"], ()):
            del row["fields"][name]
    return json.dumps(objects, indent=2, sort_keys=True, ensure_ascii=False) + "\n", len(objects)
