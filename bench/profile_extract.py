"""Where the Python stages spend their time: cProfile of ``extract_document`` and of ingest's decoding.

    .venv/bin/python -m bench.profile_extract /path/to/corpus [--limit 200] [--top 15]

The extractor is warmed up on one bulletin first (jieba's dictionary and the gazetteer load once per
process), so the profile shows the per-bulletin cost that grows with the corpus. The unprofiled figure
is the first pass over the sample (cold per-text caches, as a worker meets a new batch); the per-text
caches are cleared again before the profiled pass, so the profile is of a cold pass too.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import pstats
import sys
import time
from pathlib import Path


def _stats(profile: cProfile.Profile, sort: str, top: int) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.strip_dirs().sort_stats(sort).print_stats(top)
    text = out.getvalue()
    # drop pstats' preamble up to the column header line
    return text[text.find("   ncalls") :].rstrip() if "   ncalls" in text else text.rstrip()


def _ingest(paths: list[Path]) -> list:
    """What ingest does per file whatever its bookkeeping: read the bytes, decode, hash the text."""
    from orchestration.ingest.decode import decode_bulletin

    out = []
    for path in paths:
        decoded = decode_bulletin(path.read_bytes())
        if decoded.ok:
            hashlib.sha256(decoded.text.encode("utf-8")).hexdigest()
        out.append(decoded)
    return out


def _clear_text_caches() -> None:
    """Empty the extractor's caches keyed by text, as in a fresh process. The loaders of dictionaries and
    data files are unbounded or single-entry caches and stay; caches of texts have a bounded size."""
    for name, module in list(sys.modules.items()):
        if name.startswith("orchestration.extract."):
            for obj in vars(module).values():
                if hasattr(obj, "cache_parameters") and obj.cache_parameters()["maxsize"] not in (None, 1):
                    obj.cache_clear()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--limit", type=int, default=200, help="bulletins to profile (default 200)")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args(argv)

    from orchestration.extract.document import extract_document

    paths = sorted(args.folder.glob("*.txt"))
    t0 = time.perf_counter()
    texts = [d.text for d in _ingest(paths) if d.text][: args.limit + 1]
    scan_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    extract_document(texts[0])
    warm_s = time.perf_counter() - t0
    sample = texts[1:]
    chars = sum(len(t) for t in sample)

    # Unprofiled first: a cold pass, not one flattered by caches the profiled pass filled.
    t0 = time.perf_counter()
    for text in sample:
        extract_document(text)
    plain_s = time.perf_counter() - t0

    _clear_text_caches()
    profile = cProfile.Profile()
    t0 = time.perf_counter()
    profile.enable()
    for text in sample:
        extract_document(text)
    profile.disable()
    prof_s = time.perf_counter() - t0

    print(
        f"extract_document over {len(sample)} bulletins, {chars:,} chars: {plain_s:.2f} s unprofiled "
        f"({chars / plain_s:,.0f} chars/s), {prof_s:.2f} s under cProfile; first call (loads) {warm_s:.2f} s"
    )
    print(f"\n-- extract_document: top {args.top} by cumulative time --")
    print(_stats(profile, "cumulative", args.top))
    print(f"\n-- extract_document: top {args.top} by own time --")
    print(_stats(profile, "tottime", args.top))

    profile = cProfile.Profile()
    profile.enable()
    _ingest(paths)
    profile.disable()
    print(
        f"\n-- ingest core (read, decode_bulletin, sha256) over {len(paths)} files (unprofiled {scan_s:.2f} s): "
        "top 10 by cumulative --"
    )
    print(_stats(profile, "cumulative", 10))
    return 0


if __name__ == "__main__":
    sys.exit(main())
