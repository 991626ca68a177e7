"""Fiscal year of a figure.

The evidence ladder, strongest first (the same for every attribute: clause, sentence, paragraph,
section, title, the document's date and signature lines, source metadata):

1. a standard replaced by a new one (``由原来770元提高到870元``): the old one is the year before;
2. a prior-year comparison base right before the figure (``比上年同期98765万元``): the year before;
3. an explicit year (``2021年``) or a relative year (``今年``/``上年``/``去年``) nearest before the
   figure in its sentence (years inside document titles 《…》 and document numbers 〔…〕 ignored, and
   a year compared against, ``比2023年``/``超2023年``, is a base, not the figure's year). A dated
   event (``2022年11月29日，《…提前下达2023年…资金的通知》下达…``) yields to the year of the
   allocation the cited document names;
4. the paragraph: the last earlier sentence that opens with a year frame (``2016年，全县…``);
5. the section: the nearest numbered heading above that names a year (``一、2022年财政决算情况``);
6. the article's default year: a framing year (``2021年，…``, ``截至2021年底``, ``2021年以来``)
   of the article, else a year in its title; when the article speaks of the current period
   (``今年以来``, ``截至10月``, ``1-10月``) without naming it, the document's own date, else the
   dominant year of the whole bulletin;
7. the document's own date: a date line under the headline (``渭南市财政局 2021-02-08``,
   ``发布时间：2025-04-15 09:14``) or a signature date closing it (``2022年8月25日``,
   ``二○一七年五月四日``), then the source page's publication date (``sources.csv``);
8. otherwise unknown (None).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

_FRAME_HEAD_RE = re.compile(r"(?:截至|截止|到|至)?\s*((?:19|20)[0-9]{2})\s*年")

# 19xx/20xx not after a digit, the look-behind after the first digit so that a pattern opening with it opens with
# one of two characters, which re skips to instead of trying the pattern at every position (numbers.not_after)
_YEAR = r"(?:1(?<![0-9]1)9|2(?<![0-9]2)0)[0-9]{2}"
YEAR_RE = re.compile(rf"({_YEAR})(?:年|[-—～~至到]\s*(?:19|20)?[0-9]{{2}}年)")
YEAR_ANY_RE = re.compile(rf"({_YEAR})(?![0-9])(?=年|〕|\]|】|）|\))")
RELATIVE = {
    "今年": 0,
    "本年": 0,
    "当年": 0,
    "全年": 0,
    "上年": -1,
    "去年": -1,
    "上一年": -1,
    "前年": -2,
    "明年": 1,
    "下年": 1,
}
RELATIVE_RE = re.compile("|".join(sorted(RELATIVE, key=len, reverse=True)))
# A framing year: the year a passage is about, not a dated event (2020年11月 … is an event), at the passage's
# start or after a break. Two patterns, not one opening with ``(?:^|[。，…])``: the scan after a break then opens
# with a character class, which re skips to, instead of trying the pattern at every position.
_FRAME = (
    r"\s*(?:截至|截止|到|至)?\s*((?:19|20)[0-9]{2})年"
    r"(?:底|末|以来|全年|上半年|前三季度|度|，|,|\s|[^0-9月一二三四五六七八九十元])"
)
_FRAME_AT_START_RE = re.compile(_FRAME)
_FRAME_AFTER_BREAK_RE = re.compile(f"[。；;，,\n]{_FRAME}")


def first_frame(s: str) -> re.Match | None:
    """The first framing year of ``s`` (group 1: the year)."""
    return _FRAME_AT_START_RE.match(s) or _FRAME_AFTER_BREAK_RE.search(s)


CURRENT_PERIOD_RE = re.compile(
    r"今年|本年|截至(?:目前|[0-9０-９一二三四五六七八九十]+月)|截止(?:目前|[0-9一二三四五六七八九十]+月)|"
    r"[1１一][-—~～至到][0-9０-９一二三四五六七八九十]+月|前三季度|上半年|一季度|全年"
)
# every alternative opens with one character (（ and ( apart), so re skips to them
_MASK_RE = re.compile(
    r"《[^》\n]{0,80}》|〔[^〕\n]{0,12}〕|\[[^\]\n]{0,12}\]|【[^】\n]{0,20}】|（[^）)\n]{0,30}[）)]|\([^）)\n]{0,30}[）)]"
)
REPLACED_RE = re.compile(r"由\s*(?:原来|原)?\s*(?:每人每月|每人每年|每人|每月|每年|人均|生均|户均)?\s*$")
# 2020—2022年 / 2021-2023年: a figure over a range of years has no single fiscal year
RANGE_RE = re.compile(rf"{_YEAR}\s*年?\s*[-—–~～至到]\s*(?:19|20)?[0-9]{{2}}年")
# 上年结转 / 上年末 / 结转下年: a carry-over or stock reference, not the year of the figure
_RELATIVE_NOT_YEAR_AFTER = re.compile(r"结转|结余|末|基础上")
# a dated line: 2023-04-12, 发布时间：2023/4/12, 2025-04-1509:14 (a time glued on by page scraping)
ISO_DATE_RE = re.compile(
    rf"({_YEAR})[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12][0-9]|3[01])"
    r"(?:(?![0-9])|(?=[0-9]{1,2}:[0-9]{2}))"
)
CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "0": 0, "一": 1, "二": 2, "三": 3, "四": 4}
CN_DIGITS.update({"五": 5, "六": 6, "七": 7, "八": 8, "九": 9})
_CN_NUM = "〇○零ＯO一二三四五六七八九十"
# a full date in words or digits: 2022年8月25日, 二○一七年五月四日
FULL_DATE_RE = re.compile(
    rf"(?<![0-9])((?:19|20)[0-9]{{2}}|[一二][{_CN_NUM}]{{3}})\s*年\s*[0-9{_CN_NUM}]{{1,2}}\s*月\s*[0-9{_CN_NUM}]{{1,3}}\s*[日号]"
)
# a year right before a month and day: the date of an event, not a fiscal year
_EVENT_DATE_AFTER_RE = re.compile(r"\s*[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日")
# a cited document allocating a year's funds (《…提前下达2023年…资金的通知》): that year is the money's
_CITED_ALLOCATION_RE = re.compile(r"《[^》\n]*?下达\s*((?:19|20)[0-9]{2})\s*年[^》\n]*》")
# a numbered heading: 一、… (section) and （一）… (subsection)
_HEADING_RE = re.compile(r"[ \t\u3000]*(?:([一二三四五六七八九十]{1,3})、|[（(]([一二三四五六七八九十]{1,3})[）)])")
# a year compared against is the base of the comparison, not the figure's year (比2023年, 超2023年)
_COMPARED_BEFORE = "比较超"
_SENTENCE_MARK_RE = re.compile(r"[，。；！？,;!?]")
HEAD_LINES = 8  # a date line sits within the first lines under the headline
HEAD_LINE_MAX = 80  # …and is short (an org name, a date, a source, a counter)
TAIL_LINES = 4  # a signature date sits within the last lines
REPLACED_AFTER_RE = re.compile(r"^[，,]?[^，。；,]{0,8}?(?:提高|提升|上调|调整|增加|增至|提至|上涨|降低|下调)")
# 比上年同期98765万元, and with a verb of the base between (比上年下达的11,930万元), never an increment (比上年增加的…)
PRIOR_BASE_RE = re.compile(
    r"(?:(?:比|较|与|同)?(?:上年|去年|上年同期|去年同期|上一年)(?:同期)?(?:的|为|是)?"
    r"|(?:比|较|与)(?:上年|去年)(?:同期)?(?![增减多少提降超])[\u4e00-\u9fff]{1,4}的)\s*$"
)


def mask_titles(s: str) -> str:
    """Replace 《…》, 〔…〕 and parenthesised notes by spaces (same length) so their years are ignored."""
    # Called for every figure: most prefixes hold no bracket that could open a match.
    if "（" not in s and "(" not in s and "《" not in s and "〔" not in s and "[" not in s and "【" not in s:
        return s
    return _MASK_RE.sub(lambda m: " " * len(m.group(0)), s)


def dominant_year(text: str) -> int | None:
    """Most mentioned year in the whole bulletin (ties: the latest); else the year of its date line."""
    counts = Counter(int(m.group(1)) for m in YEAR_ANY_RE.finditer(text))
    if not counts:
        m = ISO_DATE_RE.search(text)
        return int(m.group(1)) if m else None
    best = max(counts.values())
    return max(y for y, c in counts.items() if c == best)


def _year_number(s: str) -> int | None:
    """2022 -> 2022; 二○一七 -> 2017; None when not a plausible year."""
    if s.isdigit():
        return int(s)
    digits = [CN_DIGITS.get(ch) for ch in s]
    if None in digits or len(digits) != 4:
        return None
    year = int("".join(map(str, digits)))
    return year if 1900 <= year <= 2099 else None


def _date_in_line(line: str) -> int | None:
    m = ISO_DATE_RE.search(line)
    if m:
        return int(m.group(1))
    m = FULL_DATE_RE.search(line)
    return _year_number(m.group(1)) if m else None


def _date_line_year(line: str) -> int | None:
    """Year of a date line: short, no sentence in it (a sentence's date is an event, not the document's)."""
    if len(line) > HEAD_LINE_MAX or _SENTENCE_MARK_RE.search(line):
        return None
    return _date_in_line(line)


def document_year(text: str) -> int | None:
    """Year of the document's own date: a dated line under the headline, else a closing signature date."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    for line in [*lines[1:HEAD_LINES], *reversed(lines[-TAIL_LINES:])]:  # line 1 is the headline itself
        year = _date_line_year(line)
        if year is not None:
            return year
    # a page whose header is glued into one line (我市…5.31亿元发布时间:2025-04-1509:14来源:…)
    m = re.search(r"(?:发布时间|发布日期|发文日期|日期)\s*[:：|]?\s*", text[: HEAD_LINE_MAX * 4])
    if m:
        return _date_in_line(text[m.end() : m.end() + 24])
    return None


