"""One bad bulletin never stops the warehouse: a fault in one bulletin's rows holds that bulletin back
(or quarantines it), the others publish, and a later fix brings it in."""

import duckdb
import pytest
from builds import build_warehouse, extractor_failing_on

from orchestration.extraction import assets as extract_assets
from orchestration.extraction import parallel as extract_parallel
from orchestration.warehouse import checks, holds

pytestmark = [pytest.mark.slow, pytest.mark.many_builds]

# Composed bulletins: three ordinary ones and one that each test makes faulty in its own way.
GOOD = {
    "a_qingshui.txt": "清水县财政局2023年6月12日讯 县财政下达农村道路养护资金460万元，用于全县32条村道养护。\n",
    "b_hexi.txt": "河西区财政局：2022年全区教育支出5.2亿元，比上年增长4.1%。\n",
    "c_nanping.txt": "南坪县2023年拨付城乡居民医疗救助资金1280万元，惠及困难群众3100人次。\n",
}
FAULTY = "d_dongshan.txt"
FAULTY_TEXT = "东山县财政局2023年9月5日讯 县财政拨付防汛救灾资金735万元，其中抢险物资210万元。\n"
FAULTY_FIGURE = "735万元"


@pytest.fixture
def four_bulletins(inbox):
    for name, text in {**GOOD, FAULTY: FAULTY_TEXT}.items():
        (inbox / name).write_text(text, encoding="utf-8")
    return inbox


def files(database) -> dict[str, tuple[str, str | None]]:
    with duckdb.connect(str(database), read_only=True) as con:
        return {
            f: (s, r) for f, s, r in con.execute("select source_file, status, reason from bulletin_files").fetchall()
        }


def amount_files(database) -> set[str]:
    with duckdb.connect(str(database), read_only=True) as con:
        return {f for (f,) in con.execute("select distinct source_file from fct_amount").fetchall()}


def published(result) -> bool:
    return any(e.asset_key.to_user_string() == "published_warehouse" for e in result.get_asset_materialization_events())


def test_a_python_row_check_failing_on_one_bulletin_holds_only_that_one(four_bulletins, tmp_path, monkeypatch):
    warehouse = tmp_path / "warehouse"
    real_reparse = checks.reparse_amount
    monkeypatch.setattr(
        checks, "reparse_amount", lambda text, unit: "broken" if text == FAULTY_FIGURE else real_reparse(text, unit)
    )

    result = build_warehouse(four_bulletins, warehouse, raise_on_error=False)
    assert result.success and published(result)
    database = warehouse / "warehouse.duckdb"
    status, reason = files(database)[FAULTY]
    assert status == "held"
    assert "amount_text_reparses" in reason and FAULTY_FIGURE in reason and "not published" in reason
    assert amount_files(database) == set(GOOD)
    assert {s for f, (s, _) in files(database).items() if f != FAULTY} == {"loaded"}

    # The same checks judge the same text the same way: it stays held without a rebuild round.
    again = build_warehouse(four_bulletins, warehouse, raise_on_error=False)
    assert again.success and files(database)[FAULTY][0] == "held"

    # The check is fixed (a new version of the checks): the held bulletin is judged again and loads.
    monkeypatch.setattr(checks, "reparse_amount", real_reparse)
    monkeypatch.setattr(holds, "checks_version", lambda: "checks-fixed")
    fixed = build_warehouse(four_bulletins, warehouse)
    assert fixed.success
    assert files(database)[FAULTY] == ("loaded", None)
    assert amount_files(database) == {*GOOD, FAULTY}


