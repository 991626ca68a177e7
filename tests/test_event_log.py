"""The instance's event log (orchestration/event_log.py): Dagster's SQLite storage, synced at checkpoints."""

import sqlite3

import dagster as dg

from orchestration.event_log import CheckpointSyncedSqliteEventLogStorage
from orchestration.instance import EARLIER_INSTANCE_CONFIGS, INSTANCE_CONFIG, ensure_dagster_home


@dg.asset
def observed(context: dg.AssetExecutionContext) -> int:
    for i in range(3):
        context.log_event(dg.AssetObservation(asset_key=f"observed_{i}", metadata={"i": i}))
    return 1


def run_once(home) -> str:
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert isinstance(instance.event_log_storage, CheckpointSyncedSqliteEventLogStorage)
        result = dg.materialize([observed], instance=instance)
        assert result.success
        return result.run_id


def test_a_new_instance_uses_the_storage_and_keeps_every_event(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    home = ensure_dagster_home()
    assert (home / "dagster.yaml").read_text(encoding="utf-8") == INSTANCE_CONFIG
    first, second = run_once(home), run_once(home)
    # A new instance (another process, e.g. the UI) reads both runs' events and the asset index.
    with dg.DagsterInstance.from_config(str(home)) as instance:
        for run_id in (first, second):
            kinds = {e.dagster_event.event_type for e in instance.all_logs(run_id) if e.dagster_event}
            assert {dg.DagsterEventType.RUN_SUCCESS, dg.DagsterEventType.ASSET_OBSERVATION} <= kinds
        latest = instance.get_latest_materialization_event(dg.AssetKey("observed"))
        assert latest is not None and latest.run_id == second
    # The databases are consistent on disk once every connection is closed (WAL checkpointed).
    with sqlite3.connect(home / "history" / "runs" / "index.db") as con:
        assert con.execute("pragma integrity_check").fetchone() == ("ok",)


def test_a_writing_connection_is_never_the_last_one_open(tmp_path):
    storage = CheckpointSyncedSqliteEventLogStorage(str(tmp_path / "runs"))
    with storage.index_connection() as conn:
        assert conn.exec_driver_sql("pragma synchronous").fetchone() == (1,)  # NORMAL
    # the index stays open in the process: closing the writer above did not checkpoint the WAL
    assert (tmp_path / "runs" / "index.db-wal").exists()
    storage.dispose()
    assert not (tmp_path / "runs" / "index.db-wal").exists()


def test_an_instance_config_written_by_an_earlier_version_is_brought_up_to_date(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text(EARLIER_INSTANCE_CONFIGS[0], encoding="utf-8")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    ensure_dagster_home()
    assert (home / "dagster.yaml").read_text(encoding="utf-8") == INSTANCE_CONFIG
    edited = EARLIER_INSTANCE_CONFIGS[0] + "# mine\n"
    (home / "dagster.yaml").write_text(edited, encoding="utf-8")
    ensure_dagster_home()
    assert (home / "dagster.yaml").read_text(encoding="utf-8") == edited
