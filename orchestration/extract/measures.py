"""Measure of an amount (allocation, expenditure, investment, …) from the words that govern it.

The cue words live in ``data/measure_keywords.json``. Evidence is taken from the strongest kind
first, and from the narrowest context first:

1. a per-unit suffix (``元/人``) or a threshold (限额标准提高到…) in the amount's segment, or around the
   amount (年纳税额X以上的企业, 控制在X以内);
2. the *head*: the kind of money named right before the amount in its own clause (收入总计,
   上级补助收入, 调入资金, an increment 增加/减收, …), then a fund named by its government level
   (中央资金, 省级资金) in a by-source list: money received when that level is above the article's own
   (its locality's: a county's 市级 and 省级, a county-level city's 州级 but not its 市级), also where the
   total it breaks down is passed on (下达给你们…，其中中央资金…: the total is allocated, its sources were
   received);
3. context windows from the narrowest (text since the previous amount in the clause) to the widest
   (the semicolon segment up to the amount); in the first window holding any cue, a *tier* cue
   (per-capita, transfer, saving, loan, asset, revenue, procurement) anywhere in the window decides,
   else the governing *verb* nearest before the amount, else a budget word (年初预算, 调整预算:
   allocation, or revenue when the segment budgets revenue), else a *noun* that names a measure (支出);
4. a spending or allocation verb right after the amount (其余X万元安排用于…, 共计X万元，已全部拨付), then the
   *verb frame*: the allocation or spending verb that governs the sentence's list before the
   amount (下达各县的资金，包含A…；B…: every item is allocated);
5. the allocation or spending verb of the nearest section heading, then of the title (资金安排项目情况);
6. a weak noun (资金, 补助) in the windows.

Amounts with no cue at all get the default (``other``) with strength "none", so that a part of a
total can take the total's measure instead (as can parts whose measure came from the verb frame, a heading
or a weak noun: not a verb right after the amount).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from orchestration.extract.amounts import per_unit_suffix
from orchestration.extract.numbers import STATED_AMOUNT
from orchestration.extract.records import INCOME_MEASURES, Locality
from orchestration.extract.text_units import short_text_cache

_DATA = Path(__file__).parent / "data" / "measure_keywords.json"
# Cues that name one figure (or one clause's list) only, never carried past another clause's amount
# to a later figure: every tier cue (收入, 每人, 贷款 …) and investment verbs. Allocation and spending
# verbs do carry over a list (拨付A 100万元，B 200万元).
ONE_FIGURE_VERB_MEASURES = ("investment",)
_COMPARISON_BASE_RE = re.compile(r"(?:比|较|与|同比)(?:上年|去年|上一年)?(?:同期)?(?:的)?\s*$")
_MONEY_RE = re.compile(STATED_AMOUNT)
_SENTENCE_END_RE = re.compile(r"[。！？!?\n]")
# the head of an amount stands right before it: characters looked at
HEAD_REACH = 40
# strengths a part of a total gives up for its total's measure
INHERITABLE_STRENGTHS = ("none", "noun", "frame", "heading")


@dataclass(frozen=True)
class MeasureCue:
    measure: str
    strength: str  # head | tier | verb | budget | noun | frame | heading | none
    cue_start: int | None  # offset of the cue word in the text (None when no cue)
    cue_end: int | None
    names_spending: bool = False  # the cue is a noun naming spending (基本支出, 项目支出), not a fund's word


@dataclass(frozen=True)
class _Rules:
    heads: tuple[tuple[str, re.Pattern], ...]
    budget: re.Pattern
    budget_revenue: re.Pattern
    source_levels: tuple[re.Pattern, ...]  # the stems of each level, highest first (中央; 省|自治区; …)
    level_word: re.Pattern  # one level of a fund's levels as found (省级, 市本级, 本级, 市 of 市县)
    own_level_word: re.Pattern  # the text's own level, whatever its locality (本级)
    # a fund named by its levels right before the amount (其中中央资金, 市追加资金); groups: the levels, the verb
    # the levels gave the money by
    source_at_end: re.Pattern
    source_named: re.Pattern  # any fund named by its level
    article_levels: dict[str, tuple[int, re.Pattern]]  # a locality kind's own rank and the stems of its own money
    locality_kinds: dict[str, tuple[tuple[re.Pattern, str], ...]]  # a locality level's kinds by its name
    # per kind, the prefecture names that leave some of its level words open, and those words
    ambiguous_levels: dict[str, tuple[re.Pattern, re.Pattern]]
    pass_down_verb: re.Pattern
    pass_down: re.Pattern
    lower_level_before: re.Pattern  # the lower governments named before the verb (向全县乡镇拨付)
    found_by_checks: re.Pattern  # words naming money a check found (违规, 挪用): no fund a level gave
    lower_level_addressee: re.Pattern
    tiers: tuple[tuple[str, re.Pattern], ...]
    any_tier: re.Pattern  # all tier cues in one pattern: most windows hold none, one search says so
    threshold: re.Pattern
    threshold_frames: tuple[tuple[re.Pattern, re.Pattern], ...]  # (before, after) around a figure (控制在X以内)
    verb_after: re.Pattern  # a spending or allocation verb right after the figure (X万元安排用于)
    verbs: tuple[tuple[str, re.Pattern], ...]
    frame_verbs: tuple[tuple[str, re.Pattern], ...]
    nouns: tuple[tuple[str, re.Pattern], ...]
    weak_nouns: tuple[tuple[str, re.Pattern], ...]
    plan_word: re.Pattern  # a plan's floor or target between a spending cue and its figure (不低于, 力争)
    plan_heading: re.Pattern  # a heading that plans its spending (资金使用方向建议, 资金使用计划)
    default: str


@lru_cache(maxsize=1)
def rules() -> _Rules:
    data = json.loads(_DATA.read_text(encoding="utf-8"))
    filler = data["head_filler"]
    # a verb before 类 names a category of projects (政策落实类项目, 产业发展类), not what is done with the money
    verbs = tuple((m, re.compile(f"(?:{p})(?!类)")) for m, p in data["verbs"])
    stems = "|".join(f"(?:{p})" for p in data["source_levels"])
    # a stem names a level when 级 follows it (省级, 市本级) or a fund word (省财政资金) or another level (市县资金)
    giving = data["level_giving_verbs"]
    named_level = f"(?:{data['level_suffix']}|(?=(?:{stems}|{data['level_followers']}|{giving})))"
    word = f"(?:{data['own_level_word']}|(?:{stems}){named_level})"
    levels = f"{word}(?:[和、及与]?{word})*"
    stop = "，,；;：:。！？!?（）()、\\s0-9０-９元"
    return _Rules(
        heads=tuple((m, re.compile(f"(?:{p}){filler}")) for m, p in data["heads"]),
        budget=re.compile(data["budget"]),
        budget_revenue=re.compile(data["budget_revenue"]),
        source_levels=tuple(re.compile(f"(?:{p})") for p in data["source_levels"]),
        level_word=re.compile(f"{data['own_level_word']}|(?:{stems})(?:{data['level_suffix']})?"),
        own_level_word=re.compile(data["own_level_word"]),
        # the fund's phrase opens the window, its clause or a by-source list (其中, 资金来源为), its levels first
        source_at_end=re.compile(
            f"(?:^|(?<=[{stop}]){''.join(f'|(?<={w})' for w in data['source_openers'])})"
            f"(?:{data['source_filler']})*({levels})({giving})?[^{stop}]{{0,14}}?资金\\s*$"
        ),
        source_named=re.compile(f"({levels})(?:财政)?(?:补助)?资金"),
        article_levels={
            kind: (spec["rank"], re.compile(f"(?:{spec['own']})(?:{data['level_suffix']})?"))
            for kind, spec in data["article_levels"].items()
        },
        locality_kinds={
            level: tuple((re.compile(p), kind) for p, kind in kinds) for level, kinds in data["locality_kinds"].items()
        },
        ambiguous_levels={
            kind: (re.compile(spec["prefecture"]), re.compile(f"(?:{spec['words']})(?:{data['level_suffix']})?"))
            for kind, spec in data["ambiguous_levels"].items()
        },
        pass_down_verb=re.compile(data["pass_down_verbs"]),
        pass_down=re.compile(f"(?:{data['pass_down_verbs']})(?:{data['lower_level_recipient']})"),
        lower_level_before=re.compile(data["lower_level_before"]),
        found_by_checks=re.compile(data["found_by_checks"]),
        lower_level_addressee=re.compile(data["lower_level_addressee"], re.M),
        tiers=tuple((m, re.compile(p)) for m, p in data["tiers"]),
        any_tier=re.compile("|".join(f"(?:{p})" for _, p in data["tiers"])),
        threshold=re.compile(data["threshold"]),
        threshold_frames=tuple((re.compile(f"(?:{b})"), re.compile(a)) for b, a in data["threshold_frames"]),
        verb_after=re.compile(
            f"{data['verbs_after']}(?:{'|'.join(p for m, p in data['verbs'] if m in data['frame_measures'])})"
        ),
        verbs=verbs,
        frame_verbs=tuple((m, p) for m, p in verbs if m in data["frame_measures"]),
        nouns=tuple((m, re.compile(p)) for m, p in data["nouns"]),
        weak_nouns=tuple((m, re.compile(p)) for m, p in data["weak_nouns"]),
        plan_word=re.compile(data["plan_words"]),
        plan_heading=re.compile(data["plan_headings"]),
        default=data["default"],
    )


def _nearest(window: str, table) -> tuple[str, int, int] | None:
    best: tuple[str, int, int] | None = None
    for measure, pat in table:
        for m in pat.finditer(window):
            if best is None or m.end() > best[2] or (m.end() == best[2] and m.start() < best[1]):
                best = (measure, m.start(), m.end())
    return best


# The readings below are pure functions of a window's text, cached on it: the windows of recurring clauses and
# list items come again (the offsets they return are the window's own; callers add the window's start).


@short_text_cache(maxsize=8192)
def _nearest_in(window: str, table: str) -> tuple[str, int, int] | None:
    """:func:`_nearest` over the rules' table named ``table`` (verbs, frame_verbs, nouns, weak_nouns)."""
    return _nearest(window, getattr(rules(), table))


