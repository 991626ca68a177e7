"""Map an amount's purpose to a 类-level code of the expenditure functional classification (支出功能分类).

Data files (edit these, not the code):

* ``data/function_classes.csv`` (code,name): the 类 list of the 2021+ classification.
* ``data/function_items.csv`` (name,function_code,level,note): the official 款/项 names under each 类
  and their common wordings; they rank as keywords of priority ITEM_PRIORITY unless the keyword file
  lists the same word.
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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from orchestration.extract.numbers import STATED_AMOUNT
from orchestration.extract.owners import Owner, mask_budget_words, owner_of_figure, owner_vocabulary
from orchestration.extract.records import SPENDING_MEASURES

DATA_DIR = Path(__file__).with_name("data")
CLASSES_FILE = DATA_DIR / "function_classes.csv"
KEYWORDS_FILE = DATA_DIR / "function_keywords.csv"
ITEMS_FILE = DATA_DIR / "function_items.csv"
ITEM_PRIORITY = 85  # an official 款/项 name: above area words, below class names

# measures whose amounts are never the spending of one functional area
NON_SPENDING_MEASURES = {
    "procurement": "procurement volume",
    "saving": "saving",
    "threshold": "threshold",
    "per_capita": "per-capita figure",
    "financing": "financing/loan",
    "revenue": "revenue",
}
# measures whose area can only come from the figure's own purpose phrase, never from its context
OWN_PHRASE_ONLY_MEASURES = {"other": "an increment, carry-over or volume names its area itself or has none"}
# no-code keywords below this priority are generic: the sentence may still name one area
WEAK_EXCLUSION_PRIORITY = 60
# a project's investment volume (总投资8.9亿元): classless, and so is only the figure it states
_PROJECT_INVESTMENT_RE = re.compile(r"总投资|投资额|投资总额|完成投资|计划投资|累计投资")
# in an investment sentence these mean project/fund investment volumes, not fiscal outlays
_INVESTMENT_VOLUME_RE = re.compile(rf"{_PROJECT_INVESTMENT_RE.pattern}|实缴|出资|子基金|直投|送审|基金")


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
    listed = {k.keyword for k in out}
    for r in _read_csv(ITEMS_FILE):
        name, code = r["name"].strip(), r["function_code"].strip()
        if code not in classes:
            raise ValueError(f"{ITEMS_FILE.name}: unknown function_code {code!r} for {name!r}")
        if name not in listed:
            out.append(_Keyword(name, code, ITEM_PRIORITY, f"{r['level'].strip()} name"))
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


@functools.lru_cache(maxsize=4096)  # a figure's purpose phrase and sentence are asked about again by its neighbours
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
    by_opening: dict[str, list[tuple[int, _Keyword]]]  # by first two characters (one for a one-character keyword)
    one_character: bool  # some keyword is one character long


@functools.cache
def _keyword_index() -> _KeywordIndex:
    keywords = _keywords()
    by_first: dict[str, list[tuple[int, _Keyword]]] = {}
    by_opening: dict[str, list[tuple[int, _Keyword]]] = {}
    always = []
    for rank, kw in enumerate(keywords):
        if kw.keyword:
            by_first.setdefault(kw.keyword[0], []).append((rank, kw))
            by_opening.setdefault(kw.keyword[:2], []).append((rank, kw))
        else:
            always.append((rank, kw))
    one_character = any(len(kw.keyword) == 1 for kw in keywords)
    return _KeywordIndex(len(keywords), always, by_first, by_opening, one_character)


UNMAPPED = "unmapped: "  # spending whose area no keyword names: list these in a warehouse check
NOT_ONE_AREA = "not one area: "  # deliberately empty: aggregates, per-capita figures, thresholds, …
# area keywords at or above this priority name one area; below it they are generic (产业, 农村, 绿化)
SPECIFIC_PRIORITY = 60
# class names and official 款/项 names: two of them in one purpose phrase are two areas
CLASS_NAME_PRIORITY = 95


def _verdict(kw: _Keyword, where: str) -> tuple[str | None, str]:
    if kw.code is None:
        reason = kw.note or "not one area's spending"
        return None, f"{NOT_ONE_AREA}{where}keyword {kw.keyword} -> none ({reason})"
    return kw.code, f"{where}keyword {kw.keyword} -> {kw.code}"


@functools.lru_cache(maxsize=4096)
def keyword_hits(text: str) -> tuple[_Keyword, ...]:
    """Keywords in ``text``, best first, none inside a better one's occurrence (医疗救助 hides 救助)."""
    index = _keyword_index()
    # the keywords opening with a pair of characters the text holds (a one-character keyword: with a character)
    openings = {text[i : i + 2] for i in range(len(text) - 1)}
    if index.one_character:
        openings.update(text)
    candidates = sorted(
        (rank, kw)
        for opening in openings & index.by_opening.keys()
        for rank, kw in index.by_opening[opening]
        if len(kw.keyword) <= 2 or kw.keyword in text
    )
    taken: list[tuple[int, int]] = []
    hits: list[_Keyword] = []
    for _, kw in candidates:
        free = False
        word = kw.keyword
        start = text.find(word)
        while start >= 0:  # its occurrences left to right, none overlapping the one before (as re.finditer finds them)
            end = start + len(word)
            if not any(start < e and s < end for s, e in taken):
                taken.append((start, end))
                free = True
            start = text.find(word, end)
        if free:
            hits.append(kw)
    return tuple(hits)


