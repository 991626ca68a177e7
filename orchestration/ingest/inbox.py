"""Reconcile the inbox with the ledger: one row per file, whatever state the file is in.

Only files that are new, or whose size or modification time changed since the ledger last saw
them, are read; everything else is carried over. A refresh therefore costs a ``stat`` per file
plus the work on what actually changed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from orchestration.extract.sources import LEDGER_COLUMNS, SourceMetadata, page_fields
from orchestration.ingest.formats import DOCUMENT_SUFFIXES
from orchestration.ingest.reading import read_bulletin_files, suffix_of

LOADED, DUPLICATE, QUARANTINED = "loaded", "duplicate", "quarantined"
# plain text, and the published formats the readers of orchestration/ingest/formats turn into text
BULLETIN_SUFFIXES = frozenset({".txt", *DOCUMENT_SUFFIXES})


@dataclass(frozen=True)
class InboxEntry:
    source_file: str  # path relative to the inbox, "/"-separated
    location: str  # the file's path as listed: no Path per file (100,000 of them cost seconds)
    bytes: int
    mtime_ns: int

    @property
    def path(self) -> Path:
        return Path(self.location)


def list_inbox(inbox: Path) -> list[InboxEntry]:
    """Every bulletin file (BULLETIN_SUFFIXES, case-insensitive) under the inbox, hidden files and folders
    skipped, sorted by path (folder by folder, as pathlib sorts). One ``stat`` per bulletin file and none per
    other name (a directory entry knows its type): every refresh lists the whole inbox, 100,000 files at a
    decade of bulletins, where pathlib's rglob, relative_to and Path sorting cost seconds."""
    if not inbox.is_dir():
        raise FileNotFoundError(f"bulletin inbox {inbox} does not exist (set BULLETINS_DIR)")
    entries = []
    folders = [(str(inbox), "")]  # (folder, its path relative to the inbox with a trailing "/")
    while folders:
        folder, prefix = folders.pop()
        try:
            names = os.scandir(folder)
        except PermissionError:  # a folder this process may not read is skipped, as rglob skips it
            continue
        with names:
            for entry in names:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):  # a linked folder is not entered, as with rglob
                    folders.append((entry.path, f"{prefix}{entry.name}/"))
                    continue
                if suffix_of(entry.name).lower() not in BULLETIN_SUFFIXES:
                    continue
                try:
                    if not entry.is_file():  # a link counts as what it points to
                        continue
                    stat = entry.stat()
                except OSError:  # vanished between listing and stat: the next refresh sees it as removed
                    continue
                entries.append(InboxEntry(prefix + entry.name, entry.path, stat.st_size, stat.st_mtime_ns))
    entries.sort(key=lambda e: e.source_file.split("/"))
    return entries


# A refresh lists the inbox once. The launcher's staleness check (freshness.stale_reason) lists it moments
# before the run's ingest does, in the same process, and at 100,000 files a listing costs about a second: the
# check hands its listing over and the next ingest of that inbox takes it. A file that changes in between is
# read as it is then and seen again by the next refresh (the ledger keeps the size and time listed, which no
# longer match); one that arrives in between waits for the next refresh. Past HANDOVER_MAX_AGE_S the ingest
# lists afresh.
HANDOVER_MAX_AGE_S = 60.0
_handed_over: dict[str, tuple[float, list[InboxEntry]]] = {}


def hand_over_listing(inbox: Path, entries: list[InboxEntry]) -> None:
    """Leave ``entries`` (list_inbox of ``inbox``, just made) for this process's next ingest of ``inbox``."""
    _handed_over[str(inbox.resolve())] = (time.monotonic(), entries)


def take_listing(inbox: Path) -> list[InboxEntry]:
    """The listing handed over for ``inbox`` if there is a recent one (taken once), else a new one."""
    listed_at, entries = _handed_over.pop(str(inbox.resolve()), (None, None))
    if entries is not None and time.monotonic() - listed_at <= HANDOVER_MAX_AGE_S:
        return entries
    return list_inbox(inbox)


