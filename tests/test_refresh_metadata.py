"""refresh_metadata against a fake GitHub API on 127.0.0.1: ETags, renames, 404s, rate limits, the token."""

import datetime as dt
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from catalog.models import Paper, Repository, Resource, Section, SectionKind
from catalog.services.github import refresh_repositories
from tests.fake_http import FakeServer
from tests.fake_sources import FakeGitHubRepos


@pytest.fixture
def github(settings):
    fake = FakeGitHubRepos()
    with FakeServer(fake) as server:
        server.fake = fake
        settings.CATALOG_GITHUB_API_URL = server.base
        settings.GITHUB_TOKEN = "test-token"
        settings.CATALOG_GITHUB_MAX_WAIT = 30
        yield server


@pytest.fixture
def entries(db):
    papers = Section.objects.create(title="Papers", level=2, kind=SectionKind.PAPERS)
    tools = Section.objects.create(title="Tools", level=2, kind=SectionKind.RESOURCES)
    paper = Paper.objects.create(
        title="Sparse features",
        url="https://arxiv.org/pdf/2403.00745v2.pdf",
        date=dt.date(2024, 3, 1),
        section=papers,
        star_repo="lab/tool",
    )
    Paper.objects.create(title="A blog post", url="https://example.org/post", date=dt.date(2024, 1, 1), section=papers)
    Resource.objects.create(name="Old tool", url="https://example.org/old", section=tools, star_repo="lab/old-name")
    Resource.objects.create(name="Gone tool", url="https://example.org/gone", section=tools, star_repo="lab/gone")
    Resource.objects.create(name="Same repo", url="https://example.org/same", section=tools, star_repo="lab/tool")
    return paper


def refresh(*args):
    out, err = StringIO(), StringIO()
    call_command("refresh_metadata", *args, stdout=out, stderr=err)
    return out.getvalue()


def test_stars_archived_flag_and_last_push_are_stored_with_the_token_sent(github, entries):
    output = refresh("--source", "github")

    tool = Repository.objects.get(full_name="lab/tool")
    assert (tool.stars, tool.archived, tool.etag, tool.last_status) == (1234, False, '"v1"', 200)
    assert tool.pushed_at == dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
    assert github.calls["/repos/lab/tool"] == 1, "a repository named by two entries is asked once"
    assert {seen.headers.get("Authorization") for seen in github.requests} == {"Bearer test-token"}
    assert "GitHub: 2 updated, 0 unchanged, 1 not found, 1 renamed, 0 failed." in output


def test_a_renamed_repository_is_followed_and_recorded(github, entries):
    output = refresh("--source", "github")

    old = Repository.objects.get(full_name="lab/old-name")
    assert (old.stars, old.archived, old.renamed_to) == (7, True, "lab/new-name")
    assert "Renamed: lab/old-name is now lab/new-name" in output


def test_a_missing_repository_is_recorded_and_keeps_what_was_known(github, entries):
    Repository.objects.create(full_name="lab/gone", stars=50, etag='"old"')

    output = refresh("--source", "github")

    gone = Repository.objects.get(full_name="lab/gone")
    assert (gone.last_status, gone.stars, gone.etag) == (404, 50, "")
    assert "not found" in gone.last_error
    assert "Not found: lab/gone" in output


def test_a_second_refresh_sends_the_etag_and_a_304_keeps_the_data(github, entries):
    refresh("--repo", "lab/tool")
    Repository.objects.filter(full_name="lab/tool").update(stars=1200)

    output = refresh("--repo", "lab/tool")

    conditional = [seen.headers.get("If-None-Match") for seen in github.requests if seen.path == "/repos/lab/tool"]
    assert conditional == [None, '"v1"']
    tool = Repository.objects.get(full_name="lab/tool")
    assert (tool.stars, tool.last_status) == (1200, 304)
    assert "0 updated, 1 unchanged" in output


def test_a_used_up_rate_limit_is_waited_out_until_its_reset(github, entries):
    reset = int(time.time()) + 20
    github.fake.limits["/repos/lab/tool"] = (403, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)})
    waits = []

    report = refresh_repositories(
        names=["lab/tool"], api_url=github.base, token="", timeout=5, max_wait=60, sleep=waits.append
    )

    assert report.updated == ["lab/tool"]
    assert len(waits) == 1 and 15 <= waits[0] <= 22
    assert github.calls["/repos/lab/tool"] == 2
    assert "Authorization" not in github.requests[0].headers


def test_a_secondary_rate_limit_waits_for_retry_after(github, entries):
    github.fake.limits["/repos/lab/tool"] = (429, {"Retry-After": "7"})
    waits = []

    report = refresh_repositories(
        names=["lab/tool"], api_url=github.base, token="", timeout=5, max_wait=60, sleep=waits.append
    )

    assert (report.updated, waits) == (["lab/tool"], [7.0])


def test_a_reset_too_far_away_stops_with_the_repositories_left_and_keeps_those_done(github, entries):
    reset = int(time.time()) + 3600
    limit = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)}
    github.fake.limits["/repos/lab/old-name"] = (403, limit)

    with pytest.raises(CommandError, match=r"rate limit is used up until .* 2 repositories left \(from lab/old-name\)"):
        refresh("--repo", "lab/gone", "--repo", "lab/old-name", "--repo", "lab/tool")

    assert list(Repository.objects.values_list("full_name", "last_status")) == [("lab/gone", 404)]
    assert github.calls["/repos/lab/tool"] == 0


def test_a_bad_repository_name_is_refused(db):
    with pytest.raises(CommandError, match="owner/name"):
        refresh("--repo", "not a repo")
