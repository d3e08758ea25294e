"""Middleware of the site: the client's address behind proxies, health checks before the host check, the
Content-Security-Policy header, and a 503 page when the database is away."""

from django.conf import settings
from django.db import InterfaceError, OperationalError

from catalog.client import client_address
from catalog.health import healthz
from catalog.unavailable import database_unavailable

HEALTH_CHECK_PATH = "/healthz"


class ClientAddressMiddleware:
    """Sets REMOTE_ADDR to the client's address behind the trusted proxies: sign-in throttling, the download limits
    and the logs all read it from there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        meta["REMOTE_ADDR"] = client_address(
            meta.get("REMOTE_ADDR", ""), meta.get("HTTP_X_FORWARDED_FOR", ""), settings.TRUSTED_PROXY_COUNT
        )
        return self.get_response(request)


def request_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


class HealthCheckMiddleware:
    """Answers /healthz before the host check and the HTTPS redirect: load balancers probe instances by IP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == HEALTH_CHECK_PATH:
            return healthz(request)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Adds `settings.CONTENT_SECURITY_POLICY` to each response that does not set its own."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class DatabaseUnavailableMiddleware:
    """Turns a lost or refused database connection, raised by a view or its template, into a 503 page.

    Django closes a connection found unusable at the end of the request, and CONN_HEALTH_CHECKS checks a kept one
    before reusing it, so the site recovers by itself, without a restart, once the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        return database_unavailable(request, exception)
