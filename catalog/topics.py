"""An entry's topics: its own tags, and the topics its section implies. Declared here once for both kinds.

Each kind has a database view of (entry, tag) rows, one per topic: a row for each of the entry's tags, and one for
each topic the entry's section implies that is not one of its tags already, so that no topic is counted twice.
Implied topics are not stored with the entries: an entry moved to another section has the topics of that one, and
a tag removed from an entry stays one of its topics only while its section implies it.

The models read the views as `Paper.topics` and `Resource.topics` (`with_topic()` filters by them, `with_topics()`
reads them along); the tag filter, the counts per tag, the pages and the outputs all go through them. The views are
derived data: `migrate` sets them aside before it applies anything and makes them again afterwards
(catalog/apps.py), once the tables they read exist.
"""

from catalog.models import Paper, Resource, Section

ENTRY_MODELS = (Paper, Resource)


def _view(model) -> tuple[str, str, list[str]]:
    """The view of `model`'s topics: its name, its SELECT, and the tables it reads."""
    topic = model.topics.through._meta
    tagged = model.tags.through._meta
    implied = Section.implied_topics.through._meta
    entries = model._meta
    entry_column = tagged.get_field("content_object").column
    tag_column = tagged.get_field("tag").column
    implied_section = implied.get_field("section").column
    implied_tag = implied.get_field("tag").column
    section_column = entries.get_field("section").column
    select = (
        f"SELECT {entry_column}, {tag_column} FROM {tagged.db_table} "
        "UNION ALL "
        f"SELECT entry.{entries.pk.column}, implied.{implied_tag} "
        f"FROM {entries.db_table} entry JOIN {implied.db_table} implied "
        f"ON implied.{implied_section} = entry.{section_column} "
        f"WHERE NOT EXISTS (SELECT 1 FROM {tagged.db_table} own WHERE own.{entry_column} = entry.{entries.pk.column} "
        f"AND own.{tag_column} = implied.{implied_tag})"
    )
    columns = f"{topic.get_field('entry').column}, {topic.get_field('tag').column}"
    return topic.db_table, f"({columns}) AS {select}", [tagged.db_table, implied.db_table, entries.db_table]


def drop(connection) -> None:
    with connection.cursor() as cursor:
        for model in ENTRY_MODELS:
            name, _, _ = _view(model)
            cursor.execute(f"DROP VIEW IF EXISTS {name}")


def build(connection) -> bool:
    """Make the views again, as declared, when the tables they read exist; True if they were made."""
    existing = set(connection.introspection.table_names())
    views = [_view(model) for model in ENTRY_MODELS]
    if not all(set(tables) <= existing for _, _, tables in views):
        return False
    drop(connection)
    with connection.cursor() as cursor:
        for name, definition, _ in views:
            cursor.execute(f"CREATE VIEW {name} {definition}")
    return True


def without_topic(model):
    """The entries of `model` that have no topic at all."""
    return model.objects.exclude(pk__in=model.topics.through.objects.values("entry"))
