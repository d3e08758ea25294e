"""The public suggestion form: every field bounded in size, a honeypot, the paper named by URL, arXiv id or DOI."""

from django import forms
from django.utils.html import format_html, format_html_join

from catalog.models import Section, SectionKind
from catalog.validators import validate_http_url, validate_no_control_characters
from suggestions.duplicates import find_duplicates
from suggestions.metadata import fetch_metadata
from suggestions.models import Suggestion
from suggestions.references import reference_url

NOTE_MAX_LENGTH = 2000
HONEYPOT = "website"
# Required of the reader unless the metadata sources fill them (checked in clean()).
REQUIRED = ("reference", "title", "date")


class SuggestionForm(forms.ModelForm):
    reference = forms.CharField(
        label="URL, arXiv id or DOI",
        max_length=300,
        help_text="For example https://arxiv.org/abs/2406.04093, 2406.04093 or 10.18653/v1/2023.acl-long.1.",
    )
    title = forms.CharField(max_length=500, required=False)
    date = forms.DateField(
        required=False,
        help_text="The date of the first version, as YYYY-MM-DD.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label="Note for the maintainers",
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_no_control_characters],
    )
    website = forms.CharField(label="Leave this empty", required=False, max_length=200)

    class Meta:
        model = Suggestion
        fields = ["reference", "title", "authors", "date", "venue", "section", "code_url", "note", "credit"]
        labels = {"code_url": "Code link", "credit": "Credit me as (optional)"}
        help_texts = {
            "authors": "Typed as they appear on the paper, separated by commas.",
            "venue": "e.g. ICLR 2024, NeurIPS, arXiv.",
            "code_url": "The paper's code repository, if any.",
            "credit": "A name or a GitHub handle, named in the list's history when the paper is added.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = Section.objects.filter(kind=SectionKind.PAPERS).order_by("position")
        self.fields["section"].empty_label = "Let the maintainers choose"
        self.duplicates = None
        self.required_names = REQUIRED

    @property
    def honeypot_filled(self) -> bool:
        return bool(self.data.get(HONEYPOT))

    def clean_reference(self):
        reference = self.cleaned_data["reference"]
        url = reference_url(reference)
        if url is None:
            raise forms.ValidationError(
                "Give the paper's address (https://…), its arXiv id (2406.04093) or its DOI (10.1234/…).",
                code="unknown_reference",
            )
        validate_http_url(url)
        self.instance.url = url
        return reference.strip()

    def clean(self):
        cleaned = super().clean()
        url = self.instance.url if "reference" in cleaned else None
        if url and not (cleaned.get("title") and cleaned.get("date")):
            self._fill_from_metadata(url, cleaned)
        for name, what in (("title", "the title"), ("date", "the date")):
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, forms.ValidationError(f"Give {what} of the paper.", code="required"))
        if url and cleaned.get("title") and not self.errors:
            self.duplicates = find_duplicates(url=url, title=cleaned["title"])
            if self.duplicates:
                raise forms.ValidationError(self._duplicate_message(), code="duplicate")
        return cleaned

    def _fill_from_metadata(self, url, cleaned):
        metadata = fetch_metadata(url)
        if metadata is None:
            return
        for name in ("title", "authors", "date", "venue"):
            if not cleaned.get(name) and getattr(metadata, name):
                cleaned[name] = getattr(metadata, name)
                setattr(self.instance, name, cleaned[name])

    def _duplicate_message(self):
        if self.duplicates.papers:
            links = format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                ((paper.get_absolute_url(), paper.title) for paper in self.duplicates.papers),
            )
            return format_html("This paper is already listed: {}. Thank you all the same.", links)
        return "Someone has already suggested this paper; the maintainers will review it soon. Thank you all the same."