@short_text_cache(maxsize=8192)
def _window_cue(window: str) -> tuple[str | None, str, int, int] | None:
    """(measure, strength, start, end) of the cue deciding a window (:func:`_in_window`); the measure of a
    budget word is None: it depends on the segment (:func:`_budget_measure`)."""
    r = rules()
    if r.any_tier.search(window):
        for measure, pat in r.tiers:
            hits = list(pat.finditer(window))
            if hits:
                m = hits[-1]
                return measure, "tier", m.start(), m.end()
    hit = _nearest_in(window, "verbs")
    if hit:
        return hit[0], "verb", hit[1], hit[2]
    hits = list(r.budget.finditer(window))
    if hits:  # a budget figure (年初预算, 调整预算)
        return None, "budget", hits[-1].start(), hits[-1].end()
    hit = _nearest_in(window, "nouns")
    if hit:
        return hit[0], "noun", hit[1], hit[2]
    return None


def _in_window(window: str, base: int, segment: str = "") -> MeasureCue | None:
    cue = _window_cue(window)
    if cue is None:
        return None
    measure, strength, start, end = cue
    spending_noun = strength == "noun" and measure == "expenditure"
    return MeasureCue(measure or _budget_measure(segment or window), strength, base + start, base + end, spending_noun)


@lru_cache(maxsize=8192)
def _head_in(window: str) -> tuple[str, int, int] | None:
    for measure, pat in rules().heads:
        m = pat.search(window)
        if m:
            return measure, m.start(), m.end()
    return None


