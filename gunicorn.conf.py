"""gunicorn's settings: `gunicorn -c gunicorn.conf.py`. Each can be changed from the environment (below), and
any other gunicorn option through GUNICORN_CMD_ARGS."""

import os

from gunicorn.glogging import Logger

from catalog.client import client_address

wsgi_app = "awesome.wsgi:application"
bind = os.environ.get("GUNICORN_BIND") or "127.0.0.1:8000"
# Two workers per core plus one (gunicorn's advice for work that waits on the database), on the cores this
# process may use.
workers = int(os.environ.get("GUNICORN_WORKERS") or 2 * len(os.sched_getaffinity(0)) + 1)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT") or 30)
keepalive = 5
# Access log and errors to stdout and stderr, for the service manager or the container to collect.
accesslog = "-"
errorlog = "-"
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT") or 0)


class ClientAddressLogger(Logger):
    """Access log lines start with the client's address behind the trusted proxies, as the site sees it."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        forwarded_for = environ.get("HTTP_X_FORWARDED_FOR", "")
        atoms["h"] = client_address(environ.get("REMOTE_ADDR") or "-", forwarded_for, TRUSTED_PROXY_COUNT)
        return atoms


logger_class = ClientAddressLogger
# gunicornc's control socket: off, unless GUNICORN_CONTROL_SOCKET gives this instance its own path (by default
# every instance of a user would share $XDG_RUNTIME_DIR/gunicorn.ctl).
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True
# Django is loaded once, before the workers are forked: it opens no database or Redis connection while
# loading, so each worker opens its own. A code change needs a restart (not a HUP) to be seen.
preload_app = True
