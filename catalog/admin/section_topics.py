"""Beside an entry's tag input, the topics its section implies or a section above it does: read-only there, they are
set on the sections."""

from django.contrib import admin
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from taggit.models import Tag

from catalog.models import Section

BY_NAME = Prefetch("implied_topics", queryset=Tag.objects.order_by("name"))


class SectionTopicsMixin:
    """For the ModelAdmin of papers or resources: the read-only field `section_topics`."""

    @admin.display(description="Topics from its section")
    def section_topics(self, entry):
        if entry.section_id is None:
            return "None yet: the section it is saved in may imply some."
        implying = [
            (", ".join(tag.name for tag in section.implied_topics.all()), section_link(section), section)
            for section in Section.objects.above(entry.section).prefetch_related(BY_NAME)
            if section.implied_topics.all()
        ]
        if not implying:
            return format_html(
                'None: neither the section <a href="{}">{}</a> nor a section above it implies any.',
                section_link(entry.section),
                entry.section,
            )
        return format_html(
            "{} (not stored with the entry: moved to another section, it has that section's topics).",
            format_html_join("; ", '{}, implied by the section <a href="{}">{}</a>', implying),
        )


def section_link(section):
    return reverse("admin:catalog_section_change", args=[section.pk])
