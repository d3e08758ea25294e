"""The sitemap: an index (/sitemap.xml) of sitemaps of the home and list pages, the sections, the papers and
resources, and the authors of papers, in pages of ENTRIES_PER_PAGE, each small enough to render fast and to be
kept by the page cache."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, Max, OuterRef
from django.urls import reverse

from catalog.models import Author, Paper, PaperAuthor, Resource, Section

ENTRIES_PER_PAGE = 5000

LIST_PAGES = [
    "catalog:home",
    "catalog:paper-list",
    "catalog:resource-list",
    "catalog:venue-list",
    "catalog:tag-list",
    "catalog:about",
    "catalog:api",
]


class ListPageSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return LIST_PAGES

    def location(self, name):
        return reverse(name)


class EntrySitemap(Sitemap):
    changefreq = "monthly"
    limit = ENTRIES_PER_PAGE
    model = None

    def items(self):
        return self.model.objects.only("pk", "updated_at").order_by("pk")

    def lastmod(self, entry):
        return entry.updated_at

    def get_latest_lastmod(self):
        """For the index: one aggregate, not every entry read."""
        return self.model.objects.aggregate(latest=Max("updated_at"))["latest"]


class PaperSitemap(EntrySitemap):
    model = Paper


class ResourceSitemap(EntrySitemap):
    model = Resource


class SectionSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Section.objects.only("pk", "slug").order_by("position", "pk")


class AuthorSitemap(Sitemap):
    changefreq = "monthly"
    limit = ENTRIES_PER_PAGE

    def items(self):
        with_papers = Exists(PaperAuthor.objects.filter(author=OuterRef("pk")))
        return Author.objects.filter(with_papers).only("pk", "slug").order_by("pk")


SITEMAPS = {
    "pages": ListPageSitemap,
    "sections": SectionSitemap,
    "papers": PaperSitemap,
    "resources": ResourceSitemap,
    "authors": AuthorSitemap,
}
