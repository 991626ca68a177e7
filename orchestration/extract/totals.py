"""Totals and their parts within one article.

* explicit breakdowns: an amount, then 其中/包括/包含/（含/分别为 and further amounts in the same
  sentence (smaller than it, summing to no more than it): parts with ``parent`` = the amount;
* breakdowns of several totals: a sentence opened by 其中 or 分类别看 after a sentence stating several
  totals (送审金额, 审定金额, 审减金额): each part goes to the total its words name (送审 - 送审金额);
* itemised lists: the amounts immediately following a total (it ends its clause) that sum
  exactly to it;
* portions: a capacity (总量, 总投资, 送审金额, 出资, 规模, 预算 …) followed by the part of it spent,
  completed, cut or invested (支出, 完成投资, 核减 …): the capacity is a total, the portion has no parent;
  a portion naming a kind of fund (债券资金已支出) belongs to the capacity naming it (专项债券额度), not to
  a project's total investment between them;
* aggregates: a class-level spending or revenue figure (民生支出, 农林水支出, 一般公共预算收入) with
  smaller figures of the same kind later in the article.

A per-unit standard (每村补助100万元, 每亩7.5元) is never a total: the figures of its 其中 list are shares of the
standard (中央资金50万元), standards too. A rate's denominator (占年初预算36,800万元的74.4%) is neither a
part nor a total of the money around it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher
from itertools import takewhile

from orchestration.extract.records import RATE_MEASURES, SPENDING_MEASURES
from orchestration.extract.tables import TableCell

MARKER_RE = re.compile(r"其中|包括|包含|[（(]含|分别为|分别是|^\s*中[，,：:]")
# a breakdown introduced like this may run over semicolons (其中：教育支出…，增长7.5%；社保…)
LIST_MARKER_RE = re.compile(r"其中\s*[：:]|^\s*中[，,：:]")
# a sentence opened by 其中, or by 主要包括： (its total's main items, listed in the next sentence)
SENTENCE_START_MARKER_RE = re.compile(r"^\s*(?:其中\s*[，,：:]?|(?:主要)?包括\s*[：:])")
# a part's contents in words ending at a semicolon (人员经费X，主要包括基本工资、津贴补贴等；公用经费Y): the
# semicolon closes the description, not the list of parts
PART_DESCRIPTION_RE = re.compile(r"^[，,]\s*(?:主要)?(?:包括|包含|用于)[^；;。0-9０-９]*[；;]")
# a part's own percentage ending at a semicolon (中央资金5,916万元，占总投资的60%；自治区资金…): the semicolon closes
# what is said of that part, not the list of parts
PART_PERCENT_RE = re.compile(
    r"^[，,][^，,；;。0-9０-９]{0,16}[0-9０-９][0-9０-９.．]*\s*[%％][；;][^，,；;。0-9０-９]*$"
)
# 分科目看，教育支出…；社保…: a sentence that breaks the previous one's figure down by class or kind
# 按收入类别分：… / 按征收部门分：…: the same, naming the dimension; 支出中，…: the same, naming the kind
BREAKDOWN_OPENER_RE = re.compile(
    r"^\s*(?:(?:分(?:科目|类|项|项目|类别|领域|税种)|从(?:支出|收入)(?:结构|构成)|按(?:科目|类别|税种))看?|按[^，,：:。；]{1,6}分"
    r"|(?:支出|收入|投资)中)"
    r"\s*[，,：:]"
)
# a per-unit standard in words before its figure (水稻完全成本保险每亩保费40元): a standard, never a part
PER_UNIT_RE = re.compile(
    r"(?:每|人均|户均|生均)(?:亩|人|户|生|名|位|村|公里|千米|平方米|公顷)[^，,。；;、0-9０-９]{0,8}$"
)
# the figure is the denominator of the rate right after it (占年初预算36,800万元的74.4%)
RATE_DENOMINATOR_AFTER_RE = re.compile(r"的\s*[0-9０-９][0-9０-９.．]*\s*[%％]")
PORTION_RE = re.compile(
    r"(?:已|累计|实际|共)?(?:支出|完成|核减|审减|节约|拨付|使用|到位|投资(?!评审)|兑付|支付|发放|实缴|下达|执行)"
)
INCREMENT_RE = re.compile(r"增加|增长|减少|下降|增收|减收|短收|超收|比上年|比去年|同比|较上年|较去年")
CAPACITY_RE = re.compile(
    r"总量|总额|总投资|送审|规模|出资|实缴|预算|计划|概算|总计|合计|总规模|审核金额|申报|获批|争取|下达|筹集|筹措|到位"
    r"|涉及资金"  # the money a review or an evaluation covers (涉及资金2.36亿元，核减…)
)
AGGREGATE_RE = re.compile(
    r"(?:民生|农林水|教育|科学技术|科技|文化旅游体育与传媒|社会保障和就业|社保和就业|卫生健康|医疗卫生|节能环保|"
    r"城乡社区|交通运输|住房保障|一般公共服务|公共安全|一般公共预算|公共财政预算|公共财政|财政|三农|涉农)"
    r"(?:类|领域|方面)?(?:支出|投入|收入)(?:完成|达到|达|为|共计|合计|累计|总额)*\s*$"
)
# One functional class's spending (教育支出), as opposed to broad aggregates (民生支出, 一般公共预算支出).
CLASS_AGGREGATE_RE = re.compile(
    r"(?:农林水|教育|科学技术|科技|文化旅游体育与传媒|社会保障和就业|社保和就业|卫生健康|医疗卫生|节能环保|"
    r"城乡社区|交通运输|住房保障|一般公共服务|公共安全)(?:类|领域|方面)?支出(?:完成|达到|达|为|共计|合计|累计|总额)*\s*$"
)
SPEND_MEASURES = SPENDING_MEASURES | {"investment"}  # money going out, spent or invested
SUB_REVENUE_RE = re.compile(r"税|非税|出让|行政事业性收费|罚没|专项收入|国有资源")


@dataclass
class Item:
    """What the total finder needs to know about one amount (mutated in place)."""

    start: int
    end: int
    yuan: Decimal
    sentence_start: int
    sentence_end: int
    paragraph: int
    pre: str  # clause text before the amount (since the previous amount or clause start)
    measure: str
    table: bool = False  # a cell of a table (no clause structure)
    is_total: bool = False
    parent: int | None = None  # index into the item list
    role: str = ""  # part | portion | share (of a standard) | ""


def _opens_breakdown(gap: str) -> bool:
    """A marker between a figure and the next opens a breakdown of the first, unless a clause ends after
    it (人员经费X，主要包括基本工资、津贴补贴等；公用经费Y: its contents in words, then another figure)."""
    markers = list(MARKER_RE.finditer(gap))
    return bool(markers) and not re.search(r"[；;。]", gap[markers[-1].end() :])


def _rate_denominator(b: Item, text: str) -> bool:
    return bool(RATE_DENOMINATOR_AFTER_RE.match(text, b.end))


def _opened_by_marker(b: Item, text: str) -> bool:
    """The text of b's sentence before b opens with 其中 or a breakdown opener (分税种看)."""
    opening = text[b.sentence_start : b.start]
    return bool(BREAKDOWN_OPENER_RE.match(opening) or SENTENCE_START_MARKER_RE.match(opening))


