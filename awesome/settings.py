"""Settings, read from the environment. See `.env.example` for every variable."""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int, unit: str = "seconds") -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number of {unit}, not {value!r}.") from None


def env_number(name: str, default: float, *, kind: type = float) -> float:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = kind(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a {kind.__name__} number, not {value!r}.") from None
    if number < 0:
        raise ImproperlyConfigured(f"{name} must not be negative, not {value!r}.")
    return number


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_flag("DJANGO_DEBUG")
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string, or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# HTTPS. With DEBUG off everything is on by default; behind a proxy that terminates TLS, set
# DJANGO_SECURE_PROXY_SSL_HEADER=1 so the proxy's X-Forwarded-Proto tells Django a request came over HTTPS.
SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_flag("DJANGO_SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_flag("DJANGO_SECURE_COOKIES", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_flag("DJANGO_SECURE_PROXY_SSL_HEADER") else None
# The number of reverse proxies in front of the site, each appending to X-Forwarded-For: the client's address is
# the entry the outermost one appended (catalog/client.py). 0, the default: the connection's address.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0, "proxies")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "taggit",
    "catalog",
    "catalog.repository",
    "django_tasks",
    "django_tasks_db",
    "suggestions",
    "history",
    "axes",
]

MIDDLEWARE = [
    # First: everything after it, and the logs, see the client's address behind the trusted proxies.
    "catalog.middleware.ClientAddressMiddleware",
    # First: a load balancer probes /healthz by IP, which neither ALLOWED_HOSTS nor the HTTPS redirect allow.
    "catalog.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cached pages are answered here, before sessions, CSRF, authentication and throttling (catalog/page_cache.py).
    "catalog.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "catalog.middleware.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
    "catalog.middleware.DatabaseUnavailableMiddleware",
]

# Browsers run only the site's own scripts and styles (no inline ones), show images from the site only (star counts
# are text from the Repository table), and never frame the site. Django's own headers: nosniff, a referrer policy,
# DENY.
CONTENT_SECURITY_POLICY = os.environ.get("DJANGO_CONTENT_SECURITY_POLICY") or (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

ROOT_URLCONF = "awesome.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "catalog.context_processors.list_repository",
                "catalog.context_processors.paper_list_url",
            ],
        },
    },
]

WSGI_APPLICATION = "awesome.wsgi.application"

# Connections are kept for a minute (checked before reuse): every cached page reads the catalog's version, and
# opening a connection for it costs more than the rest of serving the page.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Readers never wait for a writer (WAL), and a write transaction takes the write lock when it begins, so a
    # second one waits up to DJANGO_SQLITE_BUSY_TIMEOUT seconds for it instead of failing ("database is locked")
    # when it tries to write after reading.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("DJANGO_SQLITE_BUSY_TIMEOUT", 20),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that accepts connections and never answers fails a request after the connect timeout (libpq
    # counts at least 2 s) instead of holding a worker until gunicorn kills it; a statement running longer than
    # the statement timeout is cancelled by the server (0: no limit). The web server sets 30 s (awesome/wsgi.py);
    # management commands, whose imports may run long statements, have no limit unless it is set.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"] |= {
        "connect_timeout": env_int("DJANGO_DB_CONNECT_TIMEOUT", 3),
        "options": f"-c statement_timeout={env_int('DJANGO_DB_STATEMENT_TIMEOUT', 0) * 1000}",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATABASE_ROUTERS = ["catalog.routers.SearchIndexRouter"]

# Redis, shared by every app instance, when REDIS_URL is set; otherwise each process keeps its own cache.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_KEY_PREFIX", "awesome"),
            # A Redis that hangs costs a page this long, once: the page cache then leaves Redis alone for a while.
            "OPTIONS": {
                "socket_connect_timeout": env_number("REDIS_SOCKET_CONNECT_TIMEOUT", 0.5),
                "socket_timeout": env_number("REDIS_SOCKET_TIMEOUT", 0.5),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 1000}}}
