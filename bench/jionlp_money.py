"""Baseline for `make bench`: JioNLP's ``extract_money`` (amounts only) over a folder of bulletins.

Run as its own process so that JioNLP's import cost and memory stay out of our figures; prints one
JSON object: texts, chars, amounts found, import seconds, warm-up seconds, extraction seconds (the
loop over the texts only, files already read and decoded), chars/s and the process's peak RSS.

    .venv/bin/python -m bench.jionlp_money /path/to/corpus

JioNLP 1.5.31 exposes it as ``jionlp.ner.extract_money(text, with_parsing=True)``; parsing is left on
(the default) because our extractor also turns each amount into a value.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import resource
import sys
import time
from pathlib import Path


def read_texts(folder: Path) -> list[str]:
    texts = []
    for path in sorted(folder.glob("*.txt")):
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                texts.append(raw.decode(encoding))
                break
            except UnicodeDecodeError:
                continue
    return texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--no-parsing", action="store_true", help="with_parsing=False (spans only)")
    args = parser.parse_args(argv)
    texts = read_texts(args.folder)

    t0 = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # JioNLP prints a banner on import
        import jionlp
    import_s = time.perf_counter() - t0
    extract_money = jionlp.ner.extract_money
    with_parsing = not args.no_parsing

    t0 = time.perf_counter()
    extract_money("安排专项资金1000万元。", with_parsing=with_parsing)  # lazy set-up on first call
    warmup_s = time.perf_counter() - t0

    amounts = 0
    t0 = time.perf_counter()
    for text in texts:
        amounts += len(extract_money(text, with_parsing=with_parsing))
    seconds = time.perf_counter() - t0
    chars = sum(len(t) for t in texts)
    result = {
        "tool": f"jionlp {getattr(jionlp, '__version__', '?')} ner.extract_money(with_parsing={with_parsing})",
        "texts": len(texts),
        "chars": chars,
        "amounts": amounts,
        "import_seconds": round(import_s, 3),
        "warmup_seconds": round(warmup_s, 3),
        "seconds": round(seconds, 3),
        "chars_per_s": round(chars / seconds) if seconds else None,
        "bulletins_per_s": round(len(texts) / seconds, 2) if seconds else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
