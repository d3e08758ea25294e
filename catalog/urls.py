from django.contrib.sitemaps.views import index, sitemap
from django.urls import path

from catalog import health
from catalog.feeds import PaperFeed
from catalog.filters import PaperFilter, ResourceFilter
from catalog.page_cache import cached_page
from catalog.sitemaps import SITEMAPS
from catalog.views import lists, outputs, pages

app_name = "catalog"

# The query parameters each page reads (catalog/page_cache.py).
PAPER_FILTERS = tuple(PaperFilter.base_filters)
RESOURCE_FILTERS = tuple(ResourceFilter.base_filters)
PAGE = ("page",)

urlpatterns = [
    path("", cached_page(pages.HomeView.as_view()), name="home"),
    path("papers/", cached_page(lists.PaperListView.as_view(), reads=PAPER_FILTERS + PAGE), name="paper-list"),
    path("papers/<int:pk>/", cached_page(pages.PaperDetailView.as_view()), name="paper-detail"),
    path("resources/", cached_page(lists.ResourceListView.as_view(), reads=RESOURCE_FILTERS), name="resource-list"),
    path("resources/<int:pk>/", cached_page(pages.ResourceDetailView.as_view()), name="resource-detail"),
    path("authors/<slug:slug>/", cached_page(pages.AuthorDetailView.as_view(), reads=PAGE), name="author-detail"),
    path("sections/<slug:slug>/", cached_page(pages.SectionDetailView.as_view(), reads=PAGE), name="section-detail"),
    path("venues/", cached_page(pages.VenueListView.as_view()), name="venue-list"),
    path("tags/", cached_page(pages.TagListView.as_view()), name="tag-list"),
    path("about/", cached_page(pages.AboutView.as_view()), name="about"),
    path("api/", cached_page(pages.ApiView.as_view()), name="api"),
    path(
        "papers.json", cached_page(outputs.papers_json, reads=PAPER_FILTERS + PAGE + ("page_size",)), name="papers-json"
    ),
    path("papers.csv", cached_page(outputs.papers_csv, reads=PAPER_FILTERS, limited=True), name="papers-csv"),
    path("papers.bib", cached_page(outputs.papers_bib, reads=PAPER_FILTERS, limited=True), name="papers-bib"),
    path(
        "papers-all.json",
        cached_page(outputs.papers_all_json, reads=PAPER_FILTERS, limited=True),
        name="papers-all-json",
    ),
    path("papers/feed/", cached_page(PaperFeed(), reads=PAPER_FILTERS), name="paper-feed"),
    path(
        "sitemap.xml",
        cached_page(index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "catalog:sitemap-section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", cached_page(sitemap, reads=("p",)), {"sitemaps": SITEMAPS}, name="sitemap-section"),
    path("robots.txt", outputs.robots_txt, name="robots"),
    path("healthz", health.healthz, name="healthz"),
]
