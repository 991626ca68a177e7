"""Shared fixtures. Pure tests must not load Dagster or dbt: warehouse builds are imported lazily.

Two tiers (markers registered in pyproject.toml): `make test-fast` runs `-m "not slow"`, `make test`
runs everything. Mark `slow` any test that builds a warehouse, runs dbt, the CLI end to end, a
subprocess pipeline or a browser.
"""

import shutil
from pathlib import Path

import pytest

from orchestration.settings import PROJECT_ROOT, WarehousePaths

SEEDS_DIR = PROJECT_ROOT / "seeds"


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    """A real warehouse built from the seed bulletins, shared by the session: (paths, result)."""
    from builds import build_warehouse  # Dagster and dbt load here, only for the tests that build

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


def pytest_collection_modifyitems(items):
    """Keep the fast tier fast: a test that asks for the seed warehouse must be marked slow."""
    unmarked = [
        item.nodeid for item in items if "seed_build" in item.fixturenames and not item.get_closest_marker("slow")
    ]
    if unmarked:
        raise pytest.UsageError("tests that build the seed warehouse must be marked slow: " + ", ".join(unmarked))
