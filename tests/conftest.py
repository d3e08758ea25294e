import os
import threading
from io import StringIO
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from catalog import downloads, page_cache

pytest_plugins = ["tests.browser"]

hypothesis_settings.register_profile(
    "quick", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.register_profile(
    "thorough", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))

SEED_README = Path(settings.BASE_DIR) / "fixtures" / "README.md"
DOWNLOAD_WRITER_TIMEOUT = 120


@pytest.fixture
def seed_text() -> str:
    return SEED_README.read_bytes().decode("utf-8")


@pytest.fixture
def seeded(db):
    """A catalog imported from the seed README."""
    call_command("import_readme", str(SEED_README), stdout=StringIO(), stderr=StringIO())


@pytest.fixture
def export():
    """The README the catalog exports now."""

    def run() -> str:
        out = StringIO()
        call_command("export_readme", stdout=out, stderr=StringIO())
        return out.getvalue()

    return run


def join_download_writers():
    """Wait for the threads writing downloads to end (closing their database connections), or fail: never hang."""
    writers = [thread for thread in threading.enumerate() if thread.name.startswith(downloads.WRITER_NAME)]
    for writer in writers:
        writer.join(DOWNLOAD_WRITER_TIMEOUT)
    assert not [writer.name for writer in writers if writer.is_alive()], "a download writer never ended"


@pytest.fixture(autouse=True)
def downloads_folder(settings, tmp_path):
    """The full-catalog downloads of each test are written to a folder of its own, by threads that have ended
    before the test's database is emptied (pytest-django's database fixtures are set up before this one)."""
    settings.CATALOG_DOWNLOADS_DIR = tmp_path / "downloads"
    yield
    join_download_writers()


@pytest.fixture(autouse=True)
def empty_page_cache():
    """Each test starts with an empty cache that is in use: its database starts again, and so does the catalog's
    version."""
    cache.clear()
    page_cache.breaker.reset()


@pytest.fixture(params=["empty", "seeded"])
def prior(request):
    """The catalog an import runs against, and the arguments a valid file would need to be imported into it."""
    if request.param == "seeded":
        request.getfixturevalue("seeded")
        return ["--replace"]
    return []


@pytest.fixture
def redis_cache(settings):
    """The page cache in a real, emptied Redis database (SERVING_TEST_REDIS_URL): skipped without one, except in CI."""
    url = os.environ.get("SERVING_TEST_REDIS_URL") or "redis://127.0.0.1:6379/1"
    client = redis.Redis.from_url(url, socket_connect_timeout=5)
    try:
        client.flushdb()
    except redis.ConnectionError as error:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {url}: {error}")
        pytest.skip(f"Redis is not reachable at {url}: {error}")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": "t"}
    }
    yield client
    client.flushdb()
