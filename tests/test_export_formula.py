"""The Excel formulas the exporter writes compute what the engine computes, for any formula tree.

The oracle is a small evaluator of the Excel subset the exporter emits, written here from
Excel's documented semantics (ROUND half away from zero, ROUNDUP away from zero, ROUNDDOWN
toward zero, unary minus binding tighter than * and /), on exact fractions. Random trees of every
node kind (tests/strategies.py) are turned into Excel text and evaluated by it; the result must
equal the engine's exactly. The LibreOffice test (test_export_xlsx.py) pins the same semantics
on a real spreadsheet program.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cesuan.errors import CesuanError
from cesuan.export._formula import excel_formula, rounded
from cesuan.expr.ast import Node, names
from cesuan.expr.compiler import compile_formula
from cesuan.expr.parser import parse_formula
from cesuan.units import Unit, parse_unit
from tests.strategies import formula_trees

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|([A-Z]+\d+)|([A-Z]+)\(|(.))")


def _round_away(x: Fraction, n: int, *, half: bool, up: bool) -> Fraction:
    """Excel's rounding of x to n places: half → ROUND, else up → ROUNDUP, else ROUNDDOWN."""
    scale = Fraction(10) ** n
    m = abs(x) * scale
    whole = m.numerator // m.denominator
    rest = m - whole
    if (half and rest >= Fraction(1, 2)) or (not half and up and rest > 0):
        whole += 1
    return (whole if x >= 0 else -whole) / scale


_FUNCS: dict[str, Callable[..., Fraction]] = {
    "ROUND": lambda x, n: _round_away(x, int(n), half=True, up=False),
    "ROUNDUP": lambda x, n: _round_away(x, int(n), half=False, up=True),
    "ROUNDDOWN": lambda x, n: _round_away(x, int(n), half=False, up=False),
    "IF": lambda c, a, b: a if c else b,
    "MIN": lambda *a: min(a),
    "MAX": lambda *a: max(a),
    "SUM": lambda *a: sum(a, Fraction(0)),
}


class _Excel:
    """comparison := additive ['<' additive]; additive := term (('+'|'-') term)*;
    term := unary (('*'|'/') unary)*; unary := '-' unary | primary."""

    def __init__(self, text: str, cells: Mapping[str, Fraction]) -> None:
        self.tokens = [m.groups() for m in _TOKEN.finditer(text)]
        self.i = 0
        self.cells = cells

    def peek(self) -> str | None:
        return self.tokens[self.i][3] if self.i < len(self.tokens) else None

    def take(self, op: str) -> bool:
        if self.peek() == op:
            self.i += 1
            return True
        return False

    def comparison(self) -> Fraction:
        a = self.additive()
        if self.take("<"):
            return Fraction(int(a < self.additive()))
        return a

    def additive(self) -> Fraction:
        return self.left_to_right("+-", self.term)

    def term(self) -> Fraction:
        return self.left_to_right("*/", self.unary)

    def left_to_right(self, ops: str, operand: Callable[[], Fraction]) -> Fraction:
        a = operand()
        while (op := self.peek()) is not None and op in ops:
            self.i += 1
            b = operand()
            if op == "/" and b == 0:
                raise ZeroDivisionError
            a = {"+": a + b, "-": a - b, "*": a * b}[op] if op != "/" else a / b
        return a

    def unary(self) -> Fraction:
        if self.take("-"):
            return -self.unary()
        number, ref, func, op = self.tokens[self.i]
        self.i += 1
        if number is not None:
            return Fraction(Decimal(number))
        if ref is not None:
            return self.cells[ref]
        if func is not None:
            args = [self.comparison()]
            while self.take(","):
                args.append(self.comparison())
            assert self.take(")")
            return _FUNCS[func](*args)
        assert op == "("
        x = self.comparison()
        assert self.take(")")
        return x


def excel_value(text: str, cells: Mapping[str, Fraction]) -> Fraction:
    assert text.startswith("=")
    p = _Excel(text[1:], cells)
    x = p.comparison()
    assert p.i == len(p.tokens), text
    return x


NAMES = ["a", "b", "c"]
UNITS = ["元", "万元", "元/月", "年"]


@settings(max_examples=300, deadline=None)
@given(
    formula_trees(names=NAMES, with_units=True, max_leaves=8),
    st.lists(st.sampled_from(UNITS), min_size=3, max_size=3),
    st.lists(st.decimals(-1000, 1000, places=2, allow_nan=False), min_size=3, max_size=3),
)
def test_excel_formula_computes_what_the_engine_computes(
    tree: Node, unit_texts: list[str], values: list[Decimal]
) -> None:
    units = {n: parse_unit(u) for n, u in zip(NAMES, unit_texts, strict=True)}
    try:
        natural = compile_formula(tree, units).unit
    except CesuanError:
        assume(False)  # not a valid formula (元 + 年, round of a 元 amount with no unit, …)
        return
    # The line's unit: the natural one, or 万元 for an amount in 元 (a conversion at the top).
    out: Unit = parse_unit("万元") if natural.dims == parse_unit("元").dims else natural
    compiled = compile_formula(tree, units, out=out)
    env = dict(zip(NAMES, values, strict=True))
    try:
        want = Fraction(compiled.fn(env))
    except (CesuanError, ZeroDivisionError):
        assume(False)
        return
    cells = {f"D{i}": Fraction(v) for i, v in enumerate(values, 1)}
    refs = {n: (f"D{i}", units[n]) for i, n in enumerate(NAMES, 1) if n in names(tree)}
    text, unit = excel_formula(tree, refs, out)
    assert unit.dims == natural.dims
    assert unit.factor == natural.factor
    try:
        got = excel_value(text, cells)
    except ZeroDivisionError:
        assume(False)
        return
    assert got == want, text


@pytest.mark.parametrize(
    ("formula", "text"),
    [
        ("a - (b - c)", "=D1-(D2-D3)"),
        ("a / (b * c)", "=D1/(D2*D3)"),
        ("-a * b", "=(-D1)*D2"),
        ("-(a + b)", "=(-(D1+D2))"),
        ("a + b * c", "=D1+D2*D3"),
    ],
)
def test_parentheses_only_where_precedence_needs_them(formula: str, text: str) -> None:
    one = parse_unit("")
    cells = {n: (f"D{i}", one) for i, n in enumerate(NAMES, 1)}
    assert excel_formula(parse_formula(formula), cells, one)[0] == text


@pytest.mark.parametrize(
    ("mode", "x", "want"),
    [
        # Hand-worked at 0 places: half-up away from zero; ceil toward +∞; floor toward −∞.
        ("half_up", "-2.5", "-3"),
        ("half_up", "2.5", "3"),
        ("ceil", "-2.5", "-2"),
        ("ceil", "2.1", "3"),
        ("floor", "-2.1", "-3"),
        ("floor", "2.9", "2"),
    ],
)
def test_rounding_modes_in_excel_terms(mode: str, x: str, want: str) -> None:
    assert excel_value("=" + rounded("D1", 0, mode), {"D1": Fraction(Decimal(x))}) == int(want)
