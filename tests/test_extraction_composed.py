"""The extractor measured against the composed gold (tests/fixtures/composed: 12 texts, 13 provinces).

Thresholds are the levels measured when the test was written, never below the issue's targets
(amount F1 >= 0.97, every attribute >= 0.85). The composed texts were used while improving the
extractor, so they guard against regressions; they are no longer an unseen test set.
"""

from pathlib import Path

import pytest

from orchestration.extract.evaluation import evaluate

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "fixtures" / "composed"


@pytest.fixture(scope="module")
def report():
    return evaluate(GOLD)


def test_amount_spans(report):
    assert report.amounts.tp == 140  # running text; 7 gold amounts are table cells (c04: 1, c12: 6)
    assert report.amounts.f1 == 1.0
    assert report.table_cells.recall == 1.0 and report.table_cells.precision == 1.0


def test_amount_attributes(report):
    assert report.locality.value == 1.0
    assert report.year.value == 1.0
    # scored where the gold gives a class (56): 产业扶持资金 (215 vs 213), 贷款贴息资金 (217 vs 208); c12 (added
    # with recipient localities, first measured as is): its five county parts read as revenue (the sentence
    # cites 车辆购置税收入补助地方资金), so no class, and 危桥改造资金各 is unmapped
    assert report.function.value >= 48 / 56
    assert report.measure.value >= 135 / 140  # c12's five county parts: revenue instead of allocation
    assert report.measure_group.value >= 135 / 140
    assert report.is_total.value == 1.0
    assert report.parent.value == 1.0
    assert report.period.value == 1.0


def test_percentages(report):
    assert report.percents.f1 == 1.0
    assert report.percent_kind.value == 1.0
    assert report.percent_year.value == 1.0
    assert report.percent_period.value == 1.0
    assert report.percent_base.value == 1.0


def test_articles_and_localities(report):
    assert report.articles.f1 == 1.0
    assert report.article_locality.value == 1.0
    assert report.article_code_in_year.value == 1.0  # 郫县 2015 -> 510124, 水城县 2019 -> 520221


def test_beneficiaries(report):
    assert report.beneficiaries.f1 == 1.0
    assert report.beneficiary_value.value == 1.0
    assert report.beneficiary_unit.value == 1.0
    assert report.beneficiary_subject.value == 1.0
    assert report.beneficiary_amount.value == 1.0


def test_gold_verifies():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, str(GOLD / "check_composed.py")], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout
