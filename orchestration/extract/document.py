"""Extract all fiscal facts of one bulletin: :func:`extract_document`.

Steps: segment into articles (:mod:`articles`), locate each article (``localities.locate_article``),
decide the bulletin's and each article's default year (:mod:`years`), then for each body find the
money spans (:mod:`amounts`), their measure (``measures.measure_of``), program
(``programs.program_for_figure``), year, and the total/part structure (:mod:`totals`), which settles
measures (``measures.settle_with_totals``); then the function code from the figure's evidence ladder
(``functions.classify_program``: purpose, clause, segment, sentence, paragraph, title; for budget words,
whose budget it is, :mod:`owners`) and its total or parts (``functions.inherit_from_totals``); and the
percentages (:mod:`percents`).
Money-like spans outside any body go to ``skipped``.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import re

from orchestration.extract import amounts as amounts_mod
from orchestration.extract import beneficiaries as beneficiaries_mod
from orchestration.extract import percents as percents_mod
from orchestration.extract import periods, programs, tables, years
from orchestration.extract.articles import segment
from orchestration.extract.body import ArticleBody, strip_newlines
from orchestration.extract.functions import OwnerContext, class_of_subject_code, classify_program, inherit_from_totals
from orchestration.extract.gazetteer import Gazetteer
from orchestration.extract.localities import Recipient, locate_article, recipients_in, resolve_name
from orchestration.extract.measures import (
    OwnLevel,
    addressed_to_lower_level,
    measure_in,
    measure_of,
    own_level,
    settle_with_totals,
)
from orchestration.extract.records import (
    RATE_MEASURES,
    Amount,
    Article,
    Beneficiary,
    Extraction,
    Locality,
    Ratio,
    SkippedSpan,
)
from orchestration.extract.sources import SourceMetadata
from orchestration.extract.text_units import clause_start
from orchestration.extract.totals import Item, find_totals, subject_code_totals, table_totals


def _locate(
    title: str, author_org: str | None, body: str, year: int | None, source: SourceMetadata | None = None
) -> tuple[Locality | None, str]:
    # the source page's unit: used where the text names none (我县, 全区) or only a larger unit enclosing it
    context = resolve_name(source.locality, year) if source is not None and source.locality else None
    locality, evidence = locate_article(title, author_org, body, year, context)
    if context is not None and evidence.startswith("context"):
        evidence = "source metadata" + evidence.removeprefix("context")
    return locality, evidence


def _classify(
    program: str | None,
    sentence: str,
    measure: str,
    context: tuple[tuple[str, str], ...] = (),
    owner_context: OwnerContext = (),
) -> tuple[str | None, str]:
    code, evidence = classify_program(program, sentence, measure, context, owner_context)
    return code or None, evidence


SIGNATURE_MAX_LINES = 3  # an issuer's name and a date (and a department line) close a document
SIGNATURE_LINE_MAX_LEN = 30


def signature_of(text: str, start: int, end: int) -> str:
    """The short closing lines of ``text[start:end]`` that end no sentence (某县农业农村局 / 2024年9月20日):
    the issuer's signature, or ""."""
    lines = [line.strip() for line in text[start:end].rstrip().split("\n")[-SIGNATURE_MAX_LINES:]]
    closing: list[str] = []
    for line in reversed(lines):
        if not line or len(line) > SIGNATURE_LINE_MAX_LEN or line[-1] in "。！？；;：:":
            break
        closing.append(line)
    return "\n".join(reversed(closing))


_PROJECT_NAME_RE = re.compile(r"项目名称[：:]\s*[^\n|｜]{2,40}")


def project_name_line(text: str) -> str:
    """A self-evaluation form's ``项目名称：…`` line (the first), or "": where one project's name is given."""
    m = _PROJECT_NAME_RE.search(text)
    return m.group(0) if m else ""


@dataclasses.dataclass(frozen=True)
class _ArticleFacts:
    """What every figure of one article reads besides its own sentence, found once per article."""

    default_year: int | None
    to_lower_level: bool  # the text is a notice addressed to lower governments (measures.addressed_to_lower_level)
    frame: str | None  # the article's period frame (periods.article_frame)
    title: str
    own: OwnLevel | None  # the level the article speaks for (measures.own_level): money of levels above was received
    signature: str = ""  # the document's closing lines (signature_of): an issuer that may own the money
    project_name: str = ""  # a form's 项目名称 line (project_name_line): the one project the money is of


