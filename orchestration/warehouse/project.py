"""The dbt project, with a manifest that is never older than the project's files."""

import sys
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from orchestration.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# dbt is installed beside this interpreter (the project's venv), which need not be on PATH.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")


def manifest_is_stale(project: DbtProject) -> bool:
    if not project.manifest_path.exists():
        return True
    built = project.manifest_path.stat().st_mtime
    sources = (p for p in project.project_dir.rglob("*") if p.suffix in {".sql", ".yml", ".yaml"})
    return any(p.stat().st_mtime > built for p in sources if "target" not in p.relative_to(project.project_dir).parts)


if manifest_is_stale(dbt_project):
    # A fresh checkout or an edited model: parse (no network: the project uses no dbt packages).
    DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE).cli(
        ["parse", "--quiet"], target_path=dbt_project.target_path
    ).wait()
