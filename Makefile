# Sportello — two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
# The interpreter the venv is made from: the distribution's Python 3.11 when it has one (Debian's
# is built with profile-guided and link-time optimisation: about a third less CPU per request
# than a default pyenv build, docs/deployment.md "Python"), else python3.11 or python3 on PATH.
PYTHON ?= $(shell for p in /usr/bin/python3.11 "$$(command -v python3.11)" "$$(command -v python3)"; do \
  [ -x "$$p" ] && "$$p" -c 'import ensurepip, venv' 2>/dev/null && { echo "$$p"; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
CHROMIUM ?= /usr/bin/chromium
TEST_DATA_DIR := $(CURDIR)/var/test

.PHONY: install run worker test test-postgres lint format typecheck chromium lock bench clean \
	serve test-scaleout bench-checkout bench-lighthouse bench-ladder wrk

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.lock
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

## Serve the shop on http://127.0.0.1:$(PORT) (SQLite and file e-mails unless DATABASE_URL / EMAIL_URL say otherwise).
## Links in e-mails point at that port unless SITE_URL says otherwise.
run: install
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(PY) manage.py load_demo_catalogue
	DEBUG=$${DEBUG:-1} $(PY) manage.py load_demo_terms
	DEBUG=$${DEBUG:-1} SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} \
	  $(PY) manage.py runserver 127.0.0.1:$(PORT)

## Celery worker and beat scheduler (production-style background work on Redis).
worker: install
	$(PY) -m celery -A config worker --beat -Q mail,payments,background --loglevel=INFO --concurrency=2

## Debian's Chromium for the browser tests (Playwright cannot download browsers here).
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	  else \
	    $(PY) -m playwright install chromium; \
	  fi; \
	fi

## The whole suite, browser tests included, with the coverage report and its floor
## (`fail_under` in pyproject.toml). COVERAGE_ARGS= turns coverage off.
COVERAGE_ARGS ?= --cov --cov-report=term:skip-covered
test: install chromium
	rm -rf $(TEST_DATA_DIR) && mkdir -p $(TEST_DATA_DIR)
	DATA_DIR=$(TEST_DATA_DIR) $(PY) -m pytest $(COVERAGE_ARGS) $(PYTEST_ARGS)

## The whole suite against PostgreSQL (DATABASE_URL defaults to the local server).
test-postgres: install chromium
	$(MAKE) test DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/sportello}

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

typecheck: install
	$(PY) -m mypy sportello config

## Regenerate requirements.lock from the pinned direct dependencies in pyproject.toml.
lock:
	rm -rf var/lock-venv && $(PYTHON) -m venv var/lock-venv
	var/lock-venv/bin/pip install -q $$($(PYTHON) -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; print(" ".join(p["dependencies"] + p["optional-dependencies"]["dev"]))')
	var/lock-venv/bin/pip freeze > requirements.lock && rm -rf var/lock-venv

bench: install
	DATA_DIR=$(TEST_DATA_DIR) $(PY) -m pytest bench -q

clean:
	rm -rf $(VENV) var

## The production shape on this machine: hashed static files, gunicorn with WEB_CONCURRENCY
## workers, DEBUG off, the production variables (PostgreSQL/Redis/bucket when DATABASE_URL,
## REDIS_URL, STORAGE_URL are set; SQLite and local files otherwise). With a broker it also
## starts one worker per queue group and exactly one beat; all stop with Ctrl-C.
WEB_CONCURRENCY ?= 2
## Without INVOICE_SELLER_* the demo company invoices (INVOICE_SELLER_DEMO; check --deploy refuses it).
serve: export INVOICE_SELLER_DEMO := $(or $(INVOICE_SELLER_DEMO),1)
serve: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo_catalogue
	STATIC_MANIFEST=1 $(PY) manage.py collectstatic --noinput -v 0
	@set -euo pipefail; export DEBUG=0 STATIC_MANIFEST=1 \
	  SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)}; pids=""; \
	if [ -n "$${CELERY_BROKER_URL:-$${REDIS_URL:-}}" ]; then \
	  $(PY) -m celery -A config worker -Q mail -n mail@%h --concurrency=1 --loglevel=INFO & pids="$$pids $$!"; \
	  $(PY) -m celery -A config worker -Q payments,background -n payments@%h --concurrency=1 --loglevel=INFO & pids="$$pids $$!"; \
	  $(PY) -m celery -A config beat --loglevel=INFO & pids="$$pids $$!"; \
	fi; \
	trap 'kill $$pids 2>/dev/null || true' EXIT INT TERM; \
	$(PY) -m gunicorn config.wsgi:application --bind 127.0.0.1:$(PORT) \
	  --workers $(WEB_CONCURRENCY) --access-logfile -

## Scale-out test: two gunicorn instances, a Celery worker, SeaweedFS, on PostgreSQL
## (DATABASE_URL, required) and Redis (REDIS_URL, default db 0). The S3 tests (SeaweedFS) run
## in `make test` already.
test-scaleout: install
	rm -rf $(TEST_DATA_DIR) && mkdir -p $(TEST_DATA_DIR)
	DATA_DIR=$(TEST_DATA_DIR) DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/sportello} \
	  $(PY) -m pytest scaleout -m scaleout -p no:xdist $(PYTEST_ARGS)

## Checkout throughput over HTTP against a running `make serve` (see docs/benchmarks.md).
bench-checkout: install
	$(PY) bench/checkout_throughput.py $(BENCH_ARGS)

## Lighthouse (npm `lighthouse`, pinned in bench/lighthouse/, installed under var/) with Debian's
## Chromium on home, a category, a service and the cart of a running `make serve`
## (BASE_URL, default this PORT). FORM_FACTOR=desktop for the desktop preset.
bench-lighthouse: chromium
	CHROME_PATH=$(CHROMIUM) bench/lighthouse/run.sh $${BASE_URL:-http://127.0.0.1:$(PORT)}

## Debian's wrk, the load generator of the throughput ladder.
wrk:
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; \
	  else \
	    echo "wrk is missing: sudo apt-get install wrk" >&2; exit 1; \
	  fi; \
	fi

## Throughput ladder (docs/benchmarks.md): the shop under gunicorn (2 sync workers, catalogue
## cache off and on) against two reference endpoints, 3 interleaved rounds of wrk. SQLite under
## var/ladder unless DATABASE_URL says otherwise; ports LADDER_PORT..LADDER_PORT+3.
LADDER_PORT ?= 8110
bench-ladder: install wrk
	$(PY) bench/ladder.py --port $(LADDER_PORT) $(BENCH_ARGS)
