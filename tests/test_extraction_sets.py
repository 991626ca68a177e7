"""The extractor measured against the hand-annotated sets composed for it (tests/fixtures/<set>).

- composed (11 texts, 12 provinces) was used while improving the extractor.
- heldout (5 texts, 7 provinces) was written and annotated before the extractor first ran on it; that
  first measurement (its README, "first measured" below) is the honest estimate on unseen text. Rules
  were then changed because of the misses it showed.
- heldout2 (6 texts, 8 provinces) the same, a year later: its README keeps the first measurement (the
  extractor at commit 93ea122), then general rules were changed because of its misses.
- heldout3 (6 texts, 7 provinces, other styles: a department's final accounts, a recipient list, a project
  plan, a 绩效自评) the same: its README keeps the first measurement (gold at commit 477a416).
- heldout4 (6 texts, 8 provinces: a budget report with next year's draft, a 基金/国资 execution section, a
  财政所 summary, an insurance subsidy notice, tax news, a three-article column) the same: its README keeps
  the first measurement (gold at commit 31cd1e4), then general rules were changed for its misses (function
  and measure by the helper owning those rules, from the misses its README lists).
- heldout5 (6 texts, 8 provinces: a district's 街道 money, a 国库集中支付/采购 summary, a debt note, a 财政监督
  result, a prefecture's allocation to four counties, a three-article column) the same as heldout4 (gold at
  commit 232aafb; function and measure floors at the first measurement until their rules are changed).

All are now regression guards, not estimates: each floor is the level reached, never below the
issue's targets (amount F1 >= 0.97, every attribute >= 0.85), except where heldout3 shows a gap no
general rule closed yet (its measure, period and beneficiary floors, each commented) and
heldout4's beneficiary floors and heldout5's function, measure and beneficiary floors (each commented). Do not
edit the gold to match the extractor.
"""

import subprocess
import sys
from functools import cache
from operator import attrgetter
from pathlib import Path

import pytest

