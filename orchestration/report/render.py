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

import hashlib
import html
import json
import os
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from pathlib import Path

import duckdb
from plotly.offline import get_plotlyjs

from orchestration.extract.records import QUARTERS_AND_HALVES
from orchestration.locks import file_lock
from orchestration.processes import spawned_pool, spawning_without_parent_main
from orchestration.provenance import figure_in_sentence
from orchestration.settings import DUCKDB_MEMORY_LIMIT
from orchestration.summary import (
    LOCALITY_TOTALS_SQL,
    SPENDING_BY_PROVINCE_HEADER,
    locality_totals,
    set_aside,
    spending_by_province,
    yuan,
)

UNPLACED = "unplaced"  # page of the figures whose locality the extractor could not decide
ADDED_AS = {"class": "class figure", "stated_total": "stated total"}  # fct_amount.spending_role in words
# How the report adds up, in the words of fct_amount.spending_role (int_spendable_amounts in dbt).
SPENDING_NOTE = (
    "Spending = allocation + expenditure. Class figures (one functional class each) are added up within one "
    "year and one period only; a part of a total is counted within it, never beside it. A locality's stated "
    "total (its own figure over several classes, e.g. 一般公共预算支出) is shown beside the sum of its class "
    "figures, never added to it. Figures without a locality, a year or a single period are not added."
)
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
    pages_written: int  # localities and bulletins whose page changed in this run


def period_label(period: str | None) -> str:
    """ytd_m10 -> Jan-Oct; the other codes of records.PERIODS in words."""
    period = period or "unknown"
    if period.startswith("ytd_m") and period[5:].isdigit():
        return f"Jan-{_MONTHS[int(period[5:]) - 1]}"
    if period in QUARTERS_AND_HALVES:
        return period.upper()
    return {"full_year": "full year", "ytd": "year to date", "multi_year": "several years"}.get(period, period)


def _has_markup(text: str) -> bool:
    """Whether html.escape would change the text."""
    return "&" in text or "<" in text or ">" in text or '"' in text or "'" in text


def _e(value) -> str:
    """html.escape(str(value)), "" for None; most values hold no markup character and are returned as they are."""
    if value is None:
        return ""
    text = value if type(value) is str else str(value)
    return html.escape(text) if _has_markup(text) else text


class _Pieces(dict):
    """value -> its HTML piece, rendered once per distinct value: most columns of a page's figures repeat."""

    def __init__(self, render) -> None:
        super().__init__()
        self.render = render

    def __missing__(self, value) -> str:
        piece = self[value] = self.render(value)
        return piece


def _page(title: str, body: str, root: str = "", charts: bool = False) -> str:
    """A complete HTML page; ``root`` is the relative path back to the report folder."""
    script = f"<script src='{root}plotly.min.js'></script>" if charts else ""
    return (
        "<!DOCTYPE html>\n<html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<title>{_e(title)}</title><style>{STYLE}</style>{script}</head>"
        f"<body><p class='muted'><a href='{root}index.html'>Provenance report</a></p><h1>{_e(title)}</h1>"
        f"{body}</body></html>\n"
    )


def _marked_sentence(
    sentence: str | None, amount_text: str, char_start: int, char_end: int, sentence_start: int | None
) -> str:
    """The sentence, HTML-escaped, with the figure in <mark> (placed by offsets, not by search)."""
    sentence = sentence or ""
    span = figure_in_sentence(sentence, amount_text, char_start, char_end, sentence_start)
    if span is None:
        return _e(sentence)
    start, end = span
    escape = _e if _has_markup(sentence) else str  # checked once for its three pieces
    return f"{escape(sentence[:start])}<mark>{escape(sentence[start:end])}</mark>{escape(sentence[end:])}"


def _anchor(char_start: int, char_end: int) -> str:
    return f"a-{char_start}-{char_end}"  # digits and dashes: nothing to escape


# A chart cell: one row of agg_spending_by_locality, in the order _chart unpacks it (the total in whole fen).
CHART_COLUMNS = "fiscal_year, period, function_code, function_name, cast(own_total_yuan * 100 as hugeint)"


