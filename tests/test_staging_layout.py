"""Laying out the staging folder never loses a ledger another step has committed."""

import subprocess
import sys
import textwrap
from pathlib import Path

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
