"""`make run`: refresh the warehouse once, recorded in the Dagster instance, and print a summary."""

import sys

import dagster as dg

from orchestration.definitions import defs
from orchestration.jobs import refresh_warehouse_job
from orchestration.settings import WarehousePaths
from orchestration.summary import summarize

QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def main() -> int:
    instance = dg.DagsterInstance.get()  # $DAGSTER_HOME, so the run shows up in `make ui`
    job = defs.get_job_def(refresh_warehouse_job.name)
    result = job.execute_in_process(instance=instance, run_config=QUIET, raise_on_error=False)
    checks = result.get_asset_check_evaluations()
    failed = sorted(f"{e.asset_key.to_user_string()}.{e.check_name}" for e in checks if not e.passed)
    print(f"run {result.run_id}: {'succeeded' if result.success else 'FAILED'}")
    print(f"checks: {len(checks) - len(failed)} passed, {len(failed)} failed")
    for name in failed:
        print(f"  failed check: {name}")
    for event in result.all_events:
        if event.is_step_failure:
            print(f"  failed step {event.step_key}: {event.event_specific_data.error.message.strip()[:500]}")
    published = WarehousePaths.from_env().published_database
    if published.exists():
        print(summarize(str(published)))
    return 0 if result.success and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
