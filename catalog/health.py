"""The health check: whether the database answers, for load balancers (/healthz, see HealthCheckMiddleware), and
the page the site answers while it does not."""

import logging
import threading

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

RETRY_AFTER_SECONDS = 30

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    if not database_answers(timeout=settings.CATALOG_HEALTHZ_TIMEOUT):
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain; charset=utf-8")
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def database_answers(*, timeout: float) -> bool:
    """Whether the database answers a query within `timeout` seconds.

    Asked from a thread of its own, on a connection of its own (closed after), so that a database that accepts
    connections and never answers cannot hold the request: the thread ends by itself at the connect timeout.
    """
    answered = threading.Event()

    def ask():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
            answered.set()
        except DatabaseError:
            pass
        finally:
            connection.close()

    threading.Thread(target=ask, name="healthz", daemon=True).start()
    return answered.wait(timeout)


def database_unavailable(request, error):
    """The site's 503 page, not to be cached, with a Retry-After."""
    logger.warning("Database unavailable, answered 503 for %s: %s", request.path, error)
    response = render(request, "503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response
