"""Checks an analyst wants to see red before trusting the warehouse.

They read the build database (read-only) after dbt has built the marts; they are blocking, so a
failing check stops ``published_warehouse`` and analysts keep the last good warehouse. The row checks
are first run by the dbt step itself (``row_check_failures``), which holds back the bulletins whose
rows fail (see holds.py): so here they fail only for what no single bulletin can be blamed for. In the same
process, this step shows the dbt step's findings instead of judging the rows again (``judged_rows``).
They are one multi-asset check (``python_checks``): one step and one connection for all eight, where eight steps
cost a refresh ~1 s of Dagster's step events and database opens; the UI still shows each check on its asset.

The marts are built incrementally (docs/scaling.md, "Incremental marts"): the row checks look at the rows the
last dbt build wrote (``built_by_invocation``; every row after a full refresh). The rows of earlier builds
passed them then, and are rewritten whenever anything they derive from changes.
"""

import re
from bisect import bisect_left
from collections.abc import Callable
from decimal import Decimal
from itertools import accumulate
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.extract.numbers import reparse_amount
from orchestration.resources import WarehouseResource
from orchestration.settings import INTERNAL_CATALOG
from orchestration.warehouse.build_state import dbt_invocation_id
from orchestration.warehouse.databases import connect_build_database
from orchestration.warehouse.holds import BulletinFailure, per_bulletin

FCT_AMOUNT, FCT_RATIO, DIM_BULLETIN = dg.AssetKey("fct_amount"), dg.AssetKey("fct_ratio"), dg.AssetKey("dim_bulletin")
FCT_CORRECTION = dg.AssetKey("fct_correction")

# A second opinion independent of the extractor: Arabic figures with any money unit, and Chinese
# numerals with a multiplier unit (bare 元 after Chinese numerals is mostly 一元化/多元 prose).
MONEY_LIKE = re.compile(
    r"[0-9０-９][0-9０-９,，.．]*\s*(?:万亿|亿|万|千)?元|[零〇一二两三四五六七八九十百千]+(?:万亿|亿|万|千)元"
)
# MONEY_LIKE written backwards, matched on the reversed text: every span ends with its only 元, so read from the 元
# leftwards the regex engine jumps from 元 to 元 instead of trying each digit and numeral of the text (4x faster at
# 20,000 bulletins). Its spans are MONEY_LIKE's (money_like_spans; a test compares them).
MONEY_LIKE_REVERSED = re.compile(
    r"元(?:亿万|亿|万|千)?\s*[0-9０-９,，.．]*[0-9０-９]|元(?:亿万|亿|万|千)[零〇一二两三四五六七八九十百千]+"
)
PREVIEW_ROWS = 20
# The spans the extractor skipped, with a reason: a staging model, in the internal database.
SKIPPED_SPANS = f"{INTERNAL_CATALOG}.staging.stg_skipped_spans"
# The row checks' findings: check name -> (failing rows, rows looked at).
Judged = dict[str, tuple[list[tuple], int]]


def _result(
    failures: list[tuple],
    header: str,
    checked: int,
    what: str,
    severity: dg.AssetCheckSeverity = dg.AssetCheckSeverity.ERROR,
) -> dg.AssetCheckResult:
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
        severity=severity,
    )


# Row checks: each finds the failing rows of the build database as (bulletin_id, row, shown columns...).
# The asset checks below show them; `row_check_failures` groups them by bulletin, so that the refresh
# holds those bulletins back instead of blocking the warehouse (see holds.py).


def built_by(table: str = "") -> str:
    """SQL for the rows of the build being checked: those the dbt invocation ``$invocation`` wrote, or every row
    when it is NULL. ``table``: the alias whose rows it picks, when the query joins several."""
    column = f"{table}.built_by_invocation" if table else "built_by_invocation"
    return f"($invocation::varchar is null or {column} = $invocation)"


