"""Publishing: analysts read ``warehouse.duckdb``, which only ever changes by an atomic rename.

dbt writes the build database; once the marts are built and checked, a copy is trimmed to what
analysts query and renamed over the published file. A reader that opened the old file keeps
reading it (the rename does not touch its inode) and never meets a lock or a half-built table.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb

# Schemas of the build database that are not for analysts: views over the staging Parquet files, and
# the failing rows of dbt's data tests (read by the refresh to hold bulletins back).
INTERNAL_SCHEMAS = ("staging", "intermediate", "test_failures")


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
            for schema in INTERNAL_SCHEMAS:
                con.execute(f"drop schema if exists {schema} cascade")  # constant names, no user input
            state = state or {}
            con.execute(
                "create or replace table warehouse_build as "
                "select ? as run_id, ? as published_at, ? as inbox_digest, ? as code_version",
                [run_id, datetime.now(UTC), state.get("inbox_digest"), state.get("code_version")],
            )
            con.execute("checkpoint")
        counts = relation_row_counts(tmp)
        os.replace(tmp, published_database)
    finally:
        tmp.unlink(missing_ok=True)
    return counts


def relation_row_counts(database: Path) -> dict[str, int]:
    """Rows of every table in a DuckDB file, by name (model names are unique across schemas).

    Views are left out: counting one runs its query, and the intermediate models and the stored
    failures of the data tests are views over the whole warehouse (counting them all cost more than
    the checks themselves)."""
    if not database.exists():
        return {}
    with duckdb.connect(str(database), read_only=True) as con:
        relations = con.execute("select schema_name, table_name from duckdb_tables()").fetchall()
        # Names come from the database catalogue, quoted as identifiers.
        return {
            name: con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0] for schema, name in relations
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
