"""Where the pipeline reads bulletins and writes the warehouse.

Two environment variables name every path, for Dagster and for the dbt profile alike:

- ``BULLETINS_DIR``: the inbox of raw ``*.txt`` bulletins (default: ``seeds/``);
- ``WAREHOUSE_DIR``: the output folder (default: ``warehouse/``), laid out as

  ``staging/``               Parquet ledgers and batches (see ``orchestration.staging``), read by dbt
  ``build/warehouse.duckdb`` the marts dbt writes (only the pipeline opens it)
  ``build/internal.duckdb``  what analysts never query (staging and intermediate models, built keys, stored test
                             failures), attached to the build database as ``internal`` by dbt and the pipeline
  ``warehouse.duckdb``       the published copy analysts query, replaced by an atomic rename
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
# dbt is installed beside this interpreter (the project's venv), which need not be on PATH.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")


# The catalog name of the internal database, as dbt_project/profiles.yml attaches it (and the macros name it).
INTERNAL_CATALOG = "internal"
# The DuckDB memory the pipeline's own connections may hold (checks, holds, publish, report): DuckDB's default is
# 80 % of RAM, and a full build's checks at 100,000 bulletins read every figure and text (the build process peaked
# at 2.6 GB). Past it DuckDB spills to disk. dbt's own limit is in dbt_project/profiles.yml.
DUCKDB_MEMORY_LIMIT = "1GB"


def internal_database_of(build_database: Path) -> Path:
    """The internal database beside a build database (its path in dbt_project/profiles.yml)."""
    return build_database.with_name(f"{INTERNAL_CATALOG}.duckdb")


@dataclass(frozen=True)
class WarehousePaths:
    bulletins_dir: Path
    warehouse_dir: Path

    @classmethod
    def from_env(cls) -> WarehousePaths:
        bulletins = os.environ.get("BULLETINS_DIR") or PROJECT_ROOT / "seeds"
        warehouse = os.environ.get("WAREHOUSE_DIR") or PROJECT_ROOT / "warehouse"
        return cls(Path(bulletins).resolve(), Path(warehouse).resolve())

    @property
    def staging_dir(self) -> Path:
        return self.warehouse_dir / "staging"

    @property
    def build_database(self) -> Path:
        return self.warehouse_dir / "build" / "warehouse.duckdb"

    @property
    def internal_database(self) -> Path:
        return internal_database_of(self.build_database)

    @property
    def dbt_target(self) -> Path:
        """dbt's artifacts for this warehouse (kept between refreshes for partial parsing)."""
        return self.warehouse_dir / "build" / "dbt_target"

    @property
    def published_database(self) -> Path:
        return self.warehouse_dir / "warehouse.duckdb"

    @property
    def refresh_outcome(self) -> Path:
        """The last refresh's outcome: published, or why not (orchestration.warehouse.publish.record_outcome)."""
        return self.warehouse_dir / "build" / "last_outcome.json"

    @property
    def build_lock(self) -> Path:
        return self.warehouse_dir / "build" / ".lock"
