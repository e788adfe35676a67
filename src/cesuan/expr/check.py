"""Unit inference: a parsed formula and the units of its names → a typed tree.

What it does: walks a parsed tree with the unit of every name it may use, refuses dimensionally
inconsistent formulas (元 + 平方米) naming both sides, and returns the same calculation as a
typed tree: every node carries its unit, and wherever the formula adds, compares or rounds
values written in different units of one dimension (万元 + 元, round(x, 2, 万元)) an explicit
`Conv` node multiplies by the exact conversion factor. Evaluating a typed tree needs no unit
knowledge: `cesuan.expr.reference` (the exact oracle) and `cesuan.expr.compiler` (the fast back
end) both walk it. Every dimension error of the formula language is raised here and nowhere
else, so both evaluators agree on which formulas exist.
What it must not do: evaluate, resolve names beyond the mapping given, or round anything the
formula does not ask to round. The typed tree is plain frozen data (it pickles).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from cesuan.conversions import NONE, Conversions, Declared, mismatch_hint, undeclared_hint
from cesuan.errors import CesuanError, ErrorKind, suggest
from cesuan.expr.ast import BinOp, Call, Name, Neg, Node, Number, names, unparse
from cesuan.units import DIMENSIONLESS, Unit

__all__ = ["Checked", "TBin", "TCall", "TConv", "TName", "TNeg", "TNumber", "Typed", "check"]


@dataclass(frozen=True, slots=True)
class TNumber:
    value: Decimal
    unit: Unit


@dataclass(frozen=True, slots=True)
class TName:
    id: str
    unit: Unit


@dataclass(frozen=True, slots=True)
class TNeg:
    operand: Typed
    unit: Unit


@dataclass(frozen=True, slots=True)
class TBin:
    """left op right. For + and − both sides are in `unit` already (a `Conv` where needed).
    `pos` and `divisor` (the divisor as written) are for the 除数为零 message of a division."""

    op: str
    left: Typed
    right: Typed
    unit: Unit
    pos: int = 0
    divisor: str = ""


@dataclass(frozen=True, slots=True)
class TConv:
    """The operand's magnitude times `factor` (exact): the same amount, now in `unit`."""

    operand: Typed
    factor: Fraction
    unit: Unit


@dataclass(frozen=True, slots=True)
class TCall:
    """round/ceil/floor of one argument already in the unit rounded in (`unit`), to `places`;
    or min/max/sum of arguments all in the first argument's unit."""

    func: str
    args: tuple[Typed, ...]
    places: int
    unit: Unit


Typed = TNumber | TName | TNeg | TBin | TConv | TCall


@dataclass(frozen=True, slots=True)
class Checked:
    """A formula that passed the dimension check: its tree, its text, its natural result unit,
    the names it uses (first use first), the unit of each, and the typed tree. `conversions`
    are the case's declared conversions it was checked with, `declared` those it used."""

    tree: Node
    text: str
    unit: Unit
    names: tuple[str, ...]
    units: tuple[tuple[str, Unit], ...]
    typed: Typed
    conversions: Conversions = NONE
    declared: tuple[Declared, ...] = ()

    def reaches(self, out: Unit) -> bool:
        """Whether the result can be given in `out`: the same dimension, or one the case's
        declared conversions lead to."""
        return out.dims == self.unit.dims or self.conversions.relate(self.unit, out) is not None

    def factor_to(self, out: Unit) -> Fraction:
        """The exact factor from the natural unit to `out` (which it `reaches`)."""
        rel = self.conversions.relate(self.unit, out)
        return rel[0] if rel is not None else self.unit.factor_to(out)

    def declared_in(self, out: Unit) -> tuple[Declared, ...]:
        """The declared conversions the result in `out` rests on, in the case's order."""
        rel = self.conversions.relate(self.unit, out)
        extra = rel[1] if rel is not None else ()
        return tuple(sorted({*self.declared, *extra}, key=lambda d: d.index))

    def typed_in(self, out: Unit | None) -> Typed:
        """The typed tree giving its result in `out` (when it `reaches` it)."""
        if out is None or not self.reaches(out):
            return self.typed
        if out.dims != self.unit.dims:
            return TConv(self.typed, self.factor_to(out), out)
        return convert(self.typed, out)


def convert(t: Typed, to: Unit) -> Typed:
    """`t` expressed in `to` (same dimension): itself when the factor is 1."""
    factor = t.unit.factor_to(to)
    return t if factor == 1 else TConv(t, factor, to)


def _no(u: Unit) -> str:
    return u.text or "无量纲"


