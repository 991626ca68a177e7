# Quickstart: `make run` builds the warehouse from seeds/, `make test-fast` runs the tests that build no
# warehouse (under a minute: run it first after a rule change), `make test` runs every test (CI).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

export BULLETINS_DIR ?= $(CURDIR)/seeds
export WAREHOUSE_DIR ?= $(CURDIR)/warehouse
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
# dbt and dagster from the project's venv, also for the subprocesses they start.
export PATH := $(CURDIR)/$(BIN):$(PATH)
GOLD ?= tests/fixtures/gold

.PHONY: install lock run test test-fast fuzz eval ui lint clean bench docs docs-serve

# The tested versions (requirements.lock, with the dev extra), then this project on top of them.
$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

# Refresh requirements.lock from pyproject.toml's ranges (for any platform, Python 3.11). Pins that still
# satisfy the ranges are kept; `make lock UPGRADE=1` moves every package to the newest allowed version.
UV_VERSION := 0.13.8
lock: install
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --universal --quiet \
		--custom-compile-command "make lock" $(if $(UPGRADE),--upgrade) -o requirements.lock

run: install
	mkdir -p "$(DAGSTER_HOME)" "$(WAREHOUSE_DIR)"
	$(BIN)/python -m orchestration.build $(if $(FORCE),--force)

# Every test, the files spread over one worker per core (pytest-xdist; a file's tests stay on one
# worker, so its shared warehouse is built once): about two thirds of the serial time on 2 cores.
# PYTEST_WORKERS=0 runs them in this process (docs/scaling.md, the test suite).
PYTEST_WORKERS ?= auto
test: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile

# No warehouse builds, dbt runs, CLI round trips or browsers (tests marked `slow`), on every core.
test-fast: install
	$(BIN)/python -m pytest -n auto --dist loadfile -m "not slow"

# The long fuzz run of the extractor and the ingest step (tests/test_fuzz.py): FUZZ_EXAMPLES per property.
FUZZ_EXAMPLES ?= 20000
fuzz: install
	HYPOTHESIS_PROFILE=fuzz FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest tests/test_fuzz.py -q -p no:cacheprovider \
		--hypothesis-show-statistics

eval: install
	$(BIN)/python -m orchestration.extraction.evaluation --gold $(GOLD)

ui: install
	$(BIN)/python -m orchestration.ui

# The data dictionary: dbt's docs site (models, columns, tests, lineage) with the catalog read from the
# build database after a refresh. Under the build lock, so it never meets a refresh half way.
# Open $(DOCS_DIR)/static_index.html directly (one self-contained file), or `make docs-serve`.
DOCS_DIR ?= $(WAREHOUSE_DIR)/docs
docs: run
	cd dbt_project && flock "$(WAREHOUSE_DIR)/build/.lock" ../$(BIN)/dbt docs generate --static --quiet \
		--profiles-dir . --target-path "$(DOCS_DIR)"
	@echo "data dictionary: $(DOCS_DIR)/static_index.html  (or: make docs-serve, then http://localhost:8080)"

docs-serve:
	cd dbt_project && ../$(BIN)/dbt docs serve --profiles-dir . --target-path "$(DOCS_DIR)" --port 8080 --no-browser

# Synthetic corpora of 200, 2,000 and 20,000 bulletins: per-stage time, chars/s, peak memory, refresh
# time, JioNLP's extract_money side by side (see docs/scaling.md). make bench BENCH_ARGS=--quick: 50, 200.
bench: install
	$(BIN)/python -c "import jionlp" >/dev/null 2>&1 || $(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python -m bench.run_bench $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check orchestration tests
	$(BIN)/ruff format --check orchestration tests

clean:
	rm -rf "$(WAREHOUSE_DIR)"/staging "$(WAREHOUSE_DIR)"/build "$(WAREHOUSE_DIR)"/warehouse.duckdb dbt_project/target
