"""An entry's topics: its own tags, and the topics its section implies or a section above it does. Defined here
once, for both kinds of entry.

A section's topics are `section_rows`, one (section, topic) row per topic the section or one of the sections above
it implies, once each: kept in a table, read as `Section.topics`, which database triggers make again after every
write to the sections' parents or implied topics. An entry's topics are two sets of (entry, topic)
rows: `tag_rows`, one per tag of an entry, and `implied_rows`, one per topic of the entry's section that is not
one of its tags already (so that no topic is counted twice). Everything reads the topics from them:

- a database view per kind is their UNION ALL, made from their SQL; the models read it as `Paper.topics` and
  `Resource.topics` (`with_topics()` reads them along with a list);
- `having()` is the condition of the tag filter (`with_topic()`): a tag of the entry, or one of its section's topics;
  `having_any()` checks the topics of one entry after another (related papers);
- `topic_counts()` counts the tagged entries along the tags' index, and the implied ones from the number of
  entries of each section (a count over the view would sort every row of both, and the implied rows look every
  entry up); `topic_count()` counts one topic's rows of both sets, as a subquery.

Implied topics are not stored with the entries: an entry moved to another section has the topics of that one, and
a tag removed from an entry stays one of its topics only while its section (or one above it) implies it. The
views and the sections' topics are derived data: `migrate` sets them aside before it applies anything and makes
them again afterwards (catalog/apps.py), once the tables they read exist. The views join tables only: a view
joined to another gives SQLite's planner no statistics (it read one paper's topics by building a Bloom filter
over every paper).
"""

from collections import Counter

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from taggit.models import Tag

from catalog.models import MAX_HEADING_LEVEL, Paper, Resource, Section, SectionTopic

ENTRY_MODELS = (Paper, Resource)


def section_rows():
    """The (section, topic) rows of the topics each section implies and those the sections above it imply, once
    each: one set of rows per distance from the section (a heading is at most six levels deep)."""
    above = [
        Section.objects.order_by()
        .annotate(section=F("pk"), topic=F("__".join(["parent"] * distance + ["implied_topics"])))
        .filter(topic__isnull=False)
        .values_list("section", "topic")
        for distance in range(MAX_HEADING_LEVEL + 1)
    ]
    return above[0].union(*above[1:])


def tag_rows(model):
    """The (entry, topic) rows of the tags of `model`'s entries."""
    return model.tags.through.objects.order_by().annotate(entry=F("content_object"), topic=F("tag"))


def implied_rows(model):
    """The (entry, topic) rows of the topics of the sections of `model`'s entries, but for the entries' tags."""
    # Whether the entry has the tag, as a subquery without parameters (Exists() would add one): a view holds none.
    tagged = model.tags.through.objects.filter(content_object=OuterRef("pk"), tag=OuterRef("topic"))
    return (
        model.objects.order_by()
        .annotate(entry=F("pk"), topic=F("section__topics"))
        .filter(topic__isnull=False)
        .exclude(pk__in=tagged.values("content_object"))
    )


def having(model, tag) -> Q:
    """The entries of `model` that have the topic `tag` (a Tag): tagged with it, or listed in a section that has it
    (the entries of both sets of rows, each read along its own index)."""
    tagged = model.tags.through.objects.filter(tag=tag).values("content_object")
    # The section first: an entry of a section with the topic is not looked up among the tagged ones.
    return Q(section__in=SectionTopic.objects.filter(tag=tag).values("section")) | Q(pk__in=tagged)


def among(model, tags):
    """The rows of both sets whose entry is the outer entry and whose topic is one of `tags` (ids), for subqueries:
    each read along the index of its entries."""
    return [rows.filter(entry=OuterRef("pk"), topic__in=tags) for rows in (tag_rows(model), implied_rows(model))]


def having_any(model, tags) -> Q:
    """The entries of `model` that have one of the topics `tags` (ids), checked entry by entry: the condition of a
    read that stops after a few entries (an index ordered otherwise, and a LIMIT)."""
    tagged, implied = among(model, tags)
    return Q(Exists(tagged)) | Q(Exists(implied))


