"""Program phrase of an amount: the purpose of the money in the text's own words (2–15 chars).

The phrase is taken between the governing word and the amount (``安排|安全生产专项资金|1000万元``),
cut at the last boundary token (a governing verb, preposition, numeral, time word, 的, punctuation)
found by jieba's POS tagger; when that leaves nothing or only a generic word (资金, 专项资金), the
purpose after the amount is used (``安排3248万元落实|贫困学生资助政策``, ``拨付1934万元用于|…``).
Only the short windows around amounts are segmented, so the cost stays proportional to the
number of figures, not to the length of the bulletin.
"""

from __future__ import annotations

import io
import logging
import re
import sys
import threading
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from orchestration.extract import cache_files, pos_decoding
from orchestration.extract.text_units import Span, clause_end, clause_start, short_text_cache

_NUMBER_WORD_RE = re.compile(r"[0-9０-９.．%％]+")
_FUND_NOUNS = {"资金", "经费", "基金"}
_FUND_MODIFIERS = {"保障", "配套", "整合", "奖补", "扶持"}
_COUNTED_NAME_RE = re.compile(r"[一两二三四五六七八九十]项")
_PUNCT_WORD_RE = re.compile(r"[，,。；;：:、（）()]")
_CLAUSE_SPLIT_RE = re.compile(r"[，,。；;、]")
_TRAILING_COUNT_RE = re.compile(r"[0-9０-９一二三四五六七八九十百千]+[个家项所座条户名处批类件份]$")

MAX_LEN = 15
MIN_LEN = 2

# Words that govern money or introduce a purpose: the program starts after the last of them.
GOVERNING = set(
    "安排 设立 筹措 筹集 统筹 整合 拨付 下拨 拨出 发放 投入 兑现 兑付 落实 支付 使用 列支 下达 追加 预留 配套 "
    "投资 出资 实缴 注资 完成 实现 累计 获取 获得 争取 申报 获批 支持 用于 提供 开展 实施 推进 保障 "
    "采购 节约 核减 审减 压减 涉及 包括 包含 其中 共计 合计 达到 达 为 给予 奖补 帮助 带动 撬动 吸引 "
    "到位 支出 惠及".split()
)
# Tokens allowed inside a program even though tagged as verbs (they name the activity).
LEADING_JUNK_RE = re.compile(
    r"^(?:其中(?:包含|包括)?[：:]?|包括|包含|分别为|分别是|上年同期|去年同期|上年|去年|同期|比上年|较上年|比去年|同比|共|共计|合计|累计|全年|当年|今年|本年|目前|同时|另外|此外|"
    r"全[县区市省镇乡旗州]|本级|[县区市省镇乡]级?财政|财政|各级|各地|各类|相关|有关|全部|总计|进一步|"
    r"(?:19|20)[0-9]{2}年(?:度)?|[0-9一二三四五六七八九十]+月(?:底|末|份)?|以来|年内|分别|"
    r"(?:为|向|对|给|帮助)[^，。]{0,12}?(?=发放|拨付|兑现))+"
)
TRAILING_JUNK_RE = re.compile(
    r"(?:的|了|达到|达|为|是|约|共计|合计|共|计|累计|总额|总量|总计|金额|资金额|额度|规模|完成|实现|"
    r"分别|分别为|合计为|总金额|共计为|近|超|超过|逾|约为|增加|增长|提高到|提高至|提高|合计达|投入|由|从|每人每月|每人每年|每月|每年|每人|人均|生均|增支|增收|已支出|实际支出|累计支出)+$"
)
GENERIC = {
    "资金",
    "财政资金",
    "专项资金",
    "经费",
    "专项经费",
    "补助资金",
    "补助",
    "补贴",
    "奖补资金",
    "各类资金",
    "相关资金",
    "项目资金",
    "财政",
    "投资",
    "金额",
    "资金总额",
    "资金规模",
    "总投资",
    "投资额",
    "投资金额",
    "支出金额",
    "总额",
    "总量",
    "专项",
    "项目",
    "财政投入",
    "支出",
}
AFTER_RE = re.compile(
    r"^(?:以上|左右)?[，,]?(?:专项)?(?:用于|支持|落实|开展|实施|完成|保障|推进|扶持|推动|对|为|帮助|助力)"
    r"(?P<p>[^，。；,;：:（(]{2,40})"
)
QUANT_PREFIX_RE = re.compile(r"^(?:[0-9０-９一二三四五六七八九十百千]+(?:个|家|项|所|座|条|户|名|人|处|批|类|件)次?)")
ENUM_COUNT_RE = re.compile(r"等[0-9０-９一二三四五六七八九十]+[个家项所座条]")
BOUNDARY_FLAGS = {"p", "m", "q", "t", "x", "uj", "ul", "r", "c", "d", "w", "mq", "f"}


