"""Admin forms: the checks a maintainer gets as field errors before anything is saved."""

import re

from django import forms
from django.db.models import Max
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify
from taggit.forms import TagField
from taggit.models import Tag

from catalog.admin.readme_text import ReadmeTextMixin
from catalog.admin.tag_input import TagInput, canonical_tag_names
from catalog.identity import normalise_title, openreview_id, paper_identity, reference
from catalog.models import Paper, PaperAuthor, Resource, Section, SectionKind
from catalog.readme.layout import new_entry_hints
from catalog.services.authors import authors_named
from catalog.services.duplicates import duplicate_papers, duplicate_titles
from catalog.validators import validate_no_control_characters, validate_one_line

WIDE_TEXT_INPUT = forms.TextInput(attrs={"class": "vLargeTextField"})
TAG_NAME_MAX_LENGTH = Tag._meta.get_field("name").max_length
OPENREVIEW_ID_RE = re.compile(r"[A-Za-z0-9_-]+")


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
    """Taggit's comma-separated tags, each checked with validate_tag_name, offered from the catalog's tags while
    typed; a new tag is written in the catalog's convention, and `renamed` lists those whose name changed."""

    widget = TagInput

    def __init__(self, **kwargs):
        kwargs["help_text"] = "Separated by commas. A new tag is written in lower case with hyphens between words."
        super().__init__(**kwargs)
        self.renamed = []

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
        names, self.renamed = canonical_tag_names(names)
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
        entry.render_hints = self.edited_hints(dict(entry.render_hints))
        return super().save(commit)

    def edited_hints(self, hints: dict) -> dict:
        """The entry's layout hints with what the form edits of them."""
        return hints


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
PAPER_ABOUT_FIELDS = ["abstract", "doi", "openreview_id", "arxiv_primary_category"]
PAPER_PLACE_FIELDS = ["position", "position_pinned"]


class PaperAdminForm(ReadmeTextMixin, NewEntryLayoutMixin, forms.ModelForm):
    is_paper = True
    readme_description = forms.CharField(
        required=False,
        label="Description in the README",
        help_text="Written after the paper where its section lists papers as list items or headings (a table row "
        "has none).",
        widget=WIDE_TEXT_INPUT,
    )
    reference = forms.CharField(
        required=False,
        label="Fill in from",
        help_text="Paste an arXiv id or URL, an OpenReview URL or a DOI: the title, URL, date, authors and "
        "abstract are filled in from the source. Fields you have typed are kept.",
        widget=forms.TextInput(attrs={"class": "vLargeTextField", "autocomplete": "off"}),
    )
    save_duplicate = forms.BooleanField(
        required=False,
        label="Save even if it is already listed",
        help_text="For the rare paper that belongs in two sections.",
    )

    class Meta:
        model = Paper
        fields = PAPER_FIELDS + PAPER_ABOUT_FIELDS + PAPER_PLACE_FIELDS
        labels = {"url": "URL"}
        widgets = {"title": WIDE_TEXT_INPUT, "abstract": forms.Textarea(attrs={"rows": 6, "cols": 100})}
        field_classes = {"tags": CatalogTagField}
        help_texts = {
            "doi": "10.xxxx/..., or its https://doi.org/ URL",
            "openreview_id": "The forum id, or the forum's URL",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reference"].widget.attrs["data-lookup-url"] = reverse("admin:catalog_paper_lookup")
        self.add_readme_fields()

    def clean_section(self):
        return check_section_kind(self.cleaned_data.get("section"), SectionKind.PAPERS, "papers")

    def clean_doi(self):
        value = self.cleaned_data["doi"].strip()
        if not value:
            return value
        named = reference(value)
        if not named or named[0] != "doi":
            raise forms.ValidationError("Enter a DOI such as 10.18653/v1/2023.acl-long.1, or its doi.org URL.")
        return named[1]

    def clean_openreview_id(self):
        value = self.cleaned_data["openreview_id"].strip()
        if value.startswith(("http://", "https://")):
            value = openreview_id(value) or ""
            if not value:
                raise forms.ValidationError("Enter the forum id, or a URL such as https://openreview.net/forum?id=…")
        if not OPENREVIEW_ID_RE.fullmatch(value or "x"):
            raise forms.ValidationError("An OpenReview id has only letters, digits, '-' and '_'.")
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("save_duplicate"):
            return cleaned
        url, title = cleaned.get("url"), cleaned.get("title")
        checks = [
            ("url", duplicate_papers, {"url": url}, url and self._identity_changed(url)),
            ("title", duplicate_titles, {"title": title}, title and self._title_changed(title)),
        ]
        for field, find, key, needed in checks:
            found = find(**key, exclude_pk=self.instance.pk) if needed else []
            if found:
                self.add_error(field, forms.ValidationError(self._duplicate_message(found), code="duplicate"))
        return cleaned

    def _identity_changed(self, url):
        """New papers are checked; an existing one only when its URL now points to another paper."""
        return self.instance.pk is None or paper_identity(url) != paper_identity(self.instance.url)

    def _title_changed(self, title):
        return self.instance.pk is None or normalise_title(title) != normalise_title(self.instance.title)

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
            "implied_topics",
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
        if cleaned.get("kind") == SectionKind.TEXT and cleaned.get("implied_topics") and not self._has_subsections():
            self.add_error(
                "implied_topics",
                "A text section lists no entries and has no subsections, so it has none to give topics to: set them "
                "on the sections that list the entries, or on a section above them.",
            )
        return cleaned

    def _has_subsections(self):
        return self.instance.pk is not None and self.instance.children.exists()

    def _is_self_or_below(self, section):
        seen = set()
        while section is not None and section.pk not in seen:
            if section.pk == self.instance.pk:
                return True
            seen.add(section.pk)
            section = section.parent
        return False


def label_inputs(form, noun):
    """Name each input of an inline row ("Link url", "Delete this author") for assistive technology: the column
    headers of a tabular inline do not."""
    for name, field in form.fields.items():
        label = f"Delete this {noun.lower()}" if name == "DELETE" else f"{noun} {str(field.label or name).lower()}"
        field.widget.attrs.setdefault("aria-label", label)


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

    def add_fields(self, form, index):
        super().add_fields(form, index)
        label_inputs(form, "Link")


class PaperAuthorForm(forms.ModelForm):
    """An author of the paper by name: a name no author has yet makes a new author when the paper is saved."""

    name = forms.CharField(max_length=200, validators=[validate_one_line], widget=forms.TextInput(attrs={"size": 40}))

    class Meta:
        model = PaperAuthor
        fields = ["position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["name"].initial = self.instance.author.name
        label_inputs(self, "Author")

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def save(self, commit=True):
        if "name" in self.changed_data or self.instance.author_id is None:
            name = self.cleaned_data["name"]
            self.instance.author = authors_named([name])[name]
        return super().save(commit)


class PaperAuthorFormSet(BaseInlineFormSet):
    """A paper names each author once; rows left without a position keep the order they are listed in."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        label_inputs(form, "Author")

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE") or form in self.deleted_forms:
                continue
            name = form.cleaned_data.get("name", "")
            if name.casefold() in seen:
                form.add_error("name", f"{name} is already an author of this paper.")
            seen.add(name.casefold())
