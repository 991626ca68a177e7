"""What the published warehouse holds: the last step of `make run`, and the Dagster UI's preview.

The queries live here once; the build summary, the ``published_warehouse`` asset's metadata and
the ``fiscal`` command line all use them.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from orchestration.settings import WarehousePaths

# Spending by province and period. Only allocation and expenditure are spending, a breakdown's parts
# are already inside their total, and figures of different periods (a year, ten months, a plan) are
# never added together.
SPENDING_BY_PROVINCE_SQL = """
    select
        coalesce(l.province, '(unknown)') as province,
        a.period,
        count(*) as amounts,
        coalesce(sum(a.amount_yuan) filter (
            where a.measure in ('allocation', 'expenditure') and a.parent_amount_id is null
        ), 0) as spending_yuan
    from fct_amount a left join dim_locality l using (locality_code)
    group by all order by spending_yuan desc, province, a.period
"""

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
    """(province, period, amounts, spending_yuan) rows, largest spending first."""
    return con.execute(SPENDING_BY_PROVINCE_SQL).fetchall()


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
    lines = [
        f"warehouse: {database}",
        "bulletins: "
        + ", ".join(f"{statuses.get(s, 0)} {s}" for s in ("loaded", "duplicate", "quarantined", "held"))
        + (f" (and {removed} file(s) removed from the inbox, facts kept)" if removed else ""),
        *(f"  {status} {name}: {reason}" for name, status, reason in not_in),
        f"articles: {articles}   amounts: {amounts}   ratios: {ratios}",
        "by province and period: allocation + expenditure in yuan (parts of a total not counted twice), amounts found",
        *(f"  {yuan:>20,.2f}  {n:>5}  {province}  {period}" for province, period, n, yuan in by_province),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(summarize(str(WarehousePaths.from_env().published_database)))
