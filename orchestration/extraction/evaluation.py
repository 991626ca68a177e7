"""Evaluate the extractor against a gold annotation (articles.csv, amounts.csv, percents.csv).

    python -m orchestration.extraction.evaluation --gold DIR [--texts DIR]

Texts default to DIR/texts when it exists, else ./seeds. Scoring (as ``../shared/real/README.md``
"Scoring" states it):

* a predicted amount matches a gold row when it is in the same file, the spans overlap and the values
  agree (exact spans are paired first). Gold table cells (``note`` contains ``unit from header``) are
  scored apart as table-cell recall, with the precision of predicted cells (bare numbers or amounts
  placed in a table row); running-text amounts get their own P/R/F1;
* attributes are scored over matched running-text amounts, each only where the gold gives a value (an
  empty gold year or function code is not scored): locality as a unit (level + stable code, so a
  renamed unit's code in the text's year counts; an amount's own ``locality_code`` when it has one,
  else its article's), year, function (any of the ``|`` codes), measure and measure group (spending =
  allocation + expenditure; investment; income = revenue + transfer_in + financing; rate =
  per_capita + threshold; other);
* fields listed in the gold folder's ``unknowable.csv`` (``doc,field,why``) are left out of the main
  figures; when the texts folder has a ``sources.csv`` a second figure scores locality and year over
  all fields, the unknowable ones included, on an extraction given that source metadata.

Optional gold columns are scored when present (tests/fixtures/composed has them, the seeds gold
does not): ``period`` (amounts, percents), ``base`` (percents; a ``|``-set, a prediction counts
when it equals or contains an alternative or is contained in it), ``code_in_year`` (articles: the
code valid in the text's year, for renamed units) and ``beneficiaries.csv`` (counts matched by
span; value, unit, subject (``|``-set, containment either way) and the linked amount scored).
Article boundaries are matched by (title_start, body_start); an article's locality is scored on the
predicted article that overlaps the gold one most. A set whose every file is annotated as one untitled
article spanning the whole text (``../shared/real``'s convention: headlines, date lines and signatures inside
it) annotates no boundaries: they are not scored, the articles' localities are.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from orchestration.extract.document import extract_document
from orchestration.extract.records import MEASURE_GROUPS, Amount, Article, Beneficiary, Extraction, Locality, Ratio
from orchestration.extract.sources import SOURCES_FILE, read_sources

# year of the codes in a gold ``adcode`` column (a renamed unit is compared through its history)
GOLD_CODE_YEAR = 2023


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self, name: str) -> str:
        return (
            f"{name}: P={self.precision:.3f} R={self.recall:.3f} F1={self.f1:.3f} "
            f"(tp={self.tp} fp={self.fp} fn={self.fn})"
        )


@dataclass
class Acc:
    right: int = 0
    total: int = 0

    @property
    def value(self) -> float:
        return self.right / self.total if self.total else 1.0

    def add(self, ok: bool) -> None:
        self.total += 1
        self.right += int(ok)

    def line(self, name: str) -> str:
        return f"  {name:<16} {self.value:.3f} ({self.right}/{self.total})"


@dataclass
class Report:
    amounts: PRF = field(default_factory=PRF)  # running text (gold rows that are not table cells)
    table_cells: PRF = field(default_factory=PRF)  # gold cells whose unit is in a header; predicted cells
    locality: Acc = field(default_factory=Acc)
    year: Acc = field(default_factory=Acc)
    function: Acc = field(default_factory=Acc)
    measure: Acc = field(default_factory=Acc)
    measure_group: Acc = field(default_factory=Acc)
    is_total: Acc = field(default_factory=Acc)
    parent: Acc = field(default_factory=Acc)
    percents: PRF = field(default_factory=PRF)
    percent_kind: Acc = field(default_factory=Acc)
    percent_year: Acc = field(default_factory=Acc)
    articles: PRF = field(default_factory=PRF)  # by (doc, title_start, body_start)
    articles_not_annotated: int = 0  # files of a set that annotates no article boundaries
    article_locality: Acc = field(default_factory=Acc)
    # optional columns (scored only when the gold has them)
    article_code_in_year: Acc = field(default_factory=Acc)
    period: Acc = field(default_factory=Acc)
    percent_period: Acc = field(default_factory=Acc)
    percent_base: Acc = field(default_factory=Acc)
    beneficiaries: PRF = field(default_factory=PRF)
    beneficiary_value: Acc = field(default_factory=Acc)
    beneficiary_unit: Acc = field(default_factory=Acc)
    beneficiary_subject: Acc = field(default_factory=Acc)
    beneficiary_amount: Acc = field(default_factory=Acc)
    # second figure: extraction given the source metadata (texts/sources.csv), all fields incl. unknowable
    sourced_locality: Acc = field(default_factory=Acc)
    sourced_year: Acc = field(default_factory=Acc)
    unknowable_locality: Acc = field(default_factory=Acc)
    unknowable_year: Acc = field(default_factory=Acc)
    unknowable_count: int = 0
    optional: set[str] = field(default_factory=set)
    seconds: dict[str, float] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    def summary(self) -> list[str]:
        """The headline figures, compact: amounts, attributes, the source-metadata figure."""
        out = [self.amounts.line("running-text amounts")]
        if self.table_cells.tp + self.table_cells.fp + self.table_cells.fn:
            out.append(self.table_cells.line("table cells"))
        out += [
            self.locality.line("locality"),
            self.year.line("year"),
            self.function.line("function"),
            self.measure.line("measure"),
            self.measure_group.line("measure group"),
            self.is_total.line("is_total"),
            self.parent.line("parent"),
        ]
        if "period" in self.optional:
            out.append(self.period.line("period"))
        if "sources" in self.optional:
            out += [
                f"with source metadata (all fields, {self.unknowable_count} unknowable from the text alone):",
                self.sourced_locality.line("locality"),
                self.sourced_year.line("year"),
                self.unknowable_locality.line("unknowable loc"),
                self.unknowable_year.line("unknowable year"),
            ]
        elif self.unknowable_count:
            out.append(f"{self.unknowable_count} unknowable fields left out (no sources.csv to score them)")
        return out

    def lines(self) -> list[str]:
        out = self.summary()
        out += [
            self.percents.line("percents"),
            self.percent_kind.line("kind"),
            self.percent_year.line("year"),
        ]
        if "percent_period" in self.optional:
            out.append(self.percent_period.line("period"))
        if "base" in self.optional:
            out.append(self.percent_base.line("base"))
        if self.articles.tp + self.articles.fp + self.articles.fn or not self.articles_not_annotated:
            out.append(self.articles.line("articles"))
        if self.articles_not_annotated:
            out.append(
                f"articles: boundaries not annotated (each of {self.articles_not_annotated} files is one article)"
            )
        out.append(self.article_locality.line("locality"))
        if "code_in_year" in self.optional:
            out.append(self.article_code_in_year.line("code_in_year"))
        if "beneficiaries" in self.optional:
            out += [
                self.beneficiaries.line("beneficiaries"),
                self.beneficiary_value.line("value"),
                self.beneficiary_unit.line("unit"),
                self.beneficiary_subject.line("subject"),
                self.beneficiary_amount.line("amount link"),
            ]
        if self.seconds:
            slowest = max(self.seconds, key=self.seconds.__getitem__)
            out.append(
                f"time: {sum(self.seconds.values()) * 1000:.0f} ms for {len(self.seconds)} texts "
                f"(slowest {slowest} {self.seconds[slowest] * 1000:.0f} ms)"
            )
        if self.misses:
            out.append(f"misses ({len(self.misses)}):")
            out += [f"  {m}" for m in self.misses]
        return out


def _read(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _opt_int(s: str | None) -> int | None:
    return int(s) if s not in (None, "") else None


def _fmt(v) -> str:
    return "" if v is None else str(v)


def _loose(gold: str, pred: str | None) -> bool:
    """``gold`` is a ``|``-set; pred matches an alternative exactly or by containment either way."""
    if not gold:
        return not pred
    if not pred:
        return False
    return any(g == pred or g in pred or pred in g for g in gold.split("|"))


TABLE_CELL_NOTE = "unit from header"
# unknowable.csv field names -> the attribute they stand for
UNKNOWABLE_FIELDS = {"adcode": "locality", "year": "year"}


def measure_group(measure: str | None) -> str:
    return MEASURE_GROUPS.get(measure or "", "other")


def _is_table_prediction(m: Amount) -> bool:
    """A predicted table cell: placed in a table row, or a bare number whose unit came from a header."""
    return getattr(m, "table_row", None) is not None or not m.amount_text.endswith("元")


def _match(gold_rows: list[dict], preds: list[Amount]) -> dict[int, Amount]:
    """gold row index -> prediction: same file, overlapping spans, equal values; exact spans first."""
    used: set[int] = set()
    out: dict[int, Amount] = {}
    for exact in (True, False):
        for gi, r in enumerate(gold_rows):
            if gi in out:
                continue
            gs, ge, gv = int(r["start"]), int(r["end"]), Decimal(r["amount_yuan"])
            for pi, m in enumerate(preds):
                if pi in used or m.amount_yuan != gv:
                    continue
                hit = (m.char_start, m.char_end) == (gs, ge) if exact else m.char_start < ge and gs < m.char_end
                if hit:
                    out[gi] = m
                    used.add(pi)
                    break
    return out


class _Units:
    """Compares localities as units (level + stable code), so a renamed unit's code in its year counts."""

    def __init__(self) -> None:
        from orchestration.extract.gazetteer import _load_gazetteer

        self.gz = _load_gazetteer()

    def of_code(self, code: str | None, year: int | None = None) -> tuple[str, str] | None:
        loc = self.gz.lookup(code, year) if code else None
        return (loc.level, loc.stable_code) if loc else None

    def of_locality(self, loc: Locality | None) -> tuple[str, str] | None:
        return (loc.level, loc.stable_code) if loc else None


