# The two commands: `make run` (the whole platform on embedded defaults) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install system-deps run test test-fast lint format bench asyncapi lock clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --constraint requirements.lock --editable '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Debian packages the tests use: promtool (package prometheus) checks metrics output, and
# headless Chromium drives the dashboard tests (Playwright's own browser download is not used).
system-deps:
	@missing=""; command -v promtool >/dev/null || missing="$$missing prometheus"; \
	  test -x /usr/bin/chromium || missing="$$missing chromium"; \
	  if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	    else echo "missing Debian packages:$$missing (sudo apt-get install$$missing)" >&2; exit 1; fi; \
	  fi

run: install
	$(VENV)/bin/opi dev --simulate --countries mx,gt

test: install system-deps
	$(PY) -m pytest

test-fast: install
	$(PY) -m pytest tests/unit tests/contracts

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	$(PY) -m benchmarks

asyncapi: install
	$(PY) -m opi.asyncapi

lock: install
	$(PY) -m pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

clean:
	rm -rf $(VENV) .opi .pytest_cache .ruff_cache
