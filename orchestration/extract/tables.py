"""Amounts in plain-text tables, as they arrive from documents and web pages.

A table is a run of lines made of short cells: one row per line (cells separated by tabs, ``|``,
runs of spaces or ideographic spaces), or one cell per line, as a scraped web table arrives
(``高明乡 |``, ``36284 |``, possibly with blank lines between cells). In the one-cell-per-line
layout the rows are rebuilt from the column header: the header is the run of text cells before the
first row label, and every row has as many cells as the header. A line of bare separators
(``||||||||``), a ``单位：万元`` line and a caption (``…汇总表``) are not cells.

Which columns hold money is decided per column, from the strongest statement: the column header's
own unit (``月发放金额(元)``, ``金额(万元)``, ``(元/人/月)``), else the table's unit (a ``单位：万元``
line in or just above the table). Columns of counts, rates, years, codes and changes
(``data/table_headers.json``) are never money, and a column with no unit anywhere is not read. The
amount text of a cell is the bare number as written; its value is the number times its unit
(``header_unit``). Negative cells are left out (a decrease is not money to store).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from orchestration.extract.amounts import MoneySpan
from orchestration.extract.numbers import ARABIC, UNIT_FACTORS, normalize_yuan, parse_number

_WORDS = json.loads((Path(__file__).parent / "data" / "table_headers.json").read_text(encoding="utf-8"))
NOT_MONEY_HEADER_RE = re.compile(_WORDS["not_money"])
TOTAL_LABEL_RE = re.compile(_WORDS["total_labels"])
SUBTOTAL_LABEL_RE = re.compile(_WORDS["subtotal_labels"])
CAPTION_RE = re.compile(_WORDS["captions"])
UNIT_NAME_RE = re.compile(_WORDS["unit_suffixes"])
PAYOUT_RE = re.compile(_WORDS["payout_words"])
SUBJECT_CODE_HEADER_RE = re.compile(_WORDS["subject_code_headers"])
# a 支出功能分类 subject code: 类 (3 digits), 款 (5) or 项 (7)
SUBJECT_CODE_RE = re.compile(r"[0-9]{3}(?:[0-9]{2}){0,2}")
# a row label opening with its subject code: 2050201 学前教育, 205教育支出
_LABEL_CODE_RE = re.compile(rf"^(?P<code>{SUBJECT_CODE_RE.pattern})\s*(?=[\u4e00-\u9fff])")

HEADER_RE = re.compile(r"(?:单位|金额单位|计量单位)\s*[:：]\s*(?P<unit>万亿|亿|万|千)?元")
# a line that only states the table's unit (单位：万元, （单位：元）), not a header cell holding it
UNIT_LINE_RE = re.compile(rf"^[(（]?\s*{HEADER_RE.pattern}\s*[)）]?$")
# the unit a caption states in brackets at its end: …资金分配表（万元）
CAPTION_UNIT_RE = re.compile(r"[(（]\s*(?P<unit>万亿|亿|万|千)?元\s*[)）]\s*$")
# the unit a column header states: 金额(万元), (元/人/月), 资金（亿元）
COLUMN_UNIT_RE = re.compile(r"[(（]\s*(?P<unit>万亿|亿|万|千)?元(?P<per>\s*[/／][^)）]*)?\s*[)）]")
_SEPARATOR_RE = re.compile(r"\t|[|｜]|\u3000|[ \u00a0]{2,}")
_CELL_SEPARATORS = "|｜\t"  # separators that stand for a column (an empty cell between two is a cell)
NUMBER_CELL_RE = re.compile(rf"^-?{ARABIC}$")
_YEAR_RE = re.compile(r"(?:19|20)[0-9]{2}")
_PROSE_RE = re.compile(r"[。；;！？!?]|[，,](?![0-9０-９]{3})")  # a thousands separator is not prose
MAX_CELL_LEN = 30
SPACED_TOKEN_LEN = 15  # a token of a single-space separated row


@dataclass(frozen=True)
class _Cell:
    start: int
    end: int
    text: str

    @property
    def is_number(self) -> bool:
        return bool(NUMBER_CELL_RE.match(self.text))


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    cells: tuple[_Cell, ...]  # the non-empty cells
    separators: int  # cell separators (tabs, |) on the line
    slots: tuple[_Cell, ...] = ()  # the cells with the empty ones between separators, in their columns
    spaced: bool = False  # cells separated by single spaces: an empty cell leaves no trace

    @property
    def is_rule(self) -> bool:
        """A line of bare separators (``||||||||``): a scraped empty row."""
        return not self.cells and self.separators >= 2

    @property
    def is_empty_cell(self) -> bool:
        """A line holding only its cell's separator (`` |``): an empty cell of a table scraped one cell per line."""
        return not self.cells and self.separators == 1


