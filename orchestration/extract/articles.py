"""Segment a bulletin into articles.

A column-style bulletin is a sequence of short articles, each starting with a title line and
usually an author line::

    江苏东台：扎实做好安全生产保障工作        <- title: place short name + full-width colon, short line
    江苏省东台市财政局 | 吴安萍              <- author line: organisation | person(s)  (optional)
    近年来，…                                <- body: up to the next title (or the end of the text)

A line is a title when it is short and has no sentence punctuation, and either starts with a
province (short) name followed within a few characters by a colon, or is followed by an author line
(with ``|``, or an organisation name alone). Text before the first title (an editor's preface) is
not an article. A bulletin without such titles is one article; its title is its first line when
that line is a headline (short, no sentence punctuation, followed by body text), else "".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PROVINCES = (
    "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 "
    "四川 贵州 云南 陕西 甘肃 青海 内蒙古 内蒙 广西 西藏 宁夏 新疆 台湾 香港 澳门 兵团"
).split()
_PROV_ALT = "|".join(sorted(PROVINCES, key=len, reverse=True))
MAX_TITLE_LEN = 48
TITLE_COLON_RE = re.compile(rf"^(?:{_PROV_ALT})[\u4e00-\u9fff]{{0,10}}\s*[：:]\s*\S")
SENTENCE_PUNCT_RE = re.compile(r"[。；;！？!?]|，.*，")
ORG_SUFFIX = (
    "财政局|财政厅|财政部|财政所|财政分局|局|厅|委员会|委|办公室|办|政府|中心|研究院|研究所|研究室|大学|学院|"
    "党校|处|科|股|站|公司|集团|协会|学会|报社|杂志社|编辑部|管委会|街道|镇|乡"
)
AUTHOR_PIPE_RE = re.compile(r"^(?P<org>[^|｜]{2,40}?)\s*[|｜]\s*(?P<person>[^|｜]{0,30})$")
_NAME = "[\u4e00-\u9fff·]{2,4}"
AUTHOR_ORG_RE = re.compile(
    rf"^(?P<org>[\u4e00-\u9fff（）()]{{3,40}}(?:{ORG_SUFFIX}))(?:\s+(?P<person>{_NAME}(?:\s+{_NAME}){{0,3}}))?$"
)
ENUM_RE = re.compile(r"^(?:[一二三四五六七八九十]+[、是]|[（(][一二三四五六七八九十0-9]+[）)]|[0-9]+[.、．])")


@dataclass
class ArticleSpan:
    title: str
    title_start: int
    body_start: int
    body_end: int
    author_org: str | None
    author_person: str | None


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    content: str  # stripped
    content_start: int


def _lines(text: str) -> list[_Line]:
    out = []
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            out.append(_Line(pos, pos + len(raw), stripped, pos + lead))
        pos += len(raw) + 1
    return out


def parse_author(line: str) -> tuple[str, str | None] | None:
    """(org, person) when the line is an author line, else None."""
    if len(line) > 50 or SENTENCE_PUNCT_RE.search(line) or "，" in line or "：" in line:
        return None
    m = AUTHOR_PIPE_RE.match(line)
    if m:
        org = m.group("org").strip()
        person = re.sub(r"\s+", " ", m.group("person").strip()) or None
        return org, person
    m = AUTHOR_ORG_RE.match(line)
    if m:
        person = m.group("person")
        return m.group("org"), (re.sub(r"\s+", " ", person) if person else None)
    return None


# A table row or page furniture: a cell line ending in a separator (高明乡 |), a rule (||||||||), a
# metadata row (文号 | 发布机构 | ||), a tab-separated row, or a line with fewer than two CJK characters.
TABLE_ROW_RE = re.compile(r"[|｜]\s*$|[|｜]\s*[|｜]|\t|^[^\u4e00-\u9fff]*(?:[\u4e00-\u9fff][^\u4e00-\u9fff]*)?$")


def _short_line(s: str) -> bool:
    return (
        4 <= len(s) <= MAX_TITLE_LEN
        and not SENTENCE_PUNCT_RE.search(s)
        and not ENUM_RE.match(s)
        and not TABLE_ROW_RE.search(s)
    )


def _is_title(lines: list[_Line], i: int) -> bool:
    s = lines[i].content
    if not _short_line(s) or s[-1] in "：:，,、":
        return False
    if i + 1 >= len(lines):
        return False
    nxt = lines[i + 1].content
    if parse_author(s) is not None:
        return False
    if TITLE_COLON_RE.match(s):
        return True
    # any short line followed by a "org | person" author line
    return bool(AUTHOR_PIPE_RE.match(nxt)) and parse_author(nxt) is not None


def segment(text: str) -> list[ArticleSpan]:
    lines = _lines(text)
    titles: list[tuple[int, str | None, str | None, int]] = []  # (line index, org, person, body line index)
    i = 0
    while i < len(lines):
        if _is_title(lines, i):
            org = person = None
            body_idx = i + 1
            if body_idx < len(lines):
                author = parse_author(lines[body_idx].content)
                if author is not None:
                    org, person = author
                    body_idx += 1
            titles.append((i, org, person, body_idx))
            i = body_idx
            continue
        i += 1
    if not titles:
        return [_single_article(text, lines)]
    arts: list[ArticleSpan] = []
    for k, (ti, org, person, bi) in enumerate(titles):
        title_line = lines[ti]
        end = lines[titles[k + 1][0]].content_start if k + 1 < len(titles) else len(text)
        body_start = lines[bi].content_start if bi < len(lines) else end
        body_start = min(body_start, end)
        arts.append(ArticleSpan(title_line.content, title_line.content_start, body_start, end, org, person))
    return arts


# Front matter between a headline and its body: source/date lines, a dash subtitle (——2016年1月12日在…
# 会议上), a bracketed editor's note (（摘自县财政局向县人大常委会所作的报告）), a document number
# (沂财农〔2024〕15号), an author line with a position (郫县财政局局长  张建国) or a date (通渭县财政局　2024年7月5日).
META_RE = re.compile(r"^(?:来源|发布时间|发布日期|日期|时间|作者|供稿|编辑|责任编辑|浏览次数|点击数)\s*[:：]")
EDITOR_NOTE_RE = re.compile(r"^[（(](?:摘自|摘编自|选自|转自|来源|根据|节选|摘要|有删节|略有删节)[^（）()]{0,40}[）)]$")
SOURCE_RE = re.compile(r"来源\s*[:：]\s*(?P<org>[\u4e00-\u9fff]{2,30}?(?:局|厅|部|办|委|中心|政府))")
SUBTITLE_RE = re.compile(r"^[—─－\-]{1,2}\s*\S")
DOC_NO_RE = re.compile(r"^[\u4e00-\u9fff]{1,10}[〔\[【(（][0-9]{4}[〕\]】)）][0-9]+号$")
DATE_RE = re.compile(r"(?:19|20)[0-9]{2}(?:年[0-9]{1,2}月[0-9]{1,2}日|[-/.][0-9]{1,2}[-/.][0-9]{1,2})")
ORG_POSITION_RE = re.compile(
    rf"^(?P<org>[\u4e00-\u9fff]{{2,30}}?(?:财政局|财政厅|财政所|局|厅|政府|委员会))"
    rf"(?:局长|副局长|厅长|副厅长|主任|副主任|科长|股长|党组书记)?(?:[\s\u3000]+(?P<person>{_NAME}))?"
    rf"(?:[\s\u3000]+(?P<date>{DATE_RE.pattern}))?$"
)


def _front_matter(line: str) -> tuple[str | None, str | None] | None:
    """(org, person) when the line is front matter between a headline and the body, else None."""
    if META_RE.match(line) or (DATE_RE.search(line) and "来源" in line):
        m = SOURCE_RE.search(line)
        return (m.group("org") if m else None), None
    if (
        SUBTITLE_RE.match(line)
        or EDITOR_NOTE_RE.match(line)
        or DOC_NO_RE.match(line)
        or re.fullmatch(r"[0-9０-９年月日.\-/ ]+", line)
    ):
        return None, None
    if SENTENCE_PUNCT_RE.search(line) or "，" in line:
        return None
    m = ORG_POSITION_RE.match(line)
    if m and (m.group("person") or m.group("date") or len(line) <= 16):
        return m.group("org"), m.group("person")
    author = parse_author(line)
    if author is not None:
        return author
    return None


def _single_article(text: str, lines: list[_Line]) -> ArticleSpan:
    if len(lines) >= 2:
        first = lines[0]
        s = first.content
        headline = (_short_line(s) or (2 <= len(s) < 4 and not SENTENCE_PUNCT_RE.search(s))) and s[-1] not in "：:，,、"
        if headline and not re.fullmatch(r"[0-9０-９年月日.\-/ ]+", s):
            org = person = None
            bi = 1
            while bi < len(lines) - 1 and bi <= 4:
                fm = _front_matter(lines[bi].content)
                if fm is None:
                    break
                org, person = fm[0] or org, fm[1] or person
                bi += 1
            if bi < len(lines):
                return ArticleSpan(s, first.content_start, lines[bi].content_start, len(text), org, person)
    return ArticleSpan("", 0, 0, len(text), None, None)
