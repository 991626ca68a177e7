"""The extractor measured against the "held-out" gold (tests/fixtures/heldout: 5 texts, 7 provinces).

These texts and their gold were written and committed before the extractor was first run on them;
the first measurement (in tests/fixtures/heldout/README.md) is the honest estimate on unseen text.
Rules were then changed because of the misses it showed, so this set is now a regression guard like
the composed one, not an estimate: the floors below are the levels reached after those changes.
Do not edit the gold to match the extractor.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.extract.evaluation import evaluate

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "fixtures" / "heldout"


@pytest.fixture(scope="module")
def report():
    return evaluate(GOLD)


def test_amount_spans(report):
    assert report.amounts.f1 >= 0.95  # measured 1.000 (117/117)


def test_amount_attributes(report):
    assert report.locality.value >= 0.95  # measured 1.000
    assert report.year.value == 1.0  # first measured 0.949 (111/117)
    # first measured 0.915 (107/117, empty gold classes scored too); now scored where the gold gives one
    assert report.function.value >= 32 / 33
    assert report.measure.value >= 111 / 117  # first measured 0.795 (93/117)
    assert report.is_total.value >= 111 / 117  # first measured 0.829 (97/117)
    assert report.parent.value >= 108 / 117  # first measured 0.752 (88/117)
    assert report.period.value >= 110 / 117  # first measured 0.915 (107/117)


def test_percentages(report):
    assert report.percents.f1 >= 0.95  # measured 1.000 (30/30)
    assert report.percent_kind.value >= 0.91  # measured 0.967 (29/30)
    assert report.percent_year.value == 1.0  # first measured 0.967 (29/30)
    assert report.percent_period.value == 1.0  # first measured 0.933 (28/30)
    assert report.percent_base.value >= 0.85  # measured 0.900 (27/30)


def test_articles_and_localities(report):
    assert report.articles.f1 >= 0.95  # measured 1.000 (7/7)
    assert report.article_locality.value >= 0.95  # measured 1.000
    assert report.article_code_in_year.value >= 0.95  # measured 1.000


def test_beneficiaries(report):
    assert report.beneficiaries.f1 == 1.0  # first measured 0.875 (tp=7, fn=2)
    assert report.beneficiary_value.value >= 0.95  # measured 1.000
    assert report.beneficiary_unit.value >= 0.95  # measured 1.000
    assert report.beneficiary_subject.value >= 7 / 9  # first measured 0.714 (5/7)
    assert report.beneficiary_amount.value == 1.0  # first measured 0.714 (5/7)


def test_gold_verifies():
    out = subprocess.run([sys.executable, str(GOLD / "check_heldout.py")], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout
