"""The real asset graph, materialized into temporary warehouses, with dbt built and tested for real."""

import codecs
import re
import shutil

import duckdb
import pytest
from builds import build_warehouse, extractor_failing_on
from conftest import SEEDS_DIR, copy_seeds

import orchestration.warehouse.checks as checks
import orchestration.warehouse.holds as holds
from bench.query_timings import readme_queries
from orchestration.settings import internal_database_of
from orchestration.warehouse.databases import connect_build_database

pytestmark = [pytest.mark.slow, pytest.mark.many_builds]  # materializes the asset graph and runs dbt

FCT_AMOUNT_COLUMNS = [
    "amount_id", "bulletin_id", "source_file", "article_no", "char_start", "char_end", "amount_text",
    "amount_yuan", "locality_code", "fiscal_year", "program_name", "function_code", "measure", "is_total",
    "parent_amount_id", "sentence",
]  # fmt: skip
MARTS = {"bulletin_files", "dim_bulletin", "dim_article", "dim_locality", "dim_program", "dim_function_class",
         "fct_amount", "fct_ratio"}  # fmt: skip


def query(database, sql, params=()):
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def test_seed_build_publishes_the_marts_analysts_query(seed_build):
    paths, result = seed_build
    assert result.success
    tables = {t for (t,) in query(paths.published_database, "select table_name from duckdb_tables()")}
    assert MARTS <= tables
    # The staging and intermediate models stay in the internal database, out of the analysts' way.
    schemas = {s for (s,) in query(paths.published_database, "select schema_name from duckdb_schemas()")}
    assert not schemas & {"staging", "intermediate", "test_failures"}
    assert query(paths.published_database, "select view_name from duckdb_views() where not internal") == []
    columns = [c for (c,) in query(paths.published_database, "select column_name from (describe fct_amount)")]
    assert set(FCT_AMOUNT_COLUMNS) <= set(columns)
    statuses = query(paths.published_database, "select status, count(*) from bulletin_files group by 1")
    assert statuses == [("loaded", len(list(SEEDS_DIR.glob("*.txt"))))]


def readme_query(title_words: str) -> str:
    return next(sql for title, sql in readme_queries() if title_words in title)


def test_the_readme_example_queries_find_rows_on_the_seed_warehouse(seed_build):
    """Every SQL block of the README's "Example queries" runs on a built warehouse and finds rows; the list of
    files that did not load is empty here (every seed loads) and is run on bad input below."""
    paths, _ = seed_build
    found = {title: query(paths.published_database, sql) for title, sql in readme_queries()}
    assert len(found) >= 6
    assert [title for title, rows in found.items() if not rows] == [title for title in found if "did not load" in title]


def test_a_full_build_stores_the_amounts_by_locality_and_year(seed_build):
    """The physical order that lets a question about one county skip the other counties' row groups."""
    paths, _ = seed_build
    stored = query(paths.published_database, "select locality_code, fiscal_year from fct_amount order by rowid")
    assert len({code for code, _ in stored}) > 1
    assert stored == sorted(stored, key=lambda row: (row[0] is None, row[0] or "", row[1] is None, row[1] or 0))


def test_every_dbt_test_and_python_check_passes_on_the_seeds(seed_build):
    _, result = seed_build
    evaluations = result.get_asset_check_evaluations()
    names = {e.check_name for e in evaluations}
    assert {spec.name for c in checks.warehouse_checks for spec in c.check_specs} <= names
    assert "fct_amount_row_rules" in names  # dbt tests arrive as checks
    assert [e.check_name for e in evaluations if not e.passed] == []


def test_amounts_trace_back_to_their_characters(seed_build):
    paths, _ = seed_build
    texts = dict(query(paths.published_database, "select bulletin_id, bulletin_text from dim_bulletin"))
    rows = query(paths.published_database, "select bulletin_id, char_start, char_end, amount_text from fct_amount")
    assert len(rows) > 50
    for bulletin_id, start, end, amount_text in rows:
        assert texts[bulletin_id][start:end] == amount_text


