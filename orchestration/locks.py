"""File locks: concurrent runs take turns on what only one process may write at a time.

Every lock is an exclusive ``flock`` on a small file beside what it guards (the `flock` command takes the
same lock, as ``make docs`` does on the build lock). Local files only: see docs/scaling.md, "One writer".
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Beside the staging ledgers: their read-modify-write cycles (ingest, extract, purge) take turns.
LEDGER_LOCK_NAME = ".ledger.lock"


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created, with its folder, if missing), waiting for any holder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ledger_lock(staging_dir: Path):
    """The lock of the staging ledgers under ``staging_dir``."""
    return file_lock(staging_dir / LEDGER_LOCK_NAME)