def _sentence_total(items: list[Item], first: int, text: str) -> int | None:
    """The total of a sentence opening with 其中: the first non-comparative figure of the previous
    sentence of the same paragraph (…收入完成103086万元，比上年同期98765万元增收4321万元。其中，…).
    A sentence holding only standards (补助标准为每亩7.5元) stands between a total and its 其中 list: the
    sentence before it is looked at instead."""
    b = items[first]
    opening = text[b.sentence_start : b.start]
    breakdown = bool(BREAKDOWN_OPENER_RE.match(opening))
    if not breakdown and not SENTENCE_START_MARKER_RE.match(opening):
        return None
    prev = [k for k in range(first) if items[k].sentence_end <= b.sentence_start]
    while prev and all(
        items[k].measure in RATE_MEASURES for k in prev if items[k].sentence_start == items[prev[-1]].sentence_start
    ):
        standards_sentence = items[prev[-1]].sentence_start
        prev = [k for k in prev if items[k].sentence_start != standards_sentence]
    # 其中 breaks down the sentence before it. 分税种看 may open the paragraph after its total's and may follow
    # a sentence on something else (税收收入X…。同期非税收入Y…。\n分税种看，增值税Z…): its total is the lead
    # figure of the nearest sentence before it that is larger than its first part.
    sentences = sorted({items[k].sentence_start for k in prev}, reverse=True)
    for sentence in sentences if breakdown else sentences[:1]:
        in_sentence = [k for k in prev if items[k].sentence_start == sentence]
        if b.paragraph - items[in_sentence[-1]].paragraph > (1 if breakdown else 0):
            return None
        lead = next((k for k in in_sentence if _may_lead(items[k], text)), None)
        if lead is not None and (not breakdown or items[lead].yuan > b.yuan):
            return lead if breakdown else _named_owner(items, first, lead, text)
    return None