_LOADED: list = []  # jieba.posseg once loaded
_LOADING = threading.Lock()


def _posseg():
    """jieba's POS tagger, loaded once per process (by one thread: loading patches jieba's state for a moment)."""
    if not _LOADED:
        with _LOADING:
            if not _LOADED:
                _LOADED.append(_load_posseg())
    return _LOADED[0]


def _load_posseg():
    jieba = _import_jieba()
    jieba.setLogLevel(logging.WARNING)
    pseg = _posseg_with_cached_tables(jieba)
    _decode_runs_once(pseg)
    # class names (债务还本支出, 社会保障和就业支出) stay one noun, so a program is not cut inside them
    from orchestration.extract.functions import function_keyword_rows

    for row in function_keyword_rows():
        if row["priority"] >= 95 and len(row["keyword"]) >= 4:
            jieba.add_word(row["keyword"], tag="n")
    return pseg


def _import_jieba():
    """``import jieba`` without importing ``pkg_resources`` (0.2-0.3 s, nothing else here needs it).

    jieba imports it only to open its own data files, and opens them by path when the import fails; the
    import is made to fail while jieba loads (unless something already imported pkg_resources), then allowed.
    """
    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba

        return jieba
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # None in sys.modules: the import fails
    try:
        import jieba
    finally:
        del sys.modules["pkg_resources"]
    return jieba


def _posseg_with_cached_tables(jieba):
    """jieba's POS tagger, its dictionary's tables read from one cache file instead of built at each start.

    Loaded the usual way they cost 1.5-2 s a process: ``jieba.initialize`` unmarshals the prefix dictionary
    from an open file (a read call per object), and importing ``jieba.posseg`` parses the whole dictionary
    (349K lines) again for the words' tags. The same three tables (prefix frequencies, their total, the tags)
    are kept in one file (:mod:`cache_files`, named after jieba's version and dictionary file), read in one piece.
    """
    tokenizer = jieba.dt
    if tokenizer.initialized or "jieba.posseg" in sys.modules:  # already loaded in this process
        jieba.initialize()
        import jieba.posseg as pseg

        return pseg
    dictionary = Path(jieba.__file__).with_name(jieba.DEFAULT_DICT_NAME)
    key = f"{jieba.__version__}|{cache_files.file_key(dictionary)}"
    freq, total, tags = cache_files.cached("jieba", key, lambda: _tables_loaded_by_jieba(jieba))
    if not tokenizer.initialized:  # read from the file: handed to jieba
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = freq, total, True
        # jieba.posseg reads the dictionary for its tags when imported: handed an empty file, then the tags
        tokenizer.get_dict_file = io.BytesIO
        try:
            import jieba.posseg
        finally:
            del tokenizer.get_dict_file
        jieba.posseg.dt.word_tag_tab = tags
    import jieba.posseg as pseg

    return pseg


def _tables_loaded_by_jieba(jieba) -> tuple[dict, int, dict]:
    jieba.initialize()
    import jieba.posseg as pseg

    return jieba.dt.FREQ, jieba.dt.total, pseg.dt.word_tag_tab


def _decode_runs_once(pseg) -> None:
    """Let jieba's POS tagger decode each run of unknown characters once per process.

    The tagger decodes every run of characters its dictionary does not split (我区, 二是, 黑财指) with an
    HMM (``jieba.posseg.viterbi``, about a millisecond a run, most of jieba's time on real bulletins),
    and the same runs recur in clause after clause. The decoding is a pure function of the run and of
    the model's tables, which are fixed once imported, so its answer is looked up after the first time;
    the first time, :mod:`pos_decoding` decodes it (jieba's answer, fewer steps).
    """
    decode = pseg.viterbi
    if decode is _decode_with_lookup:
        return
    model = (pseg.char_state_tab_P, pseg.start_P, pseg.trans_P, pseg.emit_P)
    _HMM.update(decode=decode, model=model)
    pseg.viterbi = _decode_with_lookup


_HMM: dict = {}  # jieba's own decoder and the tables of its POS model, once the tagger is loaded


def _decode_with_lookup(obs, states, start_p, trans_p, emit_p):
    if all(a is b for a, b in zip((states, start_p, trans_p, emit_p), _HMM["model"], strict=True)):
        return _decoded_run(obs)
    return _HMM["decode"](obs, states, start_p, trans_p, emit_p)  # another model: decoded as asked


@lru_cache(maxsize=4096)
def _decoded_run(obs: str) -> tuple[float, tuple]:
    prob, states = pos_decoding.viterbi(obs, *_HMM["model"])
    return prob, tuple(states)


