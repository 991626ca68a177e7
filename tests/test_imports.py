"""Imports a process declines (orchestration/imports.py), and what the pipeline's processes load at start-up."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from orchestration.imports import refusing_imports

ROOT = str(Path(__file__).resolve().parents[1])


def test_a_refused_package_fails_inside_the_block_and_imports_after_it(tmp_path, monkeypatch):
    package = tmp_path / "refusal_probe"
    (package / "inner").mkdir(parents=True)
    (package / "__init__.py").write_text("VALUE = 1\n")
    (package / "inner" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    with refusing_imports("refusal_probe"):
        with pytest.raises(ModuleNotFoundError, match="not imported by this process"):
            import refusal_probe.inner  # noqa: F401
    assert "refusal_probe" not in sys.modules  # nothing half-imported is left behind
    import refusal_probe.inner

    assert refusal_probe.VALUE == 1
    with refusing_imports("refusal_probe"):  # an imported package stays usable
        assert sys.modules["refusal_probe"].VALUE == 1


def test_the_pipelines_definitions_load_without_dbt_core():
    """dagster-dbt is imported as if dbt-core were absent (2-3 s of each process's start-up, for an in-process adapter
    this project does not use); dbt itself stays importable, and the dbt resource still knows the installed dbt."""
    script = textwrap.dedent(
        """
        import sys
        from orchestration.definitions import defs
        from orchestration.warehouse.project import dbt_cli
        print(any(name == "dbt" or name.startswith("dbt.") for name in sys.modules))
        print(dbt_cli()._cli_version.major == 1)
        import dbt.version
        print(bool(dbt.version.__version__))
        """
    )
    printed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env={"PYTHONPATH": ROOT}
    ).stdout.split()
    assert printed == ["False", "True", "True"]
