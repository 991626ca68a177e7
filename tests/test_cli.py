"""The `fiscal` command line against real warehouses: the seed build, which one test refreshes with a new bulletin."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pyarrow.parquet as pq
import pytest

from orchestration import cli
from orchestration.settings import PROJECT_ROOT

NEW_BULLETIN = """江西瑞金：财政支持教育优先发展

江西省瑞金市财政局 | 张明

2022年，瑞金市财政局统筹安排教育专项资金1.2亿元，其中义务教育学校改造资金3000万元。截至10月，全市一般公共预算支出35.6亿元，同比增长5.2%。
"""


@pytest.fixture
def env(seed_build, monkeypatch, tmp_path):
    """The CLI pointed at the seed build; a Dagster home that does not exist (checks unknown)."""
    paths, _ = seed_build
    monkeypatch.setenv("WAREHOUSE_DIR", str(paths.warehouse_dir))
    monkeypatch.setenv("BULLETINS_DIR", str(paths.bulletins_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "no_dagster_home"))
    monkeypatch.setenv("COLUMNS", "200")  # rich wraps at the terminal width; keep rows on one line
    return paths


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.slow
def test_query_prints_a_table(env, capsys):
    sql = "select locality_name, count(*) as n from fct_amount join dim_locality using (locality_code) group by 1"
    code, out, _ = run(capsys, "query", sql)
    assert code == 0
    assert "locality_name" in out and "海门区" in out
    assert "row(s)" in out


@pytest.mark.slow
def test_query_limits_rows_and_says_so(env, capsys):
    code, out, _ = run(capsys, "query", "select amount_id from fct_amount", "--limit", "3")
    assert code == 0
    assert out.count(":") >= 3 and "first 3 rows shown" in out


@pytest.mark.slow
def test_query_exports_csv_and_parquet(env, capsys, tmp_path):
    with duckdb.connect(str(env.published_database), read_only=True) as con:
        total = con.execute("select count(*) from agg_spending_by_locality").fetchone()[0]
    target = tmp_path / "roll up's.csv"  # a path with a quote is an argument, never pasted into SQL
    code, out, _ = run(capsys, "query", "from agg_spending_by_locality", "--csv", str(target))
    assert code == 0 and f"wrote {total} row(s)" in out
    with target.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == total and {"locality_level", "period", "amount_count", "total_yuan"} <= set(rows[0])

    parquet = tmp_path / "amounts.parquet"
    code, _, _ = run(
        capsys, "query", "select amount_id, period, amount_yuan from fct_amount", "--parquet", str(parquet)
    )
    assert code == 0
    assert pq.read_table(parquet).column_names == ["amount_id", "period", "amount_yuan"]


@pytest.mark.slow
def test_query_is_read_only_and_reports_errors(env, capsys):
    code, _, err = run(capsys, "query", "create table scratch as select 1")
    assert code == 1 and "read-only" in err
    code, _, err = run(capsys, "query", "select * from no_such_table")
    assert code == 1 and "no_such_table" in err


@pytest.mark.slow
def test_query_prints_every_digit_with_separators_and_no_exponent(env, capsys):
    sql = (
        "select 17402.0::double as wan, 123456789.12::decimal(24, 2) as yuan, 0.00001::double as tiny, "
        "1.5e20::double as huge, 2022 as year"
    )
    code, out, _ = run(capsys, "query", sql)
    assert code == 0
    for shown in ("17,402.0", "123,456,789.12", "0.00001", "150,000,000,000,000,000,000", "2022"):
        assert shown in out
    assert "e+" not in out and "e-" not in out


@pytest.mark.slow
def test_query_json_gives_every_row_exactly_for_scripts(env, capsys):
    sql = "select i, i * 1000.5::decimal(24, 2) as yuan, 'x' || i as label from range(60) t(i) order by i"
    code, out, _ = run(capsys, "query", sql, "--json")
    assert code == 0
    rows = json.loads(out)  # nothing but the JSON on stdout
    assert len(rows) == 60 > cli.DEFAULT_LIMIT
    assert rows[59] == {"i": 59, "yuan": "59029.50", "label": "x59"}
    code, out, _ = run(capsys, "query", sql, "--json", "--limit", "2")
    assert len(json.loads(out)) == 2


@pytest.mark.slow
def test_query_tables_fit_an_80_column_terminal(env, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    sql = (
        "select amount_id, amount_yuan, locality_code, period, sentence from fct_amount "
        "order by length(sentence) desc limit 3"
    )
    code, out, _ = run(capsys, "query", sql)
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= 80
    with duckdb.connect(str(env.published_database), read_only=True) as con:
        largest = con.execute(f"select max(amount_yuan) from ({sql})").fetchone()[0]
    assert f"{largest:,.2f}" in out  # a number is never wrapped


def test_help_lets_someone_use_fiscal_without_the_readme(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    for needed in ("BULLETINS_DIR", "WAREHOUSE_DIR", "DAGSTER_HOME", "Tables", "make docs", "spending_role"):
        assert needed in out
    with pytest.raises(SystemExit):
        cli.main(["add", "--help"])
    out = capsys.readouterr().out
    assert "FILE" in out and ".txt" in out and "GB18030" in out and "last_refresh.log" in out


@pytest.mark.slow
def test_add_without_refresh_says_so_only_when_something_was_added(env, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("BULLETINS_DIR", str(tmp_path / "inbox"))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    _, out, _ = run(capsys, "add", "--no-refresh", str(empty))
    assert "nothing added, so nothing to refresh" in out and "not refreshed" not in out
    good = tmp_path / "good.txt"
    good.write_text(NEW_BULLETIN, encoding="utf-8")
    _, out, _ = run(capsys, "add", "--no-refresh", str(good))
    assert "not refreshed (--no-refresh)" in out


def test_query_without_a_warehouse_says_what_to_do(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("WAREHOUSE_DIR", str(tmp_path / "empty"))
    code, _, err = run(capsys, "query", "select 1")
    assert code == 1 and "no published warehouse" in err


@pytest.mark.slow
def test_explain_shows_the_sentence_and_how_each_field_was_decided(env, capsys):
    with duckdb.connect(str(env.published_database), read_only=True) as con:
        amount_id, amount_text, code, parent, period = con.execute(
            "select amount_id, amount_text, locality_code, parent_amount_id, period from fct_amount "
            "where parent_amount_id is not null and locality_code is not null order by amount_id limit 1"
        ).fetchone()
        evidence = con.execute(
            "select locality_evidence from fct_amount where amount_id = ?",
            [amount_id],
        ).fetchone()[0]
    code_, out, _ = run(capsys, "explain", amount_id)
    assert code_ == 0
    assert f"«{amount_text}»" in out  # the figure marked inside its sentence
    assert code in out and evidence in out
    assert parent in out and period in out
    for label in (
        "sentence",
        "bulletin",
        "locality",
        "program",
        "function class",
        "measure",
        "year",
        "period",
        "added up as",
    ):
        assert label in out


@pytest.mark.slow
def test_explain_an_unknown_id_fails_with_a_hint(env, capsys):
    with duckdb.connect(str(env.published_database), read_only=True) as con:
        bulletin_id = con.execute("select bulletin_id from fct_amount limit 1").fetchone()[0]
    code, _, err = run(capsys, "explain", f"{bulletin_id}:0-1")
    assert code == 1 and "no amount" in err and bulletin_id in err


@pytest.mark.slow
def test_status_without_a_dagster_instance_says_checks_are_unknown(env, capsys):
    code, out, _ = run(capsys, "status")
    assert code == 0
    assert "loaded" in out and "last refresh" in out
    assert "checks: unknown" in out


@pytest.mark.slow
def test_status_lists_failing_checks_from_the_dagster_instance(env, capsys, tmp_path, monkeypatch):
    home = tmp_path / "dagster_home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.from_config(str(home)) as instance:
        instance.report_runless_asset_event(
            dg.AssetCheckEvaluation(asset_key=dg.AssetKey("fct_amount"), check_name="parts_within_total", passed=False)
        )
    code, out, _ = run(capsys, "status")
    assert code == 0
    assert "1 failing" in out and "fct_amount:parts_within_total" in out


@pytest.mark.slow
def test_add_refuses_what_cannot_be_read_and_never_overwrites(env, capsys, tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    monkeypatch.setenv("BULLETINS_DIR", str(inbox))
    good = tmp_path / "瑞金 2022.txt"
    good.write_text(NEW_BULLETIN, encoding="gb18030")  # any supported encoding is fine
    binary = tmp_path / "scan.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    not_txt = tmp_path / "bulletin.odt"  # a format the inbox does not read
    not_txt.write_text(NEW_BULLETIN, encoding="utf-8")
    code, out, _ = run(capsys, "add", "--no-refresh", str(good), str(binary), str(empty), str(not_txt))
    assert code == 1  # something was refused
    assert (inbox / good.name).read_bytes() == good.read_bytes()
    assert sorted(p.name for p in inbox.iterdir()) == [good.name]  # nothing half-written or hidden left over
    assert "binary" in out and "empty file" in out and "reads only" in out
    assert "1 added, 3 refused" in out

    # The same file again is fine; a different file under the same name is refused, not overwritten.
    code, out, _ = run(capsys, "add", "--no-refresh", str(good))
    assert code == 0 and "already in the inbox" in out
    other = tmp_path / "other" / good.name
    other.parent.mkdir()
    other.write_text(NEW_BULLETIN + "补充。", encoding="utf-8")
    code, out, _ = run(capsys, "add", "--no-refresh", str(other))
    assert code == 1 and "different file" in out
    assert (inbox / good.name).read_bytes() == good.read_bytes()


@pytest.mark.slow
def test_add_refreshes_and_the_bulletin_shows_in_status_query_and_report(seed_warehouse_to_refresh, tmp_path):
    """The README's session, as a real `fiscal` process: add, status, query the roll-up, the report."""
    warehouse, inbox = seed_warehouse_to_refresh.warehouse_dir, seed_warehouse_to_refresh.bulletins_dir
    home = tmp_path / "dagster_home"
    home.mkdir()
    new = tmp_path / "ruijin_2022.txt"
    new.write_text(NEW_BULLETIN, encoding="utf-8")
    fiscal = Path(sys.executable).parent / "fiscal"
    env = {**os.environ, "WAREHOUSE_DIR": str(warehouse), "BULLETINS_DIR": str(inbox), "DAGSTER_HOME": str(home)}
    env["COLUMNS"] = "200"

    def fiscal_run(*argv: str) -> subprocess.CompletedProcess:
        done = subprocess.run([str(fiscal), *argv], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        return done

    added = fiscal_run("add", str(new))
    assert "added as ruijin_2022.txt" in added.stdout
    assert "succeeded" in added.stdout and ", 0 failed" in added.stdout

    status = fiscal_run("status")
    assert "loaded" in status.stdout and "warehouse is current" in status.stdout
    assert "0 failing" in status.stdout  # read from the run recorded in this Dagster home
    with duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select status from bulletin_files where source_file = 'ruijin_2022.txt'").fetchall() == [
            ("loaded",)
        ]
        assert con.execute("select count(*) from fct_amount where source_file = 'ruijin_2022.txt'").fetchone()[0] >= 3

    rollup = fiscal_run(
        "query", "select locality_name, fiscal_year, period, total_yuan from agg_spending_by_locality "
        "where locality_level = 'province' and fiscal_year = 2022",
    )  # fmt: skip
    assert "江西省" in rollup.stdout and "ytd_m10" in rollup.stdout
    assert (warehouse / "report" / "index.html").exists()
    assert (warehouse / "build" / "last_refresh.log").stat().st_size > 0  # dbt's chatter went here
