"""A periodic refresh as a safety net for changes the sensor did not see (e.g. it was stopped)."""

import dagster as dg

from orchestration.freshness import stale_reason
from orchestration.jobs import refresh_warehouse_job
from orchestration.resources import WarehouseResource
from orchestration.sensors import refresh_in_progress


@dg.schedule(
    name="nightly_refresh",
    job=refresh_warehouse_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every night at 02:00 Beijing time, refresh the warehouse if it is not current with the "
    "inbox, the ledgers and the code.",
)
def nightly_refresh_schedule(context: dg.ScheduleEvaluationContext, warehouse: WarehouseResource):
    if refresh_in_progress(context.instance):
        return dg.SkipReason("a refresh is already queued or running")
    reason = stale_reason(warehouse.paths)
    if reason is None:
        return dg.SkipReason("the published warehouse is current")
    return dg.RunRequest(tags={"refresh_reason": reason})
