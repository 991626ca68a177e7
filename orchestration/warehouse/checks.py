"""Checks an analyst wants to see red before trusting the warehouse.

They read the build database (read-only) after dbt has built the marts; they are blocking, so a
failing check stops ``published_warehouse`` and analysts keep the last good warehouse.
"""

import re
from bisect import bisect_left
from collections.abc import Sequence
from decimal import Decimal
from itertools import accumulate

import dagster as dg
import duckdb

from orchestration.extract.numbers import parse_money
from orchestration.resources import WarehouseResource

FCT_AMOUNT, FCT_RATIO, DIM_BULLETIN = dg.AssetKey("fct_amount"), dg.AssetKey("fct_ratio"), dg.AssetKey("dim_bulletin")

# A second opinion independent of the extractor: Arabic figures with any money unit, and Chinese
# numerals with a multiplier unit (bare 元 after Chinese numerals is mostly 一元化/多元 prose).
MONEY_LIKE = re.compile(
    r"[0-9０-９][0-9０-９,，.．]*\s*(?:万亿|亿|万|千)?元|[零〇一二两三四五六七八九十百千]+(?:万亿|亿|万|千)元"
)
PREVIEW_ROWS = 20


def _query(warehouse: WarehouseResource, sql: str, params: Sequence = ()) -> list[tuple]:
    with duckdb.connect(str(warehouse.paths.build_database), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def _result(failures: list[tuple], header: str, checked: int, what: str) -> dg.AssetCheckResult:
    """Pass when there are no failures; show the first ones as a markdown table in the UI."""
    lines = [f"| {header} |", "|" + "---|" * (header.count("|") + 1)]
    lines += ["| " + " | ".join(map(str, f)) + " |" for f in failures[:PREVIEW_ROWS]]
    return dg.AssetCheckResult(
        passed=not failures,
        metadata={
            "checked": checked,
            "failures": len(failures),
            what: dg.MetadataValue.md("\n".join(lines) if failures else "none"),
        },
    )


@dg.asset_check(asset=FCT_AMOUNT, blocking=True, description="Every amount_text re-parses to its amount_yuan.")
def amount_text_reparses(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    # Each distinct (text, yuan) pair is parsed once: figures such as 100万元 recur across bulletins.
    pairs = _query(
        warehouse,
        "select amount_text, amount_yuan, count(*), min(amount_id) from fct_amount group by amount_text, amount_yuan",
    )
    failures = []
    for text, yuan, n, amount_id in pairs:
        try:
            parsed = parse_money(text)
        except ValueError as exc:
            parsed = f"unparseable: {exc}"
        if not isinstance(parsed, Decimal) or parsed.quantize(Decimal("0.01")) != yuan:
            failures.append((amount_id, n, text, yuan, parsed))
    return _result(
        failures,
        "amount_id (first of n) | n | amount_text | amount_yuan | re-parsed",
        sum(n for _, _, n, _ in pairs),
        "mismatches",
    )


def covered(span_start: int, span_end: int, starts: list[int], max_ends: list[int]) -> bool:
    """Whether [span_start, span_end) overlaps a span; ``starts`` sorted, ``max_ends[i]`` the largest
    end among the first i + 1 spans. A bisection per span, not a scan of all spans."""
    before = bisect_left(starts, span_end)  # spans starting before this one ends
    return before > 0 and max_ends[before - 1] > span_start


@dg.asset_check(
    asset=FCT_AMOUNT,
    blocking=True,
    description="Every money-like span in a loaded bulletin is an amount or is listed with a reason.",
)
def money_spans_accounted_for(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    failures, checked = [], 0
    with duckdb.connect(str(warehouse.paths.build_database), read_only=True) as con:
        # One row per bulletin with its covered spans; fetched in chunks so the texts of a large
        # warehouse are never all in memory at once.
        cursor = con.execute(
            """
            with spans as (
                select bulletin_id, char_start, char_end from fct_amount
                union all select bulletin_id, char_start, char_end from staging.stg_skipped_spans
            ),
            per_bulletin as (
                select bulletin_id, list(char_start) as starts, list(char_end) as ends from spans group by 1
            )
            select b.source_file, b.bulletin_text, p.starts, p.ends
            from dim_bulletin b left join per_bulletin p using (bulletin_id)
            """
        )
        while rows := cursor.fetchmany(256):
            for source_file, text, starts, ends in rows:
                spans = sorted(zip(starts or [], ends or [], strict=True))
                sorted_starts, max_ends = [s for s, _ in spans], list(accumulate((e for _, e in spans), max))
                for match in MONEY_LIKE.finditer(text):
                    checked += 1
                    if not covered(match.start(), match.end(), sorted_starts, max_ends):
                        context = text[max(0, match.start() - 15) : match.end() + 5]
                        failures.append((source_file, match.start(), match.group(), context))
    return _result(failures, "file | offset | span | context", checked, "unaccounted_spans")


@dg.asset_check(
    asset=FCT_AMOUNT, blocking=True, description="The parts of a total never add up to more than the total."
)
def parts_within_total(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    rows = _query(
        warehouse,
        """
        select parent.amount_id, parent.amount_text, parent.amount_yuan, sum(part.amount_yuan), count(*)
        from fct_amount part join fct_amount parent on part.parent_amount_id = parent.amount_id
        group by all
        """,
    )
    failures = [r for r in rows if r[3] > r[2]]
    return _result(failures, "total | text | yuan | sum of parts | parts", len(rows), "overflowing_totals")


@dg.asset_check(asset=DIM_BULLETIN, blocking=True, description="Every loaded bulletin has at least one article.")
def every_bulletin_has_an_article(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    rows = _query(warehouse, "select bulletin_id, source_file, article_count from dim_bulletin")
    failures = [r for r in rows if r[2] < 1]
    return _result(failures, "bulletin | file | articles", len(rows), "bulletins_without_articles")


@dg.asset_check(
    asset=FCT_AMOUNT,
    description="Spending whose functional class no keyword could place: listed for a maintainer to map "
    "in orchestration/extract/data/function_keywords.csv, never guessed (a warning, not a blocker).",
)
def unmapped_spending_programs(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    rows = _query(
        warehouse,
        """
        select program_name, count(*) as amounts, sum(amount_yuan) as yuan, any_value(amount_id)
        from fct_amount where starts_with(function_evidence, 'unmapped')
        group by program_name order by amounts desc, yuan desc
        """,
    )
    (checked,) = _query(warehouse, "select count(*) from fct_amount")[0]
    result = _result(rows, "program | amounts | yuan | example amount_id", checked, "unmapped_programs")
    return dg.AssetCheckResult(passed=result.passed, metadata=result.metadata, severity=dg.AssetCheckSeverity.WARN)


warehouse_checks = [
    amount_text_reparses,
    money_spans_accounted_for,
    parts_within_total,
    every_bulletin_has_an_article,
    unmapped_spending_programs,
]
