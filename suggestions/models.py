"""Papers that readers suggest from the public form, kept apart from the catalog until a maintainer accepts one.

Nothing here is shown on the public site: the catalog's tables (and so its published pages) change only when a
suggestion is accepted as a paper.
"""

from django.conf import settings
from django.db import models

from catalog.identity import normalise_title, paper_identity
from catalog.models import Paper, Section, WebURLField
from catalog.validators import validate_http_url, validate_one_line


class SuggestionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Suggestion.Status.PENDING)


class Suggestion(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    reference = models.CharField(max_length=300, help_text="The URL, arXiv id or DOI as the reader typed it.")
    url = WebURLField("URL", max_length=2000, validators=[validate_http_url])
    title = models.CharField(max_length=500, validators=[validate_one_line])
    authors = models.CharField(max_length=1000, blank=True, validators=[validate_one_line])
    date = models.DateField()
    venue = models.CharField(max_length=100, blank=True, validators=[validate_one_line])
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    code_url = WebURLField("code link", max_length=2000, blank=True, validators=[validate_http_url])
    note = models.TextField(blank=True)
    credit = models.CharField(
        "credit to", max_length=100, blank=True, validators=[validate_one_line], help_text="A name or GitHub handle."
    )
    identity = models.CharField(max_length=2100, editable=False, db_index=True)
    title_key = models.CharField(max_length=500, editable=False, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField("reason for rejecting", max_length=500, blank=True)
    paper = models.ForeignKey(Paper, null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestions")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField("suggested", auto_now_add=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"], name="suggestion_status_created")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.identity = paper_identity(self.url)
        self.title_key = normalise_title(self.title)[:500]
        super().save(*args, **kwargs)

    @property
    def suggester(self) -> str:
        return self.credit or "an anonymous reader"
