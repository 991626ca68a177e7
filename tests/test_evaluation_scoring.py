"""The evaluation scores as the real gold's README says: overlapping spans with equal values match,
table cells apart, attributes only where the gold gives a value, unknowable fields in a second figure."""

import csv
from pathlib import Path

import pytest

from orchestration.extraction.evaluation import NoGoldError, evaluate, main, measure_group

TEXT = "本县财政局下达农村道路养护资金860万元，其中县级资金300万元。\n"
AMOUNT_COLUMNS = [
    "doc", "article_no", "start", "end", "amount_text", "amount_yuan", "adcode", "year",
    "program", "function_codes", "measure", "is_total", "parent_start", "note",
]  # fmt: skip


def _write(path: Path, columns: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, columns)
        w.writeheader()
        w.writerows(rows)


def _gold(tmp_path: Path, rows: list[dict], unknowable: list[dict] | None = None, sources: bool = False) -> Path:
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "a.txt").write_text(TEXT, encoding="utf-8")
    _write(tmp_path / "amounts.csv", AMOUNT_COLUMNS, rows)
    if unknowable is not None:
        _write(tmp_path / "unknowable.csv", ["doc", "field", "why"], unknowable)
    if sources:
        _write(
            texts / "sources.csv",
            ["file", "url", "published", "locality", "title"],
            [{"file": "a.txt", "url": "", "published": "2024-05-06", "locality": "", "title": ""}],
        )
    return tmp_path


def _row(text: str, yuan: int, **kw) -> dict:
    start = TEXT.index(text)
    row = {c: "" for c in AMOUNT_COLUMNS}
    row.update(doc="a.txt", article_no="1", start=start, end=start + len(text), amount_text=text, amount_yuan=yuan)
    row.update(adcode="", measure="allocation", is_total="0")
    row.update(kw)
    return row


def test_overlapping_span_with_equal_value_matches(tmp_path):
    # the gold span includes a word the extractor leaves out: still the same amount
    gold = _gold(tmp_path, [_row("860万元，", 8_600_000), _row("300万元", 3_000_000)])
    report = evaluate(gold)
    assert (report.amounts.tp, report.amounts.fp, report.amounts.fn) == (2, 0, 0)


def test_different_value_does_not_match(tmp_path):
    report = evaluate(_gold(tmp_path, [_row("860万元", 8_600_001)]))
    assert report.amounts.tp == 0 and report.amounts.fn == 1


def test_table_cells_are_scored_apart(tmp_path):
    cell = _row("860", 8_600_000, note="unit from header 金额(万元)")
    report = evaluate(_gold(tmp_path, [cell, _row("300万元", 3_000_000)]))
    assert report.table_cells.tp + report.table_cells.fn == 1
    assert report.amounts.tp + report.amounts.fn == 1


def test_empty_gold_year_and_function_are_not_scored(tmp_path):
    report = evaluate(_gold(tmp_path, [_row("860万元", 8_600_000, year="", function_codes="")]))
    assert report.year.total == 0 and report.function.total == 0
    assert report.measure.total == 1 and report.measure_group.total == 1


def test_unknowable_fields_leave_the_main_figure_and_count_with_sources(tmp_path):
    rows = [_row("860万元", 8_600_000, year="2024")]
    report = evaluate(_gold(tmp_path, rows, [{"doc": "a.txt", "field": "year", "why": "no date"}], sources=True))
    assert report.year.total == 0
    assert report.sourced_year.total == 1 and report.unknowable_year.total == 1


def test_measure_groups():
    assert measure_group("allocation") == measure_group("expenditure") == "spending"
    assert measure_group("revenue") == measure_group("transfer_in") == measure_group("financing") == "income"
    assert measure_group("per_capita") == measure_group("threshold") == "rate"
    assert measure_group("saving") == measure_group("procurement") == "other"


ARTICLE_COLUMNS = [
    "doc", "article_no", "title", "title_start", "body_start", "body_end",
    "province", "city", "county", "adcode", "author_org", "author_person",
]  # fmt: skip


def _article(title: str, title_start: int, body_start: int, body_end: int) -> dict:
    row = {c: "" for c in ARTICLE_COLUMNS}
    row.update(doc="a.txt", article_no="1", title=title, title_start=title_start, body_start=body_start)
    row.update(body_end=body_end, province="江苏省", city="盐城市", county="东台市", adcode="320981")
    return row


def test_a_file_annotated_as_one_whole_text_article_scores_no_boundaries(tmp_path):
    gold = _gold(tmp_path, [_row("860万元", 8_600_000)])
    _write(gold / "articles.csv", ARTICLE_COLUMNS, [_article("", 0, 0, len(TEXT))])
    report = evaluate(gold)
    assert (report.articles.tp, report.articles.fp, report.articles.fn) == (0, 0, 0)
    assert report.articles_not_annotated == 1
    assert report.article_locality.total == 1  # the article's locality is still scored
    assert not any("article FP" in miss or "article FN" in miss for miss in report.misses)


def test_annotated_article_boundaries_are_scored(tmp_path):
    gold = _gold(tmp_path, [_row("860万元", 8_600_000)])
    _write(gold / "articles.csv", ARTICLE_COLUMNS, [_article("", 0, 3, len(TEXT))])  # a boundary the text lacks
    report = evaluate(gold)
    assert report.articles_not_annotated == 0
    assert (report.articles.fp, report.articles.fn) == (1, 1)


def test_a_folder_without_gold_is_an_error_naming_the_gold_below_it(tmp_path, capsys):
    # scoring a folder that holds no gold would print 1.000 over nothing, which reads as a pass
    (tmp_path / "gold").mkdir()
    _gold(tmp_path / "gold", [_row("860万元", 8_600_000)])
    with pytest.raises(NoGoldError, match="gold found in"):
        evaluate(tmp_path)
    assert main(["--gold", str(tmp_path)]) == 2
    assert "no gold in" in capsys.readouterr().err
