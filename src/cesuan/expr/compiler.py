"""The fast back end: a checked formula's typed tree → one closure over exact magnitudes.

What it does: compiles the typed tree that unit inference (cesuan.expr.check) made into a
closure that evaluates exactly on magnitudes as written, so that evaluation never touches pint
or units: products and quotients of magnitudes are already in the product of the written units,
and every conversion (the right side of 万元 + 元, the argument of round(x, 2, 万元), the result
into the line's unit) is a `TConv` node whose exact factor is applied here. A conversion of a
product becomes one more constant of it; a conversion of a sum is pushed into its terms; chains
of + − or × are one closure (cesuan.expr._fast) — so a line of plain 平方米 × 元/(平方米·月) × 月
runs on Decimals only. Calling a `Compiled` itself works on root magnitudes (元, 米, 年, …).
What it must not do: check units (check does), resolve names beyond the mapping it is given,
format output, or round anything a formula did not ask to round. It must give exactly what the
reference interpreter (cesuan.expr.reference) gives: tests/test_reference.py checks that.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from cesuan import exact
from cesuan.errors import CesuanError, ErrorKind
from cesuan.expr import _fast
from cesuan.expr._fast import Env, Fn, Op, Op2
from cesuan.expr.ast import Node
from cesuan.expr.check import Checked, TBin, TCall, TConv, TName, TNeg, TNumber, Typed, check
from cesuan.units import Unit

__all__ = ["Compiled", "compile_checked", "compile_formula"]


@dataclass(frozen=True, slots=True, eq=False)
class Compiled:
    """A checked formula and its closure.

    `fn(env)` takes each name's magnitude in the unit it was compiled with and returns the
    result's magnitude in `out` (the natural `unit` unless compiled for another unit of the same
    dimension); calling the Compiled itself takes and returns root magnitudes. A Compiled lives
    on the evaluation side: it holds a closure, so it is rebuilt, never pickled.
    """

    checked: Checked
    fn: Fn
    out: Unit | None = None  # the unit `fn` gives its result in, when not `unit`

    @property
    def tree(self) -> Node:
        return self.checked.tree

    @property
    def text(self) -> str:
        return self.checked.text

    @property
    def unit(self) -> Unit:
        return self.checked.unit

    @property
    def names(self) -> tuple[str, ...]:
        return self.checked.names

    def __call__(self, env: Env) -> exact.Num:
        written = {
            k: exact.div(env[k], exact.from_fraction(u.factor)) for k, u in self.checked.units
        }
        out = self.out if self.out is not None else self.unit
        return exact.times(self.fn(written), out.factor)


_ADD: dict[str, Op2] = {"+": exact.add, "-": exact.sub, "*": exact.mul}
_ROUND = {"round": exact.round_half_up, "ceil": exact.ceil_to, "floor": exact.floor_to}


def _build(t: Typed, text: str) -> Op:
    """`text`: the formula as written, for the 除数为零 message."""
    if isinstance(t, TNumber):
        return Op(const=t.value)
    if isinstance(t, TName):
        return Op(key=t.id)
    if isinstance(t, TNeg):
        return _fast.unary(exact.neg, _build(t.operand, text))
    if isinstance(t, TConv):
        return _conv(t.operand, t.factor, text)
    if isinstance(t, TBin):
        return _divide(t, text) if t.op == "/" else _chain(t, Fraction(1), text)
    return _call(t, text)


def _conv(t: Typed, factor: Fraction, text: str) -> Op:
    """t × factor. A product takes the factor as one more constant; a sum converts each term
    (rather than the sum, then back)."""
    if isinstance(t, TBin) and t.op != "/" and (t.op != "*" or exact.is_terminating(factor)):
        return _chain(t, factor, text)
    return _fast.convert(_build(t, text), factor)


def _chain(t: TBin, factor: Fraction, text: str) -> Op:
    """a + b − c … or a × b × c … (a left-deep run of one precedence) as one closure, times
    `factor` (a terminating factor for a product)."""
    same = ("*",) if t.op == "*" else ("+", "-")
    spine = [t]
    while isinstance(spine[-1].left, TBin) and spine[-1].left.op in same:
        left = spine[-1].left
        assert isinstance(left, TBin)
        spine.append(left)
    if t.op == "*":
        first = _build(spine[-1].left, text)
        rest: list[tuple[Op2, Op]] = [(exact.mul, _build(b.right, text)) for b in reversed(spine)]
        if factor != 1:
            rest.append((exact.mul, Op(const=exact.to_decimal(factor))))
        return _fast.chain(first, rest)
    first = _term(spine[-1].left, factor, text)
    return _fast.chain(first, [(_ADD[b.op], _term(b.right, factor, text)) for b in reversed(spine)])


def _term(t: Typed, factor: Fraction, text: str) -> Op:
    """A term of a sum, times `factor`; a converted term's two factors are one."""
    if isinstance(t, TConv):
        return _fast.convert(_build(t.operand, text), t.factor * factor)
    return _fast.convert(_build(t, text), factor)


