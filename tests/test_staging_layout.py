"""Laying out the staging folder never loses a ledger another step has committed."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from orchestration.staging import LEDGER_SCHEMAS, StagingStore

FILE_ROW = {"source_file": "a.txt", "status": "loaded", "bulletin_id": "b1"}


def test_layout_creates_every_missing_ledger_empty(tmp_path):
    store = StagingStore(tmp_path)
    store.ensure_layout()
    for name in LEDGER_SCHEMAS:
        assert store.ledger_path(name).exists() and store.read_ledger(name) == []


def test_a_ledger_committed_between_the_check_and_the_write_is_kept(tmp_path, monkeypatch):
    """Two steps starting together (ingest beside the corrections step under the multiprocess executor) both
    lay out the folder: one may find no ledger, then the other commits it before the first writes."""
    store = StagingStore(tmp_path)
    store.write_ledger("bulletin_files", [FILE_ROW])
    monkeypatch.setattr(Path, "exists", lambda self: False)  # every check says "missing", as in the race
    store.ensure_layout()
    monkeypatch.undo()
    [row] = store.read_ledger("bulletin_files")
    assert {k: row[k] for k in FILE_ROW} == FILE_ROW
    assert not list(store.ledger_path("bulletin_files").parent.glob(".*.tmp"))


def test_a_ledger_is_read_by_column_and_by_bulletin(tmp_path):
    store = StagingStore(tmp_path)
    rows = [{"source_file": f"{n}.txt", "status": "loaded", "bulletin_id": f"b{n}", "bytes": n} for n in range(3)]
    store.write_ledger("bulletin_files", rows)
    assert store.read_ledger("bulletin_files", ["source_file", "bytes"]) == [
        {"source_file": r["source_file"], "bytes": r["bytes"]} for r in rows
    ]
    assert [r["source_file"] for r in store.read_ledger("bulletin_files", bulletin_ids={"b2", "b0", "b9"})] == [
        "0.txt",
        "2.txt",
    ]
    assert store.read_ledger("bulletin_files", bulletin_ids=[]) == []
    assert len(store.read_ledger("bulletin_files")[0]) == len(LEDGER_SCHEMAS["bulletin_files"].names)


def test_writing_ledgers_after_skipping_pyarrows_pandas_import_loads_no_pandas(tmp_path):
    """pyarrow's first array would import pandas (1.2-2.4 s of each refresh); pandas itself stays importable."""
    script = textwrap.dedent(
        f"""
        import sys
        from orchestration.staging import StagingStore, skip_pyarrows_pandas_import
        skip_pyarrows_pandas_import()
        store = StagingStore(__import__("pathlib").Path({str(tmp_path)!r}))
        store.ensure_layout()
        store.write_ledger("corrections", [])
        assert store.read_ledger("corrections") == []
        print("pandas" in sys.modules)
        import pandas
        print(pandas.DataFrame({{"a": [1]}}).shape == (1, 1))
        """
    )
    root = str(Path(__file__).resolve().parents[1])
    printed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env={"PYTHONPATH": root}
    ).stdout.split()
    assert printed == ["False", "True"]


def test_a_ledger_is_read_and_counted_by_column_values(tmp_path):
    store = StagingStore(tmp_path)
    statuses = ["loaded", "duplicate", "loaded", "quarantined"]
    store.write_ledger(
        "bulletin_files",
        [{"source_file": f"{n}.txt", "status": s, "bulletin_id": f"b{n}"} for n, s in enumerate(statuses)],
    )
    assert store.count_ledger("bulletin_files", {"status": "loaded"}) == 2
    assert store.read_ledger("bulletin_files", ["source_file"], where={"status": "loaded"}) == [
        {"source_file": "0.txt"},
        {"source_file": "2.txt"},
    ]
    both = store.read_ledger("bulletin_files", ["source_file"], bulletin_ids={"b1", "b2"}, where={"status": "loaded"})
    assert both == [{"source_file": "2.txt"}]
    assert StagingStore(tmp_path / "none").count_ledger("bulletin_files", {"status": "loaded"}) == 0


def test_an_upsert_replaces_the_rows_of_its_keys_and_keeps_the_others(tmp_path):
    store = StagingStore(tmp_path)
    store.write_ledger("extractions", [{"bulletin_id": f"b{n}", "batch_id": "old", "status": "ok"} for n in range(3)])
    written = store.upsert_ledger(
        "extractions", [{"bulletin_id": "b1", "batch_id": "new"}, {"bulletin_id": "b9", "batch_id": "new"}]
    )
    rows = {r["bulletin_id"]: r for r in store.read_ledger("extractions")}
    assert written.num_rows == len(rows) == 4
    assert {k: r["batch_id"] for k, r in rows.items()} == {"b0": "old", "b1": "new", "b2": "old", "b9": "new"}
    assert rows["b1"]["status"] is None and rows["b0"]["status"] == "ok"  # a replaced row is replaced whole
    assert written.schema.equals(LEDGER_SCHEMAS["extractions"])
    with pytest.raises(ValueError, match="repeat a bulletin_id"):
        store.upsert_ledger("extractions", [{"bulletin_id": "b5"}, {"bulletin_id": "b5"}])


def test_an_upsert_fills_a_column_the_ledger_file_was_written_without(tmp_path):
    """A ledger written before its schema gained a column keeps its rows, the new column NULL."""
    store = StagingStore(tmp_path)
    store.ledger_path("texts").parent.mkdir(parents=True)
    old = pa.table({"bulletin_id": ["b0"], "batch_id": ["x"]})
    pq.write_table(old, store.ledger_path("texts"))
    store.upsert_ledger("texts", [{"bulletin_id": "b1", "batch_id": "y", "chars": 7}])
    assert store.read_ledger("texts", ["bulletin_id", "chars"]) == [
        {"bulletin_id": "b0", "chars": None},
        {"bulletin_id": "b1", "chars": 7},
    ]
