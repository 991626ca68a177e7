"""Dagster's SQLite event log, without an fsync for every event it stores.

Dagster's ``SqliteEventLogStorage`` keeps each run's events in ``history/runs/<run_id>.db`` and mirrors
asset and check events into ``index.db``, both in WAL mode. It opens and closes a connection for every
write: each commit syncs the WAL to disk (``synchronous=FULL``, SQLite's default), and closing the last
connection checkpoints the WAL into the database, syncing again. A refresh stores ~500 events, several
writes each, at 14-17 ms per write on this machine's disk: 7-10 s of a refresh went to fsync.

This storage changes two things, the rest is Dagster's:

- every connection runs with ``synchronous=NORMAL``: in WAL mode a commit is then durable against the
  process crashing and never corrupts the database; a power loss or OS crash can lose the last
  transactions before the next checkpoint (SQLite's documented trade, https://sqlite.org/pragma.html#pragma_synchronous);
- one idle connection per database file stays open in the writing process (a few, least recently used
  closed first), so that Dagster's per-write connection is never the last one and closing it does not
  checkpoint. SQLite still checkpoints every 1,000 WAL pages, and when the keeper closes (process exit).

The instance's ``dagster.yaml`` names it (orchestration/instance.py writes it on first use):

    event_log_storage:
      module: orchestration.event_log
      class: CheckpointSyncedSqliteEventLogStorage
      config:
        base_dir: /somewhere  # optional; default $DAGSTER_HOME/history/runs, where Dagster keeps it
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from orchestration.instance import dagster_home

# Databases a process writes at once: the index and the current run's (plus a run being read).
KEPT_OPEN = 4


class CheckpointSyncedSqliteEventLogStorage(SqliteEventLogStorage):
    """``SqliteEventLogStorage`` whose writes sync at checkpoints rather than at every commit."""

    def __init__(self, base_dir: str | None = None, inst_data=None):
        self._keepers: OrderedDict[str, sqlite3.Connection] = OrderedDict()
        self._keepers_lock = threading.Lock()
        super().__init__(base_dir or str(dagster_home() / "history" / "runs"), inst_data=inst_data)

    @classmethod
    def config_type(cls):
        return {"base_dir": dg.Field(dg.StringSource, is_required=False)}

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        return cls(inst_data=inst_data, **config_value)

    @contextmanager
    def _connect(self, shard: str) -> Iterator:
        with super()._connect(shard) as conn:
            # Per connection, before the first statement opens the transaction.
            conn.exec_driver_sql("PRAGMA synchronous=NORMAL")
            yield conn
        self._keep_open(self.path_for_shard(shard))

    def _keep_open(self, path: str) -> None:
        with self._keepers_lock:
            if path in self._keepers:
                self._keepers.move_to_end(path)
                return
            if not Path(path).exists():
                return
            keeper = sqlite3.connect(path, check_same_thread=False)
            # A connection counts for "not the last one" only once it has read the WAL index.
            keeper.execute("select count(*) from sqlite_master").fetchall()
            self._keepers[path] = keeper
            while len(self._keepers) > KEPT_OPEN:
                _, oldest = self._keepers.popitem(last=False)
                oldest.close()  # the last connection to that file: SQLite checkpoints it

    def dispose(self) -> None:
        with self._keepers_lock:
            while self._keepers:
                self._keepers.popitem()[1].close()
        super().dispose()
