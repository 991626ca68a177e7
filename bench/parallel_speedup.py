"""Extraction on one core vs all cores: the speed-up of the process pool in the extract step.

    .venv/bin/python -m bench.parallel_speedup [-n 400]

Generates a corpus, then times ``extract_many`` (what the extract asset runs) with one worker and
with every core, pool start-up included, and checks both produce the same rows.
"""

import argparse
import os
import tempfile
import time
from pathlib import Path

from bench.generate_corpus import main as generate
from orchestration.extraction.parallel import extract_many
from orchestration.ingest.decode import decode_bulletin


def timed(bulletins: list[tuple[str, str]], workers: int) -> tuple[float, dict]:
    start = time.perf_counter()
    results = {bid: rows for bid, rows, _ in extract_many(iter(bulletins), len(bulletins), workers=workers)}
    return time.perf_counter() - start, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=400, help="bulletins")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        generate(["-n", str(args.n), "--out", folder])
        paths = sorted(Path(folder).glob("*.txt"))
        bulletins = [(p.stem, decode_bulletin(p.read_bytes()).text) for p in paths]
    chars = sum(len(text) for _, text in bulletins)
    cores = os.cpu_count() or 1
    one, rows_one = timed(bulletins, workers=1)
    many, rows_many = timed(bulletins, workers=cores)
    assert rows_one == rows_many, "parallel extraction must give the same rows"
    print(f"{len(bulletins)} bulletins, {chars:,} chars")
    print(f"  1 worker : {one:6.2f} s  {chars / one:>10,.0f} chars/s")
    print(f"  {cores} workers: {many:6.2f} s  {chars / many:>10,.0f} chars/s  (pool start-up included)")
    print(f"  speed-up : {one / many:.2f}x on {cores} cores")


if __name__ == "__main__":
    main()
