"""The Excel workbook (`cesuan export`): one sheet per case, every amount a live formula.

What it does: writes, per case, its inputs in cells (value as written, unit, quote, source),
then one row per line: 计算值 (the line's formula as an Excel formula over those cells and the
cells of the lines it uses, built from the parsed tree by ._formula), 金额 (the declared
rounding as ROUND/ROUNDUP/ROUNDDOWN, else the 计算值), 申报数, 差额 (金额 − 申报数, as the audit
reports it), the 测算依据 text beside it, and for a line that uses other lines the same formula
over their 申报数 (the audit's check of a total); then the expressions the form writes, computed
as written, beside the results it writes. Number formats follow cesuan.display.
What it must not do: write a cached value for any formula (the spreadsheet program computes them
all, so the workbook cannot show a number its formulas do not give), compute an amount itself,
or let case text become a formula (text cells are stored as text, control characters escaped).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from cesuan import exact
from cesuan.basis import explain_table
from cesuan.display import UNIT_PLACES, case_places, is_percent, line_places, rounding_note
from cesuan.errors import CesuanError, ErrorKind
from cesuan.evaluation import LineResult, Result
from cesuan.export._formula import convert, excel_formula, line_rounding
from cesuan.intervals import range_text
from cesuan.model import Input
from cesuan.quantity import Quantity
from cesuan.report import clean
from cesuan.units import DIMENSIONLESS, Unit

__all__ = ["INPUT_HEADER", "LINE_HEADER", "WRITTEN_HEADER", "build_workbook", "workbook_bytes"]

INPUT_HEADER = ("明细 id", "输入", "名称", "数值", "单位", "原文", "依据")
LINE_HEADER = (
    "明细 id",
    "项目内容",
    "计算值",
    "金额",
    "单位",
    "申报数",
    "差额（金额−申报数）",
    "测算依据",
    "公式",
    "取整",
    "按分项申报数计算",
)
WRITTEN_HEADER = (
    "明细 id",
    "表上算式",
    "按原样计算",
    "表上结果",
    "单位",
    "差额（计算−表上）",
    "原文",
)
# Columns of the line table (1-based, as openpyxl counts).
_C, _D, _F, _G, _K = 3, 4, 6, 7, 11
_MODE_ZH = {"half_up": "四舍五入", "ceil": "向上取整", "floor": "向下取整"}
# A spreadsheet holds about 15 significant digits; formats ask for no more than 12 of them, so
# that what a cell shows is what the exact value shows at that precision.
_MAX_DIGITS = 12
_BOLD = Font(bold=True)
# Excel keeps 15 significant digits of a number and 32767 characters of a cell's text.
_EXCEL_DIGITS = 15
_CELL_CHARS = 32767
_CUT = "…（全文见 cesuan explain）"


def _fmt(places: int | None, percent: bool = False) -> str:
    if places is None:
        return "General"
    return "0" + ("." + "0" * places if places else "") + ("%" if percent else "")


def _exact_places(x: exact.Num, percent: bool) -> int:
    """Decimals that show `x` exactly, within the digits a spreadsheet holds."""
    v = exact.mul(x, Decimal(100)) if percent else x
    size = abs(exact.to_fraction(v))
    whole = len(str(int(size))) if size >= 1 else 0
    room = max(0, _MAX_DIGITS - whole)
    if not exact.is_terminating(v):
        return room
    text = exact.format_exact(v)
    return min(room, len(text.partition(".")[2]))


def _sheet_title(title: str, used: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ and no apostrophe at either end.
    base = "".join(" " if c in "[]:*?/\\" else c for c in clean(title)).strip(" '")[:28] or "案例"
    name, k = base, 1
    while name.casefold() in used:  # Excel compares sheet names without case
        k += 1
        name = f"{base}（{k}）"
    used.add(name.casefold())
    return name


class _Sheet:
    def __init__(self, ws: Worksheet, result: Result, unit_places: Mapping[str, int]) -> None:
        self.ws = ws
        self.result = result
        self.unit_places = unit_places
        self.row = 1
        self.cells: dict[tuple[str, str], tuple[str, Unit]] = {}  # (line, input) → cell, unit
        self.stated_cells: dict[str, tuple[str, Unit]] = {}  # line → its 申报数 cell, unit

    def text(self, row: int, col: int, value: object, *, bold: bool = False) -> None:
        c = self.ws.cell(row, col)
        text = clean(value)
        if len(text) > _CELL_CHARS:  # Excel's limit per cell; the full text: cesuan explain
            text = text[: _CELL_CHARS - len(_CUT)] + _CUT
        c.value = text
        c.data_type = "s"  # never a formula, even when the text starts with '='
        if bold:
            c.font = _BOLD

    def number(self, row: int, col: int, x: exact.Num, fmt: str) -> None:
        c = self.ws.cell(row, col)
        if exact.is_terminating(x):
            d = Decimal(exact.format_exact(x))  # plain decimal text, no exponent
            if len(d.normalize().as_tuple().digits) > _EXCEL_DIGITS:
                raise CesuanError(
                    ErrorKind.MAGNITUDE,
                    f"数值 {d} 超过 Excel 能精确保存的 {_EXCEL_DIGITS} 位有效数字，导出会改变它",
                    file=self.result.case.file,
                    hint="用 cesuan calc --format csv 或 --format json 导出精确值",
                )
            c.value = d
        else:
            f = exact.to_fraction(x)
            c.value = f"={f.numerator}/{f.denominator}"
        c.number_format = fmt

    def formula(self, row: int, col: int, text: str, fmt: str) -> None:
        c = self.ws.cell(row, col)
        c.value = text  # openpyxl stores '=…' as a formula, with no cached value
        c.number_format = fmt

    def header(self, title: str, columns: Sequence[str]) -> None:
        self.text(self.row, 1, title, bold=True)
        self.row += 1
        for i, h in enumerate(columns, 1):
            self.text(self.row, i, h, bold=True)
        self.row += 1

    def write(self) -> None:
        case = self.result.case
        self.text(1, 1, f"{case.title}（{case.case}）", bold=True)
        about = [
            f"预算单位：{case.agency}" if case.agency else "",
            f"预算年度：{case.year}" if case.year else "",
        ]
        self.text(2, 1, "；".join(a for a in about if a) or "测算表")
        self.row = 4
        self.header("一、输入", INPUT_HEADER)
        order = {ln.id: i for i, ln in enumerate(case.lines)}
        lines = sorted(self.result.lines, key=lambda x: order[x.id])
        for r in lines:
            self.inputs(r)
        self.row += 1
        self.header("二、测算", LINE_HEADER)
        first = self.row
        rows = {r.id: first + i for i, r in enumerate(lines)}
        for r in lines:
            # Exact values flow between lines (issue 18): a line that uses another reads its
            # 计算值 (C), not its rounded 金额 (D); a stated-only line has only its 金额.
            col = "D" if r.planned.how == "stated" else "C"
            self.cells[(r.id, "")] = (f"{col}{rows[r.id]}", r.unit)
            if r.planned.stated is not None:
                self.stated_cells[r.id] = (f"F{rows[r.id]}", r.unit)
        basis = {i: text for i, _, text, _ in explain_table(self.result)}
        for r in lines:
            note = rounding_note(self.result, r.id, self.unit_places)
            self.line(r, rows[r.id], basis[r.id] + (note or ""))
        self.row = first + len(lines)
        self.written(lines)
        widths = (24, 28, 14, 14, 14, 14, 16, 60, 36, 18, 16)
        for col, width in zip("ABCDEFGHIJK", widths, strict=True):
            self.ws.column_dimensions[col].width = width

    def inputs(self, r: LineResult) -> None:
        p = r.planned
        ln = p.line
        rows: list[tuple[str, Quantity, str, Input | None]] = [
            (k, q, ln.inputs[k].value or "", ln.inputs[k]) for k, q in p.inputs.items()
        ]
        if p.how == "value" and p.given is not None:
            rows.append(("value", p.given, ln.value or "", None))
        bounded = {k for k, _ in p.bounds} | ({"value"} if p.given_bound else set())
        for name, q, written, spec in rows:
            row = self.row
            percent = "%" in written and q.unit.dimensionless
            places = exact.decimal_places(Decimal(exact.format_exact(q.magnitude)))
            self.text(row, 1, ln.id)
            self.text(row, 2, name if spec is not None else "（给定）")
            self.text(row, 3, (spec.label if spec is not None else ln.label) or "")
            if name in bounded:  # a bound is text: no formula may read it as one number
                self.text(row, 4, written)
            else:
                self.number(
                    row, 4, q.magnitude, _fmt(max(0, places - 2) if percent else places, percent)
                )
            self.text(row, 5, "%" if percent else q.unit.text)
            quotes = spec.quote if spec is not None else ln.quote
            self.text(row, 6, "；".join(quotes))
            cited = p.standards.get(name)  # a library standard: its document and 文号
            source = f"{cited[1].citation()}（标准 {cited[0].id}）" if cited else None
            self.text(row, 7, source or (spec.source if spec is not None else "") or "")
            self.cells[(ln.id, name)] = (f"D{row}", q.unit)
            self.row += 1

    def line(self, r: LineResult, row: int, basis: str) -> None:
        p = r.planned
        ln = p.line
        percent = is_percent(r)
        shown = line_places(r, self.unit_places)
        places = shown if shown is not None else _exact_places(r.value, percent)
        self.text(row, 1, ln.id)
        self.text(row, 2, ln.label)
        self.text(row, 5, "%" if percent else r.unit.text)
        self.text(row, 8, basis)
        exact_fmt = _fmt(_exact_places(r.exact, percent), percent)
        if r.interval is not None:
            # A range (a bound upstream) is written as text, not as a formula giving one value.
            self.text(row, _C, range_text(r.interval, r.unit))
            self.text(row, _D, range_text(r.interval, r.unit))
            if p.formula is not None:
                self.text(row, 9, p.formula.text)
            self.stated(r, row, places, percent)
            return
        if p.formula is not None:
            self.formula(row, _C, self.excel(r, stated=False), exact_fmt)
            self.text(row, 9, p.formula.text)
        elif p.how == "value" and p.given is not None:
            cell, unit = self.cells[(ln.id, "value")]
            self.formula(row, _C, "=" + convert(cell, unit, r.unit), exact_fmt)
            self.text(row, 9, ln.value)
        else:
            self.text(row, _C, "（无测算）")
        if p.how == "stated":
            self.formula(row, _D, f"=F{row}", _fmt(places, percent))
        elif p.rounding is not None:
            n, ru, mode = p.rounding
            self.formula(
                row, _D, line_rounding(f"C{row}", r.unit, n, ru, mode), _fmt(places, percent)
            )
            self.text(row, 10, f"{_MODE_ZH[mode]}保留{n}位小数（{ru.text or '无量纲'}）")
        else:
            self.formula(row, _D, f"=C{row}", _fmt(places, percent))
        if r.over_stated is not None and not any(
            self.result[x].planned.stated_bound for x in p.refs
        ):
            self.formula(
                row,
                _K,
                self.excel(r, stated=True),
                _fmt(_exact_places(r.over_stated, percent), percent),
            )
        self.stated(r, row, places, percent)

    def excel(self, r: LineResult, *, stated: bool) -> str:
        """The line's formula over its input cells and the 计算值 cells of the lines it uses,
        or, with `stated`, their 申报数 cells where they have one (what the audit checks a
        total against: the same formula over the parts as the form states them)."""
        p = r.planned
        assert p.formula is not None
        names = {}
        for n in p.formula.names:
            if n in p.inputs:
                names[n] = self.cells[(p.id, n)]
            else:
                names[n] = (
                    self.stated_cells.get(n, self.cells[(n, "")]) if stated else self.cells[(n, "")]
                )
        return excel_formula(p.formula.tree, names, r.unit, p.formula.conversions)[0]

    def stated(self, r: LineResult, row: int, places: int, percent: bool) -> None:
        """申报数 in the line's unit (a formula when the form writes it in another unit) and
        差额 = 金额 − 申报数, both at the line's display precision."""
        p = r.planned
        if p.stated is None or p.stated_value is None:
            return
        if p.stated_bound is not None or r.interval is not None:
            # A bound, or a range against an amount: the audit judges containment; no 差额.
            b = p.stated_bound
            self.text(row, _F, b.zh() if b is not None else str(p.stated))
            return
        fmt = _fmt(places, percent)
        if p.stated.unit == r.unit:
            self.number(row, _F, p.stated.magnitude, fmt)
        else:
            literal = exact.format_exact(p.stated.magnitude)
            self.formula(row, _F, "=" + convert(literal, p.stated.unit, r.unit), fmt)
        self.formula(row, _G, f"=D{row}-F{row}", fmt)

    def written(self, lines: Sequence[LineResult]) -> None:
        """三、表上算式: each expression the form writes, computed as written, beside the
        result the form writes after it."""
        rows = [(r, w, v) for r in lines for w, v in zip(r.planned.written, r.written, strict=True)]
        if not rows:
            return
        self.row += 1
        self.header("三、表上算式", WRITTEN_HEADER)
        for r, w, v in rows:
            row = self.row
            unit = w.result.unit
            as_written = excel_formula(w.formula.tree, {}, DIMENSIONLESS)[0][1:]
            ours = _exact_places(exact.mul(v, _ratio(w.unit, unit)), False)
            self.text(row, 1, r.id)
            self.text(row, 2, w.expr)
            if w.unit.factor != unit.factor:
                as_written = convert(f"({as_written})", w.unit, unit)
            self.formula(row, 3, "=" + as_written, _fmt(ours))
            self.number(row, 4, w.result.magnitude, _fmt(w.places))
            self.text(row, 5, unit.text)
            self.formula(row, 6, f"=C{row}-D{row}", _fmt(max(ours, w.places)))
            self.text(row, 7, "；".join(w.quotes))
            self.row += 1


def _ratio(frm: Unit, to: Unit) -> exact.Num:
    f = frm.factor / to.factor
    return Decimal(f.numerator) if f.denominator == 1 else f


def build_workbook(
    results: Sequence[Result], unit_places: Mapping[str, int] = UNIT_PLACES
) -> Workbook:
    """A workbook with one sheet per evaluated case, in the order given."""
    wb = Workbook()
    default = wb.active
    used: set[str] = set()
    for res in results:
        ws = wb.create_sheet(_sheet_title(res.case.title, used))
        _Sheet(ws, res, case_places(res, unit_places)).write()
        for row in ws.iter_rows(min_col=8, max_col=8):
            for c in row:
                c.alignment = Alignment(wrap_text=True, vertical="top")
    if default is not None and results:
        wb.remove(default)
    # Tell Excel/WPS to compute every formula on opening: the file carries no cached values.
    wb.calculation.fullCalcOnLoad = True
    return wb


def workbook_bytes(
    results: Sequence[Result], unit_places: Mapping[str, int] = UNIT_PLACES
) -> bytes:
    """The .xlsx file's bytes."""
    buf = io.BytesIO()
    build_workbook(results, unit_places).save(buf)
    return buf.getvalue()
