"""The Dagster code location: ingest -> extract -> dbt models -> checks -> publish -> report."""

import dagster as dg

from orchestration.extraction.assets import extracted_facts, reference_tables
from orchestration.ingest.assets import raw_bulletins
from orchestration.jobs import refresh_warehouse_job
from orchestration.report.assets import provenance_report
from orchestration.resources import WarehouseResource, warehouse_resources
from orchestration.schedules import nightly_refresh_schedule
from orchestration.sensors import inbox_sensor
from orchestration.warehouse.assets import published_warehouse, warehouse_models
from orchestration.warehouse.checks import warehouse_checks
from orchestration.warehouse.corrections import analyst_corrections

ALL_ASSETS = [
    raw_bulletins,
    analyst_corrections,
    reference_tables,
    extracted_facts,
    warehouse_models,
    published_warehouse,
    provenance_report,
]

defs = dg.Definitions(
    assets=ALL_ASSETS,
    asset_checks=warehouse_checks,
    jobs=[refresh_warehouse_job],
    sensors=[inbox_sensor],
    schedules=[nightly_refresh_schedule],
    resources=warehouse_resources(WarehouseResource.from_env()),
    # "Materialize all" in the UI then takes the path refresh_warehouse takes (one process, no per-step
    # Python and dbt start-up) instead of the default multiprocess executor's.
    executor=dg.in_process_executor,
)


def with_refresh_job_on(executor: dg.ExecutorDefinition, name: str, description: str) -> dg.Definitions:
    """This code location plus the refresh job under another executor (the variants in deploy/dagster/)."""
    job = dg.define_asset_job(name, selection=dg.AssetSelection.all(), executor_def=executor, description=description)
    return dg.Definitions.merge(defs, dg.Definitions(jobs=[job]))
