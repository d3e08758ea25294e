"""Year and day of date columns for grouping and ordering, computed by SQLite itself.

Django computes ExtractYear and TruncDate on SQLite with a Python function called for every row,
which makes a chart or a facet over a large catalog slow; SQLite stores dates and datetimes as ISO text, so the
same values are prefixes of the stored text. Other databases use Django's functions unchanged.
"""

from django.db.models.functions import ExtractYear, TruncDate


class Year(ExtractYear):
    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"CAST(substr({sql}, 1, 4) AS integer)", params


class Day(TruncDate):
    """The day of a datetime in the current time zone; SQLite stores datetimes in UTC, so the prefix is it in UTC."""

    def as_sqlite(self, compiler, connection, **extra_context):
        if self.get_tzname() not in (None, "UTC"):
            return super().as_sqlite(compiler, connection, **extra_context)
        sql, params = compiler.compile(self.lhs)
        return f"substr({sql}, 1, 10)", params
