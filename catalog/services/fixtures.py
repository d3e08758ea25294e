"""The catalog as a Django fixture: sorted, indented, natural keys for venues, sections, tags and authors."""

import datetime
import json
from operator import attrgetter

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from taggit.models import Tag

from catalog.entry_kinds import KINDS
from catalog.models import Author, LineEnding, PaperAuthor, ReadmeFormat, Section, TextBlock, Venue

# Filled by refresh_metadata from other fields or from the sources it asks (and when they answered), or by the
# database from the links (has_code), so the fixture keeps only what maintainers edit.
DERIVED_FIELDS = {
    "catalog.paper": (
        "has_code",
        "arxiv_id",
        "canonical_url",
        "citation_count",
        "arxiv_answered_at",
        "openreview_answered_at",
        "semantic_scholar_answered_at",
    )
}


# Many-to-many values, whose order the database does not fix.
SORTED_LISTS = {"catalog.section": ("implied_topics",)}


def _groups():
    """Rows in loading order, each group with whether its rows are keyed naturally.

    Names are sorted here rather than by the database, whose collation may differ from one server to another.
    """
    by_name = attrgetter("name")
    return [
        (sorted(Venue.objects.all(), key=by_name), True),
        (Section.objects.select_related("parent").prefetch_related("implied_topics").order_by("position", "id"), True),
        (sorted(Tag.objects.all(), key=by_name), True),
        (sorted(Author.objects.all(), key=attrgetter("slug")), True),
        (TextBlock.objects.select_related("section").order_by("pk"), False),
        *(
            (rows, False)
            for kind in KINDS
            for rows in (
                kind.model.objects.select_related(*kind.related).order_by("pk"),
                kind.link_model.objects.order_by("pk"),
                kind.tagged_model.objects.select_related("tag").order_by("pk"),
            )
        ),
        (PaperAuthor.objects.select_related("author").order_by("pk"), False),
        # The README's line ending, when it is not the usual LF.
        (ReadmeFormat.objects.exclude(line_ending=LineEnding.LF), False),
    ]


class FixtureEncoder(DjangoJSONEncoder):
    """Django's encoding, with times cut to the millisecond before they are written, not while.

    Django writes 12:00:01.000500 as "12:00:01.000", which loads back as 12:00:01 and is then written "12:00:01":
    cut first, both are written "12:00:01", so a fixture loaded and exported again gives the same bytes.
    """

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            o = o.replace(microsecond=o.microsecond - o.microsecond % 1000)
        return super().default(o)


def catalog_fixture() -> tuple[str, int]:
    """The fixture text and the number of objects in it; the same data always gives the same bytes."""
    objects = []
    for queryset, natural in _groups():
        objects += serializers.serialize(
            "python", queryset, use_natural_foreign_keys=True, use_natural_primary_keys=natural
        )
    for row in objects:
        for name in DERIVED_FIELDS.get(row["model"], ()):
            del row["fields"][name]
        for name in SORTED_LISTS.get(row["model"], ()):
            row["fields"][name].sort()
    text = json.dumps(objects, cls=FixtureEncoder, indent=2, sort_keys=True, ensure_ascii=False)
    return text + "\n", len(objects)
