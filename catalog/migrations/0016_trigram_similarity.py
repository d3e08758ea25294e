"""On PostgreSQL, the pg_trgm extension: the search's "did you mean" finds the words of the index close to a
misspelt one by trigram similarity (catalog/spelling.py). Nothing to do on SQLite, which uses fts5vocab."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0015_paper_created_at_index"),
    ]

    operations = [TrigramExtension()]
