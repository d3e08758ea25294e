"""The catalog: sections of the README, the papers and resources they list, and venues.

Entries share one ordering space per section (`position`) with the verbatim text blocks
of that section, so the README export can interleave them exactly as published.
"""

from urllib.parse import quote

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Lower
from django.db.models.lookups import IsNull
from django.utils.http import urlencode
from django.utils.text import slugify
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItemBase

from catalog import positions, readme, search
from catalog.dates import Day
from catalog.readme import inline
from catalog.search import FTS5_RELATION, TSVECTOR_RELATION, FTS5Field
from catalog.urls_memo import memo_reverse
from catalog.validators import validate_http_url, validate_one_line, validate_star_repo, validate_venue_name


class WebURLField(models.URLField):
    """A URL field whose forms read an address typed without a scheme as https://."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


HTTP_URL = models.Q(url__startswith="http://") | models.Q(url__startswith="https://")
STAR_REPO = models.Q(star_repo="") | models.Q(star_repo__regex=rf"^{inline.STAR_REPO_RE.pattern}$")


class VenueKind(models.TextChoices):
    CONFERENCE = "conference", "Conference"
    WORKSHOP = "workshop", "Workshop"
    JOURNAL = "journal", "Journal"
    PREPRINT = "preprint", "Preprint server"
    BLOG = "blog", "Blog or forum"
    LAB = "lab", "Lab or company"


class VenueManager(models.Manager):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class Venue(models.Model):
    name = models.CharField(max_length=100, validators=[validate_one_line, validate_venue_name])
    kind = models.CharField(max_length=20, choices=VenueKind.choices, default=VenueKind.CONFERENCE)

    objects = VenueManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="catalog_venue_name_unique_ci"),
            models.CheckConstraint(condition=~models.Q(name=""), name="catalog_venue_name_not_empty"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{memo_reverse('catalog:paper-list')}?{urlencode({'venue': self.name})}"

    def natural_key(self):
        return (self.name,)


class SectionKind(models.TextChoices):
    PAPERS = "papers", "Papers (a table)"
    RESOURCES = "resources", "Resources (a list)"
    TEXT = "text", "Text or grouping only"


MAX_HEADING_LEVEL = 6


class SectionManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def subtree(self, section):
        """`section` and every section below it, at any depth (a heading is at most six levels deep)."""
        below, path = models.Q(pk=section.pk), "parent"
        for _ in range(MAX_HEADING_LEVEL):
            below |= models.Q(**{path: section.pk})
            path += "__parent"
        return self.filter(below)

    def above(self, section):
        """`section` and every section above it, the highest first."""
        above, path = models.Q(pk=section.pk), "children"
        for _ in range(MAX_HEADING_LEVEL):
            above |= models.Q(**{path: section.pk})
            path += "__children"
        return self.filter(pk__in=self.filter(above).values("pk")).order_by("level", "position", "id")


class Section(models.Model):
    """A heading of the README; level 0 holds the text before the first heading."""

    title = models.CharField(max_length=200, blank=True, validators=[validate_one_line])
    slug = models.SlugField(max_length=220, blank=True, help_text="Left empty, it is made from the title.")
    level = models.PositiveSmallIntegerField(default=1, help_text="Heading level: 1 for #, 2 for ##, ...")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    position = models.PositiveIntegerField(blank=True, help_text="Order in the README; left empty, it goes last.")
    kind = models.CharField(max_length=20, choices=SectionKind.choices, default=SectionKind.PAPERS)
    blank_lines_after_heading = models.PositiveSmallIntegerField(default=1)
    blank_lines_after = models.PositiveSmallIntegerField(default=1)
    render_hints = models.JSONField(default=dict, blank=True, editable=False)
    implied_topics = models.ManyToManyField(
        "taggit.Tag",
        blank=True,
        related_name="implying_sections",
        help_text="Topics every paper or resource listed in this section or in one of its subsections has, besides "
        "its own tags.",
    )
    # Its implied topics and those of the sections above it (catalog/topics.py).
    topics = models.ManyToManyField("taggit.Tag", through="SectionTopic", related_name="+", editable=False)

    objects = SectionManager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="catalog_section_slug_unique"),
            models.CheckConstraint(
                condition=models.Q(level__lte=MAX_HEADING_LEVEL), name="catalog_section_level_at_most_6"
            ),
            models.CheckConstraint(
                condition=models.Q(level=0, title="") | (models.Q(level__gte=1) & ~models.Q(title="")),
                name="catalog_section_title_unless_level_0",
            ),
        ]

    def __str__(self):
        return self.title or "(text before the first heading)"

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self._unique_slug()
        if self.position is None:
            self.position = positions.place_section(self)
            self._take_over_document_end()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return memo_reverse("catalog:section-detail", slug=self.slug)

    def natural_key(self):
        return (self.slug,)

    def _take_over_document_end(self):
        """A section placed last ends the README as the previous last one did (e.g. without a final newline)."""
        previous = Section.objects.exclude(pk=self.pk).order_by("-position", "-id").first()
        if previous and previous.position < self.position and previous.blank_lines_after == 0:
            Section.objects.filter(pk=previous.pk).update(blank_lines_after=1)
            self.blank_lines_after = 0

    def _unique_slug(self):
        base = slugify(self.title)[:200] or "introduction"
        taken = set(Section.objects.filter(slug__startswith=base).exclude(pk=self.pk).values_list("slug", flat=True))
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        return slug


class TextBlock(models.Model):
    """Lines of a section that carry no entry (prose, table headers, HTML), kept verbatim."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="text_blocks")
    position = models.PositiveIntegerField()
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["section__position", "position", "id"]

    def __str__(self):
        first_line = self.text.split("\n", 1)[0]
        return first_line[:80] or "(blank lines)"


