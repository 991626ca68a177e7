"""Model: the dbt project (staging -> intermediate -> marts) and the published warehouse."""

import json
from collections.abc import Mapping
from graphlib import TopologicalSorter
from typing import Any

import dagster as dg
import duckdb

from orchestration.freshness import ledger_state
from orchestration.ingest.inbox import LOADED
from orchestration.locks import file_lock
from orchestration.resources import WarehouseResource
from orchestration.staging import StagingStore
from orchestration.summary import (
    SPENDING_BY_PROVINCE_HEADER,
    markdown_table,
    newest_amounts,
    set_aside,
    spending_by_province,
)
from orchestration.warehouse.build_state import (
    clear_for_full_build,
    dbt_invocation_id,
    forget_marts_digest,
    forget_rows_of_invocation,
    marts_digest,
    needs_full_refresh,
    record_marts_digest,
)
from orchestration.warehouse.checks import row_check_failures
from orchestration.warehouse.describe import describe_dbt_test
from orchestration.warehouse.holds import HoldLedger, dbt_test_failures, too_many
from orchestration.warehouse.project import DbtCliResource, dagster_dbt, dbt_project
from orchestration.warehouse.publish import publish_database, record_outcome, relation_row_counts


class LayerGroupTranslator(dagster_dbt.DagsterDbtTranslator):
    """Groups dbt models by their folder (staging, intermediate, marts), as the layers of the flow."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "model":
            return dbt_resource_props["fqn"][1]
        return super().get_group_name(dbt_resource_props)

    def get_asset_check_spec(
        self, asset_spec: dg.AssetSpec, manifest: Mapping[str, Any], unique_id: str, project: Any
    ) -> dg.AssetCheckSpec | None:
        """A dbt test as a check, with a description in words when its yml gives none."""
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None or spec.description:
            return spec
        return dg.AssetCheckSpec(
            name=spec.name,
            asset=spec.asset_key,
            description=describe_dbt_test(manifest["nodes"][unique_id]),
            additional_deps=spec.additional_deps,
            blocking=spec.blocking,
            metadata=spec.metadata,
            automation_condition=spec.automation_condition,
        )


# Several dbt sources (a ledger and its batches) belong to one Dagster asset.
translator = LayerGroupTranslator(
    settings=dagster_dbt.DagsterDbtTranslatorSettings(enable_asset_checks=True, enable_duplicate_source_asset_keys=True)
)


# Rounds of build-judge-hold: each holds the bulletins the last build's checks blamed and rebuilds without
# them. Two are the rule (one bad bulletin); more only when a rebuild exposes another bulletin's rows.
MAX_BUILD_ROUNDS = 4


@dagster_dbt.dbt_assets(manifest=dbt_project().manifest_path, dagster_dbt_translator=translator)
def warehouse_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    """``dbt build``; then the bulletins whose rows fail a check (a dbt test or a Python row check) are
    held back (holds.py) and dbt builds again without them, so one bad bulletin never stops the rest."""
    paths = warehouse.paths
    with file_lock(paths.build_lock):  # DuckDB allows one writing process
        store = StagingStore(paths.staging_dir)
        holds = HoldLedger(store)
        loaded = store.count_ledger("bulletin_files", {"status": LOADED})
        # Incremental marts (build_state.py): in full when the models or the reference data changed, or the
        # last build did not go through; the same mode for every round of this refresh.
        digest = marts_digest(paths)  # read once: every dbt project file and reference table
        full_refresh = needs_full_refresh(paths, digest)
        forget_marts_digest(paths)
        if full_refresh:
            clear_for_full_build(paths, every_model=_every_dbt_asset(context))
        for build_round in range(1, MAX_BUILD_ROUNDS + 1):
            events, failure = _dbt_build(context, dbt, paths, full_refresh)
            invocation = dbt_invocation_id(paths.dbt_target)
            if failure is not None:
                blamed, blocking = dbt_test_failures(paths.dbt_target / "run_results.json", paths.build_database)
            else:  # the Python row checks read the marts, so only once dbt has built them all
                blamed, blocking = row_check_failures(paths.build_database, invocation), []
            if reason := too_many(blamed, loaded):
                blamed, blocking = [], [*blocking, reason]
            newly_held = holds.hold(blamed, context.run.run_id)
            for held in newly_held:
                context.log.warning("holding back bulletin %s: %s", held.bulletin_id, held.reason)
            if not newly_held or build_round == MAX_BUILD_ROUNDS:
                break
            context.log.info("rebuilding without %d held bulletin(s)", len(newly_held))
            if not full_refresh:
                # The next round's tests look at the rows it writes: it writes this round's rows again.
                forget_rows_of_invocation(paths.build_database, invocation)
        if failure is None and not blocking and not newly_held:
            record_marts_digest(paths, digest)
    for reason in blocking:
        # Without a dbt failure, the blocking asset checks stop the publish and say which rows.
        context.log.error("%s", reason)
    if blocking:
        record_outcome(paths.refresh_outcome, context.run.run_id, False, "; ".join(blocking))
    # Row counts are read once dbt has exited: DuckDB lets no reader in while dbt holds the file.
    counts = relation_row_counts(paths.build_database)
    for event in events:
        if isinstance(event, dg.Output):
            name = context.asset_key_for_output(event.output_name).path[-1]
            if name in counts:
                event = event.with_metadata({**event.metadata, "dagster/row_count": counts[name]})
        yield event
    if failure is not None:
        reasons = "; ".join(blocking) or "dbt build failed"
        raise dg.Failure(f"not published: {reasons}", metadata={"reasons": blocking}) from failure


# A refresh of every dbt asset on the models and reference data of the last full build (its marts digest)
# rebuilds only what holds bulletin data. The views stay as that build created them (their SQL and the
# Parquet folder they read are in the digest), and so do the models tagged `reference` (their data is in the
# digest). dagster-dbt selects every node (`fqn:*`), tests included, so with indirect selection off every
# data test still runs: none is dropped with the view or reference table it also reads.
CHANGED_DATA_ONLY = ["--exclude", "config.materialized:view tag:reference", "--indirect-selection", "empty"]
KEPT_NOTE = "not rebuilt by this refresh: a view or reference data, unchanged since the last full build"


def kept_by_changed_data_only(spec: dg.AssetSpec) -> bool:
    """The dbt assets CHANGED_DATA_ONLY leaves as they are (the same two selectors, read from the spec)."""
    return spec.metadata.get("dagster-dbt/materialization_type") == "view" or "reference" in spec.tags


def _every_dbt_asset(context: dg.AssetExecutionContext) -> bool:
    """Whether this run builds every dbt model and runs every test (a refresh), not a subset picked in the UI
    (for which dagster-dbt chooses the tests to run by indirect selection)."""
    assets_def = context.assets_def
    return context.selected_asset_keys == assets_def.keys and context.selected_asset_check_keys == set(
        assets_def.check_keys
    )


def _dbt_build(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, paths, full_refresh: bool
) -> tuple[list, Exception | None]:
    """The events of one ``dbt build``, and its failure if it failed. A build that kept views and reference
    models (CHANGED_DATA_ONLY) also reports them, as kept: steps downstream of them (the publish) run only
    when each of their upstream assets has an output in the run."""
    keep_unchanged = not full_refresh and _every_dbt_asset(context)
    # First: Dagster wants a multi-asset's outputs in dependency order, and no kept asset reads a rebuilt one.
    events: list = [_kept_output(context, key) for key in KEPT_KEYS] if keep_unchanged else []
    failure = None
    try:
        # Unit tests check model logic, not data: they run in the test suite, not in every refresh.
        # A stable target path lets dbt reuse its partial parse between refreshes.
        # The profile and the sources find the warehouse in this var: the folder that holds the Parquet files.
        warehouse_var = json.dumps({"warehouse_dir": str(paths.warehouse_dir)})
        args = ["build", "--exclude-resource-type", "unit_test", "--vars", warehouse_var]
        if full_refresh:
            args.append("--full-refresh")
        elif keep_unchanged:
            args.extend(CHANGED_DATA_ONLY)
        invocation = dbt.cli(
            args,
            context=context,
            target_path=paths.dbt_target,
        )
        events.extend(invocation.stream())
    except dagster_dbt.errors.DagsterDbtCliRuntimeError as exc:  # report what was built before re-raising
        failure = exc
    return events, failure


def _kept_output(context: dg.AssetExecutionContext, key: dg.AssetKey) -> dg.Output:
    return dg.Output(
        None, output_name=context.assets_def.get_output_name_for_asset_key(key), metadata={"kept": KEPT_NOTE}
    )


MART_KEYS = [spec.key for spec in warehouse_models.specs if spec.group_name == "marts"]
_KEPT_DEPS = {
    spec.key: {dep.asset_key for dep in spec.deps} for spec in warehouse_models.specs if kept_by_changed_data_only(spec)
}
# In dependency order, the order their outputs are yielded in (the sorter also lists their sources: left out).
KEPT_KEYS = [key for key in TopologicalSorter(_KEPT_DEPS).static_order() if key in _KEPT_DEPS]
# Rows of the newest amounts shown in the UI when the warehouse is published.
PREVIEW_ROWS = 10


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
    with file_lock(paths.build_lock):
        counts = publish_database(
            paths.build_database, paths.published_database, context.run.run_id, ledger_state(paths)
        )
    # What an analyst sees first in the UI: the newest figures and spending by province.
    with duckdb.connect(str(paths.published_database), read_only=True) as con:
        header, newest = newest_amounts(con, PREVIEW_ROWS)
        by_province = spending_by_province(con)
        not_in = set_aside(con)
    held = sum(status == "held" for _, status, _ in not_in)
    record_outcome(
        paths.refresh_outcome,
        context.run.run_id,
        True,
        f"{held} bulletin(s) held back by a check" if held else "",
    )
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(paths.published_database)),
            "row_counts": dg.MetadataValue.md("\n".join(f"- {t}: {n}" for t, n in counts.items())),
            "dagster/row_count": counts.get("fct_amount", 0),
            "held_or_quarantined": dg.MetadataValue.md(
                markdown_table(["file", "status", "reason"], not_in) if not_in else "none"
            ),
            "newest_amounts": dg.MetadataValue.md(markdown_table(header, newest)),
            "spending_by_province": dg.MetadataValue.md(markdown_table(SPENDING_BY_PROVINCE_HEADER, by_province)),
        }
    )