def _article_of(ex: Extraction, no: int) -> Article | None:
    return next((a for a in ex.articles if a.article_no == no), None)


def _amount_unit(units: _Units, ex: Extraction, m: Amount) -> tuple[tuple[str, str] | None, str]:
    """The unit a predicted amount is credited to (its own locality when it has one, else its article's)."""
    own = getattr(m, "locality_code", None)
    if own:
        return units.of_code(own, m.fiscal_year), own
    art = _article_of(ex, m.article_no)
    loc = art.locality if art else None
    return units.of_locality(loc), loc.code if loc else ""


def _largest_overlap(ex: Extraction, start: int, end: int) -> Article | None:
    best, size = None, 0
    for a in ex.articles:
        overlap = min(end, a.body_end) - max(start, a.title_start)
        if overlap > size:
            best, size = a, overlap
    return best


def _one_whole_text_article_per_file(gold_articles: list[dict], texts_dir: Path) -> bool:
    """Every file of the set is annotated as one untitled article spanning its whole text: the set's convention
    says nothing of article boundaries (one such file among titled ones is a real single-article text)."""
    docs = [r["doc"] for r in gold_articles]
    if not docs or len(docs) != len(set(docs)):
        return False
    return all(
        not r["title"]
        and int(r["title_start"]) == int(r["body_start"]) == 0
        and int(r["body_end"]) == len((texts_dir / r["doc"]).read_text(encoding="utf-8").lstrip("\ufeff"))
        for r in gold_articles
    )