@dataclass(frozen=True)
class _Areas:
    """What one piece of text says about areas: the specific classes it names, a strong no-area word.

    Shared between the callers asking about the same text (``_areas`` is cached): read, never modify.
    """

    specific: dict[str, _Keyword]  # code -> best keyword naming it (priority >= SPECIFIC_PRIORITY)
    generic: dict[str, _Keyword]  # code -> best generic keyword
    exclusion: _Keyword | None  # best no-code keyword of priority >= WEAK_EXCLUSION_PRIORITY
    # the same among the words that are no investment volume (总投资, 投资额): what another figure than the
    # investment of the same sentence sees
    exclusion_beside_investment: _Keyword | None = None


def _is_investment_volume(kw: _Keyword) -> bool:
    return _PROJECT_INVESTMENT_RE.fullmatch(kw.keyword) is not None


@functools.lru_cache(maxsize=4096)  # the sentence of several figures, the same purpose phrase again
def _areas(text: str | None) -> _Areas:
    specific: dict[str, _Keyword] = {}
    generic: dict[str, _Keyword] = {}
    exclusion = beside_investment = None
    for kw in keyword_hits(text or ""):
        if kw.code is None:
            if kw.priority >= WEAK_EXCLUSION_PRIORITY and exclusion is None:
                exclusion = kw
            if kw.priority >= WEAK_EXCLUSION_PRIORITY and beside_investment is None and not _is_investment_volume(kw):
                beside_investment = kw
        elif kw.priority >= SPECIFIC_PRIORITY:
            specific.setdefault(kw.code, kw)
        else:
            generic.setdefault(kw.code, kw)
    return _Areas(specific, generic, exclusion, beside_investment)


def _conflict(where: str, kws: list[_Keyword]) -> tuple[None, str]:
    named = ", ".join(f"{k.keyword} -> {k.code}" for k in kws)
    return None, f"{NOT_ONE_AREA}{where}names several areas ({named})"


NARROWER_THAN_SENTENCE = ("clause", "segment")
# levels so far from the figure that a no-area word there (民生, 绩效评价) is about other figures
_WIDE_LEVELS = ("paragraph ", "title ")


def _one_area(text: str, where: str, beside_investment: bool = False) -> tuple[str | None, str, set[str]] | None:
    """(code, evidence, codes in conflict) of one context level, or None when it names no area.

    ``beside_investment``: the figure is not the investment volume this level may state (总投资8.9亿元,
    使用专项债券2.3亿元): that volume's words make only the investment figure classless, not its neighbours."""
    areas = _areas(text)
    if where in _WIDE_LEVELS:
        areas = _Areas(areas.specific, areas.generic, None)
    elif beside_investment:
        areas = _Areas(areas.specific, areas.generic, areas.exclusion_beside_investment)
    if len(areas.specific) > 1:
        return (*_conflict(where, list(areas.specific.values())), set(areas.specific))
    if areas.specific:
        kw = next(iter(areas.specific.values()))
        if areas.exclusion is not None and areas.exclusion.priority > kw.priority:
            return (*_conflict(where, [kw, areas.exclusion]), {kw.code})
        return (*_verdict(kw, where), set())
    if areas.exclusion is not None:
        return (*_verdict(areas.exclusion, where), set())
    return None


