"""Read-only queries behind the public pages: counts, newest papers, papers per month, related papers, facets.

Each function runs a fixed number of queries, whatever the size of the catalog.
"""

from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import quote

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.db.models.functions import Lower
from django.utils.translation import get_language

from catalog import best_matches, search
from catalog.dates import Year
from catalog.filters import HAS_CODE_CHOICES
from catalog.models import (
    Paper,
    PaperAuthor,
    PaperLink,
    PaperTopic,
    Resource,
    Section,
    SectionKind,
    Venue,
    VenueKind,
    having_code,
    newest_additions_by_day,
)
from catalog.templatetags.calendar_dates import calendar_date
from catalog.topics import count_of_rows, having_any, topic_counts
from catalog.urls_memo import memo_reverser

PAPER_LIST_RELATED = ("venue", "section")
AUTHORS_ON_ENTRIES = 3
# What an entry shows of a paper, its venue, its section and its star repo.
PAPER_ENTRY_COLUMNS = (
    "pk",
    "title",
    "url",
    "date",
    "venue__name",
    "section__slug",
    "section__title",
    "star_repo",
    "repo_stars",
    "repo_archived",
)
SUBSECTION_INDENT = "\u00a0" * 3
# The papers sharing a topic or the venue with a paper that its related papers are chosen from.
RELATED_CANDIDATES = 200


def paper_list_queryset():
    credits = Prefetch("paper_authors", queryset=PaperAuthor.objects.select_related("author"))
    papers = Paper.objects.with_repository().select_related(*PAPER_LIST_RELATED)
    return papers.with_topics().prefetch_related("links", credits)


def paper_entries(papers):
    """The papers of the queryset `papers`, in its order, as catalog/includes/paper_items.html shows them.

    Each entry is a dict of the values the template writes, so that each lookup of the template finds its key at
    once. The papers are read in one query, their links and their topics in one more each, as plain rows.
    Buys: three queries and no model instances per page, whatever the page's papers have (queries per page).
    """
    rows = papers.with_repository().values_list(*PAPER_ENTRY_COLUMNS)
    entries = {}
    venues, sections = {}, {}
    language = get_language()
    reverse_url = memo_reverser()
    paper_list_url = reverse_url("catalog:paper-list")
    for pk, title, url, day, venue, section_slug, section_title, star_repo, stars, archived in rows:
        if venue is not None and venue not in venues:
            venues[venue] = Venue(name=venue).get_absolute_url()
        if section_slug not in sections:
            section = Section(slug=section_slug, title=section_title)
            sections[section_slug] = (str(section), section.get_absolute_url())
        entries[pk] = {
            "pk": pk,
            "title": title,
            "url": url,
            "page_url": reverse_url("catalog:paper-detail", pk=pk),
            "venue": venue,
            "venue_url": venues.get(venue),
            "iso_date": day.isoformat(),
            "date_label": calendar_date(day, "j M Y", language),
            "section": sections[section_slug][0],
            "section_url": sections[section_slug][1],
            "star_repo": star_repo,
            "repo_stars": stars,
            "repo_archived": archived,
            "links": [],
            "tags": [],
            "authors": [],
            "more_authors": False,
        }
    if entries:
        credits = PaperAuthor.objects.filter(paper__in=list(entries)).order_by("paper", "position", "id")
        for pk, name, slug in credits.values_list("paper", "author__name", "author__slug"):
            authors = entries[pk]["authors"]
            if len(authors) < AUTHORS_ON_ENTRIES:
                authors.append({"name": name, "url": reverse_url("catalog:author-detail", slug=slug)})
            else:
                entries[pk]["more_authors"] = True
        links = PaperLink.objects.filter(paper__in=list(entries)).order_by("kind", "position", "id")
        for pk, url, label in links.values_list("paper", "url", "label"):
            entries[pk]["links"].append({"url": url, "label": label})
        topics = PaperTopic.objects.filter(entry__in=list(entries)).order_by("entry", "tag__name")
        tag_urls = {}
        for pk, slug, name in topics.values_list("entry", "tag__slug", "tag__name"):
            if slug not in tag_urls:
                tag_urls[slug] = f"{paper_list_url}?tag={quote(slug, safe='/')}"
            entries[pk]["tags"].append({"url": tag_urls[slug], "name": name})
    return list(entries.values())