def _head(window: str, base: int) -> MeasureCue | None:
    """The kind of money the phrase right before the amount names (收入总计, 调入资金, 增收 …)."""
    hit = _head_in(window)
    return MeasureCue(hit[0], "head", base + hit[1], base + hit[2]) if hit else None


def _budget_measure(segment: str) -> str:
    """A budget figure (年初预算, 调整预算) is allocated money, or revenue when its segment budgets revenue."""
    subjects = re.findall(r"收入|支出", segment)
    return "revenue" if subjects and rules().budget_revenue.fullmatch(subjects[-1]) else "allocation"


@dataclass(frozen=True)
class OwnLevel:
    """The government level an article speaks for: money named by a level above it was received."""

    rank: int  # index of the level in the rules' source_levels (0: 中央)
    own: re.Pattern  # the words naming the article's own money (县级; 市级 in a county-level city's text)
    ambiguous: re.Pattern | None = None  # words whose level the locality leaves open (a 县级市 in a 地级市: 市级)


def own_level(locality: Locality | None) -> OwnLevel | None:
    """The level of the article's locality: a county-level unit's own money is 县级, a district's 区级 (its city's 市级
    money came from above), a county-level city's 市级; a prefecture's 市级 (州, 盟, 地区), a province's 省级 (a
    municipality's 市级). None without a locality: the levels a sentence names decide (:func:`_received_source`)."""
    if locality is None:
        return None
    r = rules()
    kind = next((k for pat, k in r.locality_kinds.get(locality.level, ()) if pat.search(locality.name)), locality.level)
    spec = r.article_levels.get(kind)
    if spec is None:
        return None
    prefecture, words = r.ambiguous_levels.get(kind, (None, None))
    open_words = words if prefecture is not None and prefecture.search(locality.prefecture or "") else None
    return OwnLevel(*spec, ambiguous=open_words)


