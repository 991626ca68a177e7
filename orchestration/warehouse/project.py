"""The dbt project, with a manifest that is never older than the project's files."""

import sys
from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from packaging.version import Version

from orchestration.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# dbt is installed beside this interpreter (the project's venv), which need not be on PATH.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")


class LeanDbtCliResource(DbtCliResource):
    """The dbt CLI without two fixed costs dagster-dbt adds to every invocation (~4 s of a refresh).

    Before starting dbt, DbtCliResource.cli() runs ``dbt --version`` in a subprocess (~2 s) and builds
    a dbt adapter in-process (~2 s), which serves only ``fetch_column_metadata``/``fetch_row_counts``;
    this project reads row counts itself once dbt has exited (warehouse/assets.py). dbt here is the
    dbt-core installed beside this interpreter (DBT_EXECUTABLE), so its version is the package's.
    Both hooks are private API: tests/test_pipeline.py fails loudly if an upgrade renames them.
    """

    @cached_property
    def _cli_version(self) -> Version:
        return Version(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None


def manifest_is_stale(project: DbtProject) -> bool:
    if not project.manifest_path.exists():
        return True
    built = project.manifest_path.stat().st_mtime
    sources = (p for p in project.project_dir.rglob("*") if p.suffix in {".sql", ".yml", ".yaml"})
    return any(p.stat().st_mtime > built for p in sources if "target" not in p.relative_to(project.project_dir).parts)


if manifest_is_stale(dbt_project):
    # A fresh checkout or an edited model: parse (no network: the project uses no dbt packages).
    LeanDbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE).cli(
        ["parse", "--quiet"], target_path=dbt_project.target_path
    ).wait()
