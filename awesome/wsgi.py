import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "awesome.settings")
# A web request never waits on one PostgreSQL statement longer than gunicorn waits for a worker.
os.environ.setdefault("DJANGO_DB_STATEMENT_TIMEOUT", "30")

application = get_wsgi_application()
