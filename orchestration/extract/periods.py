"""Period of a figure (records.PERIODS): which part of its fiscal year it covers.

The nearest period cue before the figure in its sentence decides; a sentence without one takes the
last cue of the earlier sentences of its paragraph, then the article's framing period (the first cue
of the body), then ``full_year``. Standards and thresholds are always ``full_year`` (a rate in force
is not a cumulative figure). A plan word before ``的`` and a percentage, directly or with its amount
(完成年初预算的54.2%, 占年初预算50,100万元的76.9%), is the denominator of a rate, and one after 比/较
the base of a comparison (比年初预算减少): neither is the period of the figures after it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from orchestration.extract.numbers import STATED_AMOUNT
from orchestration.extract.records import RATE_MEASURES
from orchestration.extract.text_units import short_text_cache
from orchestration.extract.years import mask_titles

_CN_MONTH = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "十一": 11,
    "十二": 12,
}
_MONTH = r"(?P<m>1[0-2]|0?[1-9]|１[０-２]|[１-９]|十[一二]?|[一二三四五六七八九])"
_FW = str.maketrans("０１２３４５６７８９", "0123456789")
# a year as a period cue (2023年, 2023年度), after its first two digits: a cue's alternatives are written each with
# its own first character (19…|20…), so that re skips to those characters instead of trying every position
_YEAR_NAMED = r"[0-9]{2}年(?:度)?(?![0-9０-９一二三四五六七八九十]|以来|底|末)"

# (regex, period or handler key); all are searched, the cue ending nearest before the figure wins
CUES: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"(?:19|20)[0-9]{2}\s*年?\s*[-—–~～至到]\s*(?:19|20)?[0-9]{2}年"), "multi_year"),
    (re.compile(r"[“\"]?十[一二三四五六七八九]五[”\"]?(?:期间|时期|以来)"), "multi_year"),
    (re.compile(r"近[两三四五]年|[两三四五]年(?:来|间)累计"), "multi_year"),
    (re.compile(rf"[1１一](?<![0-9][1１一])\s*[-—–~～至到]\s*{_MONTH}月"), "month"),
    (re.compile(r"截[至止](?:(?:19|20)[0-9]{2}年)?(?:年底|年末|12月底|12月末|十二月底)"), "full_year"),
    (re.compile(rf"截[至止](?:(?:19|20)[0-9]{{2}}年)?{_MONTH}月"), "month"),
    (re.compile(r"前三季度"), "ytd_m09"),
    (re.compile(r"(?<!前)(?:第?一|1)季度"), "q1"),
    (re.compile(r"(?<!前)(?:第?二|2)季度"), "q2"),
    (re.compile(r"(?<!前)(?:第?三|3)季度"), "q3"),
    (re.compile(r"(?<!前)(?:第?四|4)季度"), "q4"),
    (re.compile(r"上半年"), "h1"),
    (re.compile(r"下半年"), "h2"),
    (re.compile(r"今年以来|本年以来|年初以来|19[0-9]{2}年以来|20[0-9]{2}年以来|截[至止]目前|年初至今"), "ytd"),
    (
        re.compile(rf"全年|年底|年末|19{_YEAR_NAMED}|20{_YEAR_NAMED}|今年|当年|去年|上年(?!同期)"),
        "full_year",
    ),
    (
        re.compile(
            r"年初预算|调整预算|预算(?:增加|追加|新增)?安排|预算数|计划投入|计划安排|计划完成|预计(?:安排|完成|实现|投入|收入|支出)|"
            r"拟安排|预算草案|年度预算"
        ),
        "plan",
    ),
    # 力争完成全年…收入X万元, 确保全年…完成33亿元以上: a target, whatever period words follow it in the clause
    (re.compile(r"(?:力争|确保)[^，。；,]*$"), "plan"),
    # 4月，全县收入累计完成… / 4月份累计拨付…: a month whose clause counts cumulatively is January up to it (a
    # month alone, 4月份当月, is no such cue)
    (re.compile(rf"(?<![0-9０-９\-—–~～至到]){_MONTH}月份?[，,]?[^，。；,0-9０-９年]{{0,12}}?累计"), "month"),
    # 优良中等路率目标为80%, 目标值为5亿元: a target set for the year, not what it reached
    (re.compile(r"目标值?(?:为|是|设定为|定为)\s*$"), "plan"),
)


# Literal text every match of the CUES pattern at the same index contains (one of them at least): a pattern
# whose gate is absent from a string cannot match, so last_cue skips its regex scan (most cues are absent).
_GATES: tuple[tuple[str, ...], ...] = (
    ("年",),
    ("五",),
    ("年",),
    ("月",),
    ("截",),
    ("截",),
    ("季度",),
    ("季度",),
    ("季度",),
    ("季度",),
    ("季度",),
    ("上半年",),
    ("下半年",),
    ("以来", "截", "年初至今"),
    ("年",),
    ("预", "计划", "拟安排"),
    ("力争", "确保"),
    ("累计",),
    ("目标",),
)
# what follows a plan word that is the denominator of a rate: 的, or its amount and 的 (年初预算数52,000万元的)
_RATE_DENOMINATOR_RE = re.compile(f"数?(?:{STATED_AMOUNT})?的")
# a payment after a plan word (预算安排偿还, 预算安排支付): the plan names where paid money came from
_PAID_FROM_RE = re.compile(r"(?:偿还|归还|支付|兑付)")
_GATED_CUES = tuple((pat, kind, frozenset(gate)) for (pat, kind), gate in zip(CUES, _GATES, strict=True))
_GATE_WORDS = frozenset(word for gate in _GATES for word in gate)


def _period(kind: str, m: re.Match) -> str:
    if kind != "month":
        return kind
    raw = m.group("m").translate(_FW)
    month = int(raw) if raw.isdigit() else _CN_MONTH.get(raw, 0)
    if month >= 12:
        return "full_year"
    if month == 3:
        return "q1"
    if month == 6:
        return "h1"
    return f"ytd_m{month:02d}" if month else "ytd"


@short_text_cache(maxsize=8192)  # a pure function of the prefix: recurring sentences ask again with the same one
def last_cue(s: str, percent: bool = False) -> str | None:
    """Period of the cue ending nearest to the end of ``s`` (None when there is none)."""
    best: tuple[int, int, str] | None = None
    present = {word for word in _GATE_WORDS if word in s}
    for pat, kind, gate in _GATED_CUES:
        if present.isdisjoint(gate):
            continue
        for m in pat.finditer(s):
            if kind == "plan" and _RATE_DENOMINATOR_RE.match(s, m.end()):
                continue  # 完成年初预算的54.2%, 占年初预算50,100万元的76.9%: the denominator of a rate
            if kind == "plan" and m.start() > 0 and s[m.start() - 1] in "比较":
                continue  # 比年初预算减少137.6万元: the comparison base, not the figure's period
            if kind == "plan" and _PAID_FROM_RE.match(s, m.end()):
                continue  # 财政预算安排偿还3,270万元: where money paid came from, not a plan
            if kind == "full_year" and m.start() > 0 and s[m.start() - 1] in "比较":
                continue  # 较上年增长 / 比2023年决算数增长: the comparison base, not the figure's period
            key = (m.end(), -m.start())
            if best is None or key > best[:2]:
                best = (m.end(), -m.start(), _period(kind, m))
    return best[2] if best else None


# A section that plans the year ahead (二、2024年预算草案, 五、2024年工作打算, 四、下半年工作安排): its figures are
# plans, though their sentences name the year (2024年全县一般公共预算收入安排90,500万元) or 全年
_PLAN_SECTION_RE = re.compile(r"预算草案|预算\s*[（(]草案[)）]|预算安排|工作打算|工作计划|工作安排|工作思路|下一步")
_SECTION_YEAR_RE = re.compile(r"(?:19|20)[0-9]{2}(?=年)")
_PAST_YEAR_RE = re.compile(r"(?<![比较])(?:上年|去年|上一年)")
# a sentence that opens by turning to what comes next (下一步，…将…): a plan, like a section that does
_OPENS_PLAN_RE = re.compile(r"\s*(?:下一步|下步|今后)[，,]")


def _plans_ahead(section: str, prefix: str) -> bool:
    """The figure after ``prefix`` (its sentence so far) is a plan of the section headed ``section``: the
    heading plans, and the sentence names no other year than the heading's (nor 上年/去年, unless as a base)."""
    if not section or not _PLAN_SECTION_RE.search(section) or _PAST_YEAR_RE.search(prefix):
        return False
    own_years = set(_SECTION_YEAR_RE.findall(prefix))
    return own_years <= set(_SECTION_YEAR_RE.findall(section))