@dataclass(frozen=True)
class TableCell:
    """A money cell of a table: where it sits and what its header says."""

    money: MoneySpan
    row: int  # 0-based row of the table's body
    column: int  # 0-based column; 0 is the row label
    row_label: str  # the text cell nearest to the left in its row (高明乡, 合计)
    column_header: str  # the header of its column as written, "" when the table has none
    row_start: int  # offsets of the row's first and last cells
    row_end: int
    caption: str  # the table's caption line (…分配表), "" when none
    per_unit: bool  # the unit is a rate (元/人/月): a standard, not a sum
    subject_code: str = ""  # the row's 支出功能分类 code (2050201) when the table gives one, else ""

    @property
    def is_total_row(self) -> bool:
        return bool(TOTAL_LABEL_RE.match(self.row_label))

    @property
    def is_subtotal_row(self) -> bool:
        return bool(SUBTOTAL_LABEL_RE.match(self.row_label))


def is_unit_name(label: str) -> bool:
    """A row label naming a recipient unit (高明乡, 界湖街道, 教育局) rather than a purpose."""
    return bool(UNIT_NAME_RE.search(label))


def _cells(text: str, start: int, end: int) -> _Line:
    cells = []
    slots = []
    pos = start
    separators = 0
    before = ""  # the separator before the current piece
    for m in [*_SEPARATOR_RE.finditer(text, start, end), None]:
        piece_end = m.start() if m else end
        piece = text[pos:piece_end]
        stripped = piece.strip()
        after = m.group(0)[0] if m else ""
        if stripped:
            s = pos + len(piece) - len(piece.lstrip())
            cells.append(_Cell(s, s + len(stripped), stripped))
            slots.append(cells[-1])
        elif slots and before and after and before in _CELL_SEPARATORS and after in _CELL_SEPARATORS:
            slots.append(_Cell(pos, pos, ""))  # an empty cell between two separators keeps its column
        elif not slots and not before and after == "\t" and not piece:
            slots.append(_Cell(pos, pos, ""))  # a tab-separated row opening with an empty cell (the code of 合计)
        if m:
            separators += after in _CELL_SEPARATORS
            pos = m.end()
            before = after
    if len(cells) == 1:
        spaced = _spaced_cells(cells[0])
        if spaced:
            return _Line(start, end, spaced, 0, spaced, spaced=True)
    return _Line(start, end, tuple(cells), separators, tuple(slots))


def _spaced_cells(cell: _Cell) -> tuple[_Cell, ...]:
    """A row whose cells a single space separates (高明乡 78 94 386 36284): three or more short tokens, no prose."""
    tokens = [(m.start(), m.group(0)) for m in re.finditer(r"\S+", cell.text)]
    if len(tokens) < 3 or any(len(t) > SPACED_TOKEN_LEN for _, t in tokens) or _PROSE_RE.search(cell.text):
        return ()
    return tuple(_Cell(cell.start + k, cell.start + k + len(t), t) for k, t in tokens)


def _table_line(line: _Line) -> bool:
    """A line that can be part of a table: short cells, no prose."""
    if line.is_rule or line.is_empty_cell or HEADER_RE.search(text_of(line)):
        return True
    if len(line.cells) == 1 and CAPTION_RE.search(line.cells[0].text) and not _PROSE_RE.search(line.cells[0].text):
        return True
    if not line.cells or any(len(c.text) > MAX_CELL_LEN or _PROSE_RE.search(c.text) for c in line.cells):
        return False
    return len(line.cells) >= 2 or line.separators > 0 or not re.search(r"[:：]", line.cells[0].text)


