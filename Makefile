# Mr ICT — the two commands are `make run` and `make test`; the rest are helpers.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# Test processes (pytest-xdist): one per core by default; TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto

.PHONY: run test test-sqlite test-postgres system install install-ralph install-dev lint format migrate demo worker worker-heavy web bench screenshots check-deploy clean
# Prerequisites run in the order written: `system` must stop `make test` before anything else.
.NOTPARALLEL:

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	# torch first, the CPU build pinned in requirements.txt (never PyPI's CUDA one)
	$(PIP) install --quiet --find-links /opt/wheels "$$(grep -E '^torch==' requirements.txt)"
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# Ralph (an xAPI Learning Record Store) for the xAPI forwarding tests, in its own venv:
# its pinned dependencies clash with ours (requirements-ralph.txt).
RALPH_VENV := .venv-ralph
$(RALPH_VENV)/.installed: requirements-ralph.txt
	test -d $(RALPH_VENV) || $(PYTHON) -m venv $(RALPH_VENV)
	$(RALPH_VENV)/bin/pip install --quiet --upgrade pip
	$(RALPH_VENV)/bin/pip install --quiet -r requirements-ralph.txt
	touch $@

install-ralph: $(RALPH_VENV)/.installed

## make run: set up everything (venv, deps, database, demo content) and serve with a worker.
run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py setup_schedules
	$(PY) manage.py load_demo
	$(PY) manage.py build_tutor_index
	@echo "Starting the job workers (light and heavy queues) and the web server on http://$(HOST):$(PORT)/ (Ctrl-C stops all)"
	@echo "  API docs: http://$(HOST):$(PORT)/api/docs/   editor: http://$(HOST):$(PORT)/admin/   health: http://$(HOST):$(PORT)/health/ready"
	@exec $(PY) -m site_config.devrun \
	  "worker=$(PY) manage.py qcluster" \
	  "worker-heavy=env Q_CLUSTER_NAME=heavy $(PY) manage.py qcluster" \
	  "web=$(PY) manage.py runserver $(HOST):$(PORT)"

web: install
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: install
	$(PY) manage.py qcluster

worker-heavy: install
	Q_CLUSTER_NAME=heavy $(PY) manage.py qcluster

migrate: install
	$(PY) manage.py migrate --no-input

demo: install
	$(PY) manage.py load_demo

## make system: the Debian packages the suite needs (.ci/system-packages.txt). Nothing to do
## when they are there; installs them as root; otherwise stops and prints the command to run.
system:
	@bash .ci/setup-system.sh

## make test: system packages, lint, format check, migrations check, then the whole suite.
test: system install install-ralph lint
	DJANGO_SETTINGS_MODULE=site_config.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n $(TEST_WORKERS) -m "not serial" $(PYTEST_ARGS)
	@echo "=== the serial tests (timing and process-group bounds), alone ==="
	$(PY) -m pytest -p no:xdist -m serial $(PYTEST_ARGS) || [ $$? -eq 5 ]

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test-sqlite:
	env -u DATABASE_URL -u REDIS_URL $(MAKE) test

test-postgres:
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/0 $(MAKE) test

check-deploy: install
	DJANGO_SETTINGS_MODULE=site_config.settings.prod \
	SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
	ALLOWED_HOSTS=example.com $(PY) manage.py check --deploy --fail-level WARNING

## make bench: production-like server (gunicorn, PostgreSQL, Redis) under load from wrk.
bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

## make screenshots: refresh docs/screenshots from the browser tests marked `screenshots`.
screenshots: system install
	SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots $(PY) -m pytest -m screenshots -q

clean:
	rm -rf $(VENV) $(RALPH_VENV) db.sqlite3 staticfiles
