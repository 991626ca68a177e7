# Quickstart: `make run` builds the warehouse from seeds/, `make test` runs every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

export BULLETINS_DIR ?= $(CURDIR)/seeds
export WAREHOUSE_DIR ?= $(CURDIR)/warehouse
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
# dbt and dagster from the project's venv, also for the subprocesses they start.
export PATH := $(CURDIR)/$(BIN):$(PATH)
GOLD ?= tests/fixtures/gold

.PHONY: install run test eval ui lint clean bench docs docs-serve

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install
	mkdir -p "$(DAGSTER_HOME)" "$(WAREHOUSE_DIR)"
	$(BIN)/python -m orchestration.build $(if $(FORCE),--force)

test: install
	$(BIN)/python -m pytest

eval: install
	$(BIN)/python -m orchestration.extract.evaluation --gold $(GOLD)

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