def load() -> None:
    """Load jieba's dictionary now (about a second) rather than on the first figure."""
    _posseg()


@lru_cache(maxsize=8192)
def _tokens(s: str) -> tuple[tuple[str, str], ...]:
    # Clauses repeat across the figures of a sentence: tag each once. The HMM stays on: without it
    # rare names lose characters (依汶镇 -> 汶镇).
    return tuple((w.word, w.flag) for w in _posseg().cut(s))


def _clean(s: str) -> str:
    s = s.strip(" \t\u3000\n“”\"'、，,：:（）()")
    prev = None
    while prev != s:
        prev = s
        s = LEADING_JUNK_RE.sub("", s)
        s = TRAILING_JUNK_RE.sub("", s)
        s = s.strip(" \t\u3000\n“”\"'、，,：:")
    # balanced quotes only
    s = s.replace("“", "").replace("”", "").replace("\n", "")
    return s


def _pieces(s: str) -> list[str]:
    """``s`` cut where jieba cuts it before segmenting: runs of Han characters, letters and digits, and the
    text between them. jieba segments each piece on its own, so the tokens of ``s`` are the pieces' tokens
    one after the other, and a reader that stops early need not have the other pieces segmented."""
    return [piece for piece in _posseg().re_han_internal.split(s) if piece]


def _tokens_from_end(s: str) -> Iterator[tuple[str, str]]:
    """The tokens of ``s`` last first (``reversed(_tokens(s))``), each piece segmented when reached."""
    for piece in reversed(_pieces(s)):
        yield from reversed(_tokens(piece))


def _tail_phrase(pre: str) -> str:
    """Noun phrase at the end of ``pre``: tokens after the last boundary token."""
    out: list[str] = []
    for word, flag in _tokens_from_end(pre):
        if word in GOVERNING and not out:
            out.append(word)
            continue
        if out and out[-1] in _FUND_NOUNS and word in _FUND_MODIFIERS:
            out.append(word)  # 供水保障资金, 配套资金: a kind of fund, not a verb governing it
            continue
        if out and _COUNTED_NAME_RE.fullmatch(word):
            out.append(word)  # 残疾人两项补贴: a numeral inside a policy's name, not a count of items
            continue
        if word in GOVERNING or (flag in BOUNDARY_FLAGS and word not in ("和", "与", "及", "、", "等")):
            break
        if _NUMBER_WORD_RE.fullmatch(word):
            break
        out.append(word)
    out.reverse()
    # trailing 等 belongs to the enumeration, not the program
    while out and out[-1] in ("等", "和", "与", "及", "、"):
        out.pop()
    while out and out[0] in ("和", "与", "及", "、", "等"):
        out.pop(0)
    return _fit("".join(out), from_end=True)


def _fit(s: str, from_end: bool) -> str:
    """Shorten to MAX_LEN at word boundaries (keeping the end or the start)."""
    if len(s) <= MAX_LEN:
        return s
    words = [w for w, _ in _tokens(s)]
    if from_end:
        words.reverse()
    out: list[str] = []
    n = 0
    for w in words:
        if n + len(w) > MAX_LEN:
            break
        out.append(w)
        n += len(w)
    if from_end:
        out.reverse()
    return "".join(out) or s[-MAX_LEN:] if from_end else "".join(out) or s[:MAX_LEN]


PURPOSE_START_RE = re.compile(r"^(?:用于|支持|落实|开展|实施|保障|推进|推动|助力)")


def _noun_head(after: str) -> str:
    """A noun phrase directly after the amount (设立550万元|安全生产专项资金), up to a verb or punctuation."""
    if not after or after[0] in "，,。；;：:、（(以左":
        return ""
    out: list[str] = []
    for word, flag in (token for piece in _pieces(after[:30]) for token in _tokens(piece)):
        if word in GOVERNING or flag in ("x", "w", "p", "uj", "m") or _PUNCT_WORD_RE.search(word):
            break
        out.append(word)
    return _fit(_clean("".join(out)), from_end=False)


def _after_phrase(after: str) -> str:
    m = AFTER_RE.match(after)
    if not m:
        return _noun_head(after)
    p = m.group("p")
    p = ENUM_COUNT_RE.split(p)[-1]
    p = QUANT_PREFIX_RE.sub("", p)
    p = _CLAUSE_SPLIT_RE.split(p)[0] if len(p) > MAX_LEN else p
    p = _clean(p)
    return _fit(p, from_end=False)


