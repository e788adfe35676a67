"""Exact arithmetic on amounts: Decimal while it stays exact, Fraction when it cannot.

What it does: the handful of operations the evaluator needs (add, sub, mul, div, neg, compare),
half-up rounding to a number of decimal places, and exact decimal text for output.
What it must not do: ever produce or accept a binary float, or round anything silently. Every
Decimal operation runs in a private context that traps `Inexact`, so a result that Decimal cannot
hold exactly falls back to `Fraction` instead of being rounded. The module keeps no global state:
the context object is private and never installed as the thread's current context.
"""

from __future__ import annotations

from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    Rounded,
)
from fractions import Fraction

__all__ = [
    "Num",
    "add",
    "ceil_to",
    "decimal_places",
    "div",
    "floor_to",
    "format_exact",
    "is_terminating",
    "mul",
    "neg",
    "round_half_up",
    "scale10",
    "sub",
    "to_fraction",
]

Num = Decimal | Fraction

# 400 significant digits is far above every documented limit (docs/formula-language.md), so
# Inexact only fires for results that no finite decimal holds (1/3), never for big ones.
_CTX = Context(
    prec=400,
    rounding=ROUND_HALF_UP,
    Emax=10**6,
    Emin=-(10**6),
    traps=[Inexact, Rounded, Overflow, InvalidOperation, DivisionByZero],
)


def to_fraction(x: Num) -> Fraction:
    """Exact conversion of either representation to a Fraction."""
    return x if isinstance(x, Fraction) else Fraction(x)


def _norm(x: Fraction) -> Num:
    # A Fraction whose denominator is 1 becomes a Decimal again so the fast path resumes.
    return Decimal(x.numerator) if x.denominator == 1 else x


def add(a: Num, b: Num) -> Num:
    """a + b, exactly."""
    if type(a) is Decimal and type(b) is Decimal:
        try:
            return _CTX.add(a, b)
        except (Inexact, Rounded):
            pass
    return _norm(to_fraction(a) + to_fraction(b))


def sub(a: Num, b: Num) -> Num:
    """a - b, exactly."""
    if type(a) is Decimal and type(b) is Decimal:
        try:
            return _CTX.subtract(a, b)
        except (Inexact, Rounded):
            pass
    return _norm(to_fraction(a) - to_fraction(b))


def mul(a: Num, b: Num) -> Num:
    """a × b, exactly."""
    if type(a) is Decimal and type(b) is Decimal:
        try:
            return _CTX.multiply(a, b)
        except (Inexact, Rounded):
            pass
    return _norm(to_fraction(a) * to_fraction(b))


def div(a: Num, b: Num) -> Num:
    """a ÷ b, exactly; a non-terminating quotient stays a Fraction. Raises ZeroDivisionError."""
    if not b:
        raise ZeroDivisionError
    if type(a) is Decimal and type(b) is Decimal:
        try:
            return _CTX.divide(a, b)
        except (Inexact, Rounded):
            pass
    return _norm(to_fraction(a) / to_fraction(b))


def neg(a: Num) -> Num:
    """-a."""
    return -a if isinstance(a, Fraction) else _CTX.minus(a)


def scale10(x: Decimal, k: int) -> Decimal:
    """x × 10^k, exactly (Decimal.scaleb in the default context would round past 28 digits)."""
    return _CTX.scaleb(x, k)


def is_terminating(x: Num) -> bool:
    """True when x has a finite decimal expansion (denominator of the form 2^a·5^b)."""
    if isinstance(x, Decimal):
        return True
    d = x.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


def _scaled(x: Num, places: int) -> Fraction:
    return to_fraction(x) * (Fraction(10) ** places)


def round_half_up(x: Num, places: int) -> Decimal:
    """Round half away from zero (四舍五入) to `places` decimals.

    >>> round_half_up(Fraction(1205280, 10000), 2)
    Decimal('120.53')
    >>> round_half_up(Decimal("-2.5"), 0)
    Decimal('-3')
    >>> round_half_up(Fraction(1, 3), 4)
    Decimal('0.3333')
    """
    s = _scaled(x, places)
    n = (abs(s.numerator) * 2 + s.denominator) // (2 * s.denominator)
    return scale10(Decimal(-n if s < 0 else n), -places)


def ceil_to(x: Num, places: int = 0) -> Decimal:
    """Smallest multiple of 10^-places not below x."""
    s = _scaled(x, places)
    return scale10(Decimal(-((-s.numerator) // s.denominator)), -places)


def floor_to(x: Num, places: int = 0) -> Decimal:
    """Largest multiple of 10^-places not above x."""
    s = _scaled(x, places)
    return scale10(Decimal(s.numerator // s.denominator), -places)


def decimal_places(text_value: Decimal) -> int:
    """Number of places a decimal was written with: 502.1604 → 4, 746 → 0, 120.50 → 2."""
    exp = text_value.as_tuple().exponent
    assert isinstance(exp, int)  # finite decimals only; non-finite never get here
    return max(0, -exp)


def format_exact(x: Num, *, places: int | None = None) -> str:
    """Exact decimal text, no exponent and no stray trailing zeros.

    With `places`, the value is shown with exactly that many decimals (it must already be
    exact at that precision). A non-terminating Fraction is written as `p/q`: it never is
    silently rounded for display.

    >>> format_exact(Decimal("5021604E-4"))
    '502.1604'
    >>> format_exact(Fraction(1205280, 10000))
    '120.528'
    >>> format_exact(Decimal("120.5300"))
    '120.53'
    >>> format_exact(Decimal("746"), places=2)
    '746.00'
    >>> format_exact(Fraction(1, 3))
    '1/3'
    """
    if isinstance(x, Fraction):
        if not is_terminating(x):
            return f"{x.numerator}/{x.denominator}"
        x = _fraction_to_decimal(x)
    if places is not None:
        q = x.quantize(Decimal(1).scaleb(-places), context=_CTX)
        return f"{q:f}"
    if x == 0:
        return "0"
    t = f"{x:f}"
    if "." in t:
        t = t.rstrip("0").rstrip(".")
    return t


def _fraction_to_decimal(x: Fraction) -> Decimal:
    """Exact Decimal of a terminating Fraction."""
    k = 0
    while (10**k) % x.denominator:
        k += 1
    return scale10(Decimal(x.numerator * (10**k // x.denominator)), -k)