# Public pages are cached per catalog version (catalog/page_cache.py): an edit makes every cached page old at once.
CATALOG_PAGE_CACHE = "default"
# 0 turns the page cache off; it is off by default with DEBUG on, where templates and code change under a running
# server without any catalog change.
CATALOG_PAGE_CACHE_SECONDS = env_int("CATALOG_PAGE_CACHE_SECONDS", 0 if DEBUG else 3600)
CATALOG_PAGE_CACHE_MAX_BYTES = env_int("CATALOG_PAGE_CACHE_MAX_BYTES", 4_000_000, "bytes")
# Where each instance keeps the full-catalog downloads it writes, one file per catalog version (catalog/downloads.py).
CATALOG_DOWNLOADS_DIR = Path(os.environ.get("CATALOG_DOWNLOADS_DIR") or BASE_DIR / "downloads")
# The full-catalog downloads are written again at most this often while the catalog keeps changing.
CATALOG_DOWNLOAD_REFRESH_SECONDS = env_number("CATALOG_DOWNLOAD_REFRESH_SECONDS", 60.0)
# How long a request waits for the first file of a download before answering 503 "being prepared".
CATALOG_DOWNLOAD_FIRST_WAIT_SECONDS = env_number("CATALOG_DOWNLOAD_FIRST_WAIT_SECONDS", 5.0)
# Downloads (CSV, BibTeX, JSON) each client address may ask for in a window of seconds; 0: no limit.
CATALOG_DOWNLOAD_LIMIT = env_int("CATALOG_DOWNLOAD_LIMIT", 20, "downloads")
CATALOG_DOWNLOAD_WINDOW = env_int("CATALOG_DOWNLOAD_WINDOW", 60)
# After a cache error (Redis down or hanging) the page cache serves without Redis for this long before trying again.
CATALOG_PAGE_CACHE_RETRY_SECONDS = env_number("CATALOG_PAGE_CACHE_RETRY_SECONDS", 30.0)
# /healthz answers 503 when the database has not answered within this many seconds.
CATALOG_HEALTHZ_TIMEOUT = env_number("CATALOG_HEALTHZ_TIMEOUT", 1.5)

AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT failed sign-ins for one username from one IP address,
# that pair is locked out for AXES_COOLOFF_SECONDS and shown a page that says so (HTTP 429).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(seconds=env_int("AXES_COOLOFF_SECONDS", 15 * 60))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The client's address as ClientAddressMiddleware sets it (behind DJANGO_TRUSTED_PROXY_COUNT proxies).
AXES_CLIENT_IP_CALLABLE = "catalog.middleware.request_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "catalog.admin.lockout.lockout_page"
AXES_HTTP_RESPONSE_CODE = 429

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Whitenoise serves the hashed names (app.0123abcd.css) with "max-age=315360000, public, immutable".

# Errors and warnings of Django (a 500 with its traceback, a 4xx) go to stderr, where gunicorn's log collects them.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"django": {"handlers": ["stderr"], "level": "INFO", "propagate": False}},
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]
TAGGIT_CASE_INSENSITIVE = True

# The published README and the fixture that the export commands keep in step with the database.
CATALOG_README_PATH = Path(os.environ.get("CATALOG_README_PATH") or BASE_DIR / "fixtures" / "README.md")
CATALOG_FIXTURE_PATH = Path(os.environ.get("CATALOG_FIXTURE_PATH") or BASE_DIR / "fixtures" / "catalog.json")
# The list's repository, linked from every page as where the README is published and entries are proposed.
CATALOG_LIST_REPOSITORY_URL = (
    os.environ.get("CATALOG_LIST_REPOSITORY_URL")
    or "https://github.com/ruizheliUOA/Awesome-Interpretability-in-Large-Language-Models"
)
CATALOG_TOPIC_RULES_PATH = BASE_DIR / "catalog" / "topic_tags.toml"
# The largest README the import and lint read (a larger file, /dev/zero say, is refused before it fills memory).
CATALOG_README_MAX_BYTES = env_int("CATALOG_README_MAX_BYTES", 10_000_000, "bytes")
# Rules of lint_readme (and of the checks on the admin's README page) switched off, e.g. ["date-order", "toc"].
CATALOG_LINT_DISABLED_RULES = env_list("CATALOG_LINT_DISABLED_RULES")
# The public suggestion form takes at most SUGGESTIONS_RATE_LIMIT suggestions per SUGGESTIONS_RATE_WINDOW seconds
# from one address (counted in the cache: Redis shares the count between processes).
SUGGESTIONS_RATE_LIMIT = env_int("SUGGESTIONS_RATE_LIMIT", 5, "suggestions")
SUGGESTIONS_RATE_WINDOW = env_int("SUGGESTIONS_RATE_WINDOW", 3600)

# check_links: how many requests at once (in all, and per host), the delay between two requests to one host,
# the timeout and the retries of 429/5xx answers (seconds), and the hosts that refuse scripts.
CATALOG_LINKCHECK_TIMEOUT = env_number("CATALOG_LINKCHECK_TIMEOUT", 15.0)
CATALOG_LINKCHECK_CONCURRENCY = env_number("CATALOG_LINKCHECK_CONCURRENCY", 16, kind=int)
CATALOG_LINKCHECK_PER_HOST = env_number("CATALOG_LINKCHECK_PER_HOST", 2, kind=int)
CATALOG_LINKCHECK_DELAY = env_number("CATALOG_LINKCHECK_DELAY", 1.0)
CATALOG_LINKCHECK_RETRIES = env_number("CATALOG_LINKCHECK_RETRIES", 3, kind=int)
CATALOG_LINKCHECK_BACKOFF = 1.0
CATALOG_LINKCHECK_MAX_RETRY_AFTER = 120.0
CATALOG_LINKCHECK_UNVERIFIABLE_HOSTS = env_list(
    "CATALOG_LINKCHECK_UNVERIFIABLE_HOSTS",
    "twitter.com,x.com,linkedin.com,researchgate.net,openreview.net,medium.com,reddit.com,facebook.com",
)
CATALOG_LINKCHECK_USER_AGENT = os.environ.get("CATALOG_LINKCHECK_USER_AGENT") or (
    f"awesome-interpretability-link-checker (+{CATALOG_LIST_REPOSITORY_URL})"
)

