"""The reference interpreter: a typed tree evaluated with Fractions, obviously right.

What it does: evaluates a typed tree (cesuan.expr.check) on exact rational numbers, one node
at a time, with the rounding rules written out on integers. It is the oracle the fast back end
(cesuan.expr.compiler) is tested against (tests/test_reference.py); the engine never calls it.
What it must not do: be clever. No fast paths, no Decimal contexts, no caching: a reader checks
each line against the formula language's definition (docs/formula-language.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from cesuan.expr.check import TBin, TCall, TConv, TName, TNeg, TNumber, Typed

__all__ = ["DivisionByZero", "reference_eval", "round_fraction"]


class DivisionByZero(ArithmeticError):
    """A divisor of the formula is zero (the engine reports it as 除数为零)."""


def round_fraction(x: Fraction, places: int, mode: str) -> Fraction:
    """x to `places` decimals: half_up rounds halves away from zero (四舍五入), ceil towards
    +∞, floor towards −∞."""
    s = x * 10**places
    if mode == "half_up":
        n = (abs(s.numerator) * 2 + s.denominator) // (2 * s.denominator)  # ⌊|s| + 1/2⌋
        n = -n if s < 0 else n
    elif mode == "ceil":
        n = -(-s.numerator // s.denominator)
    else:
        n = s.numerator // s.denominator
    return Fraction(n, 10**places)


def reference_eval(t: Typed, env: Mapping[str, Fraction]) -> Fraction:
    """The value of `t`, each name read from `env` (a magnitude in the name's unit)."""
    if isinstance(t, TNumber):
        return Fraction(t.value)
    if isinstance(t, TName):
        return Fraction(env[t.id])
    if isinstance(t, TNeg):
        return -reference_eval(t.operand, env)
    if isinstance(t, TConv):
        return reference_eval(t.operand, env) * t.factor
    if isinstance(t, TBin):
        a = reference_eval(t.left, env)
        b = reference_eval(t.right, env)
        if t.op == "+":
            return a + b
        if t.op == "-":
            return a - b
        if t.op == "*":
            return a * b
        if b == 0:
            raise DivisionByZero(t.divisor)
        return a / b
    return _call(t, env)


def _call(t: TCall, env: Mapping[str, Fraction]) -> Fraction:
    values = [reference_eval(a, env) for a in t.args]
    if t.func == "sum":
        return sum(values, Fraction(0))
    if t.func == "min":
        return min(values)
    if t.func == "max":
        return max(values)
    mode = {"round": "half_up", "ceil": "ceil", "floor": "floor"}[t.func]
    return round_fraction(values[0], t.places, mode)
