"""Parse money strings and percentages to :class:`~decimal.Decimal`.

Handles Arabic numbers (with ASCII or full-width digits, thousands separators, a space before the
unit), Chinese numerals (``三千万元``, ``一点五亿元``; via :mod:`cn2an`), mixed forms (``1.2万亿元``,
``3亿5000万元``) and the approximators 多/余 (``1000余万元`` is taken as its lower bound).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

_DIGIT_RE = re.compile("[0-9０-９]")

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，％", "0123456789.,%")

UNIT_FACTORS: dict[str, Decimal] = {
    "": Decimal(1),
    "百": Decimal(100),
    "千": Decimal(1000),
    "万": Decimal(10) ** 4,
    "十万": Decimal(10) ** 5,
    "百万": Decimal(10) ** 6,
    "千万": Decimal(10) ** 7,
    "亿": Decimal(10) ** 8,
    "万亿": Decimal(10) ** 12,
}

# Building blocks shared with amounts.py / percents.py.
DIGIT_CHARS = "0123456789０１２３４５６７８９"
DIGIT = "[0-9０-９]"
_ARABIC_TAIL = rf"(?:[,，]{DIGIT}{{3}})*(?:[.．]{DIGIT}+)?"  # after the run of digits: thousands, decimals
ARABIC = rf"{DIGIT}+{_ARABIC_TAIL}"
ARABIC_REST = rf"{DIGIT}*{_ARABIC_TAIL}"  # an Arabic number after its first digit
CN_FIRST = "零〇一二两三四五六七八九十"  # the characters a Chinese numeral opens with
CN_REST = f"[{CN_FIRST}百千万亿点]*"  # a Chinese numeral after its first character
CN_NUMERAL = f"[{CN_FIRST}]{CN_REST}"
UNIT = "(?:万亿|千万|百万|十万|亿|万|千|百)?"
# a figure as running text states it (占年初预算50,100万元的76.9%, 其余1,722万元): digits, separators, a unit, 元
STATED_AMOUNT = r"[0-9０-９][0-9０-９,.]*\s*(?:万亿|亿|万|千)?元"

# A pattern that opens with a character class lets re skip to the characters that can start a match instead of
# trying the whole pattern at every position of a bulletin (scans 2-3x faster). So a number "not preceded by a
# digit" states it after its first digit, looking two characters back (not_after), and alternatives opening
# with different classes open with their union (opened_by_class): the same matches, found faster.


def not_after(chars: str) -> str:
    """Placed right after a number's first digit: that digit does not follow a character of the class ``chars``."""
    return f"(?<![{chars}]{DIGIT})"


def opened_by_class(*branches: tuple[str, str]) -> str:
    """Alternatives, each (the class of its first character, the rest), as one pattern opening with one class."""
    union = "".join(first for first, _ in branches)
    return f"[{union}](?:{'|'.join(f'(?<=[{first}]){rest}' for first, rest in branches)})"


_MONEY_RE = re.compile(rf"^(?P<num>{ARABIC}(?:亿{ARABIC})?|{CN_NUMERAL})\s?(?P<approx>多|余)?(?P<unit>{UNIT})元$")
_PERCENT_RE = re.compile(rf"^(?P<num>{ARABIC})\s?[%％]$")
_CN_PERCENT_RE = re.compile(rf"^百分之(?P<num>{CN_NUMERAL})$")
_CN_DIGITS = set("零〇一二两三四五六七八九十百千万亿点")


def _arabic(s: str) -> Decimal:
    s = s.translate(_FULLWIDTH).replace(",", "").replace(" ", "")
    return Decimal(s)


def parse_chinese_numeral(s: str) -> Decimal:
    """``三千万`` -> 30000000, ``一点五亿`` -> 150000000, ``五百`` -> 500."""
    factor = Decimal(1)
    body = s
    if "点" in body:
        # cn2an cannot read a decimal followed by a multiplier (一点五亿): split the multiplier off.
        m = re.search("(万亿|亿|万)$", body)
        if m:
            factor = UNIT_FACTORS[m.group(1)]
            body = body[: m.start()]
    import cn2an  # imported on the first Chinese numeral: 0.2 s of a fresh process, which most texts never need

    try:
        value = cn2an.cn2an(body, "smart")
    except Exception as exc:  # cn2an raises KeyError/IndexError on malformed numerals (〇十〇), not ValueError
        raise ValueError(f"not a Chinese numeral: {s!r}") from exc
    return Decimal(str(value)) * factor


def parse_number(s: str) -> Decimal:
    """An Arabic (possibly full-width, comma-separated) or Chinese number without unit."""
    s = s.strip()
    if not s:
        raise ValueError("empty number")
    if any(ch in _CN_DIGITS for ch in s) and not _DIGIT_RE.search(s):
        return parse_chinese_numeral(s)
    try:
        return _arabic(s)
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {s!r}") from exc


def normalize_yuan(value: Decimal) -> Decimal:
    """Integer yuan when whole, else at most 2 decimal places."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    if value.as_tuple().exponent < -2:
        return value.quantize(Decimal("0.01"))
    return value


@lru_cache(maxsize=8192)  # a pure function of the string (a Decimal is immutable): figures recur (500万元)
def parse_money(text: str) -> Decimal:
    """Value in yuan of a money string such as ``1,234,567万元``, ``15.48 亿元``, ``三千万元``."""
    m = _MONEY_RE.match(text.strip())
    if not m:
        raise ValueError(f"not a money string: {text!r}")
    num = m.group("num")
    factor = UNIT_FACTORS[m.group("unit")]
    if "亿" in num and _DIGIT_RE.search(num):
        # 3亿5000万元: the part before 亿 counts in 亿, the rest in the unit.
        high, low = num.split("亿", 1)
        value = _arabic(high) * UNIT_FACTORS["亿"] + _arabic(low) * factor
    else:
        value = parse_number(num) * factor
    return normalize_yuan(value)


def parse_percent(text: str) -> Decimal:
    """``81.4%`` / ``８１．４％`` / ``百分之三十`` -> the number."""
    t = text.strip()
    m = _PERCENT_RE.match(t)
    if m:
        return _arabic(m.group("num"))
    m = _CN_PERCENT_RE.match(t)
    if m:
        return parse_chinese_numeral(m.group("num"))
    raise ValueError(f"not a percentage: {text!r}")


def reparse_amount(amount_text: str, header_unit: str | None) -> Decimal | str:
    """The value an amount's text states: with its own unit, or a table cell's bare number times the unit
    its table's header gives (单位：万元); an explanation instead when it does not parse. The warehouse's
    re-parse check and the fuzz tests judge every amount by it, independently of how it was found."""
    negative = header_unit is not None and amount_text.startswith("-")  # a table's decrease cell: -12.5
    try:
        value = parse_money(amount_text.removeprefix("-") + header_unit if header_unit else amount_text)
    except ValueError as exc:
        return f"unparseable: {exc}"
    return -value if negative else value