def _level(word: str) -> int | None:
    """Rank of a level word (省级 -> 1); None for the text's own level (本级)."""
    r = rules()
    for rank, pat in enumerate(r.source_levels):
        if pat.match(word) and not r.own_level_word.fullmatch(word):
            return rank
    return None


def _received_source(
    window: str, base: int, text: str, sentence_start: int, end: int, own: OwnLevel | None
) -> MeasureCue | None:
    """A fund named by its levels (其中中央资金18889万元，省级资金…，区级资金…) is money received when every level it
    names is above the article's own level (``own``); one naming the own level (市县资金 in a county's text, 本级资金)
    or a lower one is not (a weak allocation cue: a part takes its total's measure). Without the article's level, or
    for a level its locality leaves open, all but the lowest level named in the (whole) sentence of the amount ending
    at ``end`` sent the money down, and 中央 always did. Not when a verb governs the window. A by-source list under
    money passed on (现将…下达给你们，其中中央资金…) is money received all the same: the verb frame decides the
    total's measure, not its sources'."""
    fund = _fund_at_end(window)
    if fund is None:
        return None
    levels, fund_start, fund_end = fund
    r = rules()
    words = [m.group() for m in r.level_word.finditer(levels)]
    cue = MeasureCue("transfer_in", "head", base + fund_start, base + fund_end)
    if own is not None and own.ambiguous is not None and any(own.ambiguous.fullmatch(w) for w in words):
        own = None  # a level the locality leaves open (福清市's 市级: its own, or 福州市's?): as with no locality
    if own is not None:
        above = [not own.own.fullmatch(w) and (rank := _level(w)) is not None and rank < own.rank for w in words]
        if all(above):
            return cue
        # the article's own share (县级资金, 市本级资金) or its lower levels': not received, whatever an earlier
        # item's cue says (其中中央补助资金X、县级资金Y); as a part it takes its total's measure, alone it is allocated
        return MeasureCue("allocation", "noun", cue.cue_start, cue.cue_end)
    stop = _SENTENCE_END_RE.search(text, end)
    sentence = text[sentence_start : stop.start() if stop else len(text)]
    rank = _level(words[-1])
    named = [_level(w) for n in r.source_named.findall(sentence) for w in r.level_word.findall(n)]
    lowest = max((n for n in named if n is not None), default=rank)
    if rank == 0 or (rank is not None and rank < lowest):
        return cue
    return None


@lru_cache(maxsize=8192)
def _fund_at_end(window: str) -> tuple[str, int, int] | None:
    """(levels, start, end) of a fund named by its levels ending ``window`` (其中中央资金), unless a verb governs it
    (the verb the levels gave it by, 市追加资金, governs nothing: the giver is named)."""
    m = rules().source_at_end.search(window)
    if not m:
        return None
    if rules().found_by_checks.search(m.group(0)):
        return None  # money a check found at a level (乡镇违规资金) is no fund that level gave
    ungoverned = window[: m.start(2)] + window[m.end(2) :] if m.group(2) else window
    if _nearest_in(ungoverned, "verbs"):
        return None
    return m.group(1), m.start(), m.end()


