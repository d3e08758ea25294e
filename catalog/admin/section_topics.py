"""Beside an entry's tag input, the topics its section implies: read-only there, they are set on the section."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html


class SectionTopicsMixin:
    """For the ModelAdmin of papers or resources: the read-only field `section_topics`."""

    @admin.display(description="Topics from its section")
    def section_topics(self, entry):
        if entry.section_id is None:
            return "None yet: the section it is saved in may imply some."
        section = entry.section
        names = ", ".join(tag.name for tag in section.implied_topics.order_by("name"))
        url = reverse("admin:catalog_section_change", args=[section.pk])
        if not names:
            return format_html('None: the section <a href="{}">{}</a> implies none.', url, section)
        return format_html(
            '{}, implied by the section <a href="{}">{}</a> (not stored with the entry: moved to another section, '
            "it has that section's topics).",
            names,
            url,
            section,
        )
