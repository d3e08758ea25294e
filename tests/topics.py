"""An entry's topics as a reader expects them, worked out apart from the database views of catalog/topics.py: its own
tags and those the section it is listed in implies."""

from django.db.models import Q

ENTRY_TOPICS_RELATED = ("tags", "section__implied_topics")


def expected_topics(entry) -> set[str]:
    """The slugs of `entry`'s topics (prefetch ENTRY_TOPICS_RELATED to read them without queries)."""
    return {tag.slug for tag in entry.tags.all()} | {tag.slug for tag in entry.section.implied_topics.all()}


def having_topic(entries, slug):
    """The entries of the queryset `entries` tagged `slug` or listed in a section implying it."""
    return entries.filter(Q(tags__slug=slug) | Q(section__implied_topics__slug=slug)).distinct()