def _settle(
    conflicting: set[str],
    evidence: str,
    near_generic: list[_Keyword],
    wider: list[tuple[str, str]],
    beside_investment: bool = False,
) -> tuple[str | None, str]:
    """A level naming several areas: a generic word near the figure (phrase, clause, segment, sentence)
    or a wider level (paragraph, title) naming one area, that agrees with one of them, picks it; else empty."""
    tie_break = next((kw for kw in near_generic if kw.code in conflicting), None)
    if tie_break is not None:
        return tie_break.code, f"generic keyword {tie_break.keyword} -> {tie_break.code} picks one of: {evidence}"
    for where, text in wider:
        verdict = _one_area(text, f"{where} ", beside_investment and where != "clause")
        if verdict is not None and verdict[0] in conflicting and not verdict[2]:
            return verdict[0], f"{verdict[1]} picks one of: {evidence}"
    return None, evidence


_LIST_CATEGORY_RE = re.compile(r"等([^、，,等]{2,})$")


def _category_of_list(program: str) -> str:
    """``上解上级、债务还本等转移性支出``: the category after 等 is what the figure is, when it names an area."""
    program = program.strip()
    m = _LIST_CATEGORY_RE.search(program)
    if m and _areas(m.group(1)).specific:
        return m.group(1)
    return program


# (level, text) pairs where a figure's owner may be named, or a function building them when asked
OwnerContext = tuple[tuple[str, str], ...] | Callable[[], tuple[tuple[str, str], ...]]
# levels of the owner context that name a project (beside the figure's context) and a unit (its title, signature)
_PROJECT_LEVELS = ("heading", "project name")
_NAME_LEVELS = ("title", "signature")


def _levels_of(owner_context: OwnerContext) -> tuple[tuple[str, str], ...]:
    """The (level, text) pairs of an owner context, built now if it was passed as a function."""
    return owner_context() if callable(owner_context) else owner_context


def classify_program(
    program_name: str | None,
    sentence: str,
    measure: str,
    context: tuple[tuple[str, str], ...] = (),
    owner_context: OwnerContext = (),
) -> tuple[str | None, str]:
    """(类 code or None, evidence) for an amount with this purpose, sentence and measure.

    The words of the figure and its context decide (:func:`_classify_by_words`); when a budget word
    (一般公共预算, 年初预算, 支出总计) would leave a spending figure empty, whose budget it is decides
    instead (:func:`_class_of_owner`). ``owner_context``: (level, text) pairs, narrowest first, where the
    owner may be named: the figure's clause, sentence and paragraph up to the figure (what comes after it
    tells its use), its section heading, the title, the signature, a form's ``项目名称`` line; or a function
    returning them, called only for the few figures whose owner is asked.
    """
    code, evidence = _classify_by_words(program_name, sentence, measure, context)
    measure = (measure or "").strip()
    if measure in OWNERLESS_MEASURES:
        return code, evidence
    if code is None and _decided_by_budget_word(evidence):
        return _class_of_owner(program_name, sentence, measure, context, owner_context, (code, evidence))
    running_cost = _running_cost_read_from_context(program_name, evidence)
    if running_cost is not None:
        return _class_of_running_cost(running_cost, owner_context, (code, evidence))
    return code, evidence


# measures whose figures keep today's verdict whoever owns the money: no spending, increments, scale
OWNERLESS_MEASURES = {*NON_SPENDING_MEASURES, *OWN_PHRASE_ONLY_MEASURES, "investment"}
# a keyword that left a figure without class, as its evidence names it (一般公共预算 -> none, 年初预算 -> None)
_CLASSLESS_KEYWORD_RE = re.compile(r"(\S+) -> [Nn]one\b")


def _decided_by_budget_word(evidence: str) -> bool:
    budget_words = owner_vocabulary().budget_words
    return evidence.startswith(NOT_ONE_AREA) and any(w in budget_words for w in _CLASSLESS_KEYWORD_RE.findall(evidence))


def _running_cost_read_from_context(program_name: str | None, evidence: str) -> str | None:
    """The running-cost word (人员经费) of a figure's own phrase when its verdict came from its context."""
    if _OWN_EVIDENCE_RE.match(evidence):
        return None
    return next((w for w in owner_vocabulary().running_costs if w in (program_name or "")), None)


def _class_of_running_cost(
    word: str, owner_context: OwnerContext, verdict: tuple[str | None, str]
) -> tuple[str | None, str]:
    """A department's running costs (人员经费) are in its class: the economic items their sentence lists
    (社会保障缴费, 住房公积金, 办公费) name no area. Another owner, or none, keeps the verdict of the words."""
    owner_context = _levels_of(owner_context)
    owner = owner_of_figure(owner_context)
    if owner is None or owner.kind != "department":
        return verdict
    return _class_of_named_owner(owner, owner_context, verdict, f" (running cost {word})")


