"""Ingest: reconcile the inbox with the ledger; every file is a row, nothing is dropped."""

from collections import Counter
from collections.abc import Iterable

import dagster as dg
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.extract.sources import SOURCES_FILE, SourceMetadata, read_sources
from orchestration.ingest.formats import TextPart
from orchestration.ingest.inbox import LOADED, reconcile_table, source_columns
from orchestration.locks import ledger_lock
from orchestration.resources import WarehouseResource
from orchestration.staging import BatchWriter, StagingStore, new_batch_id, now

RAW_BULLETIN_FILES = dg.AssetKey("raw_bulletin_files")
RAW_BULLETIN_TEXTS = dg.AssetKey("raw_bulletin_texts")
# Texts held in memory before a part file is written (~1,000 bulletins is a few tens of MB).
TEXTS_PER_PART = 1000


def text_part_rows(bulletin_id: str, parts: Iterable[TextPart]) -> list[dict]:
    """The text_parts batch rows of one stored text (none for a plain .txt file)."""
    return [
        {
            "bulletin_id": bulletin_id,
            "char_start": p.char_start,
            "char_end": p.char_end,
            "kind": p.kind,
            "page": p.page,
            "paragraph": p.paragraph,
            "table_no": p.table,
            "sheet": p.sheet,
            "cell": p.cell,
            "row_label": p.row_label,
            "column_header": p.column_header,
            "location": p.location,
        }
        for p in parts
    ]


def with_source_columns(ledger: pa.Table, sources: dict[str, SourceMetadata]) -> pa.Table:
    """The bulletin_files ledger with its source columns set from sources.csv (``sources``: file -> metadata)."""
    for column, values in source_columns(ledger["source_file"].to_pylist(), sources).items():
        ledger = ledger.set_column(ledger.schema.get_field_index(column), column, values)
    return ledger


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            RAW_BULLETIN_FILES,
            description="Ledger of every bulletin file seen in the inbox (.txt, .html, .pdf, .docx, .xlsx): hash "
            "of its bytes, size, encoding or format, status "
            "(loaded | duplicate | quarantined) with the reason, and when it was first seen, changed or "
            "removed; plus the history of those events.",
            kinds={"python", "parquet"},
        ),
        dg.AssetSpec(
            RAW_BULLETIN_TEXTS,
            description="Every decoded text ever loaded (BOM removed, nothing else normalised; a document's text "
            "as its reader laid it out, with the text parts saying which page, paragraph or cell each span came "
            "from), kept as raw history: a modified file adds its new version, the old one stays.",
            kinds={"python", "parquet"},
        ),
    ],
    group_name="ingest",
)
def raw_bulletins(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    paths = warehouse.paths
    store = StagingStore(paths.staging_dir)
    store.ensure_layout()
    run_id = context.run.run_id
    with ledger_lock(store.root):
        stored_text_ids = set(store.ledger_table("texts", ["bulletin_id"])["bulletin_id"].to_pylist())
        batch_id = new_batch_id(run_id)
        # Data first, then the ledgers that point at it: a run killed in between leaves an orphan
        # batch that no ledger references (ignored by dbt, deleted later), never a dangling pointer.
        # written beside the reading: at 100,000 texts, encoding and compressing them takes seconds
        texts = BatchWriter(store, "texts", batch_id, rows_per_part=TEXTS_PER_PART, in_background=True)
        # a document has a part per line and per table cell: small rows, many per text
        parts = BatchWriter(store, "text_parts", batch_id, rows_per_part=TEXTS_PER_PART * 50)

        def store_text(row: dict) -> None:
            # UTF-8 bytes as read: Arrow takes them for the string column without encoding the text again
            texts.add(
                [{"bulletin_id": row["bulletin_id"], "source_file": row["source_file"], "text": row["text_utf8"]}]
            )
            parts.add(text_part_rows(row["bulletin_id"], row.get("parts") or ()))

        ledger, result = reconcile_table(
            store.ledger_table("bulletin_files"),
            paths.bulletins_dir,
            stored_text_ids,
            now(),
            store_text=store_text,
        )
        texts.close()
        parts.close()
        # what each file's source page says, from the inbox's optional sources.csv (re-read every run)
        ledger = with_source_columns(ledger, read_sources(paths.bulletins_dir / SOURCES_FILE))
        stored_at = now()
        # new texts only (a text already stored keeps its row): the ledger's other rows stay Arrow columns
        texts_ledger = store.upsert_ledger(
            "texts",
            [
                {"bulletin_id": t["bulletin_id"], "batch_id": batch_id, "chars": t["chars"], "stored_at": stored_at}
                for t in result.new_texts
            ],
        )
        store.write_ledger_table("bulletin_files", ledger)
        # The event log is audit history: written after the commit so a retry never doubles it.
        store.write_batch("file_events", batch_id, [{**e, "run_id": run_id} for e in result.events])
        live_text_batches = set(texts_ledger["batch_id"].unique().to_pylist())
        store.collect_garbage("texts", live_text_batches)
        store.collect_garbage("text_parts", live_text_batches)

    present = ledger.filter(pc.is_null(ledger["removed_at"])).select(["source_file", "status", "reason"])
    by_status = Counter(present["status"].to_pylist())
    not_loaded = present.filter(pc.not_equal(present["status"], LOADED)).slice(0, 50).to_pylist()
    problems = [f"- `{r['source_file']}`: {r['status']}, {r['reason']}" for r in not_loaded]
    changes = {event: result.count(event) for event in ("new", "changed", "removed", "restored")}
    context.log.info("inbox %s: %s; changes %s", paths.bulletins_dir, dict(by_status), changes)
    yield dg.MaterializeResult(
        asset_key=RAW_BULLETIN_FILES,
        metadata={
            "dagster/row_count": ledger.num_rows,
            **{f"files_{status}": by_status.get(status, 0) for status in ("loaded", "duplicate", "quarantined")},
            "files_removed": ledger.num_rows - present.num_rows,
            **{f"changes_{event}": n for event, n in changes.items()},
            "inbox": str(paths.bulletins_dir),
            "not_loaded": dg.MetadataValue.md("\n".join(problems) or "every file loaded"),
        },
    )
    yield dg.MaterializeResult(
        asset_key=RAW_BULLETIN_TEXTS,
        metadata={
            "dagster/row_count": texts_ledger.num_rows,
            "texts_added": len(result.new_texts),
            "chars_added": sum(t["chars"] for t in result.new_texts),
        },
    )
