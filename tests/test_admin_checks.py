"""Link checks and metadata refreshes started from the admin: background runs, their progress and result, one of
each kind at a time, the actions on selected entries and the broken-links filter. Fake servers on 127.0.0.1 only."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.models import (
    CheckRun,
    LinkCheck,
    LinkResult,
    Paper,
    PaperLink,
    Repository,
    Resource,
    Section,
    SectionKind,
)
from catalog.services import check_runs
from tests.admin_support import make_user
from tests.fake_http import Answer, FakeServer
from tests.fake_sources import ARXIV_PAPERS, FakeGitHubRepos, fake_sources
from tests.repository.conftest import IMMEDIATE
from tests.repository.test_tasks import DATABASE, work

START = "/admin/catalog/checkrun/start/"
RUNS = "/admin/catalog/checkrun/"


def links_route(request):
    return Answer(404) if request.path.startswith("/missing") else Answer(200)


@pytest.fixture
def links(settings):
    """A link server that answers 404 under /missing and 200 elsewhere, asked at once and without retries; arxiv.org
    is never asked."""
    settings.CATALOG_LINKCHECK_UNVERIFIABLE_HOSTS = ["arxiv.org"]
    settings.CATALOG_LINKCHECK_DELAY = 0
    settings.CATALOG_LINKCHECK_TIMEOUT = 5
    settings.CATALOG_LINKCHECK_RETRIES = 0
    settings.TASKS = IMMEDIATE
    with FakeServer(links_route) as server:
        yield server


@pytest.fixture
def github(settings):
    with FakeServer(FakeGitHubRepos()) as server:
        settings.CATALOG_GITHUB_API_URL = server.base
        settings.GITHUB_TOKEN = ""
        yield server


@pytest.fixture
def catalog(db, links):
    """Two papers and a resource whose URLs are on the link server; the second paper's code link is broken."""
    papers = Section.objects.create(title="Papers", level=2, kind=SectionKind.PAPERS)
    tools = Section.objects.create(title="Tools", level=2, kind=SectionKind.RESOURCES)
    first = Paper.objects.create(
        title="Sparse features",
        url="https://arxiv.org/abs/2403.00745",
        date=dt.date(2024, 3, 1),
        section=papers,
        star_repo="lab/tool",
    )
    second = Paper.objects.create(
        title="Circuits", url=f"{links.base}/circuits", date=dt.date(2024, 2, 1), section=papers
    )
    PaperLink.objects.create(paper=second, kind=PaperLink.Kind.CODE, label="Code", url=f"{links.base}/missing/code")
    tool = Resource.objects.create(name="Old tool", url=f"{links.base}/tool", section=tools, star_repo="lab/old-name")
    LinkCheck.objects.create(url=first.url, result=LinkResult.OK, checked_at=timezone.now())
    return {"first": first, "second": second, "tool": tool}


@pytest.fixture
def maintainer(client):
    user = make_user("maria", superuser=True)
    client.force_login(user)
    client.user = user
    return client


def start(client, kind, follow=True, **data):
    return client.post(START, {"kind": kind, **data}, follow=follow)


def select(client, model, action, entries):
    data = {"action": action, "_selected_action": [entry.pk for entry in entries], "index": "0"}
    return client.post(f"/admin/catalog/{model}/", data, follow=True)


def asked(server):
    return sorted({seen.path for seen in server.requests})


def test_check_links_checks_every_url_and_the_lists_show_the_result(catalog, links, maintainer):
    LinkCheck.objects.create(url="https://gone.example.org/", result=LinkResult.OK, checked_at=timezone.now())
    page = start(maintainer, "links").content.decode()

    run = CheckRun.objects.get()
    assert (run.kind, run.scope, run.status, run.requested_by) == (
        "links",
        "the whole catalog",
        "done",
        maintainer.user,
    )
    assert (run.done, run.total) == (4, 4) and run.started_at and run.finished_at
    assert run.summary.startswith("Checked 4 URLs: 2 ok, 1 broken, 1 unverifiable.")
    assert f"Broken: 404 {links.base}/missing/code" in run.summary and "used by paper" in run.summary
    assert "Link check of the whole catalog done: Checked 4 URLs" in page
    assert asked(links) == ["/circuits", "/missing/code", "/tool"]
    assert not LinkCheck.objects.filter(url="https://gone.example.org/").exists(), "a full run forgets old URLs"
    broken = maintainer.get("/admin/catalog/paper/?link_status=broken").content.decode()
    assert "Circuits" in broken and "Sparse features" not in broken
    listing = maintainer.get("/admin/catalog/paper/").content.decode()
    assert "Link check: <a href" in listing and "done" in listing and "Checked 4 URLs" in listing
    assert "/admin/catalog/paper/?link_status=broken" in listing
    runs = maintainer.get(RUNS).content.decode()
    assert "Link check of the whole catalog</a>" in runs and '<td class="field-state">done</td>' in runs
    assert "maria" in runs


