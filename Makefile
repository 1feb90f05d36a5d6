# Comuna: the two commands of the README (make demo, make test) and the developer chores.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: demo test install install-dev pango lock lint test-sqlite test-postgres browser bench bench-cast bench-api fuzz messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# The exact versions, with hashes, live in requirements.lock (runtime) and requirements-dev.lock
# (runtime and the dev extra); pyproject.toml keeps the ranges. `make lock` writes both.
$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --require-hashes -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	$(BIN)/python -m pip check
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	$(BIN)/python -m pip check
	touch $@ $(VENV)/.installed

## install: the virtual environment with Comuna in it (.venv/bin/comuna)
install: pango $(VENV)/.installed

install-dev: pango $(VENV)/.installed-dev

## pango: Debian's Pango, which WeasyPrint needs for the assemblies' minutes as PDF, installed
## when missing
pango:
	@{ ldconfig -p 2>/dev/null || /sbin/ldconfig -p; } | grep -q libpango-1.0 || { \
	  echo "Installing Debian's Pango for WeasyPrint (the minutes' PDF)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; }

# uv writes the lock files; it lives in a venv of its own, only `make lock` needs it
UV_VERSION := 0.13.9
UV := $(VENV)/lock-tools/bin/uv
LOCK_ARGS ?=
UV_COMPILE = $(UV) pip compile pyproject.toml --quiet --generate-hashes --python-version 3.11 \
	--python-platform x86_64-unknown-linux-gnu --custom-compile-command 'make lock' $(LOCK_ARGS)

$(UV):
	$(PYTHON) -m venv $(VENV)/lock-tools
	$(VENV)/lock-tools/bin/python -m pip install -q uv==$(UV_VERSION)

## lock: re-resolve both lock files from pyproject.toml's ranges (CPython 3.11, Linux), keeping the
## pins that still fit; `make lock LOCK_ARGS=--upgrade` moves every pin to the newest that fits
lock: $(UV)
	$(UV_COMPILE) --extra dev -o requirements-dev.lock
	$(UV_COMPILE) -c requirements-dev.lock -o requirements.lock

## demo: migrate an SQLite database, load the demo federation, serve at http://127.0.0.1:$PORT
demo: install
	$(BIN)/comuna demo

## test: lint, then every test on SQLite, then on PostgreSQL when one answers
## (the PostgreSQL pass leaves out tests/choice, the counting engine, which touches no database,
## and the browser tests, whose demo server runs on its own SQLite database either way)
test: install-dev browser lint test-sqlite test-postgres

lint: install-dev
	$(BIN)/ruff check comuna tests bench
	$(BIN)/mypy comuna/choice
	@mkdir -p var  # where the SQLite database lives, so the check can read its history
	env -u DATABASE_URL $(BIN)/comuna makemigrations --check --dry-run

test-sqlite: install-dev
	env -u DATABASE_URL $(BIN)/pytest -n auto --dist loadgroup

test-postgres: install-dev
	@url="$${DATABASE_URL:-}"; \
	if [ -z "$$url" ] && $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null; then url="$(PG_URL)"; fi; \
	if [ -z "$$url" ]; then echo "No PostgreSQL answers at 127.0.0.1:5432 and DATABASE_URL is unset: PostgreSQL run skipped."; exit 0; fi; \
	echo "Running the suite on PostgreSQL ($$url)"; \
	DATABASE_URL="$$url" $(BIN)/pytest -n auto --dist loadgroup --ignore=tests/choice -m "not slow and not browser"

## browser: Debian's chromium for the Playwright tests, installed when missing
browser:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }
	@command -v faketime >/dev/null || { \
	  echo "Installing Debian's faketime (a browser walk serves the demo some days later)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq faketime >/dev/null; }

## bench: counting-engine benchmarks against the reference tools (pabutools, pref_voting)
bench: install-dev
	$(BIN)/python bench/pb_rules.py
	$(BIN)/python bench/tally.py

## bench-cast: ballots cast through `comuna serve` on PostgreSQL (needs a server at 127.0.0.1:5432)
bench-cast: install-dev
	$(BIN)/python bench/cast.py

## bench-api: GETs of the public API (a poll, its ballots, a ledger page) from `comuna serve` on
## PostgreSQL (needs a server at 127.0.0.1:5432)
bench-api: install-dev
	$(BIN)/python bench/api.py

## fuzz: the fuzzing targets (.pb reader, census import) with FUZZ_EXAMPLES examples each (the
## default suite runs 60); hypothesis prints any crash it finds, keep it as an @example
FUZZ_EXAMPLES ?= 5000
fuzz: install-dev
	env -u DATABASE_URL FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -n 2 -m fuzz tests/fuzz --hypothesis-show-statistics --durations=0

## messages: refresh the translation catalogues (es, en, pt) and compile them
messages: install-dev
	cd comuna && ../$(BIN)/comuna makemessages -l es -l en -l pt --no-obsolete --no-location
	cd comuna && ../$(BIN)/comuna compilemessages

clean:
	rm -rf var .pytest_cache .ruff_cache
