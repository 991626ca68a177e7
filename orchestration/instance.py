"""The Dagster instance every entry point shares: ``DAGSTER_HOME``, or the project's ``.dagster_home``.

Its ``dagster.yaml`` is written on first use, so that no command prints Dagster's "No dagster
instance configuration file" notice or its telemetry banner. A file a user wrote or edited is never changed.

    python -m orchestration.instance     # what `make run` and `make ui` call first
"""

from __future__ import annotations

import os
from pathlib import Path

from orchestration.settings import PROJECT_ROOT

INSTANCE_CONFIG = """\
# Written by orchestration/instance.py on first use; edit freely: an edited file is never overwritten.
# Runs, event logs and schedules live in this folder (SQLite), as with no file at all; the event log
# syncs to disk at checkpoints rather than at every event (orchestration/event_log.py).
telemetry:
  enabled: false
event_log_storage:
  module: orchestration.event_log
  class: CheckpointSyncedSqliteEventLogStorage
"""
# What earlier versions wrote: such a file, never edited, is brought up to date.
EARLIER_INSTANCE_CONFIGS = (
    """\
# Written by orchestration/instance.py on first use; edit freely, it is never overwritten.
# Runs, event logs and schedules live in this folder (SQLite), as with no file at all.
telemetry:
  enabled: false
""",
)


def dagster_home() -> Path:
    return Path(os.environ.get("DAGSTER_HOME") or PROJECT_ROOT / ".dagster_home")


def ensure_dagster_home() -> Path:
    """Create the instance folder and its dagster.yaml if missing; set DAGSTER_HOME for Dagster's own lookup."""
    home = dagster_home().resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists() or config.read_text(encoding="utf-8") in EARLIER_INSTANCE_CONFIGS:
        tmp = home / ".dagster.yaml.tmp"
        tmp.write_text(INSTANCE_CONFIG, encoding="utf-8")
        os.replace(tmp, config)  # two first uses at once both write the same text
    os.environ["DAGSTER_HOME"] = str(home)
    return home


if __name__ == "__main__":
    print(f"Dagster instance: {ensure_dagster_home()}")
