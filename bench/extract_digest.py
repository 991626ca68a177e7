"""One digest of every record the extractor produces, to prove that a speed-up changed nothing.

    .venv/bin/python -m bench.extract_digest FOLDER... [--sources CSV] [--out digests.tsv]

Every ``*.txt`` of each folder is decoded as ingest does and extracted (a folder with a ``sources.csv``
is extracted a second time with its source metadata). Each record (articles, amounts, ratios,
beneficiaries, skipped spans: every field, offsets and evidence strings included) is written out in
full; the script prints one SHA-256 over all of them and, with ``--out``, one line per text so that two
runs can be compared with ``diff`` to find the text that changed. Also prints the extraction's chars per
CPU second (one process, warmed up; CPU time, so that another job on the machine disturbs it less).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import sys
import time
from pathlib import Path


def _record_lines(extraction) -> list[str]:
    lines = []
    for table in ("articles", "amounts", "ratios", "beneficiaries", "skipped"):
        for record in getattr(extraction, table):
            lines.append(f"{table}\t{dataclasses.asdict(record)!r}")
    return lines


def _texts(folder: Path) -> list[tuple[str, str]]:
    from orchestration.ingest.decode import decode_bulletin

    out = []
    for path in sorted(folder.glob("*.txt")):
        decoded = decode_bulletin(path.read_bytes())
        if decoded.text:
            out.append((str(path), decoded.text))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", type=Path, nargs="+")
    parser.add_argument("--out", type=Path, default=None, help="write one digest per text here")
    args = parser.parse_args(argv)

    from orchestration.extract.document import extract_document
    from orchestration.extract.sources import SOURCES_FILE, read_sources

    jobs = []  # (name, text, source)
    for folder in args.folders:
        sources = read_sources(folder / SOURCES_FILE)
        for name, text in _texts(folder):
            jobs.append((name, text, None))
            if Path(name).name in sources:
                jobs.append((f"{name} +source", text, sources[Path(name).name]))

    extract_document(jobs[0][1][:200])  # load jieba and the gazetteer outside the timing
    total = hashlib.sha256()
    per_text = []
    chars = 0
    seconds = 0.0
    for name, text, source in jobs:
        t0 = time.process_time()
        extraction = extract_document(text, source)
        seconds += time.process_time() - t0
        chars += len(text)
        body = "\n".join(_record_lines(extraction)).encode("utf-8")
        total.update(name.encode("utf-8") + b"\0" + body + b"\0")
        per_text.append(f"{name}\t{hashlib.sha256(body).hexdigest()}")
    if args.out is not None:
        args.out.write_text("\n".join(per_text) + "\n", encoding="utf-8")
    print(f"{len(jobs)} extractions, {chars:,} chars, {chars / seconds:,.0f} chars per CPU second")
    print(f"digest {total.hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