def reparse_mismatches(con: duckdb.DuckDBPyConnection, invocation: str | None = None) -> list[tuple]:
    """Amounts whose text does not re-parse to their value: (bulletin_id, amount_id, text, unit, yuan, parsed)."""
    # Each distinct (text, unit, yuan) triple is parsed once: figures such as 100万元 recur across bulletins (4,196
    # triples for 814,105 figures at 20,000 bulletins). The figures' ids are fetched only for the triples that do not
    # re-parse: listing every figure's id with its triple cost 0.6-0.8 s at 20,000, the triples alone 0.04 s.
    triples = con.execute(
        f"select amount_text, header_unit, amount_yuan from fct_amount where {built_by()} group by all",
        {"invocation": invocation},
    ).fetchall()
    parsed_of = {triple: reparse_amount(triple[0], triple[1]) for triple in triples}
    failing = {
        triple
        for triple, parsed in parsed_of.items()
        if not isinstance(parsed, Decimal) or parsed.quantize(Decimal("0.01")) != triple[2]
    }
    if not failing:
        return []
    figures = con.execute(
        "select amount_text, header_unit, amount_yuan, list(amount_id order by amount_id) from fct_amount "
        f"where {built_by()} group by all",
        {"invocation": invocation},
    ).fetchall()
    failures = []
    for text, header_unit, yuan, amount_ids in figures:
        if (text, header_unit, yuan) in failing:
            parsed = parsed_of[(text, header_unit, yuan)]
            failures += [(_bulletin_of(a), a, text, header_unit or "", yuan, parsed) for a in amount_ids]
    return failures


