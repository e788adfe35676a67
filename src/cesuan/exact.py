"""Exact arithmetic on amounts: Decimal while it stays exact, Fraction when it cannot.

What it does: the handful of operations the evaluator needs (add, sub, mul, div, neg, compare),
exact scaling by a unit factor, half-up (or ceiling / floor) rounding to a number of decimal
places, and exact decimal text for output.
What it must not do: ever produce or accept a binary float, or round anything silently. Every
Decimal operation runs in a private context that traps `Inexact`, so a result that Decimal cannot
hold exactly falls back to `Fraction` instead of being rounded; only the declared roundings
quantize, in a second private context. The module keeps no global state: the contexts are
private and never installed as the thread's current context. (`FAST` hands the first context's
operations to compiled formulas, which fall back to the full operation exactly where they raise.)
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import (
    ROUND_CEILING,
    ROUND_FLOOR,
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
from typing import cast

__all__ = [
    "FALLBACK",
    "FAST",
    "Num",
    "add",
    "ceil_to",
    "decimal_places",
    "div",
    "floor_to",
    "format_exact",
    "from_fraction",
    "is_terminating",
    "minus_sign",
    "mul",
    "neg",
    "round_half_up",
    "rounder",
    "scale10",
    "scaler",
    "sub",
    "times",
    "to_decimal",
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
# Rounding to a declared number of places is the one place where rounding is wanted: quantize
# rounds as told and raises (InvalidOperation) only when the result would not fit in `prec`.
_ROUND_CTX = Context(
    prec=400,
    rounding=ROUND_HALF_UP,
    Emax=10**6,
    Emin=-(10**6),
    traps=[Overflow, InvalidOperation, DivisionByZero],
)
_QUANTA = tuple(Decimal(1).scaleb(-k) for k in range(21))  # 1, 0.1, … 1E-20 (model: ≤ 20 places)
_ZERO = Decimal(0)


# For hot loops (compiled formulas): the Decimal-only fast path of add, sub and mul. It raises
# one of FALLBACK — Inexact or Rounded (the exact result needs a Fraction), TypeError (an
# operand is a Fraction) — exactly where the full operation must be called instead, which then
# gives the same result the full operation always gives.
FAST: dict[Callable[[Num, Num], Num], Callable[[Num, Num], Num]] = {}
FALLBACK = (Inexact, Rounded, TypeError)


def to_fraction(x: Num) -> Fraction:
    """Exact conversion of either representation to a Fraction."""
    if isinstance(x, float):
        # Fraction(0.1) would silently be 3602879701896397/36028797018963968.
        raise TypeError("cesuan 的数值不能是 float；请用 Decimal 或 Fraction（或数量文本）")
    if type(x) is Decimal:
        # From the integer ratio: Fraction(Decimal) takes the slow path through the numbers ABCs.
        n, d = x.as_integer_ratio()
        return Fraction(n, d)
    return x if isinstance(x, Fraction) else Fraction(x)


def from_fraction(x: Fraction) -> Num:
    """The one "Fraction → Decimal when the denominator is 1": an integer Fraction becomes a
    Decimal again (so the Decimal fast path resumes); any other stays a Fraction.

    >>> from_fraction(Fraction(10000)), from_fraction(Fraction(1, 12))
    (Decimal('10000'), Fraction(1, 12))
    """
    return Decimal(x.numerator) if x.denominator == 1 else x


_norm = from_fraction


def times(x: Num, factor: Fraction) -> Num:
    """x × an exact factor (a unit conversion: `Unit.factor_to`), exactly; a Decimal stays a
    Decimal whenever the product terminates.

    >>> times(Decimal("502.1604"), Fraction(10000)), times(Decimal("7"), Fraction(1, 12))
    (Decimal('5021604.0000'), Fraction(7, 12))
    """
    if factor == 1:
        return x
    if type(x) is Decimal:
        p, q = factor.numerator, factor.denominator
        return mul(x, Decimal(p)) if q == 1 else div(mul(x, Decimal(p)), Decimal(q))
    return from_fraction(to_fraction(x) * factor)


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
            # The Fraction straight from the two integer ratios: one normalisation.
            na, da = a.as_integer_ratio()
            nb, db = b.as_integer_ratio()
            return _norm(Fraction(na * db, da * nb))
    return _norm(to_fraction(a) / to_fraction(b))


# (Typed on Num: a Fraction operand raises TypeError, one of FALLBACK, as intended.)
FAST.update(
    {
        add: cast(Callable[[Num, Num], Num], _CTX.add),
        sub: cast(Callable[[Num, Num], Num], _CTX.subtract),
        mul: cast(Callable[[Num, Num], Num], _CTX.multiply),
    }
)


def neg(a: Num) -> Num:
    """-a."""
    return -a if isinstance(a, Fraction) else _CTX.minus(a)


def scale10(x: Decimal, k: int) -> Decimal:
    """x × 10^k, exactly (Decimal.scaleb in the default context would round past 28 digits)."""
    try:
        return _CTX.scaleb(x, k)
    except (Inexact, Rounded):
        # Longer than the context's 400 digits: move the exponent itself, which is always exact.
        sign, digits, exp = x.as_tuple()
        assert isinstance(exp, int)  # finite decimals only
        return Decimal((sign, digits, exp + k))


def is_terminating(x: Num) -> bool:
    """True when x has a finite decimal expansion (denominator of the form 2^a·5^b)."""
    if isinstance(x, Decimal):
        return True
    d = x.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


def round_half_up(x: Num, places: int) -> Decimal:
    """Round half away from zero (四舍五入) to `places` decimals.

    >>> round_half_up(Fraction(1205280, 10000), 2)
    Decimal('120.53')
    >>> round_half_up(Decimal("-2.5"), 0)
    Decimal('-3')
    >>> round_half_up(Fraction(1, 3), 4)
    Decimal('0.3333')
    """
    if isinstance(x, Decimal):
        return _quantize(x, places, ROUND_HALF_UP)
    return _round_ratio(x.numerator, x.denominator, places, ROUND_HALF_UP)


def ceil_to(x: Num, places: int = 0) -> Decimal:
    """Smallest multiple of 10^-places not below x.

    >>> ceil_to(Decimal("-0.5")), ceil_to(Fraction(1, 3), 2)
    (Decimal('0'), Decimal('0.34'))
    """
    if isinstance(x, Decimal):
        return _quantize(x, places, ROUND_CEILING)
    return _round_ratio(x.numerator, x.denominator, places, ROUND_CEILING)


def floor_to(x: Num, places: int = 0) -> Decimal:
    """Largest multiple of 10^-places not above x."""
    if isinstance(x, Decimal):
        return _quantize(x, places, ROUND_FLOOR)
    return _round_ratio(x.numerator, x.denominator, places, ROUND_FLOOR)


def _quantize(x: Decimal, places: int, how: str) -> Decimal:
    """The Decimal fast path of the three roundings; the same result as the Fraction path
    (exponent -places, and never a negative zero)."""
    if 0 <= places < len(_QUANTA):
        try:
            q = x.quantize(_QUANTA[places], rounding=how, context=_ROUND_CTX)
        except InvalidOperation:
            pass  # more digits than the context holds: the exact integer path below
        else:
            return q if q else q.copy_abs()
    num, den = x.as_integer_ratio()
    return _round_ratio(num, den, places, how)


def _round_ratio(num: int, den: int, places: int, how: str) -> Decimal:
    """num/den (den > 0) rounded to `places` decimals, with integers only: the quotient of
    num·10^places by den, floored (ROUND_FLOOR), ceiled, or half away from zero."""
    if places >= 0:
        num *= 10**places
    else:
        den *= 10**-places
    if how == ROUND_HALF_UP:
        n = (abs(num) * 2 + den) // (2 * den)
        n = -n if num < 0 else n
    elif how == ROUND_CEILING:
        n = -((-num) // den)
    else:
        n = num // den
    return scale10(Decimal(n), -places)


def rounder(places: int, mode: str = "half_up") -> Callable[[Num], Decimal]:
    """x ↦ round_half_up(x, places) (or ceil_to / floor_to for mode "ceil" / "floor"), as one
    function for a hot loop: a Decimal is quantized directly.

    >>> rounder(2)(Decimal("120.528")), rounder(0, "ceil")(Fraction(1, 3))
    (Decimal('120.53'), Decimal('1'))
    """
    full = {"half_up": round_half_up, "ceil": ceil_to, "floor": floor_to}[mode]
    if not 0 <= places < len(_QUANTA):
        return lambda x: full(x, places)
    quantum = _QUANTA[places]
    how = {"half_up": ROUND_HALF_UP, "ceil": ROUND_CEILING, "floor": ROUND_FLOOR}[mode]
    quantize = Decimal.quantize

    def rounded(x: Num) -> Decimal:
        if type(x) is Decimal:
            try:
                q = quantize(x, quantum, how, _ROUND_CTX)
            except InvalidOperation:
                return full(x, places)
            return q if q else q.copy_abs()
        return full(x, places)

    return rounded


def scaler(factor: Fraction) -> Callable[[Num], Num] | None:
    """x ↦ x × factor, exactly, for a unit conversion factor known in advance (万元 → 元: ×10000,
    元 → 万元: ÷10000, 年 → 月: ×12); None when the factor is 1.

    Powers of ten only move the decimal point; other factors multiply and divide in Decimal
    while that is exact, and fall back to Fraction when it is not.

    >>> scaler(Fraction(1, 10000))(Decimal("5021604"))
    Decimal('502.1604')
    >>> scaler(Fraction(1, 12))(Decimal("7"))
    Fraction(7, 12)
    >>> scaler(Fraction(1)) is None
    True
    """
    if factor == 1:
        return None
    p, q = factor.numerator, factor.denominator
    k = _power_of_ten(p) if q == 1 else _power_of_ten(q) if p == 1 else None
    if k is not None:
        k = k if q == 1 else -k
        f = Fraction(10) ** k
        e = scale10(Decimal(1), k)
        times = _CTX.multiply

        def by_power_of_ten(x: Num) -> Num:
            # × 1E±k keeps the coefficient and moves the exponent: exact, as scaleb is.
            if type(x) is Decimal:
                return times(x, e)
            return _norm(to_fraction(x) * f)

        return by_power_of_ten
    dp, dq = Decimal(p), Decimal(q)
    if q == 1:
        return lambda x: mul(x, dp)
    # x·p/q has a finite decimal expansion exactly when q's factors other than 2 and 5 divide
    # the numerator of x·p; only then is Decimal division tried, else the Fraction is made at
    # once (no failed division, no conversions).
    other = q
    for prime in (2, 5):
        while other % prime == 0:
            other //= prime

    def by_ratio(x: Num) -> Num:
        if type(x) is Decimal:
            n, d = x.as_integer_ratio()
            n *= p
            if n % other:
                return Fraction(n, d * q)  # never an integer: `other` > 1 stays in it
            return div(mul(x, dp), dq)
        return _norm(to_fraction(x) * factor)

    return by_ratio


def _power_of_ten(n: int) -> int | None:
    k = 0
    while n % 10 == 0:
        n //= 10
        k += 1
    return k if n == 1 else None


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
        return f"{q if q else q.copy_abs():f}"  # 0 × -1 is Decimal('-0'); never print "-0.00"
    if x == 0:
        return "0"
    t = f"{x:f}"
    if "." in t:
        t = t.rstrip("0").rstrip(".")
    return t


def minus_sign(text: str) -> str:
    """Number text for people, its leading minus as the sign − (U+2212): one sign in every text
    people read, never mistaken for the hyphen forms write in ranges (97%-100%, 1-7月). Machine
    text (JSON, CSV cells a spreadsheet reads as numbers) keeps the ASCII '-'.

    >>> minus_sign("-4万元"), minus_sign("－2.5"), minus_sign("约-0.33"), minus_sign("3-1")
    ('−4万元', '−2.5', '约−0.33', '3-1')
    """
    lead = "约" if text.startswith("约") else ""
    rest = text[len(lead) :]
    return lead + "−" + rest[1:] if rest[:1] in ("-", "－") else text


def to_decimal(x: Fraction) -> Decimal:
    """The exact Decimal of a terminating Fraction (see is_terminating).

    >>> to_decimal(Fraction(1, 10000))
    Decimal('0.0001')
    """
    if not is_terminating(x):
        raise ValueError(f"{x} has no finite decimal expansion")
    return _fraction_to_decimal(x)


def _fraction_to_decimal(x: Fraction) -> Decimal:
    """Exact Decimal of a terminating Fraction."""
    # denominator = 2^a · 5^b, so 10^max(a, b) is its smallest power-of-ten multiple (counting
    # the factors is linear; trying 10^k for k = 0, 1, 2 … was quadratic in the length).
    d = x.denominator
    a = (d & -d).bit_length() - 1
    d >>= a
    b = 0
    while d % 5 == 0:
        d //= 5
        b += 1
    k = max(a, b)
    return scale10(Decimal(x.numerator * (10**k // x.denominator)), -k)
