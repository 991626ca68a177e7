"""The provenance report's fast pieces give what their plain versions give (no warehouse: fast tier)."""

import html
import random
import re
from decimal import Decimal

import pytest

from orchestration.report.render import _e, _fen_as_yuan, _figures_table, _Pieces, _shares

MARKUP_FREE = ["", "全县一般公共预算支出完成12.3亿元", "ytd_m10", "6c1f0a9e2b3d4c5e:120-131", "第3页 表2 第4行", "…"]
WITH_MARKUP = [
    "R&D 投入 3 亿元",
    "<b>教育支出</b>",
    "他说“增长 5%”以及 'quoted' 和 \"double\"",
    "a > b < c",
    "&amp; already escaped",
    "'",
]


@pytest.mark.parametrize("value", MARKUP_FREE + WITH_MARKUP)
def test_escape_equals_html_escape(value):
    assert _e(value) == html.escape(value)


@pytest.mark.parametrize("value", [2024, 0, -3, Decimal("12.50"), 1.5, True])
def test_escape_of_a_non_string_equals_html_escape_of_its_text(value):
    assert _e(value) == html.escape(str(value))


def test_escape_of_none_is_empty():
    assert _e(None) == ""


@pytest.mark.parametrize("fen", [0, 5, -5, 99, 100, 101, 123456, -123456789, 10**22 - 1, -(10**22) + 1])
def test_fen_as_yuan_equals_the_decimal_format(fen):
    assert _fen_as_yuan(fen) == f"{Decimal(fen).scaleb(-2):,.2f}"


def test_pieces_render_each_distinct_value_once():
    calls = []
    pieces = _Pieces(lambda value: calls.append(value) or f"<{value}>")
    assert [pieces[v] for v in ("a", "b", "a", None, "b", None)] == ["<a>", "<b>", "<a>", "<None>", "<b>", "<None>"]
    assert calls == ["a", "b", None]


def figure_row(**values):
    """A row of FIGURE_COLUMNS for _figures_table, composed (not from any bulletin)."""
    row = {
        "amount_id": "b1:10-15",
        "amount_text": "300万元",
        "is_part": False,
        "bulletin_id": "b1",
        "char_start": 10,
        "char_end": 15,
        "fen": 300_000_000,
        "fiscal_year": 2024,
        "period": "ytd_m10",
        "measure": "expenditure",
        "spending_note": "class figure",
        "spending_role": "class",
        "function_code": "205",
        "program_name": "义务教育",
        "sentence": "全年下达义务教育经费300万元。",
        "sentence_start": 0,
        "source_file": "bulletin.txt",
        "source_location": None,
        "is_reviewed": False,
        "reviewed_fields": None,
        "extracted_values": None,
    }
    row.update(values)
    return tuple(row.values())


def cells(table: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", table, re.S)


def test_a_figure_row_escapes_every_text_and_marks_the_figure():
    markup = "<b>&'\""
    row = figure_row(
        amount_id=f"b1:{markup}",
        program_name=f"项目{markup}",
        measure=markup,
        source_file=f"{markup}.txt",
        source_location=f"page 2 {markup}",
        sentence=f"{markup}全年下达300万元。",
        sentence_start=4,
        is_part=True,
        is_reviewed=True,
        reviewed_fields=f"period{markup}",
        extracted_values="{'period': 'ytd'}",
    )
    table = _figures_table([row], "../", {"205": f"教育支出{markup}"})
    assert "<b>" not in table
    figure, yuan, year, period, measure, _, function, program, sentence, source, correct = cells(table)
    assert figure == "300万元 <span class='muted'>(part of a total)</span>"
    assert (yuan, year, period, html.unescape(measure)) == ("3,000,000.00", "2024", "Jan-Oct", markup)
    assert html.unescape(function) == f"205 教育支出{markup}"
    assert html.unescape(program) == f"项目{markup}"
    assert sentence == f"{html.escape(markup)}全年下达<mark>300万元</mark>。"
    assert source.startswith("<a href='../bulletins/b1.html#a-10-15'>&lt;b&gt;&amp;&#x27;&quot;.txt</a><br>")
    assert html.escape(f"fiscal correct b1:{markup} FIELD=VALUE --why '…'") in correct
    assert f"reviewed: {html.escape(f'period{markup}')}" in correct


def test_a_figure_row_without_optional_values_leaves_their_cells_empty():
    row = figure_row(fiscal_year=None, period=None, measure=None, function_code=None, program_name=None)
    _, _, year, period, measure, added_as, function, program, *_ = cells(_figures_table([row], "", {}))
    assert (year, period, measure, function, program) == ("", "unknown", "", "", "")
    assert added_as == "class figure"


@pytest.mark.parametrize("workers", [1, 2, 3, 4])
def test_shares_hold_every_stale_page_once_with_localities_in_ranges_of_about_equal_figures(workers):
    rng = random.Random(workers)
    bulletins = [f"{i:016x}" for i in rng.sample(range(10**6), 101)]
    figures = {f"{rng.randrange(110000, 660000):06d}": rng.randint(1, 400) for _ in range(300)} | {"unplaced": 50}
    codes = list(figures)
    rng.shuffle(codes)
    shares = _shares(bulletins, codes, figures, workers)
    assert len(shares) == workers
    assert sorted(b for share, _ in shares for b in share) == sorted(bulletins)
    assert max(len(s) for s, _ in shares) - min(len(s) for s, _ in shares) <= 1
    assert [c for _, share in shares for c in share] == sorted(codes)  # each share one range of the sorted codes
    largest_page = max(figures.values())
    share_figures = [sum(figures[c] for c in share) for _, share in shares]
    # every share but the last stops at the first page that takes it to its part; the last takes the rest
    assert all(total <= sum(figures.values()) / workers + largest_page for total in share_figures[:-1])
