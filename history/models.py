"""The old and new value of each field an admin history entry names, shown on the object's History page."""

from django.contrib.admin.models import LogEntry
from django.db import models


class FieldChange(models.Model):
    entry = models.ForeignKey(LogEntry, on_delete=models.CASCADE, related_name="field_changes")
    field = models.CharField(max_length=200)
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)

    class Meta:
        ordering = ["entry", "id"]

    def __str__(self):
        return f"{self.field}: {self.old!r} → {self.new!r}"
