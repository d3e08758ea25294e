"""Settings for the test suite: the environment-driven settings, made fast and deterministic."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-suite-only-not-secret")

from awesome.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
# The test client and the live servers of the browser tests speak plain http.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The page cache is on whatever DJANGO_DEBUG says: its tests, and the query counts of cached pages, rely on it.
CATALOG_PAGE_CACHE_SECONDS = 86_400
# Tests see every change in the full-catalog downloads at once; tests/test_downloads.py sets a refresh interval.
CATALOG_DOWNLOAD_REFRESH_SECONDS = 0
# Outside services: a closed local port unless a test starts a fake server, so no test can reach the internet.
CATALOG_GITHUB_API_URL = CATALOG_ARXIV_API_URL = "http://127.0.0.1:9"
CATALOG_OPENREVIEW_API_URL = CATALOG_SEMANTIC_SCHOLAR_API_URL = "http://127.0.0.1:9"
CATALOG_ARXIV_DELAY = CATALOG_SEMANTIC_SCHOLAR_DELAY = 0.0
SEMANTIC_SCHOLAR_API_KEY = ""
