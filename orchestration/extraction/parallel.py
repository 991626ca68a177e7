"""Run the extractor over many bulletins, on every core when there are enough of them."""

from __future__ import annotations

import os
import traceback
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, wait
from itertools import islice
from operator import attrgetter

from orchestration.extract.document import extract_document
from orchestration.extract.gazetteer import Gazetteer
from orchestration.extract.records import FACT_TABLES, Extraction
from orchestration.extract.sources import SourceMetadata
from orchestration.processes import spawned_pool, spawning_without_parent_main

# Below this many bulletins, worker start-up (jieba and the gazetteer load in each) costs more than it saves.
MIN_BULLETINS_FOR_POOL = 40
CHUNK = 20  # bulletins per task: enough to amortise pickling, small enough to balance the cores


# Rows travel from the workers as tuples in the order of each table's declared columns (records.FACT_TABLES):
# tuples pickle and load faster than dicts or dataclasses. bulletin_id and the computed columns come first,
# then the record's own attributes.
ROW_COLUMNS: dict[str, tuple[str, ...]] = {name: table.column_names for name, table in FACT_TABLES.items()}
_get_article, _get_amount, _get_ratio, _get_beneficiary, _get_skipped = (
    attrgetter(*FACT_TABLES[name].record_fields)
    for name in ("articles", "amounts", "ratios", "beneficiaries", "skipped_spans")
)


def extraction_rows(bulletin_id: str, extraction: Extraction) -> dict[str, list[tuple]]:
    """Flatten one bulletin's extraction into staging rows, table by table (tuples in ROW_COLUMNS order)."""
    gazetteer = Gazetteer.load()
    articles = {a.article_no: a for a in extraction.articles}
    codes: dict[tuple[int, int | None], str | None] = {}

    def locality_code(article_no: int, year: int | None) -> str | None:
        key = (article_no, year)
        if key not in codes:
            locality = articles[article_no].locality if article_no in articles else None
            # The code valid in the figure's own year: a county renamed later keeps its old code.
            codes[key] = (
                None
                if locality is None
                else gazetteer.code_in_year(locality.stable_code, year, locality.level) or locality.code
            )
        return codes[key]

    return {
        "articles": [
            (bulletin_id, a.locality.code if a.locality else None, a.locality.stable_code if a.locality else None,
             *_get_article(a))
            for a in extraction.articles
        ],
        "amounts": [
            (bulletin_id, *_get_amount(m)) for m in extraction.amounts
        ],
        "ratios": [
            (bulletin_id, locality_code(r.article_no, r.fiscal_year), *_get_ratio(r)) for r in extraction.ratios
        ],
        "beneficiaries": [
            (bulletin_id, locality_code(b.article_no, b.fiscal_year), *_get_beneficiary(b))
            for b in extraction.beneficiaries
        ],
        "skipped_spans": [(bulletin_id, *_get_skipped(s)) for s in extraction.skipped],
    }  # fmt: skip


def extract_bulletin(
    bulletin_id: str, text: str, source: SourceMetadata | None = None
) -> tuple[dict[str, list[tuple]], str | None]:
    """Rows for one bulletin, or none and the error when the extractor fails on it."""
    try:
        return extraction_rows(bulletin_id, extract_document(text, source)), None
    except Exception as exc:  # noqa: BLE001 - one bad bulletin must not stop the others
        return {}, "extractor failed: " + traceback.format_exception_only(exc)[-1].strip()


def _extract_chunk(
    chunk: list[tuple[str, str, SourceMetadata | None]],
) -> list[tuple[str, dict[str, list[tuple]], str | None]]:
    return [(bulletin_id, *extract_bulletin(bulletin_id, text, source)) for bulletin_id, text, source in chunk]


def _warm_up() -> None:
    Gazetteer.load()
    extract_document("江苏东台：示例\n\n2021年，安排资金100万元。")  # loads jieba's dictionary once per worker


def extract_many(
    bulletins: Iterable[tuple[str, str]],
    total: int,
    workers: int | None = None,
    sources: Mapping[str, SourceMetadata | None] | None = None,
) -> Iterator[tuple[str, dict[str, list[tuple]], str | None]]:
    """Yield (bulletin_id, rows, error) for (bulletin_id, text) pairs, in no particular order.

    ``sources``: the source metadata of each bulletin (sources.csv), where there is any. Texts are
    pulled lazily and at most two chunks per worker are in flight, so memory stays bounded however
    large the batch.
    """
    workers = workers or min(os.cpu_count() or 1, 8)
    with_sources = ((bulletin_id, text, (sources or {}).get(bulletin_id)) for bulletin_id, text in bulletins)
    if workers < 2 or total < MIN_BULLETINS_FOR_POOL:
        for bulletin_id, text, source in with_sources:
            yield bulletin_id, *extract_bulletin(bulletin_id, text, source)
        return
    with spawned_pool(workers, initializer=_warm_up) as pool:
        first = [chunk for chunk in (list(islice(with_sources, CHUNK)) for _ in range(2 * workers)) if chunk]
        with spawning_without_parent_main():  # the pool starts a worker per submit until it has them all
            pending: set[Future] = {pool.submit(_extract_chunk, chunk) for chunk in first}
        while True:
            while len(pending) < 2 * workers and (chunk := list(islice(with_sources, CHUNK))):
                pending.add(pool.submit(_extract_chunk, chunk))
            if not pending:
                return
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield from future.result()
