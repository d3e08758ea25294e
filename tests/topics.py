"""An entry's topics as a reader expects them, worked out apart from the database views of catalog/topics.py: its own
tags and those the section it is listed in implies, or a section above it does."""

from django.db.models import Q

from catalog.models import MAX_HEADING_LEVEL

# The section of an entry and each section above it, by their paths from the entry.
SECTION_PATHS = ["section" + "__parent" * distance for distance in range(MAX_HEADING_LEVEL + 1)]
ENTRY_TOPICS_RELATED = ("tags", *(f"{path}__implied_topics" for path in SECTION_PATHS))


def sections_of(entry):
    """The section `entry` is listed in and the sections above it, nearest first."""
    section = entry.section
    while section is not None:
        yield section
        section = section.parent


def expected_topics(entry) -> set[str]:
    """The slugs of `entry`'s topics (prefetch ENTRY_TOPICS_RELATED to read them without queries)."""
    implied = {tag.slug for section in sections_of(entry) for tag in section.implied_topics.all()}
    return {tag.slug for tag in entry.tags.all()} | implied


def having_topic(entries, slug):
    """The entries of the queryset `entries` tagged `slug` or listed in a section implying it, or below one."""
    implying = Q()
    for path in SECTION_PATHS:
        implying |= Q(**{f"{path}__implied_topics__slug": slug})
    return entries.filter(Q(tags__slug=slug) | implying).distinct()
