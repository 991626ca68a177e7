"""The refresh job on dagster-k8s: each step runs as its own Kubernetes Job (pod).

Not installed here (``pip install dagster-k8s``). The instance must use the K8sRunLauncher and shared
Postgres storage (``dagster.distributed.yaml``); the image named there carries this project. Launch
``refresh_warehouse_k8s`` with ``run_config.k8s.yaml``.
"""

from dagster_k8s import k8s_job_executor

from orchestration.definitions import with_refresh_job_on

defs = with_refresh_job_on(
    k8s_job_executor, "refresh_warehouse_k8s", "refresh_warehouse with each step in its own Kubernetes pod."
)
