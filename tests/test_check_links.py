"""check_links against a scripted HTTP server on 127.0.0.1: results, retries, redirects, limits, the admin filter."""

import datetime as dt
import socket
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from catalog.models import LinkCheck, LinkResult, Paper, PaperLink, Resource, ResourceLink, Section, SectionKind
from tests.fake_http import Answer, FakeServer


def scripted(request):
    """The answer for each path; `calls` counts this request too."""
    calls = request.server.calls[request.path]
    path = request.path.split("?")[0]
    redirects = {"/r1": "/r2", "/r2": "/r3", "/r3": "/ok", "/loop": "/loop"}
    if path in redirects:
        return Answer(301, {"Location": redirects[path]})
    if path == "/missing":
        return Answer(404)
    if path == "/busy":
        return Answer(429, {"Retry-After": "1"}) if calls == 1 else Answer(200)
    if path == "/flaky":
        return Answer(503) if calls == 1 else Answer(200)
    if path == "/down":
        return Answer(503)
    if path == "/slow":
        return Answer(200, delay=4)
    if path == "/reset":
        return Answer(reset=True)
    if path == "/no-head":
        if request.command == "HEAD":
            return Answer(405)
        return Answer(206 if request.headers.get("Range") else 200, body=b"x")
    if path == "/forbidden":
        return Answer(403)
    if path == "/hold":
        return Answer(200, delay=0.3)
    return Answer(200)


@pytest.fixture
def server():
    with FakeServer(scripted) as running:
        yield running


@pytest.fixture
def fast(settings):
    settings.CATALOG_LINKCHECK_TIMEOUT = 1
    settings.CATALOG_LINKCHECK_DELAY = 0
    settings.CATALOG_LINKCHECK_BACKOFF = 0.01
    settings.CATALOG_LINKCHECK_RETRIES = 2
    settings.CATALOG_LINKCHECK_UNVERIFIABLE_HOSTS = ["localhost"]
    return settings


@pytest.fixture
def section(db):
    return Section.objects.create(title="Papers", level=2, kind=SectionKind.PAPERS)


def add_paper(section, url, *, title="A paper", links=()):
    paper = Paper.objects.create(title=title, url=url, date=dt.date(2024, 1, 1), section=section)
    for number, link in enumerate(links):
        PaperLink.objects.create(paper=paper, kind=PaperLink.Kind.CODE, label="Code", url=link, position=number)
    return paper


def add_resource(url, *, links=()):
    section = Section.objects.create(title="Tools", level=2, kind=SectionKind.RESOURCES)
    resource = Resource.objects.create(name="A tool", url=url, section=section)
    for number, link in enumerate(links):
        ResourceLink.objects.create(resource=resource, label="Doc", url=link, position=number)
    return resource


def check(*args):
    out, err = StringIO(), StringIO()
    call_command("check_links", *args, stdout=out, stderr=err)
    return out.getvalue()


def stored(url):
    return LinkCheck.objects.get(url=url)


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_each_kind_of_answer_is_stored_with_its_status_and_final_url(server, fast, section):
    base = server.base
    paths = ["/ok", "/r1", "/loop", "/missing", "/busy", "/flaky", "/slow", "/reset", "/no-head", "/forbidden"]
    add_paper(section, f"{base}/ok", links=[f"{base}{path}" for path in paths[1:5]])
    add_resource(f"{base}/flaky", links=[f"{base}{path}" for path in paths[6:]])
    refused = f"http://127.0.0.1:{closed_port()}/"
    add_paper(section, refused, title="Refused")

    check()

    assert stored(f"{base}/ok").result == LinkResult.OK and stored(f"{base}/ok").status == 200
    redirected = stored(f"{base}/r1")
    assert (redirected.result, redirected.status, redirected.final_url) == (LinkResult.REDIRECTED, 200, f"{base}/ok")
    assert stored(f"{base}/loop").result == LinkResult.REDIRECT_LOOP
    assert (stored(f"{base}/missing").result, stored(f"{base}/missing").status) == (LinkResult.BROKEN, 404)
    assert (stored(f"{base}/busy").result, stored(f"{base}/busy").status) == (LinkResult.OK, 200)
    assert stored(f"{base}/flaky").result == LinkResult.OK
    assert stored(f"{base}/slow").result == LinkResult.TIMEOUT
    assert stored(f"{base}/reset").result == LinkResult.RESET
    no_head = stored(f"{base}/no-head")
    assert (no_head.result, no_head.status) == (LinkResult.OK, 206)
    assert (stored(f"{base}/forbidden").result, stored(f"{base}/forbidden").status) == (LinkResult.UNVERIFIABLE, 403)
    assert stored(refused).result == LinkResult.REFUSED
    assert LinkCheck.objects.count() == len(paths) + 1


def test_retries_follow_the_answers_and_retry_after_is_honoured(server, fast, section):
    base = server.base
    add_paper(section, f"{base}/busy", links=[f"{base}/flaky", f"{base}/down", f"{base}/missing", f"{base}/no-head"])

    check()

    assert server.calls["/busy"] == 2
    assert server.calls["/flaky"] == 2
    assert server.calls["/down"] == 1 + fast.CATALOG_LINKCHECK_RETRIES
    assert (stored(f"{base}/down").result, stored(f"{base}/down").status) == (LinkResult.BROKEN, 503)
    assert server.calls["/missing"] == 1
    asked = [(seen.method, seen.headers.get("Range")) for seen in server.requests if seen.path == "/no-head"]
    assert asked == [("HEAD", None), ("GET", "bytes=0-1023")]
    first, second = [seen.started for seen in server.requests if seen.path == "/busy"]
    assert second - first >= 0.9, "the second request waits for the Retry-After of the first answer"


