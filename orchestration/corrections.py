"""Analysts' corrections of extracted figures: a human-readable CSV, applied on every rebuild.

One row per decision (``CORRECTION_COLUMNS``): the figure's stable key (``bulletin_id`` and its span
``char_start``-``char_end``, i.e. ``amount_id``), the ``field`` decided, the new ``value``, ``who``,
``corrected_at`` (ISO time), ``why``, and ``span_text``: the characters at the span as written, so a
correction whose bulletin was edited can be shown and re-anchored by hand. The file lives in the inbox
root (``$BULLETINS_DIR/corrections.csv``) unless ``CORRECTIONS_FILE`` names another path; the CLI
only ever appends to it, so it is its own audit trail: for one key and field the last valid row wins.

Fields (``FIELDS``): ``locality_code``, ``fiscal_year``, ``period``, ``function_code``, ``measure``,
``program_name``, ``parent_amount_id``, ``is_total`` (an empty value clears a field); ``not_a_fact``
(``true``: the span is not a money figure, it leaves the marts); ``add`` (a figure the extractor
missed, added by its span; the value is its measure, its other fields are set by more rows on the same
span); ``confirm`` (every field checked and right as extracted).

This module is pure (no Dagster, no dbt): it reads, validates the format of a row, and appends. What
needs the warehouse (a locality code valid in the figure's year, a known class, a span that still
exists in the current text) is judged by dbt (``int_corrections``) and reported by the checks.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from orchestration.extract.numbers import reparse_amount
from orchestration.extract.records import MEASURES, PERIODS

CORRECTIONS_FILE = "corrections.csv"
CORRECTIONS_ENV = "CORRECTIONS_FILE"
CORRECTION_COLUMNS = ("bulletin_id", "char_start", "char_end", "field", "value", "who", "corrected_at", "why",
                      "span_text")  # fmt: skip

AMOUNT_ID = re.compile(r"^(?P<bulletin_id>[0-9a-f]{16}):(?P<start>\d+)-(?P<end>\d+)$")
_LOCALITY_CODE = re.compile(r"^\d{6}$")
_FUNCTION_CODE = re.compile(r"^2\d\d$")
_TRUE, _FALSE = ("true", "1", "yes"), ("false", "0", "no")
FIRST_YEAR, LAST_YEAR = 1949, 2100


def _boolean(value: str) -> str | None:
    return None if value.lower() in _TRUE + _FALSE else "use true or false"


def _choice(choices: tuple[str, ...]):
    def check(value: str) -> str | None:
        return None if value in choices else f"not one of {', '.join(choices)}"

    return check


def _optional(pattern: re.Pattern, what: str):
    def check(value: str) -> str | None:
        return None if not value or pattern.match(value) else f"not {what}"

    return check


def _year(value: str) -> str | None:
    if not value:
        return None
    return None if value.isdigit() and FIRST_YEAR <= int(value) <= LAST_YEAR else f"not a year {FIRST_YEAR}-{LAST_YEAR}"


def _any(value: str) -> str | None:
    return None


def _confirm(value: str) -> str | None:
    return None if value in ("", "true") else "a confirmation takes no value (or true)"


# field -> what is wrong with a value written for it (None when the format is right). Whether a code
# exists (in dim_locality for the figure's year, in the functional classification) is dbt's to judge.
FIELDS = {
    "locality_code": _optional(_LOCALITY_CODE, "a 6-digit administrative division code"),
    "fiscal_year": _year,
    "period": _choice(PERIODS),
    "function_code": _optional(_FUNCTION_CODE, "a 类 code of the functional classification (201-234)"),
    "measure": _choice(MEASURES),
    "program_name": _any,
    "parent_amount_id": _optional(AMOUNT_ID, "an amount_id (bulletin_id:start-end)"),
    "is_total": _boolean,
    "not_a_fact": _boolean,
    "add": _choice(MEASURES),
    "confirm": _confirm,
}


@dataclass(frozen=True)
class Correction:
    bulletin_id: str
    char_start: str
    char_end: str
    field: str
    value: str
    who: str = ""
    corrected_at: str = ""
    why: str = ""
    span_text: str = ""

    @property
    def amount_id(self) -> str:
        return f"{self.bulletin_id}:{self.char_start}-{self.char_end}"

    def as_row(self) -> list[str]:
        return [getattr(self, name) for name in CORRECTION_COLUMNS]


def corrections_path(bulletins_dir: Path) -> Path:
    """``CORRECTIONS_FILE`` when set, else ``corrections.csv`` in the inbox root (beside sources.csv)."""
    named = os.environ.get(CORRECTIONS_ENV)
    return Path(named).resolve() if named else bulletins_dir / CORRECTIONS_FILE


def parse_amount_id(amount_id: str) -> tuple[str, int, int]:
    """``bulletin_id:start-end`` -> (bulletin_id, start, end); ValueError when it is not one."""
    match = AMOUNT_ID.match(amount_id.strip())
    if match is None:
        raise ValueError(f"{amount_id!r} is not an amount_id (bulletin_id:start-end, e.g. 2a0b6745affabbff:640-645)")
    start, end = int(match["start"]), int(match["end"])
    if start >= end:
        raise ValueError(f"{amount_id!r}: the span must end after it starts")
    return match["bulletin_id"], start, end


def normalized_value(field: str, value: str) -> str:
    """The value as stored: trimmed, booleans as true/false."""
    value = value.strip()
    if FIELDS.get(field) is _boolean:
        return "true" if value.lower() in _TRUE else "false" if value.lower() in _FALSE else value
    return value


def format_problem(correction: Correction) -> str | None:
    """What makes a row unusable whatever the warehouse holds (None when its format is right)."""
    try:
        _, start, end = parse_amount_id(correction.amount_id)
    except ValueError as exc:
        return str(exc)
    check = FIELDS.get(correction.field)
    if check is None:
        return f"unknown field {correction.field!r} (one of {', '.join(FIELDS)})"
    if problem := check(correction.value):
        return f"{correction.field}={correction.value!r}: {problem}"
    if correction.field == "parent_amount_id" and correction.value:
        parent_bulletin, _, _ = parse_amount_id(correction.value)
        if parent_bulletin != correction.bulletin_id:
            return "parent_amount_id: the total must be a figure of the same bulletin"
        if correction.value == correction.amount_id:
            return "parent_amount_id: a figure cannot be its own total"
    if len(correction.span_text) not in (0, end - start):
        return f"span_text {correction.span_text!r} is not {end - start} characters long"
    if correction.field == "add":
        if not correction.span_text:
            return "add: give the figure as written (span_text)"
        if not isinstance(added_amount_yuan(correction), Decimal):
            return f"add: {correction.span_text!r} is not a money figure (a number with 元/万元/亿元)"
    return None


def added_amount_yuan(correction: Correction) -> Decimal | str:
    """The value of a figure added by span: its text re-parsed as the extractor's check re-parses one."""
    parsed = reparse_amount(correction.span_text, None)
    return parsed.quantize(Decimal("0.01")) if isinstance(parsed, Decimal) else parsed


