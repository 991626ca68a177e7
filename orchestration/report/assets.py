"""Report: the provenance report, rebuilt from the published warehouse after every publish."""

import os
import shutil
from pathlib import Path

import dagster as dg

from orchestration.report.render import render_report
from orchestration.resources import WarehouseResource


def report_dir(warehouse_dir: Path) -> Path:
    return warehouse_dir / "report"


def replace_dir(new: Path, target: Path) -> None:
    """Swap a freshly written folder in: a reader never sees a half-written report."""
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)


@dg.asset(
    key="provenance_report",
    deps=["published_warehouse"],
    group_name="report",
    kinds={"python", "html"},
    description="Static HTML report in $WAREHOUSE_DIR/report/index.html: per locality, a plotly chart of "
    "spending by function class, year and period, and every figure with its sentence (the figure marked) "
    "linked to its place in the bulletin text. Opens offline from the file system.",
)
def provenance_report(warehouse: WarehouseResource) -> dg.MaterializeResult:
    paths = warehouse.paths
    target = report_dir(paths.warehouse_dir)
    staging = target.with_name(f".{target.name}.new-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        summary = render_report(paths.published_database, staging)
        replace_dir(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return dg.MaterializeResult(
        metadata={
            "index": dg.MetadataValue.path(str(target / "index.html")),
            "localities": summary.localities,
            "figures": summary.figures,
            "bulletins": summary.bulletins,
        }
    )
