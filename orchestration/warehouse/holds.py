"""Held bulletins: one bad bulletin never stops the warehouse.

A check that judges rows (an amount that does not re-parse, parts above their total, a dbt test whose
failing rows belong to a bulletin) names the bulletins those rows come from. Those bulletins are held
back: the hold ledger (``staging/ledger/holds.parquet``) lists them, dbt leaves them out of the marts
(their previous version, if any, stays; ``bulletin_files`` shows them as ``held`` with the reason),
and the rest is published. A failure no bulletin can be blamed for (a contract, a test whose failing
rows name no bulletin, a check failing on most bulletins at once) still blocks the publish.

A hold is valid for one version of the checks and the extractor (:func:`checks_version`), one state of
the analysts' corrections and one text (``bulletin_id`` is the text's hash): when any changes, or the
file is edited, the bulletin is judged again on the next refresh.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from orchestration.staging import StagingStore, now
from orchestration.warehouse.databases import connect_build_database

HOLDS = "holds"
# A check that fails on more than this share of the bulletins is more likely broken itself (or the
# extractor is) than the bulletins: it blocks the publish instead of holding them all back.
MAX_HELD_SHARE = 0.5
_BULLETIN_ID = re.compile(r"^[0-9a-f]{16}")
# Columns of a failing row that carry a bulletin's id, itself or as the prefix of a fact's key.
_ID_COLUMNS = ("bulletin_id", "amount_id", "ratio_id", "beneficiary_id", "article_id", "parent_amount_id")


@dataclass(frozen=True)
class BulletinFailure:
    """Rows of one bulletin that failed one check."""

    bulletin_id: str
    check: str
    rows: int
    example: str

    @property
    def reason(self) -> str:
        return f"check {self.check} failed on {self.rows} row(s), e.g. {self.example}"


@cache
def checks_version() -> str:
    """The extractor, the dbt project (models and tests) and the Python row checks, as one digest."""
    from orchestration.freshness import code_version

    checks_source = (Path(__file__).parent / "checks.py").read_bytes()
    return hashlib.sha256(code_version().encode() + checks_source).hexdigest()[:16]


def judged_version(store: StagingStore) -> str:
    """What a hold was judged with: the checks, and the analysts' corrections (a decision may be what made
    a check fail, or what fixes it), so that editing the corrections file judges held bulletins again."""
    corrections = next((r["file_digest"] for r in store.read_ledger("corrections")), None)
    return checks_version() + (f"+{corrections}" if corrections else "")


class HoldLedger:
    """The bulletins held back, each with the check that failed and why."""

    def __init__(self, store: StagingStore) -> None:
        self.store = store
        self.version = judged_version(store)
        self.rows = [r for r in store.read_ledger(HOLDS) if r["checks_version"] == self.version]
        # Holds of older checks or extractor versions are dropped: those bulletins are judged again.
        store.write_ledger(HOLDS, self.rows)

    @property
    def bulletin_ids(self) -> set[str]:
        return {r["bulletin_id"] for r in self.rows}

    def hold(self, failures: Iterable[BulletinFailure], run_id: str) -> list[BulletinFailure]:
        """Record the failures of bulletins not yet held; returns those newly held."""
        held, new = self.bulletin_ids, []
        for failure in failures:
            if failure.bulletin_id in held:
                continue
            held.add(failure.bulletin_id)
            new.append(failure)
            self.rows.append(
                {
                    "bulletin_id": failure.bulletin_id,
                    "check_name": failure.check,
                    "reason": failure.reason,
                    "checks_version": self.version,
                    "run_id": run_id,
                    "held_at": now(),
                }
            )
        if new:
            self.store.write_ledger(HOLDS, self.rows)
        return new


def per_bulletin(check: str, failing_rows: Iterable[tuple[str, str]]) -> list[BulletinFailure]:
    """Failures grouped by bulletin from (bulletin_id, description of the row) pairs."""
    grouped: dict[str, list[str]] = {}
    for bulletin_id, description in failing_rows:
        grouped.setdefault(bulletin_id, []).append(description)
    return [BulletinFailure(b, check, len(rows), rows[0]) for b, rows in grouped.items()]


def dbt_test_failures(run_results: Path, database: Path) -> tuple[list[BulletinFailure], list[str]]:
    """The failed dbt tests of the last invocation: failures of bulletins (the failing rows, stored by
    ``store_failures``, name them) and reasons for failures that name no bulletin (they block)."""
    if not run_results.exists():
        return [], ["dbt wrote no run results"]
    results = json.loads(run_results.read_text()).get("results", [])
    bulletin_failures: list[BulletinFailure] = []
    blocking: list[str] = []
    for result in results:
        unique_id, status = result.get("unique_id", ""), result.get("status")
        name = unique_id.split(".")[2] if unique_id.count(".") >= 2 else unique_id
        if not unique_id.startswith("test.") or status != "fail":
            if status == "error":
                blocking.append(f"dbt {unique_id.split('.')[0]} {name}: {_first_line(result.get('message'))}")
            continue
        rows = _failing_rows(database, result.get("relation_name"))
        if rows and all(bulletin_id for bulletin_id, _ in rows):
            bulletin_failures += per_bulletin(name, rows)
        else:
            example = next((row for bulletin_id, row in rows if bulletin_id is None), None)
            blocking.append(
                f"dbt test {name} failed on {result.get('failures')} row(s) that name no bulletin"
                + (f", e.g. {example}" if example else "")
            )
    return bulletin_failures, blocking


def _failing_rows(database: Path, relation: str | None) -> list[tuple[str | None, str]]:
    """The stored failing rows of a test (up to 10,000): the bulletin each names, if any, and the row in words."""
    if not relation or not database.exists():
        return []
    with connect_build_database(database, read_only=True) as con:
        # The relation name comes from dbt's own run results, not from data (the internal database's tables).
        cursor = con.execute(f"select * from {relation} limit 10000")
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    id_columns = [columns.index(c) for c in _ID_COLUMNS if c in columns]
    return [
        (
            next((m.group(0) for i in id_columns if (m := _BULLETIN_ID.match(str(row[i] or "")))), None),
            ", ".join(f"{c}={v}" for c, v in zip(columns, row, strict=True))[:200],
        )
        for row in rows
    ]


def too_many(failures: list[BulletinFailure], bulletins: int) -> str | None:
    """A reason to block instead of holding, when the failing bulletins are most of the warehouse."""
    failing = {f.bulletin_id for f in failures}
    if len(failing) > 1 and len(failing) > MAX_HELD_SHARE * bulletins:
        checks = sorted({f.check for f in failures})
        return (
            f"{', '.join(checks)} failed on {len(failing)} of {bulletins} bulletins: "
            "more likely a fault of the checks or the extractor than of the bulletins, so nothing is held"
        )
    return None


def _first_line(message: str | None) -> str:
    return (message or "").strip().splitlines()[0][:300] if (message or "").strip() else "failed"
