"""The provenance report, rendered from the seed build and opened in a real headless Chromium."""

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from orchestration.report.render import render_report

pytestmark = pytest.mark.slow  # renders the report from the seed build and opens it in Chromium

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


def query(database, sql, params=()):
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


@pytest.fixture(scope="module")
def report(seed_build, tmp_path_factory):
    paths, _ = seed_build
    out = tmp_path_factory.mktemp("report")
    summary = render_report(paths.published_database, out)
    return paths, out, summary


def dump_dom(page: Path, profile: Path) -> str:
    """The DOM after scripts ran (plotly draws the chart in JavaScript), as Chromium sees it."""
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is missing in CI: .ci/run installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium); CI installs it and runs this test")
    done = subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={profile}", "--virtual-time-budget=5000", "--dump-dom", page.as_uri(),
        ],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_every_figure_is_in_the_report_with_its_sentence_marked(report):
    paths, out, summary = report
    figures = query(paths.published_database, "select amount_id, locality_code, amount_text from fct_amount")
    assert summary.figures == len(figures) > 0
    pages = {p.stem: p.read_text(encoding="utf-8") for p in (out / "localities").glob("*.html")}
    for amount_id, code, amount_text in figures:
        page = pages[code or "unplaced"]
        row = re.search(rf"<tr class='figure' id='{re.escape(html.escape(amount_id))}'>(.*?)</tr>", page, re.S)
        assert row, amount_id
        assert f"<mark>{html.escape(amount_text)}</mark>" in row.group(1)


def test_links_lead_to_the_figure_in_its_bulletin(report):
    paths, out, _ = report
    for page in (out / "localities").glob("*.html"):
        for bulletin_id, anchor in re.findall(r"href='\.\./bulletins/(\w+)\.html#(a-\d+-\d+)'", page.read_text()):
            target = (out / "bulletins" / f"{bulletin_id}.html").read_text(encoding="utf-8")
            assert f"<mark id='{anchor}'" in target
    # A bulletin page is the whole text, escaped: stripping the marks gives the text back.
    bulletin_id, text = query(paths.published_database, "select bulletin_id, bulletin_text from dim_bulletin")[0]
    page = (out / "bulletins" / f"{bulletin_id}.html").read_text(encoding="utf-8")
    body = re.search(r"<pre class='bulletin'>(.*)</pre>", page, re.S).group(1)
    assert html.unescape(re.sub(r"<mark[^>]*>|</mark>", "", body)) == text


def test_the_report_renders_its_chart_and_rows_in_chromium(report, tmp_path):
    paths, out, _ = report
    code, count = query(
        paths.published_database,
        "select locality_code, count(*) from fct_amount where locality_code is not null group by 1 order by 2 desc",
    )[0]
    dom = dump_dom(out / "localities" / f"{code}.html", tmp_path / "profile")
    assert '<svg class="main-svg"' in dom  # plotly drew the chart
    assert len(re.findall(r'<tr class="figure"', dom)) == count
    assert "<mark>" in dom

    index = dump_dom(out / "index.html", tmp_path / "profile")
    localities = query(paths.published_database, "select count(distinct coalesce(locality_code, '')) from fct_amount")
    assert len(re.findall(r'<tr class="locality"', index)) == localities[0][0]


def test_the_report_asset_writes_the_report_into_the_warehouse(seed_build):
    paths, result = seed_build
    index = paths.warehouse_dir / "report" / "index.html"
    assert index.exists()
    (materialization,) = result.asset_materializations_for_node("provenance_report")
    assert materialization.metadata["figures"].value > 0
    assert not list(paths.warehouse_dir.glob(".report.*"))  # no half-written folder left behind


def test_a_second_render_rewrites_only_what_changed(report):
    paths, out, summary = report
    assert summary.pages_written == summary.localities + summary.bulletins  # a new report: every page
    before = {p: p.read_bytes() for p in out.rglob("*.html")}
    again = render_report(paths.published_database, out)
    assert again.pages_written == 0
    assert {p: p.read_bytes() for p in out.rglob("*.html")} == before
    # A deleted page comes back, a page of a locality no longer in the warehouse goes, a page whose
    # recorded fingerprint differs (its figures changed) is rendered again.
    some_bulletin = next((out / "bulletins").glob("*.html"))
    some_bulletin.unlink()
    gone = out / "localities" / "999999.html"
    gone.write_text("old page", encoding="utf-8")
    manifest = out / ".pages.json"
    recorded = json.loads(manifest.read_text())
    changed = next(page for page in recorded if page.startswith("localities/"))
    manifest.write_text(json.dumps({**recorded, changed: "fingerprint of older figures"}))
    third = render_report(paths.published_database, out)
    assert third.pages_written == 2
    assert not gone.exists()
    assert {p: p.read_bytes() for p in out.rglob("*.html")} == before


def test_a_render_shared_by_processes_writes_the_same_files(report, tmp_path, monkeypatch):
    """A full render of many pages is shared by worker processes (render.MIN_PAGES_FOR_POOL): the same files as
    one process writes, the stale pages of a refresh included."""
    from orchestration.report import render

    paths, out, summary = report
    monkeypatch.setattr(render, "MIN_PAGES_FOR_POOL", 1)
    monkeypatch.setattr(render.os, "cpu_count", lambda: 2)
    shared = tmp_path / "shared"
    shared_summary = render_report(paths.published_database, shared)
    assert shared_summary.pages_written == summary.localities + summary.bulletins

    def files(folder):
        return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file() and p.name != ".lock"}

    assert files(shared) == files(out)
    # a refresh whose stale pages exist on disk rewrites them in the workers too
    (shared / ".pages.json").write_text("{}")
    assert render_report(paths.published_database, shared).pages_written == summary.localities + summary.bulletins
    assert files(shared) == files(out)