def _extract_all(docs: list[str], texts_dir: Path, report: Report, sources: dict | None, warm: bool):
    extractions: dict[str, Extraction] = {}
    for doc in docs:
        text = (texts_dir / doc).read_text(encoding="utf-8").lstrip("\ufeff")
        if warm:
            extract_document(text[:200])  # load jieba / gazetteer outside the timing
            warm = False
        if sources is not None:
            extractions[doc] = extract_document(text, source=sources.get(doc))
            continue
        t0 = time.perf_counter()
        extractions[doc] = extract_document(text)
        report.seconds[doc] = time.perf_counter() - t0
    return extractions


def _score_amount(
    report: Report, units: _Units, doc: str, ex: Extraction, r: dict, m: Amount, unknowable: set[tuple[str, str]]
) -> None:
    """Attributes of one matched running-text amount, each only where the gold gives a value."""
    where = f"{doc} {r['start']} {r['amount_text']}"
    checks = []
    if (doc, "locality") not in unknowable:
        unit, code = _amount_unit(units, ex, m)
        checks.append(
            ("locality", report.locality, r["adcode"], code, unit == units.of_code(r["adcode"], GOLD_CODE_YEAR))
        )
    if r["year"] and (doc, "year") not in unknowable:
        checks.append(("year", report.year, r["year"], m.fiscal_year, _opt_int(r["year"]) == m.fiscal_year))
    if r["function_codes"]:
        ok = (m.function_code or "") in set(r["function_codes"].split("|"))
        checks.append(("function", report.function, r["function_codes"], m.function_code, ok))
    checks += [
        ("measure", report.measure, r["measure"], m.measure, r["measure"] == m.measure),
        (
            "group",
            report.measure_group,
            measure_group(r["measure"]),
            measure_group(m.measure),
            measure_group(r["measure"]) == measure_group(m.measure),
        ),
        ("is_total", report.is_total, r["is_total"], int(m.is_total), int(r["is_total"]) == int(m.is_total)),
        (
            "parent",
            report.parent,
            r["parent_start"],
            m.parent_char_start,
            _opt_int(r["parent_start"]) == m.parent_char_start,
        ),
    ]
    if "period" in report.optional:
        checks.append(("period", report.period, r["period"], m.period, r["period"] == m.period))
    for name, acc, g, p, ok in checks:
        acc.add(ok)
        if not ok:
            evidence = {
                "function": m.function_evidence,
                "locality": getattr(m, "locality_evidence", ""),
                "year": getattr(m, "year_evidence", ""),
            }.get(name, "")
            report.misses.append(
                f"{where} {name}: gold {g!r} pred {_fmt(p)!r} (program {m.program_name})"
                + (f" [{evidence}]" if evidence else "")
            )


