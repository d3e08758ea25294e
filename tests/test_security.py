"""Security headers, the admin's access rules, CSRF, sign-in throttling and links that leave the site."""

import datetime
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from taggit.models import Tag

from catalog.models import Paper, Resource, Section, Venue
from tests.admin_support import PASSWORD, make_user
from tests.pages import OUTPUTS, PUBLIC_PAGES, detail_pages

pytestmark = pytest.mark.django_db

# /healthz is answered for load balancers before any other middleware runs (see HealthCheckMiddleware).
LOGIN_URL = "/admin/login/"


def directives(policy: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def assert_security_headers(response, url):
    policy = directives(response.headers.get("Content-Security-Policy", ""))
    scripts = policy.get("script-src", policy.get("default-src"))
    assert scripts == ["'self'"], url
    assert "'unsafe-inline'" not in policy["style-src"], url
    assert policy["img-src"] == ["'self'"], url
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"], url
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response["Referrer-Policy"] == "same-origin", url
    assert response["X-Frame-Options"] == "DENY", url


def test_pages_and_outputs_carry_the_security_headers(seeded, client):
    for url in [*PUBLIC_PAGES, *detail_pages(), *OUTPUTS, "/papers/?year=abc", "/no-such-page/"]:
        assert_security_headers(client.get(url), url)


def test_admin_pages_carry_the_security_headers(seeded, client):
    assert_security_headers(client.get(LOGIN_URL), LOGIN_URL)
    client.force_login(make_user("admin", superuser=True))
    paper = Paper.objects.first()
    for url in ["/admin/", "/admin/catalog/paper/", f"/admin/catalog/paper/{paper.pk}/change/", "/admin/readme/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_security_headers(response, url)


def test_no_page_has_inline_scripts_styles_or_event_handlers(seeded, client):
    client.force_login(make_user("admin", superuser=True))
    paper = Paper.objects.first()
    admin_pages = ["/admin/", "/admin/catalog/paper/", f"/admin/catalog/paper/{paper.pk}/change/", "/admin/readme/"]
    for url in [*PUBLIC_PAGES, *detail_pages(), *admin_pages]:
        html = client.get(url).content.decode()
        inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
        assert not inline_scripts, (url, inline_scripts)
        assert "<style" not in html, url
        assert not re.search(r"<[^>]+\s(on[a-z]+|style)=", html), url


@pytest.mark.parametrize(
    "model_url, model, field",
    [
        ("paper", Paper, "title"),
        ("resource", Resource, "name"),
        ("section", Section, "title"),
        ("venue", Venue, "name"),
    ],
)
def test_view_only_staff_cannot_change_any_model(seeded, client, model_url, model, field):
    client.force_login(make_user("reader", permissions=[f"view_{model_url}"]))
    instance = model.objects.exclude(**{field: ""}).first()
    before = getattr(instance, field)
    response = client.post(f"/admin/catalog/{model_url}/{instance.pk}/change/", {field: "Hijacked"})
    assert response.status_code == 403
    assert client.post(f"/admin/catalog/{model_url}/{instance.pk}/delete/", {"post": "yes"}).status_code == 403
    instance.refresh_from_db()
    assert getattr(instance, field) == before


def test_a_user_who_is_not_staff_never_reaches_the_admin(seeded, client):
    user = make_user("outsider", staff=False, permissions=["view_paper", "change_paper", "publish_readme"])
    client.force_login(user)
    for url in ["/admin/", "/admin/catalog/paper/", "/admin/readme/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN_URL), url
    response = client.post(LOGIN_URL, {"username": "outsider", "password": PASSWORD})
    assert response.status_code == 200
    assert "staff account" in response.content.decode()


def test_every_admin_form_refuses_a_post_without_a_csrf_token(seeded):
    client = Client(enforce_csrf_checks=True)
    make_user("admin", superuser=True)
    assert client.post(LOGIN_URL, {"username": "admin", "password": PASSWORD}).status_code == 403
    client.force_login(make_user("editor", superuser=True))
    paper = Paper.objects.first()
    posts = [
        (f"/admin/catalog/paper/{paper.pk}/change/", {"title": "Forged"}),
        ("/admin/catalog/paper/add/", {"title": "Forged"}),
        (f"/admin/catalog/paper/{paper.pk}/delete/", {"post": "yes"}),
        ("/admin/catalog/paper/", {"action": "delete_selected", "_selected_action": [paper.pk], "post": "yes"}),
        ("/admin/readme/", {"publish": "1", "fingerprint": "x"}),
        ("/admin/logout/", {}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert "CSRF" in response.content.decode(), url
    assert Paper.objects.filter(pk=paper.pk).exclude(title="Forged").exists()


def sign_in(client, password):
    return client.post(LOGIN_URL, {"username": "admin", "password": password, "next": "/admin/"})


def test_repeated_failed_sign_ins_lock_the_account_until_the_cool_off(seeded, client, settings):
    make_user("admin", superuser=True)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, "wrong")
        assert response.status_code == 200 and "correct username and password" in response.content.decode()
    locked = sign_in(client, "wrong")
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "Sign-in temporarily locked" in text and "15\xa0minutes" in text and "<strong>admin</strong>" in text
    still_locked = sign_in(client, PASSWORD)
    assert still_locked.status_code == 429
    assert "_auth_user_id" not in client.session

    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.UTC) - settings.AXES_COOLOFF_TIME)
    response = sign_in(client, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.session["_auth_user_id"]


def test_a_lockout_holds_one_username_from_one_address_only(seeded, settings):
    make_user("admin", superuser=True)
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(attacker, "wrong")
    assert sign_in(attacker, PASSWORD).status_code == 429
    maintainer = Client(REMOTE_ADDR="198.51.100.7")
    assert sign_in(maintainer, PASSWORD).status_code == 302


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs))


def site_urls():
    paper_ids = Paper.objects.values_list("pk", flat=True)
    resource_ids = Resource.objects.values_list("pk", flat=True)
    sections = Section.objects.exclude(slug="")
    return [
        *PUBLIC_PAGES,
        *(reverse("catalog:paper-detail", args=[pk]) for pk in paper_ids),
        *(reverse("catalog:resource-detail", args=[pk]) for pk in resource_ids),
        *(section.get_absolute_url() for section in sections),
    ]


def test_every_link_leaving_the_site_opens_without_opener_or_referrer(seeded, client):
    Tag.objects.get_or_create(name="sae", slug="sae")
    external = 0
    for url in site_urls():
        parser = Links()
        parser.feed(client.get(url).content.decode())
        for link in parser.links:
            target = urlsplit(link.get("href", ""))
            if target.scheme or target.netloc:
                external += 1
                assert target.scheme in ("http", "https"), (url, link)
                assert {"noopener", "noreferrer"} <= set(link.get("rel", "").split()), (url, link)
    assert external > Paper.objects.count()