class PaperEntryPages:
    """The papers of a filtered list as its pages show them, for a paginator to slice.

    `by_id`: a page's ids are chosen first, in a query that reads the order alone (from indexes where they hold it),
    and the other columns are then read for those papers only. Otherwise the page is cut from the list itself.
    `search_alone`: the list is that search's best matches and nothing else, whose page the search index can often
    choose alone (catalog/best_matches.py).
    """

    model = Paper
    ordered = True

    def __init__(self, papers, *, by_id=False, search_alone=None):
        """`papers`: the list, filtered and ordered."""
        self.papers = papers
        self.by_id = by_id or bool(search_alone)
        self.search_alone = search_alone

    def count(self):
        return self.papers.count()

    def __getitem__(self, page: slice):
        if not self.by_id:
            return paper_entries(self.papers[page])
        ids = best_matches.page_ids(self.search_alone, page.start, page.stop) if self.search_alone else None
        if ids is None:
            ids = list(self.papers.values_list("pk", flat=True)[page])
        (entries,) = paper_entry_lists(ids)
        return entries


def resource_list_queryset():
    return Resource.objects.with_repository().with_topics().select_related("section").prefetch_related("links")


def catalog_counts(*, tags):
    """The numbers of papers, resources, venues of papers and `tags` (as tags_with_counts() gives them)."""
    return {
        "papers": Paper.objects.count(),
        "resources": Resource.objects.count(),
        "venues": Venue.objects.filter(Exists(Paper.objects.filter(venue=OuterRef("pk")))).count(),
        "tags": len(tags),
    }


def newest_additions(*, limit):
    """The papers added last; papers added on the same day come newest publication first.

    The newest are picked by id in a subquery, along the index of that order (no paper row is read, none sorted), so
    that their other columns are read for those papers only.
    """
    newest = Paper.objects.order_by(*newest_additions_by_day()).values("pk")[:limit]
    return paper_entries(Paper.objects.filter(pk__in=newest).order_by(*newest_additions_by_day()))


def papers_per_month():
    """(first day of the month, number of papers) for every month that has papers, oldest first.

    Counted by date along the date index and added up by month here."""
    per_month = Counter()
    for day, count in count_by(Paper.objects.all(), "date").items():
        per_month[day.replace(day=1)] += count
    return sorted(per_month.items())


def related_paper_ids(paper, *, limit, leave_out=()):
    """Ids of the papers sharing the most topics with `paper`, then those at the same venue, newest first; none of
    `leave_out`.

    They are ranked among the RELATED_CANDIDATES newest papers sharing a topic or the venue with it, read newest
    first along the date index, each paper's topics checked along their indexes, until that many are found: a page
    reads that much of a large catalog, not every paper of its topics and venue. Whenever fewer share a topic or
    the venue (the seed's papers), every one of them is ranked. The candidates' shared topics are read in one more
    query, and ranked here.
    """
    tag_ids = [tag.pk for tag in paper.topics.all()]
    sharing = Q(pk__in=[])
    if tag_ids:
        sharing |= having_any(Paper, tag_ids)
    if paper.venue_id:
        sharing |= Q(venue=paper.venue_id)
    candidates = list(
        Paper.objects.exclude(pk__in=[paper.pk, *leave_out])
        .filter(sharing)
        .order_by("-date", "id")
        .values_list("pk", "venue_id")[:RELATED_CANDIDATES]
    )
    shared = Counter()
    if tag_ids and candidates:
        topics = PaperTopic.objects.filter(entry__in=[pk for pk, _ in candidates], tag__in=tag_ids)
        shared.update(topics.values_list("entry", flat=True))

    def rank(candidate):
        pk, venue_id = candidate
        return -shared[pk], venue_id is None or venue_id != paper.venue_id

    # Newest first among equals: the candidates come newest first, and sorted() keeps their order.
    ranked = sorted(candidates, key=rank)
    return [pk for pk, _ in ranked[:limit]]


def paper_entry_lists(*id_lists):
    """The entries of the papers of each list of ids, in that list's order, read together (paper_entries)."""
    wanted = {pk for ids in id_lists for pk in ids}
    entries = {entry["pk"]: entry for entry in paper_entries(Paper.objects.filter(pk__in=wanted))} if wanted else {}
    return [[entries[pk] for pk in ids if pk in entries] for ids in id_lists]


def venues_with_counts():
    return Venue.objects.annotate(paper_count=Count("papers")).filter(paper_count__gt=0).order_by(Lower("name"))


def count_of(model, field):
    """The number of `model` rows whose `field` is the outer row, read from the index on `field` (0 for none)."""
    return count_of_rows(model.objects.filter(**{field: OuterRef("pk")}), field)


@dataclass(frozen=True)
class TagCount:
    slug: str
    name: str
    paper_count: int
    resource_count: int