def topic_count(model):
    """How many entries of `model` have the outer tag as a topic, as an expression for annotating tags."""
    tagged, implied = (
        count_of_rows(rows.filter(topic=OuterRef("pk")), "topic") for rows in (tag_rows(model), implied_rows(model))
    )
    return tagged + implied


def count_of_rows(rows, column):
    """The number of `rows` (all with one value of `column`), as a subquery; 0 for none."""
    return Coalesce(Subquery(rows.order_by().values(column).annotate(n=Count("*")).values("n")), 0)


def topic_counts(model, entries=None, *, per_section=None) -> list[tuple[str, str, int]]:
    """(slug, name, count) of the topics of `model`'s entries whose pk is in `entries` (a values("pk") queryset;
    None: every entry), most used first.

    The tagged entries are counted along the tags' index; those of the sections that imply a topic are added up
    from the number of entries of each section (`per_section`, a Counter by section id, when the caller has counted
    them already; counted along the sections' index otherwise), less those tagged with the topic too: the implied
    rows would look every entry up, and check its tags. Those tagged too are counted with the tags for a set of
    entries (each tag of a topic some section implies checked against its entry's section), and per section
    topic for every entry (along the index of the topic's tags). Two queries.
    """
    tag = Tag.objects.filter(pk=OuterRef("topic"))
    tagged = tag_rows(model).values("topic").annotate(count=Count("*"))
    implied = SectionTopic.objects.all()
    if entries is None:
        tagged = tagged.annotate(tagged_too=Value(0))
        implied = implied.annotate(tagged_too=count_of_rows(_tagged_in_section(model), "tag"))
    else:
        tagged = tagged.filter(content_object__in=entries).annotate(tagged_too=_tagged_too(model))
        implied = implied.annotate(tagged_too=Value(0))
    # Annotated apart from the counts, the slug and name stay out of the GROUP BY.
    tagged = tagged.annotate(slug=Subquery(tag.values("slug")), name=Subquery(tag.values("name")))
    totals, labels = Counter(), {}
    for pk, count, already, slug, name in tagged.values_list("topic", "count", "tagged_too", "slug", "name"):
        totals[pk] += count - already
        labels[pk] = (slug, name)
    if per_section is None:
        counted = model.objects.filter(section=OuterRef("section"))
        counted = counted if entries is None else counted.filter(pk__in=entries)
        implied = implied.annotate(in_section=count_of_rows(counted, "section"))
        rows = implied.values_list("tag", "tag__slug", "tag__name", "tagged_too", "in_section")
    else:
        rows = (
            (*row, per_section[section])
            for section, *row in implied.values_list("section", "tag", "tag__slug", "tag__name", "tagged_too")
        )
    for pk, slug, name, already, in_section in rows:
        totals[pk] += in_section - already
        labels[pk] = (slug, name)
    ranked = sorted((pk for pk in totals if totals[pk]), key=lambda pk: (-totals[pk], labels[pk][1]))
    return [(*labels[pk], totals[pk]) for pk in ranked]


def _tagged_in_section(model):
    """The tag rows of `model` whose tag is the outer section topic's and whose entry is in its section."""
    return model.tags.through.objects.filter(content_object__section=OuterRef("section"), tag=OuterRef("tag"))


def _tagged_too(model):
    """The number of the grouped tag rows whose entry's section implies their tag, as an aggregate."""
    entries = model._meta.get_field("section").related_query_name()
    implies = SectionTopic.objects.filter(tag=OuterRef("tag"), **{f"section__{entries}": OuterRef("content_object")})
    return Count("pk", filter=Q(tag__in=SectionTopic.objects.values("tag")) & Q(Exists(implies)))


def without_topic(model):
    """The entries of `model` that have no topic at all."""
    return model.objects.exclude(pk__in=model.topics.through.objects.values("entry"))


def _sql(rows, connection) -> str:
    sql, params = rows.query.get_compiler(connection=connection).as_sql()
    if params:
        raise ValueError(f"A view or trigger cannot hold parameters: {params}")
    return sql


