"""The inbox sensor and the nightly schedule, evaluated through Dagster's testing APIs."""

import os

import dagster as dg
import duckdb
import pytest

from orchestration.definitions import defs
from orchestration.ingest.inbox import list_inbox
from orchestration.resources import WarehouseResource
from orchestration.schedules import nightly_refresh_schedule
from orchestration.sensors import files_tag, inbox_changes, inbox_sensor
from orchestration.settings import WarehousePaths
from orchestration.staging import StagingStore


def evaluate(instance, inbox, warehouse_dir, cursor):
    warehouse = WarehouseResource(bulletins_dir=str(inbox), warehouse_dir=str(warehouse_dir))
    context = dg.build_sensor_context(instance=instance, cursor=cursor, resources={"warehouse": warehouse})
    return inbox_sensor.evaluate_tick(context)


def record_ingest(inbox, tmp_path) -> None:
    """What a refresh's ingest leaves behind: the bulletin_files ledger holding the inbox as it is."""
    store = StagingStore(WarehousePaths(inbox, tmp_path / "warehouse").staging_dir)
    store.write_ledger(
        "bulletin_files",
        [{"source_file": e.source_file, "bytes": e.bytes, "mtime_ns": e.mtime_ns} for e in list_inbox(inbox)],
    )


def test_sensor_requests_a_refresh_only_when_the_inbox_differs_from_the_ledger(inbox, tmp_path):
    with dg.instance_for_test() as instance:
        (inbox / "a.txt").write_text("某县：安排资金100万元。", encoding="utf-8")
        first = evaluate(instance, inbox, tmp_path / "warehouse", None)
        assert len(first.run_requests) == 1
        tags = first.run_requests[0].tags
        assert tags["inbox_changes"] == "1 new" and tags["files"] == "a.txt (new)" and tags["source"] == "inbox_sensor"
        assert len(first.cursor) == 16 and "a.txt" not in first.cursor  # a digest, not the file list

        # Requested once: a run that failed is not launched again every minute for the same inbox.
        again = evaluate(instance, inbox, tmp_path / "warehouse", first.cursor)
        assert again.run_requests == [] and "already requested" in again.skip_message

        # The refresh ingested the inbox: a sensor starting afresh (no cursor) has nothing to do.
        record_ingest(inbox, tmp_path)
        fresh = evaluate(instance, inbox, tmp_path / "warehouse", None)
        assert fresh.run_requests == [] and "has seen all 1" in fresh.skip_message

        (inbox / "b.txt").write_text("某县：安排资金200万元。", encoding="utf-8")
        (inbox / "a.txt").write_text("某县：安排资金150万元。", encoding="utf-8")
        os.utime(inbox / "a.txt", ns=(1, 1))  # a different mtime even on coarse clocks
        changed = evaluate(instance, inbox, tmp_path / "warehouse", first.cursor)
        assert changed.run_requests[0].tags["inbox_changes"] == "1 new, 1 changed"
        assert changed.run_requests[0].run_key != first.run_requests[0].run_key

        record_ingest(inbox, tmp_path)
        (inbox / "b.txt").unlink()
        removed = evaluate(instance, inbox, tmp_path / "warehouse", changed.cursor)
        assert removed.run_requests[0].tags["inbox_changes"] == "1 removed"


def test_files_tag_names_the_first_files_and_counts_the_rest():
    changes = {"new": [f"{i}.txt" for i in range(25)], "changed": ["x.txt"], "removed": []}
    assert files_tag(changes).endswith("19.txt (new), … 6 more")
    assert files_tag({"new": [], "changed": ["x.txt"], "removed": ["y.txt"]}) == "x.txt (changed), y.txt (removed)"


def test_inbox_changes_classifies_files():
    before = {"a.txt": "1:1", "b.txt": "2:2", "c.txt": "3:3"}
    after = {"a.txt": "1:1", "b.txt": "2:9", "d.txt": "4:4"}
    assert inbox_changes(before, after) == {"new": ["d.txt"], "changed": ["b.txt"], "removed": ["c.txt"]}


