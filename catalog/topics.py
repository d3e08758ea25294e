"""An entry's topics: its own tags, and the topics its section implies. Defined here once, for both kinds of entry.

The definition is two sets of (entry, topic) rows: `tag_rows`, one per tag of an entry, and `implied_rows`, one per
topic the entry's section implies that is not one of its tags already (so that no topic is counted twice).
Everything reads the topics from them:

- a database view per kind is their UNION ALL, made from their SQL; the models read it as `Paper.topics` and
  `Resource.topics` (`with_topics()` reads them along with a list);
- `having()` is the condition of the tag filter (`with_topic()`): a tag of the entry, or one its section implies;
- `topic_counts()` counts each set apart, along its own indexes, and adds the counts up (a count over the view
  would sort every row of both).

Implied topics are not stored with the entries: an entry moved to another section has the topics of that one, and
a tag removed from an entry stays one of its topics only while its section implies it. The views are derived data:
`migrate` sets them aside before it applies anything and makes them again afterwards (catalog/apps.py), once the
tables they read exist.
"""

from collections import Counter

from django.db.models import Count, F, OuterRef, Q, Subquery
from taggit.models import Tag

from catalog.models import Paper, Resource, Section

ENTRY_MODELS = (Paper, Resource)


def tag_rows(model):
    """The (entry, topic) rows of the tags of `model`'s entries."""
    return model.tags.through.objects.order_by().annotate(entry=F("content_object"), topic=F("tag"))


def implied_rows(model):
    """The (entry, topic) rows of the topics the sections of `model`'s entries imply, but for the entries' tags."""
    # Whether the entry has the tag, as a subquery without parameters (Exists() would add one): a view holds none.
    tagged = model.tags.through.objects.filter(content_object=OuterRef("pk"), tag=OuterRef("topic"))
    return (
        model.objects.order_by()
        .annotate(entry=F("pk"), topic=F("section__implied_topics"))
        .filter(topic__isnull=False)
        .exclude(pk__in=tagged.values("content_object"))
    )


def having(model, tag) -> Q:
    """The entries of `model` that have the topic `tag` (a Tag): tagged with it, or listed in a section that implies
    it (the entries of both sets of rows, each read along its own index)."""
    tagged = model.tags.through.objects.filter(tag=tag).values("content_object")
    return Q(pk__in=tagged) | Q(section__in=Section.objects.filter(implied_topics=tag))


def topic_counts(model, entries=None) -> list[tuple[str, str, int]]:
    """(slug, name, count) of the topics of `model`'s entries whose pk is in `entries` (a values("pk") queryset;
    None: every entry), most used first, in one query."""
    tag = Tag.objects.filter(pk=OuterRef("topic"))
    counts = [
        rows.filter(**({} if entries is None else {"entry__in": entries}))
        .values("topic")
        .annotate(count=Count("*"))
        # Annotated apart from the count, the slug and name stay out of the GROUP BY.
        .annotate(slug=Subquery(tag.values("slug")), name=Subquery(tag.values("name")))
        .values_list("topic", "count", "slug", "name")
        for rows in (tag_rows(model), implied_rows(model))
    ]
    totals, labels = Counter(), {}
    for pk, count, slug, name in counts[0].union(counts[1], all=True):
        totals[pk] += count
        labels[pk] = (slug, name)
    ranked = sorted(totals, key=lambda pk: (-totals[pk], labels[pk][1]))
    return [(*labels[pk], totals[pk]) for pk in ranked]


def without_topic(model):
    """The entries of `model` that have no topic at all."""
    return model.objects.exclude(pk__in=model.topics.through.objects.values("entry"))


def _view(model, connection) -> tuple[str, str, list[str]]:
    """The view of `model`'s topics: its name, its definition, and the tables it reads."""
    topic = model.topics.through._meta
    selects = []
    for rows in (tag_rows(model), implied_rows(model)):
        sql, params = rows.values_list("entry", "topic").query.get_compiler(connection=connection).as_sql()
        if params:
            raise ValueError(f"The view {topic.db_table} would need parameters: {params}")
        selects.append(sql)
    columns = f"{topic.get_field('entry').column}, {topic.get_field('tag').column}"
    tables = [model.tags.through._meta.db_table, Section.implied_topics.through._meta.db_table, model._meta.db_table]
    return topic.db_table, f"({columns}) AS {' UNION ALL '.join(selects)}", tables


def drop(connection) -> None:
    with connection.cursor() as cursor:
        for model in ENTRY_MODELS:
            cursor.execute(f"DROP VIEW IF EXISTS {model.topics.through._meta.db_table}")


def build(connection) -> bool:
    """Make the views again, as declared, when the tables they read exist; True if they were made."""
    existing = set(connection.introspection.table_names())
    views = [_view(model, connection) for model in ENTRY_MODELS]
    if not all(set(tables) <= existing for _, _, tables in views):
        return False
    drop(connection)
    with connection.cursor() as cursor:
        for name, definition, _ in views:
            cursor.execute(f"CREATE VIEW {name} {definition}")
    return True