# refresh_metadata: the GitHub REST API, an optional token (raises the limit from 60 to 5,000 requests an hour),
# and the longest wait for a rate limit to reset before the command stops.
CATALOG_GITHUB_API_URL = (os.environ.get("CATALOG_GITHUB_API_URL") or "https://api.github.com").rstrip("/")
GITHUB_TOKEN = os.environ.get("GITHUB_TOKEN", "")
CATALOG_GITHUB_MAX_WAIT = env_number("CATALOG_GITHUB_MAX_WAIT", 300.0)
CATALOG_GITHUB_TIMEOUT = 20.0

# refresh_metadata and the admin's add form: where papers' authors, abstracts, identifiers and citation counts
# come from. arXiv asks for one request at a time, 3 s apart; Semantic Scholar, with a key, one a second.
# A 429/503 asking to wait longer than CATALOG_METADATA_MAX_WAIT seconds fails the batch instead.
CATALOG_ARXIV_API_URL = os.environ.get("CATALOG_ARXIV_API_URL") or "http://export.arxiv.org/api/query"
CATALOG_ARXIV_DELAY = env_number("CATALOG_ARXIV_DELAY", 3.0)
CATALOG_OPENREVIEW_API_URL = (os.environ.get("CATALOG_OPENREVIEW_API_URL") or "https://api2.openreview.net").rstrip("/")
CATALOG_SEMANTIC_SCHOLAR_API_URL = (
    os.environ.get("CATALOG_SEMANTIC_SCHOLAR_API_URL") or "https://api.semanticscholar.org/graph/v1"
).rstrip("/")
SEMANTIC_SCHOLAR_API_KEY = os.environ.get("SEMANTIC_SCHOLAR_API_KEY", "")
CATALOG_SEMANTIC_SCHOLAR_DELAY = env_number("CATALOG_SEMANTIC_SCHOLAR_DELAY", 1.0)
CATALOG_METADATA_TIMEOUT = env_number("CATALOG_METADATA_TIMEOUT", 20.0)
CATALOG_METADATA_MAX_WAIT = env_number("CATALOG_METADATA_MAX_WAIT", 120.0)

# The list's repository (catalog/repository/): empty CATALOG_GIT_REMOTE keeps publishing to the files above.
CATALOG_GIT_REMOTE = os.environ.get("CATALOG_GIT_REMOTE", "").strip()
CATALOG_GIT_BRANCH = os.environ.get("CATALOG_GIT_BRANCH", "").strip() or "main"
CATALOG_GIT_README = os.environ.get("CATALOG_GIT_README", "").strip() or "README.md"
CATALOG_GIT_FIXTURE = os.environ.get("CATALOG_GIT_FIXTURE", "").strip()
CATALOG_GIT_PUBLISH = os.environ.get("CATALOG_GIT_PUBLISH", "").strip() or "push"
if CATALOG_GIT_PUBLISH not in {"push", "pull-request"}:
    raise ImproperlyConfigured(f"CATALOG_GIT_PUBLISH must be push or pull-request, not {CATALOG_GIT_PUBLISH!r}.")
CATALOG_GIT_WORKDIR = Path(os.environ.get("CATALOG_GIT_WORKDIR") or BASE_DIR / "var" / "repository")
# Who commits the site's publishes (the maintainer who publishes is the author).
CATALOG_GIT_COMMITTER_NAME = os.environ.get("CATALOG_GIT_COMMITTER_NAME") or "Awesome Interpretability catalog"
CATALOG_GIT_COMMITTER_EMAIL = os.environ.get("CATALOG_GIT_COMMITTER_EMAIL") or "catalog@localhost"
CATALOG_GITHUB_WEBHOOK_SECRET = os.environ.get("CATALOG_GITHUB_WEBHOOK_SECRET", "")
# How long a publish or sync waits for another one, from any instance, to finish (seconds).
CATALOG_GIT_LOCK_WAIT = env_number("CATALOG_GIT_LOCK_WAIT", 120.0)
CATALOG_GIT_TIMEOUT = env_number("CATALOG_GIT_TIMEOUT", 120.0)

# Background work (fetch, push, sync, lint after a webhook): "database" queues tasks for `manage.py db_worker`
# (one per instance); "immediate" runs them inside the request. Default: immediate with DJANGO_DEBUG on.
CATALOG_TASKS_BACKEND = os.environ.get("CATALOG_TASKS_BACKEND", "").strip() or ("immediate" if DEBUG else "database")
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
if CATALOG_TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"CATALOG_TASKS_BACKEND must be immediate or database, not {CATALOG_TASKS_BACKEND!r}.")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[CATALOG_TASKS_BACKEND]}}
