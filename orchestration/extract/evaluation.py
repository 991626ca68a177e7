"""Evaluate the extractor against a gold annotation (articles.csv, amounts.csv, percents.csv).

    python -m orchestration.extract.evaluation --gold DIR [--texts DIR]

Texts default to DIR/texts when it exists, else ./seeds. Predicted amounts and percentages are
matched to gold rows by exact (doc, start, end); attribute accuracies are computed over matched
rows. Gold conventions: empty cell == None; function_codes is a ``|``-set (either counts); the
locality of an amount is its article's locality (compared by stable code with the gold adcode).

Optional gold columns are scored when present (tests/fixtures/composed has them, the seeds gold
does not): ``period`` (amounts, percents), ``base`` (percents; a ``|``-set, a prediction counts
when it equals or contains an alternative or is contained in it), ``code_in_year`` (articles: the
code valid in the text's year, for renamed units) and ``beneficiaries.csv`` (counts matched by
span; value, unit, subject (``|``-set, containment either way) and the linked amount scored).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from orchestration.extract.document import extract_document
from orchestration.extract.records import Extraction


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
    amounts: PRF = field(default_factory=PRF)
    locality: Acc = field(default_factory=Acc)
    year: Acc = field(default_factory=Acc)
    function: Acc = field(default_factory=Acc)
    measure: Acc = field(default_factory=Acc)
    is_total: Acc = field(default_factory=Acc)
    parent: Acc = field(default_factory=Acc)
    percents: PRF = field(default_factory=PRF)
    percent_kind: Acc = field(default_factory=Acc)
    percent_year: Acc = field(default_factory=Acc)
    articles: PRF = field(default_factory=PRF)  # by (doc, title_start, body_start)
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
    optional: set[str] = field(default_factory=set)
    seconds: dict[str, float] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            self.amounts.line("amounts"),
            self.locality.line("locality"),
            self.year.line("year"),
            self.function.line("function"),
            self.measure.line("measure"),
            self.is_total.line("is_total"),
            self.parent.line("parent"),
        ]
        if "period" in self.optional:
            out.append(self.period.line("period"))
        out += [
            self.percents.line("percents"),
            self.percent_kind.line("kind"),
            self.percent_year.line("year"),
        ]
        if "percent_period" in self.optional:
            out.append(self.percent_period.line("period"))
        if "base" in self.optional:
            out.append(self.percent_base.line("base"))
        out += [self.articles.line("articles"), self.article_locality.line("locality")]
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
        out += [f"time {doc}: {sec * 1000:.1f} ms" for doc, sec in self.seconds.items()]
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


def evaluate(gold_dir: Path | str, texts_dir: Path | str | None = None, *, warm: bool = True) -> Report:
    gold_dir = Path(gold_dir)
    if texts_dir is None:
        texts_dir = gold_dir / "texts" if (gold_dir / "texts").is_dir() else Path("seeds")
    texts_dir = Path(texts_dir)
    g_articles = _read(gold_dir / "articles.csv")
    g_amounts = _read(gold_dir / "amounts.csv")
    g_percents = _read(gold_dir / "percents.csv")
    g_benefs = _read(gold_dir / "beneficiaries.csv")
    docs = sorted({r["doc"] for r in g_articles + g_amounts + g_percents + g_benefs})
    report = Report()
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

    extractions: dict[str, Extraction] = {}
    for doc in docs:
        text = (texts_dir / doc).read_text(encoding="utf-8").lstrip("\ufeff")
        if warm:
            extract_document(text[:200])  # load jieba / gazetteer outside the timing
            warm = False
        t0 = time.perf_counter()
        extractions[doc] = extract_document(text)
        report.seconds[doc] = time.perf_counter() - t0

    def art_code(ex: Extraction, no: int) -> str | None:
        for a in ex.articles:
            if a.article_no == no:
                return a.locality.stable_code if a.locality else None
        return None

    # articles
    for doc in docs:
        ex = extractions[doc]
        gold = {(int(r["title_start"]), int(r["body_start"])): r for r in g_articles if r["doc"] == doc}
        pred = {(a.title_start, a.body_start): a for a in ex.articles}
        for key, r in gold.items():
            if key in pred:
                report.articles.tp += 1
                a = pred[key]
                code = a.locality.stable_code if a.locality else None
                ok = code == r["adcode"]
                report.article_locality.add(ok)
                if not ok:
                    report.misses.append(
                        f"{doc} article {r['article_no']} locality: gold {r['adcode']} "
                        f"({r['county']}) pred {code} [{a.locality_evidence}]"
                    )
                if "code_in_year" in report.optional:
                    year_code = a.locality.code if a.locality else None
                    ok = year_code == r["code_in_year"]
                    report.article_code_in_year.add(ok)
                    if not ok:
                        report.misses.append(
                            f"{doc} article {r['article_no']} code_in_year: gold {r['code_in_year']} pred {year_code}"
                        )
            else:
                report.articles.fn += 1
                report.misses.append(f"{doc} article FN {key} {r['title']!r}")
        for key, a in pred.items():
            if key not in gold:
                report.articles.fp += 1
                report.misses.append(f"{doc} article FP {key} {a.title!r}")

    # amounts
    for doc in docs:
        ex = extractions[doc]
        gold = {(int(r["start"]), int(r["end"])): r for r in g_amounts if r["doc"] == doc}
        pred = {(m.char_start, m.char_end): m for m in ex.amounts}
        for key, r in sorted(gold.items()):
            m = pred.get(key)
            if m is None:
                report.amounts.fn += 1
                report.misses.append(f"{doc} amount FN {key} {r['amount_text']}")
                continue
            report.amounts.tp += 1
            where = f"{doc} {key[0]} {r['amount_text']}"
            checks = [
                (
                    "locality",
                    report.locality,
                    r["adcode"],
                    art_code(ex, m.article_no),
                    art_code(ex, m.article_no) == r["adcode"],
                ),
                ("year", report.year, r["year"], m.fiscal_year, _opt_int(r["year"]) == m.fiscal_year),
                (
                    "function",
                    report.function,
                    r["function_codes"],
                    m.function_code,
                    (m.function_code or "") in (set(r["function_codes"].split("|")) if r["function_codes"] else {""}),
                ),
                ("measure", report.measure, r["measure"], m.measure, r["measure"] == m.measure),
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
                    report.misses.append(f"{where} {name}: gold {g!r} pred {_fmt(p)!r} (program {m.program_name})")
        for key, m in sorted(pred.items()):
            if key not in gold:
                report.amounts.fp += 1
                report.misses.append(f"{doc} amount FP {key} {m.amount_text}")

    # percentages
    for doc in docs:
        ex = extractions[doc]
        gold = {(int(r["start"]), int(r["end"])): r for r in g_percents if r["doc"] == doc}
        pred = {(x.char_start, x.char_end): x for x in ex.ratios}
        for key, r in sorted(gold.items()):
            x = pred.get(key)
            if x is None:
                report.percents.fn += 1
                report.misses.append(f"{doc} percent FN {key} {r['percent_text']}")
                continue
            report.percents.tp += 1
            ok = x.kind == r["kind"]
            report.percent_kind.add(ok)
            if not ok:
                report.misses.append(f"{doc} {key[0]} {r['percent_text']} kind: gold {r['kind']} pred {x.kind}")
            ok = _opt_int(r["year"]) == x.fiscal_year
            report.percent_year.add(ok)
            if not ok:
                report.misses.append(
                    f"{doc} {key[0]} {r['percent_text']} year: gold {r['year']!r} pred {_fmt(x.fiscal_year)!r}"
                )
            if "percent_period" in report.optional:
                ok = r["period"] == x.period
                report.percent_period.add(ok)
                if not ok:
                    report.misses.append(
                        f"{doc} {key[0]} {r['percent_text']} period: gold {r['period']} pred {x.period}"
                    )
            if "base" in report.optional:
                ok = _loose(r["base"], x.base)
                report.percent_base.add(ok)
                if not ok:
                    report.misses.append(f"{doc} {key[0]} {r['percent_text']} base: gold {r['base']!r} pred {x.base!r}")
        for key, x in sorted(pred.items()):
            if key not in gold:
                report.percents.fp += 1
                report.misses.append(f"{doc} percent FP {key} {x.percent_text}")

    # beneficiary counts
    for doc in docs if "beneficiaries" in report.optional else ():
        ex = extractions[doc]
        gold = {(int(r["start"]), int(r["end"])): r for r in g_benefs if r["doc"] == doc}
        pred = {(b.char_start, b.char_end): b for b in ex.beneficiaries}
        for key, r in sorted(gold.items()):
            b = pred.get(key)
            if b is None:
                report.beneficiaries.fn += 1
                report.misses.append(f"{doc} count FN {key} {r['count_text']}")
                continue
            report.beneficiaries.tp += 1
            where = f"{doc} {key[0]} {r['count_text']}"
            checks = [
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
            for name, acc, g, p, ok in checks:
                acc.add(ok)
                if not ok:
                    report.misses.append(f"{where} {name}: gold {g!r} pred {_fmt(p)!r}")
        for key, b in sorted(pred.items()):
            if key not in gold:
                report.beneficiaries.fp += 1
                report.misses.append(f"{doc} count FP {key} {b.count_text}")
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", required=True, type=Path)
    ap.add_argument("--texts", type=Path, default=None)
    args = ap.parse_args(argv)
    report = evaluate(args.gold, args.texts)
    print("\n".join(report.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
