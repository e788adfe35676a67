"""The sympy bridge: built from our tree, exact, and never imported by `import cesuan`."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cesuan
from cesuan.expr.symbolic import solve_for, to_latex, to_sympy


def test_to_sympy_keeps_numbers_exact() -> None:
    import sympy

    expr = to_sympy(cesuan.parse_formula("(base - staff) * 98% + staff"))
    value = expr.subs({sympy.Symbol("base"): 3702, sympy.Symbol("staff"): 492})
    assert value == sympy.Rational(36378, 10)


def test_latex_mentions_every_name() -> None:
    tex = to_latex("lines * fee * 12 月")
    for part in ("lines", "fee", "12", "月"):
        assert part in tex


def test_solve_for_the_area_of_the_seed_rent() -> None:
    q = solve_for(
        "area * rate * 12 月", "area", "502.1604 万元", {"rate": "50 元/(平方米·月)"}, "平方米"
    )
    assert q.magnitude == Decimal("8369.34")


def test_solve_refuses_a_dimension_mismatch() -> None:
    with pytest.raises(cesuan.CesuanError) as e:
        solve_for("area * rate", "area", "5 平方米", {"rate": "2 元/平方米"}, "平方米")
    assert e.value.kind == "dimension_mismatch"


@settings(max_examples=40, deadline=None)
@given(
    area=st.decimals(min_value=1, max_value=100000, places=2),
    rate=st.integers(min_value=1, max_value=500),
    months=st.integers(min_value=1, max_value=36),
)
def test_solving_inverts_evaluation(area: Decimal, rate: int, months: int) -> None:
    inputs = {"area": f"{area} 平方米", "rate": f"{rate} 元/(平方米·月)", "months": f"{months} 月"}
    total = cesuan.evaluate_formula("area * rate * months", inputs)
    del inputs["area"]
    back = solve_for("area * rate * months", "area", total, inputs, "平方米")
    assert Fraction(back.magnitude) == Fraction(area)
