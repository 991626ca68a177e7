"""The refresh job on dagster-k8s: each step runs as its own Kubernetes Job (pod).

Not installed here (``pip install dagster-k8s``). The instance must use the K8sRunLauncher and shared
Postgres storage (``dagster.distributed.yaml``); the image named there carries this project. Launch
``refresh_warehouse_k8s`` with ``run_config.k8s.yaml``.
"""

import dagster as dg
from dagster_k8s import k8s_job_executor

from orchestration.definitions import defs as base_defs

refresh_warehouse_k8s = dg.define_asset_job(
    "refresh_warehouse_k8s",
    selection=dg.AssetSelection.all(),
    executor_def=k8s_job_executor,
    description="refresh_warehouse with each step in its own Kubernetes pod.",
)

defs = dg.Definitions.merge(base_defs, dg.Definitions(jobs=[refresh_warehouse_k8s]))
