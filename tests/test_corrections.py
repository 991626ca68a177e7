"""The corrections file: its format, the validation of each row, and the append-only writer (pure, fast)."""

from decimal import Decimal

import pytest

from orchestration.corrections import (
    CORRECTION_COLUMNS,
    Correction,
    append_corrections,
    corrections_path,
    format_problem,
    ledger_rows,
    parse_amount_id,
    read_corrections,
)

BULLETIN = "0123456789abcdef"


def _correction(field: str, value: str, span_text: str = "1200万元", start: int = 40) -> Correction:
    return Correction(BULLETIN, str(start), str(start + len(span_text)), field, value, "li", "", "checked", span_text)


def test_an_amount_id_splits_into_bulletin_and_span():
    assert parse_amount_id(f"{BULLETIN}:40-46") == (BULLETIN, 40, 46)
    for wrong in ("40-46", f"{BULLETIN}:46-40", f"{BULLETIN}:40"):
        with pytest.raises(ValueError):
            parse_amount_id(wrong)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("locality_code", "341125"),
        ("locality_code", ""),  # clears it
        ("fiscal_year", "2022"),
        ("period", "ytd_m09"),
        ("function_code", "208"),
        ("measure", "allocation"),
        ("program_name", "高标准农田建设"),
        ("parent_amount_id", f"{BULLETIN}:10-16"),
        ("is_total", "true"),
        ("not_a_fact", "yes"),
        ("add", "expenditure"),
        ("confirm", ""),
    ],
)
def test_well_formed_values_pass(field, value):
    assert format_problem(_correction(field, value)) is None


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("locality_code", "34112", "6-digit"),
        ("fiscal_year", "22", "year"),
        ("period", "autumn", "not one of"),
        ("function_code", "9", "类 code"),
        ("measure", "grant", "not one of"),
        ("parent_amount_id", "fedcba9876543210:10-16", "same bulletin"),
        ("parent_amount_id", f"{BULLETIN}:40-46", "its own total"),
        ("is_total", "maybe", "true or false"),
        ("colour", "red", "unknown field"),
    ],
)
def test_malformed_values_are_refused_with_the_reason(field, value, says):
    assert says in format_problem(_correction(field, value))


def test_an_added_figure_must_be_money_as_written():
    assert format_problem(_correction("add", "allocation", "3.5亿元")) is None
    assert "not a money figure" in format_problem(_correction("add", "allocation", "35.6%"))
    unwritten = Correction(BULLETIN, "40", "46", "add", "allocation")
    assert "span_text" in format_problem(unwritten)


def test_the_span_text_must_fit_the_span():
    wrong = Correction(BULLETIN, "40", "44", "measure", "other", span_text="1200万元")
    assert "not 4 characters" in format_problem(wrong)


def test_rows_are_appended_never_rewritten_and_read_back_in_order(tmp_path):
    path = tmp_path / "corrections.csv"
    first, second = _correction("fiscal_year", "2021"), _correction("fiscal_year", "2022")
    append_corrections(path, [first])
    before = path.read_bytes()
    append_corrections(path, [second])
    assert path.read_bytes().startswith(before)
    assert path.read_text(encoding="utf-8").splitlines()[0] == ",".join(CORRECTION_COLUMNS)
    assert read_corrections(path).rows == [first, second]


def test_a_row_typed_by_hand_without_a_line_end_is_not_joined_to_the_next(tmp_path):
    path = tmp_path / "corrections.csv"
    path.write_text(",".join(CORRECTION_COLUMNS) + f"\n{BULLETIN},40,46,measure,other,li,,,1200万元", encoding="utf-8")
    append_corrections(path, [_correction("fiscal_year", "2022")])
    assert [row.field for row in read_corrections(path).rows] == ["measure", "fiscal_year"]


def test_no_file_or_a_header_only_is_no_correction(tmp_path):
    path = tmp_path / "corrections.csv"
    assert read_corrections(path).digest is None
    path.write_text(",".join(CORRECTION_COLUMNS) + "\n", encoding="utf-8")
    assert read_corrections(path).rows == [] and read_corrections(path).digest is None


def test_the_digest_follows_the_content_not_the_place(tmp_path):
    here, there = tmp_path / "a.csv", tmp_path / "moved" / "b.csv"
    for path in (here, there):
        append_corrections(path, [_correction("fiscal_year", "2021")])
    assert read_corrections(here).digest == read_corrections(there).digest
    append_corrections(there, [_correction("fiscal_year", "2022")])
    assert read_corrections(here).digest != read_corrections(there).digest


def test_ledger_rows_keep_every_row_with_its_problem_and_an_added_value(tmp_path):
    path = tmp_path / "corrections.csv"
    append_corrections(
        path, [_correction("add", "allocation", "3.5亿元"), _correction("is_total", "YES"), _correction("x", "1")]
    )
    rows = ledger_rows(read_corrections(path))
    assert [r["row_no"] for r in rows] == [1, 2, 3]
    assert rows[0]["added_amount_yuan"] == Decimal("350000000.00") and rows[0]["char_start"] == 40
    assert rows[1]["value"] == "true" and rows[1]["format_problem"] is None
    assert "unknown field" in rows[2]["format_problem"]
    assert len({r["file_digest"] for r in rows}) == 1


def test_the_file_sits_in_the_inbox_unless_corrections_file_names_another(tmp_path, monkeypatch):
    monkeypatch.delenv("CORRECTIONS_FILE", raising=False)
    assert corrections_path(tmp_path) == tmp_path / "corrections.csv"
    monkeypatch.setenv("CORRECTIONS_FILE", str(tmp_path / "review" / "decisions.csv"))
    assert corrections_path(tmp_path) == tmp_path / "review" / "decisions.csv"


def test_editing_the_corrections_judges_held_bulletins_again(tmp_path):
    from orchestration.staging import StagingStore
    from orchestration.warehouse.holds import HoldLedger, judged_version

    store = StagingStore(tmp_path)
    store.ensure_layout()
    without = judged_version(store)
    path = tmp_path / "corrections.csv"
    append_corrections(path, [_correction("fiscal_year", "2021")])
    store.write_ledger("corrections", ledger_rows(read_corrections(path)))
    assert judged_version(store) != without
    store.write_ledger("holds", [{"bulletin_id": BULLETIN, "checks_version": judged_version(store)}])
    assert HoldLedger(store).bulletin_ids == {BULLETIN}
    append_corrections(path, [_correction("fiscal_year", "2022")])
    store.write_ledger("corrections", ledger_rows(read_corrections(path)))
    assert HoldLedger(store).bulletin_ids == set()
