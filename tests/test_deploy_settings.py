"""Production settings: silent `check --deploy`, HTTPS on by default and configurable for a proxy, the cache."""

import os
import secrets
import subprocess
import sys

from django.conf import settings

from tests.test_site import run_settings

PRODUCTION = {"DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "catalog.example.org"}


def production(**env):
    return {"DJANGO_SECRET_KEY": secrets.token_urlsafe(48), **PRODUCTION, **env}


def setting_values(*names, **env) -> str:
    """The settings `names` as one process started with `env` prints them, separated by spaces."""
    return run_settings(", settings.".join(names), **env).stdout.strip()


def test_check_deploy_is_silent_under_production_settings():
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment |= {"DJANGO_SETTINGS_MODULE": "awesome.settings", **production()}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_https_is_on_by_default_with_debug_off():
    https = ["SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"]
    assert setting_values(*https, **production()) == "True 31536000 True True"
    assert setting_values(*https, DJANGO_DEBUG="1") == "False 0 False False"


def test_behind_a_tls_proxy_each_https_setting_comes_from_the_environment():
    proxy = production(
        DJANGO_SECURE_PROXY_SSL_HEADER="1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_HSTS_SECONDS="600",
        DJANGO_SECURE_HSTS_PRELOAD="0",
    )
    values = ["SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD"]
    assert setting_values(*values, **proxy) == "('HTTP_X_FORWARDED_PROTO', 'https') False 600 False"
    assert run_settings("SECURE_PROXY_SSL_HEADER", **production()).stdout.strip() == "None"


def test_the_cache_is_redis_with_redis_url_and_local_memory_without():
    backend = "CACHES['default']['BACKEND']"
    redis = run_settings(backend, DJANGO_DEBUG="1", REDIS_URL="redis://cache.internal:6379/0").stdout.strip()
    assert redis == "django.core.cache.backends.redis.RedisCache"
    environment = {"DJANGO_DEBUG": "1", "REDIS_URL": ""}
    assert run_settings(backend, **environment).stdout.strip() == "django.core.cache.backends.locmem.LocMemCache"


def test_the_test_settings_speak_plain_http_with_a_local_memory_cache():
    assert not settings.SECURE_SSL_REDIRECT and not settings.SESSION_COOKIE_SECURE
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