def _class_of_owner(
    program_name: str | None,
    sentence: str,
    measure: str,
    context: tuple[tuple[str, str], ...],
    owner_context: OwnerContext,
    verdict: tuple[str | None, str],
) -> tuple[str | None, str]:
    """The class of the owner of a figure that budget words left empty (``verdict``: that empty verdict).

    The narrowest level of ``owner_context`` naming an owner says whose budget it is. A government's
    spans every class: the verdict stays. For a department or unit, and for one project, the budget words
    are neutral: the figure's own purpose phrase without them, then (a project) the words of its context,
    heading and 项目名称 without them, then the owner's name (:func:`_class_of_named_owner`).
    """
    owner_context = _levels_of(owner_context)
    owner = owner_of_figure(owner_context)
    if owner is None:
        return verdict
    where = f"{owner.kind} ({owner.word} in its {owner.level})"
    if owner.kind == "government":
        return None, f"{verdict[1]}; owner: {where}"
    own_code, own_evidence = _classify_by_words(mask_budget_words(program_name or ""), "", measure)
    if own_code is not None:
        return own_code, f"owner {where}, its budget words neutral: {own_evidence}"
    if owner.kind == "project":
        # the project's words: the figure's context, then the project's heading and the form's 项目名称 line
        masked = tuple((level, mask_budget_words(text)) for level, text in context)
        named = tuple((level, mask_budget_words(text)) for level, text in owner_context if level in _PROJECT_LEVELS)
        code, words = _classify_by_words(
            mask_budget_words(program_name or ""), mask_budget_words(sentence), measure, (*masked, *named)
        )
        if code is not None:
            return code, f"owner {where}, its budget words neutral: {words}"
    return _class_of_named_owner(owner, owner_context, verdict)


def _class_of_named_owner(
    owner: Owner, owner_context: tuple[tuple[str, str], ...], verdict: tuple[str | None, str], why: str = ""
) -> tuple[str | None, str]:
    """The class a department's or project's name gives: the department named at the owner's level or a
    wider one (农业农村局 -> 213), else (a unit without a listed name) the one area its title and signature
    name. An unnamed unit of a government's text (我局 of a 财政局's summary) keeps the verdict of the words;
    where nothing gives one class the figure is empty, ``unmapped:`` (one owner's spending of an unknown class).
    """
    where = f"{owner.kind} ({owner.word} in its {owner.level})"
    if owner.department_class is not None:
        code = owner.department_class
        return code, f"owner {where}: department {owner.department_name} -> {code}{why}"
    if owner.department_name is not None:
        return None, f"{UNMAPPED}owner {where}: departments of several classes ({owner.department_name}){why}"
    if owner.kind == "department":
        name = mask_budget_words("".join(text for level, text in owner_context if level in _NAME_LEVELS))
        named = _areas(name).specific
        if len(named) == 1:
            kw = next(iter(named.values()))
            return kw.code, f"owner {where}: its name's keyword {kw.keyword} -> {kw.code}{why}"
        if owner.government_word is not None:
            return verdict[0], f"{verdict[1]}; owner: {where} in a government's text ({owner.government_word})"
    # one owner's spending whose class no word names: listed by the unmapped-spending check
    return None, f"{UNMAPPED}owner {where} of unknown class{why}; {verdict[1].removeprefix(NOT_ONE_AREA)}"


