"""What the catalog knows of the list's repository, in the database that every instance shares."""

from django.conf import settings
from django.db import models


class SyncedCommit(models.Model):
    """The commit whose README the catalog is in step with, for one repository, branch and README path."""

    remote = models.CharField(max_length=500)
    branch = models.CharField(max_length=255)
    readme_path = models.CharField(max_length=500)
    commit = models.CharField(max_length=40)
    synced_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["remote", "branch", "readme_path"], name="repository_synced_commit_unique")
        ]

    def __str__(self):
        return f"{self.branch} at {self.commit[:7]}"


class RepositoryEvent(models.Model):
    """A publish to the repository or a sync from it, with what came of it."""

    class Kind(models.TextChoices):
        PUBLISH = "publish", "publish"
        SYNC = "sync", "sync"
        LINT = "lint", "pull request check"

    class Outcome(models.TextChoices):
        DONE = "done", "done"
        NOTHING = "nothing", "nothing to do"
        REFUSED = "refused", "refused"
        FAILED = "failed", "failed"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    commit = models.CharField(max_length=40, blank=True)
    url = models.URLField(max_length=500, blank=True, help_text="The commit or the pull request.")
    summary = models.TextField(blank=True)
    details = models.TextField(blank=True, help_text="The report, or the problems as PATH:LINE: reason.")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.get_outcome_display()}: {self.summary[:80]}"


class Lease(models.Model):
    """A named lock held by one process of any instance until it lets go or its lease runs out."""

    name = models.CharField(max_length=50, primary_key=True)
    holder = models.CharField(max_length=64, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.name


class PullRequestCheck(models.Model):
    """What lint_readme found in the README of a pull request at one commit, reported to GitHub as a status."""

    repository = models.CharField(max_length=200)
    number = models.PositiveIntegerField()
    sha = models.CharField(max_length=40)
    findings = models.JSONField(default=list)
    state = models.CharField(max_length=10)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self):
        return f"{self.repository}#{self.number} at {self.sha[:7]}: {self.state}"