class _Checker:
    def __init__(self, text: str, units: Mapping[str, Unit], conv: Conversions) -> None:
        self.text = text
        self.units = units
        self.conv = conv
        self.used: set[Declared] = set()

    def same(self, t: Typed, to: Unit) -> Typed | None:
        """`t` in `to`: by its fixed factor, or by the case's declared conversions (recorded as
        used); None when neither joins them."""
        if t.unit.dims == to.dims:
            return convert(t, to)
        rel = self.conv.relate(t.unit, to)
        if rel is None:
            return None
        self.used.update(rel[1])
        return TConv(t, rel[0], to)

    def err(self, kind: ErrorKind, msg: str, pos: int, hint: str | None = None) -> CesuanError:
        return CesuanError(kind, msg, text=self.text, column=pos, hint=hint)

    def node(self, n: Node) -> Typed:
        if isinstance(n, Number):
            return TNumber(n.value, n.unit or DIMENSIONLESS)
        if isinstance(n, Name):
            if n.id not in self.units:
                s = suggest(n.id, self.units)
                raise self.err(
                    ErrorKind.UNKNOWN_NAME,
                    f"未知变量 '{n.id}'",
                    n.pos,
                    hint=f"是否为 '{s}'？" if s else "变量须是本行的 inputs 或其他明细的 id",
                )
            return TName(n.id, self.units[n.id])
        if isinstance(n, Neg):
            o = self.node(n.operand)
            return TNeg(o, o.unit)
        if isinstance(n, BinOp):
            return self.binop(n)
        return self.call(n)

    def binop(self, n: BinOp) -> Typed:
        a = self.node(n.left)
        b = self.node(n.right)
        if n.op == "*":
            return TBin("*", a, b, a.unit * b.unit)
        if n.op == "/":
            return TBin("/", a, b, a.unit / b.unit, n.pos, unparse(n.right))
        # 万元 + 元: the right side in the left side's unit, by a factor known now.
        right = self.same(b, a.unit)
        if right is None:
            raise self.err(
                ErrorKind.DIMENSION_MISMATCH,
                f"量纲不一致：{_no(a.unit)} {n.op} {_no(b.unit)}",
                n.pos,
                hint=mismatch_hint(a.unit, b.unit),
            )
        return TBin(n.op, a, right, a.unit)

    def call(self, n: Call) -> Typed:
        args = [self.node(a) for a in n.args]
        first = args[0].unit
        if n.func in ("min", "max", "sum"):
            same = [args[0]]
            for t, a in zip(args[1:], n.args[1:], strict=True):
                s = self.same(t, first)
                if s is None:
                    raise self.err(
                        ErrorKind.DIMENSION_MISMATCH,
                        f"{n.func} 的参数量纲不一致：{_no(first)} 与 {_no(t.unit)}",
                        getattr(a, "pos", n.pos),
                        hint=mismatch_hint(first, t.unit),
                    )
                same.append(s)
            return TCall(n.func, tuple(same), 0, first)
        # round / ceil / floor: one value, in a stated unit unless it is dimensionless.
        if len(args) != 1:
            raise self.err(ErrorKind.FORMULA_SYNTAX, f"{n.func} 只取一个数值参数", n.pos)
        target = n.unit
        if target is None:
            if not first.dimensionless:
                places = "2, " if n.func == "round" else ""
                raise self.err(
                    ErrorKind.DIMENSION_MISMATCH,
                    f"{n.func} 的参数带单位 {first.text}，须指明按哪个单位取整",
                    n.pos,
                    hint=f"如 {n.func}(x, {places}{first.text})",
                )
            target = DIMENSIONLESS
        arg = self.same(args[0], target)
        if arg is None:
            raise self.err(
                ErrorKind.DIMENSION_MISMATCH,
                f"{n.func} 的单位 {target.text} 与参数的单位 {first.text} 量纲不同",
                n.pos,
                hint=undeclared_hint(first, target),
            )
        return TCall(n.func, (arg,), n.places or 0, target)


def check(
    tree: Node, units: Mapping[str, Unit], *, text: str | None = None, conv: Conversions = NONE
) -> Checked:
    """Check `tree` against the units of its names; the typed tree and natural unit. Units
    that differ only by the case's declared conversions (`conv`) meet through a `TConv` with
    the declared exact factor, and the declarations used are recorded.

    Raises:
        CesuanError: unknown_name (with the nearest name), dimension_mismatch, formula_syntax.

    >>> from cesuan.expr.parser import parse_formula
    >>> from cesuan.units import parse_unit
    >>> c = check(parse_formula("a + b"), {"a": parse_unit("万元"), "b": parse_unit("元")})
    >>> c.unit.text, c.typed.right.factor
    ('万元', Fraction(1, 10000))
    """
    t = text if text is not None else unparse(tree)
    checker = _Checker(t, units, conv)
    typed = checker.node(tree)
    used = names(tree)
    declared = tuple(sorted(checker.used, key=lambda d: d.index))
    units_used = tuple((k, units[k]) for k in used)
    return Checked(tree, t, typed.unit, used, units_used, typed, conv, declared)
