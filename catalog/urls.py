from django.contrib.sitemaps.views import sitemap
from django.urls import path

from catalog.feeds import PaperFeed
from catalog.sitemaps import SITEMAPS
from catalog.views import lists, outputs, pages

app_name = "catalog"

urlpatterns = [
    path("", pages.HomeView.as_view(), name="home"),
    path("papers/", lists.PaperListView.as_view(), name="paper-list"),
    path("papers/<int:pk>/", pages.PaperDetailView.as_view(), name="paper-detail"),
    path("resources/", lists.ResourceListView.as_view(), name="resource-list"),
    path("resources/<int:pk>/", pages.ResourceDetailView.as_view(), name="resource-detail"),
    path("sections/<slug:slug>/", pages.SectionDetailView.as_view(), name="section-detail"),
    path("venues/", pages.VenueListView.as_view(), name="venue-list"),
    path("tags/", pages.TagListView.as_view(), name="tag-list"),
    path("about/", pages.AboutView.as_view(), name="about"),
    path("papers.json", outputs.papers_json, name="papers-json"),
    path("papers.csv", outputs.papers_csv, name="papers-csv"),
    path("papers.bib", outputs.papers_bib, name="papers-bib"),
    path("papers/feed/", PaperFeed(), name="paper-feed"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", outputs.robots_txt, name="robots"),
    path("healthz", outputs.healthz, name="healthz"),
]