def _may_lead(a: Item, text: str) -> bool:
    """A running-text figure no other's part, neither a comparison base nor a rate's denominator: one a later
    sentence's parts may break down."""
    return a.parent is None and not a.table and not _comparative(a) and not _rate_denominator(a, text)


def _named_owner(items: list[Item], first: int, lead: int, text: str) -> int:
    """The total a 其中 sentence breaks down: the lead figure of the sentence before it, unless its first part
    shares no words with that figure but names an earlier figure of the paragraph (保费补贴资金1,862万元。
    …提供风险保障12.6亿元。其中，…县级财政承担的保费补贴资金465万元: the subsidy's share, not the insured sum's)."""
    sentence = items[first].sentence_start
    parts = [
        j
        for j in range(first, len(items))
        if items[j].sentence_start == sentence
        and items[j].measure not in RATE_MEASURES
        and not PER_UNIT_RE.search(items[j].pre)
    ]
    if not parts:
        return lead
    part = items[parts[0]]
    own = _descriptor(part)
    if _common_run(own, _descriptor(items[lead])) >= 2:
        return lead
    runs = sorted(
        (
            (_common_run(own, _descriptor(items[k])), k)
            for k in range(first)
            if k != lead
            and items[k].paragraph == part.paragraph
            and items[k].yuan > part.yuan
            and _may_lead(items[k], text)
        ),
        reverse=True,
    )
    # a clear name: four characters or more, and no other figure naming as much
    if runs and runs[0][0] >= 4 and (len(runs) == 1 or runs[1][0] < runs[0][0]):
        return runs[0][1]
    return lead


def _opening_sentences(items: list[Item], text: str) -> list[int]:
    """The first figures of the sentences opened by 其中 or a breakdown opener (分税种看, 主要包括：…)."""
    out = []
    for k in range(1, len(items)):
        b = items[k]
        if items[k - 1].sentence_start != b.sentence_start and _opened_by_marker(b, text):
            out.append(k)
    return out


@dataclass
class _NextSentences:
    """What the figures of one sentence share, found once: the first figure (no standard) of a later sentence, by
    sentence start, and whether a figure's sentence opens with a breakdown marker before it."""

    first_after: dict[int, int | None] = field(default_factory=dict)
    marked: dict[int, bool] = field(default_factory=dict)


def _breakdown_sentence(
    items: list[Item], i: int, text: str, openings: list[int], shared: _NextSentences
) -> int | None:
    """The first figure of the later sentence that breaks items[i] down (其中… / 分税种看…), if any: the next
    sentence (after comparison figures or a sentence of standards), else an opening sentence (``openings``,
    from _opening_sentences) of the same or the next paragraph whose total is items[i]."""
    a = items[i]
    if a.sentence_start not in shared.first_after:  # the figures of a sentence are consecutive items
        shared.first_after[a.sentence_start] = next(
            (
                k
                for k in range(i + 1, len(items))
                if items[k].sentence_start != a.sentence_start and items[k].measure not in RATE_MEASURES
            ),
            None,
        )
    nxt = shared.first_after[a.sentence_start]
    if nxt is None:
        return None
    if nxt not in shared.marked:
        shared.marked[nxt] = _opened_by_marker(items[nxt], text)
    if shared.marked[nxt] and _sentence_total(items, nxt, text) == i:  # None for a sentence with no marker
        return nxt
    for k in openings:
        if k <= nxt:
            continue
        if items[k].paragraph > a.paragraph + 1:
            break
        if _sentence_total(items, k, text) == i:
            return k
    return None


