"""The site's public pages and machine-readable outputs: one list for every test that goes over them all."""

from catalog.models import Paper, Resource, Section
from catalog.services.authors import set_authors

PUBLIC_PAGES = ["/", "/papers/", "/resources/", "/venues/", "/tags/", "/about/", "/api/"]
# Public pages that are not the catalog's (and not in its sitemap): a reader's suggestion.
SUGGESTION_PAGES = ["/suggest/", "/suggest/thanks/"]
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


def author_page() -> str:
    """The page of an author with an abstract on their paper's page (the seed has neither): the first paper is given
    two authors and an abstract."""
    paper = Paper.objects.order_by("pk").first()
    set_authors({paper: ["Kevin Wang", "Arthur Conmy"]})
    Paper.objects.filter(pk=paper.pk).update(abstract="We explain how GPT-2 small identifies an indirect object.")
    return paper.paper_authors.first().author.get_absolute_url()
