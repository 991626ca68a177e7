"""Is the published warehouse current? Lets the launchers skip a refresh that would change nothing.

The published database records the inbox fingerprint and the code version it was built from. It
is current when the inbox still has that fingerprint, the code has not changed, and no ledger was
written after it was published (a run that died after ingest, or a purge, leaves newer ledgers).
"""

import hashlib
from functools import cache

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.corrections import CORRECTIONS_FILE, corrections_path, read_corrections
from orchestration.extract.sources import LEDGER_COLUMNS, SOURCES_FILE, read_sources
from orchestration.extract.version import extractor_version
from orchestration.ingest.inbox import InboxEntry, hand_over_listing, list_inbox, source_columns
from orchestration.settings import DBT_PROJECT_DIR, WarehousePaths
from orchestration.staging import StagingStore


def inbox_fingerprint(paths: WarehousePaths, listing: list[InboxEntry] | None = None) -> dict[str, str]:
    """File -> "size:mtime_ns" (and its source metadata, when sources.csv gives some) for every bulletin in
    the inbox (``listing``, else listed now), and the digest of the analysts' corrections file: no bulletin
    is read, only the small CSVs."""
    if not paths.bulletins_dir.is_dir():
        return {}
    entries = list_inbox(paths.bulletins_dir) if listing is None else listing
    files = [entry.source_file for entry in entries]
    listed = pa.table(
        {
            "bytes": pa.array([entry.bytes for entry in entries], pa.int64()),
            "mtime_ns": pa.array([entry.mtime_ns for entry in entries], pa.int64()),
            **source_columns(files, read_sources(paths.bulletins_dir / SOURCES_FILE)),
        }
    )
    fingerprint = dict(zip(files, _fingerprints(listed).to_pylist(), strict=True))
    return fingerprint | _corrections_entry(read_corrections(corrections_path(paths.bulletins_dir)).digest)


def _corrections_entry(digest: str | None) -> dict[str, str]:
    # The analysts' corrections change the marts without any bulletin changing: an edit to the file (by its
    # content, wherever CORRECTIONS_FILE puts it) makes the warehouse stale; no file, no entry.
    return {CORRECTIONS_FILE: f"corrections:{digest}"} if digest else {}


def fingerprint_digest(fingerprint: dict[str, str]) -> str:
    # NUL-separated (no file name holds one), sorted by file: ~5x cheaper than JSON at 100,000 files.
    joined = "\0".join(f"{name}\0{value}" for name, value in sorted(fingerprint.items()))
    return hashlib.sha256(joined.encode()).hexdigest()[:16]


@cache
def code_version() -> str:
    """The extractor's version and a digest of the dbt project's models, macros and tests."""
    digest = hashlib.sha256(extractor_version().encode())
    for path in sorted(DBT_PROJECT_DIR.glob("*/**/*")):
        if path.is_file() and path.suffix in {".sql", ".yml", ".yaml"} and "target" not in path.parts:
            digest.update(path.relative_to(DBT_PROJECT_DIR).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def ledger_fingerprint(paths: WarehousePaths) -> dict[str, str]:
    """The inbox as the last refresh's ingest saw it, in inbox_fingerprint's form ({} before any)."""
    store = StagingStore(paths.staging_dir)
    ledger = store.ledger_table("bulletin_files", ["source_file", "bytes", "mtime_ns", "removed_at", *LEDGER_COLUMNS])
    present = ledger.filter(pc.is_null(ledger["removed_at"]))
    applied = next((r["file_digest"] for r in store.read_ledger("corrections")), None)
    fingerprint = dict(zip(present["source_file"].to_pylist(), _fingerprints(present).to_pylist(), strict=True))
    return fingerprint | _corrections_entry(applied)


def _fingerprints(ledger: pa.Table) -> pa.ChunkedArray:
    """Each row's fingerprint ("size:mtime_ns", then ":" and its source fields joined by "|" when they hold
    anything), column-wise: 100,000 rows in ~50 ms against ~0.5 s row by row. A change of a file's source metadata
    re-resolves it, so it is part of the file's fingerprint."""
    size_time = pc.binary_join_element_wise(
        pc.cast(ledger["bytes"], pa.string()), pc.cast(ledger["mtime_ns"], pa.string()), ":"
    )
    described = pc.binary_join_element_wise(*(pc.fill_null(ledger[column], "") for column in LEDGER_COLUMNS), "|")
    return pc.if_else(
        pc.match_substring_regex(described, "[^|]"), pc.binary_join_element_wise(size_time, described, ":"), size_time
    )


def ledger_state(paths: WarehousePaths) -> dict[str, str]:
    """What a publish records: the inbox as the ingest ledger last saw it (not as it is now, since
    a file may have arrived during the run), and the code version."""
    return {"inbox_digest": fingerprint_digest(ledger_fingerprint(paths)), "code_version": code_version()}


def stale_reason(paths: WarehousePaths, hand_over: bool = False) -> str | None:
    """Why a refresh is needed, or None when the published warehouse is current.

    ``hand_over``: the caller runs the refresh next, in this process; when one is needed, the inbox listing
    made here is left for its ingest (inbox.hand_over_listing) instead of being made again."""
    listing = list_inbox(paths.bulletins_dir) if paths.bulletins_dir.is_dir() else None
    reason = _stale_reason(paths, listing)
    if reason is not None and hand_over and listing is not None:
        hand_over_listing(paths.bulletins_dir, listing)
    return reason


def _stale_reason(paths: WarehousePaths, listing: list[InboxEntry] | None) -> str | None:
    if not paths.published_database.exists():
        return "no published warehouse yet"
    try:
        with duckdb.connect(str(paths.published_database), read_only=True) as con:
            recorded = con.execute("select inbox_digest, code_version, published_at from warehouse_build").fetchone()
    except duckdb.Error as exc:
        return f"published warehouse unreadable: {exc}"
    if recorded is None:
        return "published warehouse has no build record"
    inbox_digest, version, published_at = recorded
    if inbox_digest != fingerprint_digest(inbox_fingerprint(paths, listing)):
        return "the inbox changed"
    if version != code_version():
        return "the extractor or dbt models changed"
    ledgers = list((paths.staging_dir / "ledger").glob("*.parquet"))
    newest = max((p.stat().st_mtime for p in ledgers), default=0)
    if newest > published_at.timestamp():
        return "staging ledgers are newer than the published warehouse (an unfinished or purged refresh)"
    return None