def _names_an_earlier_figure(text: str, cue: MeasureCue, start: int) -> bool:
    """The cue governs an amount of an earlier clause (a list in one clause shares it: 由770元提高到870元、840元)."""
    between = text[cue.cue_end or start : start]
    money = _MONEY_RE.search(between)
    return money is not None and bool(re.search(r"[，,；;]", between[money.end() :]))


def _passed_down(cue: MeasureCue, text: str, to_lower_level: bool) -> MeasureCue:
    """拨付 to a lower government (拨付各乡镇…, 向全县乡镇拨付…, or in a notice addressed to them) allocates the
    money."""
    if cue.measure != "expenditure" or cue.strength not in ("verb", "frame") or cue.cue_start is None:
        return cue
    r = rules()
    if not r.pass_down_verb.fullmatch(text, cue.cue_start, cue.cue_end):
        return cue
    named_before = r.lower_level_before.search(text, max(0, cue.cue_start - 12), cue.cue_start) is not None
    if to_lower_level or named_before or r.pass_down.match(text, cue.cue_start):
        return MeasureCue("allocation", cue.strength, cue.cue_start, cue.cue_end)
    return cue


def addressed_to_lower_level(text: str) -> bool:
    """A notice whose salutation line addresses lower governments (各乡镇财政所、…：)."""
    return bool(rules().lower_level_addressee.search(text[:600]))


def measure_of(
    text: str,
    start: int,
    end: int,
    windows: list[int],
    segment_start: int,
    sentence_start: int | None = None,
    headings: tuple[str, ...] = (),
    to_lower_level: bool = False,
    own: OwnLevel | None = None,
) -> MeasureCue:
    """Measure of the amount text[start:end]: :func:`_cue_of`, then who the money goes to
    (``to_lower_level``: the text is a notice addressed to lower governments; ``own``: the level the article speaks
    for, :func:`own_level`)."""
    cue = _cue_of(text, start, end, windows, segment_start, sentence_start, headings, own)
    cue = _planned(cue, text, start, windows[0] if windows else segment_start, headings)
    return _passed_down(cue, text, to_lower_level)


def _planned(cue: MeasureCue, text: str, start: int, clause_start: int, headings: tuple[str, ...]) -> MeasureCue:
    """Spending a plan sets is a budget (README: allocation): a floor or target in the figure's clause (确保全年支出
    不低于X, 力争全年投入X, 计划发放X), or the spending verb of a heading that plans it (资金使用方向建议)."""
    if cue.measure != "expenditure" or cue.strength not in ("verb", "noun", "frame", "heading"):
        return cue
    r = rules()
    if cue.strength == "heading":
        heading = next((h for h in headings if _nearest_in(h, "frame_verbs")), "")
        planned = r.plan_heading.search(heading) is not None
    else:
        planned = r.plan_word.search(text, clause_start, start) is not None
    return MeasureCue("allocation", cue.strength, cue.cue_start, cue.cue_end) if planned else cue


