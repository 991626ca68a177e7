"""The project's leaner dbt materializations (dbt_project/macros/incremental_materialization.sql,
test_materialization.sql) keep dbt's guards. Their usual path is covered by every refresh test (an incremental
refresh equals a full rebuild: test_incremental_marts.py; a failing test's stored rows hold its bulletin:
test_holds.py); these are the cases a refresh never meets."""

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.settings import DBT_PROJECT_DIR
from orchestration.warehouse.databases import connect_build_database

pytestmark = pytest.mark.slow  # runs dbt against the seed build


def dbt(paths, *args: str) -> subprocess.CompletedProcess:
    """dbt with the vars and target path of the refresh that built the warehouse (dbt reuses its parse)."""
    warehouse_var = json.dumps({"warehouse_dir": str(paths.warehouse_dir)})
    command = [str(Path(sys.executable).parent / "dbt"), *args, "--vars", warehouse_var]
    command += ["--target-path", str(paths.dbt_target), "--profiles-dir", "."]
    return subprocess.run(command, cwd=DBT_PROJECT_DIR, capture_output=True, text=True)


def test_an_incremental_mart_whose_table_no_longer_matches_its_contract_fails_instead_of_inserting(
    seed_warehouse_to_refresh,
):
    paths = seed_warehouse_to_refresh
    with connect_build_database(paths.build_database) as con:
        # one bulletin's ratios to write again (its rows and built key gone), into a table with a column more
        [(bulletin,)] = con.execute("select bulletin_id from main.fct_ratio limit 1").fetchall()
        con.execute("delete from main.fct_ratio where bulletin_id = ?", [bulletin])
        con.execute("delete from internal.intermediate.fct_ratio_built_keys where bulletin_id = ?", [bulletin])
        con.execute("alter table main.fct_ratio add column left_over integer")

    done = dbt(paths, "run", "--select", "fct_ratio")

    assert done.returncode != 0
    assert "out of sync (on_schema_change: fail)" in done.stdout and "left_over INTEGER" in done.stdout
    with connect_build_database(paths.build_database, read_only=True) as con:
        written = con.execute("select count(*) from main.fct_ratio where bulletin_id = ?", [bulletin]).fetchone()
        assert written == (0,)


def test_a_data_test_whose_failures_were_stored_as_a_table_stores_them_as_a_view_again(seed_warehouse_to_refresh):
    paths = seed_warehouse_to_refresh
    relation = "internal.test_failures.fct_ratio_row_rules"
    with connect_build_database(paths.build_database) as con:
        con.execute(f"drop view {relation}")
        con.execute(f"create table {relation} as select 'left over' as failed_rules")

    done = dbt(paths, "test", "--select", "fct_ratio_row_rules")

    assert done.returncode == 0, done.stdout[-3000:]
    with connect_build_database(paths.build_database, read_only=True) as con:
        [(kind,)] = con.execute(
            "select table_type from information_schema.tables "
            "where table_catalog = 'internal' and table_schema = 'test_failures' and table_name = 'fct_ratio_row_rules'"
        ).fetchall()
        assert kind == "VIEW"
        assert con.execute(f"select count(*) from {relation}").fetchone() == (0,)


@pytest.mark.parametrize("full_refresh", [False, True], ids=["rows this build wrote", "full refresh"])
def test_a_row_whose_key_is_missing_from_its_parent_fails_the_row_rules(seed_warehouse_to_refresh, full_refresh):
    """row_rules' relationships look for a refresh's keys in the parent, and hash the parent whole on a full
    refresh: both find a figure whose bulletin is not in dim_bulletin."""
    paths = seed_warehouse_to_refresh
    with connect_build_database(paths.build_database) as con:
        [(bulletin,)] = con.execute("select bulletin_id from main.fct_ratio limit 1").fetchall()
        con.execute("delete from main.dim_bulletin where bulletin_id = ?", [bulletin])
        # its ratios to be written again by this build (so tested by it)
        con.execute("delete from main.fct_ratio where bulletin_id = ?", [bulletin])
        con.execute("delete from internal.intermediate.fct_ratio_built_keys where bulletin_id = ?", [bulletin])

    done = dbt(paths, "build", "--select", "fct_ratio", *(["--full-refresh"] if full_refresh else []))

    assert done.returncode != 0 and "fct_ratio_row_rules" in done.stdout, done.stdout[-3000:]
    with connect_build_database(paths.build_database, read_only=True) as con:
        failing = con.execute(
            "select distinct bulletin_id, failed_rules from internal.test_failures.fct_ratio_row_rules"
        ).fetchall()
    assert failing == [(bulletin, "bulletin_id is not a key of dim_bulletin (bulletin_id)")]


@pytest.mark.parametrize("model", ["dim_function_class", "fct_ratio"], ids=["table", "incremental, full refresh"])
def test_a_duplicate_primary_key_fails_the_build_and_keeps_the_table_it_would_replace(seed_warehouse_to_refresh, model):
    """A contract's primary key is added once the rows are in (macros/create_table_as.sql): a duplicate key still
    fails the model, and the table as it was stays, its key with it."""
    paths = seed_warehouse_to_refresh
    sources = {
        "dim_function_class": paths.warehouse_dir / "staging" / "reference" / "function_classes.parquet",
        "fct_ratio": paths.warehouse_dir / "staging" / "batches" / "ratios" / "*.parquet",
    }
    with connect_build_database(paths.build_database, read_only=True) as con:
        rows_before = con.execute(f"select count(*) from main.{model}").fetchone()
    # one row of its source twice: in a file of its own beside a batch's, or appended to a reference file
    source = sources[model]
    with duckdb.connect() as con:
        con.execute(f"create table source_rows as select * from read_parquet('{source}', union_by_name = true)")
        one_row = "(select * from source_rows limit 1)"
        if "*" in source.name:
            con.execute(f"copy {one_row} to '{source.parent / 'doubled.parquet'}' (format parquet)")
        else:
            con.execute(f"copy (select * from source_rows union all {one_row}) to '{source}' (format parquet)")

    done = dbt(paths, "run", "--select", model, "--full-refresh")

    assert done.returncode != 0
    assert "PRIMARY KEY" in done.stdout or "primary key" in done.stdout, done.stdout[-3000:]
    with connect_build_database(paths.build_database, read_only=True) as con:
        assert con.execute(f"select count(*) from main.{model}").fetchone() == rows_before
        keys = con.execute(
            "select count(*) from duckdb_constraints() where table_name = ? and constraint_type = 'PRIMARY KEY'",
            [model],
        ).fetchone()
        assert keys == (1,)
