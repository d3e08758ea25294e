PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run superuser test lint format bench load

$(STAMP): requirements.txt requirements-test.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $(STAMP)

# axe-core, which the browser tests inject into pages, at the version package-lock.json pins.
AXE_STAMP := node_modules/.installed

$(AXE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(AXE_STAMP)

## run: the site on http://127.0.0.1:8000 with SQLite and the seed catalog
run: export DJANGO_DEBUG ?= 1
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py seed_catalog
	@echo "Admin account: make superuser  (then sign in at http://127.0.0.1:8000/admin/)"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

## superuser: an admin account in the database `make run` uses (same settings); SUPERUSER_ARGS=--noinput reads
## DJANGO_SUPERUSER_USERNAME, DJANGO_SUPERUSER_EMAIL and DJANGO_SUPERUSER_PASSWORD
superuser: export DJANGO_DEBUG ?= 1
superuser: $(STAMP)
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py createsuperuser $(SUPERUSER_ARGS)

# The second pass of the suite runs on PostgreSQL; the gunicorn test of both passes uses Redis database 1.
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1

## test: lint, migrations in step, known vulnerabilities of the requirements, and the whole test suite on SQLite, then on PostgreSQL
test: $(STAMP) $(AXE_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pip-audit --requirement requirements.txt --vulnerability-service pypi --progress-spinner off
	SERVING_TEST_REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python -m pytest
	@if [ -n "$$CI" ] || $(BIN)/python -c "import psycopg; psycopg.connect('$(TEST_POSTGRES_URL)', connect_timeout=3)" 2>/dev/null; \
	then set -x; DATABASE_URL=$(TEST_POSTGRES_URL) SERVING_TEST_REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python -m pytest; \
	else echo "No PostgreSQL at $(TEST_POSTGRES_URL): the PostgreSQL pass is skipped here (CI runs it)."; fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## bench: import, export, page and load figures at 1k, 10k and 100k papers (no assertions)
BENCH_ARGS ?= --sizes 1000,10000,100000
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

## load: 64 readers for 60 s against gunicorn at 50,000 papers with downloads in the mix (a steady catalog; the 20 s
## before, while the caches fill, reported apart), then four editors saving in the admin every second while a
## maintainer edits and publishes the seed catalog (figures, no assertions on speed; each run exits 1 on a failed
## request, save or publish). REDIS_URL=redis://… shares the cache between the workers, as deployed.
LOAD_READERS_ARGS ?= --papers 50000 --warm-up 20 --editors 0 --edit-every 0 --publish-every 0
LOAD_EDITORS_ARGS ?= --papers 0 --clients 16 --editors 4 --save-every 1
load: $(STAMP)
	$(BIN)/python -m tests.load_site $(LOAD_READERS_ARGS)
	$(BIN)/python -m tests.load_site $(LOAD_EDITORS_ARGS)
