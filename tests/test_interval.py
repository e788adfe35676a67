"""Exact interval evaluation (cesuan.expr.interval) against hand-worked values and, as the
oracle, the reference interpreter at points inside the intervals (issue 11, bounds).

Soundness: for any formula and any point inside the inputs' intervals, the reference value at
that point lies in the interval result (and where the interval evaluation finds a divisor that
is exactly 0, the reference finds it too). Tightness: a product of non-negative intervals is
monotone in each factor, so its interval's ends are the products of the ends — attained at the
corners.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from cesuan.errors import CesuanError, ErrorKind
from cesuan.expr.check import check
from cesuan.expr.interval import Interval, interval_eval
from cesuan.expr.parser import parse_formula
from cesuan.expr.reference import DivisionByZero, reference_eval
from cesuan.units import DIMENSIONLESS, parse_unit
from tests.strategies import formula_trees

F = Fraction
NAMES = ["a", "b", "c", "d"]


def _iv(text: str, **env: Interval) -> Interval:
    c = check(parse_formula(text), dict.fromkeys(env, DIMENSIONLESS))
    return interval_eval(c.typed, env)


def I(lo: object, hi: object) -> Interval:  # noqa: E743 - reads like the maths
    return Interval(None if lo is None else F(str(lo)), None if hi is None else F(str(hi)))


@pytest.mark.parametrize(
    ("text", "env", "want"),
    [
        # "5万余名" × 800 元: [50000, ∞) × 800 = [40000000, ∞)
        ("a * 800", {"a": I(50000, None)}, I(40000000, None)),
        # ≤ 5 → [0, 5]; × 800 → [0, 4000]
        ("a * 800", {"a": I(0, 5)}, I(0, 4000)),
        # [−2, 3] × [−1, 4]: end products 2, −8, −3, 12 → [−8, 12]
        ("a * b", {"a": I(-2, 3), "b": I(-1, 4)}, I(-8, 12)),
        # [5, ∞) × [0, 2]: 0, 10, 0 (0 × ∞), ∞ → [0, ∞)
        ("a * b", {"a": I(5, None), "b": I(0, 2)}, I(0, None)),
        # (−∞, −1] × [2, 3]: −∞·2, −∞·3, −2, −3 → (−∞, −2]
        ("a * b", {"a": I(None, -1), "b": I(2, 3)}, I(None, -2)),
        # 1 / [2, ∞) = [0, 1/2]
        ("1 / a", {"a": I(2, None)}, I(0, "1/2")),
        # [10, 20] / [4, 5] = [10/5, 20/4] = [2, 5]
        ("a / b", {"a": I(10, 20), "b": I(4, 5)}, I(2, 5)),
        # a divisor that may be 0 (≤ 5 people: [0, 5]): no finite bound either way
        ("a / b", {"a": I(10, 20), "b": I(0, 5)}, I(None, None)),
        # [1, 2] − [0, 5] = [1 − 5, 2 − 0] = [−4, 2]
        ("a - b", {"a": I(1, 2), "b": I(0, 5)}, I(-4, 2)),
        # not tight where an input is used twice: x − x over [0, 1] is [−1, 1], not [0, 0]
        ("a - a", {"a": I(0, 1)}, I(-1, 1)),
        # round half-up is monotone: [1.25, 2.5] → [1, 3]
        ("round(a, 0)", {"a": I("1.25", "2.5")}, I(1, 3)),
        # floor/ceil: [−0.5, 0.5] → floor [−1, 0], ceil [0, 1]
        ("floor(a)", {"a": I("-0.5", "0.5")}, I(-1, 0)),
        ("ceil(a)", {"a": I("-0.5", "0.5")}, I(0, 1)),
        # min([1, 5], [2, ∞)) = [min(1, 2), min(5, ∞)] = [1, 5]; max = [2, ∞)
        ("min(a, b)", {"a": I(1, 5), "b": I(2, None)}, I(1, 5)),
        ("max(a, b)", {"a": I(1, 5), "b": I(2, None)}, I(2, None)),
        # sum([0, 30], [0, 20], 5) = [5, 55]
        ("sum(a, b, 5)", {"a": I(0, 30), "b": I(0, 20)}, I(5, 55)),
        # −[1, (∞)) = (−∞, −1]
        ("-a", {"a": I(1, None)}, I(None, -1)),
    ],
)
def test_hand_worked(text: str, env: dict[str, Interval], want: Interval) -> None:
    assert _iv(text, **env) == want


def test_units_convert_each_end() -> None:
    # a in 元, b in 万元: a + b in 元 = [100, 200] + [1, 2] × 10000 = [10100, 20200]
    units = {"a": parse_unit("元"), "b": parse_unit("万元")}
    c = check(parse_formula("a + b"), units)
    assert interval_eval(c.typed, {"a": I(100, 200), "b": I(1, 2)}) == I(10100, 20200)


def test_a_divisor_exactly_zero_is_division_by_zero() -> None:
    with pytest.raises(CesuanError) as e:
        _iv("a / b", a=I(1, 2), b=I(0, 0))
    assert e.value.kind is ErrorKind.DIVISION_BY_ZERO


# --- soundness against the reference interpreter ---------------------------------------------

small = st.fractions(min_value=-1000, max_value=1000, max_denominator=50)


@st.composite
def interval_and_point(draw: st.DrawFn) -> tuple[Interval, Fraction]:
    """An interval (point, closed, or open on one or both sides) and a point inside it."""
    x = draw(small)
    shape = draw(st.sampled_from(["point", "closed", "lo_open", "hi_open", "open"]))
    below = draw(st.fractions(min_value=0, max_value=100, max_denominator=20))
    above = draw(st.fractions(min_value=0, max_value=100, max_denominator=20))
    lo = None if shape in ("lo_open", "open") else x - (0 if shape == "point" else below)
    hi = None if shape in ("hi_open", "open") else x + (0 if shape == "point" else above)
    return Interval(lo, hi), x


@settings(max_examples=500, deadline=None)
@given(
    formula_trees(names=NAMES, with_units=False, max_leaves=8),
    st.fixed_dictionaries({k: interval_and_point() for k in NAMES}),
)
def test_sound_for_every_point_inside(tree: object, drawn: dict) -> None:  # type: ignore[type-arg]
    try:
        c = check(tree, dict.fromkeys(NAMES, DIMENSIONLESS))  # type: ignore[arg-type]
    except CesuanError:
        event("not a formula")
        return
    ivs = {k: iv for k, (iv, _) in drawn.items()}
    point = {k: x for k, (_, x) in drawn.items()}
    try:
        got: Interval | ErrorKind = interval_eval(c.typed, ivs)
    except CesuanError as e:
        got = e.kind
    if got is ErrorKind.DIVISION_BY_ZERO:
        # A divisor whose interval is exactly [0, 0] is 0 at every point inside.
        with pytest.raises(DivisionByZero):
            reference_eval(c.typed, point)
        event("division by zero")
        return
    assert isinstance(got, Interval), got
    try:
        value = reference_eval(c.typed, point)
    except DivisionByZero:
        event("point divides by zero")
        return
    event("bounded" if got.lo is not None and got.hi is not None else "open")
    assert got.contains(value), (c.text, ivs, point, value, got)


# --- tightness of monotone products ----------------------------------------------------------

nonneg = st.fractions(min_value=0, max_value=10**6, max_denominator=100)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(nonneg, nonneg), min_size=1, max_size=4))
def test_products_of_nonnegative_intervals_are_tight(ends: list[tuple[Fraction, Fraction]]) -> None:
    names = NAMES[: len(ends)]
    ivs = {k: Interval(min(a, b), max(a, b)) for k, (a, b) in zip(names, ends, strict=True)}
    c = check(parse_formula(" * ".join(names)), dict.fromkeys(names, DIMENSIONLESS))
    got = interval_eval(c.typed, ivs)
    # Each end is attained: the product at the corner of all lower (all upper) ends.
    lo = reference_eval(c.typed, {k: iv.lo for k, iv in ivs.items()})  # type: ignore[misc]
    hi = reference_eval(c.typed, {k: iv.hi for k, iv in ivs.items()})  # type: ignore[misc]
    assert (got.lo, got.hi) == (lo, hi)
