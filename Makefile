# HộiSố — two commands: `make run` and `make test`. Everything else is set up on the way.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   := .venv
PY     := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP_PY   := $(VENV)/.installed
STAMP_NODE := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# `make run` is the embedded, single-machine demo: SQLite and DEBUG on this machine only.
RUN_ENV := DJANGO_DEBUG=true

.PHONY: help run setup-db test test-fast test-e2e bench demo lint format messages translations deps system-deps totp clean

help:
	@echo "make run    — set up, build the demo province, serve http://$(HOST):$(PORT) with one task worker"
	@echo "make test   — set up (virtualenv, throw-away PostgreSQL, Chromium) and run the whole suite"
	@echo "make bench  — benchmarks in bench/, printing their figures"
	@echo "make demo   — start again from a fresh demo database (deletes db.sqlite3)"
	@echo "make lint | format | messages | totp u=USERNAME"

$(STAMP_PY): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

$(STAMP_NODE): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

deps: system-deps $(STAMP_PY) $(STAMP_NODE) translations

# Compiled catalogues are build output, never committed.
translations: $(STAMP_PY)
	@$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v 0

# What a fresh machine of this kind may lack: gettext, Chromium (Debian's), PostgreSQL server binaries.
system-deps:
	@scripts/system-deps.sh

messages: $(STAMP_PY)
	$(MANAGE) makemessages -l vi --no-obsolete --ignore=.venv --ignore=node_modules --ignore=tests --ignore=bench --add-location=file
	@msgfmt --statistics -o /dev/null locale/vi/LC_MESSAGES/django.po

setup-db: deps
	$(RUN_ENV) $(MANAGE) migrate --noinput -v 0
	$(RUN_ENV) $(MANAGE) createcachetable
	$(RUN_ENV) $(MANAGE) load_areas
	$(RUN_ENV) $(MANAGE) demo --if-missing

run: setup-db
	@$(RUN_ENV) $(MANAGE) demo --print-sign-ins
	@trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	  $(RUN_ENV) $(MANAGE) db_worker --queue-name '*' & WORKER=$$!; \
	  $(RUN_ENV) $(MANAGE) runserver --noreload $(HOST):$(PORT)

# Start again from a fresh embedded demo database (deletes db.sqlite3; never touches DATABASE_URL).
demo: deps
	rm -f db.sqlite3 db.sqlite3-wal db.sqlite3-shm
	$(MAKE) setup-db

totp: $(STAMP_PY)
	@$(RUN_ENV) $(MANAGE) demo_totp $(u)

# The whole suite on a throw-away PostgreSQL cluster (browser tests apart, one at a time),
# then the database-specific part again on SQLite.
test: deps
	$(PY) -m ruff check .
	$(PY) manage.py makemigrations --check --dry-run -v 0
	scripts/with-postgres.sh $(PY) -m pytest -m "not e2e" -n 2 $(PYTEST_ARGS)
	scripts/with-postgres.sh $(PY) -m pytest -m e2e $(PYTEST_ARGS)
	DATABASE_URL= $(PY) -m pytest -m portable -n 2 -q $(PYTEST_ARGS)

test-fast: deps
	scripts/with-postgres.sh $(PY) -m pytest -m "not e2e" $(PYTEST_ARGS)

test-e2e: deps
	scripts/with-postgres.sh $(PY) -m pytest -m e2e $(PYTEST_ARGS)

STAMP_BENCH := $(VENV)/.installed-bench

$(STAMP_BENCH): pyproject.toml $(STAMP_PY)
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	touch $@

bench: deps $(STAMP_BENCH)
	scripts/with-postgres.sh $(PY) bench/run_all.py

lint: $(STAMP_PY)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP_PY)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3 media
