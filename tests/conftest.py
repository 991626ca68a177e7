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
    shutil.copytree(paths.warehouse_dir, _as_built(paths))
    return paths, result


def _as_built(paths: WarehousePaths) -> Path:
    """Where the seed warehouse is kept as it was built, to put back after a test refreshed it."""
    return paths.warehouse_dir.with_name(paths.warehouse_dir.name + "_as_built")


@pytest.fixture
def seed_warehouse_to_refresh(seed_build, inbox):
    """The seed warehouse as a starting point to refresh and change (no build of its own), with an inbox of the
    seeds the ledger sees as unchanged (same sizes and mtimes).

    It is the session's seed warehouse itself, in the folder it was built in: a copy elsewhere would be a moved
    warehouse, whose next refresh rebuilds every mart (orchestration/warehouse/build_state.py), where a real
    warehouse's refresh is incremental. The tests of one worker run one after another, so no other test reads it
    meanwhile; it is put back as built afterwards."""
    paths, _ = seed_build
    copy_seeds(inbox, keep_mtimes=True)
    yield WarehousePaths(inbox, paths.warehouse_dir)
    shutil.rmtree(paths.warehouse_dir)
    shutil.copytree(_as_built(paths), paths.warehouse_dir)


@pytest.fixture
def inbox(tmp_path) -> Path:
    """An empty inbox to fill with test bulletins."""
    path = tmp_path / "inbox"
    path.mkdir()
    return path


def copy_seeds(inbox: Path, keep_mtimes: bool = False) -> None:
    """The seed bulletins into ``inbox``; with their mtimes, a ledger that holds the seeds sees nothing new."""
    copy = shutil.copy2 if keep_mtimes else shutil.copy
    for seed in SEEDS_DIR.glob("*.txt"):
        copy(seed, inbox / seed.name)


def pytest_configure(config):
    """`pytest -n N --dist loadfile` (make test) hands out whole files, by default those that hold the most tests
    first: the quick ones. A file of a few long tests then starts last and keeps one worker busy alone at the end.
    Handed out in collection order instead, which puts the long files first (below)."""
    if hasattr(config.option, "loadscopereorder"):  # pytest-xdist is installed
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(items):
    """Keep the fast tier fast: a test that asks for the seed warehouse must be marked slow. Then order the files
    for the workers: those that run several warehouse builds first, then the other slow ones, the quick ones last
    to fill in while the long ones finish."""
    unmarked = [
        item.nodeid for item in items if "seed_build" in item.fixturenames and not item.get_closest_marker("slow")
    ]
    if unmarked:
        raise pytest.UsageError("tests that build the seed warehouse must be marked slow: " + ", ".join(unmarked))
    rank: dict[Path, int] = {}
    for item in items:
        item_rank = 0 if item.get_closest_marker("many_builds") else 1 if item.get_closest_marker("slow") else 2
        rank[item.path] = min(rank.get(item.path, item_rank), item_rank)
    items.sort(key=lambda item: rank[item.path])  # stable: each file's tests keep their order
