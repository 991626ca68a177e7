"""Tables derived from large data files, kept in marshal files in the temp directory (as jieba keeps its own).

A fresh process reads such a table in one piece instead of parsing its sources again (the extractor's fixed
cost: one bulletin refreshed alone pays it whole). A file is named after everything its table is computed
from (the caller's key: the sources' paths, sizes and modification times, the code that derives it), so a
changed source makes a new file; a missing or unreadable one is built again and written whole, then renamed,
so that a concurrent reader never sees half a file. marshal holds plain data only (no code is run on reading).
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def file_key(path: Path) -> str:
    """What identifies a source file's content without reading it: path, size, modification time."""
    stat = path.stat()
    return f"{path}|{stat.st_size}|{stat.st_mtime_ns}"


def cached(name: str, key: str, build: Callable[[], T]) -> T:
    """The table ``build()`` returns, read from this name's and key's file when it exists."""
    digest = hashlib.sha256(f"{key}|{marshal.version}|{sys.version_info[:2]}".encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"fiscal-{name}-{digest}.marshal"
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        pass  # not written yet, or unreadable: built again
    table = build()
    partial = path.with_name(f"{path.name}.{os.getpid()}")
    try:
        partial.write_bytes(marshal.dumps(table))
        os.replace(partial, path)
    except (OSError, ValueError) as exc:  # ValueError: a table marshal cannot write
        partial.unlink(missing_ok=True)
        logging.getLogger(__name__).warning("%s not cached in %s: %s", name, path, exc)
    return table