def _cue_of(
    text: str,
    start: int,
    end: int,
    windows: list[int],
    segment_start: int,
    sentence_start: int | None,
    headings: tuple[str, ...],
    own: OwnLevel | None = None,
) -> MeasureCue:
    """Cue deciding the measure of the amount text[start:end] (evidence order: module docstring).

    ``windows`` are candidate window starts, narrowest first (e.g. previous amount end, clause
    start, segment start); each window runs up to ``start``. ``sentence_start`` opens the verb frame
    (defaults to the segment); ``headings`` are the nearest section heading and the title, in that order.
    """
    if per_unit_suffix(text, end):
        return MeasureCue("per_capita", "tier", end, end + 2)
    segment = text[segment_start:start]
    th = list(rules().threshold.finditer(segment))
    if th:
        m = th[-1]
        return MeasureCue("threshold", "tier", segment_start + m.start(), segment_start + m.end())
    framed = _threshold_frame(text, segment_start, start, end)
    if framed is not None:
        return framed
    narrow = windows[0] if windows else segment_start
    sentence_start = segment_start if sentence_start is None else sentence_start
    head_start = max(narrow, start - HEAD_REACH)
    head_window = text[head_start:start]
    cue = _head(head_window, head_start) or _received_source(head_window, head_start, text, sentence_start, end, own)
    if cue is not None:
        return cue
    # 收入完成X，比上年同期Y: a comparison base is money of the compared figure's kind
    comparison_base = bool(_COMPARISON_BASE_RE.search(head_window))
    seen = set()
    for lo in windows:
        if lo in seen or lo > start:
            continue
        seen.add(lo)
        cue = _in_window(text[lo:start], lo, segment)
        one_figure = cue is not None and (cue.strength == "tier" or cue.measure in ONE_FIGURE_VERB_MEASURES)
        if one_figure and not comparison_base and _names_an_earlier_figure(text, cue, start):
            continue  # 总投资X，其中财政资金Y; 每人200元…，共代缴Z: the cue names only the earlier figure
        if cue is not None:
            return cue
    after = _verb_after(text, end)
    if after is not None:
        return after
    hit = _nearest_in(text[sentence_start:start], "frame_verbs")
    if hit:
        return MeasureCue(hit[0], "frame", sentence_start + hit[1], sentence_start + hit[2])
    for heading in headings:
        hit = _nearest_in(heading, "frame_verbs")
        if hit:
            return MeasureCue(hit[0], "heading", None, None)
    for lo in sorted(seen, reverse=True):
        hit = _nearest_in(text[lo:start], "weak_nouns")
        if hit:
            return MeasureCue(hit[0], "noun", lo + hit[1], lo + hit[2])
    return MeasureCue(rules().default, "none", None, None)


def _threshold_frame(text: str, segment_start: int, start: int, end: int) -> MeasureCue | None:
    """A figure that bounds a set or a plan from both sides: 年纳税额X以上的企业 (a class of payers), 控制在X以内."""
    after = text[end : end + 16]
    for before, bound in rules().threshold_frames:
        m = bound.match(after)
        if m and before.search(text, segment_start, start):
            return MeasureCue("threshold", "tier", end + m.start(), end + m.end())
    return None


def _verb_after(text: str, end: int) -> MeasureCue | None:
    """A spending or allocation verb right after a figure no cue before governs (其余X万元安排用于…,
    经费共计X万元，已全部足额拨付): the figure is what that verb does with the money. Only fillers (已全部,
    足额) and one comma may stand between."""
    m = rules().verb_after.match(text, end, min(len(text), end + 24))
    if m is None:
        return None
    verb = _nearest_in(m.group(0), "frame_verbs")
    if verb is None:
        return None
    return MeasureCue(verb[0], "verb", end + verb[1], end + verb[2])


def measure_in(window: str) -> str | None:
    """Measure named by the cue words of a free-standing phrase (a table caption, a title), or None."""
    cue = _in_window(window, 0)
    if cue is None:
        hit = _nearest_in(window, "weak_nouns")
        return hit[0] if hit else None
    return cue.measure


def settle_with_totals(measures: list[str], cues: list[MeasureCue], parents: list[int | None]) -> list[str]:
    """Measures after the total/part structure is known (``parents[i]``: index of i's total or None).

    * a part with no strong cue of its own takes its total's measure (a 下达 total's items), except a
      fund's share of a project's total investment, which is allocated (README: project scale), and a part
      named as spending (其中基本支出X) of money received or collected (当年拨款收入): its use, not income;
    * a total with no strong cue (以上两笔资金共计…) takes the measure its parts share when each part
      has a strong cue of its own (下达我区…): the sum is of money of that kind.
    """
    out = list(measures)
    for i, parent in enumerate(parents):
        if parent is None or cues[i].strength not in INHERITABLE_STRENGTHS or out[i] == out[parent]:
            continue
        if out[parent] == "investment" and cues[i].measure == "allocation":
            continue
        if cues[i].names_spending and out[parent] in INCOME_MEASURES:
            continue
        out[i] = out[parent]
    parts: dict[int, list[int]] = {}
    for i, parent in enumerate(parents):
        if parent is not None:
            parts.setdefault(parent, []).append(i)
    for total, children in parts.items():
        if cues[total].strength not in INHERITABLE_STRENGTHS:
            continue
        if any(cues[i].strength in INHERITABLE_STRENGTHS for i in children):
            continue
        shared = {out[i] for i in children}
        if len(shared) == 1:
            out[total] = shared.pop()
    return out