def _classify_by_words(
    program_name: str | None,
    sentence: str,
    measure: str,
    context: tuple[tuple[str, str], ...] = (),
) -> tuple[str | None, str]:
    """(类 code or None, evidence) from the words of the figure's purpose phrase and context.

    Evidence ladder, strongest first (a weak hint never overrides a strong one):

    1. the measure: None for amounts that are not the spending of one functional area
       (procurement, saving, threshold, per_capita, financing, revenue) and investment volumes;
    2. a class name (预备费) before a spending figure in its clause when the purpose phrase follows the figure
       (预备费…安排X万元，用于…救灾: its uses do not make it another class's money);
       the purpose phrase (program name): its best specific keyword (class, 款/项 name, area word),
       or a no-code keyword (民生支出, 一般公共预算支出); two class names -> empty; a figure of measure
       ``other`` (increment, carry-over, volume managed) has no further evidence;
    3. the context levels, narrowest first (``context``: (level name, text) pairs: the figure's clause,
       its ；-segment, its paragraph, the title; ``sentence`` comes after clause and segment): the first level
       naming any area decides if it names one area and no other; when it names several, a generic
       word near the figure (purpose phrase, clause, segment, sentence: 企业, 产业), or a wider level
       naming one area, that agrees with one of them picks it, else the figure is left empty (conflict);
    4. a generic word of the purpose phrase or clause, then the sentence's best generic word when it
       outranks the others.

    Evidence of an empty code starts with ``not one area:`` when the emptiness is deliberate and
    with ``unmapped:`` when no keyword matched: spending of an unknown area, to be listed by a
    check and added to the keyword data. Evidence from a context level starts with its name.
    """
    measure = (measure or "").strip()
    if measure in NON_SPENDING_MEASURES:
        return None, f"{NOT_ONE_AREA}measure {measure}: {NON_SPENDING_MEASURES[measure]}"
    program = _category_of_list(program_name or "")
    sentence = sentence or ""
    named = _class_named_before_figure(program, context) if measure in SPENDING_MEASURES else None
    if named is not None:
        return named
    areas = _areas(program)
    best = best_keyword(program)
    if measure == "investment":
        m = _INVESTMENT_VOLUME_RE.search(program) or _INVESTMENT_VOLUME_RE.search(sentence)
        if m and not (best is not None and best.code is not None and best.priority >= 80):
            return None, f"{NOT_ONE_AREA}investment volume ({m.group(0)})"
    if len({kw.code for kw in areas.specific.values() if kw.priority >= CLASS_NAME_PRIORITY}) > 1:
        return _conflict("", [kw for kw in areas.specific.values() if kw.priority >= CLASS_NAME_PRIORITY])
    if best is not None and (
        best.code is None and best.priority >= WEAK_EXCLUSION_PRIORITY or best.code in areas.specific
    ):
        return _verdict(best, "")
    if program and measure == "investment" and not areas.generic:
        return None, f"{UNMAPPED}investment in a project without an area keyword"
    if measure in OWN_PHRASE_ONLY_MEASURES:
        return None, f"{NOT_ONE_AREA}measure {measure}: {OWN_PHRASE_ONLY_MEASURES[measure]}"
    # generic words nearest the figure, nearest first: the purpose phrase's, its clause's, segment's, sentence's
    narrow = [level for level in context if level[0] in NARROWER_THAN_SENTENCE]
    near_generic = list(areas.generic.values())
    for _, text in [*narrow, ("sentence", sentence)]:
        near_generic += [kw for kw in _areas(text).generic.values() if kw not in near_generic]
    levels = narrow + [("sentence", sentence)] + [level for level in context if level not in narrow]
    # an investment volume (总投资, 投资额) outside the figure's clause is another figure's: not this one's verdict
    beside_investment = measure != "investment"
    for k, (where, text) in enumerate(levels):
        verdict = _one_area(text, f"{where} ", beside_investment and where != "clause")
        if verdict is None:
            continue
        code, evidence, conflicting = verdict
        if conflicting:
            return _settle(conflicting, evidence, near_generic, levels[k + 1 :], beside_investment)
        if best is not None and best.code is None:
            return code, f"{evidence} (program word {best.keyword} is generic)"
        return code, evidence
    if areas.generic:
        return _verdict(next(iter(areas.generic.values())), "generic ")
    clause_generic = list(_areas(narrow[0][1]).generic.values()) if narrow else []
    if clause_generic:
        return _verdict(clause_generic[0], "clause generic ")
    generic = list(_areas(sentence).generic.values())
    if generic and (len(generic) == 1 or generic[0].priority > generic[1].priority):
        return _verdict(generic[0], "sentence generic ")
    return None, f"{UNMAPPED}no keyword matched"


# the figure in its clause (the clause starts after the previous figure, so its first amount is this one)
_FIGURE_RE = re.compile(STATED_AMOUNT)
# class names (预备费, 教育支出) and nothing weaker: what a budget line before its figure says it is
CLASS_NAME_ONLY = 100


@functools.cache
def _class_names_re() -> re.Pattern:
    """Any class name (a keyword with a class and priority CLASS_NAME_ONLY or more)."""
    names = sorted({kw.keyword for kw in _keywords() if kw.code and kw.priority >= CLASS_NAME_ONLY}, key=len)
    return re.compile("|".join(re.escape(n) for n in reversed(names)))


