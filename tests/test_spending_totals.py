"""Every total the report and the `make run` summary display, checked against values computed by hand.

The warehouse is built from two composed bulletins (tests/fixtures/spending/): figures of several
years and periods, a headline total with class figures beside it that are not linked to it, and a
linked 其中 breakdown. A displayed total that mixed years or periods, added a headline total to its
classes, or counted a part beside its total would differ from the hand-computed values.
"""

import html
import re
from collections import defaultdict
from decimal import Decimal

import duckdb
import pytest
from builds import build_warehouse

from orchestration.report.render import render_report
from orchestration.settings import PROJECT_ROOT, WarehousePaths
from orchestration.summary import summarize

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "spending"
SHUYANG, SIHONG = "321322", "321324"

# (year, period label, stated total, sum of classes, classes), newest first, from the texts by hand:
# 2022: 一般公共预算支出 86.4亿 stated; classes 教育 15.6亿 + 卫生健康 7.8亿 + 农业 9000万 (its 其中 parts
# 5200万 and 1300万 are inside it); ten months: 68.1亿 stated, 教育 12.3亿; 2021 教育 14.2亿; 2023 plan 16.5亿.
LOCALITY_TOTALS = {
    SHUYANG: [
        ("2023", "plan", "", "1,650,000,000.00", "1"),
        ("2022", "full year", "8,640,000,000.00", "2,430,000,000.00", "3"),
        ("2022", "Jan-Oct", "6,810,000,000.00", "1,230,000,000.00", "1"),
        ("2021", "full year", "", "1,420,000,000.00", "1"),
    ],
    # 教育 10亿 + 企业纾困 500万 + 危房改造 1200万, all 2022
    SIHONG: [("2022", "full year", "", "1,017,000,000.00", "3")],
}
# The index shows each locality's newest year and period.
INDEX_ROWS = {
    "沭阳县 (321322)": ("2023 · plan", "", "1,650,000,000.00"),
    "泗洪县 (321324)": ("2022 · full year", "", "1,017,000,000.00"),
}
# (province, year, period label, class figures, sum of classes, stated totals)
PROVINCE_ROWS = [
    ("江苏省", "2023", "plan", "1", "1,650,000,000.00", "0"),
    ("江苏省", "2022", "full year", "6", "3,447,000,000.00", "1"),
    ("江苏省", "2022", "Jan-Oct", "1", "1,230,000,000.00", "1"),
    ("江苏省", "2021", "full year", "1", "1,420,000,000.00", "0"),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    paths = WarehousePaths(FIXTURES, tmp_path_factory.mktemp("spending_warehouse"))
    build_warehouse(paths.bulletins_dir, paths.warehouse_dir)
    out = tmp_path_factory.mktemp("spending_report")
    render_report(paths.published_database, out)
    return paths, out


def cells(fragment: str, row_class: str) -> list[tuple[str, ...]]:
    """The text of every cell of the rows of class ``row_class``, tags removed."""
    rows = re.findall(rf"<tr class='{row_class}'>(.*?)</tr>", fragment, re.S)
    return [
        tuple(html.unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S))
        for r in rows
    ]


@pytest.mark.slow
def test_locality_pages_show_stated_totals_beside_the_sum_of_classes(built):
    _, out = built
    for code, expected in LOCALITY_TOTALS.items():
        page = (out / "localities" / f"{code}.html").read_text(encoding="utf-8")
        assert cells(page, "total") == expected, code


@pytest.mark.slow
def test_the_index_shows_one_year_and_period_per_locality(built):
    _, out = built
    index = (out / "index.html").read_text(encoding="utf-8")
    shown = {row[0]: (row[4], row[5], row[6]) for row in cells(index, "locality")}
    assert {k: v for k, v in shown.items() if k in INDEX_ROWS} == INDEX_ROWS
    assert cells(index, "province") == PROVINCE_ROWS


@pytest.mark.slow
def test_the_summary_adds_up_as_the_report_does(built):
    paths, _ = built
    text = summarize(str(paths.published_database))
    by_period = {"plan": "plan", "full year": "full_year", "Jan-Oct": "ytd_m10"}
    for province, year, period, n, class_sum, stated in PROVINCE_ROWS:
        line = f"{class_sum:>20}  {n:>4} figures  {stated:>2} stated totals  {province} {year} {by_period[period]}"
        assert line in text, text


@pytest.mark.slow
def test_displayed_totals_are_the_figures_of_one_year_and_period_each_counted_once(built):
    """Independently of the SQL: from fct_amount's roles, every displayed locality total is recomputed."""
    paths, out = built
    with duckdb.connect(str(paths.published_database), read_only=True) as con:
        figures = con.execute(
            "select amount_id, locality_code, fiscal_year, period, parent_amount_id, spending_role, addable_yuan "
            "from fct_amount where spending_role is not null"
        ).fetchall()
    locality_of = {f[0]: f[1] for f in figures}
    # a part is counted beside its total only when it goes to another unit (the total keeps the rest)
    assert not any(f[4] in locality_of and locality_of[f[4]] == f[1] for f in figures), "a part counted twice"
    stated: dict[tuple, list[Decimal]] = defaultdict(list)
    classes: dict[tuple, list[Decimal]] = defaultdict(list)
    for _, code, year, period, _, role, yuan in figures:
        (stated if role == "stated_total" else classes)[(code, str(year), period)].append(yuan)
    assert all(len(v) == 1 for v in stated.values()), "one stated total per locality, year and period"
    labels = {"plan": "plan", "full year": "full_year", "Jan-Oct": "ytd_m10"}
    for code in LOCALITY_TOTALS:
        page = (out / "localities" / f"{code}.html").read_text(encoding="utf-8")
        for year, label, shown_stated, shown_classes, _ in cells(page, "total"):
            key = (code, year, labels[label])
            assert shown_stated == (f"{stated[key][0]:,.2f}" if key in stated else "")
            assert shown_classes == f"{sum(classes[key]):,.2f}"
