"""Notice new, changed and removed bulletins in the inbox and refresh the warehouse."""

import dagster as dg

from orchestration.freshness import fingerprint_digest, inbox_fingerprint, ledger_fingerprint
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


def files_tag(changes: dict[str, list[str]], limit: int = 20) -> str:
    """The changed files for a run's tags: the first ``limit`` names, then how many more."""
    names = [f"{name} ({kind})" for kind, files in changes.items() for name in files]
    more = f", … {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


@dg.sensor(
    job=refresh_warehouse_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Refreshes the warehouse when the inbox differs from what the last refresh ingested "
    "(new, changed or removed bulletins).",
)
def inbox_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
    # Changes are measured against the ingest ledger (what the warehouse has seen), so the first tick
    # after `make ui` starts launches nothing when `make run` already took the inbox in. The cursor is
    # only the digest of the inbox state last requested: a failed run is not retried every minute.
    if refresh_in_progress(context.instance):
        return dg.SkipReason("a refresh is already queued or running")
    after = inbox_fingerprint(warehouse.paths)
    changes = inbox_changes(ledger_fingerprint(warehouse.paths), after)
    if not any(changes.values()):
        return dg.SkipReason(f"the warehouse has seen all {len(after)} bulletin file(s) as they are")
    digest = fingerprint_digest(after)
    if context.cursor == digest:
        return dg.SkipReason(f"a refresh was already requested for this inbox (state {digest}); see its run")
    context.update_cursor(digest)
    summary = ", ".join(f"{len(files)} {kind}" for kind, files in changes.items() if files)
    context.log.info("inbox changed: %s", summary)
    return dg.RunRequest(
        run_key=digest,
        tags={"source": "inbox_sensor", "inbox_changes": summary, "files": files_tag(changes)},
    )
