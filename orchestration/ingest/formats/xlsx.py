"""A spreadsheet (openpyxl): every visible sheet's rows as a table, each cell with its sheet and reference.

Values are the ones the file stores (``data_only``): a cell holding a formula gives the value the
program that saved it computed. A workbook whose formulas carry no such value (written by a library,
never opened in a spreadsheet program) is quarantined: its totals would be missing, not zero. Numbers
are written as the shortest decimal that rounds to the stored value (no float noise, no grouping).
"""

from __future__ import annotations

import io
from datetime import date, datetime

from orchestration.ingest.formats.common import DocumentReading, TableCellText, TextBuilder, quarantined

# float noise of a spreadsheet's binary numbers (0.1 + 0.2) is below this many decimals
_DECIMALS = 6


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{round(value, _DECIMALS):.{_DECIMALS}f}".rstrip("0").rstrip(".")
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _formulas_without_values(raw: bytes) -> list[str]:
    """Cells (Sheet!C7) holding a formula whose computed value the file does not store."""
    import openpyxl

    formulas = openpyxl.load_workbook(io.BytesIO(raw), data_only=False)
    values = openpyxl.load_workbook(io.BytesIO(raw), data_only=True)
    missing = []
    for sheet in formulas.worksheets:
        stored = values[sheet.title]
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" and stored[cell.coordinate].value is None:
                    missing.append(f"{sheet.title}!{cell.coordinate}")
    return missing


def read_xlsx(raw: bytes) -> DocumentReading:
    import openpyxl

    missing = _formulas_without_values(raw)
    if missing:
        shown = ", ".join(missing[:3]) + (" …" if len(missing) > 3 else "")
        return quarantined(
            f"spreadsheet with {len(missing)} formula(s) but no stored values ({shown}): "
            "open and save it in a spreadsheet program so the values are computed",
            "xlsx",
        )
    workbook = openpyxl.load_workbook(io.BytesIO(raw), data_only=True)
    builder = TextBuilder()
    hidden = []
    for sheet in workbook.worksheets:
        if sheet.sheet_state != "visible":
            hidden.append(sheet.title)
            continue
        rows = [
            [TableCellText(_cell_text(cell.value), {"cell": cell.coordinate}) for cell in row]
            for row in sheet.iter_rows()
        ]
        builder.table(rows, sheet=sheet.title, table=None)
    note = f"hidden sheets left out: {', '.join(hidden)}" if hidden else None
    return builder.reading("xlsx", reason=note)