def _divide(t: TBin, text: str) -> Op:
    """left ÷ right. Never folded: a zero divisor is reported when the line is evaluated. The
    divisor is evaluated first, so that of two zero divisors the same one is always reported."""

    def zero() -> CesuanError:
        return CesuanError(
            ErrorKind.DIVISION_BY_ZERO,
            "除数为零",
            text=text,
            column=t.pos,
            hint=f"'{t.divisor}' 的值为 0",
        )

    div = exact.div
    fa = _fast.as_fn(_build(t.left, text))
    ro = _build(t.right, text)
    kb, y = _fast.plain_name(ro), ro.const
    if kb is not None:

        def by_name(env: Env) -> exact.Num:
            d = env[kb]
            if not d:
                raise zero()
            return div(fa(env), d)

        return Op(fn=by_name)
    if y is not None and y:

        def by_constant(env: Env) -> exact.Num:
            return div(fa(env), y)  # a non-zero constant: no check at run time

        return Op(fn=by_constant)
    fb = _fast.as_fn(ro)

    def quotient(env: Env) -> exact.Num:
        d = fb(env)
        if not d:
            raise zero()
        return div(fa(env), d)

    return Op(fn=quotient)


def _call(t: TCall, text: str) -> Op:
    fns = [_fast.as_fn(_build(a, text)) for a in t.args]
    if t.func == "sum":

        def total(env: Env) -> exact.Num:
            acc = fns[0](env)
            for g in fns[1:]:
                acc = exact.add(acc, g(env))
            return acc

        return Op(fn=total)
    if t.func in ("min", "max"):
        pick = max if t.func == "max" else min
        return Op(fn=lambda env: pick((g(env) for g in fns), key=exact.to_fraction))
    r, places = _ROUND[t.func], t.places
    return _fast.unary(lambda x: r(x, places), _build(t.args[0], text))


def compile_checked(checked: Checked, out: Unit | None = None) -> Compiled:
    """The closure of a checked formula, giving its result in `out` (when that is of the
    result's dimension and not the natural unit)."""
    if out is not None and (not checked.reaches(out) or out == checked.unit):
        out = None
    fn = _fast.as_fn(_build(checked.typed_in(out), checked.text))
    return Compiled(checked, fn, out)


def compile_formula(
    tree: Node, units: Mapping[str, Unit], *, text: str | None = None, out: Unit | None = None
) -> Compiled:
    """Check `tree` against the units of its names (cesuan.expr.check) and compile it.

    Args:
        tree: a parsed formula.
        units: the unit of every name the formula may use.
        text: the formula as written, for error messages (defaults to the unparsed tree).
        out: the unit `fn` should give its result in (ignored unless of the result's
            dimension); by default the natural unit.

    Raises:
        CesuanError: unknown_name (with the nearest name), dimension_mismatch, …

    >>> from decimal import Decimal
    >>> from cesuan.expr.parser import parse_formula
    >>> from cesuan.units import parse_unit
    >>> c = compile_formula(parse_formula("area * rate * 12 月"),
    ...     {"area": parse_unit("平方米"), "rate": parse_unit("元/(平方米·月)")})
    >>> c.unit.text
    '元'
    >>> c.fn({"area": Decimal("8369.34"), "rate": Decimal("50")})
    Decimal('5021604.00')
    >>> w = compile_formula(c.tree, {"area": parse_unit("平方米"),
    ...     "rate": parse_unit("元/(平方米·月)")}, out=parse_unit("万元"))
    >>> w.fn({"area": Decimal("8369.34"), "rate": Decimal("50")})
    Decimal('502.160400')
    """
    return compile_checked(check(tree, units, text=text), out)
