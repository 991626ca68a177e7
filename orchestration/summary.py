"""Print what the published warehouse holds: the last step of `make run`."""

from __future__ import annotations

import duckdb

from orchestration.settings import WarehousePaths


def summarize(database: str) -> str:
    with duckdb.connect(database, read_only=True) as con:
        statuses = dict(
            con.execute("select status, count(*) from bulletin_files where not is_removed group by 1").fetchall()
        )
        removed = con.execute("select count(*) from bulletin_files where is_removed").fetchone()[0]
        quarantined = con.execute(
            "select source_file, reason from bulletin_files where status = 'quarantined' and not is_removed order by 1"
        ).fetchall()
        articles, amounts, ratios = con.execute(
            "select (select count(*) from dim_article), (select count(*) from fct_amount),"
            " (select count(*) from fct_ratio)"
        ).fetchone()
        by_province = con.execute(
            """
            select
                coalesce(l.province, '(unknown)') as province,
                count(*) as amounts,
                -- spending only, and a breakdown's parts are already inside their total
                coalesce(sum(a.amount_yuan) filter (
                    where a.measure in ('allocation', 'expenditure') and a.parent_amount_id is null
                ), 0) as spending_yuan
            from fct_amount a left join dim_locality l using (locality_code)
            group by 1 order by spending_yuan desc
            """
        ).fetchall()
    lines = [
        f"warehouse: {database}",
        "bulletins: "
        + ", ".join(f"{statuses.get(s, 0)} {s}" for s in ("loaded", "duplicate", "quarantined"))
        + (f" (and {removed} file(s) removed from the inbox, facts kept)" if removed else ""),
        *(f"  quarantined {name}: {reason}" for name, reason in quarantined),
        f"articles: {articles}   amounts: {amounts}   ratios: {ratios}",
        "by province: allocation + expenditure in yuan (parts of a total not counted twice), amounts found",
        *(f"  {yuan:>20,.2f}  {n:>5}  {province}" for province, n, yuan in by_province),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(summarize(str(WarehousePaths.from_env().published_database)))
