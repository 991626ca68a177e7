"""The analysts' corrections in the pipeline: read into a staging ledger that dbt applies (checks: checks.py).

The file is copied into ``staging/ledger/corrections.parquet`` at every refresh rather than read by dbt
directly: dbt then reads only staging Parquet (one place for paths, no var for a file that may not
exist), the ledger records what the refresh applied (the freshness check compares its digest with the
file's), and the format of each row is judged once, here, with the same code `fiscal correct` uses.
Editing the file rebuilds the marts without re-extracting anything.
"""

import dagster as dg

from orchestration.corrections import corrections_path, ledger_rows, read_corrections
from orchestration.locks import ledger_lock
from orchestration.resources import WarehouseResource
from orchestration.staging import StagingStore

ANALYST_CORRECTIONS = dg.AssetKey("analyst_corrections")


@dg.asset(
    key=ANALYST_CORRECTIONS,
    group_name="ingest",
    kinds={"python", "parquet"},
    description="The analysts' corrections (corrections.csv in the inbox, or CORRECTIONS_FILE), one row per "
    "decision, with the format problem of each invalid row: applied by dbt over the extracted facts.",
)
def analyst_corrections(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    paths = warehouse.paths
    store = StagingStore(paths.staging_dir)
    store.ensure_layout()
    path = corrections_path(paths.bulletins_dir)
    rows = ledger_rows(read_corrections(path))
    with ledger_lock(store.root):
        store.write_ledger("corrections", rows)
    invalid = sum(row["format_problem"] is not None for row in rows)
    context.log.info("%d correction(s) read from %s, %d with a format problem", len(rows), path, invalid)
    return dg.MaterializeResult(metadata={"dagster/row_count": len(rows), "file": str(path), "invalid_format": invalid})