@dataclass
class Reconciliation:
    ledger: list[dict]  # the new bulletin_files ledger, one row per file ever seen
    events: list[dict]  # what happened to which file in this refresh
    new_texts: list[dict] = field(default_factory=list)  # texts not stored before: bulletin_id, source_file, chars

    def count(self, event: str) -> int:
        return sum(1 for e in self.events if e["event"] == event)


def reconcile(
    previous_ledger: list[dict],
    inbox: Path,
    stored_text_ids: set[str],
    observed_at: datetime,
    store_text: Callable[[dict], None] = lambda row: None,
    listing: list[InboxEntry] | None = None,
) -> Reconciliation:
    """The new ledger and events. Each text not stored before goes to ``store_text`` as soon as it
    is read (bulletin_id, source_file, text_utf8: the text UTF-8 encoded, parts), so texts are never all held in
    memory at once. Many files are read on every core (reading.read_bulletin_files).
    ``listing``: the files to reconcile the ledger with (default: the whole inbox, as take_listing gives it)."""
    previous = {row["source_file"]: row for row in previous_ledger}
    ledger: dict[str, dict] = {}
    events: list[dict] = []
    new_texts: dict[str, dict] = {}

    entries = take_listing(inbox) if listing is None else listing
    to_read = []
    for entry in entries:
        before = previous.get(entry.source_file)
        unchanged_stat = (
            before is not None
            and before["removed_at"] is None
            and (before["bytes"], before["mtime_ns"]) == (entry.bytes, entry.mtime_ns)
        )
        if unchanged_stat:
            ledger[entry.source_file] = dict(before)
        else:
            to_read.append(entry)

    readings = read_bulletin_files(((e.location, e.bytes) for e in to_read), len(to_read))
    for entry, reading in zip(to_read, readings, strict=True):
        before = previous.get(entry.source_file)
        bulletin_id = reading.bulletin_id
        same_content = before is not None and before["content_sha256"] == reading.content_sha256
        row = {
            "source_file": entry.source_file,
            "content_sha256": reading.content_sha256,
            "bytes": entry.bytes,
            "mtime_ns": entry.mtime_ns,
            "encoding": reading.encoding,
            "status": LOADED if reading.bulletin_id is not None else QUARANTINED,
            "decode_reason": reading.decode_reason,
            "bulletin_id": bulletin_id,
            "chars": reading.chars,
            "first_seen_at": before["first_seen_at"] if before else observed_at,
            "changed_at": before["changed_at"] if same_content else observed_at,
            "removed_at": None,
            **page_fields(reading.page),
        }
        ledger[entry.source_file] = row
        if before is None:
            event = "new"
        elif before["removed_at"] is not None:
            event = "restored"
        else:
            event = None if same_content else "changed"  # a touched file whose bytes did not change
        if event:
            events.append({**row, "event": event})
        if bulletin_id and bulletin_id not in stored_text_ids and bulletin_id not in new_texts:
            store_text(
                {
                    "bulletin_id": bulletin_id,
                    "source_file": entry.source_file,
                    "text_utf8": reading.text_utf8,
                    "parts": reading.parts,
                }
            )
            new_texts[bulletin_id] = {
                "bulletin_id": bulletin_id,
                "source_file": entry.source_file,
                "chars": row["chars"],
            }

    for source_file, before in previous.items():
        if source_file in ledger:
            continue
        # A removed file's facts stay in the warehouse, marked, until a user purges them.
        row = dict(before)
        if row["removed_at"] is None:
            row["removed_at"] = observed_at
            events.append({**row, "event": "removed"})
        ledger[source_file] = row

    rows = resolve_duplicates(list(ledger.values()))
    status = {r["source_file"]: r["status"] for r in rows}  # a scan of rows per event was quadratic
    for event in events:
        event["status"] = status[event["source_file"]]
        event["observed_at"] = observed_at
    return Reconciliation(rows, events, list(new_texts.values()))


