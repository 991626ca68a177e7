"""Resources shared by every asset: where the inbox and the warehouse are, and dbt."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from orchestration.settings import WarehousePaths
from orchestration.warehouse.project import dbt_cli


class WarehouseResource(dg.ConfigurableResource):
    """The inbox of bulletins and the warehouse folder (see ``orchestration.settings``)."""

    bulletins_dir: str
    warehouse_dir: str

    @classmethod
    def from_env(cls) -> WarehouseResource:
        paths = WarehousePaths.from_env()
        return cls(bulletins_dir=str(paths.bulletins_dir), warehouse_dir=str(paths.warehouse_dir))

    @property
    def paths(self) -> WarehousePaths:
        return WarehousePaths(Path(self.bulletins_dir).resolve(), Path(self.warehouse_dir).resolve())


def warehouse_resources(warehouse: WarehouseResource) -> dict[str, dg.ConfigurableResource]:
    """The resources every asset, check and sensor needs, for one inbox and warehouse."""
    return {"warehouse": warehouse, "dbt": dbt_cli()}
