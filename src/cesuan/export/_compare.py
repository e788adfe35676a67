"""The comparison workbook (`cesuan compare OLD NEW -o 对比.xlsx`): one row per line with the
old and the new value, the difference and the change in percent as live formulas.

What it does: writes the heading of the comparison (the two cases, the overrides), then per
line of cesuan.compare's rows: 变动, id, 项目内容, 单位, 原值 and 新值 as numbers (a value that
does not terminate as the formula =p/q), 差额 as =新值−原值 and 变化 as =差额/原值, each with the
number format of the line's display precision (the one the text and Markdown comparison show).
What it must not do: compute a difference or a change itself, write a cached value for a
formula, call a line changed for any reason but cesuan.compare's, or let case text become a
formula (text cells are stored as text).
"""

from __future__ import annotations

import io

from openpyxl import Workbook

from cesuan.compare import STATUS_ZH, Comparison, Row, _heading, _summary
from cesuan.export._xlsx import _exact_places, _fmt, _Sheet

__all__ = ["COMPARE_HEADER", "compare_workbook_bytes"]

COMPARE_HEADER = ("变动", "id", "项目内容", "单位", "原值", "新值", "差额（新值−原值）", "变化")
_E, _F, _G, _H = 5, 6, 7, 8  # columns of 原值, 新值, 差额, 变化 (1-based)


def _places(row: Row) -> int:
    """Places of the amounts' format: the row's display places, else the places that show the
    exact values (within what a spreadsheet holds)."""
    if row.places is not None:
        return row.places
    sides = [x for x in (row.old, row.new, row.difference) if x is not None]
    return max((_exact_places(x, row.percent) for x in sides), default=0)


def _write(sheet: _Sheet, c: Comparison) -> None:
    ws = sheet.ws
    for i, line in enumerate(_heading(c), 1):
        sheet.text(i, 1, line, bold=i == 1)
    row = len(_heading(c)) + 2
    for col, h in enumerate(COMPARE_HEADER, 1):
        sheet.text(row, col, h, bold=True)
    for r in c.rows:
        row += 1
        fmt = _fmt(_places(r), r.percent)
        sheet.text(row, 1, STATUS_ZH[r.status])
        sheet.text(row, 2, r.id)
        sheet.text(row, 3, r.label)
        sheet.text(row, 4, "%" if r.percent else r.unit.text)
        for col, x in ((_E, r.old), (_F, r.new)):
            if x is not None:
                sheet.number(row, col, x, fmt)
        if r.difference is not None:
            sheet.formula(row, _G, f"=F{row}-E{row}", fmt)
        if r.change is not None:  # old ≠ 0 (cesuan.compare leaves it out otherwise)
            sheet.formula(row, _H, f"=G{row}/E{row}", "0.00%")
    sheet.text(row + 2, 1, _summary(c))
    for letter, width in zip("ABCDEFGH", (8, 24, 36, 10, 16, 16, 18, 10), strict=True):
        ws.column_dimensions[letter].width = width


def compare_workbook_bytes(c: Comparison) -> bytes:
    """The .xlsx bytes of a comparison: one sheet, formulas with no cached values."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "对比"
    _write(_Sheet(ws, c.new, {}), c)
    wb.calculation.fullCalcOnLoad = True  # the spreadsheet computes every formula on opening
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