def _chart(cells: list[tuple], title: str) -> str:
    """Grouped bars: one bar per function class, one group per year and period (never summed across)."""
    if not cells:
        return "<p class='muted'>No allocation or expenditure figures to chart.</p>"
    groups = sorted(
        {(year or 0, period) for year, period, *_ in cells}, key=lambda g: (g[0], g[1] != "full_year", g[1])
    )
    labels = [f"{year or 'year ?'} · {period_label(period)}" for year, period in groups]
    by_class: dict[str, dict[tuple, float]] = defaultdict(dict)
    for year, period, function_code, function_name, fen in cells:
        name = f"{function_code} {function_name or ''}".strip() if function_code else "stated total"
        by_class[name][(year or 0, period)] = fen / 100 / 1e4  # as float(Decimal): an int's division rounds once
    # A plain plotly.js spec: building plotly's Python figure objects cost ~5 ms a chart (most of the
    # report's time); the browser draws the same chart from this JSON.
    data = [
        {"type": "bar", "name": name, "x": labels, "y": [values.get(g) for g in groups]}
        for name, values in sorted(by_class.items())
    ]
    layout = {
        "title": {"text": title},
        "barmode": "group",
        "yaxis": {"title": {"text": "万元 (10,000 yuan)"}},
        "legend": {"title": {"text": "function class"}},
        "height": 420,
        "margin": {"t": 50, "b": 40},
    }
    spec = json.dumps([data, layout], ensure_ascii=False).replace("</", "<\\/")  # no '</script>' inside
    return (
        "<div class='chart' style='width:100%'></div><script>(function(){"
        f"var s={spec},d=document.currentScript.previousElementSibling;"
        "Plotly.newPlot(d,s[0],s[1],{responsive:true});})();</script>"
    )


def _location(location: str | None) -> str:
    """Where the figure stands in a document file (page, table, row; sheet and cell), under its file name."""
    return f"<br><span class='muted'>{_e(location)}</span>" if location else ""


# The columns of a figure's row, in the order _figures_table unpacks them. The amount comes as whole fen
# (fct_amount.amount_yuan is DECIMAL(24,2)): a Python int is made several times faster than a Decimal.
FIGURE_COLUMNS = """
    amount_id, amount_text, parent_amount_id is not null, bulletin_id, char_start, char_end,
    cast(amount_yuan * 100 as hugeint), fiscal_year, period, measure, spending_note, spending_role, function_code,
    program_name, sentence, sentence_start, source_file, source_location, is_reviewed, reviewed_fields,
    extracted_values
"""


def _fen_as_yuan(fen: int) -> str:
    """f"{Decimal(fen) / 100:,.2f}" without making the Decimal: 123456 -> 1,234.56, -5 -> -0.05."""
    whole, cents = divmod(abs(fen), 100)
    return f"{'-' if fen < 0 else ''}{whole:,}.{cents:02d}"


_CORRECT_BEFORE_ID, _CORRECT_AFTER_ID = _e("fiscal correct "), _e(" FIELD=VALUE --why '…'")