def article_default_year(body: str, bulletin_year: int | None, title: str = "", dated: int | None = None) -> int | None:
    """The year an article is about when a sentence does not say (``dated``: the document's own date)."""
    masked = mask_titles(body)
    m = first_frame(masked)
    if m:
        return int(m.group(1))
    m = YEAR_RE.search(mask_titles(title or ""))
    if m:  # 关于下达2024年…资金的通知
        return int(m.group(1))
    if CURRENT_PERIOD_RE.search(masked):
        return dated if dated is not None else bulletin_year
    return dated


def section_headings(text: str, start: int, end: int) -> list[tuple[int, int, int | None]]:
    """(line start, level, year named) of the numbered headings in text[start:end]; level 1 一、, 2 （一）."""
    out = []
    pos = start
    for line in text[start:end].split("\n"):
        m = _HEADING_RE.match(line)
        if m:
            ym = YEAR_RE.search(mask_titles(line[: HEAD_LINE_MAX // 2]))
            out.append((pos, 1 if m.group(1) else 2, int(ym.group(1)) if ym else None))
        pos += len(line) + 1
    return out


def section_year(headings: list[tuple[int, int, int | None]], pos: int) -> int | None:
    """Year of the section ``pos`` is in: its nearest subsection heading naming one, else its section's."""
    for start, level, year in reversed(headings):
        if start > pos:
            continue
        if year is not None:
            return year
        if level == 1:
            return None  # the section names no year: the sections above are not about this figure
    return None


def _year_evidence(prefix: str, current: int | None) -> tuple[int, int | None, bool]:
    """(position, year, is_range) of the year evidence nearest the end of ``prefix``; position -1: none."""
    best_pos = -1
    best: int | None = None
    is_range = False
    for m in YEAR_RE.finditer(prefix):
        if m.start() > 0 and prefix[m.start() - 1] in _COMPARED_BEFORE:
            continue  # 比2023年决算数增长: the comparison base, not the figure's year
        if m.start() > best_pos:
            best_pos, best, is_range = m.start(), int(m.group(1)), False
    for m in RANGE_RE.finditer(prefix):
        if m.start() >= best_pos:
            best_pos, best, is_range = m.start(), None, True
    for m in RELATIVE_RE.finditer(prefix):
        word = m.group(0)
        if current is None or m.start() <= best_pos:
            continue
        # 比上年增加… / 较去年同期…: a comparison base, not the year of what follows
        if RELATIVE[word] < 0 and m.start() > 0 and prefix[m.start() - 1] in "比较与同":
            continue
        # 去年全年 / 2022年当年: 全年 restates the year just named
        if word in ("全年", "当年") and m.start() > 0 and prefix[m.start() - 1] == "年":
            continue
        # …主要是上年同期基数较高；农林水支出…: a relative year in an earlier clause of a list explains
        # that clause; an explicit year (2023年…；…) still carries over the semicolon
        if "；" in prefix[m.end() :] or ";" in prefix[m.end() :]:
            continue
        # 上年结转 / 上年末 / 结转下年: not the year of the figure
        if _RELATIVE_NOT_YEAR_AFTER.match(prefix, m.end()) or prefix[max(0, m.start() - 2) : m.start()] == "结转":
            continue
        best_pos, best, is_range = m.start(), current + RELATIVE[word], False
    return best_pos, best, is_range


@lru_cache(maxsize=4096)
def frame_year(sentence: str) -> tuple[bool, int | None]:
    """(found, year) of a sentence that opens with a year frame (2016年…, 截至2021年底…, 2020—2022年…)."""
    # The earlier sentences of a paragraph are looked at again for every figure after them.
    head = mask_titles(sentence)[:16].lstrip()
    m = _FRAME_HEAD_RE.match(head)
    if not m:
        return False, None
    if RANGE_RE.match(head, m.start(1)):
        return True, None
    return True, int(m.group(1))


def year_in_sentence(text: str, sent_start: int, start: int) -> bool:
    """Whether the sentence states a year of its own before the figure at ``start``."""
    return _year_evidence(mask_titles(text[sent_start:start]), None)[0] >= 0


def amount_year(
    text: str,
    sent_start: int,
    start: int,
    end: int,
    default: int | None,
    earlier: Sequence[str] | None = None,
) -> int | None:
    """Fiscal year of the figure at text[start:end] in the sentence starting at sent_start.

    ``earlier``: the texts of the earlier sentences of the paragraph; a sentence without a year of its own takes
    the year of the last of them that opens with a year frame (2016年全县…。一般公共预算支出安排…).
    """
    prefix = text[sent_start:start]
    pos, year, is_range = _year_evidence(mask_titles(prefix), default)
    if is_range:
        return None
    if pos >= 0 and prefix[pos : pos + 4].isdigit() and _EVENT_DATE_AFTER_RE.match(prefix, pos + 5):
        cited = _CITED_ALLOCATION_RE.search(prefix, pos)
        if cited:  # 2022年11月29日，《…提前下达2023年…资金…》下达我区…: the money is 2023's
            year = int(cited.group(1))
    if pos < 0:
        year = default  # a sentence without its own year: the paragraph's or the article's year
        for sentence in reversed(earlier or ()):
            found, y = frame_year(sentence)
            if found:
                if y is None:
                    return None
                year = y
                break
    before = text[max(sent_start, start - 12) : start]
    after = text[end : end + 14]
    if year is not None:
        if REPLACED_RE.search(before) and REPLACED_AFTER_RE.match(after):
            return year - 1
        if PRIOR_BASE_RE.search(before):
            return year - 1
    return year
