"""The health check: whether the database answers, for load balancers (/healthz, see HealthCheckMiddleware)."""

import threading

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request):
    if not database_answers(timeout=settings.CATALOG_HEALTHZ_TIMEOUT):
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain; charset=utf-8")
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def database_answers(*, timeout: float) -> bool:
    """Whether the database answers a query within `timeout` seconds.

    A database server is asked from a thread of its own, on a connection of its own (closed after), so that one
    that accepts connections and never answers cannot hold the request: the thread ends by itself at the connect
    timeout. A SQLite file is asked directly: it answers or fails within its busy timeout.
    """
    if connection.vendor == "sqlite":
        return _answers()
    answered = threading.Event()

    def ask():
        try:
            if _answers():
                answered.set()
        finally:
            connection.close()

    threading.Thread(target=ask, name="healthz", daemon=True).start()
    return answered.wait(timeout)


def _answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True