def test_a_redirect_chain_is_followed_to_its_end(server, fast, section):
    add_paper(section, f"{server.base}/r1")

    check()

    assert [seen.path for seen in server.requests] == ["/r1", "/r2", "/r3", "/ok"]
    assert stored(f"{server.base}/r1").final_url == f"{server.base}/ok"


def test_requests_to_one_host_are_bounded_and_spaced(server, fast, section):
    fast.CATALOG_LINKCHECK_CONCURRENCY = 8
    add_paper(section, f"{server.base}/hold?0", links=[f"{server.base}/hold?{n}" for n in range(1, 8)])

    check("--per-host", "2", "--delay", "0")

    assert server.max_in_flight[server.base.removeprefix("http://")] == 2
    assert len(server.requests) == 8


def test_the_politeness_delay_spaces_the_starts_of_requests_to_one_host(server, fast, section):
    add_paper(section, f"{server.base}/ok?0", links=[f"{server.base}/ok?{n}" for n in range(1, 4)])

    check("--per-host", "4", "--delay", "0.4")

    # Seen from the server, each start may arrive a little late: the span of all four is the steady measure.
    starts = sorted(seen.started for seen in server.requests)
    assert len(starts) == 4
    assert starts[-1] - starts[0] >= 3 * 0.4 - 0.1
    assert all(later - earlier >= 0.2 for earlier, later in zip(starts, starts[1:], strict=False))


def test_hosts_that_refuse_scripts_are_unverifiable_and_never_asked(server, fast, section):
    port = server.server_address[1]
    add_paper(section, f"http://localhost:{port}/missing", links=[f"http://www.localhost:{port}/ok"])

    output = check()

    assert server.requests == []
    assert set(LinkCheck.objects.values_list("result", flat=True)) == {LinkResult.UNVERIFIABLE}
    assert "2 unverifiable" in output


def test_a_url_used_twice_is_checked_once_and_the_summary_lists_where_broken_ones_are_used(server, fast, section):
    missing = f"{server.base}/missing"
    add_paper(section, missing, title="Lost paper", links=[f"{server.base}/ok"])
    add_resource(f"{server.base}/ok", links=[missing])

    output = check()

    assert server.calls["/missing"] == 1 and server.calls["/ok"] == 1
    assert "Checked 2 URLs: 1 ok, 1 broken." in output
    paper, resource = Paper.objects.get(), Resource.objects.get()
    assert f"Broken: 404 {missing}" in output
    assert f"used by paper {paper.pk} “Lost paper”" in output
    assert f"used by resource {resource.pk} “A tool” (Doc link)" in output


def test_only_broken_rechecks_the_failing_urls_and_dry_run_stores_nothing(server, fast, section):
    add_paper(section, f"{server.base}/ok", links=[f"{server.base}/missing"])
    check("--dry-run")
    assert not LinkCheck.objects.exists()

    check()
    first_check = stored(f"{server.base}/ok").checked_at
    server.requests.clear()
    check("--only-broken")

    assert [seen.path for seen in server.requests] == ["/missing"]
    assert stored(f"{server.base}/ok").checked_at == first_check


def test_checks_of_urls_no_longer_in_the_catalog_are_forgotten(server, fast, section):
    paper = add_paper(section, f"{server.base}/ok")
    check()
    paper.url = f"{server.base}/ok?moved"
    paper.save()

    check()

    assert list(LinkCheck.objects.values_list("url", flat=True)) == [f"{server.base}/ok?moved"]


@pytest.mark.parametrize("option", ["--timeout=0", "--concurrency=-1", "--delay=-1"])
def test_bad_options_are_refused(option, db):
    with pytest.raises(Exception, match="timeout|concurrency|delay"):
        call_command("check_links", option, stdout=StringIO(), stderr=StringIO())


def test_the_admin_filters_and_shows_entries_by_link_status(server, fast, section, admin_client):
    base = server.base
    broken = add_paper(section, f"{base}/ok", title="Has a broken code link", links=[f"{base}/missing"])
    fine = add_paper(section, f"{base}/r1", title="Fine")
    unverifiable = add_paper(section, f"{base}/forbidden", title="Refuses scripts")
    check()
    unchecked = add_paper(section, f"{base}/ok?new", title="Added since")
    resource = add_resource(f"{base}/ok", links=[f"{base}/missing"])

    expected = {"broken": broken, "ok": fine, "unverifiable": unverifiable, "unchecked": unchecked}
    for status, paper in expected.items():
        page = admin_client.get(reverse("admin:catalog_paper_changelist"), {"link_status": status})
        assert list(page.context["cl"].result_list) == [paper], status
    page = admin_client.get(reverse("admin:catalog_paper_changelist"))
    rows = {paper.title: paper.link_status for paper in page.context["cl"].result_list}
    assert rows == {
        "Has a broken code link": "broken",
        "Fine": "ok",
        "Refuses scripts": "unverifiable",
        "Added since": "unchecked",
    }
    assert "Never checked" in page.content.decode()
    page = admin_client.get(reverse("admin:catalog_resource_changelist"), {"link_status": "broken"})
    assert list(page.context["cl"].result_list) == [resource]


class Terminal(StringIO):
    def isatty(self):
        return True


def test_a_progress_bar_is_drawn_on_a_terminal_only_and_not_when_quiet(server, fast, section):
    add_paper(section, f"{server.base}/ok", links=[f"{server.base}/missing"])
    for verbosity, stream, drawn in [(1, Terminal(), True), (0, Terminal(), False), (1, StringIO(), False)]:
        call_command("check_links", verbosity=verbosity, stdout=StringIO(), stderr=stream)
        assert ("] 2/2" in stream.getvalue()) is drawn, (verbosity, type(stream))
