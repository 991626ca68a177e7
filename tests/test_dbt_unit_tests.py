"""dbt's unit tests (model logic on hand-made rows) run here, not in every production refresh."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.settings import DBT_PROJECT_DIR

pytestmark = pytest.mark.slow  # runs dbt against the seed build


def test_dbt_unit_tests_pass(seed_build):
    paths, _ = seed_build
    dbt = Path(sys.executable).parent / "dbt"
    done = subprocess.run(
        [str(dbt), "test", "--select", "test_type:unit", "--profiles-dir", ".", "--target-path", str(paths.dbt_target)],
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, "WAREHOUSE_DIR": str(paths.warehouse_dir)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-4000:]
    summary = re.search(r"PASS=(\d+) WARN=(\d+) ERROR=(\d+) SKIP=(\d+)", done.stdout)
    defined = sum(text.count("\n  - name:") for text in unit_test_blocks())
    assert summary and int(summary[1]) == defined >= 3 and summary[3] == "0", done.stdout[-2000:]


def unit_test_blocks():
    """The `unit_tests:` sections of the dbt project's yml files."""
    for path in DBT_PROJECT_DIR.glob("models/**/*.yml"):
        text = path.read_text(encoding="utf-8")
        if "\nunit_tests:" in text:
            yield text.split("\nunit_tests:", 1)[1]
