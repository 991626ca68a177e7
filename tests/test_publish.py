"""Publishing swaps warehouse.duckdb atomically: readers never see a lock or a half-built database."""

import duckdb

from orchestration.warehouse.publish import INTERNAL_SCHEMAS, publish_database


def make_build(path, rows):
    with duckdb.connect(str(path)) as con:
        con.execute("create or replace table fct_amount as select range as amount_yuan from range(?)", [rows])
        for schema in INTERNAL_SCHEMAS:
            con.execute(f"create schema if not exists {schema}")
            con.execute(f"create or replace view {schema}.v as select 1 as x")


def test_publish_replaces_the_database_while_a_reader_keeps_its_snapshot(tmp_path):
    build, published = tmp_path / "build.duckdb", tmp_path / "warehouse.duckdb"
    make_build(build, 3)
    assert publish_database(build, published, "run-1")["fct_amount"] == 3

    reader = duckdb.connect(str(published), read_only=True)
    make_build(build, 5)
    counts = publish_database(build, published, "run-2")  # no lock error although a reader is open
    assert counts["fct_amount"] == 5
    assert reader.execute("select count(*) from fct_amount").fetchone() == (3,)  # its old snapshot
    reader.close()

    with duckdb.connect(str(published), read_only=True) as fresh:
        assert fresh.execute("select count(*) from fct_amount").fetchone() == (5,)
        assert fresh.execute("select run_id from warehouse_build").fetchone() == ("run-2",)
        schemas = {s for (s,) in fresh.execute("select schema_name from duckdb_schemas()").fetchall()}
        assert not schemas & set(INTERNAL_SCHEMAS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build.duckdb", "warehouse.duckdb"]
