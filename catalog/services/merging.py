"""Merging tags or venues that name the same thing: their entries go to the one kept, the others are deleted."""

from django.db import transaction

from catalog.entry_kinds import KINDS
from catalog.models import Paper, Section
from catalog.renames import remember_merged_tags, remember_merged_venues


@transaction.atomic
def merge_tags(tags, *, into):
    """Give every entry tagged with one of `tags` the tag `into` instead, and every section implying one of them
    `into` to imply, and delete those tags.

    Returns the entries (papers and resources) whose tags changed, each once.
    """
    merged = [tag for tag in tags if tag.pk != into.pk]
    changed = {}
    for through in (kind.tagged_model for kind in KINDS):
        kept = set(through.objects.filter(tag=into).values_list("content_object_id", flat=True))
        for item in through.objects.filter(tag__in=merged).select_related("content_object").order_by("pk"):
            entry = item.content_object
            if entry.pk in kept:
                item.delete()
            else:
                item.tag = into
                item.save(update_fields=["tag"])
                kept.add(entry.pk)
            changed[type(entry), entry.pk] = entry
    for section in Section.objects.filter(implied_topics__in=merged).distinct():
        section.implied_topics.add(into)
    remember_merged_tags(merged, into=into)
    for tag in merged:
        tag.delete()
    return list(changed.values())


@transaction.atomic
def merge_venues(venues, *, into):
    """Move every paper of one of `venues` to the venue `into`, and delete those venues.

    Returns the papers that moved, each with the name of the venue it had.
    """
    merged = [venue for venue in venues if venue.pk != into.pk]
    moved = []
    for paper in Paper.objects.filter(venue__in=merged).select_related("venue").order_by("pk"):
        moved.append((paper, paper.venue.name))
        paper.venue = into
        paper.save(update_fields=["venue", "updated_at"])
    remember_merged_venues(merged, into=into)
    for venue in merged:
        venue.delete()
    return moved