def _figures_table(rows: list[tuple], root: str, function_names: dict[str, str]) -> str:
    """One row per figure (rows of FIGURE_COLUMNS); the cells that repeat are rendered once per value."""
    head = (
        "<table class='figures'><thead><tr><th>figure</th><th>yuan</th><th>year</th><th>period</th>"
        "<th>measure</th><th>added as</th><th>function class</th><th>program</th><th>sentence</th><th>source</th>"
        "<th>correct it</th></tr>"
        "</thead><tbody>"
    )
    plain = _Pieces(_e)  # fiscal years, measures, programs, file names
    period_cell = _Pieces(lambda period: f"<td title='{_e(period)}'>{_e(period_label(period))}</td>")
    added_as_cell = _Pieces(
        lambda note_role: f"<td title='{_e(note_role[0])}'>{_e(ADDED_AS.get(note_role[1], 'not added'))}</td>"
    )
    function = _Pieces(lambda code: _e(f"{code} {function_names.get(code) or ''}") if code else "")
    bulletin_link = _Pieces(lambda bulletin_id: _e(f"{root}bulletins/{bulletin_id}.html#"))
    location = _Pieces(_location)
    body = []
    for (
        amount_id, amount_text, is_part, bulletin_id, char_start, char_end, fen, year, period, measure,
        spending_note, spending_role, function_code, program_name, sentence, sentence_start, source_file,
        source_location, is_reviewed, reviewed_fields, extracted_values,
    ) in rows:  # fmt: skip
        escaped_id = _e(amount_id)
        part = " <span class='muted'>(part of a total)</span>" if is_part else ""
        reviewed = _reviewed(reviewed_fields, extracted_values) if is_reviewed else ""
        body.append(
            f"<tr class='figure' id='{escaped_id}'><td>{_e(amount_text)}{part}</td>"
            f"<td class='num'>{_fen_as_yuan(fen)}</td><td>{plain[year]}</td>"
            f"{period_cell[period]}<td>{plain[measure]}</td>{added_as_cell[spending_note, spending_role]}"
            f"<td>{function[function_code]}</td><td>{plain[program_name]}</td>"
            f"<td>{_marked_sentence(sentence, amount_text, char_start, char_end, sentence_start)}</td>"
            f"<td><a href='{bulletin_link[bulletin_id]}{_anchor(char_start, char_end)}'>{plain[source_file]}</a>"
            f"{location[source_location]}</td>"
            f"<td>{reviewed}<code class='muted'>{_CORRECT_BEFORE_ID}{escaped_id}{_CORRECT_AFTER_ID}</code></td></tr>"
        )
    return head + "".join(body) + "</tbody></table>"


def _reviewed(changed: str | None, extracted_values: str | None) -> str:
    """That an analyst reviewed the figure (the correction cell also holds the command that corrects it)."""
    title = f"as extracted: {extracted_values}" if changed else "confirmed as extracted"
    return f"<span class='muted' title='{_e(title)}'>reviewed{': ' + _e(changed) if changed else ''}</span><br>"


def _mark_title(amount_id: str, location: str | None) -> str:
    """A figure's id, and where it stands in a document file (page, table, row; sheet and cell)."""
    return f"{amount_id} ({location})" if location else amount_id


def _bulletin_page(bulletin_id: str, source_file: str, text: str, amounts: list[tuple]) -> str:
    """The whole text, escaped, each figure a <mark> with an anchor the figure tables link to.

    ``amounts``: (amount_id, char_start, char_end, source_location) of each figure.
    """
    pieces, cursor = [], 0
    escape = _e if _has_markup(text) else str  # checked once for all its pieces
    for amount_id, start, end, location in sorted(amounts, key=itemgetter(1)):
        if start < cursor:  # overlapping spans do not occur; never garble the text if they do
            continue
        pieces.append(escape(text[cursor:start]))
        title = _e(_mark_title(amount_id, location))
        pieces.append(f"<mark id='{_anchor(start, end)}' title='{title}'>{escape(text[start:end])}</mark>")
        cursor = end
    pieces.append(escape(text[cursor:]))
    body = f"<p class='muted'>bulletin {_e(bulletin_id)}</p><pre class='bulletin'>{''.join(pieces)}</pre>"
    return _page(source_file, body, root="../")


# A page's fingerprint: the build keys of the rows it shows, this module's code (a change to the templates
# re-renders every page) and the warehouse's code version (the extractor and the dbt models). A build key
# (dbt_project/models/intermediate/int_bulletin_build_keys.sql) digests everything a bulletin's rows derive
# from, as the incremental marts rely on: so a page is re-rendered when and only when a bulletin it shows
# was rebuilt, and the fingerprints read two narrow columns instead of hashing every figure and text. Sums
# of row hashes stream in constant memory per page, unlike an ordered string_agg.
RENDER_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
MANIFEST = ".pages.json"  # page path -> fingerprint of what it was rendered from
# A full render (22,916 pages at 20,000 bulletins) is shared by a few processes: pages are independent, and one
# process rendered them all on one core. A refresh's few stale pages stay in this process: a worker's start-up
# (~1 s of imports) costs more than they do.
MIN_PAGES_FOR_POOL = 2_000
MAX_RENDER_WORKERS = 4
VERSION = "(select $render_version || coalesce(any_value(code_version), '') from warehouse_build)"

