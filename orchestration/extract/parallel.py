"""Run the extractor over many bulletins, on every core when there are enough of them."""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict
from itertools import islice

from orchestration.extract.document import extract_document
from orchestration.extract.localities import Gazetteer
from orchestration.extract.records import Extraction
from orchestration.staging import FACT_TABLES

# Below this many bulletins, worker start-up (jieba and the gazetteer load in each) costs more than it saves.
MIN_BULLETINS_FOR_POOL = 40
CHUNK = 20  # bulletins per task: enough to amortise pickling, small enough to balance the cores


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

    # The staging writer keeps only the columns of each table's schema: dataclass fields map by name.
    rows: dict[str, list[dict]] = {table: [] for table in FACT_TABLES}
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
    for b in extraction.beneficiaries:
        rows["beneficiaries"].append(
            {"bulletin_id": bulletin_id, **asdict(b), "locality_code": locality_code(b.article_no, b.fiscal_year)}
        )
    rows["skipped_spans"] = [{"bulletin_id": bulletin_id, **asdict(s)} for s in extraction.skipped]
    return rows


def extract_bulletin(bulletin_id: str, text: str) -> tuple[dict[str, list[dict]], str | None]:
    """Rows for one bulletin, or none and the error when the extractor fails on it."""
    try:
        return extraction_rows(bulletin_id, extract_document(text)), None
    except Exception as exc:  # noqa: BLE001 - one bad bulletin must not stop the others
        return {}, "extractor failed: " + traceback.format_exception_only(exc)[-1].strip()


def _extract_chunk(chunk: list[tuple[str, str]]) -> list[tuple[str, dict[str, list[dict]], str | None]]:
    return [(bulletin_id, *extract_bulletin(bulletin_id, text)) for bulletin_id, text in chunk]


def _warm_up() -> None:
    Gazetteer.load()
    extract_document("江苏东台：示例\n\n2021年，安排资金100万元。")  # loads jieba's dictionary once per worker


def extract_many(
    bulletins: Iterable[tuple[str, str]], total: int, workers: int | None = None
) -> Iterator[tuple[str, dict[str, list[dict]], str | None]]:
    """Yield (bulletin_id, rows, error) for (bulletin_id, text) pairs, in no particular order.

    Texts are pulled lazily and at most two chunks per worker are in flight, so memory stays
    bounded however large the batch.
    """
    workers = workers or min(os.cpu_count() or 1, 8)
    if workers < 2 or total < MIN_BULLETINS_FOR_POOL:
        for bulletin_id, text in bulletins:
            yield bulletin_id, *extract_bulletin(bulletin_id, text)
        return
    source = iter(bulletins)
    # spawn, not fork: the Dagster step process runs threads, which fork does not copy safely.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_warm_up) as pool:
        pending: set[Future] = set()
        while True:
            while len(pending) < 2 * workers and (chunk := list(islice(source, CHUNK))):
                pending.add(pool.submit(_extract_chunk, chunk))
            if not pending:
                return
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield from future.result()
