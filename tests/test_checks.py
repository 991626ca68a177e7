"""Pure helpers of the Python asset checks."""

import random
from decimal import Decimal
from itertools import accumulate

import duckdb

from orchestration.settings import INTERNAL_CATALOG, internal_database_of
from orchestration.warehouse import checks
from orchestration.warehouse.checks import MONEY_LIKE, SKIPPED_SPANS, covered, money_like_spans


def test_covered_agrees_with_a_scan_of_every_span():
    rng = random.Random(7)
    for _ in range(300):
        spans = sorted((s, s + rng.randint(1, 12)) for s in rng.sample(range(200), rng.randint(0, 15)))
        starts, max_ends = [s for s, _ in spans], list(accumulate((e for _, e in spans), max))
        for _ in range(20):
            a = rng.randint(0, 210)
            b = a + rng.randint(1, 8)
            assert covered(a, b, starts, max_ends) == any(s < b and a < e for s, e in spans), (a, b, spans)


def test_a_span_nested_in_a_long_earlier_span_is_covered():
    # The long span starts first but ends last: only the running maximum of ends finds it.
    starts, max_ends = [0, 5], [100, 100]  # spans (0, 100) and (5, 8)
    assert covered(50, 60, starts, max_ends)
    assert not covered(100, 104, starts, max_ends)


def _forward_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in MONEY_LIKE.finditer(text)]


def test_money_like_spans_are_the_forward_regex_spans():
    # Strings of the characters the two branches turn on: digits, separators, spaces, numerals, units, 元.
    alphabet = "0123456789０９,，.．  \t\n万亿千元零〇一二两三四五六七八九十百千a年"
    rng = random.Random(11)
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        assert money_like_spans(text) == _forward_spans(text), text


def test_money_like_spans_in_prose():
    text = "下达资金1,200万元，其中三千万元用于教育，5 亿元、8万亿元；一元化改革，十千元，5千千元。"
    spans = money_like_spans(text)
    assert [text[s:e] for s, e in spans] == ["1,200万元", "三千万元", "5 亿元", "8万亿元", "十千元", "千千元"]
    assert spans == _forward_spans(text)


def _two_builds(build_database: str = ":memory:", internal_database: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """A build database whose marts hold one bulletin written by an earlier build and one by the last."""
    con = duckdb.connect(build_database)
    con.execute(f"attach '{internal_database}' as {INTERNAL_CATALOG}")  # where the staging models are
    con.execute(f"create schema {INTERNAL_CATALOG}.staging")
    con.execute(f"create table {SKIPPED_SPANS} (bulletin_id varchar, char_start int, char_end int)")
    con.execute(
        "create table fct_correction (bulletin_id varchar, char_start int, char_end int, field varchar, "
        "value varchar, status varchar)"
    )
    con.execute(
        "create table dim_bulletin (bulletin_id varchar, source_file varchar, bulletin_text varchar, "
        "article_count int, built_by_invocation varchar)"
    )
    con.execute(
        "create table fct_amount (amount_id varchar, bulletin_id varchar, char_start int, char_end int, "
        "amount_text varchar, header_unit varchar, amount_yuan decimal(24, 2), parent_amount_id varchar, "
        "built_by_invocation varchar)"
    )
    # each bulletin has a figure the marts hold with a wrong value and a money span they miss
    for bulletin, invocation in (("aaaaaaaaaaaaaaaa", "earlier"), ("bbbbbbbbbbbbbbbb", "last")):
        text = "拨付资金30万元，另安排12万元。"
        con.execute("insert into dim_bulletin values (?, ?, ?, 0, ?)", [bulletin, f"{bulletin}.txt", text, invocation])
        con.execute(
            "insert into fct_amount values (?, ?, 4, 8, '30万元', null, 310000, null, ?)",
            [f"{bulletin}:4-8", bulletin, invocation],
        )
    return con


def test_the_row_checks_judge_the_rows_the_last_build_wrote():
    con = _two_builds()
    assert {f[0] for f in checks.reparse_mismatches(con, "last")} == {"bbbbbbbbbbbbbbbb"}
    assert {f[0] for f in checks.unaccounted_spans(con, "last")[0]} == {"bbbbbbbbbbbbbbbb"}
    assert {f[0] for f in checks.bulletins_without_articles(con, "last")[0]} == {"bbbbbbbbbbbbbbbb"}
    # without an invocation (or after a full refresh, which writes every row) every row is judged
    assert {f[0] for f in checks.reparse_mismatches(con)} == {"aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"}
    assert {f[0] for f in checks.unaccounted_spans(con)[0]} == {"aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"}


def test_a_triple_that_does_not_reparse_names_every_figure_of_it_and_no_other():
    con = _two_builds()
    # a right triple in both bulletins, and a table cell read with its header's unit (right) and with another (wrong)
    rows = [
        ("aaaaaaaaaaaaaaaa:20-24", "aaaaaaaaaaaaaaaa", "12万元", None, 120000),
        ("bbbbbbbbbbbbbbbb:20-24", "bbbbbbbbbbbbbbbb", "12万元", None, 120000),
        ("bbbbbbbbbbbbbbbb:30-35", "bbbbbbbbbbbbbbbb", "36284", "万元", 362840000),
        ("bbbbbbbbbbbbbbbb:40-45", "bbbbbbbbbbbbbbbb", "36284", "元", 362840000),
    ]
    for amount_id, bulletin, text, unit, yuan in rows:
        con.execute(
            "insert into fct_amount values (?, ?, 0, 1, ?, ?, ?, null, 'last')", [amount_id, bulletin, text, unit, yuan]
        )
    found = sorted(checks.reparse_mismatches(con, "last"))
    assert [(f[1], f[2], f[3], f[5]) for f in found] == [
        ("bbbbbbbbbbbbbbbb:4-8", "30万元", "", Decimal("300000")),
        ("bbbbbbbbbbbbbbbb:40-45", "36284", "元", Decimal("36284")),
    ]


def test_the_check_step_shows_the_findings_of_the_dbt_step_while_the_database_is_unchanged(tmp_path):
    build_database = tmp_path / "warehouse.duckdb"
    _two_builds(str(build_database), str(internal_database_of(build_database))).close()
    found = checks.judged_rows(build_database, "last")
    assert {f[0] for f in found["amount_text_reparses"][0]} == {"bbbbbbbbbbbbbbbb"}
    assert checks.judged_rows(build_database, "last") is found  # not read again
    assert checks.judged_rows(build_database, None) is not found  # other rows: judged anew
    # a build that rewrote the database: judged anew, its rows' findings
    with duckdb.connect(str(build_database)) as con:
        con.execute("update fct_amount set amount_yuan = 300000")
    assert checks.judged_rows(build_database, None)["amount_text_reparses"] == ([], 2)
