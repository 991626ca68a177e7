"""Map an amount's purpose to a 类-level code of the expenditure functional classification (支出功能分类).

Data files (edit these, not the code):

* ``data/function_classes.csv`` (code,name): the 类 list of the 2021+ classification.
* ``data/function_keywords.csv`` (keyword,function_code,priority,note): keyword -> class. Every keyword
  contained in the text is a hit; the highest ``priority`` wins, then the longest keyword. An empty
  ``function_code`` marks words that make an amount *not* the spending of one functional area
  (民生 aggregates, budget totals, project total investment, asset stocks, loans, ...). Priorities:
  100 class names, 90 cross-area aggregates and non-spending volumes, 80 specific phrases that
  override a generic word (医疗救助 over 救助), 60 area keywords, 45 generic non-spending words,
  30-40 generic area words (企业, 产业, 农村, 创新).
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")
CLASSES_FILE = DATA_DIR / "function_classes.csv"
KEYWORDS_FILE = DATA_DIR / "function_keywords.csv"

# measures whose amounts are never the spending of one functional area
NON_SPENDING_MEASURES = {
    "procurement": "procurement volume",
    "saving": "saving",
    "threshold": "threshold",
    "per_capita": "per-capita figure",
    "financing": "financing/loan",
    "revenue": "revenue",
}
# no-code keywords below this priority are generic: the sentence may still name one area
WEAK_EXCLUSION_PRIORITY = 60
# in an investment sentence these mean project/fund investment volumes, not fiscal outlays
_INVESTMENT_VOLUME_RE = re.compile(r"总投资|投资额|投资总额|完成投资|计划投资|累计投资|实缴|出资|子基金|直投|送审|基金")


@dataclass(frozen=True)
class _Keyword:
    keyword: str
    code: str | None
    priority: int
    note: str


def _read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@functools.cache
def _class_rows() -> tuple[tuple[str, str], ...]:
    return tuple((r["code"].strip(), r["name"].strip()) for r in _read_csv(CLASSES_FILE))


@functools.cache
def _keywords() -> tuple[_Keyword, ...]:
    out = []
    classes = dict(_class_rows())
    for r in _read_csv(KEYWORDS_FILE):
        code = (r.get("function_code") or "").strip() or None
        if code is not None and code not in classes:
            raise ValueError(f"{KEYWORDS_FILE.name}: unknown function_code {code!r} for {r['keyword']!r}")
        out.append(_Keyword(r["keyword"].strip(), code, int(r["priority"]), (r.get("note") or "").strip()))
    # best first: priority, then length
    out.sort(key=lambda k: (-k.priority, -len(k.keyword)))
    return tuple(out)


FUNCTION_CLASSES: dict[str, str] = dict(_class_rows())


def function_class_rows() -> list[dict]:
    """The class list for the warehouse (``code``/``name``, also as ``function_code``/``function_name``)."""
    return [{"code": c, "name": n, "function_code": c, "function_name": n} for c, n in _class_rows()]


def function_keyword_rows() -> list[dict]:
    """The keyword table as stored in ``data/function_keywords.csv`` (file order)."""
    return [
        {
            "keyword": r["keyword"],
            "function_code": (r.get("function_code") or "").strip() or None,
            "priority": int(r["priority"]),
            "note": (r.get("note") or "").strip() or None,
        }
        for r in _read_csv(KEYWORDS_FILE)
    ]


def best_keyword(text: str | None, skip_weak_exclusions: bool = False) -> _Keyword | None:
    """The winning keyword contained in ``text`` (highest priority, then longest), or None.

    With ``skip_weak_exclusions``, generic no-code words (priority < WEAK_EXCLUSION_PRIORITY) are
    ignored, so that an area word of lower priority can decide.
    """
    if not text:
        return None
    index = _keyword_index()
    best_rank = index.size
    best = None
    # Same answer as trying every keyword best first, but only keywords whose first character occurs.
    for candidates in [index.always, *(index.by_first[c] for c in set(text) & index.by_first.keys())]:
        for rank, kw in candidates:  # each list sorted best first
            if rank >= best_rank:
                break
            if skip_weak_exclusions and kw.code is None and kw.priority < WEAK_EXCLUSION_PRIORITY:
                continue
            if kw.keyword in text:
                best_rank, best = rank, kw
                break
    return best


@dataclass(frozen=True)
class _KeywordIndex:
    size: int  # number of keywords: a rank beyond any
    always: list[tuple[int, _Keyword]]  # empty keywords (contained in any text)
    by_first: dict[str, list[tuple[int, _Keyword]]]  # by first character, each list in rank order


@functools.cache
def _keyword_index() -> _KeywordIndex:
    keywords = _keywords()
    by_first: dict[str, list[tuple[int, _Keyword]]] = {}
    always = []
    for rank, kw in enumerate(keywords):
        if kw.keyword:
            by_first.setdefault(kw.keyword[0], []).append((rank, kw))
        else:
            always.append((rank, kw))
    return _KeywordIndex(len(keywords), always, by_first)


UNMAPPED = "unmapped: "  # spending whose area no keyword names: list these in a warehouse check
NOT_ONE_AREA = "not one area: "  # deliberately empty: aggregates, per-capita figures, thresholds, …


def _verdict(kw: _Keyword, where: str) -> tuple[str | None, str]:
    if kw.code is None:
        reason = kw.note or "not one area's spending"
        return None, f"{NOT_ONE_AREA}{where}keyword {kw.keyword} -> none ({reason})"
    return kw.code, f"{where}keyword {kw.keyword} -> {kw.code}"


def classify_program(program_name: str | None, sentence: str, measure: str) -> tuple[str | None, str]:
    """(类 code or None, evidence) for an amount with this purpose, sentence and measure.

    None for amounts that are not the spending of one functional area: non-spending measures
    (procurement, saving, threshold, per_capita, financing, revenue), project or fund investment
    volumes, and purposes matching a no-code keyword (民生支出, 一般公共预算支出, 国有资产, ...).
    The program name decides first; the sentence is a lower-confidence fallback (evidence starts
    with ``sentence``). Evidence of an empty code starts with ``not one area:`` when the emptiness
    is deliberate and with ``unmapped:`` when no keyword matched (``(None, "unmapped: no keyword
    matched")``): spending of an unknown area, to be listed by a check and added to the keyword data.
    """
    measure = (measure or "").strip()
    if measure in NON_SPENDING_MEASURES:
        return None, f"{NOT_ONE_AREA}measure {measure}: {NON_SPENDING_MEASURES[measure]}"
    program = (program_name or "").strip()
    sentence = sentence or ""
    kw = best_keyword(program)
    if measure == "investment":
        m = _INVESTMENT_VOLUME_RE.search(program) or _INVESTMENT_VOLUME_RE.search(sentence)
        if m and not (kw is not None and kw.code is not None and kw.priority >= 80):
            return None, f"{NOT_ONE_AREA}investment volume ({m.group(0)})"
    if kw is not None:
        if kw.code is None and kw.priority < WEAK_EXCLUSION_PRIORITY:
            # a generic word (上级补助, 转移支付, 基本建设): the sentence may still name the area
            skw = best_keyword(sentence, skip_weak_exclusions=True)
            if skw is not None and skw.code is not None:
                code, evidence = _verdict(skw, "sentence ")
                return code, f"{evidence} (program word {kw.keyword} is generic)"
        return _verdict(kw, "")
    if program and measure == "investment":
        return None, f"{UNMAPPED}investment in a project without an area keyword"
    kw = best_keyword(sentence)
    if kw is not None:
        return _verdict(kw, "sentence ")
    return None, f"{UNMAPPED}no keyword matched"
