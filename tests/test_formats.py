"""The readers of published formats (web page, PDF, Word, spreadsheet) on files the tests generate."""

import published_files as pf
import pytest

from orchestration.extract.document import extract_document
from orchestration.ingest.formats import read_document
from orchestration.ingest.formats.common import TableCellText, TextBuilder
from orchestration.ingest.formats.html import page_published

needs_font = pytest.mark.skipif(
    not pf.CJK_FONT.exists(), reason=f"CJK font {pf.CJK_FONT} absent (Debian fonts-wqy-microhei, see .ci/run)"
)


def parts_are_spans_of_the_text(reading):
    for part in reading.parts:
        span = reading.text[part.char_start : part.char_end]
        assert span and span == span.strip() and "\n" not in span, part


def cell_part(reading, text, row_label):
    """The cell part holding ``text`` in the row labelled ``row_label``."""
    (part,) = [
        p
        for p in reading.parts
        if p.kind == "cell" and reading.text[p.char_start : p.char_end] == text and p.row_label == row_label
    ]
    return part


def figures(text):
    """(value, locality, year, class) of every figure of a text, as the extractor reads them."""
    return sorted(
        (a.amount_yuan, a.locality_code, a.fiscal_year, a.function_code, a.table_row or "")
        for a in extract_document(text).amounts
    )


TEXT_FIGURES = figures(pf.text_version())


def test_web_page_keeps_the_article_and_its_table_and_drops_navigation_and_footer():
    reading = read_document(pf.html_version().encode("utf-8"), ".html")
    assert reading.reason is None and reading.fmt == "html"
    assert reading.text.splitlines()[0] == pf.TITLE  # the headline is the title line
    for boilerplate in ("首页", "政务公开", "分享到", "网站地图", "主办"):
        assert boilerplate not in reading.text
    assert "科目编码\t科目名称\t金额" in reading.text and pf.UNIT_LINE in reading.text
    parts_are_spans_of_the_text(reading)
    part = cell_part(reading, "420", "2050201 学前教育")
    assert (part.table, part.column_header) == (1, "金额")
    assert part.location == "table 1, row 2050201 学前教育, column 金额"
    assert figures(reading.text) == TEXT_FIGURES


def test_web_page_metadata_is_what_the_page_states():
    meta = read_document(pf.html_version().encode("utf-8"), ".html").metadata
    assert (meta.url, meta.published, meta.title) == (
        "http://www.ningling.gov.cn/czj/2024/0318/1.html",
        pf.PUBLISHED,
        pf.TITLE,
    )


def test_a_publication_line_dates_a_page_without_date_tags():
    page = "<html><body><h1>某某通知</h1><div>发布时间：2022年7月5日 来源：某县财政局</div><p>正文。</p></body></html>"
    assert page_published(page) == "2022-07-05"
    assert page_published("<html><body><p>2021年安排资金100万元。</p></body></html>") == ""


def test_the_same_article_under_other_navigation_is_the_same_text():
    first = read_document(pf.html_version().encode("utf-8"), ".html").text
    other = read_document(pf.html_version("首页 | 信息公开 | 通知公告").encode("gb18030"), ".htm")
    assert other.text is None or first == other.text  # a page in GB18030 without a charset decodes too


@needs_font
def test_pdf_text_and_ruled_table_with_pages():
    reading = read_document(pf.pdf_version(), ".pdf")
    assert reading.reason is None and reading.fmt == "pdf"
    assert pf.PARAGRAPHS[1] in reading.text  # a wrapped line is joined back into its paragraph
    assert "- 2 -" not in reading.text  # a page number alone is not text
    parts_are_spans_of_the_text(reading)
    assert {p.page for p in reading.parts} == {1}
    part = cell_part(reading, "800", "208 社会保障和就业支出")
    assert part.location == "page 1, table 1, row 208 社会保障和就业支出, column 金额"
    assert figures(reading.text) == TEXT_FIGURES


@needs_font
def test_encrypted_and_scanned_pdfs_are_quarantined_with_the_reason():
    encrypted = read_document(pf.pdf_version(encrypted=True), ".pdf")
    assert encrypted.text is None and "encrypted" in encrypted.reason
    scanned = read_document(pf.scanned_pdf(), ".pdf")
    assert scanned.text is None and "no text layer" in scanned.reason


