"""Warehouses built for tests: the real asset graph materialized in-process (imports Dagster and dbt).

Only slow tests use this module; pure tests never import it, so they load neither Dagster nor dbt.
"""

from pathlib import Path

import dagster as dg

from orchestration.definitions import ALL_ASSETS
from orchestration.extraction import parallel as extract_parallel
from orchestration.resources import WarehouseResource, warehouse_resources
from orchestration.settings import DBT_EXECUTABLE
from orchestration.warehouse.checks import warehouse_checks
from orchestration.warehouse.warm_dbt import start_ahead


def build_warehouse(
    bulletins_dir: Path, warehouse_dir: Path, selection=None, raise_on_error: bool = True
) -> dg.ExecuteInProcessResult:
    """Materialize the real asset graph (ingest -> extract -> dbt -> checks -> publish) in-process."""
    # One warm dbt server for this test process, as `make run` has one for its command: every build's dbt commands
    # fork from it, where each build's own server would import dbt again (3-4 s of a core per build).
    start_ahead(DBT_EXECUTABLE)
    warehouse = WarehouseResource(bulletins_dir=str(bulletins_dir), warehouse_dir=str(warehouse_dir))
    # Entered, so that this instance is the current one while the definitions load: an instance another
    # test entered and disposed may otherwise still be the context's ("undefined DagsterInstance weakref").
    with dg.DagsterInstance.ephemeral() as instance:
        return dg.materialize(
            [*ALL_ASSETS, *warehouse_checks],
            resources=warehouse_resources(warehouse),
            selection=selection,
            raise_on_error=raise_on_error,
            instance=instance,
        )


def extractor_failing_on(monkeypatch, marker: str) -> None:
    """Make the extractor raise on every text that contains ``marker`` (a simulated extractor bug)."""
    real_extract = extract_parallel.extract_document

    def extract_or_fail(text, source=None):
        if marker in text:
            raise RuntimeError("simulated extractor bug")
        return real_extract(text, source)

    monkeypatch.setattr(extract_parallel, "extract_document", extract_or_fail)
