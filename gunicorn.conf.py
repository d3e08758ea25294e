"""gunicorn's settings: `gunicorn -c gunicorn.conf.py`. Each can be changed from the environment (below), and
any other gunicorn option through GUNICORN_CMD_ARGS."""

import os

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
# Django is loaded once, before the workers are forked: it opens no database or Redis connection while
# loading, so each worker opens its own. A code change needs a restart (not a HUP) to be seen.
preload_app = True
