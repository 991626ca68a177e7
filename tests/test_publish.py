"""Publishing swaps warehouse.duckdb atomically: readers never see a lock or a half-built database."""

import duckdb
import pytest

from orchestration.warehouse.publish import publish_database, wait_for_freeing


def make_build(path, rows):
    """A build database: the marts only (dbt writes the rest to the internal database)."""
    with duckdb.connect(str(path)) as con:
        con.execute("create or replace table fct_amount as select range as amount_yuan from range(?)", [rows])


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
        tables = fresh.execute("select schema_name, table_name from duckdb_tables() order by all").fetchall()
        assert tables == [("main", "fct_amount"), ("main", "warehouse_build")]
    wait_for_freeing()  # the replaced file is deleted beside the run
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build.duckdb", "warehouse.duckdb"]


def test_a_replaced_database_left_by_a_killed_publish_is_deleted_by_the_next(tmp_path):
    build, published = tmp_path / "build.duckdb", tmp_path / "warehouse.duckdb"
    make_build(build, 2)
    publish_database(build, published, "run-1")
    (tmp_path / ".warehouse.duckdb.999999.replaced").write_bytes(b"an old copy")
    publish_database(build, published, "run-2")
    wait_for_freeing()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build.duckdb", "warehouse.duckdb"]


@pytest.mark.parametrize(
    "beside",
    [
        "create schema intermediate; create table intermediate.built_keys as select 1 as x",
        "create view fct_amount_view as select * from fct_amount",
    ],
)
def test_a_build_database_holding_more_than_the_marts_is_not_published(tmp_path, beside):
    # every publish copies the whole file: what analysts never query belongs in the internal database
    build, published = tmp_path / "build.duckdb", tmp_path / "warehouse.duckdb"
    make_build(build, 3)
    publish_database(build, published, "run-1")
    with duckdb.connect(str(build)) as con:
        con.execute(beside)

    with pytest.raises(RuntimeError, match="beside the marts"):
        publish_database(build, published, "run-2")

    with duckdb.connect(str(published), read_only=True) as kept:
        assert kept.execute("select run_id from warehouse_build").fetchone() == ("run-1",)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build.duckdb", "warehouse.duckdb"]
