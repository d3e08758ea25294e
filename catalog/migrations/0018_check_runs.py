"""Link checks and metadata refreshes started from the admin, each run with its progress and outcome; at most one
run of each kind queued or running at a time (a partial unique index)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0017_section_implied_topics"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CheckRun",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[("links", "link check"), ("metadata", "metadata refresh")], max_length=10
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "queued"),
                            ("running", "running"),
                            ("done", "done"),
                            ("failed", "failed"),
                            ("abandoned", "abandoned"),
                        ],
                        default="queued",
                        max_length=10,
                    ),
                ),
                (
                    "scope",
                    models.CharField(
                        help_text="What it is about: the whole catalog, or the entries chosen.", max_length=200
                    ),
                ),
                (
                    "selection",
                    models.JSONField(
                        blank=True,
                        help_text="The entries chosen, as primary keys by kind; empty for the whole catalog.",
                        null=True,
                    ),
                ),
                ("requested_at", models.DateTimeField(auto_now_add=True)),
                ("started_at", models.DateTimeField(blank=True, null=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                ("step", models.CharField(blank=True, help_text="What it is asking now.", max_length=100)),
                ("done", models.PositiveIntegerField(default=0)),
                ("total", models.PositiveIntegerField(blank=True, null=True)),
                (
                    "progress_at",
                    models.DateTimeField(help_text="When it was asked for, started, or last made progress."),
                ),
                ("summary", models.TextField(blank=True)),
                ("error", models.TextField(blank=True)),
                (
                    "requested_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-requested_at", "-id"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status__in", ["queued", "running"])),
                        fields=("kind",),
                        name="catalog_checkrun_one_active_per_kind",
                    )
                ],
            },
        ),
    ]
