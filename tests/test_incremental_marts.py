"""Incremental marts keyed by bulletin give exactly the marts a full rebuild gives.

One warehouse goes through refreshes that change what the marts derive from; after each, the marts are
compared, whole, with a full rebuild of the same state (the build digest removed: build_state.py), leaving out
only the bookkeeping columns. Each refresh also shows it was incremental: rows of the bulletins it did not
touch keep the invocation that wrote them.
"""

import csv

import duckdb
import pytest
from builds import build_warehouse

from orchestration.corrections import CORRECTION_COLUMNS
from orchestration.purge import purge_removed
from orchestration.staging import StagingStore
from orchestration.warehouse import checks

pytestmark = [pytest.mark.slow, pytest.mark.many_builds]

INCREMENTAL_MARTS = ("dim_bulletin", "dim_article", "fct_amount", "fct_ratio", "fct_beneficiary", "bulletin_versions")
# Marts rebuilt in full each time that read the incremental ones or the same intermediate models.
OTHER_MARTS = ("dim_program", "agg_spending_by_locality", "fct_correction", "bulletin_files")
BOOKKEEPING = ("build_key", "built_by_invocation")

# Composed bulletins. The first states a county's spending for 2022; a later one states a larger figure of the
# same county, year and period, which takes the stated-total role from it.
STATED_TOTAL = "18.5亿元"
FIRST = {
    "a_pingshan.txt": "河北省平山县财政局2022年12月20日讯 2022年全县一般公共预算支出18.5亿元，其中教育支出4.2亿元。\n",
    "b_zanhuang.txt": "赞皇县财政局2023年5月8日讯 县财政下达农村公路养护资金560万元，惠及沿线群众2.1万人。\n",
    "c_lingshou.txt": "灵寿县财政局2023年3月2日讯 2022年全县卫生健康支出3.6亿元，比上年增长5.2%。\n",
    "d_xingtang.txt": "行唐县财政局2023年4月18日讯 县财政拨付春耕备耕补贴资金930万元。\n",
    "g_zhengding.txt": "正定县财政局2023年2月16日讯 县财政安排城乡环境整治资金1200万元。\n",
}
LARGER_FIGURE = "21.3亿元"
LARGER_TOTAL = f"河北省平山县财政局2023年1月10日讯 2022年全县一般公共预算支出完成{LARGER_FIGURE}。\n"
EDITED = "灵寿县财政局2023年3月2日讯 2022年全县卫生健康支出3.9亿元，比上年增长6.0%。\n"
FAULTY = "e_pingshan.txt"
# Held back by a check, in the scope the larger total fills: the round that builds it gives it the stated-total
# role; the round after the hold must give the role back to the larger total.
HELD_TOTAL = "25.6亿元"
FAULTY_TEXT = "平山县财政局2023年6月1日讯 2022年全县一般公共预算支出25.6亿元，县财政拨付防汛物资储备资金415万元。\n"


