"""Refreshes: only what changed is processed, identities hold, and a killed run loses nothing."""

import os
import signal
import subprocess
import sys
import threading
import time

import duckdb
import pytest
from builds import build_warehouse
from conftest import SEEDS_DIR, copy_seeds

from orchestration.purge import purge_removed
from orchestration.settings import PROJECT_ROOT, WarehousePaths
from orchestration.staging import StagingStore

pytestmark = pytest.mark.slow  # builds warehouses again and again, and kills real runs


def query(database, sql, *params):
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def metadata(result, asset):
    [event] = [e for e in result.get_asset_materialization_events() if e.asset_key.to_user_string() == asset]
    return {k: v.value for k, v in event.materialization.metadata.items()}


AMOUNTS = "select amount_id, amount_yuan, fiscal_year, measure, is_source_removed from fct_amount order by 1"


def test_refresh_processes_only_what_changed(inbox, tmp_path):
    warehouse = tmp_path / "warehouse"
    database = warehouse / "warehouse.duckdb"
    copy_seeds(inbox)
    first = build_warehouse(inbox, warehouse)
    assert metadata(first, "extraction_ledger")["extracted_now"] == 2
    amounts = query(database, AMOUNTS)

    # No change: nothing is read or extracted and no row changes.
    again = build_warehouse(inbox, warehouse)
    assert metadata(again, "raw_bulletin_texts")["texts_added"] == 0
    assert metadata(again, "extraction_ledger")["extracted_now"] == 0
    assert query(database, AMOUNTS) == amounts

    # A new bulletin: only it is extracted; every earlier fact keeps its id and values.
    (inbox / "new bulletin.txt").write_text("河南兰考：2021年，县财政安排教育资金120万元。\n", encoding="utf-8")
    added = build_warehouse(inbox, warehouse)
    assert metadata(added, "extraction_ledger")["extracted_now"] == 1
    after_add = query(database, AMOUNTS)
    assert set(amounts) < set(after_add) and len(after_add) == len(amounts) + 1

    # A modified file replaces its bulletin's facts; the old text stays in the raw history.
    report = next(inbox.glob("002_*.txt"))
    old_id = query(database, "select bulletin_id from bulletin_files where source_file = ?", report.name)[0][0]
    n_report = query(database, "select count(*) from fct_amount where source_file = ?", report.name)[0][0]
    report.write_text(report.read_text(encoding="utf-8") + "\n另安排河道整治资金300万元。\n", encoding="utf-8")
    changed = build_warehouse(inbox, warehouse)
    assert metadata(changed, "extraction_ledger")["extracted_now"] == 1
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


def test_a_removed_original_hands_over_to_its_duplicate(inbox, tmp_path):
    warehouse = tmp_path / "warehouse"
    seed = next(SEEDS_DIR.glob("002_*.txt"))
    (inbox / "a original.txt").write_bytes(seed.read_bytes())
    (inbox / "b copy in gb18030.txt").write_bytes(seed.read_text(encoding="utf-8").encode("gb18030"))
    build_warehouse(inbox, warehouse)
    database = warehouse / "warehouse.duckdb"
    assert query(database, "select source_file, status from bulletin_files order by 1") == [
        ("a original.txt", "loaded"),
        ("b copy in gb18030.txt", "duplicate"),
    ]
    (inbox / "a original.txt").unlink()
    build_warehouse(inbox, warehouse)
    assert query(database, "select distinct source_file, is_source_removed from fct_amount") == [
        ("b copy in gb18030.txt", False)
    ]


def run_refresh(inbox, warehouse, dagster_home):
    """`make run`'s command as a real process; its output goes to a log file (a pipe could fill up)."""
    env = {
        **os.environ,
        "BULLETINS_DIR": str(inbox),
        "WAREHOUSE_DIR": str(warehouse),
        "DAGSTER_HOME": str(dagster_home),
    }
    with open(dagster_home / "refresh.log", "a") as log:  # the child keeps its own handle
        return subprocess.Popen(
            [sys.executable, "-m", "orchestration.build"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the kill reaches dbt and extraction workers too
        )


def log_of(dagster_home):
    return (dagster_home / "refresh.log").read_text()


def wait_for_change(path, since, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.stat().st_mtime_ns > since:
            return
        time.sleep(0.05)
    raise TimeoutError(f"{path} did not change")


def mtime(path):
    return path.stat().st_mtime_ns if path.exists() else 0


def test_a_killed_refresh_leaves_the_warehouse_intact_and_the_next_one_completes(inbox, tmp_path):
    warehouse, home = tmp_path / "warehouse", tmp_path / "dagster_home"
    home.mkdir()
    paths = WarehousePaths(inbox, warehouse)
    copy_seeds(inbox)
    baseline = run_refresh(inbox, warehouse, home)
    assert baseline.wait() == 0, log_of(home)
    published = paths.published_database
    before = query(published, AMOUNTS)

    # Enough new bulletins that extraction runs in worker processes and takes a few seconds.
    seed_text = next(SEEDS_DIR.glob("000_*.txt")).read_text(encoding="utf-8")
    for n in range(60):
        (inbox / f"issue {n:03d}.txt").write_text(f"第{n}期\n\n" + seed_text, encoding="utf-8")
    store = StagingStore(paths.staging_dir)

    def kill_after_commit(ledger: str, delay: float) -> None:
        """Start a refresh, wait until it commits `ledger`, let it go on for `delay` s, then kill -9 it."""
        since = mtime(store.ledger_path(ledger))
        refresh = run_refresh(inbox, warehouse, home)
        wait_for_change(store.ledger_path(ledger), since)
        time.sleep(delay)
        os.killpg(refresh.pid, signal.SIGKILL)
        refresh.wait()

    kill_after_commit("bulletin_files", delay=1.0)  # while extracting
    assert query(published, AMOUNTS) == before
    kill_after_commit("extractions", delay=1.5)  # while dbt builds
    assert query(published, AMOUNTS) == before

    # The next refresh completes while analysts keep querying: never a lock error or a half-built table.
    seen, errors, done = set(), [], threading.Event()

    def analyst():
        while not done.is_set():
            try:
                with duckdb.connect(str(published), read_only=True) as con:
                    seen.add(con.execute("select count(*) from fct_amount").fetchone()[0])
            except duckdb.Error as exc:
                errors.append(exc)
            time.sleep(0.02)

    reader = threading.Thread(target=analyst)
    reader.start()
    refresh = run_refresh(inbox, warehouse, home)
    returncode = refresh.wait(timeout=600)
    done.set()
    reader.join()
    assert returncode == 0, log_of(home)
    assert errors == []
    final = query(published, AMOUNTS)
    assert seen <= {len(before), len(final)}

    # Nothing lost or doubled: the same facts as a clean build of the same inbox.
    clean = tmp_path / "clean"
    build_warehouse(inbox, clean)
    assert final == query(clean / "warehouse.duckdb", AMOUNTS)
    per_issue = query(
        published, "select count(*) from fct_amount where source_file like 'issue %' group by source_file"
    )
    assert len(per_issue) == 60 and len(set(per_issue)) == 1 and per_issue[0][0] > 0
    # Batches the killed runs left behind were collected.
    for table in ("amounts", "texts"):
        assert len(list(store.batch_dir(table).glob("batch-*.parquet"))) <= 3
