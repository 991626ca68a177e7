"""One digest of the whole provenance report, to prove that a speed-up of the rendering changed no page.

    .venv/bin/python -m bench.report_digest WAREHOUSE.duckdb [--out FOLDER] [--unchanged] [--stale N] [--profile N]

Renders the report of a published warehouse (opened read-only) into an empty folder and prints one
SHA-256 over every file's relative path and bytes: the index, the locality and bulletin pages,
plotly.min.js and the manifest of fingerprints. The fingerprints include a hash of render.py's own code
(a change to the templates re-renders every page), so the digest renders with that hash fixed: two
versions of render.py that write the same pages give the same digest. Also prints the wall time of the
render and the process's CPU time (DuckDB's threads included: steadier on a shared machine).

``--unchanged`` times a second render into a copy of the folder on the same warehouse (a refresh that
changed nothing: every fingerprint is computed, no page is stale). ``--stale N`` deletes N locality and N
bulletin pages from another copy, renders it again and checks that the digest is the first one (the
incremental path writes the same pages as a full render). ``--profile N`` prints the N costliest functions
of the first render (cProfile, cumulative).
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
    parser.add_argument("--stale", type=int, default=0, metavar="N", help="re-render N deleted pages of each kind")
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
        started, cpu_started = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        summary = render.render_report(args.database, out)
        if profiler:
            profiler.disable()
        full_s, full_cpu_s = time.perf_counter() - started, time.process_time() - cpu_started
        digest, files = folder_digest(out)
        print(
            f"digest {digest}  files {files}  pages_written {summary.pages_written}  "
            f"full render {full_s:.2f} s (CPU {full_cpu_s:.2f} s)"
        )
        if args.unchanged:
            copy = work / "copy"
            shutil.copytree(out, copy, symlinks=True)
            started = time.perf_counter()
            again = render.render_report(args.database, copy)
            unchanged_s = time.perf_counter() - started
            print(f"nothing-changed render {unchanged_s:.3f} s  pages_written {again.pages_written}")
        if args.stale:
            copy = work / "stale"
            shutil.copytree(out, copy, symlinks=True)
            for folder in ("localities", "bulletins"):
                pages = sorted((copy / folder).iterdir())
                for page in pages[:: max(1, len(pages) // args.stale)][: args.stale]:
                    page.unlink()
            started = time.perf_counter()
            again = render.render_report(args.database, copy)
            stale_s = time.perf_counter() - started
            same = folder_digest(copy)[0] == digest
            print(f"stale render {stale_s:.3f} s  pages_written {again.pages_written}  same digest: {same}")
            if not same:
                return 1
        if profiler:
            pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(args.profile)
    finally:
        shutil.rmtree(work, ignore_errors=True)  # the copies, and the report unless --out named its folder
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
