"""Ingest: every file in the inbox becomes a row of ``raw_bulletin_files``; nothing is dropped."""

from collections import Counter
from dataclasses import asdict

import dagster as dg

from orchestration.ingest.inbox import LOADED, scan_inbox
from orchestration.resources import WarehouseResource
from orchestration.staging import write_table

RAW_BULLETIN_FILES = dg.AssetKey("raw_bulletin_files")
RAW_BULLETIN_TEXTS = dg.AssetKey("raw_bulletin_texts")


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            RAW_BULLETIN_FILES,
            description="One row per *.txt file in the inbox: hash, size, encoding, status "
            "(loaded | duplicate | quarantined) and the reason for anything not loaded.",
            kinds={"python", "parquet"},
        ),
        dg.AssetSpec(
            RAW_BULLETIN_TEXTS,
            description="Decoded text (BOM removed, nothing else normalised) of each loaded bulletin.",
            kinds={"python", "parquet"},
        ),
    ],
    group_name="ingest",
)
def raw_bulletins(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    paths = warehouse.paths
    files = scan_inbox(paths.bulletins_dir)
    file_rows = [{k: v for k, v in asdict(f).items() if k != "text"} for f in files]
    text_rows = [
        {"bulletin_id": f.bulletin_id, "source_file": f.source_file, "text": f.text}
        for f in files
        if f.status == LOADED
    ]
    write_table(paths.staging_file("bulletin_files"), "bulletin_files", file_rows)
    write_table(paths.staging_file("bulletin_texts"), "bulletin_texts", text_rows)
    by_status = Counter(f.status for f in files)
    problems = [f"- `{f.source_file}`: {f.status}, {f.reason}" for f in files if f.status != LOADED]
    context.log.info("inbox %s: %s", paths.bulletins_dir, dict(by_status))
    yield dg.MaterializeResult(
        asset_key=RAW_BULLETIN_FILES,
        metadata={
            "dagster/row_count": len(files),
            **{f"files_{status}": by_status.get(status, 0) for status in ("loaded", "duplicate", "quarantined")},
            "inbox": str(paths.bulletins_dir),
            "not_loaded": dg.MetadataValue.md("\n".join(problems) or "every file loaded"),
        },
    )
    yield dg.MaterializeResult(
        asset_key=RAW_BULLETIN_TEXTS,
        metadata={
            "dagster/row_count": len(text_rows),
            "total_chars": sum(len(r["text"]) for r in text_rows),
        },
    )
