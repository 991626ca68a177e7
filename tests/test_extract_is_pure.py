"""The extractor's rule modules are plain Python: importing them loads neither Dagster nor dbt."""

import json
import pkgutil
import subprocess
import sys

import orchestration.extract

ORCHESTRATORS = ("dagster", "dagster_dbt", "dbt")


def test_importing_the_extractor_loads_no_orchestrator():
    modules = [f"orchestration.extract.{m.name}" for m in pkgutil.iter_modules(orchestration.extract.__path__)]
    assert "orchestration.extract.document" in modules
    # Spawned pool workers import the pool's module by name, and the gold scorer is a plain script.
    modules += ["orchestration.extraction.parallel", "orchestration.extraction.evaluation"]
    # A fresh interpreter: this test process may already have imported Dagster for other tests.
    probe = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded = set(json.loads(done.stdout))
    assert loaded.isdisjoint(ORCHESTRATORS), sorted(loaded & set(ORCHESTRATORS))