def reconcile_table(
    previous_ledger: pa.Table,
    inbox: Path,
    stored_text_ids: set[str],
    observed_at: datetime,
    store_text: Callable[[dict], None] = lambda row: None,
) -> tuple[pa.Table, Reconciliation]:
    """reconcile() for a ledger held as Arrow columns, returning the new ledger as a table (sorted by file) with
    the Reconciliation of the rows it decided.

    A refresh changes a few of 100,000 files, and a ledger row as a Python dict costs ~10 us each way. The rows of
    files listed with the size and time the ledger has, whose text no other changed file shares, are carried as
    columns; reconcile() decides the others, and the duplicates of every text they touch are resolved again with
    all the rows of that text (a changed primary hands over to an unchanged copy, a new copy finds its primary)."""
    entries = take_listing(inbox)
    present = pc.is_null(previous_ledger["removed_at"]).to_pylist()
    seen = dict(
        zip(
            previous_ledger["source_file"].to_pylist(),
            zip(previous_ledger["bytes"].to_pylist(), previous_ledger["mtime_ns"].to_pylist(), present, strict=True),
            strict=True,
        )
    )
    unchanged, to_read = [], []
    for entry in entries:
        if seen.get(entry.source_file) == (entry.bytes, entry.mtime_ns, True):
            unchanged.append(entry.source_file)
        else:
            to_read.append(entry)
    is_unchanged = pc.is_in(previous_ledger["source_file"], value_set=pa.array(unchanged, type=pa.string()))
    carried, others = previous_ledger.filter(is_unchanged), previous_ledger.filter(pc.invert(is_unchanged)).to_pylist()
    result = reconcile(others, inbox, stored_text_ids, observed_at, store_text, listing=to_read)

    # Texts whose files changed, before and after: their unchanged copies are resolved again with them.
    touched = {r["bulletin_id"] for r in [*others, *result.ledger] if r["bulletin_id"]}
    shares = pc.is_in(carried["bulletin_id"], value_set=pa.array(sorted(touched), type=pa.string()))
    rows = resolve_duplicates(result.ledger + carried.filter(shares).to_pylist())
    status = {r["source_file"]: r["status"] for r in rows}
    for event in result.events:
        event["status"] = status[event["source_file"]]
    decided = pa.Table.from_pylist(rows, schema=carried.schema) if rows else carried.schema.empty_table()
    ledger = pa.concat_tables([carried.filter(pc.invert(shares)), decided])
    ledger = ledger.take(pc.sort_indices(ledger, [("source_file", "ascending")]))
    return ledger, Reconciliation(rows, result.events, result.new_texts)


def source_columns(files: list[str], sources: dict[str, SourceMetadata]) -> dict[str, pa.Array]:
    """The bulletin_files ledger's source columns (LEDGER_COLUMNS) of ``files``, from sources.csv (``sources``:
    file -> metadata; an empty field is NULL)."""
    return {
        column: pa.array([(getattr(sources[f], field) or None) if f in sources else None for f in files], pa.string())
        for column, field in LEDGER_COLUMNS.items()
    }


def resolve_duplicates(rows: list[dict]) -> list[dict]:
    """One primary file per text; the others are duplicates of it.

    The primary is a file still in the inbox if there is one, then the first seen, then by name,
    so the choice is stable across refreshes and a removed original hands over to its copy.
    """
    primary: dict[str, dict] = {}
    readable = [r for r in rows if r["bulletin_id"] is not None]
    for row in sorted(readable, key=lambda r: (r["removed_at"] is not None, r["first_seen_at"], r["source_file"])):
        primary.setdefault(row["bulletin_id"], row)
    for row in rows:
        first = primary.get(row["bulletin_id"]) if row["bulletin_id"] else None
        if first is None:
            row.update(status=QUARANTINED, duplicate_of=None, reason=row["decode_reason"])
        elif first is row:
            row.update(status=LOADED, duplicate_of=None, reason=row["decode_reason"])
        else:
            row.update(
                status=DUPLICATE, duplicate_of=first["source_file"], reason=f"same text as {first['source_file']}"
            )
    return sorted(rows, key=lambda r: r["source_file"])
