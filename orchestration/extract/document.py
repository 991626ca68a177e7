"""Extract all fiscal facts of one bulletin: :func:`extract_document`.

Steps: segment into articles (:mod:`articles`), locate each article (``localities.locate_article``),
decide the bulletin's and each article's default year (:mod:`years`), then for each body find the
money spans (:mod:`amounts`), their measure (``measures.measure_of``), program
(``programs.program_for_figure``), year, and the total/part structure (:mod:`totals`), which settles
measures (``measures.settle_with_totals``); then the function code from the figure's evidence ladder
(``functions.classify_program``: purpose, clause, segment, sentence, paragraph, title) and its
total or parts (``functions.inherit_from_totals``); and the percentages (:mod:`percents`).
Money-like spans outside any body go to ``skipped``.
"""

from __future__ import annotations

import bisect
import re

from orchestration.extract import amounts as amounts_mod
from orchestration.extract import beneficiaries as beneficiaries_mod
from orchestration.extract import percents as percents_mod
from orchestration.extract import periods, programs, tables, years
from orchestration.extract.articles import segment
from orchestration.extract.functions import inherit_from_totals
from orchestration.extract.measures import addressed_to_lower_level, measure_in, measure_of, settle_with_totals
from orchestration.extract.records import (
    Amount,
    Article,
    Beneficiary,
    Extraction,
    Locality,
    Ratio,
    SkippedSpan,
)
from orchestration.extract.sources import SourceMetadata
from orchestration.extract.text_units import Span, clause_start, paragraphs, segments, sentences
from orchestration.extract.totals import Item, find_totals


def _locate(title: str, author_org: str | None, body: str, year: int | None) -> tuple[Locality | None, str]:
    try:
        from orchestration.extract.localities import locate_article
    except ImportError:  # pragma: no cover - the gazetteer module is developed in parallel
        return None, "localities module unavailable"
    result = locate_article(title, author_org, body, year)
    if isinstance(result, tuple):
        return result[0], str(result[1])
    return result, ""


def _classify(
    program: str | None, sentence: str, measure: str, context: tuple[tuple[str, str], ...] = ()
) -> tuple[str | None, str]:
    from orchestration.extract.functions import classify_program

    code, evidence = classify_program(program, sentence, measure, context)
    return code or None, evidence


class _Body:
    """Paragraph / sentence / segment lookup for one article body."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text
        self.paras = paragraphs(text, start, end)
        self.sents: list[tuple[Span, int]] = []  # (sentence, paragraph index)
        for pi, p in enumerate(self.paras):
            for s in sentences(text, p):
                self.sents.append((s, pi))
        self._starts = [s.start for s, _ in self.sents]
        # Asked for every figure, answered per sentence (a sentence holds several figures).
        self._segments: dict[tuple[int, int], list[Span]] = {}
        self._earlier: dict[int, list[tuple[int, int]]] = {}
        self._texts: dict[tuple[int, int], str] = {}
        self._headings: dict[int, str] = {}  # paragraph index -> nearest heading before it

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

    def earlier_in_paragraph(self, pos: int) -> list[tuple[int, int]]:
        """(start, end) of the sentences of pos's paragraph that come before pos's sentence."""
        sent, pi = self.sentence_at(pos)
        earlier = self._earlier.get(sent.start)
        if earlier is None:
            earlier = [(s.start, s.end) for s, p in self.sents if p == pi and s.start < sent.start]
            self._earlier[sent.start] = earlier
        return list(earlier)

    def sentence_text(self, sent: Span) -> str:
        """The sentence's text, one string object per sentence: rows of its figures share it (pickled once)."""
        key = (sent.start, sent.end)
        s = self._texts.get(key)
        if s is None:
            s = self._texts[key] = self.text[sent.start : sent.end]
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


HEADING_MAX_LEN = 40
_NL_RE = re.compile(r"\s*\n\s*")


def _strip_nl(s: str) -> str:
    return _NL_RE.sub("", s) if "\n" in s else s


