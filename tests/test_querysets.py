"""The catalog's recurring queries, as methods of the papers' and resources' managers.

Run on SQLite and on PostgreSQL (DATABASE_URL=postgres://...): every test holds on both.
"""

import pytest

from catalog.models import Paper, PaperLink, Resource
from tests.factories import (
    PaperFactory,
    PaperLinkFactory,
    RepositoryFactory,
    ResourceFactory,
    ResourceLinkFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db


def test_with_code_and_without_code_split_the_papers_by_their_code_links():
    with_code = PaperLinkFactory().paper
    PaperLinkFactory(paper=with_code)
    blog_only = PaperLinkFactory(kind=PaperLink.Kind.BLOG, label="Blog").paper
    bare = PaperFactory()

    assert list(Paper.objects.with_code()) == [with_code]
    assert set(Paper.objects.without_code()) == {blog_only, bare}


def test_with_star_repo_keeps_the_entries_with_a_star_badge():
    starred_paper = PaperFactory(star_repo="owner/paper")
    PaperFactory()
    starred_resource = ResourceFactory(star_repo="owner/tool")
    ResourceFactory()

    assert list(Paper.objects.with_star_repo()) == [starred_paper]
    assert list(Resource.objects.with_star_repo()) == [starred_resource]


def test_matching_finds_entries_by_any_indexed_text_and_chains_with_the_others():
    by_title = PaperFactory(title="Grokking modular addition")
    by_venue = PaperFactory(venue=VenueFactory(name="Grokking Workshop"))
    by_link = PaperLinkFactory(url="https://example.org/grokking-code").paper
    PaperFactory(title="Unrelated")
    tool = ResourceFactory(description="Notebooks on probing")
    linked_tool = ResourceLinkFactory(url="https://docs.example.org/probing").resource
    ResourceFactory(name="Other tool")

    assert set(Paper.objects.matching("grokking")) == {by_title, by_venue, by_link}
    assert list(Paper.objects.with_code().matching("grokking")) == [by_link]
    assert list(Paper.objects.matching("***")) == []
    assert set(Resource.objects.matching("probing")) == {tool, linked_tool}


def test_with_repository_gives_each_entry_the_stars_and_state_of_its_star_repo():
    RepositoryFactory(full_name="owner/paper", stars=1200, archived=True)
    RepositoryFactory(full_name="owner/tool", stars=7)
    paper = PaperFactory(star_repo="owner/paper")
    PaperFactory(star_repo="owner/never-fetched")
    ResourceFactory(star_repo="owner/tool")

    papers = Paper.objects.with_repository().order_by("pk").values_list("star_repo", "repo_stars", "repo_archived")
    assert list(papers) == [("owner/paper", 1200, True), ("owner/never-fetched", None, None)]
    assert Resource.objects.with_repository().get().repo_stars == 7
    assert Paper.objects.with_repository().get(pk=paper.pk).repo_archived is True
