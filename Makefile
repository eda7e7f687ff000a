# Rapport: `make run` serves the app (gunicorn.conf.py: workers, WORKERS=n to change) with its background consumer
# (Procfile), `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test migrate demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

migrate: $(VENV)/.installed
	$(BIN)/flask --app app db upgrade

# gunicorn and the Huey consumer together (Procfile); Ctrl-C stops both.
run: migrate
	PATH="$(abspath $(BIN)):$$PATH" HOST=$(HOST) $(BIN)/honcho start --port $(PORT)

# The suite runs on every core (pytest-xdist), except on PostgreSQL, whose one test database the workers would share.
TEST_WORKERS ?= $(if $(TEST_DATABASE_URL),0,auto)

test: $(VENV)/.dev-installed
	$(BIN)/bandit -q -r journal --severity-level high
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

demo: migrate
	$(BIN)/flask --app app demo-data --email demo@example.com --password "rapport demo 2026" --contacts 200 --seed 1

clean:
	rm -rf $(VENV) .pytest_cache

bench: $(VENV)/.dev-installed
	$(BIN)/python tests/bench/pages.py
	$(BIN)/python tests/bench/search.py
	$(BIN)/python tests/bench/export.py
	$(BIN)/python tests/bench/pageweight.py
	$(BIN)/python tests/bench/vcards.py
	$(BIN)/python tests/bench/extraction.py

# Load test (docs/benchmarks.md): locust is installed here only, never by `make test`.
.PHONY: loadtest
$(VENV)/.load-installed: requirements-load.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-load.txt
	touch $@

loadtest: $(VENV)/.load-installed
	$(BIN)/python tests/load/run.py $(LOADTEST_ARGS)

# The scale-out drill (README, "The drill"): PostgreSQL, Redis, nginx, two app instances and a consumer on loopback,
# 100 users through nginx, one instance killed a third of the way in; exits 1 when a correctness check fails.
.PHONY: drill
drill: $(VENV)/.load-installed
	$(BIN)/python tests/load/drill.py $(DRILL_ARGS)
