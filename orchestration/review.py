"""What `fiscal correct`, `fiscal review` and `fiscal export-gold` share: judging a correction against the
published warehouse before it is written, the review queue's order, and the reviewed figures as gold.

Everything here reads the published ``warehouse.duckdb`` (read-only); the corrections file is only ever
appended to (orchestration.corrections), and the next refresh applies it.
"""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.corrections import Correction, format_problem, normalized_value, parse_amount_id

# Bare words on the command line that need no value.
FLAG_FIELDS = {"confirm": "", "not_a_fact": "true"}


def parse_assignments(words: list[str]) -> list[tuple[str, str]]:
    """``["fiscal_year=2021", "confirm"]`` -> [("fiscal_year", "2021"), ("confirm", "")]."""
    out = []
    for word in words:
        field, equals, value = word.partition("=")
        if not equals and field not in FLAG_FIELDS:
            raise ValueError(f"{word!r}: write field=value (e.g. fiscal_year=2021), or confirm, or not_a_fact")
        out.append((field.strip(), value if equals else FLAG_FIELDS[field]))
    return out


def new_corrections(
    con: duckdb.DuckDBPyConnection, amount_id: str, assignments: list[tuple[str, str]], who: str, why: str
) -> tuple[list[Correction], list[str]]:
    """The rows to append for one figure, and why any would be refused (nothing is written then)."""
    bulletin_id, start, end = parse_amount_id(amount_id)
    found = con.execute(
        "select substring(bulletin_text, ? + 1, ? - ?) from dim_bulletin where bulletin_id = ?",
        [start, end, start, bulletin_id],
    ).fetchone()
    if found is None:
        return [], [f"no bulletin {bulletin_id} in the warehouse"]
    at = datetime.now(UTC).replace(microsecond=0).isoformat()
    base = Correction(bulletin_id, str(start), str(end), "", "", who, at, why, found[0])
    rows = [replace(base, field=field, value=normalized_value(field, value)) for field, value in assignments]
    problems = [p for row in rows if (p := format_problem(row) or warehouse_problem(con, row, rows))]
    return rows, problems


def warehouse_problem(con: duckdb.DuckDBPyConnection, row: Correction, together: list[Correction]) -> str | None:
    """Why the warehouse refuses ``row``: the figure, a code valid in the figure's year, a known class, a total."""
    figure = con.execute("select fiscal_year from fct_amount where amount_id = ?", [row.amount_id]).fetchone()
    adding = any(r.field == "add" for r in together)
    if figure is None and not adding:
        return f"no figure {row.amount_id} in fct_amount: add it by its span with add=MEASURE"
    if row.field == "add" and figure is not None:
        return f"{row.amount_id} is already a figure: correct its fields instead"
    if not row.value:
        return None
    given_year = next((r.value for r in together if r.field == "fiscal_year" and r.value), None)
    year = int(given_year) if given_year else (figure[0] if figure else None)
    if row.field == "locality_code":
        valid = con.execute(
            "select count(*) from dim_locality where locality_code = ? "
            "and (?::integer is null or ? between valid_from_year and valid_to_year)",
            [row.value, year, year],
        ).fetchone()[0]
        if not valid:
            return f"locality_code {row.value} is not in dim_locality" + (f" for {year}" if year else "")
    if row.field == "function_code":
        if not con.execute("select count(*) from dim_function_class where function_code = ?", [row.value]).fetchone()[
            0
        ]:
            return f"function_code {row.value} is not a class of dim_function_class"
    if row.field == "parent_amount_id":
        if not con.execute("select count(*) from fct_amount where amount_id = ?", [row.value]).fetchone()[0]:
            return f"parent_amount_id {row.value} is no figure of fct_amount"
    return None


# The queue: figures no analyst has decided on, those most worth a look first. Missing evidence (a field
# the extractor could not decide), then a conflict (several classes named), then the largest amounts,
# since they move totals most. Held bulletins are not in the marts: `fiscal status` lists them.
REVIEW_QUEUE_SQL = """
    with scored as (
        select a.*,
               (a.locality_code is null)::int + (a.fiscal_year is null)::int
               + (a.period in ('unknown', 'ytd'))::int
               + coalesce(starts_with(a.function_evidence, 'unmapped'), false)::int
               + (a.measure = 'other')::int as missing,
               coalesce(a.function_evidence like '%names several areas%', false) as in_conflict
        from fct_amount a
        where not a.is_reviewed
    )
    select scored.*, l.locality_name, f.function_name
    from scored
    left join dim_locality l using (locality_code)
    left join dim_function_class f using (function_code)
    order by missing > 0 desc, in_conflict desc, amount_yuan desc, amount_id
"""


