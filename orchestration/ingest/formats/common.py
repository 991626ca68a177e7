"""What every reader returns, and the builder that lays a document out as one stored text.

Paragraphs become lines. A table becomes one line per row with its cells separated by tabs — a shape
``orchestration.extract.tables`` reads in plain text, where an empty cell between two tabs (or before
the first) keeps its column — and a row with a single filled cell (a caption, a ``单位：万元`` line)
becomes a line of its own, so the table's unit and caption reach the extractor as they would in a
text. Each line and each cell is recorded as a text part with where it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from orchestration.extract.sources import SourceMetadata
from orchestration.extract.tables import NUMBER_CELL_RE

CELL_SEPARATOR = "\t"
_CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_WRAP_RE = re.compile(rf"(?<=[{_CJK}])\s*\n\s*(?=[{_CJK}])")


@dataclass(frozen=True)
class TextPart:
    """Where text[char_start:char_end] came from; unset fields do not apply to the format."""

    char_start: int
    char_end: int
    kind: str  # "line" (a paragraph or a line of a page) | "cell" (a table cell)
    page: int | None = None  # PDF, 1-based
    paragraph: int | None = None  # Word, web page: 1-based among the document's paragraphs
    table: int | None = None  # 1-based among the document's (or the page's) tables
    sheet: str | None = None  # spreadsheet
    cell: str | None = None  # spreadsheet cell reference (C7)
    row_label: str | None = None  # a table cell's row label as written (2050201 学前教育, 合计)
    column_header: str | None = None  # a table cell's column header as written

    @property
    def location(self) -> str:
        """Readable: ``page 7, table 2, row 生态环境, column 决算数``."""
        pieces = [
            f"page {self.page}" if self.page is not None else "",
            f"sheet {self.sheet}" if self.sheet else "",
            f"paragraph {self.paragraph}" if self.paragraph is not None else "",
            f"table {self.table}" if self.table is not None else "",
            f"cell {self.cell}" if self.cell else "",
            f"row {self.row_label}" if self.row_label else "",
            f"column {self.column_header}" if self.column_header else "",
        ]
        return ", ".join(p for p in pieces if p)


@dataclass
class DocumentReading:
    text: str | None  # None when quarantined
    parts: list[TextPart] = field(default_factory=list)
    metadata: SourceMetadata | None = None  # what the file says about itself (a web page's title, date, URL)
    reason: str | None = None  # why quarantined, or a note on what was left out
    fmt: str = ""  # html | pdf | docx | xlsx


def quarantined(reason: str, fmt: str) -> DocumentReading:
    return DocumentReading(None, [], None, reason, fmt)


def flatten(text: str | None) -> str:
    """A paragraph or cell on one line: a wrap between two CJK characters joins them, other whitespace is one space."""
    if not text:
        return ""
    text = _WRAP_RE.sub("", text.strip())
    return " ".join(text.split())  # a tab inside a cell would split it


def is_number(cell: str) -> bool:
    return bool(NUMBER_CELL_RE.match(cell))


@dataclass
class TableCellText:
    text: str
    where: dict = field(default_factory=dict)  # extra TextPart fields of this cell (cell="C7")


class TextBuilder:
    """Lines appended one by one; the text parts follow every line and cell."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.pos = 0
        self.parts: list[TextPart] = []
        self.tables = 0
        self.header: list[str] = []  # the column headers of the last table

    def line(self, text: str | None, **where) -> None:
        """A paragraph or a line of a page; blank ones are dropped."""
        text = flatten(text)
        if not text:
            return
        self.parts.append(TextPart(self.pos, self.pos + len(text), "line", **where))
        self._emit(text)

    def blank(self) -> None:
        """A blank line: the end of a page or a table."""
        if self.pieces and self.pieces[-1] != "\n":
            self._emit("")

    def table(self, rows: list[list[TableCellText]], continued: bool = False, **where) -> None:
        """A table's rows, cells in their columns (None or "" for an empty cell). ``continued``: the rest of
        the previous table (on the next page): same number, same header, no new caption."""
        rows = [[TableCellText(flatten(c.text), c.where) for c in row] for row in rows]
        rows = [row for row in rows if any(c.text for c in row)]
        if not rows:
            return
        continued = continued and self.tables > 0
        self.tables += not continued
        where = {**where, "table": where.get("table", self.tables)}
        header: list[str] = self.header if continued else []
        seen_number = continued
        if not continued:
            self.blank()
        for row in rows:
            while row and not row[-1].text:
                row = row[:-1]
            filled = [c for c in row if c.text]
            numbers = [c for c in filled if is_number(c.text)]
            is_header = len(filled) >= 2 and not seen_number and not numbers
            if is_header:
                header = self.header = [c.text for c in row]
            seen_number = seen_number or (len(filled) >= 2 and bool(numbers))
            if len(filled) == 1:  # a caption, a unit line, a note under the table
                cell = filled[0]
                self.parts.append(TextPart(self.pos, self.pos + len(cell.text), "cell", **{**where, **cell.where}))
                self._emit(cell.text)
                continue
            label = "" if is_header else _row_label([c.text for c in row])
            line, offset = [], self.pos
            for k, cell in enumerate(row):
                text = cell.text
                if cell.text:
                    column = header[k] if k < len(header) and not is_header else None
                    self.parts.append(
                        TextPart(
                            offset,
                            offset + len(text),
                            "cell",
                            row_label=label if label != cell.text else None,
                            column_header=column,
                            **{**where, **cell.where},
                        )
                    )
                line.append(text)
                offset += len(text) + len(CELL_SEPARATOR)
            self._emit(CELL_SEPARATOR.join(line))
        self.blank()

    def _emit(self, line: str) -> None:
        self.pieces.append(line + "\n")
        self.pos += len(line) + 1

    def reading(self, fmt: str, metadata: SourceMetadata | None = None, reason: str | None = None) -> DocumentReading:
        text = "".join(self.pieces).rstrip("\n") + "\n" if self.pieces else ""
        return DocumentReading(text, list(self.parts), metadata, reason, fmt)


def _row_label(cells: list[str]) -> str:
    """The cells that name a row: a leading code or sequence number and the text cells after it (2050201 学前教育)."""
    label = []
    for k, text in enumerate(cells):
        if not text:
            continue
        if is_number(text) and (k > 0 or len(cells) == 1):
            break
        label.append(text)
        if not is_number(text):
            break
    return " ".join(label)