def test_refresh_metadata_asks_the_sources_and_github_and_keeps_their_answers(catalog, github, maintainer, settings):
    with fake_sources(settings, arxiv_papers=ARXIV_PAPERS) as sources:
        page = start(maintainer, "metadata").content.decode()

    run = CheckRun.objects.get()
    assert run.status == "done", run.error
    paper = Paper.objects.get(pk=catalog["first"].pk)
    assert paper.abstract and paper.authors.count() == 5
    entry = LogEntry.objects.get(object_id=str(paper.pk), content_type__model="paper")
    assert (entry.user, entry.change_message) == (maintainer.user, "Filled from arXiv by the metadata refresh.")
    assert ("Abstract", "", paper.abstract) in entry.field_changes.values_list("field", "old", "new")
    assert Repository.objects.get(full_name="lab/tool").stars == 1234
    assert Repository.objects.get(full_name="lab/old-name").renamed_to == "lab/new-name"
    assert "arXiv: 1 paper asked, 1 filled, 0 unknown, 0 failed." in run.summary
    assert "Renamed: lab/old-name is now lab/new-name; update the star badge." in run.summary
    assert (run.step, run.done, run.total) == ("GitHub", 2, 2), "the last step: two repositories"
    assert sources.arxiv.requests
    assert run.outcome() == (
        "arXiv: 1 paper asked, 1 filled, 0 unknown, 0 failed. OpenReview: 0 papers asked, 0 filled, 0 unknown, 0 "
        "failed. Semantic Scholar: 1 paper asked, 0 filled, 1 unknown, 0 failed. GitHub: 2 updated, 0 unchanged, 0 "
        "not found, 1 renamed, 0 failed."
    )
    assert f"Metadata refresh of the whole catalog done: {run.outcome()}" in page


def test_a_source_that_does_not_answer_fails_the_run_and_says_so(catalog, github, maintainer, settings):
    with fake_sources(settings, arxiv_papers=ARXIV_PAPERS) as sources:
        sources.arxiv.fake.then.append(Answer(500, body=b"down"))
        settings.CATALOG_METADATA_MAX_WAIT = 0
        page = start(maintainer, "metadata").content.decode()

    run = CheckRun.objects.get()
    assert run.status == "failed"
    assert run.error.startswith("arXiv did not answer for 1 id; what the papers had is kept. Run it again")
    assert "Metadata refresh of the whole catalog failed: arXiv did not answer" in page
    assert "GitHub: 2 updated" in run.summary, "the other steps still ran"


def test_the_actions_check_only_the_selected_entries(catalog, links, github, maintainer, settings):
    kept = LinkCheck.objects.get()
    select(maintainer, "paper", "check_links_of_selected", [catalog["second"]])
    run = CheckRun.objects.get()
    assert (run.scope, run.selection, run.status) == ("1 paper", {"paper": [catalog["second"].pk]}, "done")
    assert asked(links) == ["/circuits", "/missing/code"]
    assert LinkCheck.objects.filter(pk=kept.pk).exists(), "a run on some entries forgets no other result"

    page = select(maintainer, "resource", "refresh_metadata_of_selected", [catalog["tool"]]).content.decode()
    refresh = CheckRun.objects.filter(kind="metadata").get()
    assert refresh.scope == "1 resource" and refresh.status == "done"
    assert asked(github) == ["/repos/lab/old-name", "/repositories/42"], "only the resource's star repo"
    assert "Metadata refresh of 1 resource done" in page