def text_of(line: _Line) -> str:
    return " ".join(c.text for c in line.cells)


def _blocks(text: str, start: int, end: int) -> list[list[_Line]]:
    """Runs of table-like lines (blank lines inside a run allowed)."""
    blocks: list[list[_Line]] = []
    current: list[_Line] = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        line_end = nl if nl >= 0 else end
        if line_end == pos:  # an empty line (half of a body's lines) has no cells: it neither extends nor ends a run
            pos += 1
            continue
        # a sentence is never a table line (most lines of a bulletin): skip cutting it into cells
        prose = _PROSE_RE.search(text, pos, line_end) and "单位" not in text[pos:line_end]
        line = None if prose else _cells(text, pos, line_end)
        if line is None or line.cells or line.separators:
            if line is not None and _table_line(line):
                current.append(line)
            else:
                if current:
                    blocks.append(current)
                current = []
        pos = line_end + 1
    if current:
        blocks.append(current)
    return [b for b in blocks if sum(c.is_number for line in b for c in line.cells) >= 2]


def _column_unit(header: str, table_unit: str | None) -> tuple[str | None, bool]:
    """(unit, is a per-unit rate) of a column: its header's own unit, else the table's; None when not money."""
    stated = COLUMN_UNIT_RE.search(header)
    if stated:
        rest = header[: stated.start()] + header[stated.end() :]
        if NOT_MONEY_HEADER_RE.search(rest):
            return None, False
        is_rate = bool(stated.group("per")) and not PAYOUT_RE.search(rest)
        return (stated.group("unit") or "") + "元", is_rate
    if table_unit is None or NOT_MONEY_HEADER_RE.search(header) or re.search(r"[(（][^)）]*[)）]", header):
        return None, False  # no unit, a count, a rate, or a header naming another unit: (户), (%)
    return table_unit, False


def _kind(cell: _Cell) -> str:
    return "" if not cell.text else ("number" if cell.is_number else "text")


def _consistent(rows: list[list[_Cell]]) -> bool:
    """Every row has the first row's text and number cells in the same columns (an empty cell fits both).

    The first column is not compared: it holds a sequence number or a label, and a 合计 row puts its label there.
    """
    pattern = [_kind(c) for c in rows[0]]
    return all(
        all(not _kind(c) or not pattern[k] or _kind(c) == pattern[k] for k, c in enumerate(row) if k > 0)
        for row in rows[1:]
    )


def _rows_one_cell_per_line(lines: list[_Line]) -> tuple[list[_Cell], list[list[_Cell]]]:
    """(header, rows) of a table scraped one cell per line.

    The header is the run of text cells after the last boundary (rule, unit line, caption) before the first
    number; its width is the one that cuts the cells after it into rows of one pattern (a text label, or a
    sequence number, in the same columns). A width whose rows start with a text label is preferred.
    """
    stream: list[_Cell | None] = []  # None: a boundary (rule line, unit line, caption)
    for line in lines:
        if line.is_rule or UNIT_LINE_RE.match(text_of(line)) or CAPTION_RE.search(text_of(line)):
            stream.append(None)
        elif line.is_empty_cell:
            stream.append(_Cell(line.start, line.start, ""))
        else:
            stream.extend(line.cells)
    first_number = next((i for i, c in enumerate(stream) if c is not None and c.is_number), None)
    if first_number is None:
        return [], []
    header_from = max((i for i in range(first_number) if stream[i] is None), default=-1) + 1
    next_boundary = next((i for i in range(first_number, len(stream)) if stream[i] is None), len(stream))
    cells = [c for c in stream[header_from:next_boundary] if c is not None]
    texts_before = first_number - header_from
    best: tuple[bool, int] | None = None
    for width in range(2, texts_before + 1):
        rows = [cells[k : k + width] for k in range(width, len(cells), width)]
        if rows and _consistent(rows):
            labelled = _kind(rows[0][0]) == "text"
            best = max(best or (labelled, width), (labelled, width))
    if best is None:
        return [], []
    width = best[1]
    return cells[:width], [cells[k : k + width] for k in range(width, len(cells), width)]


