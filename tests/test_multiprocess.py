"""The local stand-in for distributed runs: every step in its own process (deploy/dagster/multiprocess.py),
the extraction fanned out over several shard steps whose batches one dbt build reads."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import copy_seeds

from orchestration.extraction.shards import plan_shards
from orchestration.settings import PROJECT_ROOT
from orchestration.staging import StagingStore

# A refresh under Dagster's multiprocess executor, and one in-process to compare.
pytestmark = [pytest.mark.slow, pytest.mark.many_builds]

COMPOSED_TEXTS = PROJECT_ROOT / "tests" / "fixtures" / "composed" / "texts"
SHARDS = 4  # as deploy/dagster/run_config.multiprocess.yaml asks


def published_rows(warehouse_dir: Path, table: str) -> list[tuple]:
    """A mart's rows without the bookkeeping of the build that wrote them: its dbt invocation, and the build
    key, which names the extraction batch (one per shard here, one for the in-process build)."""
    with duckdb.connect(str(warehouse_dir / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(f"select * exclude (build_key, built_by_invocation) from {table} order by all").fetchall()


def test_refresh_under_the_multiprocess_executor_fans_the_extraction_out(inbox, tmp_path):
    from builds import build_warehouse  # Dagster and dbt load here, only for the tests that build

    copy_seeds(inbox)
    for text in COMPOSED_TEXTS.glob("*.txt"):  # enough bulletins that every shard gets some
        shutil.copy(text, inbox / text.name)
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "deploy" / "dagster" / "dagster.local.yaml", home / "dagster.yaml")
    warehouse = tmp_path / "warehouse"
    env = {
        **os.environ,
        "BULLETINS_DIR": str(inbox),
        "WAREHOUSE_DIR": str(warehouse),
        "DAGSTER_HOME": str(home),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    dagster = Path(sys.executable).parent / "dagster"
    done = subprocess.run(
        [
            str(dagster), "job", "execute",
            "-f", "deploy/dagster/multiprocess.py", "-a", "defs",
            "-j", "refresh_warehouse_multiprocess",
            "-c", "deploy/dagster/run_config.multiprocess.yaml",
        ],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    with dg.DagsterInstance.from_config(str(home)) as instance:
        [run] = instance.get_runs()
        assert run.status == dg.DagsterRunStatus.SUCCESS
        starts = [e for e in instance.all_logs(run.run_id) if e.dagster_event and e.dagster_event.is_step_start]
    # Steps ran in separate processes: the run's step-start events carry different pids.
    assert len({e.dagster_event.pid for e in starts}) == len(starts) > 3

    # One extract step per planned shard (all of them non-empty here), each its own process and batch.
    store = StagingStore(warehouse / "staging")
    extractions = store.read_ledger("extractions")
    planned = plan_shards({e["bulletin_id"]: "" for e in extractions}, SHARDS)
    assert len(planned) == SHARDS and len(extractions) == 15
    shard_steps = {e.step_key: e.dagster_event.pid for e in starts if ".extract_shard[" in e.step_key}
    assert sorted(shard_steps) == [f"extracted_facts.extract_shard[s{k}]" for k in planned]
    batch_of = {e["bulletin_id"]: e["batch_id"] for e in extractions}
    shard_batches = [{batch_of[bulletin_id] for bulletin_id in todo} for todo in planned.values()]
    assert all(len(batches) == 1 for batches in shard_batches)  # a shard's bulletins share its batch
    assert sorted(b for [b] in shard_batches) == sorted({*batch_of.values()})  # one batch per shard, all named
    assert all(e["status"] == "ok" for e in extractions)
    written = {path.name.removeprefix("batch-").split(".")[0] for path in store.batch_dir("amounts").glob("batch-*")}
    assert {*batch_of.values()} <= written

    # One dbt build read every shard's batch: the marts equal those of a one-step, in-process build.
    in_process = tmp_path / "in_process"
    build_warehouse(inbox, in_process)
    amounts = published_rows(warehouse, "fct_amount")
    with_amounts = {row[1] for row in amounts}  # bulletin_id
    assert all(with_amounts & set(todo) for todo in planned.values())  # facts of every shard
    assert amounts == published_rows(in_process, "fct_amount")
    assert published_rows(warehouse, "fct_ratio") == published_rows(in_process, "fct_ratio")


def test_a_failed_shard_commits_nothing_and_the_next_refresh_extracts_it_all(inbox, tmp_path, monkeypatch):
    from orchestration.extraction import assets as extraction_assets
    from orchestration.ingest.assets import raw_bulletins
    from orchestration.resources import WarehouseResource, warehouse_resources

    copy_seeds(inbox)
    for text in COMPOSED_TEXTS.glob("*.txt"):
        shutil.copy(text, inbox / text.name)
    warehouse = WarehouseResource(bulletins_dir=str(inbox), warehouse_dir=str(tmp_path / "warehouse"))
    store = StagingStore(warehouse.paths.staging_dir)
    two_shards = {"ops": {"extracted_facts": {"config": {"shards": 2, "workers_per_shard": 1}}}}

    def extract() -> dg.ExecuteInProcessResult:
        with dg.DagsterInstance.ephemeral() as instance:
            return dg.materialize(
                [raw_bulletins, extraction_assets.extracted_facts],  # no dbt: the commit is what is checked
                resources=warehouse_resources(warehouse),
                run_config=two_shards,
                raise_on_error=False,
                instance=instance,
            )

    real_extract = extraction_assets.extract_into_batch

    def extract_or_crash(store, todo, sources, batch_id, *args):
        if batch_id.endswith("-s1"):
            raise RuntimeError("simulated crash of a shard's process")
        return real_extract(store, todo, sources, batch_id, *args)

    monkeypatch.setattr(extraction_assets, "extract_into_batch", extract_or_crash)
    failed = extract()
    assert not failed.success
    steps = {e.step_key: e.event_type_value for e in failed.all_events if e.is_step_success or e.is_step_failure}
    assert steps["extracted_facts.extract_shard[s0]"] == "STEP_SUCCESS"
    assert steps["extracted_facts.extract_shard[s1]"] == "STEP_FAILURE"
    assert "extracted_facts.commit_extraction" not in steps  # never ran
    materialized = {e.asset_key.to_user_string() for e in failed.get_asset_materialization_events()}
    assert not {key for key in materialized if key.startswith("extract")}
    assert store.read_ledger("extractions") == []  # nothing committed
    orphans = {path.name for path in store.batch_dir("amounts").glob("batch-*-s0.*")}
    assert orphans  # shard 0 wrote its batch, which no ledger names (dbt ignores it)

    monkeypatch.setattr(extraction_assets, "extract_into_batch", real_extract)
    assert extract().success
    extractions = store.read_ledger("extractions")
    assert len(extractions) == 15 and all(e["status"] == "ok" for e in extractions)
    assert len({e["batch_id"] for e in extractions}) == 2
    assert not orphans & {path.name for path in store.batch_dir("amounts").glob("batch-*")}  # collected


def test_a_commit_never_names_a_batch_an_overlapping_refresh_collected(inbox, tmp_path, monkeypatch):
    from orchestration.extraction import assets as extraction_assets
    from orchestration.ingest.assets import raw_bulletins
    from orchestration.resources import WarehouseResource, warehouse_resources

    copy_seeds(inbox)
    warehouse = WarehouseResource(bulletins_dir=str(inbox), warehouse_dir=str(tmp_path / "warehouse"))
    store = StagingStore(warehouse.paths.staging_dir)
    real_extract = extraction_assets.extract_into_batch

    def extract_then_lose_the_files(store, todo, sources, batch_id, *args):
        batch = real_extract(store, todo, sources, batch_id, *args)
        # what another refresh's commit does to batches no ledger names yet: collect them
        store.collect_garbage("amounts", live_batch_ids=set())
        return batch

    monkeypatch.setattr(extraction_assets, "extract_into_batch", extract_then_lose_the_files)
    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize(
            [raw_bulletins, extraction_assets.extracted_facts],
            resources=warehouse_resources(warehouse),
            raise_on_error=False,
            instance=instance,
        )
    assert not result.success
    [failure] = [e for e in result.all_events if e.is_step_failure]
    assert failure.step_key == "extracted_facts.commit_extraction"
    assert "another refresh overlapping this one" in failure.step_failure_data.error.message
    assert store.read_ledger("extractions") == []  # nothing named: dbt reads no missing rows
