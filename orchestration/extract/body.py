"""Paragraph, sentence and segment lookup for one article body, cached per sentence.

Every figure asks for its sentence, its segment, the sentences before it in its paragraph and the
nearest section heading; a sentence holds several figures, so the answers are computed once per
sentence or paragraph.
"""

from __future__ import annotations

import bisect
import re

from orchestration.extract import years
from orchestration.extract.text_units import Span, paragraphs, segments, sentences

HEADING_MAX_LEN = 40  # a section heading is a short line that ends no sentence
_NEWLINES = re.compile(r"\s*\n\s*")


class ArticleBody:
    """Paragraph / sentence / segment lookup for one article body."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text
        self.paras = paragraphs(text, start, end)
        self.sents: list[tuple[Span, int]] = []  # (sentence, paragraph index)
        self._first_sentence: list[int] = []  # paragraph index -> index in sents of its first sentence
        for pi, p in enumerate(self.paras):
            self._first_sentence.append(len(self.sents))
            for s in sentences(text, p):
                self.sents.append((s, pi))
        self._starts = [s.start for s, _ in self.sents]
        # Asked for every figure, answered per sentence (a sentence holds several figures).
        self._segments: dict[tuple[int, int], list[Span]] = {}
        self._paragraph_sentences: dict[int, tuple[str, ...]] = {}  # paragraph index -> its sentences' texts
        self._texts: dict[tuple[int, int], str] = {}
        self._joined: dict[tuple[int, int], str] = {}
        self._paragraph_texts: dict[int, str] = {}
        self._headings: dict[int, str] = {}  # paragraph index -> nearest heading before it
        self.headings = years.section_headings(text, start, end)

    def default_year(self, pos: int, article_year: int | None) -> int | None:
        """Year for a figure at ``pos`` whose sentence and paragraph name none: its section's, else the article's."""
        section = years.section_year(self.headings, pos)
        return section if section is not None else article_year

    def heading_before(self, pos: int) -> str:
        """The nearest section heading before pos's paragraph (a short line that ends no sentence), or ""."""
        _, pi = self.sentence_at(pos)
        heading = self._headings.get(pi)
        if heading is None:
            heading = ""
            for p in reversed(self.paras[:pi]):
                line = self.text[p.start : p.end]
                if len(line) <= HEADING_MAX_LEN and "\n" not in line and line[-1] not in "。！？；;：:":
                    heading = line
                    break
            self._headings[pi] = heading
        return heading

    def earlier_in_paragraph(self, pos: int) -> tuple[str, ...]:
        """The texts of the sentences of pos's paragraph that come before pos's sentence: a slice of the
        paragraph's, listed once per paragraph; one string per sentence (:meth:`sentence_text`), so that the
        readings cached on a sentence's text hash it once, not once per figure after it."""
        k = bisect.bisect_right(self._starts, pos) - 1
        if k < 0:
            return ()
        pi = self.sents[k][1]
        first = self._first_sentence[pi]
        texts = self._paragraph_sentences.get(pi)
        if texts is None:
            end = self._first_sentence[pi + 1] if pi + 1 < len(self._first_sentence) else len(self.sents)
            texts = self._paragraph_sentences[pi] = tuple([self.sentence_text(s) for s, _ in self.sents[first:end]])
        return texts[: k - first]

    def sentence_text(self, sent: Span) -> str:
        """The sentence's text, one string object per sentence: rows of its figures share it (pickled once)."""
        key = (sent.start, sent.end)
        s = self._texts.get(key)
        if s is None:
            s = self._texts[key] = self.text[sent.start : sent.end]
        return s

    def joined_text(self, span: Span) -> str:
        """The span's text without its line breaks, one string object per span: the figures of a segment
        share it (and its hash, computed once where it keys a cache)."""
        key = (span.start, span.end)
        s = self._joined.get(key)
        if s is None:
            s = self._joined[key] = strip_newlines(self.text[span.start : span.end])
        return s

    def paragraph_text(self, pi: int) -> str:
        """Paragraph ``pi``'s text, one string object per paragraph."""
        s = self._paragraph_texts.get(pi)
        if s is None:
            p = self.paras[pi]
            s = self._paragraph_texts[pi] = self.text[p.start : p.end]
        return s

    def sentence_at(self, pos: int) -> tuple[Span, int]:
        k = bisect.bisect_right(self._starts, pos) - 1
        if k < 0:
            return Span(pos, pos), 0
        return self.sents[k]

    def segment_at(self, pos: int) -> Span:
        sent, _ = self.sentence_at(pos)
        segs = self._segments.get((sent.start, sent.end))
        if segs is None:
            segs = self._segments[(sent.start, sent.end)] = segments(self.text, sent)
        for seg in segs:
            if seg.start <= pos < seg.end:
                return seg
        return sent


def strip_newlines(s: str) -> str:
    """The text with its line breaks (and the spaces around them) removed: a clause wrapped over lines."""
    return _NEWLINES.sub("", s) if "\n" in s else s