def _rows_one_per_line(lines: list[_Line]) -> tuple[list[_Cell], list[list[_Cell]]]:
    """(header, rows) of a table written one row per line; the header is the last text row before the first number."""
    header: list[_Cell] = []
    rows: list[list[_Cell]] = []
    for line in lines:
        if line.is_rule or UNIT_LINE_RE.match(text_of(line)):
            continue
        cells = list(line.slots)
        if any(c.is_number for c in cells):
            if line.spaced and header and len(cells) != len(header):
                continue  # a single-space row short of a cell: which column is empty cannot be told
            rows.append(cells)
        elif not rows and len(line.cells) >= 2:
            header = cells
    return header, rows


def _subject_code(row: list[_Cell], header: list[_Cell]) -> str:
    """The row's subject code: its first cell under a code header (科目编码), or the start of its label
    (2050201 学前教育); "" when the row has none. A bare number in a first column without such a header
    may be a sequence number, so it is not read as a code."""
    if not row:
        return ""
    first = row[0]
    if header and SUBJECT_CODE_HEADER_RE.search(header[0].text) and SUBJECT_CODE_RE.fullmatch(first.text):
        return first.text
    label = next((c.text for c in row if c.text and not c.is_number), "")
    m = _LABEL_CODE_RE.match(label)
    return m.group("code") if m else ""


def _caption_and_unit(text: str, block: list[_Line], lo: int) -> tuple[str, str | None]:
    """The table's caption (…分配表) and unit (单位：万元) from its lines or the two lines above it."""
    above_start = block[0].start
    for _ in range(2):
        if above_start <= lo:
            break
        above_start = max(lo, text.rfind("\n", lo, above_start - 1) + 1)
    candidates = [*text[above_start : block[0].start].split("\n"), *(text_of(line) for line in block[:4])]
    unit = None
    caption = ""
    for s in candidates:
        s = s.strip()
        m = HEADER_RE.search(s)
        if m:
            unit = (m.group("unit") or "") + "元"
            s = s[: m.start()].rstrip("（(【[ ")
        if s and CAPTION_RE.search(s):
            stated = CAPTION_UNIT_RE.search(s)  # …分配表（万元）
            if stated:
                unit = (stated.group("unit") or "") + "元"
                s = s[: stated.start()].rstrip()
            caption = s
    return caption, unit


def table_cells(text: str, start: int, end: int) -> list[TableCell]:
    """The money cells of every table in text[start:end]."""
    out: list[TableCell] = []
    for block in _blocks(text, start, end):
        caption, table_unit = _caption_and_unit(text, block, start)
        numbers_alone = sum(1 for line in block if len(line.cells) == 1 and line.cells[0].is_number)
        numbers_in_rows = sum(1 for line in block if len(line.cells) >= 2 for c in line.cells if c.is_number)
        if numbers_alone > numbers_in_rows:
            header, rows = _rows_one_cell_per_line(block)
        else:
            header, rows = _rows_one_per_line(block)
        units = [_column_unit(h.text, table_unit) for h in header]
        for r, row in enumerate(rows):
            code = _subject_code(row, header)
            label = ""
            for col, cell in enumerate(row):
                if not cell.is_number:
                    label = cell.text or label
                    continue
                if col == 0:
                    continue  # a row's first cell is its label (or a sequence number)
                column_header = header[col].text if col < len(header) else ""
                unit, per_unit = units[col] if col < len(units) else (table_unit, False)
                if unit is None or cell.text.startswith("-") or text.startswith(("%", "％"), cell.end):
                    continue
                if not column_header and _YEAR_RE.fullmatch(cell.text):
                    continue  # a year in a table without headers
                try:
                    yuan = normalize_yuan(parse_number(cell.text) * UNIT_FACTORS[unit[:-1]])
                except ValueError:
                    continue
                money = MoneySpan(cell.start, cell.end, cell.text, yuan, unit)
                out.append(
                    TableCell(money, r, col, label, column_header, row[0].start, row[-1].end, caption, per_unit, code)
                )
    return out
