"""Source metadata through the pipeline: `fiscal add --url --published --locality` writes the inbox's
sources.csv, ingest stores it on dim_bulletin, and a change to it re-resolves the bulletins it names."""

import duckdb
import pytest
from builds import build_warehouse

from orchestration import cli
from orchestration.extract.sources import SOURCES_FILE, SourceMetadata, read_sources, write_sources

WE_COUNTY = (
    "县财政局拨付耕地地力保护补贴\n\n今年以来，我县财政累计拨付耕地地力保护补贴资金2860万元，惠及农户1.2万户。\n"
)


def test_add_records_the_source_and_refuses_a_bad_date(tmp_path, monkeypatch, capsys):
    inbox = tmp_path / "inbox"
    monkeypatch.setenv("BULLETINS_DIR", str(inbox))
    monkeypatch.setenv("WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    bulletin = tmp_path / "butie.txt"
    bulletin.write_text(WE_COUNTY, encoding="utf-8")
    argv = ["add", "--no-refresh", "--published", "2021-09-30", "--locality", "辽宁省铁岭市铁岭县", str(bulletin)]
    assert cli.main([*argv, "--url", "http://example.org/butie"]) == 0
    assert read_sources(inbox / SOURCES_FILE)["butie.txt"] == SourceMetadata(
        url="http://example.org/butie", published="2021-09-30", locality="辽宁省铁岭市铁岭县"
    )
    assert cli.main(["add", "--no-refresh", "--published", "last autumn", str(bulletin)]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().out


@pytest.mark.slow  # refreshes the seed warehouse twice
def test_sources_reach_dim_bulletin_and_a_change_re_resolves(seed_warehouse_to_refresh):
    inbox, warehouse = seed_warehouse_to_refresh.bulletins_dir, seed_warehouse_to_refresh.warehouse_dir
    (inbox / "butie.txt").write_text(WE_COUNTY, encoding="utf-8")
    write_sources(inbox / SOURCES_FILE, {"butie.txt": SourceMetadata(published="2021-09", locality="211221")})

    def facts() -> tuple[tuple, list[tuple]]:
        with duckdb.connect(str(seed_warehouse_to_refresh.published_database), read_only=True) as con:
            bulletin = con.execute(
                "select source_published, source_locality from dim_bulletin where source_file = 'butie.txt'"
            ).fetchone()
            amounts = con.execute("select locality_code, fiscal_year from fct_amount where source_file = 'butie.txt'")
            return bulletin, amounts.fetchall()

    build_warehouse(inbox, warehouse)
    assert facts() == (("2021-09", "211221"), [("211221", 2021)])
    # the page turns out to be another county's, published a year later: same text, re-resolved
    write_sources(inbox / SOURCES_FILE, {"butie.txt": SourceMetadata(published="2022", locality="贵州省贵阳市修文县")})
    build_warehouse(inbox, warehouse)
    assert facts() == (("2022", "贵州省贵阳市修文县"), [("520123", 2022)])