def test_a_second_run_of_a_kind_is_refused_while_one_is_queued_or_running(catalog, links, maintainer):
    CheckRun.objects.create(
        kind="links",
        scope="the whole catalog",
        status="running",
        progress_at=timezone.now(),
        step="URLs",
        total=10,
        done=3,
    )
    page = start(maintainer, "links").content.decode()
    assert "Not started: a link check of the whole catalog" in page
    assert "is running: URLs, 3 of 10 checked. Wait for it to end before starting another." in page
    assert links.requests == [] and CheckRun.objects.count() == 1
    refused = select(maintainer, "paper", "check_links_of_selected", [catalog["second"]]).content.decode()
    assert "Not started: a link check" in refused and links.requests == []
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckRun.objects.create(kind="links", scope="the whole catalog", progress_at=timezone.now())


def test_a_run_of_the_other_kind_starts_while_one_runs(catalog, github, maintainer, settings):
    CheckRun.objects.create(kind="links", scope="the whole catalog", status="running", progress_at=timezone.now())
    with fake_sources(settings, arxiv_papers=ARXIV_PAPERS):
        start(maintainer, "metadata")
    assert CheckRun.objects.get(kind="metadata").status == "done"


def test_a_run_without_progress_for_half_an_hour_no_longer_holds_its_kind(catalog, links, maintainer):
    stalled = CheckRun.objects.create(
        kind="links",
        scope="the whole catalog",
        status="running",
        progress_at=timezone.now() - check_runs.STALE_AFTER - dt.timedelta(seconds=1),
    )
    start(maintainer, "links")
    stalled.refresh_from_db()
    assert stalled.status == "abandoned" and "No progress for 30 minutes" in stalled.error
    assert CheckRun.objects.exclude(pk=stalled.pk).get().status == "done"


def test_the_progress_of_a_running_check_shows_in_the_admin(catalog, maintainer, monkeypatch):
    seen = []

    def halfway(run, progress):
        progress.start("URLs", 4)
        progress.advance()
        seen.append(maintainer.get(RUNS).content.decode())
        seen.append(maintainer.get("/admin/").content.decode())
        return [], ""

    monkeypatch.setitem(check_runs.WORK, CheckRun.Kind.LINKS, halfway)
    monkeypatch.setattr(check_runs, "PROGRESS_INTERVAL", 0)
    start(maintainer, "links")
    assert "running: URLs, 1 of 4 checked" in seen[0]
    assert "Link check: <a href" in seen[1] and "running: URLs, 1 of 4 checked" in seen[1]


def running_links_run(**values):
    return CheckRun.objects.create(
        kind="links",
        scope="the whole catalog",
        status="running",
        progress_at=timezone.now(),
        step="URLs",
        total=4,
        done=1,
        **values,
    )


def status_url(run):
    return f"{RUNS}{run.pk}/status/"


def test_the_status_of_a_run_is_asked_as_json_while_it_runs_and_gives_its_result_when_it_ends(db, maintainer):
    run = running_links_run()
    answer = maintainer.get(status_url(run))
    assert answer["Content-Type"] == "application/json" and "no-cache" in answer["Cache-Control"]
    running = answer.json()
    assert (running["active"], running["state"], running["done"], running["total"]) == (
        True,
        "running: URLs, 1 of 4 checked",
        1,
        4,
    )
    assert "Link check: <a href" in running["html"] and "running: URLs, 1 of 4 checked" in running["html"]
    assert '<progress max="4" value="1"' in running["html"]

    CheckRun.objects.filter(pk=run.pk).update(
        status="done", done=4, finished_at=timezone.now(), summary="Checked 4 URLs: 3 ok, 1 broken.\nBroken: 404 x"
    )
    done = maintainer.get(status_url(run)).json()
    assert (done["active"], done["state"], done["outcome"]) == (False, "done", "Checked 4 URLs: 3 ok, 1 broken.")
    assert "done <time" in done["html"] and "Checked 4 URLs: 3 ok, 1 broken." in done["html"]
    assert "<progress" not in done["html"]


def test_the_status_of_a_run_is_for_staff_who_may_view_check_runs(db, client):
    run = running_links_run()
    assert client.get(status_url(run))["Location"].startswith("/admin/login/"), "signed out: the sign-in page"
    client.force_login(make_user("paula", permissions=["view_paper"]))
    assert client.get(status_url(run)).status_code == 403
    client.force_login(make_user("vera", permissions=["view_checkrun"]))
    assert client.get(status_url(run)).json()["active"] is True
    assert client.post(status_url(run)).status_code == 405
    assert client.get(f"{RUNS}{run.pk + 1}/status/").status_code == 404


