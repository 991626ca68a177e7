"""A composed bulletin written as it is published: plain text, a web page, a PDF, a Word and an Excel file.

Used by the format readers' unit tests and the mixed-inbox end-to-end test. The texts are composed for
the tests (no sentence of a real bulletin). ``BULLETIN`` is the content; each writer lays it out the way
its format does (a web page with navigation and a footer around the article, a PDF page with a ruled
table, a Word table, a sheet whose prose sits in column A).
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")  # Debian fonts-wqy-microhei

TITLE = "宁陵县财政局关于下达2024年教育和社会保障补助资金的通知"
PUBLISHED = "2024-03-18"
PARAGRAPHS = (
    "各乡镇人民政府、县直有关单位：",
    "经县政府研究同意，现下达2024年补助资金2,360万元，其中学前教育资金420万元，义务教育资金1,140万元，"
    "城乡最低生活保障资金800万元。",
    "请各单位收到资金后及时拨付，加快预算执行，按规定做好绩效管理，不得挤占、挪用。",
    "附件：2024年补助资金分配表",
)
CAPTION = "2024年补助资金分配表"
UNIT_LINE = "单位：万元"
HEADER = ("科目编码", "科目名称", "金额")
ROWS = (
    ("205", "教育支出", "1560"),
    ("2050201", "学前教育", "420"),
    ("2050202", "小学教育", "760"),
    ("2050203", "初中教育", "380"),
    ("208", "社会保障和就业支出", "800"),
    ("2081901", "城市最低生活保障金支出", "500"),
    ("2081902", "农村最低生活保障金支出", "300"),
    ("", "合计", "2360"),
)
MASTHEAD = ("宁陵县财政局文件", "宁财预〔2024〕12号")  # the head of the printed notice, in its PDF only
SIGNATURE = ("宁陵县财政局", "2024年3月18日")
# (row label, value in 万元, class) of the subject-coded rows
CODED_ROWS = tuple((f"{code} {name}", value, code[:3]) for code, name, value in ROWS if code)


def text_version() -> str:
    """The bulletin as a plain .txt file: a date line under the title, the table's cells separated by tabs."""
    lines = [TITLE, f"发布日期：{PUBLISHED}", *PARAGRAPHS, CAPTION, UNIT_LINE, "\t".join(HEADER)]
    lines += ["\t".join(cell or "" for cell in row) for row in ROWS]
    return "\n".join([*lines, *SIGNATURE]) + "\n"


def html_version(navigation: str = "首页 | 政务公开 | 财政资金") -> str:
    """A saved page of a county site: navigation, share buttons and a footer around the article."""
    cells = "".join(f"<th>{h}</th>" for h in HEADER)
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in ROWS)
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    filler = "".join(  # enough article text for a main-text extractor to tell the article from the page
        f"<p>{p}</p>"
        for p in (
            "各单位要严格执行资金管理办法，建立资金台账，专款专用，确保资金安全、规范、有效使用。",
            "县财政局将会同县教育局对资金使用情况开展绩效评价和监督检查，评价结果作为以后年度资金分配的依据。",
        )
    )
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8">
<title>{TITLE}_宁陵县人民政府</title>
<meta name="PubDate" content="{PUBLISHED} 09:30">
<link rel="canonical" href="http://www.ningling.gov.cn/czj/2024/0318/1.html">
</head><body>
<div class="nav"><a href="/">{navigation}</a></div>
<div class="content"><h1>{TITLE}</h1>
<div class="info">发布时间：{PUBLISHED}　来源：宁陵县财政局</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
{paragraphs}{filler}
<table><caption>{CAPTION}</caption><tr><td colspan="3">{UNIT_LINE}</td></tr><tr>{cells}</tr>{rows}</table>
<p>{SIGNATURE[0]}</p><p>{SIGNATURE[1]}</p></div>
<div class="footer">主办：宁陵县人民政府办公室　网站标识码：4114230001　联系我们　网站地图</div>
</body></html>
"""


@functools.cache  # the same bytes for every test of a session: writing a PDF with its font takes a second
def pdf_version(encrypted: bool = False) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    if encrypted:
        pdf.set_encryption(owner_password="owner", user_password="reader")
    pdf.add_page()
    pdf.add_font("wqy", fname=str(CJK_FONT))
    pdf.set_font("wqy", size=12)
    for line in (*MASTHEAD, TITLE, *PARAGRAPHS, CAPTION, UNIT_LINE):
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    with pdf.table(first_row_as_headings=False) as table:
        for row in (HEADER, *ROWS):
            cells = table.row()
            for cell in row:
                cells.cell(cell)
    for line in SIGNATURE:
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()  # a page number alone on the last page is not text
    pdf.multi_cell(0, 8, "- 2 -", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


@functools.cache
def scanned_pdf() -> bytes:
    """A page with only an image-like drawing: no text layer."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 120, 80, style="F")
    return bytes(pdf.output())