def extract_document(text: str, source: SourceMetadata | None = None) -> Extraction:
    """All facts of ``text``; ``source`` is what the page it came from says (used where the text is silent)."""
    programs.load()
    out = Extraction()
    spans = segment(text)
    bulletin_year = years.dominant_year(text)
    body_ranges = [(a.body_start, a.body_end) for a in spans]

    # money-like spans outside every body are skipped (preface, titles, author lines)
    all_money, rejected = amounts_mod.find_money(text)
    money_starts = [m.start for m in all_money]
    body_starts = [s for s, _ in body_ranges]
    for m in all_money:
        k = bisect.bisect_right(body_starts, m.start) - 1
        if k < 0 or m.end > body_ranges[k][1]:
            out.skipped.append(SkippedSpan(m.start, m.end, m.text, "outside article body"))
    for r in rejected:
        out.skipped.append(SkippedSpan(r.start, r.end, r.text, r.reason))

    for no, a in enumerate(spans, start=1):
        body_text = text[a.body_start : a.body_end]
        default_year = years.article_default_year(body_text, bulletin_year, a.title)
        locality, evidence = _locate(a.title, a.author_org, body_text, default_year or bulletin_year)
        out.articles.append(
            Article(
                no,
                a.title,
                a.title_start,
                a.body_start,
                a.body_end,
                a.author_org,
                a.author_person,
                locality,
                evidence,
                default_year,
            )
        )
        body = _Body(text, a.body_start, a.body_end)
        lo = bisect.bisect_left(money_starts, a.body_start)
        hi = bisect.bisect_left(money_starts, a.body_end)
        money = [m for m in all_money[lo:hi] if m.end <= a.body_end]
        money += tables.header_unit_amounts(text, a.body_start, a.body_end, money)
        money.sort(key=lambda m: m.start)
        frame = periods.article_frame(text, a.body_start, a.body_end, a.title)
        rows = _amounts(text, no, body, money, default_year, frame, a.body_start, a.title)
        out.amounts.extend(rows)
        out.ratios.extend(_ratios(text, no, body, a.body_start, a.body_end, default_year, frame, rows))
        out.beneficiaries.extend(_beneficiaries(text, no, body, a.body_start, a.body_end, default_year, rows))
    return out


def _amounts(
    text: str,
    no: int,
    body: _Body,
    money: list,
    default_year: int | None,
    frame: str | None = None,
    body_start: int = 0,
    title: str = "",
) -> list[Amount]:
    items: list[Item] = []
    rows: list[Amount] = []
    cues = []
    contexts: list[tuple[tuple[str, str], ...]] = []  # the figure's clause, segment, paragraph, title
    prev_end = -1
    to_lower_level = addressed_to_lower_level(text)
    for m in money:
        sent, pi = body.sentence_at(m.start)
        seg = body.segment_at(m.start)
        cl = clause_start(text, seg.start, m.start)
        w1 = max(cl, prev_end) if prev_end >= seg.start else cl
        headings = tuple(h for h in (body.heading_before(m.start), title) if h)
        cue = measure_of(text, m.start, m.end, [w1, cl, seg.start], seg.start, sent.start, headings, to_lower_level)
        cues.append(cue)
        previous = rows[-1].program_name if rows and rows[-1].sentence_start == sent.start else None
        program, aft_end = programs.program_for_figure(
            text, m.start, m.end, w1, cl, seg, cue, previous, follows_amount=prev_end >= seg.start
        )
        earlier = body.earlier_in_paragraph(m.start)
        year = years.amount_year(text, sent.start, m.start, m.end, default_year, earlier)
        sentence = body.sentence_text(sent)
        figure_clause = _strip_nl(text[max(prev_end, cl) : aft_end])
        paragraph = body.paras[pi]
        contexts.append(
            (
                ("clause", figure_clause),
                ("segment", _strip_nl(text[seg.start : seg.end])),
                ("paragraph", text[paragraph.start : paragraph.end]),
                ("title", title),
            )
        )
        measure = cue.measure
        is_cell = m.text[-1:] != "元"
        if is_cell and cue.strength == "none":
            # a table cell: the caption (…资金分配表) or the title (关于下达…的通知) names the measure
            cap = tables.caption(text, m.start, body_start)
            measure = measure_in(cap) or measure_in(title) or measure
        rows.append(Amount(no, m.start, m.end, m.text, m.yuan, sentence, sent.start, year, program, None, measure))
        rows[-1].period = periods.period_of(text, sent.start, m.start, earlier, frame, measure)
        items.append(
            Item(
                m.start,
                m.end,
                m.yuan,
                sent.start,
                sent.end,
                pi,
                _strip_nl(text[w1 : m.start]),
                measure,
                table=is_cell,
            )
        )
        prev_end = m.end
    find_totals(items, text)
    _table_totals(text, items)
    for row, item in zip(rows, items, strict=True):
        row.is_total = item.is_total
        if item.parent is not None:
            row.parent_char_start = rows[item.parent].char_start
    settled = settle_with_totals([r.measure for r in rows], cues, [it.parent for it in items])
    for row, measure in zip(rows, settled, strict=True):
        row.measure = measure
    for row, context in zip(rows, contexts, strict=True):
        if row.amount_text[-1:] != "元":
            # a table cell: its row label is a recipient, the caption says what the money is for
            cap = tables.caption(text, row.char_start, body_start)
            row.function_code, row.function_evidence = _classify(cap or title, f"{cap}{title}", row.measure)
        else:
            row.function_code, row.function_evidence = _classify(row.program_name, row.sentence, row.measure, context)
    inherit_from_totals(rows)
    return rows


