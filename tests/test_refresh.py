"""Refreshes: only what changed is processed and identities hold (a killed refresh: test_refresh_killed.py)."""

import duckdb
import pytest
from builds import build_warehouse

from orchestration.purge import purge_removed
from orchestration.staging import StagingStore

pytestmark = [pytest.mark.slow, pytest.mark.many_builds]  # refreshes warehouses again and again


def query(database, sql, *params):
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def metadata(result, asset):
    [event] = [e for e in result.get_asset_materialization_events() if e.asset_key.to_user_string() == asset]
    return {k: v.value for k, v in event.materialization.metadata.items()}


AMOUNTS = "select amount_id, amount_yuan, fiscal_year, measure, is_source_removed from fct_amount order by 1"
AMOUNTS_BESIDE = (  # of every file but one
    "select amount_id, amount_yuan, fiscal_year, measure, is_source_removed from fct_amount "
    "where source_file <> ? order by 1"
)


def test_refresh_processes_only_what_changed(seed_build, seed_warehouse_to_refresh):
    _, first = seed_build
    inbox, warehouse = seed_warehouse_to_refresh.bulletins_dir, seed_warehouse_to_refresh.warehouse_dir
    database = seed_warehouse_to_refresh.published_database
    assert metadata(first, "extraction_ledger")["extracted_now"] == 2
    amounts = query(database, AMOUNTS)

    # No change: nothing is read or extracted and no row changes.
    again = build_warehouse(inbox, warehouse)
    assert metadata(again, "raw_bulletin_texts")["texts_added"] == 0
    assert metadata(again, "extraction_ledger")["extracted_now"] == 0
    assert query(database, AMOUNTS) == amounts

    # A new bulletin and a modified file: only these two are extracted.
    report = next(inbox.glob("002_*.txt"))
    old_id = query(database, "select bulletin_id from bulletin_files where source_file = ?", report.name)[0][0]
    n_report = query(database, "select count(*) from fct_amount where source_file = ?", report.name)[0][0]
    beside_report = query(database, AMOUNTS_BESIDE, report.name)
    (inbox / "new bulletin.txt").write_text("河南兰考：2021年，县财政安排教育资金120万元。\n", encoding="utf-8")
    report.write_text(report.read_text(encoding="utf-8") + "\n另安排河道整治资金300万元。\n", encoding="utf-8")
    changed = build_warehouse(inbox, warehouse)
    assert metadata(changed, "extraction_ledger")["extracted_now"] == 2
    # The new bulletin's fact is added; every fact of the files left alone keeps its id and values.
    after_add = query(database, AMOUNTS_BESIDE, report.name)
    assert set(beside_report) < set(after_add) and len(after_add) == len(beside_report) + 1
    # The modified file's facts are replaced; the old text stays in the raw history.
    rows = query(database, "select bulletin_id from fct_amount where source_file = ?", report.name)
    assert len(rows) == n_report + 1 and {r[0] for r in rows} != {old_id}
    assert query(database, "select is_current from bulletin_versions where bulletin_id = ?", old_id) == [(False,)]
    assert ("changed",) in query(database, "select event from file_history where source_file = ?", report.name)

    # A removed file's facts stay, marked; a purge on purpose drops them at the next refresh.
    column = next(inbox.glob("000_*.txt"))
    n_column = query(database, "select count(*) from fct_amount where source_file = ?", column.name)[0][0]
    column.unlink()
    build_warehouse(inbox, warehouse)
    assert query(database, "select is_removed from bulletin_files where source_file = ?", column.name) == [(True,)]
    kept = query(database, "select is_source_removed from fct_amount where source_file = ?", column.name)
    assert len(kept) == n_column and all(flag for (flag,) in kept)
    assert purge_removed(StagingStore(warehouse / "staging")) == [column.name]
    build_warehouse(inbox, warehouse)
    assert query(database, "select count(*) from fct_amount where source_file = ?", column.name) == [(0,)]


def test_a_removed_original_hands_over_to_its_duplicate(seed_warehouse_to_refresh):
    inbox, warehouse = seed_warehouse_to_refresh.bulletins_dir, seed_warehouse_to_refresh.warehouse_dir
    database = seed_warehouse_to_refresh.published_database
    column, original = next(inbox.glob("000_*.txt")).name, next(inbox.glob("002_*.txt"))
    copy = "b copy in gb18030.txt"
    (inbox / copy).write_bytes(original.read_text(encoding="utf-8").encode("gb18030"))
    build_warehouse(inbox, warehouse)
    assert query(database, "select source_file, status from bulletin_files order by 1") == [
        (column, "loaded"),
        (original.name, "loaded"),
        (copy, "duplicate"),
    ]
    original.unlink()
    build_warehouse(inbox, warehouse)
    assert query(database, "select distinct source_file, is_source_removed from fct_amount order by 1") == [
        (column, False),
        (copy, False),
    ]