class TaggedPaper(TaggedItemBase):
    content_object = models.ForeignKey("Paper", on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        # The papers of a tag read from the index alone (the tag filter and tag counts).
        indexes = [models.Index(fields=["tag", "content_object"], name="catalog_taggedpaper_tag_paper")]
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="catalog_taggedpaper_unique"),
        ]


class TaggedResource(TaggedItemBase):
    content_object = models.ForeignKey("Resource", on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="catalog_taggedresource_unique"),
        ]


class EntryTopic(models.Model):
    """A topic of an entry: one of its own tags, or a topic its section implies. A row of a database view that
    catalog/topics.py declares; read through the entries' `topics`."""

    tag = models.ForeignKey("taggit.Tag", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")

    class Meta:
        abstract = True
        managed = False

    def __str__(self):
        return f"{self.entry_id}: {self.tag_id}"


class SectionTopic(models.Model):
    """A topic a section gives its entries: one it implies, or one a section above it implies. A row of a table of
    derived data that catalog/topics.py makes and its database triggers keep; read through `Section.topics`."""

    pk = models.CompositePrimaryKey("section", "tag")
    section = models.ForeignKey("Section", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    tag = models.ForeignKey("taggit.Tag", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")

    class Meta:
        managed = False
        db_table = "catalog_section_topic"

    def __str__(self):
        return f"{self.section_id}: {self.tag_id}"


class PaperTopic(EntryTopic):
    pk = models.CompositePrimaryKey("entry", "tag")
    entry = models.ForeignKey("Paper", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")

    class Meta(EntryTopic.Meta):
        db_table = "catalog_paper_topic"


class ResourceTopic(EntryTopic):
    pk = models.CompositePrimaryKey("entry", "tag")
    entry = models.ForeignKey("Resource", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")

    class Meta(EntryTopic.Meta):
        db_table = "catalog_resource_topic"


class AuthorManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Author(models.Model):
    name = models.CharField(max_length=200, validators=[validate_one_line])
    slug = models.SlugField(max_length=220, unique=True, blank=True, help_text="Left empty, it is made from the name.")

    objects = AuthorManager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.CheckConstraint(condition=~models.Q(name=""), name="catalog_author_name_not_empty")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_author_slug(self.name, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return memo_reverse("catalog:author-detail", slug=self.slug)

    def natural_key(self):
        return (self.slug,)


def unique_author_slug(name, *, exclude_pk=None, taken=None):
    """A slug made from `name` that no other author has (`taken`: slugs known to be in use, else the database's)."""
    base = slugify(name)[:200] or "author"
    if taken is None:
        taken = set(Author.objects.filter(slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def having_code(value):
    """The papers with a code link (`value` True) or without one, as a condition. Written `IN (...)`: Django
    writes `has_code = true` as the column alone, which SQLite reads from no index."""
    return models.Q(has_code__in=[value])


class EntryQuerySet(models.QuerySet):
    """The queries the catalog makes again and again of papers and resources."""

    def matching(self, words):
        """The entries matching every term of the search `words` (none if it has no word), see catalog/search.py."""
        return search.matching(self, words)

    def with_star_repo(self):
        """The entries whose star badge names a GitHub repository."""
        return self.exclude(star_repo="")

    def with_repository(self):
        """The entries with their star repo's `repo_stars` and `repo_archived` (None until refresh_metadata ran)."""
        return self.annotate(repo_stars=repository_value("stars"), repo_archived=repository_value("archived"))

    def with_topic(self, tag):
        """The entries that have the topic `tag` (a Tag): tagged with it, or listed in a section that implies it."""
        from catalog.topics import having

        return self.filter(having(self.model, tag))

    def with_topics(self):
        """The entries with their `topics` read along (one query), by name."""
        return self.prefetch_related(models.Prefetch("topics", queryset=Tag.objects.order_by("name")))


# When the papers entered the catalog, last first; the papers of one import, newest publication first (the feeds).
NEWEST_ADDITIONS = ("-created_at", "-date", "position", "-id")


def newest_additions_by_day():
    """The papers added last by day of entry, newest publication first within a day (the home page). New terms on
    every call: a query may change the expressions it is given."""
    return (Day("created_at").desc(), models.F("date").desc(), models.F("position").asc(), models.F("id").asc())


def most_cited_first():
    """The papers with the most citations first, those without a count last, then newest first (`sort=-citations`).
    Without a count last in the same words on both databases (PostgreSQL puts NULLs first in a descending order,
    SQLite last), so that the index below holds the order. New terms on every call."""
    citations = models.F("citation_count")
    return (
        IsNull(citations, True).asc(),
        citations.desc(),
        models.F("date").desc(),
        models.F("position").asc(),
        models.F("id").asc(),
    )


class PaperQuerySet(EntryQuerySet):
    def with_code(self):
        return self.filter(having_code(True))

    def without_code(self):
        return self.filter(having_code(False))


class Paper(models.Model):
    title = models.CharField(max_length=500, validators=[validate_one_line])
    url = WebURLField(max_length=2000, validators=[validate_http_url])
    venue = models.ForeignKey(
        Venue, null=True, blank=True, on_delete=models.PROTECT, related_name="papers", help_text="Empty for '-'."
    )
    date = models.DateField()
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="papers")
    star_repo = models.CharField(
        "GitHub star repo", max_length=200, blank=True, validators=[validate_star_repo], help_text="owner/name"
    )
    position = models.PositiveIntegerField(
        blank=True, help_text="Order within the section; left empty, the paper goes to the place its date gives."
    )
    position_pinned = models.BooleanField(
        "keep this position",
        default=False,
        help_text="Keep the position when the date changes; otherwise the paper moves to the place its date gives.",
    )
    render_hints = models.JSONField(default=dict, blank=True, editable=False)
    arxiv_id = models.CharField("arXiv id", max_length=40, blank=True, editable=False)
    canonical_url = models.URLField(
        "canonical URL", max_length=2000, blank=True, editable=False, help_text="https://arxiv.org/abs/<id>"
    )
    tags = TaggableManager(through=TaggedPaper, blank=True)
    # Its tags and the topics its section implies (catalog/topics.py).
    topics = models.ManyToManyField("taggit.Tag", through=PaperTopic, related_name="+", editable=False)
    authors = models.ManyToManyField(Author, through="PaperAuthor", related_name="papers", blank=True)
    abstract = models.TextField(blank=True)
    # Derived from its links, kept by database triggers (catalog/code_links.py): the code filter and counts read it.
    has_code = models.BooleanField(default=False, db_default=False, editable=False)
    doi = models.CharField("DOI", max_length=200, blank=True, validators=[validate_one_line])
    openreview_id = models.CharField("OpenReview id", max_length=100, blank=True, validators=[validate_one_line])
    arxiv_primary_category = models.CharField("arXiv primary category", max_length=40, blank=True)
    citation_count = models.PositiveIntegerField("citations", null=True, blank=True, editable=False)
    # When each source last answered for the paper (found it or said it does not know it): refresh_metadata
    # asks again only with --all.
    arxiv_answered_at = models.DateTimeField("arXiv answered", null=True, blank=True, editable=False)
    openreview_answered_at = models.DateTimeField("OpenReview answered", null=True, blank=True, editable=False)
    semantic_scholar_answered_at = models.DateTimeField(
        "Semantic Scholar answered", null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PaperQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "position", "id"]
        permissions = [("publish_readme", "Can publish the README")]
        indexes = [
            # A section's papers in README order; and, with their code flags, their numbers with code or without.
            models.Index(fields=["section", "position", "has_code"], name="catalog_paper_section_pos"),
            models.Index(fields=["date"], name="catalog_paper_date"),
            # The papers of a venue newest first, and their year, section and code read from the index alone (facets).
            models.Index(fields=["venue", "date", "section", "has_code"], name="catalog_paper_venue_facets"),
            # What the pages need of a set of papers (a search's matches, a tag's papers), read without the papers'
            # rows, which an abstract makes several times wider: their venue, year and section counts, and the choice
            # of a page of them best match, title or venue first.
            models.Index(
                fields=["id", "venue", "date", "section", "position", "title"], name="catalog_paper_id_facets"
            ),
            # A set of papers' counts by venue, year, section and code, read by id (a search's matches): the
            # narrowest index holding them.
            models.Index(fields=["id", "venue", "date", "section", "has_code"], name="catalog_paper_id_counts"),
            # The papers with code (or without) newest first, and their counts by venue, year and section.
            models.Index(fields=["has_code", "date", "venue", "section"], name="catalog_paper_code_facets"),
            models.Index(fields=["arxiv_id"], name="catalog_paper_arxiv_id"),
            # The papers added last, in the feeds' order and in the home page's (by day of entry): read along these
            # indexes, without sorting every paper.
            models.Index(fields=list(NEWEST_ADDITIONS), name="catalog_paper_added_last"),
            models.Index(*newest_additions_by_day(), name="catalog_paper_added_by_day"),
            # The most cited papers, read along the index to the end of a page rather than by sorting every paper.
            models.Index(*most_cited_first(), name="catalog_paper_most_cited"),
        ]
        constraints = [
            models.CheckConstraint(condition=HTTP_URL, name="catalog_paper_url_http"),
            models.CheckConstraint(condition=STAR_REPO, name="catalog_paper_star_repo_owner_name"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.position is None:
            self.position = positions.place_paper(self, section_items(self.section_id))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return memo_reverse("catalog:paper-detail", pk=self.pk)

    @property
    def venue_note(self) -> str:
        """How the README notes the paper was presented at its venue (`Spotlight`, `Oral`), which the venue leaves
        out; '' if it does not."""
        if self.venue_id is None:
            return ""
        row = readme.PaperRow(self.title, self.url, self.venue.name, self.date, hints=self.render_hints)
        return readme.venue_note(row)

    @property
    def pdf_url(self):
        """Where the paper's PDF is, when its identifiers or its URL say: arXiv, OpenReview, or a .pdf URL."""
        if self.arxiv_id:
            return f"https://arxiv.org/pdf/{self.arxiv_id}"
        if self.openreview_id:
            return f"https://openreview.net/pdf?id={quote(self.openreview_id)}"
        return self.url if self.url.lower().split("?")[0].endswith(".pdf") else ""

    @property
    def author_list(self):
        """The authors in order (prefetch `paper_authors__author` to read them without a query each)."""
        return [credit.author for credit in self.paper_authors.all()]

    @property
    def code_links(self):
        return [link for link in self.links.all() if link.kind == PaperLink.Kind.CODE]

    @property
    def blog_links(self):
        return [link for link in self.links.all() if link.kind == PaperLink.Kind.BLOG]


class PaperAuthor(models.Model):
    """An author of a paper, at a place in its list of authors."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="paper_authors")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="paper_authors")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        # An author's papers read from the index alone (author pages, the author filter).
        indexes = [models.Index(fields=["author", "paper"], name="catalog_paperauthor_author")]
        constraints = [models.UniqueConstraint(fields=["paper", "author"], name="catalog_paperauthor_unique")]

    def __str__(self):
        return f"{self.author} ({self.position + 1})"


class Link(models.Model):
    label = models.CharField(max_length=100, validators=[validate_one_line])
    url = WebURLField(max_length=2000, validators=[validate_http_url])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.label}: {self.url}"


class PaperLink(Link):
    class Kind(models.TextChoices):
        CODE = "code", "Code"
        BLOG = "blog", "Blog"

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["paper", "kind", "position", "id"]
        # Whether a paper has code, read from the index alone (the has_code filter and its counts).
        indexes = [models.Index(fields=["paper", "kind"], name="catalog_paperlink_paper_kind")]
        constraints = [models.CheckConstraint(condition=HTTP_URL, name="catalog_paperlink_url_http")]


class Resource(models.Model):
    name = models.CharField(max_length=300, validators=[validate_one_line])
    url = WebURLField(max_length=2000, validators=[validate_http_url])
    description = models.CharField(max_length=1000, blank=True, validators=[validate_one_line])
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="resources")
    star_repo = models.CharField(
        "GitHub star repo", max_length=200, blank=True, validators=[validate_star_repo], help_text="owner/name"
    )
    position = models.PositiveIntegerField(blank=True, help_text="Order within the section; left empty, it goes last.")
    render_hints = models.JSONField(default=dict, blank=True, editable=False)
    tags = TaggableManager(through=TaggedResource, blank=True)
    # Its tags and the topics its section implies (catalog/topics.py).
    topics = models.ManyToManyField("taggit.Tag", through=ResourceTopic, related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["section__position", "position", "id"]
        indexes = [models.Index(fields=["section", "position"], name="catalog_resource_section_pos")]
        constraints = [
            models.CheckConstraint(condition=HTTP_URL, name="catalog_resource_url_http"),
            models.CheckConstraint(condition=STAR_REPO, name="catalog_resource_star_repo_owner_name"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.position is None:
            self.position = positions.place_resource(self, section_items(self.section_id))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return memo_reverse("catalog:resource-detail", pk=self.pk)


def section_items(section_id):
    """The papers, resources and text blocks of a section: they share one ordering space (catalog/positions.py)."""
    return [model.objects.filter(section_id=section_id) for model in (Paper, Resource, TextBlock)]


class ResourceLink(Link):
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="links")

    class Meta:
        ordering = ["resource", "position", "id"]
        constraints = [models.CheckConstraint(condition=HTTP_URL, name="catalog_resourcelink_url_http")]


class LinkResult(models.TextChoices):
    OK = "ok", "OK"
    REDIRECTED = "redirected", "Redirected"
    BROKEN = "broken", "Broken"
    UNVERIFIABLE = "unverifiable", "Unverifiable"
    TIMEOUT = "timeout", "Timed out"
    RESET = "reset", "Connection reset"
    REFUSED = "refused", "Connection refused"
    DNS = "dns", "Host not found"
    REDIRECT_LOOP = "redirect_loop", "Too many redirects"
    ERROR = "error", "Other error"

    @classmethod
    def failing(cls):
        """Results that mean the link does not work for a reader."""
        return [cls.BROKEN, cls.TIMEOUT, cls.RESET, cls.REFUSED, cls.DNS, cls.REDIRECT_LOOP, cls.ERROR]


class LinkCheck(models.Model):
    """The last check of one URL; every field of the catalog that holds the URL shares it."""

    url = models.CharField(max_length=2000, unique=True)
    result = models.CharField(max_length=20, choices=LinkResult.choices)
    status = models.PositiveSmallIntegerField("HTTP status", null=True, blank=True)
    final_url = models.CharField("final URL", max_length=2000, blank=True, help_text="Where the redirects led.")
    detail = models.CharField(max_length=500, blank=True)
    checked_at = models.DateTimeField()

    class Meta:
        ordering = ["url"]
        indexes = [models.Index(fields=["result"], name="catalog_linkcheck_result")]

    def __str__(self):
        return f"{self.url}: {self.get_result_display()}"


class Repository(models.Model):
    """A GitHub repository named by entries' star badges, with what the GitHub API last said about it."""

    full_name = models.CharField(max_length=200, unique=True, help_text="owner/name, as the star badges write it")
    stars = models.PositiveIntegerField(null=True, blank=True)
    archived = models.BooleanField(default=False)
    pushed_at = models.DateTimeField("last push", null=True, blank=True)
    renamed_to = models.CharField(max_length=200, blank=True, help_text="The name GitHub redirects to, if renamed.")
    etag = models.CharField(max_length=200, blank=True)
    fetched_at = models.DateTimeField("refreshed", null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["full_name"]
        verbose_name_plural = "repositories"

    def __str__(self):
        return self.full_name


class CheckRun(models.Model):
    """A link check or a metadata refresh asked for in the admin and run as a background task: its progress while
    it runs, then what it found. At most one run of each kind is queued or running at a time."""

    class Kind(models.TextChoices):
        LINKS = "links", "link check"
        METADATA = "metadata", "metadata refresh"

    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        DONE = "done", "done"
        FAILED = "failed", "failed"
        ABANDONED = "abandoned", "abandoned"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    scope = models.CharField(max_length=200, help_text="What it is about: the whole catalog, or the entries chosen.")
    selection = models.JSONField(
        null=True, blank=True, help_text="The entries chosen, as primary keys by kind; empty for the whole catalog."
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    step = models.CharField(max_length=100, blank=True, help_text="What it is asking now.")
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    progress_at = models.DateTimeField(help_text="When it was asked for, started, or last made progress.")
    summary = models.TextField(blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(status__in=["queued", "running"]),
                name="catalog_checkrun_one_active_per_kind",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display().capitalize()} of {self.scope}: {self.get_status_display()}"

    @property
    def active(self) -> bool:
        """Queued or running: it has not ended yet."""
        return self.status in self.ACTIVE

    def state(self) -> str:
        """Where the run is, e.g. "running: arXiv, 40 of 120 checked"."""
        if self.status == self.Status.QUEUED:
            return "queued, waiting for a worker"
        if self.status == self.Status.RUNNING and self.total is not None:
            return f"running: {self.step}, {self.done} of {self.total} checked"
        return self.get_status_display()

    def outcome(self) -> str:
        """The first line of what it found, or of why it failed."""
        return (self.error or self.summary).partition("\n")[0]


class LinkStatus(models.TextChoices):
    BROKEN = "broken", "Broken"
    UNVERIFIABLE = "unverifiable", "Unverifiable"
    UNCHECKED = "unchecked", "Never checked"
    OK = "ok", "OK"


def link_status(link_model, owner):
    """An entry's link status, for annotate(): the first that applies to its URL or its links' URLs, of
    broken (a failed check), unverifiable, never checked, ok. `link_model.<owner>` is the entry."""
    checks = LinkCheck.objects.all()

    def any_url_in(urls):
        in_links = link_model.objects.filter(**{owner: models.OuterRef("pk")}, url__in=urls.values("url"))
        return models.Q(url__in=urls.values("url")) | models.Exists(in_links)

    never_checked = ~models.Q(url__in=checks.values("url")) | models.Exists(
        link_model.objects.filter(**{owner: models.OuterRef("pk")}).exclude(url__in=checks.values("url"))
    )
    return models.Case(
        models.When(any_url_in(checks.filter(result__in=LinkResult.failing())), then=models.Value(LinkStatus.BROKEN)),
        models.When(
            any_url_in(checks.filter(result=LinkResult.UNVERIFIABLE)), then=models.Value(LinkStatus.UNVERIFIABLE)
        ),
        models.When(never_checked, then=models.Value(LinkStatus.UNCHECKED)),
        default=models.Value(LinkStatus.OK),
        output_field=models.CharField(),
    )


def repository_value(field):
    """The `field` of the Repository named by an entry's `star_repo`, for annotate() or order_by()."""
    return models.Subquery(Repository.objects.filter(full_name=models.OuterRef("star_repo")).values(field)[:1])


class FormerTagSlug(models.Model):
    """A slug a tag had before it was renamed or merged into another: old links to it lead to the tag."""

    slug = models.SlugField(max_length=100, unique=True)
    tag = models.ForeignKey("taggit.Tag", on_delete=models.CASCADE, related_name="former_slugs")

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return f"{self.slug} → {self.tag.slug}"


class FormerVenueName(models.Model):
    """A name a venue had before it was renamed or merged into another: old links to it lead to the venue."""

    name = models.CharField(max_length=100)
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="former_names")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="catalog_formervenuename_name_unique_ci")]

    def __str__(self):
        return f"{self.name} → {self.venue.name}"


class CatalogState(models.Model):
    """One row whose version goes up with every write to a catalog table, in the writing transaction.

    Database triggers keep it (see `catalog.catalog_version`), so bulk operations, `update()` and raw SQL count too.
    Cached pages are keyed by the version, so a change reaches every process at once.
    """

    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="catalog_catalogstate_single_row")]

    def __str__(self):
        return f"version {self.version} of {self.changed_at:%Y-%m-%d %H:%M:%S}"


class LineEnding(models.TextChoices):
    LF = "\n", "LF"
    CRLF = "\r\n", "CRLF"


class ReadmeFormat(models.Model):
    """How the lines of the imported README end, so that the export writes them the same way (one row)."""

    line_ending = models.CharField(max_length=2, choices=LineEnding.choices, default=LineEnding.LF)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="catalog_readmeformat_single_row")]

    def __str__(self):
        return f"README lines end with {self.get_line_ending_display()}"


# The full-text index (catalog/search.py): a row per paper and per resource, written only by the database triggers
# made from catalog/search_index.py, in the table of the backend in use; the other backend's table does not exist.


class SearchIndexRow(models.Model):
    class Meta:
        abstract = True
        managed = False

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"


class PaperFTS(SearchIndexRow):
    """SQLite: a paper's row in the FTS5 table (rowid = paper id; a column per text of search_index.PAPERS)."""

    paper = models.OneToOneField(
        Paper,
        primary_key=True,
        db_column="rowid",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name=FTS5_RELATION,
    )
    document = FTS5Field(db_column="catalog_paper_fts")

    class Meta(SearchIndexRow.Meta):
        db_table = "catalog_paper_fts"


class ResourceFTS(SearchIndexRow):
    """SQLite: a resource's row in the FTS5 table (rowid = resource id; a column per text of search_index.RESOURCES)."""

    resource = models.OneToOneField(
        Resource,
        primary_key=True,
        db_column="rowid",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name=FTS5_RELATION,
    )
    document = FTS5Field(db_column="catalog_resource_fts")

    class Meta(SearchIndexRow.Meta):
        db_table = "catalog_resource_fts"


class PaperSearchVector(SearchIndexRow):
    """PostgreSQL: a paper's weighted tsvector (the texts of search_index.PAPERS)."""

    paper = models.OneToOneField(
        Paper, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name=TSVECTOR_RELATION
    )
    document = SearchVectorField()

    class Meta(SearchIndexRow.Meta):
        db_table = "catalog_paper_search"


class ResourceSearchVector(SearchIndexRow):
    """PostgreSQL: a resource's weighted tsvector (the texts of search_index.RESOURCES)."""

    resource = models.OneToOneField(
        Resource, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name=TSVECTOR_RELATION
    )
    document = SearchVectorField()

    class Meta(SearchIndexRow.Meta):
        db_table = "catalog_resource_search"


SEARCH_INDEX_MODELS = frozenset(
    model._meta.model_name for model in (PaperFTS, ResourceFTS, PaperSearchVector, ResourceSearchVector)
)
