"""Per-document source metadata: what the page a bulletin came from says about it.

An optional ``sources.csv`` next to the texts (columns ``file,url,published,locality,title``; every
column but ``file`` may be empty) records the page's URL, its publication date (``YYYY-MM-DD``,
``YYYY-MM`` or ``YYYY``), the unit the text is about (a full name such as ``辽宁省铁岭市铁岭县`` or a
6-digit code) and the page title. The extractor uses it only where the text itself is silent (我县,
今年以来) or to disambiguate a short name; what the text states always wins.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

SOURCES_FILE = "sources.csv"
SOURCE_COLUMNS = ("file", "url", "published", "locality", "title")
_PUBLISHED_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class SourceMetadata:
    url: str = ""
    published: str = ""  # YYYY-MM-DD | YYYY-MM | YYYY | ""
    locality: str = ""  # full name of the unit or its 6-digit code
    title: str = ""

    @property
    def published_year(self) -> int | None:
        m = _PUBLISHED_RE.match(self.published.strip())
        return int(m.group(1)) if m else None

    @property
    def published_month(self) -> int | None:
        m = _PUBLISHED_RE.match(self.published.strip())
        return int(m.group(2)) if m and m.group(2) else None


def valid_published(value: str) -> bool:
    return not value or bool(_PUBLISHED_RE.match(value.strip()))


def read_sources(path: Path | str) -> dict[str, SourceMetadata]:
    """``file -> SourceMetadata`` from a sources.csv; {} when the file does not exist."""
    path = Path(path)
    if not path.is_file():
        return {}
    out: dict[str, SourceMetadata] = {}
    with path.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            name = (row.get("file") or "").strip()
            if not name:
                continue
            published = (row.get("published") or "").strip()
            out[name] = SourceMetadata(
                url=(row.get("url") or "").strip(),
                published=published if valid_published(published) else "",
                locality=(row.get("locality") or "").strip(),
                title=(row.get("title") or "").strip(),
            )
    return out


def source_digest(source: SourceMetadata | None) -> str:
    """A short digest of what the extractor is told about a text ("" when nothing)."""
    if source is None or source == SourceMetadata():
        return ""
    joined = "\x1f".join((source.url, source.published, source.locality, source.title))
    return hashlib.sha256(joined.encode()).hexdigest()[:16]


LEDGER_COLUMNS = {"source_url": "url", "source_published": "published", "source_locality": "locality",
                  "source_title": "title"}  # fmt: skip


# what a file says about itself (a web page's canonical URL, publication date and title), kept apart from
# sources.csv on the ledger: sources.csv is re-read every run, the page only when the file changes
PAGE_LEDGER_COLUMNS = {"page_url": "url", "page_published": "published", "page_title": "title"}


def page_fields(page: SourceMetadata | None) -> dict[str, str | None]:
    """The bulletin_files ledger columns for what a file says about itself."""
    return {column: (getattr(page, field) or None) if page else None for column, field in PAGE_LEDGER_COLUMNS.items()}


def from_ledger(row: dict) -> SourceMetadata | None:
    """The source metadata of a bulletin_files ledger row (None when it has none): sources.csv field by
    field, and what the page itself says where sources.csv leaves a field empty."""
    values = {field: row.get(column) or "" for column, field in LEDGER_COLUMNS.items()}
    for column, field in PAGE_LEDGER_COLUMNS.items():
        values[field] = values[field] or row.get(column) or ""
    return SourceMetadata(**values) if any(values.values()) else None


def write_sources(path: Path | str, sources: dict[str, SourceMetadata]) -> None:
    """Write a sources.csv (rows sorted by file), replacing the file atomically."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(SOURCE_COLUMNS)
        for name in sorted(sources):
            s = sources[name]
            w.writerow([name, s.url, s.published, s.locality, s.title])
    tmp.replace(path)