GOLD_FILES = ("articles.csv", "amounts.csv", "percents.csv", "beneficiaries.csv")


class NoGoldError(FileNotFoundError):
    """The folder given as gold holds none of the gold files: scoring it would print 1.000 over nothing."""


def _check_gold_dir(gold_dir: Path) -> None:
    if any((gold_dir / name).is_file() for name in GOLD_FILES):
        return
    nested = sorted(str(d) for d in gold_dir.glob("*/") if d.is_dir() and any((d / n).is_file() for n in GOLD_FILES))
    hint = f"; gold found in {', '.join(nested)}" if nested else ""
    raise NoGoldError(f"no gold in {gold_dir} (none of {', '.join(GOLD_FILES)}){hint}")


def evaluate(gold_dir: Path | str, texts_dir: Path | str | None = None, *, warm: bool = True) -> Report:
    gold_dir = Path(gold_dir)
    _check_gold_dir(gold_dir)
    if texts_dir is None:
        texts_dir = gold_dir / "texts" if (gold_dir / "texts").is_dir() else Path("seeds")
    texts_dir = Path(texts_dir)
    g_articles = _read(gold_dir / "articles.csv")
    g_amounts = _read(gold_dir / "amounts.csv")
    g_percents = _read(gold_dir / "percents.csv")
    g_benefs = _read(gold_dir / "beneficiaries.csv")
    unknowable = {
        (r["doc"], UNKNOWABLE_FIELDS[r["field"]])
        for r in _read(gold_dir / "unknowable.csv")
        if r["field"] in UNKNOWABLE_FIELDS
    }
    sources = read_sources(texts_dir / SOURCES_FILE) if (texts_dir / SOURCES_FILE).is_file() else None
    docs = sorted({r["doc"] for r in g_articles + g_amounts + g_percents + g_benefs})
    report = Report()
    report.unknowable_count = len(unknowable)
    if g_amounts and "period" in g_amounts[0]:
        report.optional.add("period")
    if g_percents and "period" in g_percents[0]:
        report.optional.add("percent_period")
    if g_percents and "base" in g_percents[0]:
        report.optional.add("base")
    if g_articles and "code_in_year" in g_articles[0]:
        report.optional.add("code_in_year")
    if (gold_dir / "beneficiaries.csv").exists():
        report.optional.add("beneficiaries")
    if sources is not None:
        report.optional.add("sources")

    extractions = _extract_all(docs, texts_dir, report, None, warm)
    with_sources = _extract_all(docs, texts_dir, report, sources, False) if sources is not None else {}
    units = _Units()

    # articles: boundaries by (title_start, body_start); locality by the predicted article that
    # overlaps the gold article most (so a set annotated as one article per file still scores it)
    boundaries = not _one_whole_text_article_per_file(g_articles, texts_dir)
    if not boundaries:
        report.articles_not_annotated = len({r["doc"] for r in g_articles})
    for doc in docs:
        ex = extractions[doc]
        gold = {(int(r["title_start"]), int(r["body_start"])): r for r in g_articles if r["doc"] == doc}
        pred = {(a.title_start, a.body_start): a for a in ex.articles}
        for key, r in gold.items():
            if boundaries:
                if key in pred:
                    report.articles.tp += 1
                else:
                    report.articles.fn += 1
                    report.misses.append(f"{doc} article FN {key} {r['title']!r}")
            a = pred.get(key) or _largest_overlap(ex, int(r["title_start"]), int(r["body_end"]))
            if (doc, "locality") not in unknowable:
                ok = a is not None and units.of_locality(a.locality) == units.of_code(r["adcode"], GOLD_CODE_YEAR)
                report.article_locality.add(ok)
                if not ok:
                    code = a.locality.code if a and a.locality else None
                    report.misses.append(
                        f"{doc} article {r['article_no']} locality: gold {r['adcode']} "
                        f"({r['county'] or r['city']}) pred {code} [{a.locality_evidence if a else 'no article'}]"
                    )
            if "code_in_year" in report.optional and a is not None:
                year_code = a.locality.code if a.locality else None
                ok = year_code == r["code_in_year"]
                report.article_code_in_year.add(ok)
                if not ok:
                    report.misses.append(
                        f"{doc} article {r['article_no']} code_in_year: gold {r['code_in_year']} pred {year_code}"
                    )
        for key, a in pred.items():
            if boundaries and key not in gold:
                report.articles.fp += 1
                report.misses.append(f"{doc} article FP {key} {a.title!r}")

    # amounts: running text and table cells scored apart; attributes over matched running-text amounts
    for doc in docs:
        ex = extractions[doc]
        rows = [r for r in g_amounts if r["doc"] == doc]
        matched = _match(rows, ex.amounts)
        matched_ids = {id(m) for m in matched.values()}
        for gi, r in enumerate(rows):
            m = matched.get(gi)
            is_cell = TABLE_CELL_NOTE in r.get("note", "")
            prf = report.table_cells if is_cell else report.amounts
            if m is None:
                prf.fn += 1
                report.misses.append(
                    f"{doc} {'table cell' if is_cell else 'amount'} FN {r['start']} {r['amount_text']}"
                )
                continue
            prf.tp += 1
            if not is_cell:
                _score_amount(report, units, doc, ex, r, m, unknowable)
        for m in ex.amounts:
            if id(m) in matched_ids:
                continue
            prf = report.table_cells if _is_table_prediction(m) else report.amounts
            prf.fp += 1
            report.misses.append(f"{doc} amount FP {m.char_start} {m.amount_text}")
        if sources is not None:
            ex = with_sources[doc]
            matched = _match(rows, ex.amounts)
            for gi, r in enumerate(rows):
                m = matched.get(gi)
                if m is None or TABLE_CELL_NOTE in r.get("note", ""):
                    continue
                gold_unit = units.of_code(r["adcode"], GOLD_CODE_YEAR)
                ok = _amount_unit(units, ex, m)[0] == gold_unit
                report.sourced_locality.add(ok)
                if (doc, "locality") in unknowable:
                    report.unknowable_locality.add(ok)
                if r["year"]:
                    ok = _opt_int(r["year"]) == m.fiscal_year
                    report.sourced_year.add(ok)
                    if (doc, "year") in unknowable:
                        report.unknowable_year.add(ok)

    for doc in docs:
        _score_spans(
            report,
            doc,
            [r for r in g_percents if r["doc"] == doc],
            extractions[doc].ratios,
            report.percents,
            "percent",
            "percent_text",
            _percent_fields(report),
        )
    for doc in docs if "beneficiaries" in report.optional else ():
        _score_spans(
            report,
            doc,
            [r for r in g_benefs if r["doc"] == doc],
            extractions[doc].beneficiaries,
            report.beneficiaries,
            "count",
            "count_text",
            _beneficiary_fields(report),
        )
    return report


