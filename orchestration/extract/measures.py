"""Measure of an amount (allocation, expenditure, investment, …) from the words that govern it.

The cue words live in ``data/measure_keywords.json``. Context windows are tried from the narrowest
(text since the previous amount in the clause) to the widest (the semicolon segment of the
sentence up to the amount); in the first window holding any cue:

* a *tier* cue (per-capita, year-on-year increment, higher-level transfer, saving, loan, asset,
  revenue, procurement) anywhere in the window decides;
* else the governing *verb* nearest before the amount (安排 -> allocation, 拨付 -> expenditure …);
* else the *noun* nearest before the amount (支出 -> expenditure, 资金 -> allocation …).

A threshold (限额标准提高到…) is recognised on the whole segment; a per-unit suffix (``元/人``)
makes a per-capita figure. Amounts with no cue at all get the default (``other``) with strength
"none", so that a part of a total can take the total's measure instead.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from orchestration.extract.amounts import per_unit_suffix

_DATA = Path(__file__).parent / "data" / "measure_keywords.json"


@dataclass(frozen=True)
class MeasureCue:
    measure: str
    strength: str  # tier | verb | noun | none
    cue_start: int | None  # offset of the cue word in the text (None when no cue)
    cue_end: int | None


@dataclass(frozen=True)
class _Rules:
    tiers: tuple[tuple[str, re.Pattern], ...]
    threshold: re.Pattern
    verbs: tuple[tuple[str, re.Pattern], ...]
    nouns: tuple[tuple[str, re.Pattern], ...]
    default: str


@lru_cache(maxsize=1)
def rules() -> _Rules:
    data = json.loads(_DATA.read_text(encoding="utf-8"))
    return _Rules(
        tiers=tuple((m, re.compile(p)) for m, p in data["tiers"]),
        threshold=re.compile(data["threshold"]),
        verbs=tuple((m, re.compile(p)) for m, p in data["verbs"]),
        nouns=tuple((m, re.compile(p)) for m, p in data["nouns"]),
        default=data["default"],
    )


def _nearest(window: str, table) -> tuple[str, int, int] | None:
    best: tuple[str, int, int] | None = None
    for measure, pat in table:
        for m in pat.finditer(window):
            if best is None or m.end() > best[2] or (m.end() == best[2] and m.start() < best[1]):
                best = (measure, m.start(), m.end())
    return best


def _in_window(window: str, base: int) -> MeasureCue | None:
    r = rules()
    for measure, pat in r.tiers:
        hits = list(pat.finditer(window))
        if hits:
            m = hits[-1]
            return MeasureCue(measure, "tier", base + m.start(), base + m.end())
    hit = _nearest(window, r.verbs)
    if hit:
        return MeasureCue(hit[0], "verb", base + hit[1], base + hit[2])
    hit = _nearest(window, r.nouns)
    if hit:
        return MeasureCue(hit[0], "noun", base + hit[1], base + hit[2])
    return None


def measure_of(text: str, start: int, end: int, windows: list[int], segment_start: int) -> MeasureCue:
    """Measure of the amount text[start:end].

    ``windows`` are candidate window starts, narrowest first (e.g. previous amount end, clause
    start, segment start); each window runs up to ``start``.
    """
    if per_unit_suffix(text, end):
        return MeasureCue("per_capita", "tier", end, end + 2)
    segment = text[segment_start:start]
    th = list(rules().threshold.finditer(segment))
    if th:
        m = th[-1]
        return MeasureCue("threshold", "tier", segment_start + m.start(), segment_start + m.end())
    seen = set()
    for lo in windows:
        if lo in seen or lo > start:
            continue
        seen.add(lo)
        cue = _in_window(text[lo:start], lo)
        if cue is not None:
            return cue
    return MeasureCue(rules().default, "none", None, None)


def measure_in(window: str) -> str | None:
    """Measure named by the cue words of a free-standing phrase (a table caption, a title), or None."""
    cue = _in_window(window, 0)
    return cue.measure if cue is not None else None
