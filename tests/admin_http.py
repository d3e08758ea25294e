"""The admin over HTTP, as a maintainer's browser uses it: sign in, read a change form, post it back edited."""

import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

TIMEOUT = 60


class ChangeForm(HTMLParser):
    """The fields a browser would submit from the page's change form (`<form id="…_form">`), by name."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields: list[tuple[str, str]] = []
        self.inside = False
        self.select = self.textarea = None
        self.text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("id") or "").endswith("_form"):
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file", "image", "reset"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self.fields.append((name, attrs.get("value") or ""))
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields.append((self.select, attrs.get("value") or ""))
        elif tag == "textarea":
            self.textarea, self.text = name, []

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.fields.append((self.textarea, "".join(self.text).removeprefix("\n")))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.text.append(data)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class AdminSession:
    """A maintainer signed in to the admin at `base`."""

    def __init__(self, base: str, username: str, password: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirects()
        )
        fields = self.form_fields("/admin/login/", form_id="login-form")
        status, _ = self.post("/admin/login/", {**fields, "username": username, "password": password})
        if status != 302:
            raise RuntimeError(f"{username} could not sign in (HTTP {status})")

    def request(self, path, data=None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(urllib.request.Request(self.base + path, data=body), timeout=TIMEOUT) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post(self, path, fields) -> tuple[int, str]:
        return self.request(path, fields)

    def form_fields(self, path, form_id=None) -> dict[str, list[str]]:
        status, html = self.request(path)
        if status != 200:
            raise RuntimeError(f"GET {path}: HTTP {status}")
        parser = ChangeForm()
        if form_id:  # the sign-in form is not a change form
            html = html.replace(f'id="{form_id}"', f'id="{form_id}_form"')
        parser.feed(html)
        fields: dict[str, list[str]] = {}
        for name, value in parser.fields:
            fields.setdefault(name, []).append(value)
        return fields

    def save(self, path, **changes) -> tuple[int, str]:
        """Read the change form at `path`, apply `changes` and save it; the status (302 when saved) and body."""
        fields = self.form_fields(path)
        fields.update({name: [str(value)] for name, value in changes.items()})
        return self.post(path, {**fields, "_save": ["Save"]})
