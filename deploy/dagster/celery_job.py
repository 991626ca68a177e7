"""The refresh job on dagster-celery: each step is a Celery task that any worker machine may take.

Not installed here (``pip install dagster-celery``; a broker such as RabbitMQ or Redis). Workers
need this project installed and the same environment (BULLETINS_DIR, WAREHOUSE_DIR pointing at
shared storage, see docs/scaling.md), and the instance in ``dagster.distributed.yaml`` (Postgres
storage, without its run_launcher section). Start workers with the Celery CLI, e.g.

    celery -A dagster_celery.app worker -l info

then launch ``refresh_warehouse_celery`` from the UI (``dagster dev -f deploy/dagster/celery_job.py``)
with ``run_config.celery.yaml``.
"""

from dagster_celery import celery_executor

from orchestration.definitions import with_refresh_job_on

defs = with_refresh_job_on(
    celery_executor, "refresh_warehouse_celery", "refresh_warehouse with each step submitted to Celery workers."
)