# words every money phrase shares: two descriptors alike only in these are not alike
_GENERIC_DESCRIPTOR_RE = re.compile(r"金额|资金|收入|支出|项目|万元|亿元|[^\u4e00-\u9fff]")


def _descriptor(item: Item) -> str:
    # what the text calls the figure: the words right before it (a long clause is cut: its start names
    # something else, and the comparison below is quadratic in the length)
    return _GENERIC_DESCRIPTOR_RE.sub("", item.pre[-12:])


def _common_run(a: str, b: str) -> int:
    """Length of the longest run of characters two descriptors share."""
    return SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b)).size


def _owners(items: list[Item], totals: list[int], parts: list[int]) -> dict[int, int] | None:
    """Each part's total: the one whose descriptor shares the longest run with the part's (at least two
    characters, and no other total as long); None when a part has no such total."""
    described = {k: _descriptor(items[k]) for k in totals}
    owner: dict[int, int] = {}
    for j in parts:
        if items[j].measure in RATE_MEASURES:
            return None
        own = _descriptor(items[j])
        runs = sorted(((_common_run(own, described[k]), k) for k in totals), reverse=True)
        if runs[0][0] < 2 or runs[1][0] == runs[0][0]:
            return None
        owner[j] = runs[0][1]
    return owner


def _parallel_breakdowns(items: list[Item], text: str) -> None:
    """送审金额X，审定金额Y，审减金额Z。其中，甲类项目送审x1，审减z1；乙类项目送审x2，审减z2: a breakdown
    sentence after a sentence of several totals gives the parts of each; a part belongs to the total whose
    descriptor shares the longest run with its own (送审 - 送审金额), when every part of the sentence has one
    such total, two totals get parts and no total's parts exceed it."""
    for first in range(1, len(items)):
        b = items[first]
        if items[first - 1].sentence_start == b.sentence_start or b.table:
            continue  # not the first figure of its sentence
        opening = text[b.sentence_start : b.start]
        if not (BREAKDOWN_OPENER_RE.match(opening) or SENTENCE_START_MARKER_RE.match(opening)):
            continue
        prev_sentence = items[first - 1].sentence_start
        totals = [
            k
            for k in range(first)
            if items[k].sentence_start == prev_sentence
            and items[k].parent is None
            and not items[k].table
            and items[k].measure not in RATE_MEASURES
            and not _comparative(items[k])
            and not _rate_denominator(items[k], text)
        ]
        if len(totals) < 2 or items[totals[0]].paragraph < b.paragraph - 1:
            continue
        parts = [j for j in range(first, len(items)) if items[j].sentence_start == b.sentence_start]
        owner = _owners(items, totals, parts)
        if owner is None or len(set(owner.values())) < 2:
            continue
        sums = {k: sum((items[j].yuan for j in parts if owner[j] == k), start=Decimal(0)) for k in totals}
        if any(sums[k] > items[k].yuan for k in totals):
            continue
        for j, k in owner.items():
            items[k].is_total = True
            items[j].parent = k
            items[j].role = "part"


def _in_bracket(gap: str) -> bool:
    """A bracket opened in ``gap`` (the text since the last part) is still open: what follows is inside it."""
    return gap.count("（") + gap.count("(") > gap.count("）") + gap.count(")")