def _class_named_before_figure(program: str, context: tuple[tuple[str, str], ...]) -> tuple[str, str] | None:
    """(class, evidence) when the figure's clause names one class by its class name before the figure and the
    purpose phrase came after it: 县级预备费按…1.5%安排6,230万元，用于…自然灾害救灾等难以预见的开支 is 预备费
    (227); the uses listed after a budget line's figure do not make it another class's money. Not an earlier
    clause's name (一般公共服务支出增长5%，安排X用于救灾 is no 201)."""
    clause = dict(context).get("clause", "")
    figure = _FIGURE_RE.search(clause)
    if figure is None or not program or program in clause[: figure.start()]:
        return None
    if not _class_names_re().search(clause, 0, figure.start()):
        return None  # most clauses name no class: one search instead of all the clause's keywords
    names = {kw.code: kw for kw in keyword_hits(clause[: figure.start()]) if kw.code and kw.priority >= CLASS_NAME_ONLY}
    if len(names) != 1:
        return None
    kw = next(iter(names.values()))
    return kw.code, f"keyword {kw.keyword} -> {kw.code} before the figure (its uses follow it)"


SUBJECT_CODE_LEVELS = {3: "类", 5: "款", 7: "项"}  # 支出功能分类: digits of a code -> its level
SUBJECT_CODE_EVIDENCE = "subject code "


def class_of_subject_code(code: str) -> tuple[str | None, str] | None:
    """(class, evidence) of a budget table row's 支出功能分类 code (205, 20502, 2050201): the class is the
    code's first three digits, the most authoritative statement there is. None when the code is no
    expenditure class (a revenue code, a number that only looks like one)."""
    level = SUBJECT_CODE_LEVELS.get(len(code))
    if level is None or not code.isdigit() or code[:3] not in FUNCTION_CLASSES:
        return None
    return code[:3], f"{SUBJECT_CODE_EVIDENCE}{code} ({level}) in its table row -> {code[:3]}"


# evidence of a class read off the figure's own purpose phrase or its row's subject code (not its context)
_OWN_EVIDENCE_RE = re.compile(rf"^(?:not one area: )?(?:keyword |{SUBJECT_CODE_EVIDENCE})")
# the same, naming an area: a keyword or subject code with a class (a no-area keyword, 直达资金, names none)
_OWN_AREA_RE = re.compile(rf"^(?:keyword |{SUBJECT_CODE_EVIDENCE})")


def inherit_from_totals(rows: list) -> None:
    """Classes after the total/part structure is known (rows: ``Amount`` records, changed in place).

    * a part whose own purpose phrase names no area takes the class its total's purpose names;
    * a total whose own phrase names no area: its wider context describes its parts, so it takes
      their class when they all share one, and none when they differ or one has none.
    """
    by_start = {r.char_start: r for r in rows}
    for _ in range(2):  # nested lists: a heading may itself inherit from its total
        for row in rows:
            parent = by_start.get(row.parent_char_start) if row.parent_char_start is not None else None
            # a part's own phrase naming an area keeps it; one naming only a source or a budget (其中中央直达资金,
            # 一般公共预算) names no area, and a part of a one-class total is in that class
            if parent is None or parent.function_code is None or _OWN_AREA_RE.match(row.function_evidence or ""):
                continue
            parent_evidence = parent.function_evidence or ""
            if row.measure in NON_SPENDING_MEASURES or not (
                _OWN_EVIDENCE_RE.match(parent_evidence) or parent_evidence.startswith("total's class")
            ):
                continue
            row.function_code = parent.function_code
            row.function_evidence = f"total's class {parent.function_code} ({parent_evidence})"
    parts: dict[int, list] = {}
    for row in rows:
        if row.parent_char_start is not None and row.parent_char_start in by_start:
            parts.setdefault(row.parent_char_start, []).append(row)
    for start, children in parts.items():
        total = by_start[start]
        evidence = total.function_evidence or ""
        if total.measure in NON_SPENDING_MEASURES or _OWN_EVIDENCE_RE.match(evidence) or evidence.startswith("total's"):
            continue
        codes = {c.function_code for c in children}
        if len(codes) == 1 and None not in codes:
            total.function_code = codes.pop()
            total.function_evidence = f"parts' class {total.function_code} (context: {evidence})"
        else:
            named = ", ".join(sorted(str(c) for c in codes))
            total.function_code = None
            total.function_evidence = f"{NOT_ONE_AREA}a total whose parts have classes {named} (context: {evidence})"
