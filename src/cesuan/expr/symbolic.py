"""The symbolic bridge: a parsed formula as a sympy expression, for rendering and solving.

What it does: builds sympy objects node by node from our own tree (never from text), renders
LaTeX, and solves a formula for one unknown input exactly.
What it must not do: call sympify/parse_expr/lambdify or anything else that reads text, or be
imported by `import cesuan`: sympy is heavy, so it is imported here, inside the functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from cesuan import exact
from cesuan.errors import CesuanError, ErrorKind
from cesuan.expr.ast import BinOp, Name, Neg, Node, Number
from cesuan.expr.check import TBin, TCall, TConv, TName, TNeg, TNumber, Typed
from cesuan.expr.compiler import compile_formula
from cesuan.expr.parser import parse_formula
from cesuan.quantity import Quantity, parse_quantity
from cesuan.units import Unit, parse_unit

__all__ = ["solve_for", "to_latex", "to_sympy", "typed_to_sympy"]


def _rational(x: Decimal | Fraction) -> Any:
    import sympy

    f = exact.to_fraction(x)
    return sympy.Rational(f.numerator, f.denominator)


def to_sympy(tree: Node, *, units: bool = True, roots: bool = False) -> Any:
    """The tree as a sympy expression. Names become Symbols; with `units`, a number's unit is a
    Symbol too (`12 月` → 12·月); with `roots`, numbers are in root units instead (12 月 → 1)."""
    import sympy

    def build(n: Node) -> Any:
        if isinstance(n, Number):
            if roots:
                return _rational(n.value) * _rational(n.unit.factor if n.unit else Fraction(1))
            value = _rational(n.value)
            if units and n.unit is not None and n.unit.terms:
                for name, e in n.unit.terms:
                    value = value * sympy.Symbol(name, positive=True) ** e
            return value
        if isinstance(n, Name):
            return sympy.Symbol(n.id)
        if isinstance(n, Neg):
            return -build(n.operand)
        if isinstance(n, BinOp):
            a, b = build(n.left), build(n.right)
            if n.op == "+":
                return a + b
            if n.op == "-":
                return a - b
            return a * b if n.op == "*" else a / b
        args = [build(a) for a in n.args]
        if n.func == "sum":
            return sympy.Add(*args)
        if n.func in ("min", "max"):
            return (sympy.Min if n.func == "min" else sympy.Max)(*args)
        if n.func == "ceil":
            return sympy.ceiling(args[0])
        if n.func == "floor":
            return sympy.floor(args[0])
        return sympy.Function("round")(args[0], n.places or 0)

    return build(tree)


def typed_to_sympy(t: Typed) -> Any:
    """A checked formula's typed tree as a sympy expression over the magnitudes of its names in
    their own units, with every conversion the check put in (万元 → 元, and a case's declared
    1 生 = 1 人 or 1 学期 = 0.5 年) as its exact factor: the same arithmetic as the reference
    interpreter, so solving it answers in each input's own unit.

    >>> from cesuan.expr.check import check
    >>> from cesuan.expr.parser import parse_formula
    >>> c = check(parse_formula("a + b"), {"a": parse_unit("万元"), "b": parse_unit("元")})
    >>> typed_to_sympy(c.typed)
    a + b/10000
    """
    import sympy

    if isinstance(t, TNumber):
        return _rational(t.value)
    if isinstance(t, TName):
        return sympy.Symbol(t.id)
    if isinstance(t, TNeg):
        return -typed_to_sympy(t.operand)
    if isinstance(t, TConv):
        return typed_to_sympy(t.operand) * _rational(t.factor)
    if isinstance(t, TBin):
        a, b = typed_to_sympy(t.left), typed_to_sympy(t.right)
        if t.op in "+-":
            return a + b if t.op == "+" else a - b
        return a * b if t.op == "*" else a / b
    args = [typed_to_sympy(a) for a in t.args]
    return _call(t, args)


def _call(t: TCall, args: list[Any]) -> Any:
    import sympy

    if t.func == "sum":
        return sympy.Add(*args)
    if t.func in ("min", "max"):
        return (sympy.Min if t.func == "min" else sympy.Max)(*args)
    if t.func == "ceil":
        return sympy.ceiling(args[0] * 10**t.places) / 10**t.places
    if t.func == "floor":
        return sympy.floor(args[0] * 10**t.places) / 10**t.places
    return sympy.Function("round")(args[0], t.places)


def to_latex(text: str) -> str:
    """LaTeX of a formula, e.g. for a report.

    >>> to_latex("area * rate * 12 月")
    '12 area rate 月'
    """
    import sympy

    return str(sympy.latex(to_sympy(parse_formula(text))))


def solve_for(
    text: str,
    unknown: str,
    target: str | Quantity,
    inputs: Mapping[str, str | Quantity],
    unit: str | Unit,
) -> Quantity:
    """The value of input `unknown` (in `unit`) that makes formula `text` equal `target`.

    Raises CesuanError when the units do not fit or there is not exactly one solution.

    >>> str(solve_for("area * rate * 12 月", "area", "502.1604 万元",
    ...               {"rate": "50 元/(平方米·月)"}, "平方米"))
    '8369.34 平方米'
    """
    import sympy

    u = parse_unit(unit) if isinstance(unit, str) else unit
    t = parse_quantity(target) if isinstance(target, str) else target
    qs = {k: v if isinstance(v, Quantity) else parse_quantity(v) for k, v in inputs.items()}
    tree = parse_formula(text)
    compiled = compile_formula(tree, {**{k: q.unit for k, q in qs.items()}, unknown: u}, text=text)
    if compiled.unit.dims != t.unit.dims:
        raise CesuanError(
            ErrorKind.DIMENSION_MISMATCH,
            f"公式结果的单位 {compiled.unit.text} 与目标 {t.unit.text} 量纲不同",
        )
    expr = to_sympy(tree, units=False, roots=True)
    subs = {sympy.Symbol(k): _rational(q.root()) for k, q in qs.items()}
    x = sympy.Symbol(unknown)
    solutions = sympy.solve(sympy.Eq(expr.subs(subs), _rational(t.root())), x)
    if len(solutions) != 1 or not solutions[0].is_Rational:
        raise CesuanError(
            ErrorKind.FORMULA_SYNTAX, f"无法唯一解出 {unknown}", hint=f"得到的解：{solutions}"
        )
    root = Fraction(int(solutions[0].p), int(solutions[0].q))
    value = exact.div(
        Decimal(root.numerator) if root.denominator == 1 else root,
        Decimal(u.factor.numerator) if u.factor.denominator == 1 else u.factor,
    )
    return Quantity(value, u)