def test_localities_have_codes_valid_in_their_year(seed_build):
    paths, _ = seed_build
    rows = query(
        paths.published_database,
        """select distinct a.locality_code, l.locality_name from fct_amount a
           join dim_locality l using (locality_code) where a.fiscal_year = 2021""",
    )
    assert ("320614", "海门区") in rows  # 海门 was 海门市 (320684) until it became a district in 2020
    orphan = query(
        paths.published_database, "select count(*) from fct_amount anti join dim_locality using (locality_code)"
    )
    assert orphan == [(0,)]


def test_row_rules_name_every_rule_a_row_breaks_and_let_nulls_pass(seed_build, tmp_path):
    """fct_amount's row_rules test, as dbt compiled it, on copies of one row made to break its rules."""
    paths, _ = seed_build
    [compiled] = paths.dbt_target.glob("compiled/**/fct_amount_row_rules.sql")
    sql = compiled.read_text()
    # On an incremental mart the test reads the rows its own dbt invocation wrote.
    invocation = re.search(r"built_by_invocation = '([^']+)'", sql).group(1)
    database = tmp_path / paths.build_database.name  # the catalog name the compiled SQL uses
    shutil.copy(paths.build_database, database)
    shutil.copy(paths.internal_database, internal_database_of(database))  # the reference tables the tests read
    broken = {
        "amount_text = amount_text": "",
        "measure = 'not_a_measure'": "measure is not a key of stg_measures (measure)",
        "source_file = null": "source_file is null",
        "spending_role = 'bogus'": "spending_role is not an accepted value",
        "spending_role = null": "",  # NULL is no value outside the accepted ones
        "locality_code = '12345'": (
            "locality_code is not a 6-digit code; locality_code is not a key of dim_locality (locality_code)"
        ),
        "amount_yuan = -1": "not (amount_yuan >= 0)",
        "fiscal_year = null": "",
    }
    with connect_build_database(database) as con:
        [(model_row,)] = con.execute("select min(amount_id) from fct_amount").fetchall()
        for n, change in enumerate(broken):
            column, value = change.split(" = ")
            con.execute(
                f"insert into fct_amount select * replace (amount_id || ':{n}' as amount_id, {value} as {column}, "
                "? as built_by_invocation) from fct_amount where amount_id = ?",
                [invocation, model_row],
            )
        failed = dict(con.execute(f"select amount_id, failed_rules from ({sql})").fetchall())
        # unique, on a table tested whole: both rows of a repeated file name fail
        con.execute("insert into bulletin_files select * from bulletin_files limit 1")
        [files_test] = paths.dbt_target.glob("compiled/**/bulletin_files_row_rules.sql")
        repeated = con.execute(f"select failed_rules, count(*) from ({files_test.read_text()}) group by 1").fetchall()
    assert {change: failed.get(f"{model_row}:{n}", "") for n, change in enumerate(broken)} == broken
    assert repeated == [("source_file is not unique", 2)]


def test_bad_input_ends_as_rows_with_a_status_and_reason(seed_build, inbox, tmp_path, monkeypatch):
    seed_paths, _ = seed_build
    copy_seeds(inbox)
    seed = next(SEEDS_DIR.glob("000_*.txt")).read_text(encoding="utf-8")
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "blank.txt").write_text(" \n\t\n")
    (inbox / "binary.txt").write_bytes(bytes(range(256)) * 16)
    (inbox / "same text in gb18030.txt").write_bytes(seed.encode("gb18030"))
    (inbox / "same text, utf-16.txt").write_bytes(seed.encode("utf-16"))
    (inbox / "bom'; drop table fct_amount; --.txt").write_bytes(codecs.BOM_UTF8 + seed.encode("utf-8"))
    (inbox / "breaks the extractor.txt").write_text("某县财政局：拨付专项资金100万元。触发故障", encoding="utf-8")
    (inbox / "crlf 全角.txt").write_bytes("河南兰考：2021年，县财政安排资金１２０万元。\r\n".encode())

    extractor_failing_on(monkeypatch, "触发故障")
    result = build_warehouse(inbox, tmp_path / "warehouse")
    assert result.success
    database = tmp_path / "warehouse" / "warehouse.duckdb"
    rows = {name: (status, reason) for name, status, reason in
            query(database, "select source_file, status, reason from bulletin_files")}  # fmt: skip

    assert rows["empty.txt"] == ("quarantined", "empty file (0 bytes)")
    assert rows["blank.txt"][0] == "quarantined" and "blank" in rows["blank.txt"][1]
    assert rows["binary.txt"][0] == "quarantined" and "binary" in rows["binary.txt"][1]
    for copy in ("same text in gb18030.txt", "same text, utf-16.txt", "bom'; drop table fct_amount; --.txt"):
        assert rows[copy][0] == "duplicate", copy
    assert rows["breaks the extractor.txt"][0] == "quarantined"
    assert "simulated extractor bug" in rows["breaks the extractor.txt"][1]
    assert rows["crlf 全角.txt"] == ("loaded", None)
    assert {s for s, _ in rows.values()} == {"loaded", "duplicate", "quarantined"}
    assert len(rows) == len(list(inbox.iterdir()))  # nothing silently dropped
    not_loaded = {name for name, _, _ in query(database, readme_query("did not load"))}
    assert not_loaded == {name for name, (status, _) in rows.items() if status != "loaded"}

    # The same texts under other names yield the same ids as the seed warehouse.
    ids = set(query(database, "select amount_id from fct_amount where source_file like '0%'"))
    assert ids == set(query(seed_paths.published_database, "select amount_id from fct_amount"))
    full_width = query(database, "select amount_text, amount_yuan from fct_amount where source_file = 'crlf 全角.txt'")
    assert [(t, int(y)) for t, y in full_width] == [("１２０万元", 1_200_000)]


