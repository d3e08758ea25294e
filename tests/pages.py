"""The site's public pages and machine-readable outputs: one list for every test that goes over them all."""

from catalog.models import Paper, Resource, Section

PUBLIC_PAGES = ["/", "/papers/", "/resources/", "/venues/", "/tags/", "/about/", "/api/"]
OUTPUTS = [
    "/papers.json",
    "/papers-all.json",
    "/papers.csv",
    "/papers.bib",
    "/papers/feed/",
    "/sitemap.xml",
    "/robots.txt",
]


def detail_pages() -> list[str]:
    """The page of a paper, of a resource and of a section of the catalog in the database."""
    paper, resource = Paper.objects.first(), Resource.objects.first()
    section = Section.objects.filter(level__gt=0).first()
    return [paper.get_absolute_url(), resource.get_absolute_url(), section.get_absolute_url()]
