"""Every bulletin with hand gold, built into one warehouse: it publishes, nothing is held back, every check passes.

The extractor is scored on each gold set alone (`make eval`); this builds them together through the whole
pipeline, where models, roll-up and data tests meet every shape the gold sets hold (a prefecture's money
passed on to its counties, tables, several years and periods in one bulletin). The real bulletins beside
the project (../shared/real) join when present.
"""

import shutil

import duckdb
import pytest
from builds import build_warehouse
from conftest import copy_seeds

from orchestration.settings import PROJECT_ROOT

FIXTURES = PROJECT_ROOT / "tests" / "fixtures"
REAL_TEXTS = PROJECT_ROOT.parent / "shared" / "real" / "texts"


@pytest.mark.slow
def test_every_gold_bulletin_builds_into_one_published_warehouse(inbox, tmp_path):
    copy_seeds(inbox)
    for folder in (
        *(FIXTURES / name / "texts" for name in ("composed", "heldout", "heldout2", "heldout3")),
        REAL_TEXTS,
    ):
        for text in folder.glob("*.txt") if folder.is_dir() else ():
            shutil.copy(text, inbox / text.name)
    if (REAL_TEXTS / "sources.csv").is_file():
        shutil.copy(REAL_TEXTS / "sources.csv", inbox / "sources.csv")
    expected = len(list(inbox.glob("*.txt")))

    result = build_warehouse(inbox, tmp_path / "warehouse")

    evaluations = result.get_asset_check_evaluations()
    failing = [e.check_name for e in evaluations if not e.passed and e.severity.value == "ERROR"]
    assert failing == []
    with duckdb.connect(str(tmp_path / "warehouse" / "warehouse.duckdb"), read_only=True) as con:
        statuses = con.execute("select status, count(*) from bulletin_files group by all").fetchall()
        assert statuses == [("loaded", expected)]
        # every bulletin contributes figures, and the roll-up holds every spending figure it may add
        assert con.execute("select count(distinct bulletin_id) from fct_amount").fetchone()[0] == expected
        assert con.execute("select count(*) from agg_spending_by_locality").fetchone()[0] > 0