@pytest.mark.parametrize("broken_check", ["amount_text_reparses"])
def test_a_failing_check_blocks_publishing(seed_warehouse_to_refresh, monkeypatch, broken_check):
    """A red check leaves analysts on the last good warehouse."""
    paths = seed_warehouse_to_refresh
    published = paths.published_database
    before = published.stat().st_mtime_ns

    monkeypatch.setattr(checks, "reparse_amount", lambda text, unit: 0)  # every amount now "mis-parses"
    # as a new version of the checks would: then every row is judged again (incremental marts, build_state.py)
    monkeypatch.setattr(holds, "checks_version", lambda: "checks-changed")
    result = build_warehouse(paths.bulletins_dir, paths.warehouse_dir, raise_on_error=False)
    failed = [e.check_name for e in result.get_asset_check_evaluations() if not e.passed]
    assert failed == [broken_check]
    published_events = [e for e in result.get_asset_materialization_events()
                        if e.asset_key.to_user_string() == "published_warehouse"]  # fmt: skip
    assert published_events == []
    assert published.stat().st_mtime_ns == before


def test_beneficiaries_link_to_the_amount_they_are_counted_for(seed_build):
    paths, _ = seed_build
    rows = query(
        paths.published_database,
        """select b.count_text, b.beneficiary_count, b.unit, a.amount_text
           from fct_beneficiary b join fct_amount a using (amount_id) order by b.bulletin_id, b.char_start""",
    )
    # 截至10月底共支出职业培训补贴1226万元，惠及1.43万人次
    assert ("1.43万人次", 14300, "人次", "1226万元") in rows


def test_unmapped_spending_is_listed_not_guessed(seed_build):
    paths, result = seed_build
    [check] = [e for e in result.get_asset_check_evaluations() if e.check_name == "unmapped_spending_programs"]
    unmapped = query(
        paths.published_database, "select count(*) from fct_amount where starts_with(function_evidence, 'unmapped')"
    )[0][0]
    assert check.metadata["failures"].value == unmapped
    assert query(
        paths.published_database,
        "select count(*) from fct_amount "
        "where starts_with(function_evidence, 'unmapped') and function_code is not null",
    ) == [(0,)]


def test_the_lean_dbt_resource_overrides_hooks_dagster_dbt_still_has():
    """LeanDbtCliResource replaces two private hooks of DbtCliResource: an upgrade that renames them
    must fail here, not silently bring back their cost; the version it assumes is dbt's own."""
    import subprocess

    from dagster_dbt import DbtCliResource

    from orchestration.warehouse.project import DBT_EXECUTABLE, dbt_cli

    for hook in ("_cli_version", "_initialize_dbt_core_adapter"):
        assert hook in vars(DbtCliResource), hook
    resource = dbt_cli()
    printed = subprocess.run([DBT_EXECUTABLE, "--version"], capture_output=True, text=True, check=True).stdout
    assert f"installed: {resource._cli_version}" in printed
    assert resource._initialize_dbt_core_adapter([]) is None
