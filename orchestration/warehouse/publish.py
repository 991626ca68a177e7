"""Publishing: analysts read ``warehouse.duckdb``, which only ever changes by an atomic rename.

dbt writes the marts to the build database and everything else to the internal database beside it
(dbt_project/profiles.yml); once the marts are built and checked, a copy of the build database is renamed over
the published file. A reader that opened the old file keeps reading it (the rename does not touch its inode) and
never meets a lock or a half-built table. The copy is the whole file, so the build database holds only the marts.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import threading
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.warehouse.databases import connect_build_database


def publish_database(
    build_database: Path, published_database: Path, run_id: str, state: dict[str, str] | None = None
) -> dict[str, int]:
    """Copy the build database to the published path atomically; returns row counts per table."""
    with duckdb.connect(str(build_database)) as con:
        con.execute("checkpoint")  # fold the write-ahead log into the file before copying it
    tmp = published_database.with_name(f".{published_database.name}.{os.getpid()}.tmp")
    shutil.copyfile(build_database, tmp)
    try:
        with duckdb.connect(str(tmp)) as con:
            if beside := relations_beside_the_marts(con):
                raise RuntimeError(
                    f"not published: the build database holds {', '.join(beside)} beside the marts "
                    "(they belong in the internal database; a full refresh of every model starts it anew)"
                )
            state = state or {}
            con.execute(
                "create or replace table warehouse_build as "
                "select ? as run_id, ? as published_at, ? as inbox_digest, ? as code_version",
                [run_id, datetime.now(UTC), state.get("inbox_digest"), state.get("code_version")],
            )
            con.execute("checkpoint")
            counts = _table_row_counts(con)
        _replace_freeing_later(tmp, published_database)
    finally:
        tmp.unlink(missing_ok=True)
    return counts


# Threads deleting replaced databases; the process waits for them when it exits.
_freeing: list[threading.Thread] = []


def _replace_freeing_later(new: Path, published: Path) -> None:
    """Rename ``new`` over ``published``, and free the replaced file's disk space in a thread.

    Freeing a 1 GB file written back to disk costs ext4 0.6-0.9 s (measured), and a rename over it pays that
    cost when it drops its last name. A second name taken first keeps the rename cheap; the thread then deletes
    that name while the run goes on (the report), and a reader that still has the old file open keeps it."""
    for left in published.parent.glob(f".{published.name}.*.replaced"):  # left by a process that was killed
        left.unlink(missing_ok=True)
    replaced = published.with_name(f".{published.name}.{os.getpid()}.replaced")
    try:
        os.link(published, replaced)
    except OSError:  # nothing published yet, or a file system without hard links: a plain rename
        replaced = None
    os.replace(new, published)
    if replaced is not None:
        thread = threading.Thread(target=replaced.unlink, name="free-replaced-warehouse", daemon=True)
        thread.start()
        _freeing[:] = [*(t for t in _freeing if t.is_alive()), thread]  # a long-lived process keeps no dead ones


def wait_for_freeing() -> None:
    """Return once every replaced database this process published over is deleted (run at exit)."""
    while _freeing:
        _freeing.pop().join()


atexit.register(wait_for_freeing)


def relations_beside_the_marts(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables and views of the connected database outside its main schema, and its views (a view could
    name a relation of the internal database, which analysts do not have)."""
    rows = con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = current_database() "
        "and schema_name <> 'main' "
        "union all select schema_name, view_name from duckdb_views() where database_name = current_database() "
        "and not internal order by all"
    ).fetchall()
    return [f"{schema}.{name}" for schema, name in rows]


def relation_row_counts(build_database: Path) -> dict[str, int]:
    """Rows of every table of the build database and of the internal one, by name (model names are unique).

    Views are left out: counting one runs its query, and the staging models and the stored failures of the
    data tests are views over the whole warehouse (counting them all cost more than the checks themselves)."""
    if not build_database.exists():
        return {}
    with connect_build_database(build_database, read_only=True) as con:
        return _table_row_counts(con)


def _table_row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    relations = con.execute("select database_name, schema_name, table_name from duckdb_tables()").fetchall()
    # Names come from the database catalogue, quoted as identifiers.
    return {
        name: con.execute(f'select count(*) from "{catalog}"."{schema}"."{name}"').fetchone()[0]
        for catalog, schema, name in relations
    }


def record_outcome(outcome_path: Path, run_id: str, published: bool, reason: str) -> None:
    """What the last refresh did, in one line a user sees first (``make run``, ``fiscal status``)."""
    outcome_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = outcome_path.with_name(f".{outcome_path.name}.{os.getpid()}.tmp")
    record = {"run_id": run_id, "at": datetime.now(UTC).isoformat(timespec="seconds"), "published": published}
    tmp.write_text(json.dumps({**record, "reason": reason}, ensure_ascii=False))
    os.replace(tmp, outcome_path)


def read_outcome(outcome_path: Path) -> dict | None:
    try:
        return json.loads(outcome_path.read_text())
    except (OSError, ValueError):
        return None
