"""When the incremental marts must be rebuilt in full (docs/scaling.md, "Incremental marts").

The marts keyed by bulletin keep each bulletin's rows while what they derive from is unchanged (the build
keys of dbt_project/models/intermediate/int_bulletin_build_keys.sql). What the keys do not cover, the models
themselves, the reference data and the checks, is compared here: a digest of the dbt project's files, of the
reference tables and of the checks' version (the Python row checks judge only the rows a build wrote, so new
checks must see every row), stored beside the build database once a build went through. A different or
missing digest means a full refresh.

The digest is removed before dbt starts and written back only after a build with no failure, so a build that
was killed or failed (its marts may be half old, half new, or hold rows no test passed) is followed by a
full refresh. This is a file, not a dbt var: a var that changes every refresh would cost dbt a full parse.
"""

from __future__ import annotations

import hashlib
import json
from importlib.metadata import version as installed_version
from pathlib import Path

import duckdb

from orchestration.settings import DBT_PROJECT_DIR, WarehousePaths
from orchestration.warehouse import holds
from orchestration.warehouse.databases import connect_build_database

# Files of the dbt project that define what the marts hold (not its target/ or logs/).
_PROJECT_SUFFIXES = {".sql", ".yml", ".yaml", ".md", ".csv"}
_NOT_PROJECT = {"target", "logs"}


def marts_digest(paths: WarehousePaths) -> str:
    """The dbt project (models, macros, tests, dbt_project.yml), dbt's version, the reference tables, the
    checks' version (the extractor's, the dbt project's and the Python row checks') and the warehouse folder
    (the staging views read its Parquet files by path: a moved warehouse gets them created again)."""
    digest = hashlib.sha256(installed_version("dbt-core").encode() + holds.checks_version().encode())
    digest.update(str(paths.warehouse_dir).encode() + b"\0")
    for path in sorted(DBT_PROJECT_DIR.rglob("*")):
        relative = path.relative_to(DBT_PROJECT_DIR)
        if path.is_file() and path.suffix in _PROJECT_SUFFIXES and not _NOT_PROJECT & set(relative.parts):
            digest.update(relative.as_posix().encode() + b"\0" + path.read_bytes())
    for path in sorted((paths.staging_dir / "reference").glob("*.parquet")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _digest_file(paths: WarehousePaths) -> Path:
    return paths.build_database.parent / "marts_digest.txt"


def needs_full_refresh(paths: WarehousePaths, digest: str) -> bool:
    """Whether the marts were last built, successfully, by other models or reference data than this build's
    ``marts_digest`` says (or never)."""
    stored = _digest_file(paths)
    if not paths.build_database.exists() or not stored.exists():
        return True
    return stored.read_text() != digest


def forget_marts_digest(paths: WarehousePaths) -> None:
    """Before a build: until it succeeds, the marts are not known to match any digest."""
    _digest_file(paths).unlink(missing_ok=True)


def record_marts_digest(paths: WarehousePaths, digest: str) -> None:
    """After a build with no failure: the next one may be incremental. ``digest``: the one the build started
    from (what the marts were built by)."""
    target = _digest_file(paths)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".tmp")
    partial.write_text(digest)
    partial.replace(target)


def dbt_invocation_id(dbt_target: Path) -> str | None:
    """The invocation id of the last dbt command run with this target path (its run_results.json)."""
    run_results = dbt_target / "run_results.json"
    if not run_results.exists():
        return None
    return json.loads(run_results.read_text()).get("metadata", {}).get("invocation_id")


def incremental_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    """The (catalog, schema, table) that carry built_by_invocation, in the build database and the internal one: the
    incremental models and the tables of the build keys their rows were built from
    (dbt_project/macros/incremental_marts.sql)."""
    return con.execute(
        "select database_name, schema_name, table_name from duckdb_columns() "
        "semi join duckdb_tables() using (database_name, schema_name, table_name) "
        "where column_name = 'built_by_invocation' order by all"
    ).fetchall()


def forget_rows_of_invocation(database: Path, invocation_id: str | None) -> None:
    """Delete the rows one dbt invocation wrote in the incremental models, and their build keys, so the next build
    writes (and tests) them again. Between two rounds of one refresh, while no dbt process holds the database."""
    if invocation_id is None or not database.exists():
        return
    with connect_build_database(database) as con:
        for catalog, schema, table in incremental_tables(con):
            # the names come from the database's own catalogue
            con.execute(f'delete from "{catalog}"."{schema}"."{table}" where built_by_invocation = ?', [invocation_id])


def clear_for_full_build(paths: WarehousePaths, every_model: bool) -> None:
    """Before a full build. Of every model: start from empty database files, so that the build database holds the
    new marts and nothing else: neither the free blocks of the tables they replace nor what a build of an earlier
    layout kept beside them (the staging and intermediate schemas), which every publish would copy. Of some models
    (picked in the UI): the others stay, but the build database keeps no schema beside the marts."""
    if every_model:
        for database in (paths.build_database, paths.internal_database):
            database.unlink(missing_ok=True)
            database.with_name(database.name + ".wal").unlink(missing_ok=True)
        return
    if not paths.build_database.exists():
        return
    with duckdb.connect(str(paths.build_database)) as con:
        for (schema,) in con.execute(
            "select distinct schema_name from duckdb_schemas() "
            "where database_name = current_database() and not internal and schema_name <> 'main'"
        ).fetchall():
            con.execute(f'drop schema "{schema}" cascade')  # a name from the database's own catalogue
