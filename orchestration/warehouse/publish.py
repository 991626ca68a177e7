"""Publishing: analysts read ``warehouse.duckdb``, which only ever changes by an atomic rename.

dbt writes the build database; once the marts are built and checked, a copy is trimmed to what
analysts query and renamed over the published file. A reader that opened the old file keeps
reading it (the rename does not touch its inode) and never meets a lock or a half-built table.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb

# Schemas of the build database that hold views over the staging Parquet files: not for analysts.
INTERNAL_SCHEMAS = ("staging", "intermediate")


@contextmanager
def build_lock(lock_path: Path) -> Iterator[None]:
    """One writer at a time for the build database (DuckDB allows a single writing process)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def publish_database(build_database: Path, published_database: Path, run_id: str) -> dict[str, int]:
    """Copy the build database to the published path atomically; returns row counts per table."""
    with duckdb.connect(str(build_database)) as con:
        con.execute("checkpoint")  # fold the write-ahead log into the file before copying it
    tmp = published_database.with_name(f".{published_database.name}.{os.getpid()}.tmp")
    shutil.copyfile(build_database, tmp)
    try:
        with duckdb.connect(str(tmp)) as con:
            for schema in INTERNAL_SCHEMAS:
                con.execute(f"drop schema if exists {schema} cascade")  # constant names, no user input
            con.execute(
                "create or replace table warehouse_build as select ? as run_id, ? as published_at",
                [run_id, datetime.now(UTC).replace(tzinfo=None)],
            )
            tables = [
                row[0]
                for row in con.execute(
                    "select table_name from duckdb_tables() where schema_name = 'main' order by table_name"
                ).fetchall()
            ]
            counts = {t: con.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}
            con.execute("checkpoint")
        os.replace(tmp, published_database)
    finally:
        tmp.unlink(missing_ok=True)
    return counts