def rows_of(database, table: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        columns = [c for (c,) in con.execute(f"select name from pragma_table_info('{table}')").fetchall()]
        kept = ", ".join(f'"{c}"' for c in columns if c not in BOOKKEEPING)
        return sorted(con.execute(f"select {kept} from main.{table}").fetchall(), key=repr)


def marts(database) -> dict[str, list[tuple]]:
    return {table: rows_of(database, table) for table in (*INCREMENTAL_MARTS, *OTHER_MARTS)}


def query(database, sql: str, params=()) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def refresh_then_rebuild(inbox, warehouse) -> tuple[dict, dict, dict[tuple[str, str], set[str]]]:
    """An incremental refresh and a full rebuild of the same state: both marts, and which invocations wrote
    each (mart, file)'s rows in the refresh."""
    assert build_warehouse(inbox, warehouse).success
    build = warehouse / "build"
    incremental = marts(build / "warehouse.duckdb")
    writers = invocations(build / "warehouse.duckdb")
    with duckdb.connect(str(build / "warehouse.duckdb")) as con:  # what a build of the earlier layout kept there
        con.execute("create schema intermediate; create table intermediate.int_current_bulletins as select 1 as x")
    (build / "marts_digest.txt").unlink()
    assert build_warehouse(inbox, warehouse).success
    # A full build starts the build database anew: the marts alone, which the publish copies as they are.
    assert query(build / "warehouse.duckdb", "select distinct schema_name from duckdb_tables()") == [("main",)]
    return incremental, marts(build / "warehouse.duckdb"), writers


def invocations(database) -> dict[tuple[str, str], set[str]]:
    writers: dict[tuple[str, str], set[str]] = {}
    for table in ("fct_amount", "dim_bulletin"):
        for file, invocation in query(database, f"select source_file, built_by_invocation from {table}"):
            writers.setdefault((table, file), set()).add(invocation)
    return writers


def write_correction(inbox, database, file: str, amount_text: str, field: str, value: str) -> None:
    ((bulletin_id, start, end),) = query(
        database,
        "select bulletin_id, char_start, char_end from fct_amount where source_file = ? and amount_text = ?",
        [file, amount_text],
    )
    with (inbox / "corrections.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CORRECTION_COLUMNS)
        row = {"bulletin_id": bulletin_id, "char_start": start, "char_end": end, "field": field, "value": value}
        row |= {"who": "tester", "corrected_at": "2026-12-02T05:00:00+00:00", "why": "test", "span_text": amount_text}
        writer.writerow([row.get(name, "") for name in CORRECTION_COLUMNS])


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """The refreshes, in order, each compared with a full rebuild."""
    root = tmp_path_factory.mktemp("incremental")
    inbox, warehouse = root / "inbox", root / "warehouse"
    inbox.mkdir()
    for name, text in FIRST.items():
        (inbox / name).write_text(text, encoding="utf-8")
    assert build_warehouse(inbox, warehouse).success
    database = warehouse / "build" / "warehouse.duckdb"
    first_roles = dict(query(database, "select amount_text, spending_role from fct_amount"))
    first_writers = invocations(database)

    # A bulletin added (taking an old figure's role), a file's text edited, a file removed, an analyst's
    # correction of an otherwise untouched bulletin's figure.
    (inbox / "f_pingshan.txt").write_text(LARGER_TOTAL, encoding="utf-8")
    (inbox / "c_lingshou.txt").write_text(EDITED, encoding="utf-8")
    (inbox / "d_xingtang.txt").unlink()
    write_correction(inbox, database, "b_zanhuang.txt", "560万元", "fiscal_year", "2022")
    changed = refresh_then_rebuild(inbox, warehouse)
    roles = dict(query(database, "select amount_text, spending_role from fct_amount"))

    # The removed file purged, and a new bulletin a check holds back: two rounds, the second incremental.
    purge_removed(StagingStore(warehouse / "staging"))
    (inbox / FAULTY).write_text(FAULTY_TEXT, encoding="utf-8")
    real_reparse = checks.reparse_amount
    checks.reparse_amount = lambda text, unit: "broken" if text == "415万元" else real_reparse(text, unit)
    try:
        held = refresh_then_rebuild(inbox, warehouse)
    finally:
        checks.reparse_amount = real_reparse
    statuses = dict(query(database, "select source_file, status from bulletin_files"))
    held_roles = dict(query(database, "select amount_text, spending_role from fct_amount"))
    return {
        "first_roles": first_roles,
        "first_writers": first_writers,
        "changed": changed,
        "roles": roles,
        "held": held,
        "statuses": statuses,
        "held_roles": held_roles,
    }


@pytest.mark.parametrize("table", [*INCREMENTAL_MARTS, *OTHER_MARTS])
def test_a_refresh_with_added_edited_removed_and_corrected_bulletins_equals_a_full_rebuild(history, table):
    incremental, full, _ = history["changed"]
    assert incremental[table] == full[table]


def test_the_refresh_rewrote_only_what_changed(history):
    _, _, writers = history["changed"]
    first = history["first_writers"]
    # untouched: the bulletin row of the county whose figure only changed role, and a bulletin nothing touched
    assert writers["dim_bulletin", "a_pingshan.txt"] == first["dim_bulletin", "a_pingshan.txt"]
    assert writers["fct_amount", "g_zhengding.txt"] == first["fct_amount", "g_zhengding.txt"]
    # added, edited, removed (kept, flagged) and corrected: written by this refresh
    (this_refresh,) = writers["dim_bulletin", "f_pingshan.txt"]
    for file in ("c_lingshou.txt", "d_xingtang.txt", "b_zanhuang.txt"):
        assert writers["fct_amount", file] == {this_refresh}


def test_a_new_bulletin_that_takes_an_old_figures_role_rewrites_that_figure(history):
    assert history["first_roles"][STATED_TOTAL] == "stated_total"
    assert history["roles"][STATED_TOTAL] is None
    _, _, writers = history["changed"]
    assert writers["fct_amount", "a_pingshan.txt"] == writers["dim_bulletin", "f_pingshan.txt"]


@pytest.mark.parametrize("table", [*INCREMENTAL_MARTS, *OTHER_MARTS])
def test_a_refresh_that_purges_one_bulletin_and_holds_another_back_equals_a_full_rebuild(history, table):
    incremental, full, writers = history["held"]
    assert history["statuses"][FAULTY] == "held"
    assert all(file not in {"d_xingtang.txt", FAULTY} for _, file in writers)
    assert incremental[table] == full[table]


def test_a_held_bulletin_gives_back_the_role_it_took_in_its_scope(history):
    # the held bulletin's figures are gone, and the larger total of the same county, year and period is the
    # stated total again (its scope computed again in the round after the hold)
    assert HELD_TOTAL not in history["held_roles"]
    assert history["held_roles"][LARGER_FIGURE] == "stated_total"