CUE_LOOKBACK = 400  # characters a year or period cue is looked for before a figure, within its sentence


def extract_document(text: str, source: SourceMetadata | None = None) -> Extraction:
    """All facts of ``text``; ``source`` is what the page it came from says (used where the text is silent)."""
    programs.load()
    out = Extraction()
    spans = segment(text)
    to_lower_level = addressed_to_lower_level(text)  # read once: a notice's salutation line, for all its figures
    bulletin_year = years.dominant_year(text)
    # the document's own date (date line, signature), else the source page's: the weakest year evidence
    dated = years.document_year(text)
    if dated is None and source is not None:
        dated = source.published_year

    # an article runs from its title to the end of its body; money-like spans outside every article
    # (an editor's preface before the first title) are skipped and say so
    all_money, rejected = amounts_mod.find_money(text)
    money_starts = [m.start for m in all_money]
    article_ranges = [(a.title_start, a.body_end) for a in spans]
    article_starts = [s for s, _ in article_ranges]
    for m in all_money:
        k = bisect.bisect_right(article_starts, m.start) - 1
        if k < 0 or m.end > article_ranges[k][1]:
            out.skipped.append(SkippedSpan(m.start, m.end, m.text, "outside every article"))
    for r in rejected:
        out.skipped.append(SkippedSpan(r.start, r.end, r.text, r.reason))

    for no, a in enumerate(spans, start=1):
        body_text = text[a.body_start : a.body_end]
        default_year = years.article_default_year(body_text, bulletin_year, a.title, dated)
        locality, evidence = _locate(a.title, a.author_org, body_text, default_year or bulletin_year, source)
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
        body = ArticleBody(text, a.body_start, a.body_end)
        lo = bisect.bisect_left(money_starts, a.body_start)
        hi = bisect.bisect_left(money_starts, a.body_end)
        money = [m for m in all_money[lo:hi] if m.end <= a.body_end]
        taken = {(m.start, m.end) for m in money}
        cells = {c.money.start: c for c in tables.table_cells(text, a.body_start, a.body_end)}
        money += [c.money for c in cells.values() if (c.money.start, c.money.end) not in taken]
        money.sort(key=lambda m: m.start)
        frame = periods.article_frame(text, a.body_start, a.body_end, a.title)
        facts = _ArticleFacts(
            default_year,
            to_lower_level,
            frame,
            a.title,
            own_level(locality),
            signature_of(text, a.body_start, a.body_end),
            project_name_line(body_text),
        )
        rows = _amounts(text, no, body, money, facts, cells)
        _link_table_totals_to_prose(rows, cells)
        # the units the body names inside the article's own, found once for body and headline figures
        recipients = recipients_in(text, a.body_start, a.body_end, locality, default_year)
        _place_amounts(text, rows, out.articles[-1], recipients)
        headline = _headline_amounts(text, no, a, all_money, money_starts, facts, rows)
        _place_amounts(text, headline, out.articles[-1], recipients)
        out.amounts.extend(headline)
        out.amounts.extend(rows)
        if percents_mod.has_percent_sign(text, a.title_start, a.body_start):
            # a headline's percentage (…税收收入同比增长6.2%) is read like the headline's figures
            head = ArticleBody(text, a.title_start, a.body_start)
            out.ratios.extend(_ratios(text, no, head, a.title_start, a.body_start, default_year, frame, headline))
        out.ratios.extend(_ratios(text, no, body, a.body_start, a.body_end, default_year, frame, rows))
        out.beneficiaries.extend(_beneficiaries(text, no, body, a.body_start, a.body_end, default_year, rows))
    return out