def _explicit(items: list[Item], text: str) -> None:
    openings = _opening_sentences(items, text)
    shared = _NextSentences()
    for i in range(len(items)):
        a = items[i]
        start = i + 1
        if start >= len(items):
            break
        first = items[start]
        listed = False
        if (
            _comparative(first)
            and start + 1 < len(items)
            and items[start + 1].sentence_start == a.sentence_start
            and _opens_breakdown(text[first.end : items[start + 1].start])
        ):
            # 专项资金12.64亿元，比上年增加1.08亿元，其中…: the breakdown is of the figure, not its increment
            start += 1
            first = items[start]
        if first.sentence_start == a.sentence_start and _opens_breakdown(text[a.end : first.start]):
            listed = bool(LIST_MARKER_RE.search(text[a.end : first.start]))
        else:
            nxt = _breakdown_sentence(items, i, text, openings, shared)
            if nxt is None:
                continue
            start, first, listed = nxt, items[nxt], True
        parts: list[int] = []
        total = Decimal(0)
        for j in range(start, len(items)):
            b = items[j]
            between = text[items[j - 1].end : b.start]
            if b.sentence_start != first.sentence_start or b.parent is not None or b.yuan >= a.yuan:
                break
            if parts and _in_bracket(text[items[parts[-1]].end : b.start]):
                continue  # 偿还本金38,650万元（再融资债券偿还35,380万元…）: a part's own breakdown, not the list's
            if b.measure in RATE_MEASURES or PER_UNIT_RE.search(b.pre) or _rate_denominator(b, text):
                continue  # 其中农村低保标准提高到每人每月580元: a standard, not a part of the money
            if parts and INCREMENT_RE.search(b.pre[-6:]):
                break
            if (
                parts
                and ("；" in between or ";" in between)
                and not listed
                and not PART_DESCRIPTION_RE.search(between)
                and not PART_PERCENT_RE.match(between)
            ):
                break
            if total + b.yuan > a.yuan:
                break
            total += b.yuan
            parts.append(j)
        if parts and a.measure == "per_capita":
            for j in parts:  # 每村补助100万元，其中中央资金50万元…: shares of the standard, standards too
                items[j].measure = a.measure
                items[j].role = "share"
        elif parts:
            a.is_total = True
            for j in parts:
                items[j].parent = i
                items[j].role = "part"


def _list_may_follow(text: str, pos: int) -> bool:
    """The figure ends its clause or opens a bracket, so a list of its parts may follow."""
    rest = text[pos : pos + 3].lstrip(" ")
    # 新增债券61,700万元（一般债券9,600万元、专项债券52,100万元）: a bracket opens the breakdown
    return bool(rest) and rest[0] in "，,。；;：:）)\n（("


# 收入总计X，减支出总计Y，结余Z: a balance subtracts Y, which is neither a part of X nor a total (减少, 减收, 减免
# and 减支 followed by its figure are changes, not subtractions)
SUBTRACTED_RE = re.compile(r"^[\s，,；;：:]*减(?!少|收|免|税|负|轻|缓|持|排|支\s*$)[^，,；;。]{2,}$")
SUM_AFTER_RE = re.compile(r"(?:合计|共计|总计|总额|总量|总收入|总支出|累计|共)(?:为|达|达到)?\s*$")
PRIOR_BASE_RE = re.compile(r"(?:上年|去年|同期)[^，。；]{0,6}$")


def _comparative(b: Item) -> bool:
    return bool(INCREMENT_RE.search(b.pre) or PRIOR_BASE_RE.search(b.pre))


def _subtracted(b: Item) -> bool:
    return bool(SUBTRACTED_RE.match(b.pre))


def _claim_parts(items: list[Item], i: int, candidates: range, verdict: Callable[[int, Item], str]) -> None:
    """Make items[i] the total of the candidates it sums to exactly (two or more).

    ``verdict`` says of each candidate whether to "take" it, "skip" it or "stop" looking.
    """
    a = items[i]
    total = Decimal(0)
    parts: list[int] = []
    for j in candidates:
        decision = verdict(j, items[j])
        if decision == "skip":
            continue
        if decision == "stop":
            break
        total += items[j].yuan
        parts.append(j)
        if total >= a.yuan:
            break
    if total == a.yuan and len(parts) >= 2:
        a.is_total = True
        for j in parts:
            items[j].parent = i
            items[j].role = "part"


