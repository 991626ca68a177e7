"""A PDF with a text layer (pdfplumber): its running text page by page and its ruled tables cell by cell.

On each page the tables pdfplumber finds from their ruling lines are read as rows of cells; the text
outside them is read line by line, and lines are joined back into paragraphs where a line runs to the
right margin without ending its sentence (a wrapped line, not a paragraph end). Page numbers standing
alone (``- 3 -``, ``第3页``, ``第 3 页 共 9 页``) are left out, and so are the repeats of a running header
or footer (a line opening or closing most pages). A PDF with no text layer (a scan) is quarantined: no OCR.
"""

from __future__ import annotations

import io
import re
import statistics

from orchestration.ingest.formats.common import DocumentReading, TableCellText, TextBuilder, quarantined

_PAGE_NUMBER_RE = re.compile(r"^[-—–－\s]*(?:第\s*)?\d{1,4}\s*页?\s*(?:(?:[/／]|共)\s*共?\s*\d{1,4}\s*页?)?[-—–－\s]*$")
_SENTENCE_END = "。！？：；!?:;"
# a running header or footer repeats on this many pages at least (and on half of them)
_RUNNING_MIN_PAGES = 3
_RUNNING_KEY_RE = re.compile(r"\d+")
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


def _running_lines(page_pieces: list[tuple[int, list]]) -> set[str]:
    """Lines that open or close at least three pages and half of them, numbers aside: running headers and footers."""
    counts: dict[str, int] = {}
    for _, pieces in page_pieces:
        ends = {
            _RUNNING_KEY_RE.sub("#", p)
            for p in (pieces[:1] + pieces[-1:])
            if isinstance(p, str) and not p.endswith(tuple(_SENTENCE_END))  # a sentence is never a running line
        }
        for key in ends:
            counts[key] = counts.get(key, 0) + 1
    least = max(_RUNNING_MIN_PAGES, len(page_pieces) / 2)
    return {key for key, n in counts.items() if n >= least}


def read_pdf(raw: bytes) -> DocumentReading:
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(raw))
    except Exception as exc:
        if "password" in f"{type(exc).__name__} {exc!r}".lower():
            return quarantined("encrypted PDF (it needs a password to open)", "pdf")
        raise
    blank_pages = []
    page_pieces: list[tuple[int, list[str | list[list[TableCellText]]]]] = []  # (page, lines and tables)
    with pdf:
        pages = len(pdf.pages)
        for number, page in enumerate(pdf.pages, start=1):
            if not page.chars:
                blank_pages.append(number)
                continue
            tables = page.find_tables()
            boxes = [t.bbox for t in tables]
            outside = page.filter(lambda obj, boxes=boxes: not any(_inside(obj, b) for b in boxes))
            lines = outside.extract_text_lines(layout=False, strip=True, return_chars=False)
            pieces: list[tuple[float, object]] = list(_paragraphs(lines, float(page.width)))
            pieces += [
                (t.bbox[1], [[TableCellText(cell or "") for cell in row] for row in t.extract()]) for t in tables
            ]
            page_pieces.append((number, [piece for _, piece in sorted(pieces, key=lambda p: p[0])]))
    if len(blank_pages) == pages:
        return quarantined(f"scanned PDF: no text layer on its {pages} page(s) (no OCR is done)", "pdf")

    running = _running_lines(page_pieces)
    builder = TextBuilder()
    open_table = 0  # columns of the table that ended the previous page: the next page's first table may continue it
    seen_running: set[str] = set()
    for number, pieces in page_pieces:
        page_started = False  # something of this page is written (a running header above a table is not)
        for piece in pieces:
            if isinstance(piece, str):
                key = _RUNNING_KEY_RE.sub("#", piece)
                if key in running:
                    if key in seen_running:
                        continue  # a running header or footer: kept where it first stands (it may be the title)
                    seen_running.add(key)
                builder.line(piece, page=number)
                open_table = 0
            else:
                columns = max(map(len, piece), default=0)
                builder.table(piece, continued=not page_started and columns == open_table, page=number)
                open_table = columns
            page_started = True
        builder.blank()
    note = f"pages without a text layer left out: {', '.join(map(str, blank_pages))}" if blank_pages else None
    return builder.reading("pdf", reason=note)
