"""Paragraphs, sentences and clauses of a body, as offset spans into the text.

Bulletins are often broken mid-sentence by page breaks (a line ending in a comma or a plain
character, followed by blank lines and the rest of the sentence). A line break therefore ends a
paragraph only when the line ends like a sentence, or when it is short (a heading or table row).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import NamedTuple

from orchestration.extract.numbers import DIGIT_CHARS

# A cache keeps its keys: texts longer than this (a clause or segment of a text scraped as one endless sentence,
# one key per figure) are read afresh instead of kept
CACHED_TEXT_MAX_LEN = 300


def short_text_cache(maxsize: int) -> Callable[[Callable], Callable]:
    """``lru_cache`` for a pure function of texts, keeping only calls whose texts are short (CACHED_TEXT_MAX_LEN
    characters in all): the recurring clauses and windows of bulletins, never a long prefix per figure."""

    def decorate(function: Callable) -> Callable:
        cached = lru_cache(maxsize=maxsize)(function)

        @wraps(function)
        def call(*args):
            # a plain loop: called for most figures, where a generator under sum() cost twice as much
            length = 0
            for a in args:
                if a.__class__ is str:
                    length += len(a)
            if length <= CACHED_TEXT_MAX_LEN:
                return cached(*args)
            return function(*args)

        call.cache_info, call.cache_clear, call.cache_parameters = (
            cached.cache_info,
            cached.cache_clear,
            cached.cache_parameters,
        )
        return call

    return decorate


SENTENCE_END = "。！？!?"
CLOSERS = "”’」』）)》】■"
# A line ending in one of these is complete; a long line ending otherwise continues after a page break.
LINE_COMPLETE = SENTENCE_END + "：:；;" + CLOSERS
CONTINUATION_MIN_LEN = 20


class Span(NamedTuple):
    """Offsets into the text (a named tuple: a body makes one per sentence and piece, and a tuple is cheapest)."""

    start: int
    end: int

    def text(self, text: str) -> str:
        return text[self.start : self.end]


def _lines(text: str, start: int, end: int) -> list[Span]:
    out = []
    pos = start
    nl = text.find("\n", pos, end)
    while nl >= 0:
        out.append(Span(pos, nl))
        pos = nl + 1
        nl = text.find("\n", pos, end)
    out.append(Span(pos, end))
    return out


def paragraphs(text: str, start: int, end: int) -> list[Span]:
    """Non-empty paragraphs in text[start:end], page-break continuations merged (newlines kept inside)."""
    result: list[Span] = []
    cur: Span | None = None
    continues = False
    for line in _lines(text, start, end):
        content = text[line.start : line.end].strip()
        if not content:
            continue
        if cur is not None and continues:
            cur = Span(cur.start, line.end)
        else:
            if cur is not None:
                result.append(cur)
            cur = line
        last = content[-1]
        continues = last not in LINE_COMPLETE and len(content) >= CONTINUATION_MIN_LEN
    if cur is not None:
        result.append(cur)
    # trim surrounding whitespace
    trimmed = []
    for p in result:
        s, e = p.start, p.end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        trimmed.append(Span(s, e))
    return trimmed


# An ender and the closers right after it end a piece (。” ends a sentence with its closing quote).
_ENDS = {enders: re.compile(f"[{re.escape(enders)}][{re.escape(CLOSERS)}]*") for enders in (SENTENCE_END, "；;")}


def _split(text: str, span: Span, enders: str) -> list[Span]:
    """The pieces of ``span``, each ending at an ender and its closers, leading blanks trimmed, blank ones dropped."""
    end = span.end
    ends = _ENDS.get(enders) or re.compile(f"[{re.escape(enders)}][{re.escape(CLOSERS)}]*")
    out = []
    s = span.start
    for m in ends.finditer(text, s, end):
        piece_end = m.end()
        while s < piece_end and text[s].isspace():
            s += 1
        if s < piece_end:
            out.append(Span(s, piece_end))
        s = piece_end
    while s < end and text[s].isspace():
        s += 1
    if s < end:
        out.append(Span(s, end))
    return out


def sentences(text: str, paragraph: Span) -> list[Span]:
    return _split(text, paragraph, SENTENCE_END)


def segments(text: str, sentence: Span) -> list[Span]:
    """Semicolon-delimited parts of a sentence (a verb rarely governs across ；)."""
    return _split(text, sentence, "；;")


CLAUSE_BREAKS = "，,；;。：:！？\n"
# Through the last clause break before the end of the searched range (greedy, then backtracking to a break):
# the regex engine walks the characters that a Python loop would, at a fraction of the cost.
_THROUGH_LAST_BREAK_RE = re.compile(f".*[{CLAUSE_BREAKS}]", re.DOTALL)
_NO_BREAK_RE = re.compile(f"[^{CLAUSE_BREAKS}]*")
# The stretch before a figure looked at first: a clause is rarely longer, and a figure far into a long segment
# (a text scraped as one endless sentence) must not cost the whole segment's length.
CLAUSE_NEAR = 64


def _thousands_separator(text: str, i: int) -> bool:
    # a comma between digits separates thousands (占年初预算50,100万元的): it ends no clause
    return text[i] == "," and 0 < i < len(text) - 1 and text[i - 1] in DIGIT_CHARS and text[i + 1] in DIGIT_CHARS


def clause_start(text: str, lo: int, pos: int) -> int:
    """Start of the comma clause containing ``pos`` (not before ``lo``)."""
    end = pos
    while end > lo:
        near = end - CLAUSE_NEAR
        if near <= lo:
            m = _THROUGH_LAST_BREAK_RE.match(text, lo, end)
        else:  # the near stretch, else the last break before it
            m = _THROUGH_LAST_BREAK_RE.match(text, near, end) or _THROUGH_LAST_BREAK_RE.match(text, lo, near)
        if m is None:
            return lo
        if not _thousands_separator(text, m.end() - 1):
            return m.end()
        end = m.end() - 1  # a separator inside a number: look on before it
    return min(pos, lo)  # pos itself when it is not past lo


def clause_end(text: str, pos: int, hi: int) -> int:
    while pos < hi:
        pos = _NO_BREAK_RE.match(text, pos, hi).end()
        if pos == hi or not _thousands_separator(text, pos):
            break
        pos += 1  # a separator inside a number ends no clause
    return pos
