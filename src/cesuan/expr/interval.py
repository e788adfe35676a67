"""Exact interval evaluation of a typed tree: what a formula can give when inputs are bounds.

What it does: evaluates a typed tree (cesuan.expr.check) over closed intervals [lo, hi] of
exact Fractions, None standing for an open side (−∞ for lo, +∞ for hi). Each operation gives
the smallest interval holding every value the operation can take on its operands' intervals
(exact interval arithmetic): + and − add ends; × takes the least and greatest of the four end
products (0 × ∞ = 0, as the ends of closed intervals); ÷ multiplies by the reciprocal interval
when the divisor excludes 0, and is unbounded (−∞, +∞) when it contains 0 without being 0 (a
divisor that is exactly 0 is 除数为零, as in the compiled formula); conversion
factors multiply; sum adds; min and max take the least/greatest of the ends; round, ceil and
floor are monotone, so they apply to each finite end. The result is sound for any signs: every
point evaluation with inputs inside their intervals lies inside it (tests/test_interval.py
checks this against cesuan.expr.reference). It is tight for one use of each input, not in
general (x − x over [0, 1] gives [−1, 1]).
What it must not do: use float, guess an end it cannot bound, or be used where every input is
a point (cesuan.evaluation keeps its exact fast path; intervals are only for bounded lines).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from cesuan import exact
from cesuan.errors import CesuanError, ErrorKind
from cesuan.expr.check import TBin, TCall, TConv, TName, TNeg, TNumber, Typed

__all__ = ["Interval", "interval_eval"]


@dataclass(frozen=True, slots=True)
class Interval:
    """[lo, hi] with exact ends; None is an open side (lo None: −∞, hi None: +∞).

    >>> Interval(Fraction(0), Fraction(5)) * Interval.point(Fraction(800))
    Interval(lo=Fraction(0, 1), hi=Fraction(4000, 1))
    """

    lo: Fraction | None
    hi: Fraction | None

    @staticmethod
    def point(x: Fraction) -> Interval:
        return Interval(x, x)

    @property
    def is_point(self) -> bool:
        return self.lo is not None and self.lo == self.hi

    def contains(self, x: Fraction) -> bool:
        return (self.lo is None or self.lo <= x) and (self.hi is None or x <= self.hi)

    def __add__(self, o: Interval) -> Interval:
        lo = None if self.lo is None or o.lo is None else self.lo + o.lo
        hi = None if self.hi is None or o.hi is None else self.hi + o.hi
        return Interval(lo, hi)

    def __neg__(self) -> Interval:
        return Interval(
            None if self.hi is None else -self.hi, None if self.lo is None else -self.lo
        )

    def __sub__(self, o: Interval) -> Interval:
        return self + (-o)

    def __mul__(self, o: Interval) -> Interval:
        ends = [_times(a, b) for a in _ends(self) for b in _ends(o)]
        lo, hi = min(ends, key=_order), max(ends, key=_order)
        return Interval(_finite(lo), _finite(hi))

    def reciprocal(self) -> Interval:
        """1/x over an interval without 0 (the caller checks)."""
        return Interval(
            Fraction(0) if self.hi is None else 1 / self.hi,
            Fraction(0) if self.lo is None else 1 / self.lo,
        )


# An end of an interval: a Fraction, or ±∞ written as the strings "-inf"/"+inf" (never float).
_End = Fraction | str


def _ends(iv: Interval) -> tuple[_End, _End]:
    return ("-inf" if iv.lo is None else iv.lo, "+inf" if iv.hi is None else iv.hi)


def _sign(x: _End) -> int:
    if isinstance(x, str):
        return -1 if x == "-inf" else 1
    return (x > 0) - (x < 0)


def _times(a: _End, b: _End) -> _End:
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return a * b
    s = _sign(a) * _sign(b)
    # 0 × ∞ = 0: the end 0 is a value the interval holds, and 0 × any finite value is 0.
    if s == 0:
        return Fraction(0)
    return "+inf" if s > 0 else "-inf"


def _order(x: _End) -> tuple[int, Fraction]:
    if isinstance(x, str):
        return (-1 if x == "-inf" else 1, Fraction(0))
    return (0, x)


def _finite(x: _End) -> Fraction | None:
    return None if isinstance(x, str) else x


def _divide(a: Interval, b: Interval, t: TBin) -> Interval:
    if b.lo == 0 and b.hi == 0:
        raise CesuanError(
            ErrorKind.DIVISION_BY_ZERO, "除数为零", column=t.pos, hint=f"'{t.divisor}' 的值为 0"
        )
    if b.contains(Fraction(0)):
        # x / y with y able to be 0 (or arbitrarily near it): no finite bound either way.
        return Interval(None, None)
    return a * b.reciprocal()


def interval_eval(t: Typed, env: Mapping[str, Interval]) -> Interval:
    """The interval of `t`, each name's interval read from `env` (in the name's unit)."""
    if isinstance(t, TNumber):
        return Interval.point(Fraction(t.value))
    if isinstance(t, TName):
        return env[t.id]
    if isinstance(t, TNeg):
        return -interval_eval(t.operand, env)
    if isinstance(t, TConv):
        return interval_eval(t.operand, env) * Interval.point(t.factor)
    if isinstance(t, TBin):
        a = interval_eval(t.left, env)
        b = interval_eval(t.right, env)
        if t.op == "+":
            return a + b
        if t.op == "-":
            return a - b
        if t.op == "*":
            return a * b
        return _divide(a, b, t)
    return _call(t, env)


def _call(t: TCall, env: Mapping[str, Interval]) -> Interval:
    values = [interval_eval(a, env) for a in t.args]
    if t.func == "sum":
        out = values[0]
        for v in values[1:]:
            out = out + v
        return out
    if t.func in ("min", "max"):
        los = [v.lo for v in values]
        his = [v.hi for v in values]
        if t.func == "min":
            lo = None if None in los else min(x for x in los if x is not None)
            fin = [x for x in his if x is not None]
            return Interval(lo, min(fin) if fin else None)
        fin = [x for x in los if x is not None]
        hi = None if None in his else max(x for x in his if x is not None)
        return Interval(max(fin) if fin else None, hi)
    mode = {"round": "half_up", "ceil": "ceil", "floor": "floor"}[t.func]
    rnd = exact.rounder(t.places, mode)
    v = values[0]
    # Rounding never decreases as its argument grows: the ends of the result are the
    # rounded ends.
    return Interval(
        None if v.lo is None else exact.to_fraction(rnd(v.lo)),
        None if v.hi is None else exact.to_fraction(rnd(v.hi)),
    )
