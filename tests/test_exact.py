"""Exact arithmetic: the same answers as Fraction arithmetic, Decimal while that is exact, half-up
rounding away from zero, and decimal text without exponent or stray zeros."""

from __future__ import annotations

import decimal
import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cesuan import exact
from cesuan.exact import Num

# Decimals of up to 45 significant digits and exponents either side: past the default
# context's 28 digits, so that a silently rounding implementation fails.
decimals = st.builds(
    lambda sign, digits, exp: Decimal((sign, tuple(int(c) for c in str(digits)), exp)),
    st.integers(0, 1),
    st.integers(0, 10**45),
    st.integers(-40, 20),
)
fractions = st.builds(Fraction, st.integers(-(10**30), 10**30), st.integers(1, 10**12))
nums = st.one_of(decimals, fractions)


def _ok(x: Num) -> None:
    assert type(x) in (Decimal, Fraction), type(x)
    if isinstance(x, Fraction):
        assert x.denominator != 1  # whole results go back to Decimal


def _half_up(x: Fraction, places: int) -> Fraction:
    """Reference 四舍五入: half away from zero."""
    s = abs(x) * 10**places
    n = math.floor(s + Fraction(1, 2))
    return Fraction(n if x >= 0 else -n, 10**places)


@settings(max_examples=300, deadline=None)
@given(nums, nums)
def test_arithmetic_matches_fraction_arithmetic(a: Num, b: Num) -> None:
    fa, fb = Fraction(a), Fraction(b)
    for got, want in [
        (exact.add(a, b), fa + fb),
        (exact.sub(a, b), fa - fb),
        (exact.mul(a, b), fa * fb),
    ]:
        _ok(got)
        assert Fraction(got) == want
    assert Fraction(exact.neg(a)) == -fa
    assert type(exact.neg(a)) is type(a)
    if fb:
        q = exact.div(a, b)
        _ok(q)
        assert Fraction(q) == fa / fb
        if isinstance(a, Decimal) and isinstance(b, Decimal):
            assert isinstance(q, Decimal) == exact.is_terminating(fa / fb)
    else:
        with pytest.raises(ZeroDivisionError):
            exact.div(a, b)


@settings(max_examples=200, deadline=None)
@given(decimals, decimals)
def test_decimal_inputs_stay_decimal_when_the_result_is_a_finite_decimal(
    a: Decimal, b: Decimal
) -> None:
    for r in (exact.add(a, b), exact.sub(a, b), exact.mul(a, b)):
        assert isinstance(r, Decimal)


def test_one_third_stays_a_fraction_and_comes_back() -> None:
    third = exact.div(Decimal(1), Decimal(3))
    assert third == Fraction(1, 3)
    assert isinstance(third, Fraction)
    back = exact.mul(third, Decimal(3))
    assert back == 1
    assert isinstance(back, Decimal)
    assert isinstance(exact.div(Decimal(1), Decimal(8)), Decimal)
    assert exact.div(Decimal(1), Decimal(8)) == Decimal("0.125")


def test_more_than_28_digits_stay_exact() -> None:
    a = Decimal("1234567890123456789012345678901234567890")
    b = Decimal("0.000000000000000000000000000000000000001")
    # the default context rounds: this is the trap the module exists to avoid
    assert a + b != Fraction(a) + Fraction(b)
    assert exact.add(a, b) == Fraction(a) + Fraction(b)
    assert exact.mul(a, a) == Fraction(a) ** 2
    assert exact.sub(a, b) == Fraction(a) - Fraction(b)
    assert exact.div(a, Decimal(7)) == Fraction(a) / 7
    assert exact.scale10(a, 50) == Fraction(a) * 10**50
    assert exact.scale10(a, -50) == Fraction(a) / 10**50


def test_results_beyond_the_private_context_stay_exact() -> None:
    big = Decimal("9" * 300)
    assert exact.mul(big, big) == Fraction(big) ** 2  # 600 digits: past prec=400
    # scale10 of a 600-digit Decimal still moves only the exponent
    sq = Decimal(int(big) ** 2)
    assert exact.scale10(sq, -3) == Fraction(int(big) ** 2, 1000)
    assert exact.round_half_up(Fraction(int(big) ** 2, 3), 2) == _half_up(
        Fraction(int(big) ** 2, 3), 2
    )


def test_no_global_decimal_state_is_changed() -> None:
    before = decimal.getcontext().copy()
    exact.add(Decimal("1" * 50), Decimal("1"))
    exact.div(Decimal(1), Decimal(3))
    exact.round_half_up(Decimal("2.5"), 0)
    after = decimal.getcontext()
    assert (after.prec, after.rounding, after.traps) == (before.prec, before.rounding, before.traps)


def test_floats_are_refused() -> None:
    for op in (exact.add, exact.sub, exact.mul, exact.div):
        with pytest.raises(TypeError):
            op(Decimal(1), 0.1)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            op(0.1, Fraction(1, 3))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        exact.to_fraction(0.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("x", "places", "want"),
    [
        (Decimal("2.5"), 0, "3"),
        (Decimal("-2.5"), 0, "-3"),
        (Decimal("3.5"), 0, "4"),  # not banker's rounding
        (Decimal("0.125"), 2, "0.13"),
        (Decimal("-0.125"), 2, "-0.13"),
        (Decimal("1.005"), 2, "1.01"),
        (Decimal("120.528"), 2, "120.53"),
        (Decimal("502.16045"), 4, "502.1605"),
        (Decimal("2.4999999999999999999999999999999"), 0, "2"),
        (Fraction(1, 3), 4, "0.3333"),
        (Fraction(2, 3), 4, "0.6667"),
        (Fraction(-2, 3), 4, "-0.6667"),
        (Fraction(1, 2), 0, "1"),
        (Fraction(-1, 2), 0, "-1"),
        (Decimal("-0.4"), 0, "0"),
    ],
)
def test_round_half_up_is_half_away_from_zero(x: Num, places: int, want: str) -> None:
    r = exact.round_half_up(x, places)
    assert isinstance(r, Decimal)
    assert r == Decimal(want)
    assert r.as_tuple().exponent == -places


