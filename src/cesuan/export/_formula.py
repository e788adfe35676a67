"""Our formula tree → an Excel formula over worksheet cells, with the compiler's unit rules.

What it does: walks the parsed tree (cesuan.expr.ast) the way cesuan.expr.compiler does — a
name is the magnitude in the unit its cell holds, products and quotients multiply magnitudes and
units, the right side of + − (and every argument of min/max/sum after the first) is converted to
the left side's unit, round/ceil/floor round in their stated unit — and writes each unit
conversion as its exact factor (×10000, /12), so the spreadsheet computes what the engine does.
Declared roundings become ROUND (half away from zero, as exact.round_half_up), and ceil/floor
(toward +∞ / −∞, as exact.ceil_to / floor_to) become ROUNDUP/ROUNDDOWN chosen by the sign,
since Excel's ROUNDUP and ROUNDDOWN round away from / toward zero.
What it must not do: read formula text (only the tree), or evaluate anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from cesuan import exact
from cesuan.conversions import NONE, Conversions
from cesuan.errors import CesuanError, ErrorKind
from cesuan.expr.ast import BinOp, Call, Name, Neg, Node, Number
from cesuan.units import DIMENSIONLESS, Unit

__all__ = ["MAX_EXCEL_FORMULA", "convert", "excel_formula", "line_rounding", "rounded"]

# Excel refuses a formula longer than 8192 characters (its documented specification limits).
MAX_EXCEL_FORMULA = 8192

_ADD, _MUL, _ATOM = 1, 2, 4


@dataclass(frozen=True, slots=True)
class _X:
    """Excel text for a sub-formula, the precedence of its outermost operator, and its unit."""

    text: str
    prec: int
    unit: Unit


def _wrap(x: _X, prec: int) -> str:
    return f"({x.text})" if x.prec < prec else x.text


def _factor(f: Fraction) -> str:
    """'*p/q', '*p' or '/q': the exact factor as Excel operations on integers."""
    out = f"*{f.numerator}" if f.numerator != 1 else ""
    return out + (f"/{f.denominator}" if f.denominator != 1 else "")


def _convert(x: _X, to: Unit, conv: Conversions = NONE) -> _X:
    # A case's declared conversion (1 学期 = 0.5 年) where the dimensions differ, as in expr.check.
    rel = conv.relate(x.unit, to) if x.unit.dims != to.dims else None
    f = rel[0] if rel is not None else x.unit.factor / to.factor
    if f == 1:
        return _X(x.text, x.prec, to)
    # (x)*p/q, evaluated left to right: the factor's integers never become a rounded decimal.
    return _X(_wrap(x, _MUL) + _factor(f), _MUL, to)


def convert(text: str, frm: Unit, to: Unit) -> str:
    """Excel text for an operand `text` (a cell or a literal) in `frm`, expressed in `to`.

    >>> from cesuan.units import parse_unit
    >>> convert("D5", parse_unit("元"), parse_unit("万元")), convert("D6", parse_unit("年"), parse_unit("月"))
    ('D5/10000', 'D6*12')
    """
    return _convert(_X(text, _ATOM, frm), to).text


def rounded(text: str, places: int, mode: str) -> str:
    """Excel text rounding `text` (any expression: as a function argument or beside `<`, it
    needs no parentheses, comparison binding loosest) as declared.

    >>> rounded("C7", 2, "half_up"), rounded("C7", 0, "ceil")
    ('ROUND(C7,2)', 'IF(C7<0,ROUNDDOWN(C7,0),ROUNDUP(C7,0))')
    """
    if mode == "half_up":
        return f"ROUND({text},{places})"
    # ceil → toward +∞: away from zero above zero, toward zero below it; floor the reverse.
    up, down = ("ROUNDUP", "ROUNDDOWN") if mode == "ceil" else ("ROUNDDOWN", "ROUNDUP")
    return f"IF({text}<0,{down}({text},{places}),{up}({text},{places}))"


def line_rounding(cell: str, unit: Unit, places: int, in_unit: Unit, mode: str) -> str:
    """'=…' rounding a line's value (`cell`, in `unit`) as the line declares: to `places` in
    `in_unit`, then back to `unit` (as cesuan.plan does it: convert, round, convert back).

    >>> from cesuan.units import parse_unit
    >>> line_rounding("C9", parse_unit("元"), 2, parse_unit("万元"), "half_up")
    '=ROUND(C9/10000,2)*10000'
    """
    x = _convert(_X(cell, _ATOM, unit), in_unit)
    r = _X(rounded(x.text, places, mode), _ATOM, in_unit)
    return "=" + _convert(r, unit).text


class _Writer:
    def __init__(self, cells: Mapping[str, tuple[str, Unit]], conv: Conversions) -> None:
        self.cells = cells
        self.conv = conv

    def node(self, n: Node) -> _X:
        if isinstance(n, Number):
            return _X(exact.format_exact(n.value), _ATOM, n.unit or DIMENSIONLESS)
        if isinstance(n, Name):
            ref, unit = self.cells[n.id]
            return _X(ref, _ATOM, unit)
        if isinstance(n, Neg):
            x = self.node(n.operand)
            # Parenthesised as a whole: Excel's unary minus binds tighter than * and ^.
            return _X(f"(-{_wrap(x, _ATOM)})", _ATOM, x.unit)
        if isinstance(n, BinOp):
            return self.binop(n)
        return self.call(n)

    def binop(self, n: BinOp) -> _X:
        a, b = self.node(n.left), self.node(n.right)
        if n.op in "+-":
            b = _convert(b, a.unit, self.conv)  # the compiler adds in the left side's unit
            return _X(f"{_wrap(a, _ADD)}{n.op}{_wrap(b, _ADD + 1)}", _ADD, a.unit)
        unit = a.unit * b.unit if n.op == "*" else a.unit / b.unit
        return _X(f"{_wrap(a, _MUL)}{n.op}{_wrap(b, _MUL + 1)}", _MUL, unit)

    def call(self, n: Call) -> _X:
        args = [self.node(a) for a in n.args]
        if n.func in ("min", "max", "sum"):
            first = args[0].unit
            inner = ",".join(_convert(a, first, self.conv).text for a in args)
            return _X(f"{n.func.upper()}({inner})", _ATOM, first)
        target = n.unit or DIMENSIONLESS
        x = _convert(args[0], target, self.conv)
        mode = {"round": "half_up", "ceil": "ceil", "floor": "floor"}[n.func]
        return _X(rounded(x.text, n.places or 0, mode), _ATOM, target)


def excel_formula(
    tree: Node, cells: Mapping[str, tuple[str, Unit]], out: Unit, conv: Conversions = NONE
) -> tuple[str, Unit]:
    """'=…' for `tree`, its result in `out`, and the formula's natural unit.

    Args:
        tree: a parsed (and already compiled, so checked) formula.
        cells: for each name, the cell holding its magnitude and the unit of that magnitude.
        out: the unit the line's result is written in.
        conv: the case's declared conversions the formula was checked with.

    Raises:
        CesuanError: size_limit when the formula would be longer than Excel accepts.

    >>> from cesuan.expr.parser import parse_formula
    >>> from cesuan.units import parse_unit
    >>> u = parse_unit
    >>> excel_formula(parse_formula("area * rate * 12 月"),
    ...     {"area": ("D5", u("平方米")), "rate": ("D6", u("元/(平方米·月)"))}, u("万元"))[0]
    '=D5*D6*12/10000'
    """
    x = _Writer(cells, conv).node(tree)
    natural = x.unit
    if out.dims == natural.dims or conv.relate(natural, out) is not None:
        x = _convert(x, out, conv)
    text = "=" + x.text
    if len(text) > MAX_EXCEL_FORMULA:
        raise CesuanError(
            ErrorKind.SIZE_LIMIT,
            f"公式写成 Excel 公式有 {len(text)} 个字符，超过 Excel 的上限 {MAX_EXCEL_FORMULA}",
            hint="把公式拆成几行，由合计行引用",
        )
    return text, natural
