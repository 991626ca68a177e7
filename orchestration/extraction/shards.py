"""Extraction split into shards: which bulletins each shard extracts, and the loop every shard runs.

No Dagster here: the extract stage (assets.py) plans the shards, runs one op per shard and commits
them together; this module holds what those ops share and what the fast tests check.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from orchestration.extract.sources import SourceMetadata, source_digest
from orchestration.extraction.parallel import ROW_COLUMNS, extract_many
from orchestration.staging import FACT_TABLES, StagingStore, TupleBatchWriter, now

# Fact rows of one table held in memory before a part file is written: bounds memory on large batches.
ROWS_PER_PART = 50_000
PREVIEW_ROWS = 5


def shard_of(bulletin_id: str, shards: int) -> int:
    """The shard a bulletin belongs to: a checksum of its id, the same in every process and every run."""
    return zlib.crc32(bulletin_id.encode("utf-8")) % shards


def plan_shards(todo: Mapping[str, str], shards: int) -> dict[int, dict[str, str]]:
    """Split ``todo`` (bulletin_id -> its text's batch) into the non-empty shards, by shard number.

    At least one shard is planned, empty if there is nothing to do: the commit after the shards then
    still runs and reports the assets, as a refresh with nothing new always has.
    """
    if shards < 1:
        raise ValueError(f"shards must be at least 1, not {shards}")
    planned: dict[int, dict[str, str]] = {}
    for bulletin_id, text_batch in todo.items():
        planned.setdefault(shard_of(bulletin_id, shards), {})[bulletin_id] = text_batch
    return dict(sorted(planned.items())) or {0: {}}


def shard_batch_id(run_batch_id: str, shard: int) -> str:
    """Each shard writes its own batch: the run's batch id with the shard number (sorts with the run)."""
    return f"{run_batch_id}-s{shard}"


@dataclass
class ExtractedBatch:
    """What extracting a set of bulletins into one batch produced, for the commit to record and report."""

    batch_id: str
    entries: list[dict] = field(default_factory=list)  # one `extractions` ledger row per bulletin
    rows_added: dict[str, int] = field(default_factory=dict)
    previews: dict[str, list[tuple]] = field(default_factory=dict)  # first new rows per table, for the UI
    failures: list[str] = field(default_factory=list)  # "- `bulletin_id`: error", quarantined bulletins


def extract_into_batch(
    store: StagingStore,
    todo: Mapping[str, str],
    sources: Mapping[str, SourceMetadata | None],
    batch_id: str,
    extractor_version: str,
    workers: int | None = None,
) -> ExtractedBatch:
    """Extract the bulletins of ``todo`` (bulletin_id -> its text's batch) and write their facts as batch
    ``batch_id``. Nothing is committed: until a ledger names ``batch_id`` the batch is ignored (and
    collected as garbage later). An extractor error on one bulletin becomes a failed entry, not an exception.

    ``workers``: processes of the internal pool (None: as many as the cores; 1: this process only).
    """
    result = ExtractedBatch(batch_id, previews={table: [] for table in FACT_TABLES})
    writers = {
        table: TupleBatchWriter(store, table, batch_id, ROW_COLUMNS[table], rows_per_part=ROWS_PER_PART)
        for table in FACT_TABLES
    }
    texts = ((row["bulletin_id"], row["text"]) for row in store.iter_batch_rows("texts", todo))
    for bulletin_id, rows, error in extract_many(texts, total=len(todo), workers=workers, sources=sources):
        for table, table_rows in rows.items():
            result.previews[table].extend(table_rows[: PREVIEW_ROWS - len(result.previews[table])])
            writers[table].add(table_rows)
        result.entries.append(
            {
                "bulletin_id": bulletin_id,
                "batch_id": batch_id,
                "extractor_version": extractor_version,
                "source_digest": source_digest(sources.get(bulletin_id)),
                "status": "failed" if error else "ok",
                "error": error,
                "extracted_at": now(),
            }
        )
        if error:
            result.failures.append(f"- `{bulletin_id}`: {error}")
    for table, writer in writers.items():
        writer.flush()
        result.rows_added[table] = writer.written
    return result