def _opens_plan(prefix: str) -> bool:
    return bool(_OPENS_PLAN_RE.match(prefix)) and not _PAST_YEAR_RE.search(prefix)


def period_of(
    text: str,
    sentence_start: int,
    pos: int,
    paragraph_sentences: Sequence[str],
    article_frame: str | None,
    measure: str | None = None,
    percent: bool = False,
    section: str = "",
) -> str:
    """Period of the figure at ``pos`` (``paragraph_sentences``: the earlier sentences of its paragraph, as texts;
    ``section``: the heading of its section, if any)."""
    if measure in RATE_MEASURES:
        return "full_year"
    prefix = text[sentence_start:pos]
    own = last_cue(mask_titles(prefix), percent)
    if own in (None, "full_year") and (_plans_ahead(section, prefix) or _opens_plan(prefix)):
        return "plan"
    if own:
        return own
    for sentence in reversed(paragraph_sentences):
        cue = _sentence_cue(sentence)
        if cue:
            return cue
    return article_frame or "full_year"


@lru_cache(maxsize=4096)
def _sentence_cue(sentence: str) -> str | None:
    # The earlier sentences of a paragraph are looked at again for every figure after them.
    return last_cue(mask_titles(sentence))


def article_frame(text: str, body_start: int, body_end: int, title: str = "") -> str | None:
    """The framing period of an article: the first cue of its first sentence, else of its title."""
    head = text[body_start:body_end]
    first = re.split(r"[。！？\n]", head, maxsplit=1)[0]
    cue = last_cue(mask_titles(first))
    if cue and cue != "plan":
        return cue
    cue = last_cue(mask_titles(title or ""))
    return cue if cue and cue not in ("plan", "full_year") else None