def money_like_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) of every MONEY_LIKE match in ``text``, in order.

    A span holds one 元, its last character, so the match ending at each 元 is the longest run before it that
    MONEY_LIKE accepts, and the reversed regex finds it (its branches and units exclude each other)."""
    length = len(text)
    backwards = [(length - match.end(), length - match.start()) for match in MONEY_LIKE_REVERSED.finditer(text[::-1])]
    return backwards[::-1]


def covered(span_start: int, span_end: int, starts: list[int], max_ends: list[int]) -> bool:
    """Whether [span_start, span_end) overlaps a span; ``starts`` sorted, ``max_ends[i]`` the largest
    end among the first i + 1 spans. A bisection per span, not a scan of all spans."""
    before = bisect_left(starts, span_end)  # spans starting before this one ends
    return before > 0 and max_ends[before - 1] > span_start


def unaccounted_spans(con: duckdb.DuckDBPyConnection, invocation: str | None = None) -> tuple[list[tuple], int]:
    """Money-like spans that are neither an amount nor skipped with a reason: (bulletin_id, file, offset,
    span, context), and how many spans were looked at (in the bulletins whose rows the build wrote)."""
    failures, checked = [], 0
    # The bulletins first, by id: spans filtered by a list of ids are read for those bulletins only; filtered
    # by a join on a query, DuckDB read every span of the warehouse (2.6 s for one new bulletin at 100,000).
    bulletin_ids = [
        bulletin_id
        for (bulletin_id,) in con.execute(
            f"select bulletin_id from dim_bulletin where {built_by()} "
            f"union select bulletin_id from fct_amount where {built_by()}",
            {"invocation": invocation},
        ).fetchall()
    ]
    # One row per bulletin with its covered spans; fetched in chunks so the texts of a large
    # warehouse are never all in memory at once.
    cursor = con.execute(
        f"""
        with spans as (
            select bulletin_id, char_start, char_end from fct_amount where bulletin_id in (select unnest($ids))
            union all
            select bulletin_id, char_start, char_end from {SKIPPED_SPANS}
            where bulletin_id in (select unnest($ids))
            -- a span an analyst judged not to be a money figure is accounted for by that decision
            union all
            select bulletin_id, char_start, char_end from fct_correction
            where field = 'not_a_fact' and value = 'true' and status = 'applied'
                and bulletin_id in (select unnest($ids))
        ),
        per_bulletin as (
            select bulletin_id, list(char_start) as starts, list(char_end) as ends from spans group by 1
        )
        select b.bulletin_id, b.source_file, b.bulletin_text, p.starts, p.ends
        from dim_bulletin b left join per_bulletin p using (bulletin_id)
        where b.bulletin_id in (select unnest($ids))
        """,
        {"ids": bulletin_ids},
    )
    while rows := cursor.fetchmany(256):
        for bulletin_id, source_file, text, starts, ends in rows:
            spans = sorted(zip(starts or [], ends or [], strict=True))
            sorted_starts, max_ends = [s for s, _ in spans], list(accumulate((e for _, e in spans), max))
            for start, end in money_like_spans(text):
                checked += 1
                if not covered(start, end, sorted_starts, max_ends):
                    context = text[max(0, start - 15) : end + 5]
                    failures.append((bulletin_id, source_file, start, text[start:end], context))
    return failures, checked


def overflowing_totals(con: duckdb.DuckDBPyConnection, invocation: str | None = None) -> tuple[list[tuple], int]:
    """Totals whose parts add up to more: (bulletin_id, total, text, yuan, sum of parts, parts)."""
    # a total and its parts are figures of one bulletin, written together
    rows = con.execute(
        f"""
        select parent.bulletin_id, parent.amount_id, parent.amount_text, parent.amount_yuan,
               sum(part.amount_yuan), count(*)
        from fct_amount part join fct_amount parent on part.parent_amount_id = parent.amount_id
        where {built_by("parent")}
        group by all
        """,
        {"invocation": invocation},
    ).fetchall()
    return [r for r in rows if r[4] > r[3]], len(rows)


def bulletins_without_articles(
    con: duckdb.DuckDBPyConnection, invocation: str | None = None
) -> tuple[list[tuple], int]:
    """Loaded bulletins the extractor found no article in: (bulletin_id, file, articles)."""
    rows = con.execute(
        f"select bulletin_id, source_file, article_count from dim_bulletin where {built_by()}",
        {"invocation": invocation},
    ).fetchall()
    return [r for r in rows if r[2] < 1], len(rows)


def reparse_findings(con: duckdb.DuckDBPyConnection, invocation: str | None = None) -> tuple[list[tuple], int]:
    """``reparse_mismatches``, and how many amounts were looked at."""
    (checked,) = con.execute(
        f"select count(*) from fct_amount where {built_by()}", {"invocation": invocation}
    ).fetchone()
    return reparse_mismatches(con, invocation), checked


# The row checks: check name -> its failing rows, and how many rows it looked at.
ROW_CHECKS: dict[str, Callable[[duckdb.DuckDBPyConnection, str | None], tuple[list[tuple], int]]] = {
    "amount_text_reparses": reparse_findings,
    "money_spans_accounted_for": unaccounted_spans,
    "parts_within_total": overflowing_totals,
    "every_bulletin_has_an_article": bulletins_without_articles,
}
# The last findings per build database, with the state of the file they were found in (see judged_rows).
_LAST_JUDGED: dict[Path, tuple[tuple, Judged]] = {}


def judged_rows(database: Path, invocation: str | None = None) -> Judged:
    """Every row check's findings on the rows ``invocation`` wrote (all rows if None).

    The dbt step judges the rows to hold bulletins back, then the check step shows the same findings: it takes
    them from here while the database file is as they were found in (the same invocation, size and modification
    time), where it read every row of a full build again (7 s at 20,000 bulletins, 50 s at 100,000)."""
    stat = Path(database).stat()
    state = (invocation, stat.st_size, stat.st_mtime_ns)
    last = _LAST_JUDGED.get(Path(database))
    if last is not None and last[0] == state:
        return last[1]
    with connect_build_database(database, read_only=True) as con:
        found = {check: find(con, invocation) for check, find in ROW_CHECKS.items()}
    _LAST_JUDGED[Path(database)] = (state, found)  # the last build's only: a refresh judges one build at a time
    return found


def row_check_failures(database, invocation: str | None = None) -> list[BulletinFailure]:
    """Every row check's failures on the rows ``invocation`` wrote (all rows if None), grouped by bulletin."""
    return [
        failure
        for check, (rows, _) in judged_rows(database, invocation).items()
        for failure in per_bulletin(check, ((r[0], " ".join(map(str, r[1:]))[:200]) for r in rows))
    ]


