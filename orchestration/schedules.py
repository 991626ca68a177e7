"""A periodic refresh as a safety net for changes the sensor could not see (e.g. it was stopped)."""

import dagster as dg

from orchestration.jobs import refresh_warehouse_job

nightly_refresh_schedule = dg.ScheduleDefinition(
    name="nightly_refresh",
    job=refresh_warehouse_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Rebuild the warehouse from the inbox every night at 02:00 Beijing time.",
)
