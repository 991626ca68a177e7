"""The code location with one more job: the same graph under Dagster's multiprocess executor.

Every step (ingest, extract, each dbt invocation, each check, publish) runs in its own process and
independent steps run side by side, up to ``max_concurrent``. This is the local stand-in for the
distributed executors (``celery.yaml``, ``k8s.yaml``): the same step boundaries, the same hand-over
through files under ``WAREHOUSE_DIR`` (no IO manager: assets pass data as staging Parquet), only the
processes stay on this machine. See docs/scaling.md.

    DAGSTER_HOME=... BULLETINS_DIR=... WAREHOUSE_DIR=... \\
      .venv/bin/dagster job execute -f deploy/dagster/multiprocess.py -a defs \\
        -j refresh_warehouse_multiprocess -c deploy/dagster/run_config.multiprocess.yaml

or load it in the UI instead of the default location: ``dagster dev -f deploy/dagster/multiprocess.py``.
It needs a persistent instance (``DAGSTER_HOME``): steps in other processes report to it.
"""

import dagster as dg

from orchestration.definitions import with_refresh_job_on

defs = with_refresh_job_on(
    dg.multiprocess_executor,
    "refresh_warehouse_multiprocess",
    "refresh_warehouse with each step in its own process (the local model of a distributed run).",
)