def _bulletin_of(fact_id: str) -> str:
    return fact_id.split(":", 1)[0]


def amount_text_reparses(con: duckdb.DuckDBPyConnection, invocation: str | None, judged: Judged) -> dg.AssetCheckResult:
    failures, checked = judged["amount_text_reparses"]
    header = "amount_id | amount_text | header_unit | amount_yuan | re-parsed"
    return _result([f[1:] for f in failures], header, checked, "mismatches")


def money_spans_accounted_for(
    con: duckdb.DuckDBPyConnection, invocation: str | None, judged: Judged
) -> dg.AssetCheckResult:
    failures, checked = judged["money_spans_accounted_for"]
    return _result([f[1:] for f in failures], "file | offset | span | context", checked, "unaccounted_spans")


def parts_within_total(con: duckdb.DuckDBPyConnection, invocation: str | None, judged: Judged) -> dg.AssetCheckResult:
    failures, checked = judged["parts_within_total"]
    header = "total | text | yuan | sum of parts | parts"
    return _result([f[1:] for f in failures], header, checked, "overflowing_totals")


def every_bulletin_has_an_article(
    con: duckdb.DuckDBPyConnection, invocation: str | None, judged: Judged
) -> dg.AssetCheckResult:
    failures, checked = judged["every_bulletin_has_an_article"]
    return _result(failures, "bulletin | file | articles", checked, "bulletins_without_articles")


def unmapped_spending_programs(
    con: duckdb.DuckDBPyConnection, invocation: str | None, judged: Judged
) -> dg.AssetCheckResult:
    rows = con.execute(
        """
        select program_name, count(*) as amounts, sum(amount_yuan) as yuan, any_value(amount_id)
        from fct_amount where starts_with(function_evidence, 'unmapped')
        group by program_name order by amounts desc, yuan desc
        """
    ).fetchall()
    (checked,) = con.execute("select count(*) from fct_amount").fetchone()
    header = "program | amounts | yuan | example amount_id"
    return _result(rows, header, checked, "unmapped_programs", dg.AssetCheckSeverity.WARN)


def money_outside_articles(
    con: duckdb.DuckDBPyConnection, invocation: str | None, judged: Judged
) -> dg.AssetCheckResult:
    rows = con.execute(
        f"""
        select b.source_file, count(*) as spans, string_agg(s.span_text, ' ' order by s.char_start)
        from {SKIPPED_SPANS} s join dim_bulletin b using (bulletin_id)
        where s.reason = 'outside every article'
        group by all order by spans desc, b.source_file
        """
    ).fetchall()
    (checked,) = con.execute("select count(*) from dim_bulletin").fetchone()
    return _result(rows, "file | spans | the spans", checked, "money_outside_articles", dg.AssetCheckSeverity.WARN)


def unapplied_corrections(con: duckdb.DuckDBPyConnection, statuses: tuple[str, ...]) -> tuple[list[tuple], int]:
    """Corrections in one of ``statuses`` (row, amount_id, field, value, status, why), and how many there are."""
    rows = con.execute(
        "select row_no, amount_id, field, value, status, status_reason from fct_correction "
        "where list_contains(?, status) order by row_no",
        [list(statuses)],
    ).fetchall()
    (checked,) = con.execute("select count(*) from fct_correction").fetchone()
    return rows, checked


CORRECTION_HEADER = "row | amount_id | field | value | status | why"


def corrections_anchored(con: duckdb.DuckDBPyConnection, invocation: str | None, judged: Judged) -> dg.AssetCheckResult:
    rows, checked = unapplied_corrections(con, ("stale", "no_figure"))
    return _result(rows, CORRECTION_HEADER, checked, "unanchored", dg.AssetCheckSeverity.WARN)


def corrections_valid(con: duckdb.DuckDBPyConnection, invocation: str | None, judged: Judged) -> dg.AssetCheckResult:
    rows, checked = unapplied_corrections(con, ("invalid",))
    return _result(rows, CORRECTION_HEADER, checked, "invalid", dg.AssetCheckSeverity.WARN)


