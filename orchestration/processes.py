"""Worker processes started by spawn (the ingest's reading, the extraction pool, the report's shares) without the
parent's start-up."""

from __future__ import annotations

import multiprocessing
import sys
import types
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager


def spawned_pool(workers: int, initializer: Callable[[], None] | None = None) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes started by spawn, not fork: the Dagster step process runs threads, which
    fork does not copy safely. Submit the first tasks within :func:`spawning_without_parent_main`."""
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn"), initializer=initializer
    )


@contextmanager
def spawning_without_parent_main() -> Iterator[None]:
    """While workers are spawned, hide the parent's ``__main__`` from multiprocessing.

    A spawned process first re-imports its parent's main module (``python -m orchestration.build`` imports
    Dagster and every definition, 2.3 s; the ``dagster`` CLI as much), though a worker only needs the module of
    the function it runs. The swap lasts while the processes are launched: their start-up data is written then.
    """
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main