def test_word_paragraphs_and_table():
    reading = read_document(pf.docx_version(), ".docx")
    assert reading.reason is None and reading.fmt == "docx"
    parts_are_spans_of_the_text(reading)
    first = reading.parts[0]
    assert (reading.text[first.char_start : first.char_end], first.paragraph) == (pf.TITLE, 1)
    assert cell_part(reading, "2360", "合计").location == "table 1, row 合计, column 金额"
    assert "\n\t合计\t2360\n" in reading.text  # the empty code cell keeps the columns
    assert figures(reading.text) == TEXT_FIGURES


def test_truncated_word_file_is_quarantined():
    reading = read_document(pf.docx_version()[:1500], ".docx")
    assert reading.text is None and "truncated" in reading.reason


def test_spreadsheet_cells_carry_sheet_and_reference():
    reading = read_document(pf.xlsx_version(), ".xlsx")
    assert reading.reason is None and reading.fmt == "xlsx"
    parts_are_spans_of_the_text(reading)
    part = cell_part(reading, "500", "2081901 城市最低生活保障金支出")
    assert (part.sheet, part.cell[0], part.column_header) == ("分配表", "C", "金额")
    assert part.location.startswith("sheet 分配表, cell C")
    assert figures(reading.text) == TEXT_FIGURES


def test_spreadsheet_numbers_are_written_without_float_noise():
    import io

    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["单位：元"])
    book.active.append(["项目", "金额"])
    book.active.append(["甲", 0.1 + 0.2])
    book.active.append(["乙", 1250.0])
    out = io.BytesIO()
    book.save(out)
    text = read_document(out.getvalue(), ".xlsx").text
    assert "甲\t0.3\n" in text and "乙\t1250\n" in text


def test_spreadsheet_whose_formulas_have_no_values_is_quarantined():
    reading = read_document(pf.xlsx_version(formulas_only=True), ".xlsx")
    assert reading.text is None and "formula" in reading.reason and "分配表!C" in reading.reason


@pytest.mark.parametrize(
    ("raw", "suffix", "reason"),
    [(b"", ".pdf", "empty"), (b"not a zip", ".xlsx", "truncated"), (b"%PDF-1.4 broken", ".pdf", "unreadable pdf")],
)
def test_broken_files_get_a_reason_never_an_exception(raw, suffix, reason):
    reading = read_document(raw, suffix)
    assert reading.text is None and reason in reading.reason


def test_table_rows_keep_their_columns_and_single_cells_are_lines():
    builder = TextBuilder()
    rows = [
        ["某某资金分配表", "", ""],
        ["单位：万元"],
        ["编号", "项目", "金额"],
        ["1", "道路维修", "35.5"],
        ["", "合计", "35.5"],
    ]
    builder.table([[TableCellText(c) for c in row] for row in rows])
    text = builder.reading("docx").text
    assert text.splitlines() == [
        "某某资金分配表",
        "单位：万元",
        "编号\t项目\t金额",
        "1\t道路维修\t35.5",
        "\t合计\t35.5",
    ]
    labels = {builder.parts[k].row_label for k in range(len(builder.parts))}
    assert {"1 道路维修", "合计"} <= labels


# The inbox: every format is listed, read and given a status -----------------------------------
def test_a_mixed_inbox_gets_a_status_per_file_and_stores_each_text_once_with_its_parts(tmp_path):
    from datetime import datetime

    from orchestration.ingest.inbox import list_inbox, reconcile

    inbox = tmp_path / "inbox"
    expected = pf.write_inbox(inbox)
    if not pf.CJK_FONT.exists():  # the PDFs cannot be written without the font
        expected = {name: status for name, status in expected.items() if not name.endswith(".pdf")}
        for pdf in inbox.glob("*.pdf"):
            pdf.unlink()
    (inbox / "notes.md").write_text("不是公告", encoding="utf-8")
    assert sorted(e.source_file for e in list_inbox(inbox)) == sorted(expected)

    stored = []
    result = reconcile([], inbox, set(), datetime(2026, 1, 1), store_text=stored.append)
    rows = {r["source_file"]: r for r in result.ledger}
    assert {name: r["status"] for name, r in rows.items()} == expected
    for name, row in rows.items():
        assert row["reason"] or row["status"] == "loaded", name  # never quarantined without a reason
    assert rows["ningling_2024.docx"]["encoding"] == "docx"
    assert rows["ningling_2024.html"]["page_published"] == pf.PUBLISHED
    assert rows["ningling_2024.html"]["page_title"] == pf.TITLE
    assert rows["ningling_2024.txt"]["page_url"] is None
    texts = {t["source_file"]: t for t in stored}
    assert texts["ningling_2024.txt"]["parts"] == []
    assert any(p.cell for p in texts["ningling_2024.xlsx"]["parts"])
    assert len(stored) == len({t["bulletin_id"] for t in stored})