@pytest.mark.slow
def test_schedule_refreshes_only_a_warehouse_that_is_not_current(seed_build):
    paths, _ = seed_build
    warehouse = WarehouseResource(bulletins_dir=str(paths.bulletins_dir), warehouse_dir=str(paths.warehouse_dir))
    with dg.instance_for_test() as instance:
        context = dg.build_schedule_context(instance=instance, resources={"warehouse": warehouse})
        current = nightly_refresh_schedule.evaluate_tick(context)
        assert current.run_requests == [] and "current" in current.skip_message

        empty = WarehouseResource(bulletins_dir=str(paths.bulletins_dir), warehouse_dir=str(paths.warehouse_dir / "x"))
        context = dg.build_schedule_context(instance=instance, resources={"warehouse": empty})
        request = nightly_refresh_schedule.evaluate_tick(context).run_requests[0]
        assert request.tags["refresh_reason"] == "no published warehouse yet"
    assert nightly_refresh_schedule.job_name == "refresh_warehouse"


def test_sensor_waits_while_a_refresh_is_running(inbox, tmp_path):
    with dg.instance_for_test() as instance:
        instance.add_run(
            dg.DagsterRun(job_name="refresh_warehouse", run_id="running-refresh", status=dg.DagsterRunStatus.STARTED)
        )
        (inbox / "a.txt").write_text("某县：安排资金100万元。", encoding="utf-8")
        result = evaluate(instance, inbox, tmp_path / "warehouse", None)
        assert result.run_requests == [] and "already" in result.skip_message
        assert result.cursor is None  # the change is still pending for the next tick


def test_definitions_load_with_job_sensor_schedule_and_checks():
    # A live instance: Dagster resolves definitions state through the current instance.
    with dg.instance_for_test():
        defs.validate_loadable(defs)
        repo = defs.get_repository_def()
    assert repo.has_job("refresh_warehouse")
    assert {s.name for s in repo.sensor_defs} == {"inbox_sensor"}
    assert {s.name for s in repo.schedule_defs} == {"nightly_refresh"}
    check_keys = defs.resolve_asset_graph().asset_check_keys
    assert any(k.name == "money_spans_accounted_for" for k in check_keys)


@pytest.mark.slow
def test_a_sensor_request_runs_the_refresh_on_a_real_instance(seed_warehouse_to_refresh):
    from orchestration.definitions import ALL_ASSETS
    from orchestration.jobs import refresh_warehouse_job
    from orchestration.resources import warehouse_resources
    from orchestration.warehouse.checks import warehouse_checks

    inbox, warehouse_dir = seed_warehouse_to_refresh.bulletins_dir, seed_warehouse_to_refresh.warehouse_dir
    warehouse = WarehouseResource(bulletins_dir=str(inbox), warehouse_dir=str(warehouse_dir))
    # Inside a live instance: Dagster resolves definitions state through the current instance.
    with dg.instance_for_test() as instance:
        job = dg.Definitions(
            assets=ALL_ASSETS, asset_checks=warehouse_checks, jobs=[refresh_warehouse_job],
            resources=warehouse_resources(warehouse),
        ).resolve_job_def("refresh_warehouse")  # fmt: skip
        (inbox / "兰考.txt").write_text("河南兰考：2021年，县财政安排教育资金120万元。\n", encoding="utf-8")
        tick = evaluate(instance, inbox, warehouse_dir, None)
        [request] = tick.run_requests
        result = job.execute_in_process(instance=instance, tags=request.tags)
        assert result.success
        assert instance.get_run_by_id(result.run_id).tags["inbox_changes"] == "1 new"
        with duckdb.connect(str(seed_warehouse_to_refresh.published_database), read_only=True) as con:
            added = con.execute("select amount_text from fct_amount where source_file = '兰考.txt'").fetchall()
        assert added == [("120万元",)]
        # With the refresh done, the sensor's next tick finds nothing new.
        assert evaluate(instance, inbox, warehouse_dir, tick.cursor).run_requests == []


def test_materialize_all_takes_the_refresh_jobs_single_process_path():
    """The UI's "Materialize all" runs the implicit asset job: in one process, like refresh_warehouse."""
    implicit = defs.resolve_implicit_global_asset_job_def()
    assert implicit.executor_def == dg.in_process_executor == defs.resolve_job_def("refresh_warehouse").executor_def
