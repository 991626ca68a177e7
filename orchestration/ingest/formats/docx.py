"""A Word file (python-docx): its paragraphs and tables in document order.

Paragraphs keep their number among the document's paragraphs; tables are read row by row, a merged
cell counted once per row (python-docx repeats it in every grid column it spans). A file that is not
a complete Word package (truncated, a renamed ``.doc``) is quarantined by the caller's error handling.
"""

from __future__ import annotations

import io

from orchestration.ingest.formats.common import DocumentReading, TableCellText, TextBuilder


def read_docx(raw: bytes) -> DocumentReading:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(raw))
    builder = TextBuilder()
    paragraphs = 0
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(child, document).text
            if text.strip():
                paragraphs += 1
                builder.line(text, paragraph=paragraphs)
        elif tag == "tbl":
            rows = []
            for row in Table(child, document).rows:
                cells, seen = [], set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell spans several grid columns
                        continue
                    seen.add(id(cell._tc))
                    cells.append(TableCellText(cell.text))
                rows.append(cells)
            builder.table(rows)
    return builder.reading("docx")
