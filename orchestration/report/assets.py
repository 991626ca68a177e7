"""Report: the provenance report, brought up to date with the published warehouse after every publish."""

from pathlib import Path

import dagster as dg

from orchestration.report.render import render_report
from orchestration.resources import WarehouseResource


def report_dir(warehouse_dir: Path) -> Path:
    return warehouse_dir / "report"


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
    # In place and incremental: only pages whose figures changed are rewritten, each atomically.
    summary = render_report(paths.published_database, target)
    return dg.MaterializeResult(
        metadata={
            "index": dg.MetadataValue.path(str(target / "index.html")),
            "localities": summary.localities,
            "figures": summary.figures,
            "bulletins": summary.bulletins,
            "pages_written": summary.pages_written,
        }
    )
