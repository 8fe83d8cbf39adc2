# Manyi: `make run` serves the dashboard on the demo warehouse, `make test` runs every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export MANYI_DB ?= data/manyi.duckdb
PORT ?= 8501
HOST ?= 127.0.0.1

.PHONY: setup run demo test lint format browser-deps bench bench-large clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(BIN)/.installed

$(MANYI_DB): | setup
	$(BIN)/python -m pipelines demo

demo: setup
	$(BIN)/python -m pipelines demo --force

run: setup browser-deps $(MANYI_DB)
	$(BIN)/streamlit run serve.py --server.address $(HOST) --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

browser-deps:
	bash scripts/install_browser.sh

test: setup browser-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	MANYI_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -q --durations=25

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup browser-deps
	$(BIN)/python -m bench
	$(BIN)/python -m bench.report
	$(BIN)/python -m bench.concurrent
	$(BIN)/python -m bench.comments
	$(BIN)/python -m bench.cases
	$(BIN)/python -m bench.calls
	$(BIN)/python -m bench.false_alarms
	$(BIN)/python -m bench.pages

# Issue 15's scale runs, up to 10 million responses and 200 monthly loads (about an hour here).
bench-large: setup
	$(BIN)/python -m bench.scale
	$(BIN)/python -m bench.monthly

clean:
	rm -rf $(VENV) data tests/artifacts .pytest_cache .ruff_cache