# Fields of a span fact compared with gold: (name, accuracy counter, gold value, predicted value, equal?).
FieldComparison = tuple[str, Acc, object, object, bool]


def _score_spans(
    report: Report,
    doc: str,
    gold_rows: list[dict],
    predicted: list,
    found: PRF,
    label: str,
    text_key: str,
    compare: Callable[[dict, object], list[FieldComparison]],
) -> None:
    """Facts matched on their exact span: found/missed/spurious into ``found``, then each matched pair's fields."""
    gold = {(int(r["start"]), int(r["end"])): r for r in gold_rows}
    pred = {(x.char_start, x.char_end): x for x in predicted}
    for key, r in sorted(gold.items()):
        x = pred.get(key)
        if x is None:
            found.fn += 1
            report.misses.append(f"{doc} {label} FN {key} {r[text_key]}")
            continue
        found.tp += 1
        for name, acc, g, p, ok in compare(r, x):
            acc.add(ok)
            if not ok:
                report.misses.append(f"{doc} {key[0]} {r[text_key]} {name}: gold {g!r} pred {_fmt(p)!r}")
    for key, x in sorted(pred.items()):
        if key not in gold:
            found.fp += 1
            report.misses.append(f"{doc} {label} FP {key} {getattr(x, text_key)}")


