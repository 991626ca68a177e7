"""What the published warehouse holds: the last step of `make run`, and the Dagster UI's preview.

The queries live here once; the build summary, the ``published_warehouse`` asset's metadata and
the ``fiscal`` command line all use them.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from orchestration.extract.records import SPENDING_MEASURES
from orchestration.settings import WarehousePaths

# What may be added up is decided once, in dbt (int_spendable_amounts -> fct_amount.spending_role ->
# agg_spending_by_locality): class figures add up within one year and period; a locality's stated total
# (its figure over several classes) stands beside the sum of its class figures, never added to it.

# Per locality, year and period: the stated total and the sum of the class figures, side by side.
LOCALITY_TOTALS_SQL = """
    select
        locality_code,
        fiscal_year,
        period,
        sum(own_total_yuan) filter (where function_code is null) as stated_total_yuan,
        sum(own_total_yuan) filter (where function_code is not null) as class_sum_yuan,
        count(*) filter (where function_code is not null) as classes
    from agg_spending_by_locality
    where own_amount_count > 0
    group by all
"""

# Per province, year and period: the sum of the class figures of the province and every locality in it,
# and how many localities state a total (those totals are not summed: a prefecture's total may hold its
# counties').
SPENDING_BY_PROVINCE_SQL = """
    select
        locality_name as province,
        fiscal_year,
        period,
        sum(amount_count) filter (where function_code is not null) as class_figures,
        sum(total_yuan) filter (where function_code is not null) as class_sum_yuan,
        coalesce(sum(amount_count) filter (where function_code is null), 0) as stated_totals
    from agg_spending_by_locality
    where locality_level = 'province'
    group by all
    order by province, fiscal_year desc, period
"""
SPENDING_BY_PROVINCE_HEADER = ("province", "year", "period", "class figures", "sum of classes (yuan)", "stated totals")

# The amounts of the bulletins that arrived or changed last (bulletin_files records when).
NEWEST_AMOUNTS_SQL = """
    with arrival as (
        select bulletin_id, max(coalesce(changed_at, first_seen_at)) as arrived_at
        from bulletin_files where bulletin_id is not null group by 1
    )
    select a.source_file, a.amount_text, a.amount_yuan, l.locality_name, a.fiscal_year, a.period,
           a.measure, a.function_code, a.program_name
    from fct_amount a
    left join arrival using (bulletin_id)
    left join dim_locality l using (locality_code)
    order by arrival.arrived_at desc nulls last, a.bulletin_id, a.char_start
    limit ?
"""


def spending_by_province(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """Rows of SPENDING_BY_PROVINCE_HEADER, by province, newest year first."""
    return con.execute(SPENDING_BY_PROVINCE_SQL).fetchall()


def locality_totals(con: duckdb.DuckDBPyConnection, locality_codes: Sequence[str]) -> dict[str, list[dict]]:
    """locality_code -> its (fiscal_year, period, stated_total_yuan, class_sum_yuan, classes) rows, newest first."""
    cursor = con.execute(
        f"select * from ({LOCALITY_TOTALS_SQL}) where locality_code in (select unnest(?)) "
        "order by locality_code, fiscal_year desc, period <> 'full_year', period",
        [list(locality_codes)],
    )
    names = [d[0] for d in cursor.description]
    totals: dict[str, list[dict]] = {}
    for row in cursor.fetchall():
        record = dict(zip(names, row, strict=True))
        totals.setdefault(record["locality_code"], []).append(record)
    return totals


def yuan(value) -> str:
    """A decimal amount of yuan, exactly, with thousands separators; an empty cell when there is none."""
    return "" if value is None else f"{value:,.2f}"


def newest_amounts(con: duckdb.DuckDBPyConnection, limit: int = 10) -> tuple[list[str], list[tuple]]:
    """Column names and the amounts of the most recently arrived bulletins."""
    cursor = con.execute(NEWEST_AMOUNTS_SQL, [limit])
    return [d[0] for d in cursor.description], cursor.fetchall()


def markdown_table(header: Sequence[str], rows: Sequence[Sequence]) -> str:
    """A markdown table for Dagster's metadata view (pipes in values escaped)."""

    def cell(value) -> str:
        return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def set_aside(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    """Files in the inbox whose text is not (or not in its newest version) in the marts: quarantined (not
    usable) or held (a check failed on its rows), with the reason: (file, status, reason)."""
    return con.execute(
        "select source_file, status, reason from bulletin_files "
        "where status in ('quarantined', 'held') and not is_removed order by status, source_file"
    ).fetchall()


def summarize(database: str) -> str:
    with duckdb.connect(database, read_only=True) as con:
        statuses = dict(
            con.execute("select status, count(*) from bulletin_files where not is_removed group by 1").fetchall()
        )
        removed = con.execute("select count(*) from bulletin_files where is_removed").fetchone()[0]
        not_in = set_aside(con)
        articles, amounts, ratios = con.execute(
            "select (select count(*) from dim_article), (select count(*) from fct_amount),"
            " (select count(*) from fct_ratio)"
        ).fetchone()
        by_province = spending_by_province(con)
        unplaced = con.execute(
            "select count(*) from fct_amount where measure in"
            f" ({', '.join(map(repr, sorted(SPENDING_MEASURES)))}) and spending_role is null"
        ).fetchone()[0]
    lines = [
        f"warehouse: {database}",
        "bulletins: "
        + ", ".join(f"{statuses.get(s, 0)} {s}" for s in ("loaded", "duplicate", "quarantined", "held"))
        + (f" (and {removed} file(s) removed from the inbox, facts kept)" if removed else ""),
        *(f"  {status} {name}: {reason}" for name, status, reason in not_in),
        f"articles: {articles}   amounts: {amounts}   ratios: {ratios}",
        "spending by province, year and period: the sum of class figures (a part of a total counted within it,",
        "never beside it; years and periods never mixed) and how many localities state their own total",
        *(
            f"  {yuan(class_sum):>20}  {n or 0:>4} figures  {totals:>2} stated totals  {province} {year} {period}"
            for province, year, period, n, class_sum, totals in by_province
        ),
        f"allocation/expenditure figures added nowhere: {unplaced} (fct_amount.spending_note says why)",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(summarize(str(WarehousePaths.from_env().published_database)))