@short_text_cache(maxsize=8192)  # a pure function of its two phrases; list items and recurring clauses repeat them
def program_of(pre: str, after: str) -> str | None:
    """Program from the text before the amount (since its governing word) and after it (to clause end)."""
    if PURPOSE_START_RE.match(pre.lstrip("、，, ")):
        pre = ""  # the purpose of the previous amount (筹集2360万元支持X、3635万元用于Y)
    name = _clean(pre)
    if name:
        name = _clean(_tail_phrase(name)) or name
        name = QUANT_PREFIX_RE.sub("", name)
    if not name or name in GENERIC or len(name) < MIN_LEN:
        alt = _after_phrase(after)
        if alt and len(alt) >= MIN_LEN:
            return alt
    if name and len(name) >= MIN_LEN:
        return _fit(name, from_end=True)
    return None


@short_text_cache(maxsize=4096)  # a pure function of its two phrases, like program_of
def own_purpose_program(own: str, after: str) -> str | None:
    """Program of a figure whose clause opens with its purpose (用于河道清淤疏浚2.4亿元): the phrase as
    written, like a purpose after a figure."""
    opening = PURPOSE_START_RE.match(own)
    return _after_phrase(own) or program_of(own[opening.end() if opening else 0 :], after)


def is_generic(name: str | None) -> bool:
    return name is None or name in GENERIC or len(name) < MIN_LEN


@short_text_cache(maxsize=4096)  # a pure function of the clause: recurring clauses are read once
def previous_clause_program(clause: str) -> str | None:
    """Program named by the clause before the amount's clause (纳入…管理库项目4个，投资额53.22亿元)."""
    clause = _TRAILING_COUNT_RE.sub("", clause.strip())
    name = _clean(clause)
    if not name:
        return None
    name = _clean(_tail_phrase(name))
    return None if is_generic(name) else name


_NEWLINES_RE = re.compile(r"\s*\n\s*")
# 拨付1000万元，主要用于…: the purpose follows the amount after a comma
_PURPOSE_NEXT_RE = re.compile(r"[，,](?:主要|专项|全部|重点)?(?:用于|支持)")
_COMPARISON_RE = re.compile(r"比|较|同比")


def _joined(s: str) -> str:
    return _NEWLINES_RE.sub("", s) if "\n" in s else s


def program_for_figure(
    text: str,
    start: int,
    end: int,
    window_start: int,
    clause_lo: int,
    segment: Span,
    cue,
    previous_program: str | None,
    follows_amount: bool,
) -> tuple[str | None, int]:
    """(program, end of the figure's clause) for the amount text[start:end].

    ``window_start`` is where the amount's own text begins (the previous amount's end or its
    clause's start), ``clause_lo`` its comma clause's start, ``cue`` its :class:`MeasureCue`,
    ``previous_program`` the program of the sentence's previous figure (None when it is the first),
    ``follows_amount`` whether a previous figure stands in the same ；-segment. Evidence, nearest first:
    the phrase between the governing verb and the amount, or the purpose after it (用于…); the phrase
    before the verb; the previous figure's (a list continuation, or the increment 比上年增加X of it);
    the clause before a generic one (纳入…管理库项目4个，投资额53.22亿元).
    """
    verb_cue = cue.strength == "verb" and cue.cue_end is not None and window_start <= cue.cue_end <= start
    pre = _joined(text[cue.cue_end if verb_cue else window_start : start])
    # 其中，用于A1.35亿元，用于B3.72亿元: a clause of its own that opens with 用于 names its figure's purpose
    # (its 用于 is no earlier figure's), and the 用于 clause after the figure is the next figure's
    own_purpose = window_start == clause_lo and PURPOSE_START_RE.match(pre.lstrip("、，, "))
    purpose_next = not own_purpose and _PURPOSE_NEXT_RE.match(text[end : end + 6])
    after_end = clause_end(text, end + 1 if purpose_next else end, segment.end)
    after = _joined(text[end:after_end])
    if own_purpose:
        program = own_purpose_program(pre.lstrip("、，, "), after)
    else:
        program = program_of(pre, after)
    if program is None and verb_cue:
        # nothing between the verb and the amount: the program precedes the verb (县财政投资…)
        program = program_of(_joined(text[window_start : cue.cue_start]), after)
    if program is None and previous_program is not None and follows_amount:
        program = previous_program  # list continuation: 由770元提高到870元、840元
    increment = cue.strength in ("tier", "head") and cue.measure == "other" and _COMPARISON_RE.search(pre)
    if increment and previous_program is not None:
        program = previous_program  # 比上年增加1527万元: the increment of the previous figure
    if is_generic(program) and clause_lo - 1 > segment.start:
        prev_cl = clause_start(text, segment.start, clause_lo - 1)
        program = previous_clause_program(_joined(text[prev_cl : clause_lo - 1])) or program
    return program, after_end
