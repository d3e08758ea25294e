"""Maintainers saving at once through the admin on SQLite: every save waits its turn, none fails.

gunicorn (four workers) serves the seed catalog from a SQLite file with production settings; four maintainers,
each signed in, save a paper's change form over and over at the same moment.
"""

import os
import re
import secrets
import threading

from tests.admin_http import AdminSession
from tests.servers import ROOT, gunicorn, manage

EDITORS = 4
SAVES = 6
PASSWORD = secrets.token_urlsafe(16)
MAKE_MAINTAINERS = f"""
from django.contrib.auth import get_user_model
for number in range({EDITORS}):
    get_user_model().objects.create_superuser(f"editor{{number}}", "", "{PASSWORD}")
from catalog.models import Paper
print("papers:", *Paper.objects.order_by("pk").values_list("pk", flat=True)[:{EDITORS}])
"""


def sqlite_site(folder):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "GUNICORN_"))}
    env.pop("REDIS_URL", None)
    return env | {
        "DJANGO_SETTINGS_MODULE": "awesome.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "DATABASE_URL": f"sqlite:///{folder / 'site.sqlite3'}",
    }


def test_concurrent_admin_saves_wait_for_each_other_instead_of_failing(tmp_path):
    env = sqlite_site(tmp_path)
    manage("migrate", "--noinput", "-v0", env=env)
    manage("import_readme", str(ROOT / "fixtures" / "README.md"), env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)
    papers = re.search(r"^papers: (.*)$", manage("shell", "-c", MAKE_MAINTAINERS, env=env), re.M).group(1).split()
    statuses = {number: [] for number in range(EDITORS)}
    with gunicorn(env=env, workers=EDITORS, log_path=tmp_path / "gunicorn.log") as base:
        editors = [AdminSession(base, f"editor{number}", PASSWORD) for number in range(EDITORS)]
        start = threading.Barrier(EDITORS)

        def edit(number):
            path = f"/admin/catalog/paper/{papers[number]}/change/"
            start.wait()
            for save in range(SAVES):
                try:
                    status, body = editors[number].save(path, title=f"Edited by editor {number}, save {save}")
                except (OSError, RuntimeError) as error:
                    status, body = type(error).__name__, str(error)
                statuses[number].append(status if status == 302 else f"{status}: {body[:200]}")

        threads = [threading.Thread(target=edit, args=(number,)) for number in range(EDITORS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        titles = [
            re.search(r'name="title"[^>]* value="([^"]*)"', editors[0].request(f"/admin/catalog/paper/{pk}/change/")[1])
            for pk in papers
        ]
    assert statuses == {number: [302] * SAVES for number in range(EDITORS)}
    assert [title.group(1) for title in titles] == [f"Edited by editor {n}, save {SAVES - 1}" for n in range(EDITORS)]
    assert "database is locked" not in (tmp_path / "gunicorn.log").read_text()