LOCALITY_FIGURES = f"""
    select coalesce(locality_code, $unplaced) as page, {FIGURE_COLUMNS} from fct_amount
    where coalesce(locality_code, $unplaced) in (select unnest($pages))
    order by page, source_file, char_start
"""
# One pass over the figures' keys gives each locality page its fingerprint and its row in the index: the
# locality's newest year and period with its stated total and the sum of its class figures (summary.py).
LOCALITY_PAGES = f"""
    with pages as (
        select coalesce(a.locality_code, $unplaced) as page, sum(hash(a.amount_id, a.build_key)::hugeint) as rows_hash,
            count(*) as figures
        from fct_amount a group by page
    ),
    names as (
        select locality_code as page, locality_name, locality_level, province from dim_locality
        where locality_code in (select page from pages)
    ),
    cells as (
        select locality_code as page, sum(hash(c)::hugeint) as cells_hash
        from agg_spending_by_locality c where own_amount_count > 0 group by locality_code
    ),
    newest as (
        select locality_code as page, fiscal_year, period, stated_total_yuan, class_sum_yuan
        from ({LOCALITY_TOTALS_SQL})
        qualify row_number() over (
            partition by locality_code order by fiscal_year desc, period <> 'full_year', period
        ) = 1
    )
    select page, md5(concat_ws('|', {VERSION}, rows_hash, cells_hash)), locality_name, locality_level, province,
        figures, newest.fiscal_year, newest.period, newest.stated_total_yuan, newest.class_sum_yuan
    from pages left join names using (page) left join cells using (page) left join newest using (page)
    order by page = $unplaced, page
"""
# The bulletins named by $bulletins, and their figures' marks in the same order: two streams merged in Python. Flat
# rows cost less than a list of marks per bulletin (grouping them, then making a Python list of tuples of each):
# 4.6 s instead of 7.0 s of CPU for 50,000 bulletins with 2 million figures.
BULLETIN_TEXTS = """
    select bulletin_id, source_file, bulletin_text from dim_bulletin
    where bulletin_id in (select unnest($bulletins)) order by bulletin_id
"""
BULLETIN_MARKS = """
    select bulletin_id, amount_id, char_start, char_end, source_location from fct_amount
    where bulletin_id in (select unnest($bulletins)) order by bulletin_id, char_start
"""
BULLETIN_FINGERPRINTS = f"""
    select 'bulletins/' || bulletin_id || '.html', md5(concat_ws('|', {VERSION}, build_key)) from dim_bulletin
"""