def tags_with_counts() -> list[TagCount]:
    """The tags that are a topic of a paper or a resource, by name, with their numbers of papers and resources."""
    papers = {slug: (name, count) for slug, name, count in topic_counts(Paper)}
    resources = {slug: (name, count) for slug, name, count in topic_counts(Resource)}
    names = {slug: name for slug, (name, _) in (papers | resources).items()}
    return sorted(
        (
            TagCount(slug, name, papers.get(slug, ("", 0))[1], resources.get(slug, ("", 0))[1])
            for slug, name in names.items()
        ),
        key=lambda tag: (tag.name, tag.slug),
    )


def sections_with_counts():
    """Headings that hold entries or subsections, or are meant to (a papers or resources section still empty), in
    README order, with their paper and resource counts."""
    sections = Section.objects.filter(level__gte=1).annotate(
        paper_count=count_of(Paper, "section"),
        resource_count=count_of(Resource, "section"),
        child_count=count_of(Section, "parent"),
    )
    return [s for s in sections if s.paper_count or s.resource_count or s.child_count or s.kind != SectionKind.TEXT]


class Choice(NamedTuple):
    """A filter choice; a tuple, so that a template loop unpacks it without a lookup per attribute."""

    value: str
    label: str
    count: int
    selected: bool


FACET_FILTERS = frozenset({"venue", "venue_kind", "section", "year", "has_code"})


@dataclass(frozen=True)
class PaperFacets:
    """The choices of each paper filter with their counts, and the number of papers matching every filter."""

    choices: dict[str, list[Choice]]
    total: int


def paper_facets(filterset):
    """Counts per choice of the paper filters, each counted with the other filters applied.

    Venue choices are counted without the venue filter (several venues add up); tag choices are counted
    within the current result, since every further tag narrows it. Selected values are always listed.
    No filter repeats a paper, so the counts need no DISTINCT.

    The papers of the result are counted once, by venue, year, section and code at the same time; a filter in
    force has its own choices counted once more, without it. Without any filter, each count reads one index.
    """
    cleaned = filterset.form.cleaned_data
    in_force = filterset.in_force()

    def base(*leave_out):
        # From the plain model rather than the list's queryset: no star repo columns to compute for every paper.
        return filterset.queryset_without(*leave_out, queryset=Paper.objects.all()).order_by()

    in_result = base() if in_force else None
    if in_force:
        result = PaperTally.of_result(in_result, count_code="has_code" not in in_force)
    else:
        result = PaperTally.of_catalog()
    tallies = {name: result for name in FACET_FILTERS}
    for name in in_force & FACET_FILTERS:
        tallies[name] = PaperTally.without(name, base(name), narrowed=bool(in_force - {name}))
    venues = {pk: (name, kind) for pk, name, kind in Venue.objects.values_list("pk", "name", "kind")}
    venue_rows = sorted(
        ((venues[pk][0], venues[pk][0], count) for pk, count in tallies["venue"].venues.items() if pk is not None),
        key=lambda row: (-row[2], row[0].lower()),
    )
    kind_counts = Counter()
    for pk, count in tallies["venue_kind"].venues.items():
        if pk is not None:
            kind_counts[venues[pk][1]] += count
    code = tallies["has_code"]
    code_counts = {"true": code.with_code, "false": code.total - code.with_code}
    sections = Section.objects.values_list("pk", "slug", "title", "level", "position", "parent_id")
    section = cleaned.get("section")
    year = cleaned.get("year")
    tag_rows = topic_counts(Paper, topic_entries(in_result, in_force, cleaned), per_section=result.sections)
    return PaperFacets(
        choices={
            "venue": choices(venue_rows, selected=[(venue.name, venue.name) for venue in cleaned.get("venue") or []]),
            "tag": choices(tag_rows, selected=selected_tags(cleaned)),
            "section": choices(
                section_counts(sections, tallies["section"].sections),
                selected=[(section.slug, section.title)] if section else [],
            ),
            "year": choices(
                [(value, value, count) for value, count in sorted(tallies["year"].years.items(), reverse=True)],
                selected=[(year, year)] if year else [],
            ),
            "venue_kind": choices(
                [(kind.value, kind.label, kind_counts[kind.value]) for kind in VenueKind if kind.value in kind_counts],
                selected=[(kind, VenueKind(kind).label)] if (kind := cleaned.get("venue_kind")) else [],
            ),
            "has_code": choices(
                [(value, label, code_counts[value]) for value, label in HAS_CODE_CHOICES],
                selected=[(cleaned["has_code"], "")] if cleaned.get("has_code") else [],
            ),
        },
        total=result.total,
    )


def topic_entries(in_result, in_force, cleaned):
    """The papers whose topics the tag choices count, as paper_facets has them: None for all of them (no need to
    look each one up among all papers), and the matches of a search alone read from the search index only."""
    if not in_force:
        return None
    if in_force == {"q"}:
        return search.matching_ids(Paper, cleaned["q"])
    return in_result.values("pk")


