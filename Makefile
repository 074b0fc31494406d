# vadesk: `make run` serves the demo practice, `make test` runs every test.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
VADESK := $(VENV)/bin/vadesk

.PHONY: run test test-fast test-sqlite test-postgres test-cluster typecheck lint fmt bench messages clean

$(VENV)/.installed: pyproject.toml
	@python=$$(scripts/find-python) || exit 1; \
	  [ -x $(PY) ] || $$python -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

run: $(VENV)/.installed
	$(VADESK) run

test: $(VENV)/.installed
	@scripts/ensure-test-tools
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory typecheck
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$DATABASE_URL" ]; then $(MAKE) --no-print-directory test-postgres; else echo "DATABASE_URL not set: PostgreSQL run skipped"; fi

# ruff's lint rules and its formatter, configured in pyproject.toml; `make fmt` rewrites, `make lint` only checks.
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

fmt: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy vadesk config

test-sqlite: $(VENV)/.installed
	env -u DATABASE_URL DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest $(PYTEST_ARGS)

# The unit suite on SQLite without the real-server tests (marked `slow`, see vadesk/conftest.py): under a minute.
test-fast: $(VENV)/.installed
	env -u DATABASE_URL DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest -m "not slow" $(PYTEST_ARGS)

test-postgres: $(VENV)/.installed
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest $(PYTEST_ARGS)

# Two `vadesk serve` and two `vadesk worker` processes on one PostgreSQL (docs/operations.md); also part of
# test-postgres, which fails when this `postgres` test skips.
test-cluster: $(VENV)/.installed
	@[ -n "$$DATABASE_URL" ] || { echo "test-cluster needs DATABASE_URL=postgres://…" >&2; exit 1; }
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest vadesk/ops/tests/test_two_webs_two_workers.py $(PYTEST_ARGS)

bench: $(VENV)/.installed
	$(PY) bench/practice.py

# The core catalog lives in vadesk/locale; each capability app (one with its own locale/) keeps its own.
APP_CATALOGS := $(patsubst vadesk/%/locale,%,$(wildcard vadesk/*/locale))
messages: $(VENV)/.installed
	cd vadesk && ../$(VADESK) makemessages -l nl -l de --no-obsolete $(foreach app,$(APP_CATALOGS),--ignore='$(app)/*') --ignore='*/tests/*'
	for app in $(APP_CATALOGS); do (cd vadesk/$$app && ../../$(VADESK) makemessages -l nl -l de --no-obsolete --ignore='tests/*'); done
	cd vadesk && ../$(VADESK) compilemessages

clean:
	rm -rf $(VENV) var
