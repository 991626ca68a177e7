"""Periods reach the facts, and the spending roll-up reconciles with the facts below it.

The roll-up is recomputed here in Python from fct_amount (its spending_role: what may be added) and
dim_locality, independently of the SQL in agg_spending_by_locality, on the real seed build.
"""

from collections import Counter, defaultdict
from decimal import Decimal

import duckdb
import pyarrow.parquet as pq
import pytest

from orchestration.extract.records import PERIODS
from orchestration.staging import PLACEHOLDER, StagingStore

SPENDING = """
    select a.locality_code, a.fiscal_year, a.period, a.function_code, a.addable_yuan
    from fct_amount a
    where a.spending_role is not null
"""


def query(paths, sql, params=()):
    with duckdb.connect(str(paths.published_database), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def cells(paths) -> dict[tuple, tuple]:
    rows = query(
        paths,
        "select locality_code, fiscal_year, period, function_code, amount_count, total_yuan, "
        "own_amount_count, own_total_yuan from agg_spending_by_locality",
    )
    table = {tuple(r[:4]): tuple(r[4:]) for r in rows}
    assert len(table) == len(rows), "one row per locality, year, period and function class"
    return table


@pytest.mark.slow
def test_the_period_of_a_staging_row_reaches_fct_amount(seed_build):
    paths, _ = seed_build
    store = StagingStore(paths.staging_dir)
    live = {e["bulletin_id"]: e["batch_id"] for e in store.read_ledger("extractions")}
    staged = {
        (row["bulletin_id"], row["char_start"], row["char_end"]): row["period"]
        for row in store.iter_batch_rows("amounts", live)
    }
    facts = {
        (b, s, e): p for b, s, e, p in query(paths, "select bulletin_id, char_start, char_end, period from fct_amount")
    }
    assert staged and facts == staged
    assert set(facts.values()) <= set(PERIODS)
    # The seed bulletins speak of whole years and of January to October (截至10月): both arrive.
    assert {"full_year", "ytd_m10"} <= set(facts.values())


def test_a_placeholder_without_the_period_column_is_rewritten(tmp_path):
    """Older warehouses hold an empty placeholder batch without `period`; dbt must always see the column
    (as NULL in older batches, which stg_amounts turns into 'unknown': see its dbt unit test)."""
    store = StagingStore(tmp_path)
    store.ensure_layout()
    placeholder = store.batch_dir("amounts") / PLACEHOLDER
    pq.write_table(pq.read_table(placeholder).drop_columns(["period"]), placeholder)
    store.ensure_layout()
    assert "period" in pq.read_schema(placeholder).names


@pytest.mark.slow
def test_county_cells_are_the_sums_of_their_amounts(seed_build):
    paths, _ = seed_build
    expected: dict[tuple, list] = defaultdict(list)
    for code, year, period, function, yuan in query(paths, SPENDING):
        expected[(code, year, period, function)].append(yuan)
    levels = dict(query(paths, "select locality_code, locality_level from dim_locality"))
    table = cells(paths)
    county_cells = {k: v for k, v in table.items() if levels[k[0]] == "county"}
    assert county_cells, "the seeds have county figures"
    for key, (count, total, own_count, own_total) in county_cells.items():
        assert (count, total) == (own_count, own_total) == (len(expected[key]), sum(expected[key])), key
    # Every amount placed in a county has its cell.
    assert {k for k in expected if levels[k[0]] == "county"} == set(county_cells)


@pytest.mark.slow
def test_each_prefecture_and_province_cell_equals_the_cells_below_it(seed_build):
    paths, _ = seed_build
    parents = dict(query(paths, "select locality_code, parent_code from dim_locality"))
    levels = dict(query(paths, "select locality_code, locality_level from dim_locality"))
    table = cells(paths)
    children: dict[tuple, list[tuple]] = defaultdict(list)
    for (code, year, period, function), value in table.items():
        if parents.get(code):
            children[(parents[code], year, period, function)].append(value)
    upper = {k: v for k, v in table.items() if levels[k[0]] in {"prefecture", "province"}}
    assert {levels[k[0]] for k in upper} == {"prefecture", "province"}
    for key, (count, total, own_count, own_total) in upper.items():
        below = children[key]
        assert count == own_count + sum(c[0] for c in below), key
        assert total == own_total + sum(c[1] for c in below), key
    # Nothing below lacks the cell above it.
    assert set(children) <= set(table)


@pytest.mark.slow
def test_province_cells_hold_every_placed_amount_once_per_period(seed_build):
    paths, _ = seed_build
    parents = dict(query(paths, "select locality_code, parent_code from dim_locality"))

    def province_of(code: str) -> str:
        while parents.get(code):
            code = parents[code]
        return code

    expected_total: Counter = Counter()
    expected_count: Counter = Counter()
    for code, year, period, function, yuan in query(paths, SPENDING):
        expected_total[(province_of(code), year, period, function)] += yuan
        expected_count[(province_of(code), year, period, function)] += 1
    levels = dict(query(paths, "select locality_code, locality_level from dim_locality"))
    provinces = {k: v for k, v in cells(paths).items() if levels[k[0]] == "province"}
    assert {k: v[0] for k, v in provinces.items()} == dict(expected_count)
    assert {k: v[1] for k, v in provinces.items()} == {k: Decimal(v) for k, v in expected_total.items()}
    # Periods are never summed together: a province has as many cells as distinct periods below it.
    periods_below = {(k[0], k[2]) for k in expected_count}
    assert {(k[0], k[2]) for k in provinces} == periods_below