@dataclass
class PaperTally:
    """Numbers of papers by venue id, by year and by section id, with code, and in all."""

    venues: Counter = field(default_factory=Counter)
    years: Counter = field(default_factory=Counter)
    sections: Counter = field(default_factory=Counter)
    with_code: int = 0
    total: int = 0

    @classmethod
    def of_result(cls, papers, *, count_code):
        """All the counts in one pass over `papers`, grouped by venue, year and section together; the papers with
        code only when `count_code` (with the code filter in force, its choices are counted without it)."""
        tally = cls()
        counts = {"count": Count("*")}
        if count_code:
            counts["with_code"] = Count("pk", filter=having_code(True))
        rows = papers.annotate(year=Year("date")).values("venue_id", "year", "section_id").annotate(**counts)
        venues, years, sections = tally.venues, tally.years, tally.sections
        for venue, year, section, count, *with_code in plain_rows(rows):
            venues[venue] += count
            years[int(year)] += count  # PostgreSQL's EXTRACT gives a numeric
            sections[section] += count
            tally.total += count
            tally.with_code += with_code[0] if with_code else 0
        return tally

    @classmethod
    def of_catalog(cls):
        """The counts of all papers, each read from an index: venue, date, section, and the code links."""
        venues = count_by(Paper.objects.all(), "venue_id")
        return cls(
            venues=venues,
            years=papers_per_year(Paper.objects.all()),
            sections=count_by(Paper.objects.all(), "section_id"),
            with_code=papers_with_code(),
            total=venues.total(),
        )

    @classmethod
    def without(cls, name, papers, *, narrowed):
        """The counts the choices of filter `name` need, of `papers` (the result without that filter)."""
        if name in ("venue", "venue_kind"):
            return cls(venues=count_by(papers, "venue_id"))
        if name == "year":
            return cls(years=papers_per_year(papers))
        if name == "section":
            return cls(sections=count_by(papers, "section_id"))
        if narrowed:
            counts = papers.aggregate(total=Count("*"), with_code=Count("pk", filter=having_code(True)))
            return cls(**counts)
        return cls(with_code=papers_with_code(), total=papers.count())


def plain_rows(queryset):
    """The rows of a values() `queryset` as the database cursor gives them, without Django's conversions: a broad
    search has about 2,000 groups of venue, year and section, which Django's rows cost more to read than to add
    up."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a queryset that can match nothing (none(), an empty IN list)
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def count_by(papers, column):
    """The number of `papers` for each value of `column`, grouped along that column's index."""
    return Counter(dict(papers.values_list(column).annotate(count=Count("*")).order_by()))


def papers_per_year(papers):
    """Papers by year, counted by date along the date index and added up by year here."""
    per_year = Counter()
    for day, count in count_by(papers, "date").items():
        per_year[day.year] += count
    return per_year


def papers_with_code():
    """The number of papers with a code link, read from the index of papers by code alone."""
    return Paper.objects.with_code().count()


def section_counts(sections, counts):
    """(slug, title, count) in README order, from every section's row and its own number of papers.

    A section counts its papers and those of every section below it, as the `section` filter does; titles are
    indented by heading level. Sections without papers are left out.
    """
    sections = {pk: (slug, title, level, position, parent) for pk, slug, title, level, position, parent in sections}
    totals = Counter()
    for pk, count in counts.items():
        ancestor = pk
        while ancestor is not None:
            totals[ancestor] += count
            ancestor = sections[ancestor][4]
    return [
        (slug, SUBSECTION_INDENT * max(level - 1, 0) + title, totals[pk])
        for pk, (slug, title, level, *_) in sorted(sections.items(), key=lambda item: item[1][3])
        if totals[pk]
    ]


def resource_tag_choices(filterset):
    """Counts per tag within the current result of the resource filters (every further tag narrows it)."""
    in_result = filterset.qs.order_by().values("pk")
    return choices(topic_counts(Resource, in_result), selected=selected_tags(filterset.form.cleaned_data))


def selected_tags(cleaned_data):
    return [(tag.slug, tag.name) for tag in cleaned_data.get("tag") or []]


def choices(rows, *, selected):
    """Choices from (value, label, count) rows, with selected values that have no row added at count 0."""
    chosen = {str(value) for value, _ in selected}
    listed = [Choice(str(value), str(label), count, str(value) in chosen) for value, label, count in rows]
    listed_values = {choice.value for choice in listed}
    missing = [Choice(str(value), str(label), 0, True) for value, label in selected if str(value) not in listed_values]
    return listed + missing