# Each check: its spec (what the UI shows; a blocking one that fails stops the publish) and the function that judges
# the build database on one connection, given the dbt invocation whose rows it looks at and the row checks' findings.
CHECKS: list[
    tuple[dg.AssetCheckSpec, Callable[[duckdb.DuckDBPyConnection, str | None, Judged], dg.AssetCheckResult]]
] = [
    (
        dg.AssetCheckSpec(
            "amount_text_reparses",
            asset=FCT_AMOUNT,
            blocking=True,
            description="Every amount_text re-parses to its amount_yuan (a table cell's bare number times its "
            "header_unit).",
        ),
        amount_text_reparses,
    ),
    (
        dg.AssetCheckSpec(
            "money_spans_accounted_for",
            asset=FCT_AMOUNT,
            blocking=True,
            description="Every money-like span in a loaded bulletin is an amount or is listed with a reason.",
        ),
        money_spans_accounted_for,
    ),
    (
        dg.AssetCheckSpec(
            "parts_within_total",
            asset=FCT_AMOUNT,
            blocking=True,
            description="The parts of a total never add up to more than the total.",
        ),
        parts_within_total,
    ),
    (
        dg.AssetCheckSpec(
            "every_bulletin_has_an_article",
            asset=DIM_BULLETIN,
            blocking=True,
            description="Every loaded bulletin has at least one article.",
        ),
        every_bulletin_has_an_article,
    ),
    (
        dg.AssetCheckSpec(
            "unmapped_spending_programs",
            asset=FCT_AMOUNT,
            description="Spending whose functional class no keyword could place: listed for a maintainer to map "
            "in orchestration/extract/data/function_keywords.csv, never guessed (a warning, not a blocker).",
        ),
        unmapped_spending_programs,
    ),
    (
        dg.AssetCheckSpec(
            "money_outside_articles",
            asset=DIM_BULLETIN,
            description="Money-like spans outside every article (before the first title or after the last body): "
            "article splitting should leave none but an editor's note; listed per bulletin (a warning, not a "
            "blocker).",
        ),
        money_outside_articles,
    ),
    (
        dg.AssetCheckSpec(
            "corrections_anchored",
            asset=FCT_CORRECTION,
            description="Every analyst's correction still finds its figure: one whose bulletin was edited (its span "
            "is gone with the old text) or whose span holds no figure is listed and applied nowhere (a warning: "
            "re-anchor it with `fiscal correct` on the figure's new amount_id).",
        ),
        corrections_anchored,
    ),
    (
        dg.AssetCheckSpec(
            "corrections_valid",
            asset=FCT_CORRECTION,
            description="Every analyst's correction has a valid value: a known field, a locality code of "
            "dim_locality valid in the figure's year, a known functional class, a period or measure of the "
            "enumeration, a total of the same bulletin (a warning: an invalid row is not applied; `fiscal correct` "
            "refuses them).",
        ),
        corrections_valid,
    ),
]


@dg.multi_asset_check(
    specs=[spec for spec, _ in CHECKS],
    can_subset=True,
    description="The Python checks of the marts, in one step on one read-only connection to the build database.",
)
def python_checks(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
    """Every selected check, one after the other; a failing blocking check fails the step once all have run, so
    the UI shows every result and the publish does not run."""
    invocation = dbt_invocation_id(warehouse.paths.dbt_target)  # the refresh's last build round: its rows
    database = warehouse.paths.build_database
    selected = [(spec, judge) for spec, judge in CHECKS if spec.key in context.selected_asset_check_keys]
    judged = judged_rows(database, invocation) if any(spec.name in ROW_CHECKS for spec, _ in selected) else {}
    with connect_build_database(database, read_only=True) as con:
        for spec, judge in selected:
            result = judge(con, invocation, judged)
            yield dg.AssetCheckResult(
                asset_key=spec.asset_key,
                check_name=spec.name,
                passed=result.passed,
                metadata=result.metadata,
                severity=result.severity,
            )


warehouse_checks = [python_checks]