@settings(max_examples=300, deadline=None)
@given(nums, st.integers(0, 20))
def test_roundings_match_the_reference(x: Num, places: int) -> None:
    f = Fraction(x)
    r = exact.round_half_up(x, places)
    assert isinstance(r, Decimal)
    assert Fraction(r) == _half_up(f, places)
    assert abs(Fraction(r) - f) <= Fraction(1, 2 * 10**places)
    c, fl = exact.ceil_to(x, places), exact.floor_to(x, places)
    assert Fraction(c) == Fraction(math.ceil(f * 10**places), 10**places)
    assert Fraction(fl) == Fraction(math.floor(f * 10**places), 10**places)
    # the result is shown with exactly `places` decimals
    assert r.as_tuple().exponent == -places
    assert exact.format_exact(r, places=places).count(".") == (1 if places else 0)


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (Decimal("5021604E-4"), "502.1604"),
        (Decimal("120.5300"), "120.53"),
        (Decimal("3.0E+5"), "300000"),
        (Decimal("1E+40"), "1" + "0" * 40),
        (Decimal("1E-12"), "0.000000000001"),
        (Decimal("0E-8"), "0"),
        (Decimal("-0"), "0"),
        (Decimal("-12.50"), "-12.5"),
        (Fraction(1205280, 10000), "120.528"),
        (Fraction(1, 3), "1/3"),
        (Fraction(-2, 7), "-2/7"),
        (Fraction(1, 2**60), "0." + str(5**60).rjust(60, "0")),  # 1/2^60 in full, exactly
    ],
)
def test_format_exact(x: Num, text: str) -> None:
    assert exact.format_exact(x) == text


@settings(max_examples=300, deadline=None)
@given(nums)
def test_format_exact_is_exact_and_plain(x: Num) -> None:
    t = exact.format_exact(x)
    assert "e" not in t.lower()
    if "/" in t:
        p, q = t.split("/")
        assert Fraction(int(p), int(q)) == Fraction(x)
        assert not exact.is_terminating(x)
        return
    assert Fraction(Decimal(t)) == Fraction(x)  # Decimal(str) is exact
    if "." in t:
        assert not t.endswith("0")
        assert not t.endswith(".")


def test_format_exact_with_places() -> None:
    assert exact.format_exact(Decimal(746), places=2) == "746.00"
    assert exact.format_exact(Decimal("502.1604"), places=4) == "502.1604"
    assert exact.format_exact(Fraction(1, 8), places=3) == "0.125"
    negative_zero = exact.mul(Decimal(0), Decimal(-1))
    assert exact.format_exact(negative_zero) == "0"
    assert exact.format_exact(negative_zero, places=2) == "0.00"


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 80), st.integers(0, 80), st.integers(-(10**20), 10**20))
def test_terminating_fractions_print_as_decimals(a: int, b: int, n: int) -> None:
    x = Fraction(n, 2**a * 5**b)
    assert exact.is_terminating(x)
    t = exact.format_exact(x)
    assert "/" not in t
    assert Fraction(Decimal(t)) == x


def test_is_terminating_and_decimal_places() -> None:
    assert exact.is_terminating(Fraction(3, 40))
    assert not exact.is_terminating(Fraction(1, 12))
    assert exact.is_terminating(Decimal("0.1"))
    assert exact.decimal_places(Decimal("502.1604")) == 4
    assert exact.decimal_places(Decimal("746")) == 0
    assert exact.decimal_places(Decimal("120.50")) == 2
    assert exact.to_fraction(Decimal("0.1")) == Fraction(1, 10)


def test_times_divides_by_the_factors_denominator() -> None:
    # 3 × 1/2 = 1.5 and 3 × 5/2 = 7.5 (a denominator other than 1 must divide); 3 × 4 = 12.
    assert exact.times(Decimal("3"), Fraction(1, 2)) == Decimal("1.5")
    assert exact.times(Decimal("3"), Fraction(5, 2)) == Decimal("7.5")
    assert exact.times(Decimal("3"), Fraction(4)) == Decimal("12")
    # 7 × 1/12 does not terminate: a Fraction.
    assert exact.times(Decimal("7"), Fraction(1, 12)) == Fraction(7, 12)


@pytest.mark.parametrize("k", [1, 2, 4, 8, 30])
def test_a_power_of_ten_scaler_moves_only_the_exponent(k: int) -> None:
    # scaler's docstring: powers of ten only move the decimal point. 1.5 × 10^k keeps the
    # coefficient 15 (digits 1, 5); multiplying by the integer 10^k would give 15 followed by
    # k zeros after a '.0' (e.g. 15000.0), digits that grow with every 万元 → 元.
    f = exact.scaler(Fraction(10) ** k)
    assert f is not None
    v = f(Decimal("1.5"))
    assert v == Decimal(15) * 10 ** (k - 1)
    assert isinstance(v, Decimal)
    assert v.as_tuple().digits == (1, 5)
