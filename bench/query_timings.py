"""How fast an analyst's questions come back: the README's example queries and `fiscal` commands, timed.

    python -m bench.query_timings WAREHOUSE_DIR [--runs 7] [--no-cli]

Each SQL block of the README's "Example queries" section runs ``--runs`` times on the published
``warehouse.duckdb`` (read-only, one connection, every row fetched, as `fiscal query --csv` would),
after one untimed run that warms DuckDB's and the OS's caches the way an analyst's second query finds
them. ``fiscal`` commands run as processes, as an analyst starts them (Python start-up included).
Prints the median and the worst of the timed runs; ``run_bench`` calls it after each full build.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
QUERY_TARGET_MS = 200.0


def readme_queries(readme: Path = PROJECT_ROOT / "README.md") -> list[tuple[str, str]]:
    """(title, SQL) of each numbered example under "## Example queries"."""
    text = readme.read_text(encoding="utf-8")
    section = text.split("## Example queries", 1)[1].split("\n## ", 1)[0]
    found = re.findall(r"^(\d+)\. (.+?)\n(?:.*?\n)*?\s*```sql\n(.*?)```", section, flags=re.M | re.S)
    return [(f"{number}. {title.strip().rstrip(':')}", sql.strip()) for number, title, sql in found]


def time_queries(database: Path, runs: int) -> list[dict]:
    import duckdb

    results = []
    with duckdb.connect(str(database), read_only=True) as con:
        for title, sql in readme_queries():
            rows = len(con.execute(sql).fetchall())  # warm-up, untimed
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                con.execute(sql).fetchall()
                times.append((time.perf_counter() - started) * 1000)
            results.append(_figures(title, times, rows=rows))
    return results


def some_amount_id(database: Path) -> str | None:
    import duckdb

    with duckdb.connect(str(database), read_only=True) as con:
        row = con.execute("select amount_id from fct_amount order by amount_id limit 1").fetchall()
    return row[0][0] if row else None


def time_cli(warehouse_dir: Path, runs: int) -> list[dict]:
    """`fiscal` commands as processes, against the warehouse folder (status, query, explain)."""
    fiscal = Path(sys.executable).parent / "fiscal"
    env = {**os.environ, "WAREHOUSE_DIR": str(warehouse_dir)}
    commands = [
        ["status"],
        ["query", "select province, count(*) from fct_amount join dim_locality using (locality_code) group by 1"],
    ]
    if amount_id := some_amount_id(warehouse_dir / "warehouse.duckdb"):
        commands.append(["explain", amount_id])
    results = []
    for command in commands:
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            done = subprocess.run([str(fiscal), *command], env=env, capture_output=True, text=True)
            times.append((time.perf_counter() - started) * 1000)
        title = "fiscal " + " ".join(command[:1] + [c[:40] + "…" if len(c) > 40 else c for c in command[1:]])
        results.append(_figures(title, times, exit_code=done.returncode))
    return results


def _figures(title: str, times_ms: list[float], **extra) -> dict:
    return {
        "what": title,
        "median_ms": round(statistics.median(times_ms), 1),
        "worst_ms": round(max(times_ms), 1),
        "runs": len(times_ms),
        **extra,
    }


def print_timings(rows: list[dict]) -> None:
    for row in rows:
        note = f"{row['rows']:>9,} rows" if "rows" in row else f"exit {row.get('exit_code')}"
        print(f"  {row['what'][:60]:60s} median {row['median_ms']:8.1f} ms  worst {row['worst_ms']:8.1f} ms  {note}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse_dir", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-cli", action="store_true", help="only the SQL")
    args = parser.parse_args(argv)
    queries = time_queries(args.warehouse_dir / "warehouse.duckdb", args.runs)
    print("README example queries (published warehouse, read-only):")
    print_timings(queries)
    if not args.no_cli:
        print("fiscal commands (processes):")
        print_timings(time_cli(args.warehouse_dir, max(3, args.runs // 2)))
    slow = [q["what"] for q in queries if q["median_ms"] > QUERY_TARGET_MS]
    print(f"queries over {QUERY_TARGET_MS:g} ms median: {', '.join(slow) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
