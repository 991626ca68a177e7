"""One digest of the whole provenance report, to prove that a speed-up of the rendering changed no page.

    .venv/bin/python -m bench.report_digest WAREHOUSE.duckdb [--out FOLDER] [--unchanged] [--profile N]

Renders the report of a published warehouse (opened read-only) into an empty folder and prints one
SHA-256 over every file's relative path and bytes: the index, the locality and bulletin pages,
plotly.min.js and the manifest of fingerprints. The fingerprints include a hash of render.py's own code
(a change to the templates re-renders every page), so the digest renders with that hash fixed: two
versions of render.py that write the same pages give the same digest. Also prints the wall time of
the render and, with ``--unchanged``, of a second render into a copy of the folder on the same
warehouse (a refresh that changed nothing: every fingerprint is computed, no page is stale).
``--profile N`` prints the N costliest functions of the first render (cProfile, cumulative).
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

FIXED_RENDER_VERSION = "report-digest"


def folder_digest(folder: Path) -> tuple[str, int]:
    """SHA-256 over every file's relative path and bytes (the lock file excluded), and the file count."""
    total, count = hashlib.sha256(), 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != ".lock"):
        data = path.read_bytes()
        total.update(f"{path.relative_to(folder).as_posix()}\0{len(data)}\0".encode())
        total.update(data)
        count += 1
    return total.hexdigest(), count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path)
    parser.add_argument("--out", type=Path, default=None, help="render here (must be absent or empty)")
    parser.add_argument("--unchanged", action="store_true", help="also time a render that finds nothing stale")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="profile the render, print N rows")
    args = parser.parse_args(argv)

    from orchestration.report import render

    render.RENDER_VERSION = FIXED_RENDER_VERSION
    work = Path(tempfile.mkdtemp(prefix="report-digest-"))
    out = args.out or work / "report"
    if out.exists() and any(out.iterdir()):
        parser.error(f"{out} is not empty")
    try:
        profiler = cProfile.Profile() if args.profile else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        summary = render.render_report(args.database, out)
        if profiler:
            profiler.disable()
        full_s = time.perf_counter() - started
        digest, files = folder_digest(out)
        print(f"digest {digest}  files {files}  pages_written {summary.pages_written}  full render {full_s:.2f} s")
        if args.unchanged:
            copy = work / "copy"
            shutil.copytree(out, copy, symlinks=True)
            started = time.perf_counter()
            again = render.render_report(args.database, copy)
            unchanged_s = time.perf_counter() - started
            print(f"nothing-changed render {unchanged_s:.3f} s  pages_written {again.pages_written}")
        if profiler:
            pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(args.profile)
    finally:
        if args.out is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