def _headline_amounts(
    text: str,
    no: int,
    article,
    all_money: list,
    money_starts: list[int],
    facts: _ArticleFacts,
    body_rows: list[Amount],
) -> list[Amount]:
    """Figures of the title and the lines before the body (市财政局下达资金5.73亿元…), read like body figures.

    A title figure is marked ``in_title``; one whose value a body figure states again repeats that figure
    (``repeats_char_start``), so that the two are never counted both.
    """
    lo = bisect.bisect_left(money_starts, article.title_start)
    hi = bisect.bisect_left(money_starts, article.body_start)
    money = [m for m in all_money[lo:hi] if m.end <= article.body_start]
    if not money:
        return []
    head = ArticleBody(text, article.title_start, article.body_start)
    # a headline figure's owner is read from its own lines and the title, not the body's signature or form lines
    rows = _amounts(text, no, head, money, dataclasses.replace(facts, signature="", project_name=""))
    title_end = article.title_start + len(article.title)
    body_text_rows = sorted(body_rows, key=lambda r: r.header_unit is not None)  # running text before table cells
    for row in rows:
        row.in_title = row.char_start < title_end
        same = next((b for b in body_text_rows if b.amount_yuan == row.amount_yuan), None)
        if same is not None:
            # the same figure: the body's sentence is the stronger evidence of what it is (a headline is
            # terse: 下达资金5.73亿元保障困难群众温暖过春节), so it takes the body figure's reading
            row.repeats_char_start = same.char_start
            row.fiscal_year, row.period, row.measure = same.fiscal_year, same.period, same.measure
            row.program_name, row.function_code = same.program_name, same.function_code
            row.function_evidence = f"as the body figure it repeats: {same.function_evidence}"
    return rows


def _link_table_totals_to_prose(rows: list[Amount], cells: dict[int, tables.TableCell]) -> None:
    """A table's 合计/总计 cell stating a running-text figure's value again repeats that figure."""
    if not cells:
        return  # no table: nothing to link
    prose = [r for r in rows if r.char_start not in cells]
    for row in rows:
        cell = cells.get(row.char_start)
        if cell is not None and cell.is_total_row:
            same = next((p for p in prose if p.amount_yuan == row.amount_yuan), None)
            row.repeats_char_start = same.char_start if same is not None else None


