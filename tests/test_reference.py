"""The fast back end gives exactly what the reference interpreter gives (issue 10).

The reference (cesuan.expr.reference) evaluates the checked, typed tree with Fractions, node by
node; the back end (cesuan.expr.compiler) compiles the same tree into closures with Decimal fast
paths, folded constants, conversions pushed into sums and products, and unrolled chains. Over
generated formulas (every node kind, every function, roundings to 0–20 places), units of one
or several dimensions, result units asked for, and magnitudes from 10⁻⁸ to 10¹⁸ (the size
limits), both must agree to the last digit — or both report a zero divisor.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from cesuan import exact
from cesuan.errors import CesuanError, ErrorKind
from cesuan.expr.ast import Node
from cesuan.expr.check import check
from cesuan.expr.compiler import compile_checked
from cesuan.expr.parser import parse_formula
from cesuan.expr.reference import DivisionByZero, reference_eval, round_fraction
from cesuan.units import DIMENSIONLESS, Unit, parse_unit
from tests.strategies import NAMES, formula_trees

# Units of one dimension each, so that generated sums often pass the dimension check.
FAMILIES = [["元", "万元", "亿元"], ["月", "年"], ["平方米", "m²"], [""], ["元", ""]]
OUTS = [None, "元", "万元", "亿元", "年", "月", "平方米"]

magnitudes = st.one_of(
    st.decimals(min_value=-(10**18), max_value=10**18, places=0),
    st.decimals(min_value=-(10**6), max_value=10**6, places=8),
    st.just(Decimal(0)),
    st.sampled_from([Decimal(0), Decimal(1), Decimal("0.5"), Decimal("-0.005"), Decimal("1E+17")]),
    st.fractions(min_value=-(10**9), max_value=10**9, max_denominator=10**4).map(
        exact.from_fraction
    ),
)


@st.composite
def envs(draw: st.DrawFn) -> tuple[dict[str, Unit], dict[str, exact.Num]]:
    family = draw(st.sampled_from(FAMILIES))
    units = {
        k: parse_unit(u) if u else DIMENSIONLESS
        for k in NAMES
        for u in [draw(st.sampled_from(family))]
    }
    values = {k: draw(magnitudes) for k in NAMES}
    return units, values


def _reference(
    tree: Node, units: dict[str, Unit], env: dict[str, exact.Num], out: Unit | None
) -> Fraction | None:
    c = check(tree, units)
    try:
        return reference_eval(c.typed_in(out), {k: Fraction(v) for k, v in env.items()})
    except DivisionByZero:
        return None


@settings(max_examples=400, deadline=None)
@given(formula_trees(), envs(), st.sampled_from(OUTS))
def test_fast_equals_reference(
    tree: Node, env: tuple[dict[str, Unit], dict[str, exact.Num]], out_text: str | None
) -> None:
    _agree(tree, env, out_text)


def _agree(
    tree: Node, env: tuple[dict[str, Unit], dict[str, exact.Num]], out_text: str | None
) -> None:
    units, values = env
    try:
        checked = check(tree, units)
    except CesuanError as e:
        kind = e.kind
    else:
        kind = None
    if kind is not None:
        assert kind in (ErrorKind.DIMENSION_MISMATCH, ErrorKind.FORMULA_SYNTAX)
        event("dimension error")
        return
    out = parse_unit(out_text) if out_text else None
    want = _reference(tree, units, values, out)
    fast = compile_checked(checked, out)
    if want is None:
        event("division by zero")
        with pytest.raises(CesuanError) as caught:
            fast.fn(values)
        assert caught.value.kind is ErrorKind.DIVISION_BY_ZERO
        return
    event("evaluated")
    got = fast.fn(values)
    assert type(got) in (Decimal, Fraction)
    assert Fraction(got) == want
    if isinstance(got, Fraction):
        assert got.denominator != 1  # integers come back as Decimals, so fast paths resume


@st.composite
def chains(draw: st.DrawFn) -> Node:
    """Flat chains of names and numbers (a + b − 3 万元 …, a × 1.5 × b …): where the back end
    folds constants, pushes conversions into terms and unrolls."""
    ops = draw(st.sampled_from([["+", "-"], ["*"], ["+", "-", "*"]]))
    leaves = draw(
        st.lists(
            st.one_of(st.sampled_from(NAMES[:4]), st.sampled_from(["3", "1.5", "0.01"])),
            min_size=2,
            max_size=6,
        )
    )
    text = leaves[0]
    for leaf in leaves[1:]:
        text += f" {draw(st.sampled_from(ops))} {leaf}"
    return parse_formula(text)


@settings(max_examples=300, deadline=None)
@given(chains(), envs(), st.sampled_from(OUTS))
def test_chains_equal_reference(
    tree: Node, env: tuple[dict[str, Unit], dict[str, exact.Num]], out_text: str | None
) -> None:
    _agree(tree, env, out_text)


@pytest.mark.parametrize(
    ("text", "units", "env", "want"),
    [
        # 3 万元 + 2500 元 = 30000 + 2500 = 32500 元 = 3.25 万元 (in the first term's unit)
        ("a + b", {"a": "万元", "b": "元"}, {"a": "3", "b": "2500"}, Fraction(325, 100)),
        # round(1/3 万元 in 元 = 3333.33… 元, 2 places, 元) = 3333.33 元
        ("round(a / 3, 2, 元)", {"a": "万元"}, {"a": "1"}, Fraction(333333, 100)),
        # floor(-0.5) = -1; ceil(-0.5) = 0
        ("floor(a) + ceil(a)", {"a": "1"}, {"a": "-0.5"}, Fraction(-1)),
        # 7 月 in 年 = 7/12 年
        ("sum(a, b)", {"a": "年", "b": "月"}, {"a": "0", "b": "7"}, Fraction(7, 12)),
    ],
)
def test_reference_by_hand(
    text: str, units: dict[str, str], env: dict[str, str], want: Fraction
) -> None:
    _by_hand(text, units, env, want, None)


@pytest.mark.parametrize(
    ("text", "units", "env", "out", "want"),
    [
        # 3 万元 + 2500 元, in 元: 30000 + 2500 = 32500
        ("a + b", {"a": "万元", "b": "元"}, {"a": "3", "b": "2500"}, "元", Fraction(32500)),
        # 3 万元 − 2500 元 + 1 亿元, in 元: 30000 − 2500 + 100000000 = 100027500
        (
            "a - b + c",
            {"a": "万元", "b": "元", "c": "亿元"},
            {"a": "3", "b": "2500", "c": "1"},
            "元",
            Fraction(100027500),
        ),
        # 2 万元 × 3 × 1.5, in 元: 9 万元 = 90000 元
        ("a * b * 1.5", {"a": "万元", "b": "1"}, {"a": "2", "b": "3"}, "元", Fraction(90000)),
        # 7 元 in 万元: 0.0007
        ("a", {"a": "元"}, {"a": "7"}, "万元", Fraction(7, 10000)),
    ],
)
def test_reference_by_hand_in_a_unit(
    text: str, units: dict[str, str], env: dict[str, str], out: str, want: Fraction
) -> None:
    _by_hand(text, units, env, want, parse_unit(out))


def _by_hand(
    text: str, units: dict[str, str], env: dict[str, str], want: Fraction, out: Unit | None
) -> None:
    c = check(
        parse_formula(text),
        {k: parse_unit(u) if u != "1" else DIMENSIONLESS for k, u in units.items()},
    )
    values = {k: Decimal(v) for k, v in env.items()}
    assert reference_eval(c.typed_in(out), {k: Fraction(v) for k, v in values.items()}) == want
    assert Fraction(compile_checked(c, out).fn(values)) == want


@pytest.mark.parametrize(
    ("x", "places", "mode", "want"),
    [
        # 2.345 → 2.35 (half up); −2.345 → −2.35 (half away from zero, 四舍五入)
        (Fraction(2345, 1000), 2, "half_up", Fraction(235, 100)),
        (Fraction(-2345, 1000), 2, "half_up", Fraction(-235, 100)),
        # 28.409… floor 2 places → 28.40; ceil → 28.41
        (Fraction(500000, 17600), 2, "floor", Fraction(2840, 100)),
        (Fraction(500000, 17600), 2, "ceil", Fraction(2841, 100)),
        # −0.001 ceil 0 places → 0
        (Fraction(-1, 1000), 0, "ceil", Fraction(0)),
    ],
)
def test_reference_rounding_by_hand(x: Fraction, places: int, mode: str, want: Fraction) -> None:
    assert round_fraction(x, places, mode) == want
