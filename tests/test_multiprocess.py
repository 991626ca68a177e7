"""The local stand-in for distributed runs: every step in its own process (deploy/dagster/multiprocess.py)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import copy_seeds

from orchestration.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow  # a refresh under Dagster's multiprocess executor


def test_refresh_under_the_multiprocess_executor(inbox, tmp_path):
    copy_seeds(inbox)
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "deploy" / "dagster" / "dagster.local.yaml", home / "dagster.yaml")
    env = {
        **os.environ,
        "BULLETINS_DIR": str(inbox),
        "WAREHOUSE_DIR": str(tmp_path / "warehouse"),
        "DAGSTER_HOME": str(home),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    dagster = Path(sys.executable).parent / "dagster"
    done = subprocess.run(
        [
            str(dagster), "job", "execute",
            "-f", "deploy/dagster/multiprocess.py", "-a", "defs",
            "-j", "refresh_warehouse_multiprocess",
            "-c", "deploy/dagster/run_config.multiprocess.yaml",
        ],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    # Steps ran in separate processes: the run's step-start events carry different pids.
    with dg.DagsterInstance.from_config(str(home)) as instance:
        [run] = instance.get_runs()
        assert run.status == dg.DagsterRunStatus.SUCCESS
        starts = [e for e in instance.all_logs(run.run_id) if e.dagster_event and e.dagster_event.is_step_start]
        assert len({e.dagster_event.pid for e in starts}) == len(starts) > 3
    with duckdb.connect(str(tmp_path / "warehouse" / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from fct_amount").fetchone()[0] > 50
