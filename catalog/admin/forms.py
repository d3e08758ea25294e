"""Admin forms: the checks a maintainer gets as field errors before anything is saved."""

from django import forms
from django.db.models import Max
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify
from taggit.forms import TagField
from taggit.models import Tag

from catalog.identity import paper_identity
from catalog.models import Paper, Resource, Section, SectionKind
from catalog.readme.items import new_entry_hints
from catalog.services.duplicates import duplicate_papers
from catalog.validators import validate_no_control_characters

WIDE_TEXT_INPUT = forms.TextInput(attrs={"class": "vLargeTextField"})
TAG_NAME_MAX_LENGTH = Tag._meta.get_field("name").max_length


def validate_tag_name(name):
    """A tag name fits the tag table, has no control characters (the feed cannot hold them) and gives a slug."""
    validate_no_control_characters(name)
    if len(name) > TAG_NAME_MAX_LENGTH:
        raise forms.ValidationError(
            "The tag “%(name)s…” is longer than %(max)s characters.",
            code="tag_too_long",
            params={"name": name[:40], "max": TAG_NAME_MAX_LENGTH},
        )
    if not slugify(name, allow_unicode=True):
        raise forms.ValidationError(
            "The tag “%(name)s” needs at least one letter or digit.", code="tag_without_slug", params={"name": name}
        )


class CatalogTagField(TagField):
    """Taggit's comma-separated tags, each checked with validate_tag_name."""

    def clean(self, value):
        names = super().clean(value)
        errors = []
        for name in names:
            try:
                validate_tag_name(name)
            except forms.ValidationError as error:
                errors.append(error)
        if errors:
            raise forms.ValidationError(errors)
        return names


class TagAdminForm(forms.ModelForm):
    """Tag names are compared without case when entries are tagged, so two may not differ only in case."""

    class Meta:
        model = Tag
        fields = ["name", "slug"]

    def clean_name(self):
        name = self.cleaned_data["name"]
        validate_no_control_characters(name)
        other = Tag.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).first()
        if other:
            raise forms.ValidationError(
                "There is already a tag “%(name)s”: tags that differ only in case are one tag.",
                code="duplicate_tag",
                params={"name": other.name},
            )
        return name


class NewEntryLayoutMixin:
    """A new entry is written in its section's prevailing layout (marker, separator, bold, list or table)."""

    is_paper = False

    def save(self, commit=True):
        entry = self.instance
        if entry.pk is None and not entry.render_hints and entry.section_id:
            entry.render_hints = new_entry_hints(entry.section.render_hints, paper=self.is_paper)
        return super().save(commit)


def check_section_kind(section, kind, entries):
    if section is not None and section.kind != kind:
        raise forms.ValidationError(
            "“%(section)s” is not a section of %(entries)s; choose one that lists %(entries)s.",
            code="wrong_section_kind",
            params={"section": section, "entries": entries},
        )
    return section


# What the admin edits of a paper, in the order of its form, and where it goes in its section (PaperAdmin's fieldsets).
PAPER_FIELDS = ["title", "url", "venue", "date", "section", "star_repo", "tags"]
PAPER_PLACE_FIELDS = ["position", "position_pinned"]


class PaperAdminForm(NewEntryLayoutMixin, forms.ModelForm):
    is_paper = True
    save_duplicate = forms.BooleanField(
        required=False,
        label="Save even if it is already listed",
        help_text="For the rare paper that belongs in two sections.",
    )

    class Meta:
        model = Paper
        fields = PAPER_FIELDS + PAPER_PLACE_FIELDS
        labels = {"url": "URL"}
        widgets = {"title": WIDE_TEXT_INPUT}
        field_classes = {"tags": CatalogTagField}

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


class ResourceAdminForm(NewEntryLayoutMixin, forms.ModelForm):
    class Meta:
        model = Resource
        fields = ["name", "url", "description", "section", "star_repo", "tags", "position"]
        labels = {"url": "URL"}
        widgets = {"name": WIDE_TEXT_INPUT, "description": WIDE_TEXT_INPUT}
        field_classes = {"tags": CatalogTagField}

    def clean_section(self):
        return check_section_kind(self.cleaned_data.get("section"), SectionKind.RESOURCES, "resources")


class SectionAdminForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = [
            "title",
            "slug",
            "level",
            "parent",
            "position",
            "kind",
            "blank_lines_after_heading",
            "blank_lines_after",
        ]

    def clean_kind(self):
        kind = self.cleaned_data["kind"]
        if self.instance.pk and kind != self.instance.kind:
            entries = {"papers": self.instance.papers.count(), "resources": self.instance.resources.count()}
            listed = [f"{count} {noun}" for noun, count in entries.items() if count]
            if listed:
                raise forms.ValidationError(
                    "“%(section)s” still lists %(entries)s: move them to another section before changing its kind.",
                    code="kind_with_entries",
                    params={"section": self.instance, "entries": " and ".join(listed)},
                )
        return kind

    def clean(self):
        cleaned = super().clean()
        parent, level = cleaned.get("parent"), cleaned.get("level")
        if parent is not None and self.instance.pk and self._is_self_or_below(parent):
            self.add_error("parent", "A section cannot be inside itself or one of its subsections.")
        elif parent is not None and level is not None and parent.level >= level:
            self.add_error(
                "parent",
                forms.ValidationError(
                    "“%(parent)s” is a level %(parent_level)s heading: a section inside it needs a higher level.",
                    code="parent_level",
                    params={"parent": parent, "parent_level": parent.level},
                ),
            )
        elif "parent" in self.changed_data and self.instance.pk and self.instance.children.exists():
            self.add_error("parent", "This section has subsections: move them to another section first.")
        return cleaned

    def _is_self_or_below(self, section):
        seen = set()
        while section is not None and section.pk not in seen:
            if section.pk == self.instance.pk:
                return True
            seen.add(section.pk)
            section = section.parent
        return False


class LinkFormSet(BaseInlineFormSet):
    """A link added with its position left alone goes after the links (of its kind) already there."""

    def save_new(self, form, commit=True):
        link = form.instance
        if "position" not in form.changed_data:
            siblings = self.model.objects.filter(**{self.fk.name: self.instance})
            if hasattr(link, "kind"):
                siblings = siblings.filter(kind=link.kind)
            last = siblings.aggregate(last=Max("position"))["last"]
            if last is not None:
                link.position = last + 1
        return super().save_new(form, commit)
