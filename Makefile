# The two commands: `make run` (the whole platform on embedded defaults) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install system-deps test-servers kafka postgres run test test-fast soak lint format bench asyncapi lock clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --constraint requirements.lock --editable '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Debian packages the tests use: promtool (package prometheus) checks metrics output,
# headless Chromium drives the dashboard tests (Playwright's own browser download is not used),
# Java and Maven fetch and run Apache Kafka.
system-deps:
	@missing=""; command -v promtool >/dev/null || missing="$$missing prometheus"; \
	  test -x /usr/bin/chromium || missing="$$missing chromium"; \
	  command -v java >/dev/null || missing="$$missing openjdk-17-jre-headless"; \
	  command -v mvn >/dev/null || missing="$$missing maven"; \
	  if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	    else echo "missing Debian packages:$$missing (sudo apt-get install$$missing)" >&2; exit 1; fi; \
	  fi

# Apache Kafka's jars from Maven Central, cached outside the repository (~/.cache/opi).
kafka: system-deps
	bash scripts/fetch-kafka.sh

# PostgreSQL on 127.0.0.1:5432, installed and started when nothing answers there.
postgres:
	bash scripts/ensure-postgres.sh

test-servers: kafka postgres

run: install
	$(VENV)/bin/opi dev --simulate --countries mx,gt

test: install system-deps test-servers
	$(PY) -m pytest --durations=25

# The fault harness's long run (20 minutes, 30+ faults); writes test-artifacts/soak-report.md.
soak: install system-deps test-servers
	OPI_SOAK_SECONDS=$${OPI_SOAK_SECONDS:-1200} $(PY) -m pytest tests/reliability -m soak \
	  -o timeout=0 -p no:cacheprovider -s

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
