"""`make run`'s command, run as a real process against a temporary warehouse and Dagster home."""

import os
import subprocess
import sys

import duckdb
import pytest
from conftest import SEEDS_DIR

from orchestration.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow  # builds a warehouse with the build command in a subprocess


def test_build_command_publishes_the_warehouse_and_prints_a_summary(tmp_path):
    env = {
        **os.environ,
        "BULLETINS_DIR": str(SEEDS_DIR),
        "WAREHOUSE_DIR": str(tmp_path / "warehouse"),
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
    }
    (tmp_path / "dagster_home").mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "orchestration.build"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "succeeded" in done.stdout
    assert ", 0 failed" in done.stdout
    assert "bulletins: 2 loaded, 0 duplicate, 0 quarantined" in done.stdout
    with duckdb.connect(str(tmp_path / "warehouse" / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from fct_amount").fetchone()[0] > 0
    # The run is recorded in the Dagster instance, so the UI shows it.
    assert any((tmp_path / "dagster_home").iterdir())
    # Quiet: dbt's log and any warning go to a file named on the terminal; Dagster's instance config
    # (telemetry off) is written on first use, so no notice about a missing one.
    log = tmp_path / "warehouse" / "build" / "last_refresh.log"
    assert f"dbt's log and warnings: {log}" in done.stdout and "PASS=" in log.read_text(encoding="utf-8")
    assert done.stderr == "", done.stderr[-3000:]
    for noise in ("Warning", "telemetry", "dagster instance configuration", "START sql", "starting"):
        assert noise not in done.stdout
    assert "enabled: false" in (tmp_path / "dagster_home" / "dagster.yaml").read_text(encoding="utf-8")
