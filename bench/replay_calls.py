"""Time one extractor function against another checkout's version of it, on the calls extraction makes.

    .venv/bin/python -m bench.replay_calls MODULE FUNCTION --base /path/to/other/checkout [--caller MODULE]
        [--folder CORPUS] [--limit 400] [--rounds 5]

Extraction runs over the corpus once while the calls ``caller.FUNCTION`` receives (``caller``: the module of
``orchestration.extract`` through whose namespace the function is reached, default ``document``) are recorded.
The other checkout's ``MODULE`` is loaded beside this one (its own imports resolve to this tree), both versions
must give equal results (compared by ``repr``) on every call, then the calls are replayed with each version in
turn, the bounded caches of both modules emptied before each pass. Both run in one process, alternating, so that
a change is judged by CPU time robust to other jobs on the machine (cProfile's own times mislead at this grain).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import statistics
import sys
import time
from pathlib import Path


def _load_other(base: Path, module: str):
    name = f"orchestration.extract._replay_base_{module}"
    spec = importlib.util.spec_from_file_location(name, base / "orchestration" / "extract" / f"{module}.py")
    other = importlib.util.module_from_spec(spec)
    sys.modules[name] = other  # dataclasses look their module up while the class is made
    spec.loader.exec_module(other)
    return other


def _clear_caches(module) -> None:
    for obj in vars(module).values():
        if hasattr(obj, "cache_parameters") and obj.cache_parameters()["maxsize"] not in (None, 1):
            obj.cache_clear()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module")
    parser.add_argument("function")
    parser.add_argument("--base", type=Path, required=True, help="the other checkout (holds orchestration/)")
    parser.add_argument("--caller", default="document")
    parser.add_argument("--folder", type=Path, default=Path("seeds"))
    parser.add_argument("--limit", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)

    from orchestration.extract.document import extract_document
    from orchestration.ingest.decode import decode_bulletin

    ours = importlib.import_module(f"orchestration.extract.{args.module}")
    caller = importlib.import_module(f"orchestration.extract.{args.caller}")
    other = _load_other(args.base, args.module)
    texts = [decode_bulletin(p.read_bytes()).text for p in sorted(args.folder.glob("*.txt"))[: args.limit]]

    calls = []
    recorded = getattr(caller, args.function)

    def record(*a, **k):
        calls.append((a, k))
        return recorded(*a, **k)

    setattr(caller, args.function, record)
    try:
        for text in texts:
            if text:
                extract_document(text)
    finally:
        setattr(caller, args.function, recorded)

    versions = {"base": getattr(other, args.function), "this": getattr(ours, args.function)}
    results = {name: [repr(f(*a, **k)) for a, k in calls] for name, f in versions.items()}
    if results["base"] != results["this"]:
        print("the two versions give different results", file=sys.stderr)
        return 1
    seconds: dict[str, list[float]] = {name: [] for name in versions}
    for _ in range(args.rounds):
        for name, f in versions.items():
            _clear_caches(other)
            _clear_caches(ours)
            t0 = time.process_time()
            for a, k in calls:
                f(*a, **k)
            seconds[name].append(time.process_time() - t0)
    summary = "; ".join(
        f"{name} best {min(s):.3f} s, median {statistics.median(s):.3f} s" for name, s in seconds.items()
    )
    print(f"{args.module}.{args.function}: {len(calls):,} calls; {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