def _amounts(
    text: str,
    no: int,
    body: ArticleBody,
    money: list,
    facts: _ArticleFacts,
    cells: dict[int, tables.TableCell] | None = None,
) -> list[Amount]:
    """The rows of the figures ``money`` of one body of the article ``facts`` describes."""
    default_year, to_lower_level, frame, title, own = (
        facts.default_year,
        facts.to_lower_level,
        facts.frame,
        facts.title,
        facts.own,
    )
    items: list[Item] = []
    rows: list[Amount] = []
    cues = []
    contexts: list[tuple[tuple[str, str], ...]] = []  # the figure's clause, segment, paragraph, title
    owner_contexts: list[functools.partial] = []  # where the figure's owner may be named, built when asked
    prev_end = -1
    for m in money:
        sent, pi = body.sentence_at(m.start)
        seg = body.segment_at(m.start)
        cl = clause_start(text, seg.start, m.start)
        w1 = max(cl, prev_end) if prev_end >= seg.start else cl
        heading = body.heading_before(m.start)  # the nearest section heading, then the title: those that are there
        if heading and title:
            headings = (heading, title)
        else:
            headings = (heading or title,) if heading or title else ()
        cue = measure_of(
            text, m.start, m.end, [w1, cl, seg.start], seg.start, sent.start, headings, to_lower_level, own
        )
        cues.append(cue)
        previous = rows[-1].program_name if rows and rows[-1].sentence_start == sent.start else None
        program, aft_end = programs.program_for_figure(
            text, m.start, m.end, w1, cl, seg, cue, previous, follows_amount=prev_end >= seg.start
        )
        earlier = body.earlier_in_paragraph(m.start)
        # Year and period cues are read back to the sentence start, but not further than CUE_LOOKBACK
        # characters: a cue that far back is weak evidence, and a bulletin scraped as one endless
        # sentence would otherwise cost time quadratic in its length.
        cue_start = max(sent.start, m.start - CUE_LOOKBACK)
        year = years.amount_year(text, cue_start, m.start, m.end, body.default_year(m.start, default_year), earlier)
        sentence, sentence_start = body.sentence_text(sent), sent.start
        figure_clause = strip_newlines(text[max(prev_end, cl) : aft_end])
        contexts.append(
            (
                ("clause", figure_clause),
                ("segment", body.joined_text(seg)),
                ("paragraph", body.paragraph_text(pi)),
                ("title", title),
            )
        )
        owner_contexts.append(
            functools.partial(
                _owner_context,
                text,
                cl,
                sent.start,
                m.end,
                earlier,
                (heading, title, facts.signature, facts.project_name),
            )
        )
        measure = cue.measure
        cell = (cells or {}).get(m.start)
        if cell is not None:
            # a table cell: its row is its sentence, its row label and column header say what it is; a
            # rate column (元/人/月) holds standards; else the column header, the caption (…资金分配表) or
            # the title (关于下达…的通知) names the measure
            sentence, sentence_start = text[cell.row_start : cell.row_end], cell.row_start
            program = _cell_program(cell)
            if cell.per_unit:
                measure = "per_capita"
            elif cue.strength == "none":
                measure = measure_in(cell.column_header) or measure_in(cell.caption) or measure_in(title) or measure
        row = Amount(no, m.start, m.end, m.text, m.yuan, sentence, sentence_start, year, program, None, measure)
        row.period = periods.period_of(text, cue_start, m.start, earlier, frame, measure, section=heading)
        if cell is not None and measure not in periods.RATE_MEASURES:
            # a table cell's period is stated by its column header (预算数, 1-6月执行数), else its caption, else
            # the article's frame: the lines above it in the table (other columns' headers) say nothing of it
            header_cue = periods.last_cue(cell.column_header, False) or periods.last_cue(cell.caption, False)
            row.period = header_cue or frame or "full_year"
        row.header_unit = m.header_unit or None
        if cell is not None:
            row.table_row, row.table_column = cell.row_label, cell.column_header
        rows.append(row)
        items.append(
            Item(
                m.start,
                m.end,
                m.yuan,
                sent.start,
                sent.end,
                pi,
                strip_newlines(text[w1 : m.start]),
                measure,
                table=cell is not None,
            )
        )
        prev_end = m.end
    find_totals(items, text)
    item_cells = [(cells or {}).get(it.start) for it in items]
    subject_code_totals(items, item_cells)
    table_totals(items, item_cells)
    for row, item in zip(rows, items, strict=True):
        row.is_total = item.is_total
        if item.parent is not None:
            row.parent_char_start = rows[item.parent].char_start
    # the totals step may make a figure a share of a standard (per_capita): items carry the measures
    settled = settle_with_totals([it.measure for it in items], cues, [it.parent for it in items])
    for row, measure in zip(rows, settled, strict=True):
        row.measure = measure
    for row, context, owner_context in zip(rows, contexts, owner_contexts, strict=True):
        cell = (cells or {}).get(row.char_start)
        coded = class_of_subject_code(cell.subject_code) if cell is not None else None
        if coded is not None:
            # a budget table row's subject code (2050201 学前教育) states its class: nothing is stronger
            row.function_code, row.function_evidence = coded
        elif cell is not None:
            # a table cell: its row label is a recipient, the caption says what the money is for
            cap = cell.caption
            row.function_code, row.function_evidence = _classify(cap or title, f"{cap}{title}", row.measure)
        else:
            row.function_code, row.function_evidence = _classify(
                row.program_name, row.sentence, row.measure, context, owner_context
            )
    inherit_from_totals(rows)
    return rows


OWNER_LOOKBACK = CUE_LOOKBACK  # characters an owner is looked for before a figure, within its paragraph


def _owner_context(
    text: str, clause: int, sentence: int, end: int, earlier: tuple[str, ...], named: tuple[str, str, str, str]
) -> tuple[tuple[str, str], ...]:
    """Where a figure's owner may be named, narrowest first (``functions.classify_program``'s ``owner_context``).

    Whose money it is is said before the figure (全县完成…, 该项目年初预算…, 本部门支出总计…); after it the
    sentence tells its use (主要用于全县…), not its owner. The sentence and paragraph are read back at most
    OWNER_LOOKBACK characters, so that a bulletin scraped as one endless paragraph costs linear time.
    ``named``: the figure's section heading, the title, the signature, the ``项目名称`` line.
    """
    before = strip_newlines(text[max(sentence, end - OWNER_LOOKBACK) : end])
    paragraph = before
    for earlier_sentence in reversed(earlier):
        if len(paragraph) >= OWNER_LOOKBACK:
            break
        paragraph = earlier_sentence + paragraph
    heading, title, signature, project_name = named
    return (
        ("clause", strip_newlines(text[clause:end])),
        ("sentence", before),
        ("paragraph", paragraph[-OWNER_LOOKBACK:]),
        ("heading", heading),
        ("title", title),
        ("signature", signature),
        ("project name", project_name),
    )


