# Comuna: the two commands of the README (make demo, make test) and the developer chores.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: demo test install install-dev lint test-sqlite test-postgres browser bench bench-cast messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed

## install: the virtual environment with Comuna in it (.venv/bin/comuna)
install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## demo: migrate an SQLite database, load the demo federation, serve at http://127.0.0.1:$PORT
demo: install
	$(BIN)/comuna demo

## test: lint, then every test on SQLite, then on PostgreSQL when one answers
## (the PostgreSQL pass leaves out tests/choice: the counting engine touches no database)
test: install-dev browser lint test-sqlite test-postgres

lint: install-dev
	$(BIN)/ruff check comuna tests bench
	env -u DATABASE_URL $(BIN)/comuna makemigrations --check --dry-run

test-sqlite: install-dev
	env -u DATABASE_URL $(BIN)/pytest -n auto

test-postgres: install-dev
	@url="$${DATABASE_URL:-}"; \
	if [ -z "$$url" ] && $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null; then url="$(PG_URL)"; fi; \
	if [ -z "$$url" ]; then echo "No PostgreSQL answers at 127.0.0.1:5432 and DATABASE_URL is unset: PostgreSQL run skipped."; exit 0; fi; \
	echo "Running the suite on PostgreSQL ($$url)"; \
	DATABASE_URL="$$url" $(BIN)/pytest -n auto --ignore=tests/choice

## browser: Debian's chromium for the Playwright tests, installed when missing
browser:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

## bench: counting-engine benchmarks against the reference tools (pabutools, pref_voting)
bench: install-dev
	$(BIN)/python bench/pb_rules.py
	$(BIN)/python bench/tally.py

## bench-cast: ballots cast through `comuna serve` on PostgreSQL (needs a server at 127.0.0.1:5432)
bench-cast: install-dev
	$(BIN)/python bench/cast.py

## messages: refresh the translation catalogues (es, en, pt) and compile them
messages: install-dev
	cd comuna && ../$(BIN)/comuna makemessages -l es -l en -l pt --no-obsolete --no-location
	cd comuna && ../$(BIN)/comuna compilemessages

clean:
	rm -rf var .pytest_cache .ruff_cache