def test_sources_csv_wins_field_by_field_over_the_page():
    from orchestration.extract.sources import from_ledger

    given = {"source_url": None, "source_published": "2024-03", "source_locality": "411423", "source_title": None}
    page = {"page_url": "http://example.gov.cn/a.html", "page_published": "2024-03-18", "page_title": "页面标题"}
    row = {**given, **page}
    meta = from_ledger(row)
    assert (meta.url, meta.published, meta.locality, meta.title) == (
        "http://example.gov.cn/a.html",
        "2024-03",
        "411423",
        "页面标题",
    )


def test_fiscal_add_checks_documents_as_the_refresh_reads_them(tmp_path):
    from orchestration.cli import check_bulletin

    good, bad, other = tmp_path / "a.docx", tmp_path / "b.docx", tmp_path / "c.odt"
    good.write_bytes(pf.docx_version())
    bad.write_bytes(pf.docx_version()[:900])
    other.write_bytes(b"x")
    assert check_bulletin(good) is None
    assert "truncated" in check_bulletin(bad)
    assert ".xlsx" in check_bulletin(other)


@needs_font
def test_a_pdf_table_running_onto_the_next_page_keeps_its_number_and_header():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("wqy", fname=str(pf.CJK_FONT))
    pdf.set_font("wqy", size=12)
    for line in ("某县2023年村级公益事业建设资金分配表", "单位：万元"):
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    villages = [f"第{n}村民小组" for n in range(1, 41)]
    with pdf.table(first_row_as_headings=False) as table:
        for row in [("村组", "金额"), *((v, str(10 + n)) for n, v in enumerate(villages))]:
            cells = table.row()
            for cell in row:
                cells.cell(cell)
    reading = read_document(bytes(pdf.output()), ".pdf")
    last = cell_part(reading, str(10 + len(villages) - 1), villages[-1])
    assert (last.page, last.table, last.column_header) == (2, 1, "金额")
    amounts = {a.table_row: a for a in extract_document(reading.text).amounts}
    assert amounts[villages[-1]].header_unit == "万元" and len(amounts) == len(villages)


def test_a_page_laid_out_with_tables_keeps_its_paragraphs_and_its_table_of_figures():
    paragraphs = [
        "2023年，全县一般公共预算支出完成18.6亿元，其中教育支出3.4亿元。",
        "全年压减一般性支出，优先保障基本民生，教育、卫生健康等重点领域支出得到有效保障。",
        "县财政局将继续深化预算管理改革，推进预算绩效管理全覆盖，提高财政资金使用效益。",
    ]
    page = (
        '<html><head><meta charset="utf-8"><title>某县财政局2023年工作总结</title></head><body><table>'
        "<tr><td>某县财政局2023年工作总结</td></tr><tr><td>"
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + "<table><tr><td>项目</td><td>金额（万元）</td></tr><tr><td>教育支出</td><td>34000</td></tr>"
        "<tr><td>卫生健康支出</td><td>21000</td></tr></table></td></tr></table></body></html>"
    )
    reading = read_document(page.encode("utf-8"), ".html")
    lines = reading.text.splitlines()
    assert all(p in lines for p in paragraphs)  # a layout cell's paragraphs stay apart
    assert "教育支出\t34000" in lines
    assert cell_part(reading, "21000", "卫生健康支出").column_header == "金额（万元）"


def test_the_sensor_sees_documents_arrive_and_their_page_metadata_does_not_make_them_look_changed(tmp_path):
    from datetime import datetime

    from orchestration.freshness import inbox_fingerprint, ledger_fingerprint
    from orchestration.ingest.inbox import reconcile
    from orchestration.settings import WarehousePaths
    from orchestration.staging import StagingStore

    paths = WarehousePaths(tmp_path / "inbox", tmp_path / "warehouse")
    paths.bulletins_dir.mkdir()
    (paths.bulletins_dir / "page.html").write_text(pf.html_version(), encoding="utf-8")
    (paths.bulletins_dir / "notice.docx").write_bytes(pf.docx_version())
    assert sorted(inbox_fingerprint(paths)) == ["notice.docx", "page.html"]
    ledger = reconcile([], paths.bulletins_dir, set(), datetime(2026, 1, 1)).ledger
    assert ledger[1]["page_title"] == pf.TITLE  # page.html, sorted after notice.docx
    StagingStore(paths.staging_dir).write_ledger("bulletin_files", ledger)
    assert ledger_fingerprint(paths) == inbox_fingerprint(paths)  # nothing new for the sensor