def _table_totals(text: str, items: list[Item]) -> None:
    """A 合计/总计 row of a table is the total of the cells above it in its column when they sum to it."""
    cells = [(i, tables.cell_position(text, it.start)) for i, it in enumerate(items) if it.table]
    for k, (i, (label, col, _)) in enumerate(cells):
        if not tables.TOTAL_LABEL_RE.match(label) or items[i].is_total:
            continue
        parts = []
        for j, (lab, c, _) in reversed(cells[:k]):
            if tables.TOTAL_LABEL_RE.match(lab):
                break
            if c == col and items[j].parent is None:
                parts.append(j)
        if len(parts) >= 2 and sum((items[j].yuan for j in parts), start=items[i].yuan * 0) == items[i].yuan:
            items[i].is_total = True
            for j in parts:
                items[j].parent = i
                items[j].role = "part"


def _ratios(
    text: str,
    no: int,
    body: _Body,
    start: int,
    end: int,
    default_year: int | None,
    frame: str | None = None,
    amounts: list[Amount] | None = None,
) -> list[Ratio]:
    out = []
    for p in percents_mod.find_percents(text, start, end):
        sent, _ = body.sentence_at(p.start)
        seg = body.segment_at(p.start)
        cl = clause_start(text, seg.start, p.start)
        before = _strip_nl(text[cl : p.start])
        after = text[p.end : p.end + 16]
        kind = percents_mod.classify(before, after)
        of_what = percents_mod.describe(before if len(before) >= 2 else _strip_nl(after), after)
        earlier = body.earlier_in_paragraph(p.start)
        year = years.amount_year(text, sent.start, p.start, p.end, default_year, earlier)
        if percents_mod.is_standing_cap(before, after) and not years.year_in_sentence(text, sent.start, p.start):
            year = None  # a limit holds across years unless its sentence dates it
        period = periods.period_of(text, sent.start, p.start, earlier, frame, percent=True)
        in_sentence = [a for a in amounts or [] if sent.start <= a.char_start < p.start]
        base = percents_mod.base_of(kind, before, _strip_nl(text[sent.start : p.start]), period, in_sentence)
        out.append(
            Ratio(no, p.start, p.end, p.text, p.value, kind, of_what, body.sentence_text(sent), year, period, base)
        )
    return out


def _beneficiaries(
    text: str, no: int, body: _Body, start: int, end: int, default_year: int | None, amounts: list[Amount]
) -> list[Beneficiary]:
    out = []
    linkable = [a for a in amounts if a.measure not in ("per_capita", "threshold")]
    for c in beneficiaries_mod.find_counts(text, start, end):
        sent, _ = body.sentence_at(c.start)
        seg = body.segment_at(c.start)
        earlier = body.earlier_in_paragraph(c.start)
        year = years.amount_year(text, sent.start, c.start, c.end, default_year, earlier)
        same = [a for a in linkable if seg.start <= a.char_start < seg.end]
        before = [a for a in same if a.char_end <= c.start]
        after = [a for a in same if a.char_start >= c.end]
        link = before[-1] if before else (after[0] if after else None)
        out.append(
            Beneficiary(
                no,
                c.start,
                c.end,
                c.text,
                c.value,
                c.unit,
                c.subject,
                body.sentence_text(sent),
                year,
                link.char_start if link else None,
            )
        )
    return out
