"""Counts of beneficiaries and recipient units: ``惠及1.43万人次``, ``受益村民40968名``, ``26731户``.

A count is a number (Arabic, thousands separators, optional 万) plus a counting unit from
records.BENEFICIARY_UNITS. It is a beneficiary count when its clause says so (a cue word such as
惠及, 受益, 覆盖, 救助, 带动 before it, or 受益/增收 right after it); units of organisations
(个/家/所) also need a recipient noun (企业, 行政村 …). Cue words live in
``data/beneficiary_words.json``. The subject is the noun phrase between the cue and the count
(惠及困难群众3.6万人), after the count (解决2.3万名群众), or before it (…人员8.7万人受益). The count is
linked to the nearest amount of its semicolon segment, preferring one before it and never a
per-capita figure or a threshold (a standard is not the money that reached these people).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from orchestration.extract.numbers import ARABIC_REST, DIGIT, not_after, parse_number
from orchestration.extract.text_units import clause_start

_DIGIT_RE = re.compile(r"[0-9０-９]")

_DATA = Path(__file__).parent / "data" / "beneficiary_words.json"
COUNT_RE = re.compile(
    rf"(?P<num>{DIGIT}{not_after('0-9０-９.．,，')}{ARABIC_REST})(?P<wan>万)?(?P<unit>人次|人|名|户|家|个|所|位|座)(?:（[^）]{{0,4}}）)?"
)
_FILLER_RE = re.compile(
    r"^(?:全[县区市省镇乡旗州盟]|本[县区市州旗]|共|累计|共计|合计|各类|了|全部|约|近|超|达|达到|为|的|"
    r"今年|当年|全年|去年|上年|(?:19|20)[0-9]{2}年)+"
)
_TRAIL_RE = re.compile(r"(?:共|累计|共计|合计|约|近|超过|超|达到|达|为|了|的|等|人数)+$")
# cues that name the activity of the people counted, their subject when no noun follows the cue
_ACTIVITY_CUES = ("培训", "就业", "参保")
_NOUN_AFTER_RE = re.compile(
    r"^[\u4e00-\u9fff]{1,10}?(?=[，,。；;、：:）)]|的|开展|发展|实施|建设|饮水|生活|就业|增收|参加|享受|受益|获得|领取|发放|拨付|兑现|下达|分配|$)"
)
# a noun naming people right after the count (1,105名脱贫人口公益性岗位补贴): its subject, also when the
# noun opens with a word that is a cue after a count elsewhere (8.7万人脱贫)
_PEOPLE_AFTER_RE = re.compile(
    r"^[\u4e00-\u9fff]{0,6}?(?:人口|人员|群众|农户|牧户|居民|村民|牧民|农民|学生|老人|儿童|职工|对象|家庭)"
)


@dataclass(frozen=True)
class CountSpan:
    start: int
    end: int
    text: str
    value: Decimal
    unit: str
    subject: str | None


@dataclass(frozen=True)
class _Words:
    cues: re.Pattern
    after: re.Pattern
    unit_subjects: re.Pattern
    not_unit_after: re.Pattern
    provided_after: re.Pattern


@lru_cache(maxsize=1)
def _words() -> _Words:
    d = json.loads(_DATA.read_text(encoding="utf-8"))
    return _Words(
        re.compile(d["cues"]),
        re.compile(d["after"]),
        re.compile(d["unit_subjects"]),
        re.compile(d["not_unit_after"]),
        re.compile(d["provided_after"]),
    )


def _clean(s: str) -> str:
    s = s.strip(' \u3000“”"')
    prev = None
    while prev != s:
        prev = s
        s = _FILLER_RE.sub("", s)
        s = _TRAIL_RE.sub("", s)
    return s


def find_counts(text: str, start: int, end: int) -> list[CountSpan]:
    w = _words()
    out: list[CountSpan] = []
    for m in COUNT_RE.finditer(text, start, end):
        unit = m.group("unit")
        after = text[m.end() : m.end() + 6]
        if w.not_unit_after.match(text[m.end("unit") : m.end("unit") + 3]):
            continue
        if _DIGIT_RE.match(text[m.end() : m.end() + 1]):
            continue
        cl = clause_start(text, start, m.start())
        clause = text[cl : m.start()]
        cues = list(w.cues.finditer(clause))
        # 为1.9万户农户提供风险保障: the people something is provided for, named after the count
        provided_for = clause.endswith("为") and bool(w.provided_after.match(text[m.end("unit") : m.end("unit") + 8]))
        cue_after = bool(w.after.match(after)) or provided_for
        if not cues and not cue_after:
            continue
        subject = ""
        if cues:
            subject = _clean(clause[cues[-1].end() :])
            if not subject and cues[-1].group(0) in _ACTIVITY_CUES:
                subject = cues[-1].group(0)  # 培训1,200人次, 参保人数46.68万人: the activity names who is counted
        if not subject:
            n = _NOUN_AFTER_RE.match(text[m.end() : m.end() + 12])
            if n and not cue_after:
                subject = _clean(n.group(0))
        if not subject and cue_after:
            people = _PEOPLE_AFTER_RE.match(text[m.end() : m.end() + 12])
            subject = _clean(people.group(0) if people else clause)
        if not subject and cues:
            head = _clean(clause[: cues[-1].start()])
            subject = head[-8:] if head else ""
        if unit in ("个", "家", "所", "座") and not w.unit_subjects.search(subject or ""):
            continue
        try:
            value = parse_number(m.group("num"))
        except ValueError:
            continue
        if m.group("wan"):
            value *= 10000
        value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value
        count_text = text[m.start() : m.end("unit")]
        out.append(CountSpan(m.start(), m.end("unit"), count_text, value, unit, subject or None))
    return out
