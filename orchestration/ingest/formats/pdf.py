"""A PDF with a text layer (pdfplumber): its running text page by page and its ruled tables cell by cell.

On each page the tables pdfplumber finds from their ruling lines are read as rows of cells; the text
outside them is read line by line, and lines are joined back into paragraphs where a line runs to the
right margin without ending its sentence (a wrapped line, not a paragraph end). Page numbers standing
alone (``- 3 -``, ``第3页``) are left out. A PDF with no text layer at all (a scan) is quarantined: no OCR.
"""

from __future__ import annotations

import io
import re
import statistics

from orchestration.ingest.formats.common import DocumentReading, TableCellText, TextBuilder, quarantined

_PAGE_NUMBER_RE = re.compile(r"^[-—–－\s]*(?:第\s*)?\d{1,4}\s*(?:页)?(?:\s*[/／]\s*共?\s*\d{1,4}\s*页?)?[-—–－\s]*$")
_SENTENCE_END = "。！？：；!?:;"
# a line ending this close to the page's right margin (in character widths) was wrapped, not ended
_WRAP_SLACK_CHARS = 1.5


def _inside(obj: dict, box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    mid_x, mid_y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return x0 <= mid_x <= x1 and top <= mid_y <= bottom


def _paragraphs(lines: list[dict], page_width: float) -> list[tuple[float, str]]:
    """(top, text) of each paragraph: a line that reaches the right margin and ends no sentence continues.
    The right margin mirrors the left one (the page's few lines may all be short)."""
    if not lines:
        return []
    right = max(max(line["x1"] for line in lines), page_width - min(line["x0"] for line in lines))
    widths = [(line["x1"] - line["x0"]) / max(len(line["text"]), 1) for line in lines]
    slack = _WRAP_SLACK_CHARS * statistics.median(widths)
    out: list[tuple[float, str]] = []
    continues = False
    for line in lines:
        text = line["text"].strip()
        if not text or _PAGE_NUMBER_RE.match(text):
            continue
        if continues and out:
            out[-1] = (out[-1][0], out[-1][1] + text)
        else:
            out.append((line["top"], text))
        continues = line["x1"] >= right - slack and not text.endswith(tuple(_SENTENCE_END))
    return out


def read_pdf(raw: bytes) -> DocumentReading:
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(raw))
    except Exception as exc:
        if "password" in f"{type(exc).__name__} {exc!r}".lower():
            return quarantined("encrypted PDF (it needs a password to open)", "pdf")
        raise
    builder = TextBuilder()
    blank_pages = []
    open_table = 0  # columns of the table that ended the previous page: the next page's first table may continue it
    with pdf:
        for number, page in enumerate(pdf.pages, start=1):
            if not page.chars:
                blank_pages.append(number)
                continue
            tables = page.find_tables()
            boxes = [t.bbox for t in tables]
            outside = page.filter(lambda obj, boxes=boxes: not any(_inside(obj, b) for b in boxes))
            lines = outside.extract_text_lines(layout=False, strip=True, return_chars=False)
            pieces: list[tuple[float, object]] = list(_paragraphs(lines, float(page.width)))
            pieces += [(t.bbox[1], t) for t in tables]
            for k, (_, piece) in enumerate(sorted(pieces, key=lambda p: p[0])):
                if isinstance(piece, str):
                    builder.line(piece, page=number)
                    open_table = 0
                else:
                    rows = [[TableCellText(cell or "") for cell in row] for row in piece.extract()]
                    columns = max(map(len, rows), default=0)
                    builder.table(rows, continued=k == 0 and columns == open_table, page=number)
                    open_table = columns
            builder.blank()
        pages = len(pdf.pages)
    if len(blank_pages) == pages:
        return quarantined(f"scanned PDF: no text layer on its {pages} page(s) (no OCR is done)", "pdf")
    note = f"pages without a text layer left out: {', '.join(map(str, blank_pages))}" if blank_pages else None
    return builder.reading("pdf", reason=note)
