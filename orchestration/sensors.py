"""Notice new, changed and removed bulletins in the inbox and refresh the warehouse."""

import hashlib
import json

import dagster as dg

from orchestration.freshness import inbox_fingerprint
from orchestration.jobs import refresh_warehouse_job
from orchestration.resources import WarehouseResource


def inbox_changes(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    return {
        "new": sorted(after.keys() - before.keys()),
        "changed": sorted(f for f in after.keys() & before.keys() if after[f] != before[f]),
        "removed": sorted(before.keys() - after.keys()),
    }


ACTIVE = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


def refresh_in_progress(instance: dg.DagsterInstance) -> bool:
    """One refresh at a time: DuckDB has one writer, and a second run would only redo the work."""
    runs = instance.get_run_records(
        filters=dg.RunsFilter(job_name=refresh_warehouse_job.name, statuses=ACTIVE), limit=1
    )
    return bool(runs)


@dg.sensor(
    job=refresh_warehouse_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Refreshes the warehouse when bulletins are added to, changed in or removed from the inbox.",
)
def inbox_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
    # The cursor (kept by Dagster across restarts) is the fingerprint the last refresh saw.
    if refresh_in_progress(context.instance):
        # The cursor stays put, so the changes are picked up once the running refresh has finished.
        return dg.SkipReason("a refresh is already queued or running")
    before = json.loads(context.cursor) if context.cursor else {}
    after = inbox_fingerprint(warehouse.paths)
    changes = inbox_changes(before, after)
    if not any(changes.values()):
        return dg.SkipReason(f"no change among {len(after)} bulletin file(s)")
    state = json.dumps(after, sort_keys=True)
    context.update_cursor(state)
    summary = ", ".join(f"{len(files)} {kind}" for kind, files in changes.items() if files)
    context.log.info("inbox changed: %s", summary)
    return dg.RunRequest(
        run_key=hashlib.sha256(state.encode()).hexdigest()[:16],
        tags={"inbox_changes": summary},
    )
