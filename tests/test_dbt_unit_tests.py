"""dbt's unit tests (model logic on hand-made rows) run here, not in every production refresh."""

import json
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
    # The vars and target path of the refresh that built the warehouse: dbt reuses that refresh's parse (a full
    # parse would take a third of this test's time, and leave the next refresh of that warehouse one to do too).
    warehouse_var = json.dumps({"warehouse_dir": str(paths.warehouse_dir)})
    args = ["test", "--select", "test_type:unit", "--vars", warehouse_var, "--target-path", str(paths.dbt_target)]
    done = subprocess.run([str(dbt), *args, "--profiles-dir", "."], cwd=DBT_PROJECT_DIR, capture_output=True, text=True)
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
