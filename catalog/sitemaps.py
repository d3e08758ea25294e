"""The sitemap: the home and list pages, every paper, resource and section, and every author of a paper."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef
from django.urls import reverse

from catalog.models import Author, Paper, PaperAuthor, Resource, Section

LIST_PAGES = [
    "catalog:home",
    "catalog:paper-list",
    "catalog:resource-list",
    "catalog:venue-list",
    "catalog:tag-list",
    "catalog:about",
]


class ListPageSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return LIST_PAGES

    def location(self, name):
        return reverse(name)


class EntrySitemap(Sitemap):
    changefreq = "monthly"
    model = None

    def items(self):
        return self.model.objects.only("pk", "updated_at").order_by("pk")

    def lastmod(self, entry):
        return entry.updated_at


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