def _sums_after(items: list[Item], text: str) -> None:
    """东台市120万元，大丰区80万元，射阳县100万元，合计300万元: the total follows its parts."""
    for i, a in enumerate(items):
        if a.is_total or a.table or i < 2 or a.measure == "per_capita" or not SUM_AFTER_RE.search(a.pre):
            continue

        def verdict(j: int, b: Item, a: Item = a) -> str:
            if b.parent is not None and b.parent < j and b.paragraph == a.paragraph:
                return "skip"  # a part of an earlier sub-total (税收收入 of 一般公共预算收入): the sub-total counts
            if b.paragraph < a.paragraph - 1 or b.parent is not None or b.yuan >= a.yuan or _subtracted(b):
                return "stop"
            # a sub-total's increment or prior-year base (比上年增收3,517万元) and a rate's denominator (为调整预算
            # 84,000万元的102.8%) stand between the parts of 收入总计 and are none of them
            return "skip" if INCREMENT_RE.search(b.pre) or _rate_denominator(b, text) else "take"

        _claim_parts(items, i, range(i - 1, -1, -1), verdict)


def _sums(items: list[Item], text: str) -> None:
    """安排文化专项资金5583万元，用于A 3719万元、B 902万元…: a list right after a figure that sums to it."""
    for i, a in enumerate(items):
        if a.is_total or a.table or a.measure == "per_capita" or not _list_may_follow(text, a.end):
            continue

        def verdict(j: int, b: Item, a: Item = a) -> str:
            stop = b.paragraph > a.paragraph + 1 or b.parent is not None or b.yuan >= a.yuan or _comparative(b)
            stop = stop or _subtracted(b)
            return "stop" if stop else "take"

        _claim_parts(items, i, range(i + 1, len(items)), verdict)


# 共计38,652.8万元，具体如下：\n一、…31,275.6万元。…\n二、…7,377.2万元。…: numbered sections, each led by a part
AS_FOLLOWS_RE = re.compile(r"[，,]?\s*(?:具体|分别|详细)?(?:安排|分配|情况)?如下\s*[：:]\s*\n")
SECTION_NUMBER_RE = re.compile(r"\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十0-9]+[）)]|[0-9]+[.、．])")


def _sums_over_sections(items: list[Item], text: str) -> None:
    """A figure announcing a list (共计X万元，具体如下：) followed by numbered sections whose lead figures sum
    exactly to it: those lead figures are its parts (the sections' other figures are theirs, not its)."""
    for i, a in enumerate(items):
        if a.is_total or a.parent is not None or a.table or not AS_FOLLOWS_RE.match(text, a.end):
            continue

        def verdict(j: int, b: Item, i: int = i) -> str:
            line = text.rfind("\n", 0, b.start) + 1
            if j > i + 1 and text.rfind("\n", 0, items[j - 1].start) + 1 == line:
                return "skip"  # a later figure of a section already counted
            if b.table or not SECTION_NUMBER_RE.match(text, line):
                return "stop"
            return "take"

        _claim_parts(items, i, range(i + 1, len(items)), verdict)


# the kind of fund a portion names (债券资金已支出…): its capacity is the figure that names the same kind
FUND_KIND_RE = re.compile(r"债券|直达资金|衔接资金|专项资金|转移支付|涉农资金")


def _named_capacity(items: list[Item], i: int, b: Item) -> int:
    """The capacity a portion belongs to: items[i] before it, unless the portion names a kind of fund
    (债券资金已支出9.16亿元) that items[i] does not (项目总投资56.3亿元) and an earlier capacity of its
    paragraph does (新增专项债券额度9.8亿元)."""
    fund = FUND_KIND_RE.search(b.pre)
    if fund is None or fund.group(0) in items[i].pre:
        return i
    for k in range(i - 1, -1, -1):
        c = items[k]
        if c.paragraph != b.paragraph or c.table:
            break
        if fund.group(0) in c.pre and CAPACITY_RE.search(c.pre) and c.yuan > b.yuan and c.parent is None:
            return k
    return i