def test_a_dbt_test_failing_on_one_bulletins_rows_holds_it_and_keeps_its_previous_version(
    four_bulletins, tmp_path, monkeypatch
):
    warehouse = tmp_path / "warehouse"
    database = warehouse / "warehouse.duckdb"
    assert build_warehouse(four_bulletins, warehouse).success
    before = amount_files(database)
    assert FAULTY in before

    # The file is edited; the extractor now gives one of its amounts a measure no dbt test accepts.
    real_extract = extract_parallel.extract_document

    def extract_with_a_bad_row(text, source=None):
        extraction = real_extract(text, source)
        if "修订" in text:
            extraction.amounts[0].measure = "not_a_measure"
        return extraction

    monkeypatch.setattr(extract_parallel, "extract_document", extract_with_a_bad_row)
    (four_bulletins / FAULTY).write_text(FAULTY_TEXT.replace("讯", "讯（修订）"), encoding="utf-8")
    result = build_warehouse(four_bulletins, warehouse, raise_on_error=False)
    assert result.success and published(result)
    status, reason = files(database)[FAULTY]
    assert status == "held"
    assert "fct_amount_row_rules" in reason and "measure is not a key of stg_measures" in reason
    assert "previous version stays published" in reason
    # The previous version of the file is what the warehouse shows for it.
    assert amount_files(database) == before
    with duckdb.connect(str(database), read_only=True) as con:
        [(text,)] = con.execute("select bulletin_text from dim_bulletin where source_file = ?", [FAULTY]).fetchall()
    assert text == FAULTY_TEXT

    # The file is fixed: its new text loads.
    (four_bulletins / FAULTY).write_text(FAULTY_TEXT.replace("讯", "讯（更正）"), encoding="utf-8")
    fixed = build_warehouse(four_bulletins, warehouse)
    assert fixed.success and files(database)[FAULTY] == ("loaded", None)


def test_a_figure_whose_offsets_miss_its_text_fails_the_span_test_of_a_full_build(
    four_bulletins, tmp_path, monkeypatch
):
    """span_traces_to_text reads each figure from the piece of its text that holds it: a figure one character off,
    in the second half, still fails it, and its bulletin is held."""
    real_extract = extract_parallel.extract_document

    def extract_one_character_off(text, source=None):
        extraction = real_extract(text, source)
        if text == FAULTY_TEXT:
            last = extraction.amounts[-1]
            assert last.char_start * 2 > len(text)
            last.char_start, last.char_end = last.char_start + 1, last.char_end + 1
        return extraction

    monkeypatch.setattr(extract_parallel, "extract_document", extract_one_character_off)
    result = build_warehouse(four_bulletins, tmp_path / "warehouse", raise_on_error=False)
    assert result.success and published(result)
    status, reason = files(tmp_path / "warehouse" / "warehouse.duckdb")[FAULTY]
    assert status == "held"
    assert "span_traces_to_text_fct_amount_amount_text" in reason


def test_an_extractor_failing_on_one_bulletin_quarantines_it_and_a_new_extractor_retries_it(
    four_bulletins, tmp_path, monkeypatch
):
    warehouse = tmp_path / "warehouse"
    database = warehouse / "warehouse.duckdb"
    real_extract = extract_parallel.extract_document
    extractor_failing_on(monkeypatch, "防汛")
    result = build_warehouse(four_bulletins, warehouse)
    assert result.success and published(result)
    status, reason = files(database)[FAULTY]
    assert status == "quarantined" and "simulated extractor bug" in reason
    assert amount_files(database) == set(GOOD)

    # A new extractor version: the failed bulletin is extracted again and loads.
    monkeypatch.setattr(extract_parallel, "extract_document", real_extract)
    monkeypatch.setattr(extract_assets, "extractor_version", lambda: "extractor-fixed")
    fixed = build_warehouse(four_bulletins, warehouse)
    assert fixed.success and files(database)[FAULTY] == ("loaded", None)
    assert amount_files(database) == {*GOOD, FAULTY}


def test_a_check_failing_on_most_bulletins_blocks_instead_of_holding_them_all(four_bulletins, tmp_path, monkeypatch):
    """A check that fails everywhere is more likely broken than the bulletins: nothing is held, nothing
    published, and the failing check is named."""
    warehouse = tmp_path / "warehouse"
    monkeypatch.setattr(checks, "reparse_amount", lambda text, unit: "broken")
    result = build_warehouse(four_bulletins, warehouse, raise_on_error=False)
    assert not published(result)
    assert "amount_text_reparses" in [e.check_name for e in result.get_asset_check_evaluations() if not e.passed]
    assert not (warehouse / "warehouse.duckdb").exists()
