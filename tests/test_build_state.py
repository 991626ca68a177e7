"""When the incremental marts are rebuilt in full: a change to the dbt project or the reference data, or a
build that did not go through (orchestration/warehouse/build_state.py)."""

import shutil

import duckdb
import pytest

from orchestration.settings import DBT_PROJECT_DIR, WarehousePaths
from orchestration.warehouse import build_state
from orchestration.warehouse.databases import connect_build_database


@pytest.fixture
def paths(tmp_path, monkeypatch) -> WarehousePaths:
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", ".*"))
    monkeypatch.setattr(build_state, "DBT_PROJECT_DIR", project)
    paths = WarehousePaths(tmp_path / "inbox", tmp_path / "warehouse")
    paths.build_database.parent.mkdir(parents=True)
    paths.build_database.write_bytes(b"")
    (paths.staging_dir / "reference").mkdir(parents=True)
    (paths.staging_dir / "reference" / "localities.parquet").write_bytes(b"codes v1")
    return paths


def test_a_build_that_went_through_lets_the_next_one_be_incremental(paths):
    assert build_state.needs_full_refresh(paths, build_state.marts_digest(paths))  # never built
    build_state.record_marts_digest(paths, build_state.marts_digest(paths))
    assert not build_state.needs_full_refresh(paths, build_state.marts_digest(paths))


def test_a_changed_model_file_means_a_full_refresh(paths):
    build_state.record_marts_digest(paths, build_state.marts_digest(paths))
    model = build_state.DBT_PROJECT_DIR / "models" / "marts" / "fct_ratio.sql"
    model.write_text(model.read_text() + "\n-- a comment is a change too\n")
    assert build_state.needs_full_refresh(paths, build_state.marts_digest(paths))


def test_changed_reference_data_means_a_full_refresh(paths):
    build_state.record_marts_digest(paths, build_state.marts_digest(paths))
    (paths.staging_dir / "reference" / "localities.parquet").write_bytes(b"codes v2")
    assert build_state.needs_full_refresh(paths, build_state.marts_digest(paths))


def test_a_build_that_started_and_did_not_finish_means_a_full_refresh(paths):
    build_state.record_marts_digest(paths, build_state.marts_digest(paths))
    build_state.forget_marts_digest(paths)
    assert build_state.needs_full_refresh(paths, build_state.marts_digest(paths))


def test_a_missing_build_database_means_a_full_refresh(paths):
    build_state.record_marts_digest(paths, build_state.marts_digest(paths))
    paths.build_database.unlink()
    assert build_state.needs_full_refresh(paths, build_state.marts_digest(paths))


def test_a_new_version_of_the_checks_means_a_full_refresh(paths, monkeypatch):
    build_state.record_marts_digest(paths, build_state.marts_digest(paths))
    monkeypatch.setattr(build_state.holds, "checks_version", lambda: "checks-changed")
    # the new checks judge every row, not only the new ones
    assert build_state.needs_full_refresh(paths, build_state.marts_digest(paths))


def test_a_moved_warehouse_means_a_full_refresh(paths, tmp_path):
    # the staging views read the Parquet files by the folder's path: a refresh that keeps them needs the same one
    build_state.record_marts_digest(paths, build_state.marts_digest(paths))
    moved = tmp_path / "elsewhere" / "warehouse"
    shutil.copytree(paths.warehouse_dir, moved)
    moved_paths = WarehousePaths(paths.bulletins_dir, moved)
    assert build_state.needs_full_refresh(moved_paths, build_state.marts_digest(moved_paths))


def test_forgetting_a_round_deletes_its_rows_and_their_built_keys_and_keeps_the_rest(tmp_path):
    database = tmp_path / "warehouse.duckdb"
    with connect_build_database(database) as con:  # the built keys are in the internal database
        con.execute("create schema internal.intermediate")
        con.execute(
            "create table main.fct_amount (bulletin_id varchar, build_key varchar, built_by_invocation varchar)"
        )
        con.execute("insert into main.fct_amount values ('b1', 'k1', 'round1'), ('b2', 'k2', 'round2')")
        con.execute("create table internal.intermediate.fct_amount_built_keys as select * from main.fct_amount")
        # computed by scope, not forgotten: the next round recomputes the scopes a held bulletin leaves
        con.execute(
            "create table internal.intermediate.int_spendable_amounts "
            "(bulletin_id varchar, computed_by_invocation varchar)"
        )
        con.execute("insert into internal.intermediate.int_spendable_amounts values ('b2', 'round2')")
        con.execute("create view main.fct_amount_view as select * from main.fct_amount")

    build_state.forget_rows_of_invocation(database, "round2")

    with connect_build_database(database, read_only=True) as con:
        assert con.execute("select bulletin_id from main.fct_amount").fetchall() == [("b1",)]
        built_keys = con.execute("select bulletin_id from internal.intermediate.fct_amount_built_keys").fetchall()
        assert built_keys == [("b1",)]
        assert con.execute("select count(*) from internal.intermediate.int_spendable_amounts").fetchone() == (1,)


def _build_of_the_earlier_layout(paths: WarehousePaths) -> None:
    """A build database that kept the staging and intermediate schemas beside the marts, and an internal one."""
    paths.build_database.parent.mkdir(parents=True, exist_ok=True)
    with connect_build_database(paths.build_database) as con:
        con.execute("create table main.fct_amount as select 'b1' as bulletin_id")
        for schema in ("staging", "intermediate"):
            con.execute(f"create schema {schema}")
            con.execute(f"create table {schema}.kept as select 1 as x")
        con.execute("create table internal.main.built as select 1 as x")


def test_a_full_build_of_every_model_starts_from_empty_database_files(tmp_path):
    paths = WarehousePaths(tmp_path / "inbox", tmp_path / "warehouse")
    _build_of_the_earlier_layout(paths)
    build_state.clear_for_full_build(paths, every_model=True)
    assert not paths.build_database.exists() and not paths.internal_database.exists()


def test_a_full_build_of_some_models_keeps_the_marts_and_drops_the_schemas_beside_them(tmp_path):
    paths = WarehousePaths(tmp_path / "inbox", tmp_path / "warehouse")
    _build_of_the_earlier_layout(paths)
    build_state.clear_for_full_build(paths, every_model=False)
    with duckdb.connect(str(paths.build_database), read_only=True) as con:
        assert con.execute("select schema_name, table_name from duckdb_tables()").fetchall() == [("main", "fct_amount")]
    assert paths.internal_database.exists()
