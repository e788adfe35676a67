"""The evaluator's fast paths give exactly what the plain exact operations give.

Compiled formulas run on the Decimal fast path of each operation and fall back to the full
operation where that path raises; roundings quantize Decimals directly; unit conversions are
precomputed scalers; LineResults are built without the frozen dataclass's __init__. Each of
these is checked here against the slow, obvious computation, on Decimals and Fractions alike.
"""

from __future__ import annotations

import copy
import dataclasses
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cesuan
from cesuan import exact
from cesuan.expr.compiler import compile_formula
from cesuan.expr.parser import parse_formula
from cesuan.units import parse_unit

decimals = st.decimals(
    min_value=-(10**12), max_value=10**12, places=4, allow_nan=False, allow_infinity=False
)
fractions = st.fractions(min_value=-(10**9), max_value=10**9, max_denominator=10**5)
numbers = st.one_of(decimals, fractions)


def _reference_round(x: exact.Num, places: int, mode: str) -> Decimal:
    s = Fraction(x) * Fraction(10) ** places
    if mode == "half_up":
        n = (abs(s.numerator) * 2 + s.denominator) // (2 * s.denominator)
        n = -n if s < 0 else n
    elif mode == "ceil":
        n = -((-s.numerator) // s.denominator)
    else:
        n = s.numerator // s.denominator
    return exact.scale10(Decimal(n), -places)


@settings(max_examples=300, deadline=None)
@given(numbers, st.integers(0, 8), st.sampled_from(["half_up", "ceil", "floor"]))
def test_roundings_equal_the_integer_definition_to_the_digit(
    x: exact.Num, places: int, mode: str
) -> None:
    want = _reference_round(x, places, mode)
    how = {"half_up": exact.round_half_up, "ceil": exact.ceil_to, "floor": exact.floor_to}[mode]
    for got in (how(x, places), exact.rounder(places, mode)(x)):
        assert got == want
        assert str(got) == str(want)  # same exponent, never a negative zero


@settings(max_examples=300, deadline=None)
@given(numbers, st.integers(1, 10**6), st.integers(1, 10**4))
def test_scalers_multiply_exactly(x: exact.Num, p: int, q: int) -> None:
    factor = Fraction(p, q)
    s = exact.scaler(factor)
    if s is None:
        assert factor == 1
        return
    got = s(x)
    assert not isinstance(got, float)
    assert Fraction(got) == Fraction(x) * factor
    if isinstance(got, Fraction):
        assert got.denominator != 1  # integers come back as Decimals


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("a * b * c", {"a": "平方米", "b": "元/(平方米·月)", "c": "月"}),
        ("a * 1.5 元/(平方米·月) * 12 月", {"a": "平方米"}),
        ("a + b + c + d", {"a": "元", "b": "万元", "c": "元", "d": "千元"}),
        ("a - b + c - d", {"a": "万元", "b": "万元", "c": "万元", "d": "万元"}),
        ("(a - b) * c + b", {"a": "万元", "b": "元", "c": ""}),
        ("a / b * c", {"a": "元", "b": "人", "c": "月"}),
        ("a * b / 3", {"a": "万元/年", "b": "月"}),
        ("round(a * b, 2, 万元) + max(a * b, c)", {"a": "元/月", "b": "月", "c": "元"}),
    ],
)
@settings(max_examples=60, deadline=None)
@given(st.lists(numbers, min_size=4, max_size=4))
def test_compiled_closures_equal_plain_exact_arithmetic(
    text: str, units: dict[str, str], values: list[exact.Num]
) -> None:
    tree = parse_formula(text)
    u = {k: parse_unit(v) for k, v in units.items()}
    env = dict(zip(units, values, strict=False))
    failed: cesuan.CesuanError | None = None
    try:  # root magnitudes, then converted: the reference
        plain = cesuan.evaluate_formula(text, {k: cesuan.Quantity(v, u[k]) for k, v in env.items()})
    except cesuan.CesuanError as e:
        failed = e
    if failed is not None:
        assert failed.kind is cesuan.ErrorKind.DIVISION_BY_ZERO
        with pytest.raises(cesuan.CesuanError, match="除数为零"):
            compile_formula(tree, u, text=text).fn(env)
        return
    for out in (None, parse_unit("元"), parse_unit("万元")):
        c = compile_formula(tree, u, text=text, out=out)
        if out is not None and out.dims != c.unit.dims:
            continue
        got = c.fn(env)
        want = plain if out is None else plain.to(out)
        assert not isinstance(got, float)
        assert Fraction(got) == Fraction(want.magnitude)
        # Calling the Compiled works on root magnitudes, whatever `out` is.
        roots = {k: exact.mul(v, u[k].factor) for k, v in env.items()}
        assert Fraction(c(roots)) == Fraction(plain.magnitude) * c.unit.factor


def test_line_results_stay_frozen_comparable_and_copyable() -> None:
    r = cesuan.evaluate(
        {
            "case": "c",
            "title": "t",
            "lines": [
                {
                    "id": "a",
                    "label": "甲",
                    "formula": "x * 3",
                    "inputs": {"x": "1 元"},
                    "round": {"places": 0},
                },
                {"id": "b", "label": "乙", "formula": "a + a", "stated": "6 元"},
            ],
        }
    )
    a, b = r["a"], r["b"]
    assert type(a) is cesuan.LineResult
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.shown = Decimal(1)  # type: ignore[misc]
    assert not hasattr(a, "__dict__")
    assert [f.name for f in dataclasses.fields(a)] == [
        "planned",
        "exact",
        "shown",
        "over_shown",
        "over_stated",
        "over_stated_error",
        "used",
        "written",
        "interval",
    ]
    assert copy.copy(b) == b
    assert dataclasses.replace(a, shown=Decimal(9)).value == Decimal(9)
    assert b.used == (("a", Decimal(3), False),)
    # 3 + 3 over a's (unstated, so shown) value
    assert b.over_stated == Decimal(6)
    assert repr(a).startswith("LineResult(planned=PlannedLine(")