def _percent_fields(report: Report) -> Callable[[dict, Ratio], list[FieldComparison]]:
    def compare(r: dict, x: Ratio) -> list[FieldComparison]:
        fields: list[FieldComparison] = [
            ("kind", report.percent_kind, r["kind"], x.kind, x.kind == r["kind"]),
            ("year", report.percent_year, r["year"], x.fiscal_year, _opt_int(r["year"]) == x.fiscal_year),
        ]
        if "percent_period" in report.optional:
            fields.append(("period", report.percent_period, r["period"], x.period, r["period"] == x.period))
        if "base" in report.optional:
            fields.append(("base", report.percent_base, r["base"], x.base, _loose(r["base"], x.base)))
        return fields

    return compare


def _beneficiary_fields(report: Report) -> Callable[[dict, Beneficiary], list[FieldComparison]]:
    def compare(r: dict, b: Beneficiary) -> list[FieldComparison]:
        return [
            ("value", report.beneficiary_value, r["value"], b.value, Decimal(r["value"]) == b.value),
            ("unit", report.beneficiary_unit, r["unit"], b.unit, r["unit"] == b.unit),
            ("subject", report.beneficiary_subject, r["subject"], b.subject, _loose(r["subject"], b.subject)),
            (
                "amount",
                report.beneficiary_amount,
                r["amount_start"],
                b.amount_char_start,
                _opt_int(r["amount_start"]) == b.amount_char_start,
            ),
        ]

    return compare


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", required=True, type=Path)
    ap.add_argument("--texts", type=Path, default=None)
    args = ap.parse_args(argv)
    try:
        report = evaluate(args.gold, args.texts)
    except NoGoldError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print("\n".join(report.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
