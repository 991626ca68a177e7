"""A mixed inbox of one composed bulletin as .txt, .html, .pdf, .docx and .xlsx, plus a bad file of each
kind, built once into a warehouse: the same figures from every format, with where each stands in its file."""

import duckdb
import published_files as pf
import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not pf.CJK_FONT.exists(), reason=f"CJK font {pf.CJK_FONT} absent (Debian fonts-wqy-microhei, see .ci/run)"
    ),
]

FIGURE = "amount_yuan, locality_code, fiscal_year, function_code, coalesce(table_row, '') as table_row"


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    from builds import build_warehouse

    root = tmp_path_factory.mktemp("published")
    inbox, warehouse = root / "inbox", root / "warehouse"
    expected = pf.write_inbox(inbox)
    build_warehouse(inbox, warehouse)
    con = duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True)
    yield con, expected, warehouse
    con.close()


def test_every_file_gets_its_status_and_the_bad_ones_their_reason(mixed):
    con, expected, _ = mixed
    rows = {
        name: (status, reason)
        for name, status, reason in con.sql("select source_file, status, reason from bulletin_files").fetchall()
    }
    assert {name: status for name, (status, _) in rows.items()} == expected
    assert "encrypted" in rows["bad_encrypted.pdf"][1]
    assert "no text layer" in rows["bad_scanned.pdf"][1]
    assert "truncated" in rows["bad_truncated.docx"][1]
    assert "formula" in rows["bad_formulas.xlsx"][1]
    assert rows["ningling_2024_copy.htm"][1] == "same text as ningling_2024.html"  # only the navigation differs


def test_every_format_gives_the_figures_of_the_text_version(mixed):
    con, expected, _ = mixed
    text_figures = sorted(
        con.execute(f"select {FIGURE} from fct_amount where source_file = 'ningling_2024.txt'").fetchall()
    )
    assert len(text_figures) == 4 + len(pf.ROWS)  # the four figures of the prose and every table row
    for name, status in expected.items():
        if status == "loaded" and name != "ningling_2024.txt":
            figures = con.execute(f"select {FIGURE} from fct_amount where source_file = ?", [name]).fetchall()
            assert sorted(figures) == text_figures, name


def test_table_cells_say_where_they_stand_in_their_file(mixed):
    con, _, _ = mixed
    located = dict(
        con.sql(
            "select source_file, source_location from fct_amount where table_row = '城市最低生活保障金支出'"
        ).fetchall()
    )
    assert located["ningling_2024.txt"] is None  # a text's offsets are the file's own
    assert located["ningling_2024.pdf"] == "page 1, table 1, row 2081901 城市最低生活保障金支出, column 金额"
    assert located["ningling_2024.docx"] == "table 1, row 2081901 城市最低生活保障金支出, column 金额"
    assert located["ningling_2024.html"] == "table 1, row 2081901 城市最低生活保障金支出, column 金额"
    assert located["ningling_2024.xlsx"].startswith("sheet 分配表, cell C")
    prose = con.sql(
        "select distinct source_location from fct_amount where source_file = 'ningling_2024.docx' and table_row is null"
    ).fetchall()
    assert prose == [("paragraph 3",)]


def test_subject_coded_rows_carry_their_code(mixed):
    con, _, _ = mixed
    rows = con.sql(
        "select source_file, table_row, function_code, function_evidence from fct_amount "
        "where table_row is not null and table_row <> '合计'"
    ).fetchall()
    by_label = {label: code for label, _, code in pf.CODED_ROWS}
    for source_file, table_row, function_code, evidence in rows:
        coded = next(label for label in by_label if label.endswith(" " + table_row))
        assert function_code == by_label[coded], (source_file, table_row)
        assert evidence.startswith(f"subject code {coded.split()[0]} "), (source_file, table_row)


def test_the_page_states_its_date_title_and_url(mixed):
    con, _, _ = mixed
    page = con.execute(
        "select source_url, source_published, source_title from dim_bulletin where source_file = 'ningling_2024.html'"
    ).fetchone()
    assert page == ("http://www.ningling.gov.cn/czj/2024/0318/1.html", pf.PUBLISHED, pf.TITLE)


def test_explain_and_the_report_show_where_a_figure_stands(mixed, monkeypatch, capsys):
    from orchestration import cli

    con, _, warehouse = mixed
    amount_id, location = con.execute(
        "select amount_id, source_location from fct_amount "
        "where source_file = 'ningling_2024.xlsx' and table_row = '合计'"
    ).fetchone()
    monkeypatch.setenv("WAREHOUSE_DIR", str(warehouse))
    assert cli.main(["explain", amount_id]) == 0
    out = capsys.readouterr().out
    assert "in the file" in out and "sheet 分配表" in out
    for folder in ("localities", "bulletins"):  # the figure's row, and its mark in the bulletin's text
        pages = " ".join(p.read_text(encoding="utf-8") for p in (warehouse / "report" / folder).glob("*.html"))
        assert location in pages, folder