def _portions(items: list[Item], text: str) -> None:
    for i in range(len(items) - 1):
        a, b = items[i], items[i + 1]
        if a.table or b.table or b.parent is not None or b.yuan >= a.yuan or b.paragraph != a.paragraph:
            continue
        if b.measure == "per_capita" or a.measure == "per_capita":
            continue
        between = text[a.end : b.start]
        # same sentence or the next one
        if between.count("。") > 1:
            continue
        if INCREMENT_RE.search(between) or not PORTION_RE.search(b.pre) or INCREMENT_RE.search(a.pre):
            continue
        if _subtracted(a) or _subtracted(b):
            continue  # 收入总计X，减支出总计Y: a balance, not the part of X spent
        if CAPACITY_RE.search(a.pre):
            items[_named_capacity(items, i, b)].is_total = True
            b.role = "portion"


def _aggregates(items: list[Item]) -> None:
    for i, a in enumerate(items):
        if a.is_total or a.table or a.parent is not None or "其中" in a.pre or not AGGREGATE_RE.search(a.pre):
            continue
        if _subtracted(a):
            continue
        if a.measure == "revenue":
            # a revenue aggregate contains tax and non-tax revenue, not another year's or a plan figure
            later = [b for b in items[i + 1 :] if b.measure == "revenue" and SUB_REVENUE_RE.search(b.pre)]
        else:
            later = [b for b in items[i + 1 :] if b.measure in SPEND_MEASURES]
            if CLASS_AGGREGATE_RE.search(a.pre):
                # 教育支出 is not made of the 社会保障和就业支出 listed after it: class totals are siblings
                later = [b for b in later if b.paragraph == a.paragraph and not CLASS_AGGREGATE_RE.search(b.pre)]
        if any(b.yuan < a.yuan for b in later):
            a.is_total = True


def find_totals(items: list[Item], text: str) -> None:
    """Set ``is_total`` / ``parent`` on the items of one article (in text order)."""
    _parallel_breakdowns(items, text)
    _explicit(items, text)
    _sums_after(items, text)
    _sums(items, text)
    _sums_over_sections(items, text)
    _portions(items, text)
    _aggregates(items)


# Tables: the structure of rows states totals and parts (a 合计 row, a subject code under a shorter one).
def subject_code_totals(items: list[Item], cells: list[TableCell | None]) -> None:
    """A budget table row whose subject code extends another's (2050201 under 20502 under 205) is within
    that row: a part of the nearest row above it in its column whose code is a prefix of its own."""
    in_table = [(i, c) for i, c in enumerate(cells) if c is not None and c.subject_code]
    for k, (i, cell) in enumerate(in_table):
        if items[i].parent is not None:
            continue
        for j, other in reversed(in_table[:k]):
            if other.caption != cell.caption:
                break
            if other.column == cell.column and cell.subject_code.startswith(other.subject_code):
                if len(other.subject_code) < len(cell.subject_code):
                    items[j].is_total = True
                    items[i].parent = j
                    items[i].role = "part"
                break


def table_totals(items: list[Item], cells: list[TableCell | None]) -> None:
    """A 合计/总计/小计 row of a table is the total of the cells above it in its column when they sum to it:
    the rows since the previous total row, else (a 合计 under 小计 rows) the 小计 cells since the previous 合计."""
    in_table = [(i, c) for i, c in enumerate(cells) if c is not None]
    for k, (i, cell) in enumerate(in_table):
        if not cell.is_total_row or items[i].is_total:
            continue
        above = []  # same table, same column, nearest first
        for j, other in reversed(in_table[:k]):
            if other.caption != cell.caption or (other.is_total_row and not other.is_subtotal_row):
                break
            if other.column == cell.column:
                above.append((j, other))
        rows = list(takewhile(lambda jo: not jo[1].is_total_row, above))
        subtotals = [(j, o) for j, o in above if o.is_subtotal_row] if not cell.is_subtotal_row else []
        for group in (rows, subtotals):
            parts = [j for j, _ in group if items[j].parent is None]
            if len(parts) >= 2 and sum((items[j].yuan for j in parts), start=items[i].yuan * 0) == items[i].yuan:
                items[i].is_total = True
                for j in parts:
                    items[j].parent = i
                    items[j].role = "part"
                break
