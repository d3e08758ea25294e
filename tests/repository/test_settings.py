"""The repository settings from the environment: the task backend's default follows DJANGO_DEBUG."""

import os
import subprocess
import sys

from django.conf import settings

PRINT = "from django.conf import settings; print(settings.TASKS['default']['BACKEND'], settings.CATALOG_GIT_PUBLISH)"


def read_settings(**environment) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "CATALOG_"))}
    env |= {"DJANGO_SETTINGS_MODULE": "awesome.settings", "DJANGO_SECRET_KEY": "x" * 50, **environment}
    code = f"import django; django.setup(); {PRINT}"
    return subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True)


def test_with_debug_and_no_task_settings_tasks_run_inside_the_request():
    assert read_settings(DJANGO_DEBUG="1").stdout.split() == [
        "django_tasks.backends.immediate.ImmediateBackend",
        "push",
    ]


def test_in_production_tasks_are_queued_in_the_database():
    assert read_settings(DJANGO_DEBUG="0").stdout.split()[0] == "django_tasks_db.DatabaseBackend"
    assert (
        read_settings(DJANGO_DEBUG="1", CATALOG_TASKS_BACKEND="database").stdout.split()[0]
        == "django_tasks_db.DatabaseBackend"
    )


def test_an_unknown_publish_mode_or_task_backend_is_refused_by_name():
    assert "CATALOG_GIT_PUBLISH must be push or pull-request" in read_settings(CATALOG_GIT_PUBLISH="merge").stderr
    assert "CATALOG_TASKS_BACKEND must be" in read_settings(CATALOG_TASKS_BACKEND="celery").stderr