def test_any_bytes_cut_from_a_document_get_a_text_or_a_reason_never_an_exception():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    whole = {".docx": pf.docx_version(), ".xlsx": pf.xlsx_version(), ".html": pf.html_version().encode("utf-8")}

    @settings(max_examples=60, deadline=None)
    @given(st.sampled_from(sorted(whole)), st.floats(0, 1), st.binary(max_size=64))
    def check(suffix, cut, noise):
        raw = whole[suffix][: int(len(whole[suffix]) * cut)] + noise
        reading = read_document(raw, suffix)
        assert reading.text is not None or reading.reason

    check()


@needs_font
def test_a_running_header_and_footer_are_kept_once():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("wqy", fname=str(pf.CJK_FONT))
    pdf.set_font("wqy", size=12)
    sentences = [f"第{n}项工作稳步推进，全年安排专项资金{n * 10}万元。" for n in range(1, 5)]
    for n, sentence in enumerate(sentences, start=1):
        pdf.add_page()
        pdf.multi_cell(0, 8, "某县2023年财政工作报告", new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, 8, sentence, new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, 8, f"第 {n} 页 共 4 页", new_x="LMARGIN", new_y="NEXT")
    text = read_document(bytes(pdf.output()), ".pdf").text
    assert text.count("某县2023年财政工作报告") == 1 and "共 4 页" not in text
    assert all(sentence in text for sentence in sentences)


def test_the_title_is_the_headline_else_the_title_tag_without_the_site_name():
    import lxml.html

    from orchestration.ingest.formats.html import canonical_url, page_title

    bare = lxml.html.fromstring("<html><head><title>关于下达某某资金的通知_某县人民政府</title></head><body/></html>")
    assert page_title(bare) == "关于下达某某资金的通知" and canonical_url(bare) == ""
    headed = lxml.html.fromstring(
        '<html><head><title>网站</title><meta property="og:url" content="http://a.gov.cn/1.html"></head>'
        "<body><h1> 关于下达某某资金的通知 </h1></body></html>"
    )
    assert page_title(headed) == "关于下达某某资金的通知" and canonical_url(headed) == "http://a.gov.cn/1.html"


@needs_font
def test_a_table_over_pages_under_a_running_header_stays_one_table():
    from fpdf import FPDF

    class WithHeader(FPDF):
        def header(self):
            self.set_font("wqy", size=10)
            self.cell(0, 8, "某县财政局", new_x="LMARGIN", new_y="NEXT")

    pdf = WithHeader()
    pdf.add_font("wqy", fname=str(pf.CJK_FONT))
    pdf.add_page()
    pdf.set_font("wqy", size=12)
    for line in ("某县2023年乡镇转移支付资金分配表", "单位：万元"):
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    towns = [f"第{n}片区" for n in range(1, 91)]
    with pdf.table(first_row_as_headings=False) as table:
        for row in [("片区", "金额"), *((t, str(100 + n)) for n, t in enumerate(towns))]:
            cells = table.row()
            for cell in row:
                cells.cell(cell)
    reading = read_document(bytes(pdf.output()), ".pdf")
    assert reading.text.count("某县财政局") == 1
    last = cell_part(reading, str(100 + len(towns) - 1), towns[-1])
    assert last.page >= 3 and (last.table, last.column_header) == (1, "金额")


def test_a_table_pasted_from_word_with_a_paragraph_in_every_cell_stays_a_table():
    cells = "".join(
        "<tr>" + "".join(f'<td><p class="MsoNormal"><span>{c}</span></p></td>' for c in row) + "</tr>"
        for row in (pf.HEADER, *pf.ROWS)
    )
    page = pf.html_version().replace(
        pf.html_version()[pf.html_version().index("<table>") : pf.html_version().index("</table>") + 8],
        f'<p>{pf.CAPTION}</p><p>{pf.UNIT_LINE}</p><table class="MsoNormalTable">{cells}</table>',
    )
    reading = read_document(page.encode("utf-8"), ".html")
    assert "2081901\t城市最低生活保障金支出\t500" in reading.text.splitlines()
    assert cell_part(reading, "500", "2081901 城市最低生活保障金支出").column_header == "金额"
    assert figures(reading.text) == TEXT_FIGURES
