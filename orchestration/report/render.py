"""The provenance report: static HTML an analyst opens in a browser, no server needed.

    report/index.html                    localities with their figure counts, spending by province
    report/localities/<code>.html        a chart of spending by function class, year and period,
                                         and every figure with its sentence, the figure marked
    report/bulletins/<bulletin_id>.html  the bulletin's text, each figure marked with an anchor
    report/plotly.min.js                 plotly.js, shipped with the plotly package

A pure function of the published warehouse: it reads ``warehouse.duckdb`` read-only and writes
files. plotly.js is written once next to the pages rather than inlined in each (it is 4.6 MB):
pages load it by a relative path, so the report still works offline from ``file://``.
"""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

import duckdb
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from orchestration.provenance import figure_in_sentence
from orchestration.summary import spending_by_province

UNPLACED = "unplaced"  # page of the figures whose locality the extractor could not decide
SPENDING = ("allocation", "expenditure")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

STYLE = """
body { font-family: system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 1.5rem; color: #222; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
mark { background: #ffe066; padding: 0 0.1rem; }
mark:target { outline: 2px solid #d9480f; }
.muted { color: #777; }
pre.bulletin { white-space: pre-wrap; line-height: 1.7; font-family: inherit; }
"""


@dataclass(frozen=True)
class ReportSummary:
    index: Path
    localities: int
    figures: int
    bulletins: int


def period_label(period: str | None) -> str:
    """ytd_m10 -> Jan-Oct; the other codes of records.PERIODS in words."""
    period = period or "unknown"
    if period.startswith("ytd_m") and period[5:].isdigit():
        return f"Jan-{_MONTHS[int(period[5:]) - 1]}"
    if period in {"q1", "q2", "q3", "q4", "h1", "h2"}:
        return period.upper()
    return {"full_year": "full year", "ytd": "year to date", "multi_year": "several years"}.get(period, period)


def _e(value) -> str:
    return "" if value is None else html.escape(str(value))


def _page(title: str, body: str, root: str = "", charts: bool = False) -> str:
    """A complete HTML page; ``root`` is the relative path back to the report folder."""
    script = f"<script src='{root}plotly.min.js'></script>" if charts else ""
    return (
        "<!DOCTYPE html>\n<html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<title>{_e(title)}</title><style>{STYLE}</style>{script}</head>"
        f"<body><p class='muted'><a href='{root}index.html'>Provenance report</a></p><h1>{_e(title)}</h1>"
        f"{body}</body></html>\n"
    )


def _marked_sentence(row: dict) -> str:
    """The sentence, HTML-escaped, with the figure in <mark> (placed by offsets, not by search)."""
    sentence = row["sentence"] or ""
    span = figure_in_sentence(sentence, row["amount_text"], row["char_start"], row["char_end"], row["sentence_start"])
    if span is None:
        return _e(sentence)
    start, end = span
    return f"{_e(sentence[:start])}<mark>{_e(sentence[start:end])}</mark>{_e(sentence[end:])}"


def _anchor(row: dict) -> str:
    return f"a-{row['char_start']}-{row['char_end']}"


def _chart(cells: list[dict], title: str) -> str:
    """Grouped bars: one bar per function class, one group per year and period (never summed across)."""
    if not cells:
        return "<p class='muted'>No allocation or expenditure figures to chart.</p>"
    groups = sorted(
        {(c["fiscal_year"] or 0, c["period"]) for c in cells}, key=lambda g: (g[0], g[1] != "full_year", g[1])
    )
    labels = [f"{year or 'year ?'} · {period_label(period)}" for year, period in groups]
    by_class: dict[str, dict[tuple, float]] = defaultdict(dict)
    for c in cells:
        name = f"{c['function_code']} {c['function_name'] or ''}".strip() if c["function_code"] else "not one area"
        by_class[name][(c["fiscal_year"] or 0, c["period"])] = float(c["own_total_yuan"]) / 1e4
    figure = go.Figure(
        [go.Bar(name=name, x=labels, y=[values.get(g) for g in groups]) for name, values in sorted(by_class.items())]
    )
    figure.update_layout(
        title=title,
        barmode="group",
        yaxis_title="万元 (10,000 yuan)",
        legend_title="function class",
        height=420,
        margin={"t": 50, "b": 40},
    )
    return figure.to_html(full_html=False, include_plotlyjs=False, default_width="100%")


def _figures_table(rows: list[dict], root: str) -> str:
    head = (
        "<table class='figures'><thead><tr><th>figure</th><th>yuan</th><th>year</th><th>period</th>"
        "<th>measure</th><th>function class</th><th>program</th><th>sentence</th><th>source</th></tr></thead><tbody>"
    )
    body = []
    for r in rows:
        function = f"{r['function_code']} {r['function_name'] or ''}" if r["function_code"] else ""
        part = " <span class='muted'>(part of a total)</span>" if r["parent_amount_id"] else ""
        link = f"{root}bulletins/{r['bulletin_id']}.html#{_anchor(r)}"
        body.append(
            f"<tr class='figure' id='{_e(r['amount_id'])}'><td>{_e(r['amount_text'])}{part}</td>"
            f"<td class='num'>{r['amount_yuan']:,.2f}</td><td>{_e(r['fiscal_year'])}</td>"
            f"<td title='{_e(r['period'])}'>{_e(period_label(r['period']))}</td><td>{_e(r['measure'])}</td>"
            f"<td>{_e(function)}</td><td>{_e(r['program_name'])}</td>"
            f"<td>{_marked_sentence(r)}</td>"
            f"<td><a href='{_e(link)}'>{_e(r['source_file'])}</a></td></tr>"
        )
    return head + "".join(body) + "</tbody></table>"


