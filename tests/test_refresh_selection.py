"""What a refresh on unchanged models leaves out of its dbt build (orchestration/warehouse/assets.py,
CHANGED_DATA_ONLY): the views and the reference models, reported as kept."""

import json

from orchestration.warehouse.assets import CHANGED_DATA_ONLY, KEPT_KEYS, kept_by_changed_data_only, warehouse_models
from orchestration.warehouse.project import dbt_project

SPECS = {spec.key: spec for spec in warehouse_models.specs}


def test_the_kept_assets_are_the_nodes_the_dbt_exclusion_names():
    # CHANGED_DATA_ONLY excludes `config.materialized:view tag:reference`; the specs must say the same
    assert CHANGED_DATA_ONLY[:2] == ["--exclude", "config.materialized:view tag:reference"]
    nodes = json.loads(dbt_project().manifest_path.read_text())["nodes"]
    excluded = {
        unique_id
        for unique_id, node in nodes.items()
        if node["resource_type"] == "model"
        and (node["config"]["materialized"] == "view" or "reference" in node["config"]["tags"])
    }
    kept = {SPECS[key].metadata["dagster_dbt/unique_id"] for key in KEPT_KEYS}
    assert kept == excluded


def test_bulletin_data_is_never_kept():
    kept = {key.path[-1] for key in KEPT_KEYS}
    assert {"dim_locality", "dim_function_class", "stg_amounts", "int_current_bulletins"} <= kept
    assert not {"fct_amount", "dim_bulletin", "bulletin_files", "agg_spending_by_locality", "fct_correction"} & kept
    assert all(SPECS[key].metadata["dagster-dbt/materialization_type"] in {"view", "table"} for key in KEPT_KEYS)


def test_no_kept_asset_reads_a_rebuilt_one():
    # the kept outputs are yielded before dbt's events: Dagster wants a multi-asset's outputs in dependency order
    rebuilt = {key for key, spec in SPECS.items() if not kept_by_changed_data_only(spec)}
    assert [(key, dep.asset_key) for key in KEPT_KEYS for dep in SPECS[key].deps if dep.asset_key in rebuilt] == []


def test_the_kept_outputs_come_in_dependency_order():
    position = {key: i for i, key in enumerate(KEPT_KEYS)}
    late = [
        (key, dep.asset_key)
        for key in KEPT_KEYS
        for dep in SPECS[key].deps
        if position.get(dep.asset_key, -1) > position[key]
    ]
    assert late == []
