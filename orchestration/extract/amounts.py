"""Find money spans: a number immediately followed by a yuan unit.

The span is exactly number + unit (``1000万元``, ``15.48 亿元``, ``三千万元``, ``1000余万元``): no
leading verb, no trailing 以上/左右. Quantities in other units (万亩, 平方米, 人次, 万人, 份), years,
and document numbers never match, because the unit must end in 元. Foreign currencies and vague
Chinese quantities (数十万元) are reported as skipped spans instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from orchestration.extract.numbers import (
    ARABIC,
    ARABIC_REST,
    CN_FIRST,
    CN_NUMERAL,
    CN_REST,
    UNIT,
    not_after,
    opened_by_class,
    parse_money,
)

_SLASHES = ("/", "／")
_PER_UNIT_RE = re.compile(r"\s?[/／](?:人|月|年|生|户|亩|名|位|次|天|日|吨|平方米|个)")

# an Arabic number not after a digit or point (3亿5000万元 is one figure), or a Chinese numeral
_MONEY_NUMBER = opened_by_class(
    ("0-9０-９", rf"{not_after('0-9０-９.．')}{ARABIC_REST}(?:亿{ARABIC}(?=[ \u3000]?(?:多|余)?万元))?"),
    (CN_FIRST, CN_REST),
)
MONEY_RE = re.compile(rf"(?P<num>{_MONEY_NUMBER})(?P<sp>[ \u3000\u00a0]?)(?P<approx>多|余)?(?P<unit>{UNIT})元")
FOREIGN_RE = re.compile(
    rf"(?<![0-9０-９.．])(?:{ARABIC}|{CN_NUMERAL})\s?(?:多|余)?{UNIT}(?:美元|港元|港币|欧元|日元|英镑|卢布)"
)
# Every FOREIGN_RE match holds one of these: a text without any (almost all) is not scanned for foreign money.
# One scan for all of them (its alternatives open with literals: re skips to their first characters), not one each.
_FOREIGN_UNIT_RE = re.compile("美元|港元|港币|欧元|日元|英镑|卢布")
# 元 starting a word rather than being the unit: 一元化, 二元结构, 多元 …
_NOT_UNIT_AFTER = ("化", "论", "结构", "复始", "素", "宵", "旦")
_VAGUE_BEFORE = "数几上成"
_CN_DIGIT_START = set("零〇一二两三四五六七八九十")


class MoneySpan(NamedTuple):
    """A money span (a named tuple: one per figure of a bulletin, cheaper to build than a dataclass)."""

    start: int
    end: int
    text: str
    yuan: Decimal
    # a table cell's unit stated once in its table's header (万元), its text being a bare number; "" when
    # the unit is written with the number
    header_unit: str = ""


@dataclass(frozen=True)
class Rejected:
    start: int
    end: int
    text: str
    reason: str


def find_money(text: str, start: int = 0, end: int | None = None) -> tuple[list[MoneySpan], list[Rejected]]:
    """All money spans in text[start:end] plus money-like spans rejected with a reason."""
    if end is None:
        end = len(text)
    found: list[MoneySpan] = []
    rejected: list[Rejected] = []
    region = text[start:end]
    for m in MONEY_RE.finditer(region):
        s, e = start + m.start(), start + m.end()
        span_text = m.group(0)
        num = m.group("num")
        after = text[e : e + 2]
        if after.startswith(_NOT_UNIT_AFTER):
            continue
        is_cn = num[0] in _CN_DIGIT_START
        if is_cn:
            before = text[s - 1] if s > 0 else ""
            if before in _VAGUE_BEFORE:
                rejected.append(Rejected(s, e, span_text, "vague Chinese quantity (数十/几十…)"))
                continue
            if len(num) == 1 and not m.group("unit"):
                rejected.append(Rejected(s, e, span_text, "single Chinese numeral before 元 (ambiguous)"))
                continue
        try:
            yuan = parse_money(span_text)
        except (ValueError, ArithmeticError):
            rejected.append(Rejected(s, e, span_text, "unparseable number"))
            continue
        found.append(MoneySpan(s, e, span_text, yuan))
    for m in FOREIGN_RE.finditer(region) if _FOREIGN_UNIT_RE.search(region) else ():
        rejected.append(Rejected(start + m.start(), start + m.end(), m.group(0), "foreign currency"))
    return found, rejected


def per_unit_suffix(text: str, end: int) -> bool:
    """``420元/人/月``, ``50元/亩``: the amount is a rate per person/unit."""
    # asked for every figure: most are followed by neither a slash nor a blank, which no match opens without
    following = text[end : end + 1]
    if following not in _SLASHES and not following.isspace():
        return False
    return bool(_PER_UNIT_RE.match(text[end : end + 4]))