def _bulletin_page(bulletin_id: str, source_file: str, text: str, amounts: list[dict]) -> str:
    """The whole text, escaped, each figure a <mark> with an anchor the figure tables link to."""
    pieces, cursor = [], 0
    for a in sorted(amounts, key=lambda a: a["char_start"]):
        if a["char_start"] < cursor:  # overlapping spans do not occur; never garble the text if they do
            continue
        pieces.append(_e(text[cursor : a["char_start"]]))
        pieces.append(
            f"<mark id='{_anchor(a)}' title='{_e(a['amount_id'])}'>{_e(text[a['char_start'] : a['char_end']])}</mark>"
        )
        cursor = a["char_end"]
    pieces.append(_e(text[cursor:]))
    body = f"<p class='muted'>bulletin {_e(bulletin_id)}</p><pre class='bulletin'>{''.join(pieces)}</pre>"
    return _page(source_file, body, root="../")


def _query(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def render_report(database: Path, out_dir: Path) -> ReportSummary:
    """Write the report for the warehouse at ``database`` into ``out_dir`` (created if missing).

    Figures stream from one query ordered by locality and a page is written as each locality ends;
    bulletin pages come in chunks: memory stays bounded by the largest locality, not the warehouse.
    """
    (out_dir / "localities").mkdir(parents=True, exist_ok=True)
    (out_dir / "bulletins").mkdir(parents=True, exist_ok=True)
    (out_dir / "plotly.min.js").write_text(get_plotlyjs(), encoding="utf-8")
    index_rows, n_localities, n_figures, n_bulletins = [], 0, 0, 0
    with duckdb.connect(str(database), read_only=True) as con:
        # A locality's own cells: the figures stated for it, the same ones its table lists.
        cells_by_locality: dict[str, list[dict]] = defaultdict(list)
        for c in _query(con, "select * from agg_spending_by_locality where own_amount_count > 0"):
            cells_by_locality[c["locality_code"]].append(c)
        cursor = con.execute(
            """
            select coalesce(a.locality_code, ?) as page, a.*, f.function_name, l.locality_name,
                l.locality_level, l.province
            from fct_amount a
            left join dim_function_class f using (function_code)
            left join dim_locality l using (locality_code)
            order by a.locality_code is null, a.locality_code, a.source_file, a.char_start
            """,
            [UNPLACED],
        )
        names = [d[0] for d in cursor.description]
        chunks = iter(lambda: cursor.fetchmany(2000), [])
        rows = (dict(zip(names, row, strict=True)) for chunk in chunks for row in chunk)
        for code, group in groupby(rows, key=lambda r: r["page"]):
            figures = list(group)
            first = figures[0]
            name = (first["locality_name"] or code) if code != UNPLACED else "locality not decided"
            title = f"{name} ({code})" if code != UNPLACED else name
            spending = sum(r["amount_yuan"] for r in figures if r["measure"] in SPENDING and not r["parent_amount_id"])
            body = (
                f"<p>{_e(first['locality_level'] or '')} {_e(first['province'] or '')} · {len(figures)} figures</p>"
                + _chart(cells_by_locality.get(code, []), f"Allocation + expenditure stated for {name}")
                + "<h2>Figures</h2>"
                + _figures_table(figures, root="../")
            )
            (out_dir / "localities" / f"{code}.html").write_text(
                _page(title, body, root="../", charts=True), encoding="utf-8"
            )
            index_rows.append(
                f"<tr class='locality'><td><a href='localities/{_e(code)}.html'>{_e(title)}</a></td>"
                f"<td>{_e(first['locality_level'])}</td><td>{_e(first['province'])}</td>"
                f"<td class='num'>{len(figures)}</td><td class='num'>{spending:,.2f}</td></tr>"
            )
            n_localities, n_figures = n_localities + 1, n_figures + len(figures)

        cursor = con.execute(
            """
            with marks as (
                select bulletin_id, list(struct_pack(amount_id, char_start, char_end)) as amounts
                from fct_amount group by bulletin_id
            )
            select b.bulletin_id, b.source_file, b.bulletin_text, marks.amounts
            from dim_bulletin b left join marks using (bulletin_id)
            """
        )
        while chunk := cursor.fetchmany(200):
            for bulletin_id, source_file, text, amounts in chunk:
                page = _bulletin_page(bulletin_id, source_file, text, amounts or [])
                (out_dir / "bulletins" / f"{bulletin_id}.html").write_text(page, encoding="utf-8")
                n_bulletins += 1
        provinces = spending_by_province(con)
        build = con.execute("select run_id, published_at from warehouse_build").fetchone()

    run_id, published_at = build or (None, None)
    province_rows = "".join(
        f"<tr><td>{_e(p)}</td><td>{_e(period_label(period))}</td><td class='num'>{n}</td>"
        f"<td class='num'>{yuan:,.2f}</td></tr>"
        for p, period, n, yuan in provinces
    )
    index_body = (
        f"<p class='muted'>warehouse published {_e(published_at)} by run {_e(run_id)}. Every figure links to "
        "its sentence and its place in the bulletin. Spending = allocation + expenditure, parts of a total "
        "not counted again; figures of different periods are never added together.</p>"
        "<h2>Localities</h2><table class='localities'><thead><tr><th>locality</th><th>level</th><th>province</th>"
        f"<th>figures</th><th>spending (yuan)</th></tr></thead><tbody>{''.join(index_rows)}</tbody></table>"
        "<h2>Spending by province and period</h2><table><thead><tr><th>province</th><th>period</th>"
        f"<th>figures</th><th>spending (yuan)</th></tr></thead><tbody>{province_rows}</tbody></table>"
    )
    index = out_dir / "index.html"
    index.write_text(_page("Provenance report", index_body), encoding="utf-8")
    return ReportSummary(index, n_localities, n_figures, n_bulletins)