@functools.cache
def docx_version() -> bytes:
    import docx

    document = docx.Document()
    for line in (TITLE, *PARAGRAPHS, CAPTION, UNIT_LINE):
        document.add_paragraph(line)
    table = document.add_table(rows=0, cols=len(HEADER))
    for row in (HEADER, *ROWS):
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = value
    for line in SIGNATURE:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@functools.cache
def xlsx_version(formulas_only: bool = False) -> bytes:
    """The prose in column A, one paragraph per row; the table below it, numbers as numbers; the 合计 a formula
    (whose value openpyxl cannot compute: ``formulas_only`` leaves it without one, as a library-written file)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "分配表"
    for line in (TITLE, *PARAGRAPHS, CAPTION, UNIT_LINE):
        sheet.append([line])
    sheet.append(list(HEADER))
    first = sheet.max_row + 1
    for code, name, value in ROWS:
        sheet.append([int(code) if code else None, name, int(value)])
    if formulas_only:
        sheet.cell(sheet.max_row, 3).value = f"=SUM(C{first + 1}:C{sheet.max_row - 1})"
    for line in SIGNATURE:
        sheet.append([line])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write_inbox(inbox: Path) -> dict[str, str]:
    """The bulletin in every format, a copy of the page with other navigation (a duplicate) and a bad file of
    each kind; returns file name -> what should become of it (loaded, duplicate, quarantined)."""
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / "ningling_2024.txt").write_text(text_version(), encoding="utf-8")
    (inbox / "ningling_2024.html").write_text(html_version(), encoding="utf-8")
    (inbox / "ningling_2024_copy.htm").write_text(html_version("首页 | 信息公开 | 通知公告"), encoding="utf-8")
    (inbox / "ningling_2024.pdf").write_bytes(pdf_version())
    (inbox / "ningling_2024.docx").write_bytes(docx_version())
    (inbox / "ningling_2024.xlsx").write_bytes(xlsx_version())
    (inbox / "bad_encrypted.pdf").write_bytes(pdf_version(encrypted=True))
    (inbox / "bad_scanned.pdf").write_bytes(scanned_pdf())
    (inbox / "bad_truncated.docx").write_bytes(docx_version()[:1500])
    (inbox / "bad_formulas.xlsx").write_bytes(xlsx_version(formulas_only=True))
    return {
        "ningling_2024.txt": "loaded",
        "ningling_2024.html": "loaded",
        "ningling_2024_copy.htm": "duplicate",
        "ningling_2024.pdf": "loaded",
        "ningling_2024.docx": "loaded",
        "ningling_2024.xlsx": "loaded",
        "bad_encrypted.pdf": "quarantined",
        "bad_scanned.pdf": "quarantined",
        "bad_truncated.docx": "quarantined",
        "bad_formulas.xlsx": "quarantined",
    }
