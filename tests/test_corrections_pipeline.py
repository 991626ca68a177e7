"""Analysts' corrections end to end: written by `fiscal correct` and `fiscal review`, applied by the refresh,
surviving a re-extraction and a refresh, flagged when stale or invalid, exported as gold.

Both tests start from the session's seed warehouse (no new build from scratch, conftest.py's
seed_warehouse_to_refresh): the first refreshes it twice, the second only reads it.
"""

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from orchestration import cli
from orchestration.corrections import read_corrections
from orchestration.settings import PROJECT_ROOT, WarehousePaths

pytestmark = pytest.mark.slow


def _env(paths: WarehousePaths, tmp_path: Path) -> dict[str, str]:
    return {
        "WAREHOUSE_DIR": str(paths.warehouse_dir),
        "BULLETINS_DIR": str(paths.bulletins_dir),
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
        "USER": "tester",
    }


def _rows(paths: WarehousePaths, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(paths.published_database), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _fiscal(capsys, *argv: str) -> tuple[int, str]:
    code = cli.main(list(argv))
    return code, capsys.readouterr().out


def test_corrections_apply_survive_reextraction_and_refresh_and_go_stale_when_the_bulletin_changes(
    seed_warehouse_to_refresh, tmp_path, monkeypatch, capsys
):
    from builds import build_warehouse

    from orchestration.extraction import assets as extract_assets
    from orchestration.extraction.evaluation import evaluate
    from orchestration.freshness import stale_reason

    paths = seed_warehouse_to_refresh
    for name, value in _env(paths, tmp_path).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("CORRECTIONS_FILE", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    files = dict(_rows(paths, "select source_file, bulletin_id from dim_bulletin"))
    work_report, magazine = files["002_7b525c3f80af82fa.txt"], files["000_010fda5c3a596ed1.txt"]
    # a class figure with a year to correct, a figure without parts to strike, one of the other bulletin
    (corrected, year, code, locality, yuan), *_ = _rows(
        paths,
        "select amount_id, fiscal_year, function_code, locality_code, amount_yuan from fct_amount "
        "where bulletin_id = ? and spending_role = 'class' order by amount_yuan desc",
        [work_report],
    )
    new_code = "213" if code != "213" else "212"
    (struck,) = _rows(
        paths,
        "select amount_id from fct_amount a where bulletin_id = ? and amount_id <> ? and not is_total "
        "and not exists (select 1 from fct_amount p where p.parent_amount_id = a.amount_id) order by char_start",
        [work_report, corrected],
    )[0]
    (elsewhere,) = _rows(paths, "select amount_id from fct_amount where bulletin_id = ? limit 1", [magazine])[0]

    why = ["--why", "checked against the budget report"]
    assert _fiscal(capsys, "correct", corrected, f"fiscal_year={year - 1}", f"function_code={new_code}", *why)[0] == 0
    assert _fiscal(capsys, "correct", struck, "not_a_fact", *why)[0] == 0
    assert _fiscal(capsys, "correct", elsewhere, "measure=other", *why)[0] == 0
    code_refused, said = _fiscal(capsys, "correct", corrected, "locality_code=999999", *why)
    assert code_refused == 1 and "not in dim_locality" in said
    corrections_file = paths.bulletins_dir / "corrections.csv"
    assert [r.field for r in read_corrections(corrections_file).rows] == [
        "fiscal_year", "function_code", "not_a_fact", "measure"
    ]  # fmt: skip
    # a row typed by hand with a class that does not exist: not applied, flagged by a check
    with corrections_file.open("a", encoding="utf-8") as handle:
        handle.write(f"{work_report},{corrected.split(':')[1].replace('-', ',')},function_code,299,hand,,typo,\n")
    assert stale_reason(paths) == "the inbox changed"  # the corrections alone make the warehouse stale

    # a new extractor version re-extracts every bulletin: the corrections still apply
    monkeypatch.setattr(extract_assets, "extractor_version", lambda: "extractor-after-review")
    result = build_warehouse(paths.bulletins_dir, paths.warehouse_dir)
    assert result.success
    assert stale_reason(paths) is None
    row = _rows(
        paths,
        "select fiscal_year, function_code, is_reviewed, reviewed_fields, extracted_values, function_evidence "
        "from fct_amount where amount_id = ?",
        [corrected],
    )[0]
    assert row[:4] == (year - 1, new_code, True, "fiscal_year,function_code")
    assert f'"fiscal_year": {year}' in row[4] and f'"function_code": "{code}"' in row[4]
    assert row[5].startswith("reviewed by tester")
    assert _rows(paths, "select count(*) from fct_amount where amount_id = ?", [struck]) == [(0,)]
    assert _rows(paths, "select status from bulletin_files where bulletin_id = ?", [work_report]) == [("loaded",)]
    rolled_up = _rows(
        paths,
        "select own_total_yuan from agg_spending_by_locality where locality_code = ? and fiscal_year = ? "
        "and function_code = ?",
        [locality, year - 1, new_code],
    )
    assert rolled_up and rolled_up[0][0] >= yuan
    report_pages = (paths.warehouse_dir / "report").rglob("*.html")
    assert any(f"fiscal correct {corrected}" in page.read_text(encoding="utf-8") for page in report_pages)
    statuses = dict(_rows(paths, "select value, status from fct_correction where amount_id = ?", [corrected]))
    assert statuses == {str(year - 1): "applied", new_code: "applied", "299": "invalid"}
    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert not checks["corrections_valid"].passed and checks["corrections_valid"].severity.value == "WARN"
    assert checks["corrections_anchored"].passed
    assert "corrected" in _fiscal(capsys, "explain", corrected)[1]

    # the magazine is edited: its correction is stale (listed, applied nowhere); the other bulletin's stay
    edited = paths.bulletins_dir / "000_010fda5c3a596ed1.txt"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n（本期完）\n", encoding="utf-8")
    result = build_warehouse(paths.bulletins_dir, paths.warehouse_dir)
    assert result.success
    stale = _rows(paths, "select status, suggested_amount_id from fct_correction where amount_id = ?", [elsewhere])
    assert stale[0][0] == "stale" and stale[0][1].endswith(":" + elsewhere.split(":")[1])
    assert _rows(paths, "select fiscal_year from fct_amount where amount_id = ?", [corrected]) == [(year - 1,)]
    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert not checks["corrections_anchored"].passed
    status = _fiscal(capsys, "status")[1]
    assert "Corrections not applied" in status and elsewhere in status and "stale" in status

    # the reviewed bulletin as gold: the extractor is measured against the analysts' decisions
    gold = tmp_path / "gold"
    assert _fiscal(capsys, "export-gold", str(gold))[0] == 0
    assert sorted(p.name for p in (gold / "texts").iterdir()) == ["002_7b525c3f80af82fa.txt"]
    scored = evaluate(gold)
    assert scored.year.total - scored.year.right == 1  # the corrected year
    assert scored.function.total - scored.function.right == 1  # the corrected class
    assert scored.amounts.fp == 1 and scored.amounts.fn == 0  # the struck span


def _read_until(fd: int, wanted: str, seen: bytearray, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while wanted.encode() not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"no {wanted!r} in the review's output:\n{seen.decode(errors='replace')[-2000:]}"
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                seen.extend(os.read(fd, 4096))
            except OSError:  # the child closed the terminal
                break


def test_review_is_driven_with_single_keys_through_a_terminal(seed_warehouse_to_refresh, tmp_path):
    paths = seed_warehouse_to_refresh
    env = {**os.environ, **_env(paths, tmp_path), "PYTHONPATH": str(PROJECT_ROOT), "COLUMNS": "120"}
    env.pop("CORRECTIONS_FILE", None)
    main, terminal = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-m", "orchestration.cli", "review", "--limit", "3"],
        stdin=terminal, stdout=terminal, stderr=terminal, env=env, cwd=PROJECT_ROOT, close_fds=True,
    )  # fmt: skip
    os.close(terminal)
    seen = bytearray()
    try:
        _read_until(main, "1/3", seen)
        _read_until(main, "onfirm", seen)
        os.write(main, b"c")  # one key, no Enter
        _read_until(main, "2/3", seen)
        _read_until(main, "onfirm", seen)
        os.write(main, b"s")
        _read_until(main, "3/3", seen)
        _read_until(main, "onfirm", seen)
        os.write(main, b"e")
        _read_until(main, "field=value", seen)
        os.write(main, b"measure=other\n")
        _read_until(main, "why:", seen)
        os.write(main, b"an increment, not money given out\n")
        _read_until(main, "decision(s) recorded", seen)
        assert child.wait(timeout=60) == 0
    finally:
        child.kill()
        os.close(main)
    output = seen.decode(errors="replace")
    assert "«" in output  # the figure is marked in its sentence
    rows = read_corrections(paths.bulletins_dir / "corrections.csv").rows
    assert [(r.field, r.value, r.who) for r in rows] == [("confirm", "", "tester"), ("measure", "other", "tester")]
    assert rows[1].why == "an increment, not money given out" and rows[0].amount_id != rows[1].amount_id
