"""Dimension check once, then a closure that evaluates exactly on root magnitudes.

What it does: walks a parsed tree with the units of its names, refuses dimensionally
inconsistent formulas (元 + 平方米) naming both sides, infers the result's natural unit
(平方米 × 元/(平方米·月) × 月 → 元), and builds a closure over exact Decimal/Fraction arithmetic in
root units, so that evaluation never touches pint.
What it must not do: resolve names beyond the mapping it is given, format output, or round
anything a formula did not ask to round.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from cesuan import exact
from cesuan.errors import CesuanError, ErrorKind
from cesuan.expr.ast import BinOp, Call, Name, Neg, Node, Number, names, unparse
from cesuan.units import DIMENSIONLESS, Unit

__all__ = ["Compiled", "compile_formula", "suggest_name"]

Env = Mapping[str, exact.Num]
Fn = Callable[[Env], exact.Num]


@dataclass(frozen=True, slots=True, eq=False)
class Compiled:
    """A checked formula: call it with root magnitudes of its names, get the root result."""

    tree: Node
    text: str
    unit: Unit  # the natural unit of the result
    names: tuple[str, ...]
    fn: Fn

    def __call__(self, env: Env) -> exact.Num:
        return self.fn(env)


def suggest_name(name: str, known: list[str]) -> str | None:
    """The nearest known name, for '是否为 …？' hints."""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return close[0] if close else None


def _as_num(f: Fraction) -> exact.Num:
    return Decimal(f.numerator) if f.denominator == 1 else f


class _Compiler:
    def __init__(self, text: str, units: Mapping[str, Unit]) -> None:
        self.text = text
        self.units = units

    def err(self, kind: ErrorKind, msg: str, pos: int, hint: str | None = None) -> CesuanError:
        return CesuanError(kind, msg, text=self.text, column=pos, hint=hint)

    def build(self, node: Node) -> tuple[Fn, Unit]:
        if isinstance(node, Number):
            unit = node.unit or DIMENSIONLESS
            const = exact.mul(node.value, _as_num(unit.factor))
            return (lambda env: const), unit
        if isinstance(node, Name):
            key = node.id
            if key not in self.units:
                s = suggest_name(key, sorted(self.units))
                raise self.err(
                    ErrorKind.UNKNOWN_NAME,
                    f"未知变量 '{key}'",
                    node.pos,
                    hint=f"是否为 '{s}'？" if s else "变量须是本行的 inputs 或其他明细的 id",
                )
            return (lambda env: env[key]), self.units[key]
        if isinstance(node, Neg):
            f, u = self.build(node.operand)
            return (lambda env: exact.neg(f(env))), u
        if isinstance(node, BinOp):
            return self.binop(node)
        return self.call(node)

    def binop(self, node: BinOp) -> tuple[Fn, Unit]:
        lf, lu = self.build(node.left)
        rf, ru = self.build(node.right)
        op = node.op
        if op in "+-":
            if lu.dims != ru.dims:
                raise self.err(
                    ErrorKind.DIMENSION_MISMATCH,
                    f"量纲不一致：{lu.text or '无量纲'} {op} {ru.text or '无量纲'}",
                    node.pos,
                    hint=f"加减的两边须量纲相同（{lu.dims_text()} 与 {ru.dims_text()}）；"
                    "计数单位各自独立，换算须写成输入，如 1 条/件",
                )
            f = exact.add if op == "+" else exact.sub
            return (lambda env: f(lf(env), rf(env))), lu
        if op == "*":
            return (lambda env: exact.mul(lf(env), rf(env))), lu * ru
        text, pos = self.text, node.pos

        def divide(env: Env) -> exact.Num:
            d = rf(env)
            if not d:
                raise CesuanError(
                    ErrorKind.DIVISION_BY_ZERO,
                    "除数为零",
                    text=text,
                    column=pos,
                    hint=f"'{unparse(node.right)}' 的值为 0",
                )
            return exact.div(lf(env), d)

        return divide, lu / ru

    def call(self, node: Call) -> tuple[Fn, Unit]:
        built = [self.build(a) for a in node.args]
        first_unit = built[0][1]
        if node.func in ("min", "max", "sum"):
            for (_, u), a in zip(built[1:], node.args[1:], strict=True):
                if u.dims != first_unit.dims:
                    raise self.err(
                        ErrorKind.DIMENSION_MISMATCH,
                        f"{node.func} 的参数量纲不一致：{first_unit.text or '无量纲'}"
                        f" 与 {u.text or '无量纲'}",
                        getattr(a, "pos", node.pos),
                    )
            fns = [f for f, _ in built]
            if node.func == "sum":

                def total(env: Env) -> exact.Num:
                    acc = fns[0](env)
                    for g in fns[1:]:
                        acc = exact.add(acc, g(env))
                    return acc

                return total, first_unit
            pick = max if node.func == "max" else min
            return (lambda env: pick((g(env) for g in fns), key=exact.to_fraction)), first_unit
        # round / ceil / floor: one value, in a stated unit unless it is dimensionless.
        if len(built) != 1:
            raise self.err(ErrorKind.FORMULA_SYNTAX, f"{node.func} 只取一个数值参数", node.pos)
        f, u = built[0]
        target = node.unit
        if target is None:
            if not u.dimensionless:
                raise self.err(
                    ErrorKind.DIMENSION_MISMATCH,
                    f"{node.func} 的参数带单位 {u.text}，须指明按哪个单位取整",
                    node.pos,
                    hint=f"如 {node.func}(x, "
                    + ("2, " if node.func == "round" else "")
                    + f"{u.text})",
                )
            target = DIMENSIONLESS
        elif target.dims != u.dims:
            raise self.err(
                ErrorKind.DIMENSION_MISMATCH,
                f"{node.func} 的单位 {target.text} 与参数的单位 {u.text} 量纲不同",
                node.pos,
            )
        factor = _as_num(target.factor)
        places = node.places or 0
        how = {"round": exact.round_half_up, "ceil": exact.ceil_to, "floor": exact.floor_to}
        r = how[node.func]
        return (lambda env: exact.mul(r(exact.div(f(env), factor), places), factor)), target


def compile_formula(tree: Node, units: Mapping[str, Unit], *, text: str | None = None) -> Compiled:
    """Check `tree` against the units of its names and compile it.

    Args:
        tree: a parsed formula.
        units: the unit of every name the formula may use.
        text: the formula as written, for error messages (defaults to the unparsed tree).

    Raises:
        CesuanError: unknown_name (with the nearest name), dimension_mismatch, …

    >>> from cesuan.expr.parser import parse_formula
    >>> from cesuan.units import parse_unit
    >>> c = compile_formula(parse_formula("area * rate * 12 月"),
    ...     {"area": parse_unit("平方米"), "rate": parse_unit("元/(平方米·月)")})
    >>> c.unit.text
    '元'
    """
    t = text if text is not None else unparse(tree)
    fn, unit = _Compiler(t, units).build(tree)
    return Compiled(tree, t, unit, names(tree), fn)
