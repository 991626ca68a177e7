"""The benchmark's instruments (bench/): which queries it times and how it judges the scaling targets."""

from bench.query_timings import readme_queries
from bench.run_bench import judge_targets, stage_table


def test_every_example_query_of_the_readme_is_timed():
    queries = readme_queries()
    assert [title.split(".")[0] for title, _ in queries] == [str(n) for n in range(1, len(queries) + 1)]
    assert len(queries) >= 6 and all(sql.lower().startswith("select") for _, sql in queries)


def _size(wall_full: float, wall_refresh: float, largest_mb: float, query_ms: list[float]) -> dict:
    build = {"ok": True, "peak_mb": largest_mb * 1.3, "max1_mb": largest_mb}
    return {
        "full": {**build, "wall_s": wall_full},
        "refresh": {**build, "wall_s": wall_refresh, "run_wall_s": wall_refresh - 3},
        "queries": [{"what": f"q{i}", "median_ms": ms} for i, ms in enumerate(query_ms)],
    }


def test_each_target_is_judged_on_its_own_size_and_unmeasured_sizes_are_not_judged():
    summary = judge_targets(
        {2000: _size(30, 14.0, 600, [5]), 100000: _size(700, 19.0, 1900, [120, 250])}, {"targets": []}
    )
    met = {t["target"]: t["met"] for t in summary["targets"]}
    assert met["one new bulletin at 2,000 <= 15 s"] is True
    assert met["one new bulletin at 20,000 <= 20 s"] is None  # not run
    assert met["one new bulletin at 100,000 <= 20 s"] is True
    assert met["full build of 100,000 <= 600 s"] is False
    assert met["largest process of the 100,000 build <= 2048 MB"] is True
    assert met["README queries at 100,000 each < 200 ms median"] is False  # the slowest query decides


def test_each_step_counts_in_its_own_stage_and_the_report_is_not_other():
    steps = {
        "analyst_corrections": (0.0, 0.1, ["analyst_corrections"]),
        "raw_bulletins": (0.1, 2.0, ["raw_bulletin_files", "raw_bulletin_texts"]),
        "extracted_facts.extract_shard[s0]": (2.0, 9.0, []),
        "warehouse_models": (9.0, 12.0, ["fct_amount"]),
        "published_warehouse": (12.0, 12.5, ["published_warehouse"]),
        "provenance_report": (12.5, 15.0, ["provenance_report"]),
    }
    report = {"run_start": 0.0, "steps": {k: {"start": s, "end": e, "assets": a} for k, (s, e, a) in steps.items()}}

    class NoSamples:
        def peak_mb(self, start=None, end=None):
            return None

    stages = stage_table(report, NoSamples(), t_start=-1.0, t_end=15.0)
    walls = {stage: figures["wall_s"] for stage, figures in stages.items()}
    assert walls == {
        "startup": 1.0,
        "ingest": 1.9,
        "extract": 7.0,
        "dbt": 3.0,
        "publish": 0.5,
        "report": 2.5,
        "other": 0.1,
    }


def test_the_extraction_digest_changes_with_any_record_and_only_then(tmp_path, capsys):
    from bench.extract_digest import main as digest

    texts = tmp_path / "texts"
    texts.mkdir()
    # composed for this test
    (texts / "a.txt").write_text("江苏东台：示例\n\n2021年，东台市安排就业补助资金100万元。", encoding="utf-8")

    def run() -> str:
        digest([str(texts), "--out", str(tmp_path / "digests.tsv")])
        return capsys.readouterr().out.splitlines()[-1]

    first = run()
    assert first.startswith("digest ") and run() == first
    (texts / "a.txt").write_text("江苏东台：示例\n\n2021年，东台市安排就业补助资金200万元。", encoding="utf-8")
    assert run() != first
    assert (tmp_path / "digests.tsv").read_text(encoding="utf-8").count("\n") == 1
