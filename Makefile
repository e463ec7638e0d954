# Tokonomix: `make run` serves the site with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

# The first Python 3.12+ found: python3.13, python3.12, pyenv's versions, then python3.
PYTHON_BIN ?= $(shell for c in python3.13 python3.12 \
	$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV) python3; do \
	if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	echo $$c; break; fi; done)

# `make run` is the development set-up: debug on, tasks in-process unless REDIS_URL is set.
RUN_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-true}
# collectstatic only needs some key; it never signs anything.
STATIC_ENV := DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-collectstatic-only-key}

.PHONY: help env venv run test lint bench audit lock clean

help:
	@echo "make run    serve the site with demo data at http://127.0.0.1:8000/"
	@echo "make env    write a development .env (debug on, a fresh secret key) if there is none"
	@echo "make test   run the whole test suite"
	@echo "make lint   the import layers (import-linter), ruff, mypy (django-stubs), djlint"
	@echo "make bench  print the performance figures"
	@echo "make audit  check the locked dependencies for known vulnerabilities"
	@echo "make lock   re-lock dependencies after editing pyproject.toml (needs uv)"

$(INSTALLED): requirements.lock
	@if [ -z "$(PYTHON_BIN)" ]; then \
		echo "Tokonomix needs Python 3.12 or newer and found none." >&2; \
		echo "Install one, or run: make PYTHON_BIN=/path/to/python3.12 $(MAKECMDGOALS)" >&2; \
		exit 1; fi
	@test -x $(PY) || { echo "Creating $(VENV) with $(PYTHON_BIN)"; $(PYTHON_BIN) -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@touch $@

venv: $(INSTALLED)

staticfiles/staticfiles.json: $(INSTALLED) tokonomix/settings.py $(shell find static -type f 2>/dev/null)
	$(STATIC_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	@touch $@

# A development .env from .env.example, with a secret key of its own; never overwritten.
.env:
	@key=$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))'); \
	sed "s|^DJANGO_SECRET_KEY=$$|DJANGO_SECRET_KEY=$$key|" .env.example > .env
	@echo "Wrote .env for development (debug on, a new secret key). Edit it as you like."

env: .env

run: env venv staticfiles/staticfiles.json
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py load_demo
	@# The simulator answers the demo's speed-test targets and the live testbench.
	@$(RUN_ENV) $(PY) manage.py llm_simulator --port 8765 >/dev/null 2>&1 & simulator=$$!; \
	trap 'kill $$simulator 2>/dev/null' EXIT INT TERM; \
	$(RUN_ENV) $(PY) manage.py runserver --nostatic 127.0.0.1:8000

test: venv staticfiles/staticfiles.json
	$(PY) -m pytest

lint: venv
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(STATIC_ENV) $(VENV)/bin/mypy .
	$(VENV)/bin/djlint templates --lint

bench: venv staticfiles/staticfiles.json
	@failed=""; for script in tests/bench/bench_*.py; do echo "== $$script"; \
		$(PY) $$script || failed="$$failed $$script"; done; \
	if [ -n "$$failed" ]; then echo "Missed a target:$$failed"; exit 1; fi

# Exit 0: audited, none known; 1: vulnerabilities; 2: could not audit (no database answered).
audit: venv
	$(PY) tests/tools/audit_dependencies.py

lock:
	uv lock
	uv export --frozen --group dev --no-emit-project -o requirements.lock -q

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache
