"""`make run`: refresh the warehouse once, recorded in the Dagster instance, and print a summary.

    python -m orchestration.build [--force] [--report-json PATH]

Without --force, nothing runs when the published warehouse is already current. ``--report-json``
writes, after the run, its id, success and each step's wall seconds (from the run's STEP_START /
STEP_SUCCESS / STEP_FAILURE event timestamps): what ``bench/run_bench.py`` reads.
"""

import argparse
import atexit
import json
import os
import sys
from pathlib import Path

import dagster as dg
from rich.console import Console

from orchestration.definitions import defs
from orchestration.freshness import stale_reason
from orchestration.instance import ensure_dagster_home
from orchestration.jobs import refresh_warehouse_job
from orchestration.progress import refresh_with_progress_display
from orchestration.resources import WarehouseResource, warehouse_resources
from orchestration.settings import DBT_EXECUTABLE, WarehousePaths
from orchestration.staging import skip_pyarrows_pandas_import
from orchestration.summary import summarize
from orchestration.warehouse.publish import read_outcome
from orchestration.warehouse.warm_dbt import start_ahead

QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
STEP_EVENTS = {dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE}
RUN_EVENTS = {dg.DagsterEventType.RUN_START, dg.DagsterEventType.RUN_SUCCESS, dg.DagsterEventType.RUN_FAILURE}
OUTPUT_EVENTS = {dg.DagsterEventType.ASSET_MATERIALIZATION, dg.DagsterEventType.ASSET_CHECK_EVALUATION}


def run_report(instance: dg.DagsterInstance, run_id: str | None, success: bool, failed_checks: list[str]) -> dict:
    """Run id, success and per-step wall seconds, from the timestamps of the run's stored events.

    Each step also lists the assets it materialized and counts the checks it evaluated, so that a
    reader can tell which stage a step belongs to whatever it is called.
    """
    steps: dict[str, dict] = {}
    run_start = run_end = None
    for entry in instance.all_logs(run_id, of_type=STEP_EVENTS | RUN_EVENTS | OUTPUT_EVENTS) if run_id else []:
        kind = entry.dagster_event.event_type
        if kind == dg.DagsterEventType.RUN_START:
            run_start = entry.timestamp
        elif kind in RUN_EVENTS:
            run_end = entry.timestamp
        elif entry.step_key:
            step = steps.setdefault(
                entry.step_key, {"start": None, "end": None, "status": "started", "assets": [], "checks": 0}
            )
            if kind == dg.DagsterEventType.ASSET_MATERIALIZATION:
                step["assets"].append(entry.dagster_event.asset_key.to_user_string())
            elif kind == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
                step["checks"] += 1
            elif kind == dg.DagsterEventType.STEP_START:
                step["start"] = entry.timestamp
            else:
                step["end"] = entry.timestamp
                step["status"] = "success" if kind == dg.DagsterEventType.STEP_SUCCESS else "failure"
    for step in steps.values():
        both = step["start"] is not None and step["end"] is not None
        step["wall_seconds"] = round(step["end"] - step["start"], 3) if both else None
    return {
        "run_id": run_id,
        "success": success,
        "failed_checks": failed_checks,
        "run_start": run_start,
        "run_end": run_end,
        "run_wall_seconds": round(run_end - run_start, 3) if run_start and run_end else None,
        "steps": steps,
    }


def write_report(path: Path, report: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2))


def refresh_job() -> dg.JobDefinition:
    return defs.resolve_job_def(refresh_warehouse_job.name)


def execute_refresh(
    instance: dg.DagsterInstance,
    run_id: str | None = None,
    paths: WarehousePaths | None = None,
    tags: dict[str, str] | None = None,
) -> tuple[dg.ExecuteInProcessResult, list[str], list[str]]:
    """Run the refresh job in this process; returns the result, failed checks and outcome lines.

    ``paths`` overrides the inbox and warehouse the definitions were loaded with (the ``fiscal``
    command line passes its own); ``run_id`` lets a caller follow the run's events while it runs;
    ``tags`` show in the Dagster UI which command started the run and for which files.
    """
    resources = None
    if paths is not None:
        warehouse = WarehouseResource(bulletins_dir=str(paths.bulletins_dir), warehouse_dir=str(paths.warehouse_dir))
        resources = warehouse_resources(warehouse)
    result = refresh_job().execute_in_process(
        instance=instance, run_config=QUIET, raise_on_error=False, run_id=run_id, resources=resources, tags=tags
    )
    checks = result.get_asset_check_evaluations()

    def names(severity: dg.AssetCheckSeverity) -> list[str]:
        return sorted(
            f"{e.asset_key.to_user_string()}.{e.check_name}" for e in checks if not e.passed and e.severity == severity
        )

    # A warning (e.g. spending no keyword could classify) is reported but does not fail the refresh.
    failed, warned = names(dg.AssetCheckSeverity.ERROR), names(dg.AssetCheckSeverity.WARN)
    lines = [
        f"run {result.run_id}: {'succeeded' if result.success else 'FAILED'}",
        f"checks: {len(checks) - len(failed) - len(warned)} passed, {len(failed)} failed, {len(warned)} warned",
        *(f"  failed check: {name}" for name in failed),
        *(f"  warning: {name}" for name in warned),
        *(
            f"  failed step {event.step_key}: {event.event_specific_data.error.message.strip()[:500]}"
            for event in result.all_events
            if event.is_step_failure
        ),
    ]
    return result, failed, lines


def run_tags(source: str, reason: str) -> dict[str, str]:
    """What the Dagster UI shows for a run started outside it: the command and why it ran."""
    return {"source": source, "reason": reason[:200]}


def refresh(report_json: Path | None = None, reason: str = "forced") -> bool:
    instance = dg.DagsterInstance.get()  # $DAGSTER_HOME, so the run shows up in `make ui`
    paths = WarehousePaths.from_env()
    console = Console(highlight=False)
    result, failed = refresh_with_progress_display(instance, paths, console, run_tags("make run", reason))
    if report_json:
        write_report(report_json, run_report(instance, result.run_id, result.success and not failed, failed))
    return result.success and not failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="refresh even if the warehouse is current")
    parser.add_argument("--report-json", type=Path, help="write run id, success and per-step wall seconds here")
    args = parser.parse_args(argv)
    start_ahead(DBT_EXECUTABLE)  # dbt imports beside the checks and the run's start-up (stopped if nothing runs)
    skip_pyarrows_pandas_import()
    ensure_dagster_home()
    paths = WarehousePaths.from_env()
    reason = stale_reason(paths, hand_over=True)  # the run's ingest takes its inbox listing
    if reason is None and not args.force:
        print("warehouse is current (inbox, ledgers and code unchanged): nothing to do; --force rebuilds")
        ok = True
        if args.report_json:
            write_report(args.report_json, {**run_report(dg.DagsterInstance.get(), None, True, []), "skipped": True})
    else:
        print(f"refreshing: {reason or 'forced'}")
        ok = refresh(args.report_json, reason or "forced")
    if paths.published_database.exists():
        print(summarize(str(paths.published_database)))
    print(outcome_line(paths, ok))
    return 0 if ok else 1


def outcome_line(paths: WarehousePaths, ok: bool) -> str:
    """The last line `make run` prints: published (and what was held back), or why not."""
    outcome = read_outcome(paths.refresh_outcome)
    if ok:
        held = outcome["reason"] if outcome and outcome["published"] and outcome["reason"] else ""
        return "published" + (f"; {held} (fiscal status lists them with the reason)" if held else "")
    reason = outcome["reason"] if outcome and not outcome["published"] else "a blocking check failed (see above)"
    return f"NOT published, the last good warehouse stays: {reason}"


def exit_skipping_teardown(code: int) -> None:
    """End the process once its output is written, without the interpreter's teardown.

    A refresh leaves Dagster's, dbt's and DuckDB's modules with ~270,000 objects; destroying them one by one
    took 0.7-2 s after every `make run` had printed its last line (measured). Nothing waits on that work: the
    exit handlers still run (logging's flush, multiprocessing's clean-up), the connections are closed, and
    the Dagster event log's last commits are in its write-ahead log, which SQLite replays on the next open.
    """
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    exit_skipping_teardown(main())
