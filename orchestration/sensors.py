"""Notice new, changed and removed bulletins in the inbox and refresh the warehouse."""

import hashlib
import json

import dagster as dg

from orchestration.ingest.inbox import inbox_paths
from orchestration.jobs import refresh_warehouse_job
from orchestration.resources import WarehouseResource


def inbox_fingerprint(warehouse: WarehouseResource) -> dict[str, str]:
    """File -> "size:mtime_ns" for every bulletin in the inbox: cheap, no file is read."""
    inbox = warehouse.paths.bulletins_dir
    if not inbox.is_dir():
        return {}
    fingerprint = {}
    for path in inbox_paths(inbox):
        stat = path.stat()
        fingerprint[path.relative_to(inbox).as_posix()] = f"{stat.st_size}:{stat.st_mtime_ns}"
    return fingerprint


def inbox_changes(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    return {
        "new": sorted(after.keys() - before.keys()),
        "changed": sorted(f for f in after.keys() & before.keys() if after[f] != before[f]),
        "removed": sorted(before.keys() - after.keys()),
    }


@dg.sensor(
    job=refresh_warehouse_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Refreshes the warehouse when bulletins are added to, changed in or removed from the inbox.",
)
def inbox_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
    # The cursor (kept by Dagster across restarts) is the fingerprint the last refresh saw.
    before = json.loads(context.cursor) if context.cursor else {}
    after = inbox_fingerprint(warehouse)
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