def queue_reason(row: dict) -> str:
    if row["missing"]:
        return f"{row['missing']} field(s) without evidence"
    if row["in_conflict"]:
        return "the text names several classes"
    return "large amount"


# gold -----------------------------------------------------------------------------------------
GOLD_AMOUNT_COLUMNS = ["doc", "article_no", "start", "end", "amount_text", "amount_yuan", "adcode", "year", "program",
                       "function_codes", "measure", "is_total", "parent_start", "period", "note"]  # fmt: skip
GOLD_ARTICLE_COLUMNS = ["doc", "article_no", "title", "title_start", "body_start", "body_end", "province", "city",
                        "county", "adcode", "author_org", "author_person"]  # fmt: skip
GOLD_PERCENT_COLUMNS = ["doc", "article_no", "start", "end", "percent_text", "value", "kind", "of_what", "year",
                        "adcode"]  # fmt: skip


def export_gold(con: duckdb.DuckDBPyConnection, out_dir: Path) -> tuple[int, int]:
    """Write the bulletins an analyst decided on figures of in the gold format (tests/fixtures/gold/README.md),
    with their texts in ``out_dir/texts``, so ``make eval GOLD=out_dir`` scores the extractor against them.

    Every figure of such a bulletin is a row with the warehouse's values, i.e. the extractor's output with
    the analysts' corrections over it: a span judged not to be a figure is absent, one added by span is
    present, a corrected field has the analyst's value. The ``note`` column says which rows an analyst
    reviewed (the others stand as extracted, as do the articles and percentages). Returns (bulletins,
    reviewed figures)."""
    bulletins = con.execute(
        """
        select b.bulletin_id, b.source_file, b.bulletin_text from dim_bulletin b
        where b.bulletin_id in (select bulletin_id from fct_correction where status = 'applied')
        order by b.source_file
        """
    ).fetchall()
    ids = [b[0] for b in bulletins]
    amounts = con.execute(
        """
        select a.source_file, a.article_no, a.char_start, a.char_end, a.amount_text, a.amount_yuan,
               a.locality_code, a.fiscal_year, a.program_name, a.function_code, a.measure, a.is_total,
               parent.char_start as parent_start, a.period,
               case when a.is_reviewed then 'reviewed' || coalesce(': ' || a.reviewed_fields || ' corrected', '')
                    else 'not reviewed: as extracted' end as note,
               a.is_reviewed
        from fct_amount a left join fct_amount parent on parent.amount_id = a.parent_amount_id
        where list_contains(?, a.bulletin_id) order by a.source_file, a.char_start
        """,
        [ids],
    ).fetchall()
    articles = con.execute(
        """
        select b.source_file, art.article_no, art.title, art.title_start, art.body_start, art.body_end,
               l.province, l.prefecture, l.locality_name, art.locality_code, art.author_org, art.author_person
        from dim_article art join dim_bulletin b using (bulletin_id)
        left join dim_locality l on l.locality_code = art.locality_code
        where list_contains(?, art.bulletin_id) order by 1, 2
        """,
        [ids],
    ).fetchall()
    # Percentages are not reviewed: they stand as extracted, so they neither help nor hurt a score.
    percents = con.execute(
        """
        select source_file, article_no, char_start, char_end, percent_text, ratio_value, kind, of_what,
               fiscal_year, locality_code
        from fct_ratio where list_contains(?, bulletin_id) order by source_file, char_start
        """,
        [ids],
    ).fetchall()
    texts = out_dir / "texts"
    texts.mkdir(parents=True, exist_ok=True)
    for _, source_file, text in bulletins:
        (texts / source_file).parent.mkdir(parents=True, exist_ok=True)
        (texts / source_file).write_text(text, encoding="utf-8")
    gold_amounts = [_gold_amount(row[:-1]) for row in amounts]
    _write_csv(out_dir / "amounts.csv", GOLD_AMOUNT_COLUMNS, gold_amounts)
    _write_csv(out_dir / "articles.csv", GOLD_ARTICLE_COLUMNS, [_blank_nulls(a) for a in articles])
    _write_csv(out_dir / "percents.csv", GOLD_PERCENT_COLUMNS, [_blank_nulls(p) for p in percents])
    return len(bulletins), sum(1 for row in amounts if row[-1])


def _blank_nulls(row) -> list:
    return ["" if value is None else value for value in row]


def _gold_amount(row: tuple) -> list:
    *span, yuan, code, year, program, function_code, measure, is_total, parent_start, period, note = row
    return _blank_nulls(
        [*span, format(yuan.normalize(), "f"), code, year, program, function_code, measure, int(bool(is_total)),
         parent_start, period, note]
    )  # fmt: skip


def _write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
