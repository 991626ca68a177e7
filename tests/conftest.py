"""Shared fixtures: a real warehouse built from the seed bulletins with `dagster.materialize`."""

import shutil
from pathlib import Path

import dagster as dg
import pytest

from orchestration.definitions import ALL_ASSETS
from orchestration.resources import WarehouseResource, warehouse_resources
from orchestration.settings import PROJECT_ROOT, WarehousePaths
from orchestration.warehouse.checks import warehouse_checks

SEEDS_DIR = PROJECT_ROOT / "seeds"
GOLD_DIR = PROJECT_ROOT / "tests" / "fixtures" / "gold"


def build_warehouse(
    bulletins_dir: Path, warehouse_dir: Path, selection=None, raise_on_error: bool = True
) -> dg.ExecuteInProcessResult:
    """Materialize the real asset graph (ingest -> extract -> dbt -> checks -> publish) in-process."""
    warehouse = WarehouseResource(bulletins_dir=str(bulletins_dir), warehouse_dir=str(warehouse_dir))
    return dg.materialize(
        [*ALL_ASSETS, *warehouse_checks],
        resources=warehouse_resources(warehouse),
        selection=selection,
        raise_on_error=raise_on_error,
        instance=dg.DagsterInstance.ephemeral(),
    )


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory) -> tuple[WarehousePaths, dg.ExecuteInProcessResult]:
    paths = WarehousePaths(SEEDS_DIR, tmp_path_factory.mktemp("seed_warehouse"))
    result = build_warehouse(paths.bulletins_dir, paths.warehouse_dir)
    return paths, result


@pytest.fixture
def inbox(tmp_path) -> Path:
    """An empty inbox to fill with test bulletins."""
    path = tmp_path / "inbox"
    path.mkdir()
    return path


def copy_seeds(inbox: Path) -> None:
    for seed in SEEDS_DIR.glob("*.txt"):
        shutil.copy(seed, inbox / seed.name)
