"""Imports a process of this project declines: packages that another package would load only to take a path this
project never takes, at seconds of start-up each (docs/scaling.md, "Fixed cost")."""

from __future__ import annotations

import importlib.abc
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def refusing_imports(*packages: str) -> Iterator[None]:
    """Inside the block, importing any of ``packages`` (or a module of one) raises ModuleNotFoundError, as if it were
    not installed; a package already imported is not affected. Outside, they import as usual."""

    class Refused(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in packages:
                raise ModuleNotFoundError(f"{name}: not imported by this process", name=name)
            return None

    finder = Refused()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
