"""Amounts in plain-text tables whose unit is given once in a header (``单位：万元``).

After a header line naming the unit, each following row (a line whose cells are separated by
tabs, runs of spaces or ``|``) contributes its numeric cells, except the first cell (the row
label), percentages and years. The amount text is the bare number, as written; its value is the
number times the header unit. The table ends at the first line that is not a row.
"""

from __future__ import annotations

import re

from orchestration.extract.amounts import MoneySpan
from orchestration.extract.numbers import ARABIC, UNIT_FACTORS, normalize_yuan, parse_number

HEADER_RE = re.compile(r"(?:单位|金额单位|计量单位)\s*[:：]\s*(?P<unit>万亿|亿|万|千)?元")
CELL_RE = re.compile(r"[^\t|｜\u3000]+?(?=\t|\s{2,}|[|｜]|\u3000|$)")
NUMBER_CELL_RE = re.compile(rf"^-?{ARABIC}$")


def header_unit_amounts(text: str, start: int, end: int, existing: list[MoneySpan]) -> list[MoneySpan]:
    out: list[MoneySpan] = []
    taken = {(m.start, m.end) for m in existing}
    for h in HEADER_RE.finditer(text, start, end):
        factor = UNIT_FACTORS[h.group("unit") or ""]
        unit = (h.group("unit") or "") + "元"
        pos = text.find("\n", h.end())
        rows_seen = 0
        while 0 <= pos < end:
            line_start = pos + 1
            line_end = text.find("\n", line_start)
            if line_end < 0 or line_end > end:
                line_end = end
            line = text[line_start:line_end]
            if not line.strip():
                if rows_seen:
                    break
                pos = line_end
                continue
            cells = [(c.start(), c.group(0)) for c in CELL_RE.finditer(line)]
            cells = [(line_start + off + (len(c) - len(c.lstrip())), c.strip()) for off, c in cells if c.strip()]
            if len(cells) < 2:
                if rows_seen:
                    break
                pos = line_end
                continue
            rows_seen += 1
            for cs, cell in cells[1:]:
                if not NUMBER_CELL_RE.match(cell) or re.fullmatch(r"(?:19|20)[0-9]{2}", cell):
                    continue
                ce = cs + len(cell)
                if (cs, ce) in taken or text[ce : ce + 1] in "%％":
                    continue
                try:
                    yuan = normalize_yuan(parse_number(cell.lstrip("-")) * factor)
                except ValueError:
                    continue
                out.append(MoneySpan(cs, ce, cell, -yuan if cell.startswith("-") else yuan, unit))
            pos = line_end
    return out


TOTAL_LABEL_RE = re.compile(r"^(?:合\s*计|总\s*计|共\s*计|小\s*计)$")


def cell_position(text: str, start: int) -> tuple[str, int, int]:
    """(row label, column index, line start) of the table cell starting at ``start``."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    cells = [
        (line_start + c.start() + (len(c.group(0)) - len(c.group(0).lstrip())), c.group(0).strip())
        for c in CELL_RE.finditer(line)
        if c.group(0).strip()
    ]
    label = cells[0][1] if cells else ""
    col = next((i for i, (cs, _) in enumerate(cells) if cs == start), -1)
    return label, col, line_start


def caption(text: str, start: int, lo: int) -> str:
    """The lines before the unit header of the table holding ``start`` (its caption), within [lo, start)."""
    headers = list(HEADER_RE.finditer(text, lo, start))
    if not headers:
        return ""
    h = headers[-1]
    before = text[lo : h.start()].rstrip().split("\n")
    return "".join(before[-2:]).strip()