@pytest.mark.parametrize("page", ["/admin/", "/admin/catalog/paper/", "/admin/catalog/resource/", RUNS, "run"])
def test_the_pages_showing_a_running_check_follow_it_and_not_a_finished_one(db, maintainer, page):
    run = running_links_run()
    CheckRun.objects.create(
        kind="metadata", scope="1 paper", status="done", progress_at=timezone.now(), finished_at=timezone.now()
    )
    url = f"{RUNS}{run.pk}/change/" if page == "run" else page
    html = maintainer.get(url).content.decode()
    assert f'<span class="check-run-line" data-status-url="{status_url(run)}" role="status">Link check: ' in html
    assert html.count("data-status-url=") == 1, "the metadata refresh has ended: nothing to follow"
    assert "running: URLs, 1 of 4 checked" in html, "without JavaScript: the state when the page was loaded"
    assert '<script src="/static/js/admin-check-runs.js" defer></script>' in html


def test_a_run_that_breaks_is_failed_with_its_error_and_frees_its_kind(catalog, links, maintainer, monkeypatch):
    def broken(run, progress):
        raise RuntimeError("the disk is full")

    monkeypatch.setitem(check_runs.WORK, CheckRun.Kind.LINKS, broken)
    page = start(maintainer, "links").content.decode()
    run = CheckRun.objects.get()
    assert (run.status, run.error) == ("failed", "RuntimeError: the disk is full")
    assert "Link check of the whole catalog failed: RuntimeError: the disk is full" in page
    monkeypatch.undo()
    start(maintainer, "links")
    assert CheckRun.objects.filter(status="done").count() == 1


@pytest.mark.django_db(transaction=True)
def test_with_the_database_backend_a_run_waits_for_the_worker(catalog, links, maintainer, settings):
    settings.TASKS = DATABASE
    page = start(maintainer, "links").content.decode()
    assert "Link check of the whole catalog queued, waiting for a worker" in page
    assert "queued, waiting for a worker" in maintainer.get(RUNS).content.decode()
    assert links.requests == []
    work()
    run = CheckRun.objects.get()
    assert (run.status, run.done, run.total) == ("done", 4, 4)
    assert LinkCheck.objects.filter(result=LinkResult.BROKEN).count() == 1


def test_a_task_whose_run_was_abandoned_does_nothing(catalog, links):
    run = CheckRun.objects.create(
        kind="links", scope="the whole catalog", status="abandoned", progress_at=timezone.now()
    )
    assert "not run" in check_runs.perform_run(run.pk)
    assert links.requests == []


def test_checking_the_whole_catalog_needs_the_change_permission_on_papers_and_resources(catalog, client, links):
    client.force_login(make_user("paula", permissions=["change_paper", "view_paper", "view_checkrun"]))
    assert start(client, "links", follow=False).status_code == 403
    listing = client.get("/admin/catalog/paper/").content.decode()
    assert 'value="links"' not in listing, "no button for who may not use it"
    select(client, "paper", "check_links_of_selected", [catalog["second"]])
    assert CheckRun.objects.get().scope == "1 paper"


def test_an_unknown_kind_starts_nothing_and_says_so(catalog, maintainer):
    page = start(maintainer, "everything").content.decode()
    assert "Nothing started: &#x27;everything&#x27; is neither a link check nor a metadata refresh." in page
    assert not CheckRun.objects.exists()


def test_the_buttons_bring_back_to_the_list_they_were_pressed_on_and_nowhere_else(catalog, links, maintainer):
    back = start(maintainer, "links", follow=False, next="/admin/catalog/resource/?q=tool")
    assert back["Location"] == "/admin/catalog/resource/?q=tool"
    CheckRun.objects.update(status="done")
    away = start(maintainer, "links", follow=False, next="https://elsewhere.example.org/")
    assert away["Location"] == RUNS


def test_the_command_and_the_admin_report_the_same_lines(catalog, links, maintainer):
    out = StringIO()
    call_command("check_links", stdout=out, stderr=StringIO())
    start(maintainer, "links")
    assert CheckRun.objects.get().summary == out.getvalue().strip()