@dataclass(frozen=True)
class CorrectionsFile:
    rows: list[Correction]
    digest: str | None  # of the file's bytes; None when it holds no correction (absent, or a header only)


def read_corrections(path: Path) -> CorrectionsFile:
    """Every row of the file, in order, invalid ones included (each is judged by ``format_problem``)."""
    if not path.is_file():
        return CorrectionsFile([], None)
    raw = path.read_bytes()
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
    rows = [
        Correction(**{name: (record.get(name) or "").strip() for name in CORRECTION_COLUMNS})
        for record in reader
        if any((value or "").strip() for value in record.values() if isinstance(value, str))
    ]
    return CorrectionsFile(rows, hashlib.sha256(raw).hexdigest()[:16] if rows else None)


def append_corrections(path: Path, corrections: list[Correction]) -> None:
    """Append rows (the header first when the file is new): never rewrites what is there."""
    new = not path.exists() or path.stat().st_size == 0
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if new:
        writer.writerow(CORRECTION_COLUMNS)
    for correction in corrections:
        writer.writerow(correction.as_row())
    if not new and not path.read_bytes().endswith(b"\n"):
        buffer = io.StringIO("\n" + buffer.getvalue())  # a row typed by hand without its line end
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.write(buffer.getvalue())  # one write: a refresh reading now sees whole rows


def ledger_rows(corrections: CorrectionsFile) -> list[dict]:
    """The rows as the staging ledger stores them: typed offsets, the format problem, an added figure's value."""
    out = []
    for row_no, correction in enumerate(corrections.rows, start=1):
        problem = format_problem(correction)
        offsets = AMOUNT_ID.match(correction.amount_id)
        added = added_amount_yuan(correction) if correction.field == "add" and problem is None else None
        out.append(
            {
                "row_no": row_no,
                **{name: getattr(correction, name) for name in CORRECTION_COLUMNS},
                "char_start": int(offsets["start"]) if offsets else None,
                "char_end": int(offsets["end"]) if offsets else None,
                "value": normalized_value(correction.field, correction.value),
                "format_problem": problem,
                "added_amount_yuan": added,
                "file_digest": corrections.digest,
            }
        )
    return out
