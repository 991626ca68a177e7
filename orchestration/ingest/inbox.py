"""Read the inbox: one row per ``*.txt`` file, whatever state the file is in."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from orchestration.ingest.decode import decode_bulletin

LOADED, DUPLICATE, QUARANTINED = "loaded", "duplicate", "quarantined"


def bulletin_id_for(text: str) -> str:
    """Identity of a bulletin is its decoded text: the same text always gets the same id."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class InboxFile:
    source_file: str  # path relative to the inbox
    content_sha256: str
    bytes: int
    encoding: str | None
    status: str
    reason: str | None
    bulletin_id: str | None = None
    chars: int | None = None
    duplicate_of: str | None = None
    text: str | None = None  # decoded text of a loaded bulletin


def inbox_paths(inbox: Path) -> list[Path]:
    """Every *.txt file in the inbox (case-insensitive suffix, hidden files skipped), sorted."""
    return sorted(
        p for p in inbox.rglob("*") if p.is_file() and p.suffix.lower() == ".txt" and not p.name.startswith(".")
    )


def read_file(path: Path, inbox: Path) -> InboxFile:
    name = path.relative_to(inbox).as_posix()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return InboxFile(name, "", 0, None, QUARANTINED, f"unreadable file: {exc.strerror or exc}")
    decoded = decode_bulletin(raw)
    row = InboxFile(
        source_file=name,
        content_sha256=hashlib.sha256(raw).hexdigest(),
        bytes=len(raw),
        encoding=decoded.encoding,
        status=LOADED if decoded.ok else QUARANTINED,
        reason=decoded.reason,
    )
    if decoded.ok:
        row.text = decoded.text
        row.chars = len(decoded.text)
        row.bulletin_id = bulletin_id_for(decoded.text)
    return row


def scan_inbox(inbox: Path) -> list[InboxFile]:
    """Read and classify every file; a text seen before (under any name) is a duplicate."""
    if not inbox.is_dir():
        raise FileNotFoundError(f"bulletin inbox {inbox} does not exist (set BULLETINS_DIR)")
    first_by_id: dict[str, str] = {}
    rows = []
    for path in inbox_paths(inbox):
        row = read_file(path, inbox)
        if row.status == LOADED:
            if row.bulletin_id in first_by_id:
                row.status, row.duplicate_of = DUPLICATE, first_by_id[row.bulletin_id]
                row.reason = f"same text as {row.duplicate_of}"
                row.text = None
            else:
                first_by_id[row.bulletin_id] = row.source_file
        rows.append(row)
    return rows