def _read_manifest(out_dir: Path) -> dict[str, str]:
    try:
        return json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_atomically(path: Path, text: str, exists: bool = True) -> None:
    """Readers of a page see the old or the new one, never half of it.

    A new page is written directly (a file creation costs ~1 ms here, a rename as much again): pages
    are written before the pages that link to them, so no link leads to it before it is complete.
    """
    if not exists:
        path.write_text(text, encoding="utf-8")
        return
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def render_report(database: Path, out_dir: Path) -> ReportSummary:
    """Bring the report in ``out_dir`` (created if missing) up to date with the warehouse at ``database``.

    Incremental: DuckDB fingerprints every page by the build keys of the rows it shows, and only pages whose
    fingerprint changed (or whose file is missing) are rendered and written; pages of localities and
    bulletins that left the warehouse are deleted; the index is always rewritten. The manifest of
    fingerprints is saved last, so a run killed half-way re-renders what it had not recorded. Figures stream
    in locality order and bulletins in chunks: memory stays bounded by the largest locality, not the
    warehouse.
    One render at a time (a file lock): two overlapping runs end with the pages of the newer warehouse.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    with file_lock(out_dir / ".lock"):
        return _render(database, out_dir)


def _render(database: Path, out_dir: Path) -> ReportSummary:
    for folder in ("localities", "bulletins"):
        (out_dir / folder).mkdir(parents=True, exist_ok=True)
    plotly_js = out_dir / "plotly.min.js"
    if not plotly_js.exists():  # 4.6 MB, the same for a given plotly version
        _write_atomically(plotly_js, get_plotlyjs())
    on_disk = {f"{folder}/{name}" for folder in ("localities", "bulletins") for name in os.listdir(out_dir / folder)}
    recorded = _read_manifest(out_dir)
    index_rows, n_figures, written = [], 0, 0
    with _read_only(database) as con:
        localities = con.execute(LOCALITY_PAGES, {"unplaced": UNPLACED, "render_version": RENDER_VERSION}).fetchall()
        not_in = set_aside(con)
        fingerprints = {f"localities/{page}.html": fp for page, fp, *_ in localities}
        places = {page: (name, level, province) for page, _, name, level, province, *_ in localities}
        fingerprints.update(con.execute(BULLETIN_FINGERPRINTS, {"render_version": RENDER_VERSION}).fetchall())
        stale = {page for page, fp in fingerprints.items() if recorded.get(page) != fp or page not in on_disk}
        stale_localities = [p.removeprefix("localities/").removesuffix(".html") for p in stale if "localities/" in p]
        stale_bulletins = [p.removeprefix("bulletins/").removesuffix(".html") for p in stale if "bulletins/" in p]

        # The index lists every locality: counts for all of them, pages only for the stale ones.
        for page, _, name, level, province, n, year, period, stated, classes in localities:
            when = f"{year} · {period_label(period)}" if period else ""
            index_rows.append(
                f"<tr class='locality'><td><a href='localities/{_e(page)}.html'>{_e(_locality_title(page, name))}</a>"
                f"</td><td>{_e(level)}</td><td>{_e(province)}</td><td class='num'>{n}</td>"
                f"<td title='{_e(period)}'>{_e(when)}</td><td class='num stated'>{yuan(stated)}</td>"
                f"<td class='num classes'>{yuan(classes)}</td></tr>"
            )
            n_figures += n

        workers = min(os.cpu_count() or 1, MAX_RENDER_WORKERS)
        if workers > 1 and len(stale) >= MIN_PAGES_FOR_POOL:
            figures = {page: n for page, _, _, _, _, n, *_ in localities}
            shares = _shares(stale_bulletins, stale_localities, figures, workers)
            written += _render_in_processes(database, out_dir, shares, places, on_disk, workers)
        else:  # a refresh that changed nothing runs none of the queries of the pages
            written += _render_pages(con, stale_bulletins, stale_localities, places, out_dir, on_disk)

        provinces = spending_by_province(con)
        build = con.execute("select run_id, published_at from warehouse_build").fetchone()

    # Pages of localities and bulletins no longer in the warehouse (and leftovers of a killed run).
    for page in on_disk - fingerprints.keys():
        (out_dir / page).unlink(missing_ok=True)

    run_id, published_at = build or (None, None)
    province_rows = "".join(
        f"<tr class='province'><td>{_e(p)}</td><td>{_e(year)}</td><td title='{_e(period)}'>{_e(period_label(period))}"
        f"</td><td class='num'>{n or 0}</td><td class='num classes'>{yuan(class_sum)}</td>"
        f"<td class='num'>{totals}</td></tr>"
        for p, year, period, n, class_sum, totals in provinces
    )
    province_head = "".join(f"<th>{_e(h)}</th>" for h in SPENDING_BY_PROVINCE_HEADER)
    index_body = (
        f"<p class='muted'>warehouse published {_e(published_at)} by run {_e(run_id)}. Every figure links to "
        "its sentence and its place in the bulletin.</p>"
        f"<p>{SPENDING_NOTE}</p>"
        "<h2>Localities</h2><table class='localities'><thead><tr><th>locality</th><th>level</th><th>province</th>"
        "<th>figures</th><th>newest year · period</th><th>stated total (yuan)</th><th>sum of classes (yuan)</th>"
        f"</tr></thead><tbody>{''.join(index_rows)}</tbody></table>"
        "<h2>Spending by province, year and period</h2><p class='muted'>The class figures of the province and of "
        "every locality in it; stated totals are counted, not summed (a prefecture's total may hold its "
        f"counties').</p><table class='provinces'><thead><tr>{province_head}</tr></thead><tbody>{province_rows}"
        "</tbody></table>"
    )
    if not_in:
        index_body += (
            "<h2>Not in the warehouse</h2><p class='muted'>Quarantined files are not usable; held files failed a "
            "check on their rows (their previous version, if any, is shown) and are judged again when the checks, "
            "the extractor or the file change.</p><table class='set-aside'><thead><tr><th>file</th><th>status</th>"
            "<th>reason</th></tr></thead><tbody>"
            + "".join(f"<tr><td>{_e(f)}</td><td>{_e(st)}</td><td>{_e(r)}</td></tr>" for f, st, r in not_in)
            + "</tbody></table>"
        )
    index = out_dir / "index.html"
    _write_atomically(index, _page("Provenance report", index_body))
    _write_atomically(out_dir / MANIFEST, json.dumps(fingerprints, sort_keys=True))
    n_bulletins = sum(1 for page in fingerprints if page.startswith("bulletins/"))
    return ReportSummary(index, len(index_rows), n_figures, n_bulletins, written)


def _read_only(database: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(database), read_only=True)
    con.execute(f"set enable_progress_bar = false; set memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
    return con


def _render_pages(
    con: duckdb.DuckDBPyConnection,
    bulletin_ids: list[str],
    codes: list[str],
    places: dict[str, tuple],
    out_dir: Path,
    on_disk: set,
) -> int:
    """Write the pages of these bulletins and localities; returns how many."""
    written = _render_bulletins(con, bulletin_ids, out_dir, on_disk) if bulletin_ids else 0
    return written + (_render_localities(con, codes, places, out_dir, on_disk) if codes else 0)


def _shares(
    bulletin_ids: list[str], codes: list[str], figures: dict[str, int], count: int
) -> list[tuple[list[str], list[str]]]:
    """The stale pages cut into ``count`` shares of (bulletin ids, locality codes), one per worker: bulletins in
    equal numbers, localities in about equal numbers of figures (a page's cost is its figures). One share per
    worker: each share's queries read the whole table once (the texts, the figures with their sentences)."""
    bulletin_shares = [bulletin_ids[i::count] for i in range(count)]
    locality_shares: list[list[str]] = [[] for _ in range(count)]
    figures_per_share = sum(figures[code] for code in codes) / count
    share, share_figures = 0, 0
    for code in sorted(codes):  # in page order: each share's figures are one range of the sorted table
        locality_shares[share].append(code)
        share_figures += figures[code]
        if share_figures >= figures_per_share and share < count - 1:
            share, share_figures = share + 1, 0
    return list(zip(bulletin_shares, locality_shares, strict=True))


def _render_in_processes(
    database: Path,
    out_dir: Path,
    shares: list[tuple[list[str], list[str]]],
    places: dict[str, tuple],
    on_disk: set,
    workers: int,
) -> int:
    """Write the pages of ``shares`` in ``workers`` processes, each with its own read-only connection."""
    written = 0
    with spawned_pool(workers) as pool:
        # The bulletins' pages first, then the localities' that link to them (as in one process).
        for parts in ([(bulletin_ids, []) for bulletin_ids, _ in shares], [([], codes) for _, codes in shares]):
            with spawning_without_parent_main():  # a worker imports this module, not the parent's __main__ (Dagster)
                futures = [
                    pool.submit(
                        _render_share,
                        database,
                        out_dir,
                        bulletin_ids,
                        codes,
                        {code: places[code] for code in codes},
                        on_disk & {*_pages("bulletins", bulletin_ids), *_pages("localities", codes)},
                    )
                    for bulletin_ids, codes in parts
                ]
            written += sum(future.result() for future in futures)
    return written


def _pages(folder: str, names: list[str]) -> list[str]:
    return [f"{folder}/{name}.html" for name in names]


def _render_share(
    database: Path, out_dir: Path, bulletin_ids: list[str], codes: list[str], places: dict[str, tuple], on_disk: set
) -> int:
    """In a worker process: the pages of one share."""
    with _read_only(database) as con:
        return _render_pages(con, bulletin_ids, codes, places, out_dir, on_disk)


def _streamed(cursor: duckdb.DuckDBPyConnection, rows_per_fetch: int) -> Iterator[tuple]:
    return (row for chunk in iter(lambda: cursor.fetchmany(rows_per_fetch), []) for row in chunk)


def _render_bulletins(con: duckdb.DuckDBPyConnection, bulletin_ids: list[str], out_dir: Path, on_disk: set) -> int:
    """Write the pages of these bulletins; returns how many."""
    written = 0
    texts = _streamed(con.execute(BULLETIN_TEXTS, {"bulletins": bulletin_ids}), 200)
    with con.cursor() as marks_cursor:  # a second cursor: the marks stream beside the texts
        marks_of = groupby(
            _streamed(marks_cursor.execute(BULLETIN_MARKS, {"bulletins": bulletin_ids}), 10_000), key=itemgetter(0)
        )
        marked_id, marks = next(marks_of, (None, ()))
        for bulletin_id, source_file, text in texts:
            while marked_id is not None and marked_id < bulletin_id:  # figures of no bulletin here: never shown
                marked_id, marks = next(marks_of, (None, ()))
            amounts = [mark[1:] for mark in marks] if marked_id == bulletin_id else []
            page = _bulletin_page(bulletin_id, source_file, text, amounts)
            relative = f"bulletins/{bulletin_id}.html"
            _write_atomically(out_dir / relative, page, exists=relative in on_disk)
            written += 1
    return written


def _render_localities(
    con: duckdb.DuckDBPyConnection, codes: list[str], places: dict[str, tuple], out_dir: Path, on_disk: set
) -> int:
    """Write the pages of these localities (``places``: code -> name, level, province); returns how many."""
    cells_by_locality: dict[str, list[tuple]] = defaultdict(list)
    for code, *cell in con.execute(
        f"select locality_code, {CHART_COLUMNS} from agg_spending_by_locality "
        "where own_amount_count > 0 and locality_code in (select unnest(?))",
        [codes],
    ).fetchall():
        cells_by_locality[code].append(tuple(cell))
    totals_by_locality = locality_totals(con, codes)
    function_names = dict(
        con.execute(
            "select function_code, function_name from dim_function_class where function_code is not null"
        ).fetchall()
    )
    written = 0
    rows = _streamed(con.execute(LOCALITY_FIGURES, {"unplaced": UNPLACED, "pages": codes}), 10_000)
    for code, group in groupby(rows, key=itemgetter(0)):
        figures = [row[1:] for row in group]
        relative = f"localities/{code}.html"
        page = _locality_page(
            code,
            places[code],
            figures,
            function_names,
            cells_by_locality.get(code, []),
            totals_by_locality.get(code, []),
        )
        _write_atomically(out_dir / relative, page, exists=relative in on_disk)
        written += 1
    return written


def _locality_name(code: str, name: str | None) -> str:
    return "locality not decided" if code == UNPLACED else (name or code)


def _locality_title(code: str, name: str | None) -> str:
    return _locality_name(code, name) if code == UNPLACED else f"{name or code} ({code})"


def _totals_table(totals: list[dict]) -> str:
    """One row per year and period: the stated total and the sum of the class figures, never their sum."""
    if not totals:
        return "<p class='muted'>No figure here can be added up (see each figure's spending note).</p>"
    rows = "".join(
        f"<tr class='total'><td>{_e(t['fiscal_year'])}</td><td title='{_e(t['period'])}'>"
        f"{_e(period_label(t['period']))}</td><td class='num stated'>{yuan(t['stated_total_yuan'])}</td>"
        f"<td class='num classes'>{yuan(t['class_sum_yuan'])}</td><td class='num'>{t['classes']}</td></tr>"
        for t in totals
    )
    return (
        "<h2>Totals by year and period</h2><table class='totals'><thead><tr><th>year</th><th>period</th>"
        "<th>stated total (yuan)</th><th>sum of classes (yuan)</th><th>classes</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _locality_page(
    code: str,
    place: tuple[str | None, str | None, str | None],
    figures: list[tuple],
    function_names: dict[str, str],
    cells: list[tuple],
    totals: list[dict],
) -> str:
    """``place``: the locality's name, level and province (dim_locality); ``figures``: rows of FIGURE_COLUMNS."""
    name, level, province = place
    body = (
        f"<p>{_e(level or '')} {_e(province or '')} · {len(figures)} figures</p>"
        + f"<p class='muted'>{SPENDING_NOTE}</p>"
        + _totals_table(totals)
        + _chart(cells, f"Spending stated for {_locality_name(code, name)}, by class, year and period")
        + "<h2>Figures</h2>"
        + _figures_table(figures, "../", function_names)
    )
    return _page(_locality_title(code, name), body, root="../", charts=True)
