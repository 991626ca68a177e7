"""Readers for bulletins as they are published: web pages, PDF, Word and spreadsheets.

Each reader turns one file into ONE stored text (what the extractor and every offset work on), the
list of text parts saying where each span of that text came from (page, paragraph, table cell,
sheet cell), and what the file says about itself (a web page's title, date and canonical URL) — or a
quarantine reason. Readers are pure: no Dagster, no warehouse. ``read_document`` picks the reader by
the file's suffix.
"""

from __future__ import annotations

import zipfile

from orchestration.ingest.formats.common import DocumentReading, TextPart, quarantined

# suffix -> format name; plain text (.txt) is decoded by orchestration.ingest.decode, not here
DOCUMENT_SUFFIXES = {".html": "html", ".htm": "html", ".pdf": "pdf", ".docx": "docx", ".xlsx": "xlsx"}


def read_document(raw: bytes, suffix: str) -> DocumentReading:
    """The stored text and parts of a published document, or why it is quarantined. Never raises."""
    fmt = DOCUMENT_SUFFIXES.get(suffix.lower())
    if fmt is None:
        return quarantined(f"not a readable format ({suffix or 'no suffix'})", "")
    if not raw:
        return quarantined("empty file (0 bytes)", fmt)
    # imported lazily: each reader's library is loaded only when a file of its kind arrives
    if fmt == "html":
        from orchestration.ingest.formats.html import read_html as reader
    elif fmt == "pdf":
        from orchestration.ingest.formats.pdf import read_pdf as reader
    elif fmt == "docx":
        from orchestration.ingest.formats.docx import read_docx as reader
    else:
        from orchestration.ingest.formats.xlsx import read_xlsx as reader
    try:
        reading = reader(raw)
    except zipfile.BadZipFile as exc:
        return quarantined(f"not a complete {fmt} file: truncated or corrupt ({exc})", fmt)
    except Exception as exc:  # a library failing on a malformed file must not stop the ingest
        return quarantined(f"unreadable {fmt} file ({type(exc).__name__}: {str(exc)[:200]})", fmt)
    if reading.text is not None and not reading.text.strip():
        return quarantined(f"no text in the {fmt} file", fmt)
    return reading


__all__ = ["DOCUMENT_SUFFIXES", "DocumentReading", "TextPart", "read_document"]
