"""Admin forms: the checks a maintainer gets as field errors before anything is saved."""

from django import forms
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from catalog.identity import paper_identity
from catalog.models import Paper, Resource, SectionKind
from catalog.services.duplicates import duplicate_papers

WIDE_TEXT_INPUT = forms.TextInput(attrs={"class": "vLargeTextField"})


def check_section_kind(section, kind, entries):
    if section is not None and section.kind != kind:
        raise forms.ValidationError(
            "“%(section)s” is not a section of %(entries)s; choose one that lists %(entries)s.",
            code="wrong_section_kind",
            params={"section": section, "entries": entries},
        )
    return section


class PaperAdminForm(forms.ModelForm):
    save_duplicate = forms.BooleanField(
        required=False,
        label="Save even if it is already listed",
        help_text="For the rare paper that belongs in two sections.",
    )

    class Meta:
        model = Paper
        fields = ["title", "url", "venue", "date", "section", "star_repo", "tags", "position", "position_pinned"]
        labels = {"url": "URL"}
        widgets = {"title": WIDE_TEXT_INPUT}

    def clean_section(self):
        return check_section_kind(self.cleaned_data.get("section"), SectionKind.PAPERS, "papers")

    def clean(self):
        cleaned = super().clean()
        url = cleaned.get("url")
        if url and self._identity_changed(url) and not cleaned.get("save_duplicate"):
            duplicates = duplicate_papers(url=url, exclude_pk=self.instance.pk)
            if duplicates:
                self.add_error("url", forms.ValidationError(self._duplicate_message(duplicates), code="duplicate"))
        return cleaned

    def _identity_changed(self, url):
        """New papers are checked; an existing one only when its URL now points to another paper."""
        return self.instance.pk is None or paper_identity(url) != paper_identity(self.instance.url)

    @staticmethod
    def _duplicate_message(duplicates):
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a> (in “{}”)',
            (
                (reverse("admin:catalog_paper_change", args=[paper.pk]), paper.title, paper.section)
                for paper in duplicates
            ),
        )
        return format_html(
            "This paper is already listed: {}. Tick “Save even if it is already listed” to add it again.", links
        )


class ResourceAdminForm(forms.ModelForm):
    class Meta:
        model = Resource
        fields = ["name", "url", "description", "section", "star_repo", "tags", "position"]
        labels = {"url": "URL"}
        widgets = {"name": WIDE_TEXT_INPUT, "description": WIDE_TEXT_INPUT}

    def clean_section(self):
        return check_section_kind(self.cleaned_data.get("section"), SectionKind.RESOURCES, "resources")
