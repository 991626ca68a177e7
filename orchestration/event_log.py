"""Dagster's SQLite event log, without an fsync for every event it stores.

Dagster's ``SqliteEventLogStorage`` keeps each run's events in ``history/runs/<run_id>.db`` and mirrors
asset and check events into ``index.db``, both in WAL mode. It opens and closes a connection for every
write: each commit syncs the WAL to disk (``synchronous=FULL``, SQLite's default), and closing the last
connection checkpoints the WAL into the database, syncing again. A refresh stores ~500 events, several
writes each, at 14-17 ms per write on this machine's disk: 7-10 s of a refresh went to fsync.

This storage changes three things, the rest is Dagster's:

- every connection runs with ``synchronous=NORMAL``: in WAL mode a commit is then durable against the
  process crashing and never corrupts the database; a power loss or OS crash can lose the last
  transactions before the next checkpoint (SQLite's documented trade, https://sqlite.org/pragma.html#pragma_synchronous);
- one idle connection per database file stays open in the writing process (a few, least recently used
  closed first), so that Dagster's per-write connection is never the last one and closing it does not
  checkpoint. SQLite still checkpoints every 1,000 WAL pages, and when the keeper closes (process exit);
- the SQLAlchemy engine of each database file is made once, not for every write (~1 ms each), and keeps its one
  connection open: Dagster opened a connection for each of the ~1,700 reads and writes of a refresh
  (0.2 ms per write on a kept connection against 0.8 ms on a new one, measured under load). Every use of it is
  under Dagster's storage lock (``_connect``), so one connection serves every thread of the process in turn.

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

import dagster as dg
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

from orchestration.instance import dagster_home

# Databases a process writes at once: the index and the current run's (plus a run being read).
KEPT_OPEN = 4


class CheckpointSyncedSqliteEventLogStorage(SqliteEventLogStorage):
    """``SqliteEventLogStorage`` whose writes sync at checkpoints rather than at every commit."""

    def __init__(self, base_dir: str | None = None, inst_data=None):
        # database path -> its engine and the idle connection that keeps the WAL from checkpointing
        self._open: OrderedDict[str, tuple[Engine, sqlite3.Connection]] = OrderedDict()
        self._open_lock = threading.Lock()
        super().__init__(base_dir or str(dagster_home() / "history" / "runs"), inst_data=inst_data)

    @classmethod
    def config_type(cls):
        return {"base_dir": dg.Field(dg.StringSource, is_required=False)}

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        return cls(inst_data=inst_data, **config_value)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        # Dagster's _connect, with the engine kept: one lock, the schema made on first use.
        with self._db_lock:
            engine = self._engine(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def _engine(self, shard: str) -> Engine:
        path = self.path_for_shard(shard)
        with self._open_lock:
            if path in self._open:
                self._open.move_to_end(path)
                return self._open[path][0]
        engine = create_engine(
            self.conn_string_for_shard(shard),
            poolclass=StaticPool,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        )
        event.listen(engine, "connect", _sync_at_checkpoints)
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        keeper = sqlite3.connect(path, check_same_thread=False)
        # A connection counts as open (so another's close is not the last) once it has read the WAL index.
        keeper.execute("select count(*) from sqlite_master").fetchall()
        with self._open_lock:
            self._open[path] = (engine, keeper)
            while len(self._open) > KEPT_OPEN:
                self._close(*self._open.popitem(last=False)[1])
        return engine

    @staticmethod
    def _close(engine: Engine, keeper: sqlite3.Connection) -> None:
        engine.dispose()
        keeper.close()  # the last connection to that file: SQLite checkpoints it

    def dispose(self) -> None:
        with self._open_lock:
            while self._open:
                self._close(*self._open.popitem()[1])
        super().dispose()


def _sync_at_checkpoints(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")
