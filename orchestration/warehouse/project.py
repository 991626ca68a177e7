"""The dbt project, prepared once per process (manifest parsed if missing or under `dagster dev`)."""

from __future__ import annotations

from dagster_dbt import DbtProject

from orchestration.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()
if not dbt_project.manifest_path.exists():
    # A fresh checkout has no manifest yet; parsing needs no network (the project uses no packages).
    dbt_project.preparer.prepare(dbt_project)
