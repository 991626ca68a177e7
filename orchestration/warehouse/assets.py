"""Model: the dbt project (staging -> intermediate -> marts) and the published warehouse."""

import os
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from orchestration.freshness import ledger_state
from orchestration.resources import WarehouseResource
from orchestration.warehouse.project import dbt_project
from orchestration.warehouse.publish import build_lock, publish_database, relation_row_counts


class LayerGroupTranslator(DagsterDbtTranslator):
    """Groups dbt models by their folder (staging, intermediate, marts), as the layers of the flow."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "model":
            return dbt_resource_props["fqn"][1]
        return super().get_group_name(dbt_resource_props)


# Several dbt sources (a ledger and its batches) belong to one Dagster asset.
translator = LayerGroupTranslator(
    settings=DagsterDbtTranslatorSettings(enable_asset_checks=True, enable_duplicate_source_asset_keys=True)
)


@dbt_assets(manifest=dbt_project.manifest_path, dagster_dbt_translator=translator)
def warehouse_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    paths = warehouse.paths
    # The dbt profile and sources read WAREHOUSE_DIR: the same setting that placed the Parquet files.
    os.environ["WAREHOUSE_DIR"] = str(paths.warehouse_dir)
    events, failure = [], None
    with build_lock(paths.build_lock):
        try:
            # Unit tests check model logic, not data: they run in the test suite, not in every refresh.
            # A stable target path lets dbt reuse its partial parse between refreshes.
            invocation = dbt.cli(
                ["build", "--exclude-resource-type", "unit_test"], context=context, target_path=paths.dbt_target
            )
            events.extend(invocation.stream())
        except DagsterDbtCliRuntimeError as exc:  # report what was built before re-raising
            failure = exc
    # Row counts are read once dbt has exited: DuckDB lets no reader in while dbt holds the file.
    counts = relation_row_counts(paths.build_database)
    for event in events:
        if isinstance(event, dg.Output):
            name = context.asset_key_for_output(event.output_name).path[-1]
            if name in counts:
                event = event.with_metadata({**event.metadata, "dagster/row_count": counts[name]})
        yield event
    if failure is not None:
        raise failure


MART_KEYS = [spec.key for spec in warehouse_models.specs if spec.group_name == "marts"]


@dg.asset(
    key="published_warehouse",
    deps=MART_KEYS,
    group_name="publish",
    kinds={"duckdb"},
    description="warehouse.duckdb, the database analysts query: a copy of the checked marts, "
    "swapped in by an atomic rename so readers never see a half-built warehouse.",
)
def published_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    paths = warehouse.paths
    with build_lock(paths.build_lock):
        counts = publish_database(
            paths.build_database, paths.published_database, context.run.run_id, ledger_state(paths)
        )
    return dg.MaterializeResult(
        metadata={
            "path": str(paths.published_database),
            "row_counts": dg.MetadataValue.md("\n".join(f"- {t}: {n}" for t, n in counts.items())),
            "dagster/row_count": counts.get("fct_amount", 0),
        }
    )
