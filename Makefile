# Pravila: `make run` sets up and serves, `make test` sets up and tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Tests run on every core (pytest-xdist); TEST_WORKERS=0 runs them in this process.
TEST_WORKERS ?= auto

.PHONY: run test lint format check messages seed clean bench-load audit

# Re-install whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_seed --if-empty
	$(PY) manage.py rebuild_search_index --if-incomplete
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Load the seed content again (entries editors changed are kept as they are).
seed: $(VENV)/.installed
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_seed

# Regenerate the translation catalogues after changing UI strings, then compile them.
messages: $(VENV)/.installed
	$(PY) manage.py makemessages --locale ru --locale en --ignore '.venv/*' --no-obsolete
	$(PY) manage.py compilemessages --ignore '.venv/*'

# Load benchmark (kb/bench): the site under gunicorn against a bare Django view, with wrk, on
# SQLite, on PostgreSQL (BENCH_DATABASE_URL) and on PostgreSQL with Redis (BENCH_CACHE_URL).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/pravila_bench
BENCH_CACHE_URL ?= redis://127.0.0.1:6379/14
BENCH_ARGS ?= --rounds 3
bench-load: $(VENV)/.installed
	$(PY) manage.py bench_pages $(BENCH_ARGS)
	psql "$(BENCH_DATABASE_URL)" -c 'SELECT 1' >/dev/null 2>&1 \
	  || createdb -h 127.0.0.1 -U postgres "$(notdir $(BENCH_DATABASE_URL))"
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(PY) manage.py bench_pages $(BENCH_ARGS)
	DATABASE_URL="$(BENCH_DATABASE_URL)" CACHE_URL="$(BENCH_CACHE_URL)" \
	  $(PY) manage.py bench_pages $(BENCH_ARGS)

# Hostile audit (kb/tools/bench/audit.py): brute force, miss-log and /search/open/ floods and cache
# growth against gunicorn on 127.0.0.1, on a new SQLite database; figures printed. With
# AUDIT_ARGS='--cache-url redis://127.0.0.1:6379/13' it serves with Redis and measures its growth.
AUDIT_ARGS ?=
audit: $(VENV)/.installed
	$(PY) manage.py audit $(AUDIT_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache
