"""The refresh job: the whole graph, ingest through publish, with every check."""

import dagster as dg

refresh_warehouse_job = dg.define_asset_job(
    "refresh_warehouse",
    selection=dg.AssetSelection.all(),
    description="Ingest the inbox, extract facts, build and check the dbt marts, publish warehouse.duckdb.",
)
