"""A refresh killed while it extracts or while dbt builds leaves the published warehouse intact, and the next
refresh completes, while analysts query, with the facts a clean build gives."""

import os
import signal
import subprocess
import sys
import threading
import time

import duckdb
import pytest
from builds import build_warehouse
from conftest import SEEDS_DIR

from orchestration.settings import PROJECT_ROOT
from orchestration.staging import StagingStore

pytestmark = [pytest.mark.slow, pytest.mark.many_builds]  # kills real refreshes, then builds a clean warehouse

AMOUNTS = "select amount_id, amount_yuan, fiscal_year, measure, is_source_removed from fct_amount order by 1"


def query(database, sql, *params):
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


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


def test_a_killed_refresh_leaves_the_warehouse_intact_and_the_next_one_completes(seed_warehouse_to_refresh, tmp_path):
    paths = seed_warehouse_to_refresh
    inbox, warehouse, home = paths.bulletins_dir, paths.warehouse_dir, tmp_path / "dagster_home"
    home.mkdir()
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