def _place_amounts(text: str, rows: list[Amount], article: Article, recipients: list[Recipient]) -> None:
    """Each amount's locality: the one county-level unit its clause names inside the article's, else the article's.

    ``recipients``: the county-level units the article's body names inside its locality (``recipients_in``).
    """
    loc = article.locality
    article_evidence = f"article: {article.locality_evidence}"
    if loc is None:
        for row in rows:
            row.locality_evidence = article_evidence
        return
    gz = Gazetteer.load()
    # a recipient is named in the figure's own clause or list item (下达定远县1200万元、凤阳县800万元); a
    # list item ends at the previous figure, so 定远县、凤阳县各500万元 names two units for one figure
    prev_end = article.body_start
    for row in rows:
        lo = clause_start(text, prev_end, row.char_start)  # back to a clause break or the previous figure's end
        prev_end = row.char_end
        named = {(r.level, r.stable_code): r for r in recipients if lo <= r.start and r.end <= row.char_start}
        if len(named) == 1:
            r = next(iter(named.values()))
            unit = gz.unit(r.level, r.stable_code, row.fiscal_year)
            if unit is not None:
                row.locality_code = unit.code
                row.locality_evidence = f"recipient {r.surface} in its clause -> {unit.name} ({unit.code})"
                continue
        row.locality_code = gz.code_in_year(loc.stable_code, row.fiscal_year, loc.level) or loc.code
        row.locality_evidence = article_evidence
        if len(named) > 1:  # 定远县、凤阳县各500万元: the figure is no single unit's
            row.locality_evidence += "; clause names several units: " + "、".join(r.surface for r in named.values())


def _cell_program(cell: tables.TableCell) -> str | None:
    """A cell's purpose: its row label (unless a place or a total) and its column header without the unit."""
    column = tables.COLUMN_UNIT_RE.sub("", cell.column_header).strip()
    label = "" if cell.is_total_row or tables.is_unit_name(cell.row_label) else cell.row_label
    return f"{label}{column}"[:30] or None


def _ratios(
    text: str,
    no: int,
    body: ArticleBody,
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
        before = strip_newlines(text[cl : p.start])
        after = text[p.end : p.end + 16]
        kind = percents_mod.classify(before, after)
        earlier = body.earlier_in_paragraph(p.start)
        year = years.amount_year(text, sent.start, p.start, p.end, body.default_year(p.start, default_year), earlier)
        if percents_mod.is_standing_cap(before, after) and not years.year_in_sentence(text, sent.start, p.start):
            year = None  # a limit holds across years unless its sentence dates it
        period = periods.period_of(
            text, sent.start, p.start, earlier, frame, percent=True, section=body.heading_before(p.start)
        )
        in_sentence = [a for a in amounts or [] if sent.start <= a.char_start < p.start]
        base = percents_mod.base_of(kind, before, strip_newlines(text[sent.start : p.start]), period, in_sentence)
        subject = None
        earlier_clauses = [a for a in in_sentence if a.char_start < cl]
        if earlier_clauses:  # what the clause of the nearest amount in an earlier clause names before it
            nearest = earlier_clauses[-1].char_start
            nearest_clause = text[clause_start(text, seg.start, nearest) : nearest]
            subject = percents_mod.subject_before(strip_newlines(nearest_clause))
        of_what = percents_mod.describe_percent(before, strip_newlines(after), subject)
        out.append(
            Ratio(no, p.start, p.end, p.text, p.value, kind, of_what, body.sentence_text(sent), year, period, base)
        )
    return out


def _beneficiaries(
    text: str, no: int, body: ArticleBody, start: int, end: int, default_year: int | None, amounts: list[Amount]
) -> list[Beneficiary]:
    out = []
    linkable = [a for a in amounts if a.measure not in RATE_MEASURES]
    for c in beneficiaries_mod.find_counts(text, start, end):
        sent, _ = body.sentence_at(c.start)
        seg = body.segment_at(c.start)
        earlier = body.earlier_in_paragraph(c.start)
        year = years.amount_year(text, sent.start, c.start, c.end, body.default_year(c.start, default_year), earlier)
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
