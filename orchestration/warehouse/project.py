"""The dbt project, loaded the way dagster-dbt documents: one ``DbtProject`` with ``prepare_if_dev()``.

Importing this module does no work: ``dbt_project()`` builds the project once per process and prepares
its manifest. Under ``dagster dev`` that is dagster-dbt's ``prepare_if_dev()`` (parse on every load);
elsewhere (``make run``, the CLI, tests) a checkout has no packaging step, so the manifest is parsed
when it is missing or older than a file of the project. No ``dbt deps``: the project uses no packages.
"""

import sys
from functools import cache, cached_property
from importlib.metadata import version as installed_version
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from packaging.version import Version
from pydantic import PrivateAttr

from orchestration.locks import file_lock
from orchestration.settings import DBT_PROJECT_DIR
from orchestration.warehouse.warm_dbt import WarmDbt, warm_dbt_enabled

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

    # dbt imported ahead of its first command, while the run's other steps work (warm_dbt.py): ~4 s a refresh.
    _warm: WarmDbt | None = PrivateAttr(default=None)

    def setup_for_execution(self, context) -> None:
        if warm_dbt_enabled():
            self._warm = WarmDbt(self.dbt_executable).start()

    def teardown_after_execution(self, context) -> None:
        if self._warm is not None:
            self._warm.stop()
            self._warm = None

    def cli(self, args, **kwargs):
        if self._warm is None or not self._warm.running():
            return super().cli(args, **kwargs)
        through_warm = self.model_copy(update={"dbt_executable": str(self._warm.launcher)})
        through_warm._warm = None
        return through_warm.cli(args, **kwargs)


def manifest_is_stale(project: DbtProject) -> bool:
    if not project.manifest_path.exists():
        return True
    built = project.manifest_path.stat().st_mtime
    sources = (p for p in project.project_dir.rglob("*") if p.suffix in {".sql", ".yml", ".yaml"})
    return any(p.stat().st_mtime > built for p in sources if "target" not in p.relative_to(project.project_dir).parts)


@cache
def dbt_project() -> DbtProject:
    """The project, its manifest prepared (once per process)."""
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
    project.prepare_if_dev()
    if manifest_is_stale(project):
        # Processes that start together (a refresh beside `make ui`, parallel test workers) parse in turn:
        # dbt writes the manifest in place, so a second parse would let the first reader see half a file.
        with file_lock(project.project_dir / ".dbt_parse.lock"):
            if manifest_is_stale(project):
                dbt_cli(project).cli(["parse", "--quiet"], target_path=project.target_path).wait()
    return project


def dbt_cli(project: DbtProject | None = None) -> LeanDbtCliResource:
    """The dbt resource of the assets, for ``project`` (default: the prepared project)."""
    return LeanDbtCliResource(project_dir=project or dbt_project(), dbt_executable=DBT_EXECUTABLE)
