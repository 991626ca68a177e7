"""When the incremental marts are rebuilt in full: a change to the dbt project or the reference data, or a
build that did not go through (orchestration/warehouse/build_state.py)."""

import shutil

import pytest

from orchestration.settings import DBT_PROJECT_DIR, WarehousePaths
from orchestration.warehouse import build_state


@pytest.fixture
def paths(tmp_path, monkeypatch) -> WarehousePaths:
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", ".*"))
    monkeypatch.setattr(build_state, "DBT_PROJECT_DIR", project)
    paths = WarehousePaths(tmp_path / "inbox", tmp_path / "warehouse")
    paths.build_database.parent.mkdir(parents=True)
    paths.build_database.write_bytes(b"")
    (paths.staging_dir / "reference").mkdir(parents=True)
    (paths.staging_dir / "reference" / "localities.parquet").write_bytes(b"codes v1")
    return paths


def test_a_build_that_went_through_lets_the_next_one_be_incremental(paths):
    assert build_state.needs_full_refresh(paths, build_state.marts_digest(paths))  # never built
    build_state.record_marts_digest(paths, build_state.marts_digest(paths))
    assert not build_state.needs_full_refresh(paths, build_state.marts_digest(paths))


def test_a_changed_model_file_means_a_full_refresh(paths):
    build_state.record_marts_digest(paths, build_state.marts_digest(paths))
    model = build_state.DBT_PROJECT_DIR / "models" / "marts" / "fct_ratio.sql"
    model.write_text(model.read_text() + "\n-- a comment is a change too\n")
    assert build_state.needs_full_refresh(paths, build_state.marts_digest(paths))


def test_changed_reference_data_means_a_full_refresh(paths):
    build_state.record_marts_digest(paths, build_state.marts_digest(paths))
    (paths.staging_dir / "reference" / "localities.parquet").write_bytes(b"codes v2")
    assert build_state.needs_full_refresh(paths, build_state.marts_digest(paths))


def test_a_build_that_started_and_did_not_finish_means_a_full_refresh(paths):
    build_state.record_marts_digest(paths, build_state.marts_digest(paths))
    build_state.forget_marts_digest(paths)
    assert build_state.needs_full_refresh(paths, build_state.marts_digest(paths))


def test_a_missing_build_database_means_a_full_refresh(paths):
    build_state.record_marts_digest(paths, build_state.marts_digest(paths))
    paths.build_database.unlink()
    assert build_state.needs_full_refresh(paths, build_state.marts_digest(paths))


def test_a_new_version_of_the_checks_means_a_full_refresh(paths, monkeypatch):
    build_state.record_marts_digest(paths, build_state.marts_digest(paths))
    monkeypatch.setattr(build_state.holds, "checks_version", lambda: "checks-changed")
    # the new checks judge every row, not only the new ones
    assert build_state.needs_full_refresh(paths, build_state.marts_digest(paths))


def test_a_moved_warehouse_means_a_full_refresh(paths, tmp_path):
    # the staging views read the Parquet files by the folder's path: a refresh that keeps them needs the same one
    build_state.record_marts_digest(paths, build_state.marts_digest(paths))
    moved = tmp_path / "elsewhere" / "warehouse"
    shutil.copytree(paths.warehouse_dir, moved)
    moved_paths = WarehousePaths(paths.bulletins_dir, moved)
    assert build_state.needs_full_refresh(moved_paths, build_state.marts_digest(moved_paths))
