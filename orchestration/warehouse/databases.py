"""The build database with the internal one attached, as dbt sees them (dbt_project/profiles.yml).

dbt writes the marts to the build database and every relation analysts never query to the internal database,
attached as ``internal``; the views there name their relations with both catalogs, so whoever reads them opens
the build database under its own file name and attaches the internal one under the same alias.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.settings import DUCKDB_MEMORY_LIMIT, INTERNAL_CATALOG, internal_database_of


def connect_build_database(build_database: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the build database with the internal database attached (when reading, only if it exists)."""
    con = duckdb.connect(str(build_database), read_only=read_only)
    con.execute(f"set memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
    internal = internal_database_of(build_database)
    if read_only and not internal.exists():
        return con
    path = str(internal).replace("'", "''")  # a file path, quoted as a string literal
    con.execute(f"attach '{path}' as {INTERNAL_CATALOG}" + (" (read_only)" if read_only else ""))
    return con
