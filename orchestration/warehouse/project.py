"""The dbt project, loaded the way dagster-dbt documents: one ``DbtProject`` with ``prepare_if_dev()``.

Importing this module does no work: ``dbt_project()`` builds the project once per process and prepares
its manifest. Under ``dagster dev`` that is dagster-dbt's ``prepare_if_dev()`` (parse on every load);
elsewhere (``make run``, the CLI, tests) a checkout has no packaging step, so the manifest is parsed
when it is missing or older than a file of the project. No ``dbt deps``: the project uses no packages.
"""

from functools import cache, cached_property
from importlib.metadata import version as installed_version

from packaging.version import Version
from pydantic import PrivateAttr

from orchestration.imports import refusing_imports
from orchestration.locks import file_lock
from orchestration.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR
from orchestration.warehouse.warm_dbt import WarmDbt, started_ahead, warm_dbt_enabled

# dagster-dbt imports dbt-core when it can (2-3 s of every process's start-up) for what this project does not use:
# an adapter in-process (row counts, column metadata) and a version check. dbt runs as its own process here
# (warm_dbt.py), so dagster-dbt is imported as if dbt-core were not installed, and takes the fallbacks it has for a
# dbt engine that is not a Python package. dbt stays importable for the rest of the process. This module is where
# the project takes dagster-dbt from (warehouse/assets.py too), so that every process loads it the same way.
with refusing_imports("dbt"):
    import dagster_dbt

DbtCliResource, DbtProject = dagster_dbt.DbtCliResource, dagster_dbt.DbtProject


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
    # The process's server when its command started one ahead of the run (warm_dbt.start_ahead), else the run's own.
    _warm: WarmDbt | None = PrivateAttr(default=None)
    _owns_warm: bool = PrivateAttr(default=False)

    def setup_for_execution(self, context) -> None:
        if warm_dbt_enabled():
            self._warm = started_ahead(self.dbt_executable)
            self._owns_warm = self._warm is None
            if self._owns_warm:
                self._warm = WarmDbt(self.dbt_executable).start()

    def teardown_after_execution(self, context) -> None:
        if self._warm is not None and self._owns_warm:
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
