"""Percentages: ``81.4%``, ``13.29％``, ``百分之三十``, with kind and a short description.

kind: ``growth`` (year-on-year change: 增长/下降/同比/比上年), ``share`` (part of a whole: 占, 比重,
比例, 红线, 用于), ``rate`` (…率, 进度: completion, execution, coverage, saving rates), else ``other``.
``of_what`` is the clause text before the figure, cleaned of fillers, with ``(以上)``/``(超过)`` when
a lower-bound qualifier goes with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from orchestration.extract.numbers import (
    ARABIC_REST,
    CN_NUMERAL,
    STATED_AMOUNT,
    not_after,
    opened_by_class,
    parse_percent,
)
from orchestration.extract.records import WHOLE_YEAR_PERIODS

_RATE_WORD_RE = re.compile(r"率|进度")
# the plan or ceiling a rate is of, with its amount when the text states it (占年初预算10,065万元的43.2%,
# 为债务限额的97.0%)
_PLAN_AMOUNT = f"(?:{STATED_AMOUNT})?"
_OF_PLAN_RE = re.compile(rf"(?:预算|计划|任务|限额)数?{_PLAN_AMOUNT}的$")
_GROWTH_AFTER_RE = re.compile(r"[^，。；]{0,4}(?:的)?(?:增长|增幅)")
# …的比例, 用于…; a part moved or paid over (将30%即738万元调入一般公共预算, 按…30%上缴): a share of its whole
_SHARE_AFTER_RE = re.compile(r"[^，。；]{0,8}(?:红线|比例|比重|以内|上限|用于|占|调入|调出|上缴|上交)")
# a proportion of a named amount (按照企业设备投资额的8%给予奖补): a rate whose denominator is that amount
_PROPORTION_RE = re.compile(r"按(?:照)?(?P<b>[^，。；,按的0-9０-９]{2,16})的$")
_ABOVE_RE = re.compile(r"\s?以上")
_OVER_RE = re.compile(r"(?:超过|超)$")

# an Arabic number not after a digit or point with %, or 百分之 and a Chinese numeral
PERCENT_RE = re.compile(
    opened_by_class(("0-9０-９", rf"{not_after('0-9０-９.．')}{ARABIC_REST}\s?[%％]"), ("百", f"分之{CN_NUMERAL}"))
)

_GROWTH_RE = re.compile(
    r"(?:增长|下降|增加|减少|增幅|降幅|提高|回落|上涨|下滑|增收|减收|同比|环比|比上年|较上年|比去年|较去年)"
    r"[^，。；,]{0,6}$"
)
_SHARE_RE = re.compile(r"占|比重|比例|红线|份额|用于|以内|不超过|不低于|超过|上限")
_RATE_RE = re.compile(r"率|进度|覆盖|完成|达标|执行|兑现|到位")
_FILLER_RE = re.compile(
    r"^(?:同时|其中|全年|全县|全区|全市|累计|截至[^，]{0,8}|(?:19|20)[0-9]{2}年(?:度)?|今年以来|今年|当年|"
    r"[0-9一二三四五六七八九十]+月(?:底|末|份)?)+"
)
_TRAIL_RE = re.compile(r"(?:为|达到|达|是|均|已|约|共|分别为|分别|了|的)+$")


@dataclass(frozen=True)
class PercentSpan:
    start: int
    end: int
    text: str
    value: Decimal


# Every PERCENT_RE match holds one of these: a body without any (a quarter of them) is not scanned.
_PERCENT_SIGNS = ("%", "％", "百分之")


def has_percent_sign(text: str, start: int, end: int) -> bool:
    return any(text.find(sign, start, end) >= 0 for sign in _PERCENT_SIGNS)


def find_percents(text: str, start: int, end: int) -> list[PercentSpan]:
    out = []
    if not has_percent_sign(text, start, end):
        return out
    for m in PERCENT_RE.finditer(text, start, end):
        try:
            value = parse_percent(m.group(0))
        except (ValueError, ArithmeticError):
            continue
        out.append(PercentSpan(m.start(), m.end(), m.group(0), value))
    return out


# a cut of spending (一般性支出压减5%以上, 压减比例为20%): a rate, of the spending named before or after the verb
_CUT_VERB = "(?:压减|压缩|削减)"
_CUT_TAIL = r"(?:比例|幅度)?(?:为|达到|达|是)?\s*$"  # 压减比例为20%: the verb's measure word, then the figure
_CUT_RE = re.compile(rf"{_CUT_VERB}(?:[\u4e00-\u9fff]{{2,12}}?)?{_CUT_TAIL}")
_CUT_BASE_RE = re.compile(
    rf"(?:(?P<before>[\u4e00-\u9fff]{{2,12}}?){_CUT_VERB}|{_CUT_VERB}(?!比例|幅度)(?P<after>[\u4e00-\u9fff]{{2,12}}?))"
    + _CUT_TAIL
)
_CUT_BASE_FILLER_RE = re.compile(r"^(?:全年|今年|明年|全[县区市州旗]|继续|进一步|力争|确保|将|再)+")
_CUT_BASE_TRAIL_RE = re.compile(r"(?:继续|进一步|将|再|均|也)+$")
# the year a cut applies to is no part of the spending cut: an adverbial (…支出在2024年预算中再压减) goes, and a
# bare year (单位的2024年项目预算压减) ends the words before it
_CUT_IN_YEAR_RE = re.compile(r"在(?:19|20)[0-9]{2}年度?[\u4e00-\u9fff]{0,6}?中")
_CUT_YEAR_RE = re.compile(r"(?:19|20)[0-9]{2}年度?")


def classify(before: str, after: str) -> str:
    """Kind of a percentage from the clause before it and the few characters after it."""
    if _GROWTH_RE.search(before):
        return "growth"
    if _CUT_RE.search(before):
        return "rate"
    if _RATE_WORD_RE.search(before[-12:]) or _OF_PLAN_RE.search(before) or _PROPORTION_RE.search(before):
        return "rate"
    if _SHARE_RE.search(before):
        return "share"
    if _GROWTH_AFTER_RE.match(after):
        return "growth"
    if _SHARE_AFTER_RE.match(after):
        return "share"
    if _RATE_RE.search(before):
        return "rate"
    return "other"


def describe(before: str, after: str) -> str | None:
    s = _FILLER_RE.sub("", before.strip(" ，,"))
    s = _TRAIL_RE.sub("", s)
    s = s.replace("“", "").replace("”", "").replace("\n", "")
    qual = ""
    if _ABOVE_RE.match(after):
        qual = "(以上)"
    elif _OVER_RE.search(before):
        qual = "(超过)"
        s = _TRAIL_RE.sub("", _OVER_RE.sub("", s))
    s = s[-30:]
    return (s + qual) if s else None


_CLAUSE_END_RE = re.compile(r"[，。；,;：:]")
_QUALIFIER_AFTER_RE = re.compile(r"^\s?(?:以上|以内|左右)?的?")


def describe_percent(before: str, after: str, subject: str | None) -> str | None:
    """``of_what``: what the percentage measures, in the text's words.

    The clause before the figure; when that clause is two characters or fewer (强化10%支出红线,
    80%以上的财政支出用于民生领域), the figure's own clause after it if it says anything. A description
    that starts with 占 lost its subject to an earlier clause (民生支出35.9亿元，占一般公共预算支出的
    81.4%): ``subject``, what that clause names before its amount (subject_before), completes it.
    """
    described = describe(before, after)
    if len(before) <= 2:
        own_clause = _CLAUSE_END_RE.split(after, maxsplit=1)[0]
        described = describe(_QUALIFIER_AFTER_RE.sub("", own_clause), after) or described
    if described and described.startswith("占") and subject:
        return subject + described
    return described


_SUBJECT_TRAIL_RE = re.compile(r"(?:累计|共计|合计|完成|实现|达到|达|为|是|共|约)+$")


def subject_before(clause: str) -> str | None:
    """What a clause names before its amount: 全年全县民生类支出完成(35.9亿元) -> 民生类支出."""
    subject = _SUBJECT_TRAIL_RE.sub("", _FILLER_RE.sub("", clause.strip(" ，,"))).replace("“", "").replace("”", "")
    return subject if len(subject) >= 2 else None


# The whole of a share is the noun phrase after its last 占: it ends at 的, 比重/比例, a figure (占预算
# 101032万元的) or a bracket, never takes them in (占财政支出的比重超七成( -> 财政支出).
_SHARE_BASE_RE = re.compile(
    r"占(?:同期|当年|全年|全[县区市])?(?P<b>[^，。；,占的()（）0-9０-９]{2,24}?)"
    r"(?=的|(?:最高|最低)?(?:比重|比例)|[0-9０-９(（]|(?:均)?(?:为|达到|达|是|控制在|不超过|不低于)?$)"
)
_RATE_BASE_RE = re.compile(
    rf"(?P<b>(?:年初|调整|年度|全年)?预算|计划|目标任务|任务|(?:债务|政府债务)?限额)(?:数)?{_PLAN_AMOUNT}的$"
)
# A standing limit (支出红线, 控制在10%以内): a rule, not a figure of the year around it.
_CAP_BEFORE_RE = re.compile(r"(?:控制在|不超过|不得超过|不高于|上限为?|红线为?)$")
_CAP_AFTER_RE = re.compile(r"(?:的)?(?:支出)?(?:红线|上限)")


def is_standing_cap(before: str, after: str) -> bool:
    return bool(_CAP_BEFORE_RE.search(before) or _CAP_AFTER_RE.match(after))


_MONEY_RATE_RE = re.compile(r"进度|支出率|执行率|拨付率|到位率|节约率")
# the budget's execution (spent over budgeted); a review's cut (审减 over the amount submitted)
_BUDGET_EXECUTION_RATE_RE = re.compile(r"预算(?:执行|完成)率")
_REVIEW_CUT_RATE_RE = re.compile(r"[核审]减率")
# what a review's cut is of, as its sentence names it (送审金额X, 涉及资金X): never a word the text does not use
_REVIEWED_MONEY_RE = re.compile(r"送审金额|送审|涉及资金|审核金额|评审金额|申报金额")
# a money rate whose clause names the money (力争直达资金支出进度达到95%): that money is the denominator
_NAMED_MONEY_RATE_RE = re.compile(
    r"(?P<b>[\u4e00-\u9fff]{0,10}?(?:资金|经费|债券))的?(?:支出|拨付|支付|执行|到位|使用)(?:进度|率)"
)
_AIM_RE = re.compile(r"^(?:力争|确保|争取|年底前|年内|到年底|全年|今年|全[县区市州旗]|截至[^，,]{0,8})+")
_MONEY_NOUN_RE = re.compile(r"资金|经费|预算|金额|收入|支出|款|基金")
_AGGREGATE_RE = re.compile(r"([\u4e00-\u9fff]{0,6}(?:收入|支出))(?:完成|达到|达|为|共计|合计)?[0-9０-９]")


def base_of(kind: str, before: str, sentence_before: str, period: str, amounts: list) -> str | None:
    """What a percentage is relative to: the whole of a share, the reference of a growth, the
    denominator of a rate (see records.Ratio.base). ``before``: its clause up to the figure;
    ``sentence_before``: its sentence up to the figure; ``amounts``: the amounts before it there."""
    if kind == "growth":
        if re.search(r"(?:比|较|与)(?:上年|去年)末", sentence_before):
            return "上年末"
        if re.search(r"同比|上年同期|去年同期|同期", sentence_before) or period not in WHOLE_YEAR_PERIODS:
            return "上年同期"
        if re.search(r"环比", before):
            return "上期"
        return "上年"
    if kind == "share":
        wholes = [m.group("b") for m in _SHARE_BASE_RE.finditer(before)]
        if wholes:
            return wholes[-1]  # the last 占, the one nearest the figure
        k = sentence_before.rfind("其中")
        if k > 0:
            aggs = _AGGREGATE_RE.findall(sentence_before[:k])
            if aggs:
                return re.sub(r"^(?:全[县区市]|本级)", "", aggs[-1])
        return None
    if kind == "rate":
        m = _RATE_BASE_RE.search(before)
        if m:
            return m.group("b")
        if _BUDGET_EXECUTION_RATE_RE.search(before[-12:]):
            return "预算"
        proportion = _PROPORTION_RE.search(before)
        if proportion:
            return proportion.group("b")
        cut = None
        if _CUT_RE.search(before):
            cut = _CUT_BASE_RE.search(_CUT_YEAR_RE.sub("，", _CUT_IN_YEAR_RE.sub("", before)))
        if cut:
            spending = _CUT_BASE_FILLER_RE.sub("", cut.group("before") or cut.group("after") or "")
            spending = _CUT_BASE_TRAIL_RE.sub("", spending)
            if len(spending) >= 2:
                return spending
        if _REVIEW_CUT_RATE_RE.search(before[-12:]):
            reviewed = _REVIEWED_MONEY_RE.findall(sentence_before)
            return ("送审金额" if reviewed[-1] == "送审" else reviewed[-1]) if reviewed else None
        named = _NAMED_MONEY_RATE_RE.search(before)
        money = _AIM_RE.sub("", named.group("b")) if named else ""
        if money:
            return money
        # The first amount's program is the denominator only of a money rate (支出进度 of 直达资金),
        # not of 开工率 or 参保率, and only when it names money rather than an activity.
        if amounts and _MONEY_RATE_RE.search(before[-12:]):
            program = amounts[0].program_name
            if program and _MONEY_NOUN_RE.search(program):
                return program
        return None
    return None