from orchestration.extraction.evaluation import evaluate

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Per set, the floor of each measure of the evaluation report (attribute path -> lowest value allowed).
FLOORS = {
    "composed": {
        "amounts.tp": 145,  # running text; 18 gold amounts are table cells (c04: 1, c12: 6, c13: 11)
        "amounts.f1": 1.0,
        "table_cells.recall": 1.0,
        "table_cells.precision": 1.0,
        "locality.value": 1.0,
        "year.value": 1.0,
        # scored where the gold gives a class (60); measured 59/60: left 贷款贴息资金 (217 vs 208)
        "function.value": 59 / 60,
        "measure.value": 1.0,  # 145/145 since the article's own level decides which funds were received
        "measure_group.value": 1.0,
        "is_total.value": 1.0,
        "parent.value": 1.0,
        "period.value": 1.0,
        "percents.f1": 1.0,
        "percent_kind.value": 1.0,
        "percent_year.value": 1.0,
        "percent_period.value": 1.0,
        "percent_base.value": 1.0,
        "articles.f1": 1.0,
        "article_locality.value": 1.0,
        "article_code_in_year.value": 1.0,  # 郫县 2015 -> 510124, 水城县 2019 -> 520221
        "beneficiaries.f1": 1.0,
        "beneficiary_value.value": 1.0,
        "beneficiary_unit.value": 1.0,
        "beneficiary_subject.value": 1.0,
        "beneficiary_amount.value": 1.0,
    },
    "heldout": {
        "amounts.f1": 0.95,  # measured 1.000 (117/117)
        "locality.value": 0.95,  # measured 1.000
        "year.value": 1.0,  # first measured 0.949 (111/117)
        # first measured 0.915 (107/117, empty gold classes scored too); now scored where the gold gives one
        "function.value": 32 / 33,
        "measure.value": 116 / 118,  # first measured 0.795 (93/117); h04's two by-source rows corrected in the gold
        "measure_group.value": 117 / 118,
        "is_total.value": 111 / 117,  # first measured 0.829 (97/117)
        "parent.value": 108 / 117,  # first measured 0.752 (88/117)
        "period.value": 110 / 117,  # first measured 0.915 (107/117)
        "percents.f1": 0.95,  # measured 1.000 (30/30)
        "percent_kind.value": 0.91,  # measured 0.967 (29/30)
        "percent_year.value": 1.0,  # first measured 0.967 (29/30)
        "percent_period.value": 1.0,  # first measured 0.933 (28/30)
        "percent_base.value": 0.85,  # measured 0.900 (27/30)
        "articles.f1": 0.95,  # measured 1.000 (7/7)
        "article_locality.value": 0.95,  # measured 1.000
        "article_code_in_year.value": 0.95,  # measured 1.000
        "beneficiaries.f1": 1.0,  # first measured 0.875 (tp=7, fn=2)
        "beneficiary_value.value": 0.95,  # measured 1.000
        "beneficiary_unit.value": 0.95,  # measured 1.000
        "beneficiary_subject.value": 7 / 9,  # first measured 0.714 (5/7)
        "beneficiary_amount.value": 1.0,  # first measured 0.714 (5/7)
    },
    "heldout2": {
        "amounts.f1": 1.0,  # measured 1.000 (95/95), first measured the same
        "table_cells.recall": 1.0,  # measured 1.000 (27/27); the 万亩 and % columns are no money
        "table_cells.precision": 1.0,
        "locality.value": 1.0,  # measured 1.000 (95/95): five counties as recipients of a prefecture
        "year.value": 1.0,  # measured 1.000 (95/95)
        # first measured 0.621 (18/29); left: 禁捕退捕 under an environment total, a review's budget (送审 nearby)
        "function.value": 27 / 29,
        # first measured 0.853 (81/95); 中央/省级资金 under a notice read as received since f69c605, 省级 below 中央
        # in a county's notice since the article's own level decides
        "measure.value": 1.0,
        "measure_group.value": 1.0,  # first measured 0.863 (82/95)
        "is_total.value": 92 / 95,  # first measured 0.863 (82/95); left: a budget's parts, two aggregates
        "parent.value": 93 / 95,  # first measured 0.768 (73/95)
        "period.value": 94 / 95,  # first measured 0.916 (87/95)
        "percents.f1": 1.0,  # measured 1.000 (20/20)
        "percent_kind.value": 1.0,  # first measured 0.850 (17/20)
        "percent_year.value": 1.0,  # measured 1.000
        "percent_period.value": 19 / 20,  # first measured 0.650 (13/20)
        "percent_base.value": 19 / 20,  # first measured 0.650 (13/20)
        "articles.f1": 1.0,  # measured 1.000 (8/8)
        "article_locality.value": 1.0,  # measured 1.000 (8/8): a 旗, a municipality's district, 海南藏族自治州
        "article_code_in_year.value": 1.0,
        "beneficiaries.f1": 1.0,  # first measured 0.909 (tp=5, fn=1)
        "beneficiary_value.value": 1.0,
        "beneficiary_unit.value": 1.0,
        "beneficiary_subject.value": 1.0,  # first measured 0.600 (3/5)
        "beneficiary_amount.value": 1.0,  # first measured 0.800 (4/5)
    },
    "heldout3": {
        "amounts.f1": 1.0,  # measured 1.000 (61/61), first measured the same
        "table_cells.recall": 1.0,  # measured 1.000 (50/50): cells with thousands separators, two money columns
        "table_cells.precision": 1.0,
        "locality.value": 1.0,  # measured 1.000 (61/61)
        "year.value": 1.0,  # measured 1.000 (61/61)
        # measured 1.000 (29/29), first 0.552 (16/29): a department's or one project's budget words take the
        # owner's class (owners.py), an investment volume empties only its own figure
        "function.value": 1.0,
        "measure.value": 60 / 61,  # first measured 0.770 (47/61); left: a bond share after a project total
        "measure_group.value": 1.0,  # first measured 0.836 (51/61)
        "is_total.value": 60 / 61,  # first measured 0.951 (58/61)
        "parent.value": 59 / 61,  # first measured 0.902 (55/61); left: bond shares of a quota
        "period.value": 52 / 61,  # first measured 0.803 (49/61); left: a plan announcement's 安排 (plan)
        "percents.f1": 1.0,  # measured 1.000 (20/20)
        "percent_kind.value": 19 / 20,  # first measured 0.900 (18/20)
        "percent_year.value": 1.0,
        "percent_period.value": 17 / 20,  # first measured 0.800 (16/20)
        "percent_base.value": 18 / 20,  # first measured 0.800 (16/20)
        "articles.f1": 1.0,  # first measured 0.857: a gold error (body after the date line), corrected
        "article_locality.value": 1.0,  # measured 1.000 (7/7): 库车市, 江孜县, 景宁畲族自治县
        "article_code_in_year.value": 1.0,
        # first measured the same; left: 共有9家企业符合条件 (no benefit verb), 惠及3,208户 (no noun)
        "beneficiaries.f1": 6 / 7,  # P 1.000, R 0.750 (3 of 4)
        "beneficiary_value.value": 1.0,
        "beneficiary_unit.value": 1.0,
        "beneficiary_subject.value": 2 / 3,
        "beneficiary_amount.value": 1.0,
    },
    "heldout4": {
        "amounts.f1": 1.0,  # measured 1.000 (107/107), first measured the same
        "table_cells.recall": 1.0,  # measured 1.000 (30/30): two years side by side, a column unit, % columns
        "table_cells.precision": 1.0,
        "locality.value": 1.0,  # measured 1.000 (107/107): a township's office, a municipality's district
        "year.value": 1.0,  # measured 1.000 (107/107): a report's two years, a prior-year base
        # function and measure: first measured 0.828 (24/29) and 0.822 (88/107); linked parts inheriting their
        # total's measure gave 25/29 and 101/107; then general rules for the misses (tuning4: tax names, framed
        # thresholds, a verb after the figure, a class name before it, livelihood-list vocabulary)
        "function.value": 1.0,  # measured 1.000 (29/29)
        "measure.value": 1.0,  # measured 1.000 (107/107)
        "measure_group.value": 1.0,  # measured 1.000 (107/107)
        "is_total.value": 1.0,  # first measured 0.925 (99/107)
        "parent.value": 1.0,  # first measured 0.785 (84/107)
        "period.value": 106 / 107,  # first measured 0.953 (102/107); left: a threshold's period (its measure)
        "percents.f1": 1.0,  # first measured 0.988: a headline's percentage
        "percent_kind.value": 40 / 41,  # first measured 0.925 (37/40); left: 按…的1.5%安排 (rate or share)
        "percent_year.value": 1.0,
        "percent_period.value": 1.0,  # first measured 0.925 (37/40)
        "percent_base.value": 39 / 41,  # first measured 0.900 (36/40); left: two implied wholes
        "articles.f1": 1.0,  # first measured 0.875: a （摘自…） line read as the body
        "article_locality.value": 1.0,  # measured 1.000 (8/8)
        "article_code_in_year.value": 1.0,
        # first measured 0.615 (tp=4, fp=1, fn=4); measured 0.875 (tp=7, fp=1, fn=1); left: 14个村, 学校126所
        "beneficiaries.f1": 0.874,
        "beneficiary_value.value": 1.0,
        "beneficiary_unit.value": 1.0,
        "beneficiary_subject.value": 6 / 7,  # first measured 1.000 (4/4)
        "beneficiary_amount.value": 4 / 7,  # first measured 0.750 (3/4); the gold links two counts to standards
    },
    "heldout5": {
        "amounts.f1": 1.0,  # measured 1.000 (103/103), first measured the same
        "table_cells.recall": 1.0,  # measured 1.000 (20/20): 街道 rows, county rows with the counties' codes
        "table_cells.precision": 1.0,
        "locality.value": 1.0,  # measured 1.000 (103/103): a prefecture's money passed to four named counties
        "year.value": 1.0,  # first measured 0.990 (102/103): 比上年下达的11,930万元
        # first measured 0.879 (29/33); left: running costs (运转经费) whose sentence or paragraph names another area
        "function.value": 30 / 33,
        # first measured 0.757 (78/103): debt notes, supervision results; left: three stock debt ceilings (the gold
        # reads financing, the other sets threshold: README) and 收回…沉淀资金 (other here, saving elsewhere)
        "measure.value": 98 / 103,
        "measure_group.value": 98 / 103,  # first measured 0.796 (82/103)
        "is_total.value": 102 / 103,  # first measured 0.971 (100/103); left: p05's total, parts a section later
        "parent.value": 96 / 103,  # first measured 0.883 (91/103); left: p05's recipients, p04's review
        "period.value": 102 / 103,  # first measured 0.971 (100/103); left: principal falling due next year
        "percents.f1": 1.0,  # measured 1.000 (31/31), first measured the same
        "percent_kind.value": 1.0,  # first measured 0.968 (30/31): 为债务限额的97.0%
        "percent_year.value": 1.0,
        "percent_period.value": 1.0,  # first measured 0.935 (29/31): 下一步，… cuts of next year's budget
        "percent_base.value": 30 / 31,  # first measured 0.871 (27/31); left: 整改率93.1% (an implied base)
        "articles.f1": 1.0,  # measured 1.000, first measured the same
        "article_locality.value": 1.0,  # measured 1.000 (8/8): a prefecture, a 县级市, a 区
        "article_code_in_year.value": 1.0,
        # first measured 0.667 (tp=2, fn=2); measured 0.857 (tp=3, fn=1); left: 312名乡村医生 (乡 after the
        # unit is read as the start of another word)
        "beneficiaries.f1": 0.857,
        "beneficiary_value.value": 1.0,
        "beneficiary_unit.value": 1.0,
        "beneficiary_subject.value": 1.0,
        "beneficiary_amount.value": 1.0,
    },
}


@cache
def report(gold_set: str):
    return evaluate(FIXTURES / gold_set)


@pytest.mark.parametrize(
    ("gold_set", "measure", "floor"),
    [
        pytest.param(gold_set, measure, floor, id=f"{gold_set}-{measure}")
        for gold_set, floors in FLOORS.items()
        for measure, floor in floors.items()
    ],
)
def test_the_extractor_holds_its_level(gold_set, measure, floor):
    assert attrgetter(measure)(report(gold_set)) >= floor


@pytest.mark.parametrize("gold_set", FLOORS)
def test_the_gold_verifies(gold_set):
    checker = FIXTURES / "composed" / "check_composed.py"  # one checker for every set's format
    done = subprocess.run(
        [sys.executable, str(checker), str(FIXTURES / gold_set)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout
