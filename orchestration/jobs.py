"""The refresh job: the whole graph, ingest through publish, with every check."""

import dagster as dg

refresh_warehouse_job = dg.define_asset_job(
    "refresh_warehouse",
    selection=dg.AssetSelection.all(),
    # The graph is a chain (ingest -> extract -> dbt -> checks -> publish): one process avoids paying
    # Python and dbt start-up per step; extraction parallelises inside its own step.
    executor_def=dg.in_process_executor,
    description="Ingest the inbox, extract facts, build and check the dbt marts, publish warehouse.duckdb.",
)
