"""The process pool of the extract step gives the same rows as one process."""

from pathlib import Path

import pytest

from orchestration.extraction.parallel import MIN_BULLETINS_FOR_POOL, extract_many

pytestmark = pytest.mark.slow  # starts a pool of worker processes, each loading the gazetteer

ROOT = Path(__file__).resolve().parent.parent
TEXTS = sorted(ROOT.glob("seeds/*.txt")) + sorted((ROOT / "tests/fixtures/composed/texts").glob("*.txt"))


def test_the_pool_gives_the_rows_of_a_single_process():
    texts = [path.read_text(encoding="utf-8") for path in TEXTS]
    # Enough bulletins for the pool; each id its own text so results cannot be mixed up unnoticed.
    bulletins = [(f"b{i:03d}", texts[i % len(texts)]) for i in range(MIN_BULLETINS_FOR_POOL + 5)]

    def run(workers: int) -> dict:
        results = {bid: (rows, error) for bid, rows, error in extract_many(iter(bulletins), len(bulletins), workers)}
        assert len(results) == len(bulletins)
        return results

    pooled, single = run(2), run(1)
    assert pooled == single
    assert all(error is None for _, error in single.values())
    assert sum(len(rows["amounts"]) for rows, _ in single.values()) > 0