def _views(connection) -> list[tuple[str, str]]:
    """The views of the entries' topics: (name, definition)."""
    views = []
    for model in ENTRY_MODELS:
        topic = model.topics.through._meta
        selects = [
            _sql(rows.values_list("entry", "topic"), connection) for rows in (tag_rows(model), implied_rows(model))
        ]
        columns = f"{topic.get_field('entry').column}, {topic.get_field('tag').column}"
        views.append((topic.db_table, f"({columns}) AS {' UNION ALL '.join(selects)}"))
    return views


SECTION_TOPICS = SectionTopic._meta.db_table
REFRESH = f"{SECTION_TOPICS}_refresh"
# The writes that change sections' topics: (table, the events of its triggers).
SECTION_WRITES = (
    (Section._meta.db_table, ("INSERT", "UPDATE OF parent_id", "DELETE")),
    (Section.implied_topics.through._meta.db_table, ("INSERT", "UPDATE", "DELETE")),
)
# The tables the views and the section's topics read.
TABLES = (
    *(table for table, _ in SECTION_WRITES),
    *(model._meta.db_table for model in ENTRY_MODELS),
    *(model.tags.through._meta.db_table for model in ENTRY_MODELS),
)


def _refresh(connection) -> list[str]:
    """The statements that make the sections' topics again from `section_rows`."""
    section, tag = (SectionTopic._meta.get_field(name).column for name in ("section", "tag"))
    rows = _sql(section_rows(), connection)
    return [f"DELETE FROM {SECTION_TOPICS}", f"INSERT INTO {SECTION_TOPICS} ({section}, {tag}) {rows}"]


def _triggers(connection) -> list[str]:
    """The triggers that make the sections' topics again after every write that may change them: on SQLite for each
    row written, on PostgreSQL once per statement, one transaction at a time (the table is locked)."""
    refresh = _refresh(connection)
    if connection.vendor == "sqlite":
        return [
            f"CREATE TRIGGER {REFRESH}_{table}_{event.split()[0].lower()} AFTER {event} ON {table} "
            f"BEGIN {'; '.join(refresh)}; END"
            for table, events in SECTION_WRITES
            for event in events
        ]
    function = (
        f"CREATE OR REPLACE FUNCTION {REFRESH}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"LOCK TABLE {SECTION_TOPICS} IN EXCLUSIVE MODE; {'; '.join(refresh)}; RETURN NULL; END; $$"
    )
    return [
        function,
        *(
            f"CREATE TRIGGER {REFRESH} AFTER {' OR '.join(events)} OR TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {REFRESH}()"
            for table, events in SECTION_WRITES
        ),
    ]


def drop(connection) -> None:
    """Set the views aside, then the sections' topics and their triggers."""
    with connection.cursor() as cursor:
        for model in ENTRY_MODELS:
            cursor.execute(f"DROP VIEW IF EXISTS {model.topics.through._meta.db_table}")
        if connection.vendor == "sqlite":
            for table, events in SECTION_WRITES:
                for event in events:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {REFRESH}_{table}_{event.split()[0].lower()}")
        else:
            cursor.execute(f"DROP FUNCTION IF EXISTS {REFRESH}() CASCADE")
        cursor.execute(f"DROP TABLE IF EXISTS {SECTION_TOPICS}")


def build(connection) -> bool:
    """Make the sections' topics (with their triggers) and the views again, as declared, when the tables they read
    exist; True if they were made."""
    if not set(TABLES) <= set(connection.introspection.table_names()):
        return False
    drop(connection)
    # The table's statement alone: a schema editor cannot be entered on SQLite inside a transaction (a test's, or
    # a migrate run in one), and the two indexes below are all the table needs.
    create_table, _ = connection.schema_editor().table_sql(SectionTopic)
    section, tag = (SectionTopic._meta.get_field(name).column for name in ("section", "tag"))
    # The primary key reads a section's topics; this index, a topic's sections (and the topics in order, to count).
    by_topic = f"CREATE INDEX {SECTION_TOPICS}_by_topic ON {SECTION_TOPICS} ({tag}, {section})"
    with connection.cursor() as cursor:
        for statement in [
            create_table,
            by_topic,
            *_refresh(connection),
            f"ANALYZE {SECTION_TOPICS}",
            *_triggers(connection),
        ]:
            cursor.execute(statement)
        for name, definition in _views(connection):
            cursor.execute(f"CREATE VIEW {name} {definition}")
    return True
