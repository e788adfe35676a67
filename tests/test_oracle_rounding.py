"""Hand-worked oracles for declared rounding, rounding units, totals over rounded parts and
stated amounts written in another unit than their line (issue 14).

Every expected value below is worked out by hand, with the arithmetic in a comment; none is
taken from the engine. Each test is a small case mapping evaluated and audited through the
public API (cesuan.evaluate / cesuan.audit), with the value and the verdict asserted, so it
keeps its meaning however the engine is restructured inside.

The bugs these catch (issue 14): declared rounding done half-even instead of 四舍五入; ceil and
floor swapped or wrong for negatives; the unit of a declared rounding ignored; a total adding
its parts before their declared rounding; the conversion factor inverted when a stated amount
is written in another unit than the line.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import cesuan


def _case(*lines: dict[str, Any]) -> dict[str, Any]:
    return {"case": "oracle.rounding", "title": "取整核对", "lines": list(lines)}


def _line(
    formula: str, inputs: dict[str, str], *, unit: str, rnd: dict[str, Any] | None = None, **kw: Any
) -> dict[str, Any]:
    line: dict[str, Any] = {
        "id": "x",
        "label": "测试行",
        "formula": formula,
        "inputs": inputs,
        "unit": unit,
    }
    if rnd is not None:
        line["round"] = rnd
    line.update(kw)
    return line


def _errors(audit: cesuan.Audit) -> set[tuple[str, str]]:
    """(line id, kind) of every finding above info level."""
    return {(f.line_id, f.kind) for f in audit.findings if f.severity != "info"}


def _status(audit: cesuan.Audit, line_id: str) -> str:
    return next(c.status for c in audit.checks if c.line_id == line_id)


# A value that is an exact tie at each number of places: 2.5 × 10^-places.
# half_up (四舍五入) goes away from zero; half-even would go to the even digit (2, 0.2, …), so
# every tie here tells the two apart. a/b with a = 25 元 and b = 10^(places+1):
#   places 0: 25/10     = 2.5     → 3       (half-even: 2)
#   places 1: 25/100    = 0.25    → 0.3     (half-even: 0.2)
#   places 2: 25/1000   = 0.025   → 0.03    (half-even: 0.02)
#   places 3: 25/10000  = 0.0025  → 0.003   (half-even: 0.002)
#   places 4: 25/100000 = 0.00025 → 0.0003  (half-even: 0.0002)
# ceil and floor of the same positive ties: ceil = the half_up value, floor = one unit below.
TIES = [
    (0, "3", "3", "2"),
    (1, "0.3", "0.3", "0.2"),
    (2, "0.03", "0.03", "0.02"),
    (3, "0.003", "0.003", "0.002"),
    (4, "0.0003", "0.0003", "0.0002"),
]


@pytest.mark.parametrize(("places", "half_up", "ceil", "floor"), TIES)
@pytest.mark.parametrize("sign", [1, -1])
def test_ties_at_every_place_in_every_mode(
    places: int, half_up: str, ceil: str, floor: str, sign: int
) -> None:
    divisor = str(10 ** (places + 1))
    expected = {"half_up": Decimal(half_up), "ceil": Decimal(ceil), "floor": Decimal(floor)}
    if sign < 0:
        # -2.5 × 10^-places: half_up goes away from zero (-3), ceil toward +∞ (-2), floor toward
        # −∞ (-3): the negatives of half_up, floor and half_up of the positive tie.
        expected = {"half_up": -expected["half_up"], "ceil": -expected["floor"]}
        expected["floor"] = -Decimal(half_up)
    for mode, want in expected.items():
        line = _line(
            "a / b" if sign > 0 else "(0 元 - a) / b",
            {"a": "25 元", "b": divisor},
            unit="元",
            rnd={"places": places, "mode": mode},
            stated=f"{want} 元",
            # A negative result must be declared (sign policy, issue 13).
            **({"sign": "any"} if sign < 0 else {}),
        )
        audit = cesuan.audit(_case(line))
        q = audit.result["x"].quantity
        assert (q.magnitude, q.unit.text) == (want, "元"), (mode, places, sign)
        assert _status(audit, "x") == "match", (mode, places, sign)


# 2/3 元 rounded at each place (non-terminating: the exact value is a fraction):
#   half_up: 1, 0.7, 0.67, 0.667, 0.6667   (the digit after the last kept one is 6 → up)
#   ceil:    1, 0.7, 0.67, 0.667, 0.6667
#   floor:   0, 0.6, 0.66, 0.666, 0.6666
TWO_THIRDS = [
    (0, "1", "1", "0"),
    (1, "0.7", "0.7", "0.6"),
    (2, "0.67", "0.67", "0.66"),
    (3, "0.667", "0.667", "0.666"),
    (4, "0.6667", "0.6667", "0.6666"),
]
# 1/3 元: half_up rounds down here (the next digit is 3), ceil up, floor down:
#   half_up: 0, 0.3, 0.33, …   ceil: 1, 0.4, 0.34, 0.334, 0.3334   floor = half_up
ONE_THIRD = [
    (0, "0", "1", "0"),
    (1, "0.3", "0.4", "0.3"),
    (2, "0.33", "0.34", "0.33"),
    (3, "0.333", "0.334", "0.333"),
    (4, "0.3333", "0.3334", "0.3333"),
]


@pytest.mark.parametrize(
    ("numerator", "places", "half_up", "ceil", "floor"),
    [("2", *row) for row in TWO_THIRDS] + [("1", *row) for row in ONE_THIRD],
)
def test_non_terminating_values_at_every_place_in_every_mode(
    numerator: str, places: int, half_up: str, ceil: str, floor: str
) -> None:
    for mode, want in (("half_up", half_up), ("ceil", ceil), ("floor", floor)):
        line = _line(
            "a / b",
            {"a": f"{numerator} 元", "b": "3"},
            unit="元",
            rnd={"places": places, "mode": mode},
            stated=f"{want} 元",
        )
        audit = cesuan.audit(_case(line))
        assert audit.result["x"].quantity.magnitude == Decimal(want), (mode, places)
        assert _status(audit, "x") == "match"


def test_the_default_mode_is_half_up_not_half_even() -> None:
    # 0.125 元 to 2 places without a mode: 四舍五入 gives 0.13 (half-even would give 0.12).
    # 1 元 ÷ 8 = 0.125.
    line = _line("a / b", {"a": "1 元", "b": "8"}, unit="元", rnd={"places": 2})
    assert cesuan.evaluate(_case(line))["x"].quantity.magnitude == Decimal("0.13")


@pytest.mark.parametrize("places", [-1, 21])
def test_places_outside_0_to_20_are_refused(places: int) -> None:
    # docs/case-format.md: places 0–20. A negative number of places is not supported.
    line = _line("a / b", {"a": "1 元", "b": "8"}, unit="元", rnd={"places": places})
    with pytest.raises(cesuan.CesuanError) as info:
        cesuan.evaluate(_case(line))
    assert "round" in str(info.value)


def test_twenty_places_are_accepted() -> None:
    # 1/3 to 20 places: twenty 3s.
    line = _line("a / b", {"a": "1 元", "b": "3"}, unit="元", rnd={"places": 20})
    assert cesuan.evaluate(_case(line))["x"].quantity.magnitude == Decimal("0." + "3" * 20)


# --- rounding units: round: {places, unit} on a line in another unit -----------------------


@pytest.mark.parametrize(
    ("amount", "places", "want_yuan"),
    [
        # 12345 元 = 1.2345 万元 → 0 places: 1 万元 = 10000 元 (in 元 it would stay 12345)
        ("12345 元", 0, "10000"),
        # 12345 元 = 1.2345 万元 → 1 place: 1.2 万元 = 12000 元
        ("12345 元", 1, "12000"),
        # 12500 元 = 1.25 万元 → 1 place, a tie: 1.3 万元 = 13000 元 (half-even: 12000)
        ("12500 元", 1, "13000"),
        # 12345 元 → 2 places of 万元: 1.23 万元 = 12300 元
        ("12345 元", 2, "12300"),
        # 12345 元 → 4 places of 万元: 1.2345 万元, nothing to round
        ("12345 元", 4, "12345"),
    ],
)
def test_a_rounding_unit_larger_than_the_line_unit(
    amount: str, places: int, want_yuan: str
) -> None:
    line = _line(
        "a * 1",
        {"a": amount},
        unit="元",
        rnd={"places": places, "unit": "万元"},
        stated=f"{want_yuan} 元",
    )
    audit = cesuan.audit(_case(line))
    q = audit.result["x"].quantity
    assert (q.magnitude, q.unit.text) == (Decimal(want_yuan), "元")
    assert _status(audit, "x") == "match"


def test_the_documented_per_person_example() -> None:
    # docs/case-format.md: 10 万元 ÷ 3 人 = 33333.33… 元/人;
    #   round {places: 2} (in 元/人)              → 33333.33 元/人
    #   round {places: 2, unit: 万元/人}: 3.3333… → 3.33 万元/人 = 33300 元/人
    #   round {places: 0, mode: ceil}             → 33334 元/人
    inputs = {"total": "10 万元", "people": "3 人"}
    lines = [
        {**_line("total / people", inputs, unit="元/人", rnd=r), "id": i}
        for i, r in [
            ("plain", {"places": 2}),
            ("wan", {"places": 2, "unit": "万元/人"}),
            ("ceil", {"places": 0, "mode": "ceil"}),
        ]
    ]
    r = cesuan.evaluate(_case(*lines))
    assert r["plain"].quantity.magnitude == Decimal("33333.33")
    assert r["wan"].quantity.magnitude == Decimal("33300")
    assert r["ceil"].quantity.magnitude == Decimal("33334")


def test_a_rounding_unit_smaller_than_the_line_unit() -> None:
    # A line in 万元 rounded to whole 元: 1.23456 万元 = 12345.6 元 → 12346 元 = 1.2346 万元.
    line = _line(
        "a * 1",
        {"a": "1.23456 万元"},
        unit="万元",
        rnd={"places": 0, "unit": "元"},
        stated="1.2346 万元",
    )
    audit = cesuan.audit(_case(line))
    assert audit.result["x"].quantity.magnitude == Decimal("1.2346")
    assert _status(audit, "x") == "match"


# --- totals over rounded parts ------------------------------------------------------------


def _thirds(total_stated: str) -> dict[str, Any]:
    # Two parts of 1 万元 ÷ 3 each, rounded to 2 places: 0.33 万元 each, stated so.
    # The total adds the parts as the form shows them: 0.33 + 0.33 = 0.66 万元; adding the
    # parts before their rounding would give 2/3 = 0.6667 → 0.67.
    parts = [
        {
            **_line("a / n", {"a": "1 万元", "n": "3"}, unit="万元", rnd={"places": 2}),
            "id": f"p{i}",
            "stated": "0.33 万元",
        }
        for i in (1, 2)
    ]
    total = {
        "id": "total",
        "label": "合计",
        "formula": "p1 + p2",
        "unit": "万元",
        "stated": total_stated,
    }
    return _case(*parts, total)


def test_a_total_over_rounded_parts_reconciles_without_any_warning() -> None:
    audit = cesuan.audit(_thirds("0.66 万元"))
    assert audit.result["p1"].quantity.magnitude == Decimal("0.33")
    assert audit.result["p2"].quantity.magnitude == Decimal("0.33")
    # No mismatch, no sum_mismatch, and no spurious 受上游差异影响: the parts are right as stated.
    assert _errors(audit) == set()
    assert _status(audit, "total") == "match"


def test_a_total_that_its_stated_rounded_parts_do_not_add_up_to_is_found() -> None:
    # Stated 0.68: the parts as stated give 0.66, their exact values 2/3 = 0.6667 → 0.67;
    # neither is 0.68, so the total is found, as a sum_mismatch, and only there.
    audit = cesuan.audit(_thirds("0.68 万元"))
    assert _errors(audit) == {("total", "sum_mismatch")}


# --- stated amounts in another unit than the line ------------------------------------------

RENT = {"area": "8369.34 平方米", "rate": "50 元/(平方米·月)", "months": "12 月"}


@pytest.mark.parametrize(
    ("unit", "stated", "status", "computed", "difference"),
    [
        # 8369.34 × 50 × 12 = 5021604 元 = 502.1604 万元.
        # Line in 万元, stated in 元 (factor 万元 → 元 is × 10000):
        ("万元", "5021604 元", "match", "5021604 元", None),
        ("万元", "5021600 元", "mismatch", "5021604 元", "4 元"),  # 5021604 − 5021600
        # Line in 元, stated in 万元 (factor 元 → 万元 is ÷ 10000):
        ("元", "502.1604 万元", "match", "502.1604 万元", None),
        ("元", "502.16 万元", "rounded_match", "502.1604 万元", None),  # 502.1604 → 502.16
        ("元", "502.17 万元", "mismatch", "502.1604 万元", "-0.0096 万元"),  # 502.1604 − 502.17
        # 亿元: 5021604 元 = 0.05021604 亿元
        ("万元", "0.05021604 亿元", "match", "0.05021604 亿元", None),
    ],
)
def test_a_stated_amount_in_another_unit_is_converted_the_right_way(
    unit: str, stated: str, status: str, computed: str, difference: str | None
) -> None:
    line = _line("area * rate * months", RENT, unit=unit, stated=stated)
    audit = cesuan.audit(_case(line))
    check = next(c for c in audit.checks if c.line_id == "x")
    assert (check.status, check.computed) == (status, computed)
    found = [f for f in audit.findings if f.kind == "mismatch"]
    if difference is None:
        assert found == []
    else:
        assert [(f.line_id, f.computed, f.difference) for f in found] == [
            ("x", computed, difference)
        ]


def test_a_stated_amount_in_a_unit_with_a_factor_other_than_ten() -> None:
    # 100 元/月 on a line in 元/月, stated per year: 100 × 12 = 1200 元/年 (factor 月 → 年 is
    # ÷ 12 on the time in the denominator, so × 12 on the amount). Inverted it would be 100/144.
    ok = _line("r * 1", {"r": "100 元/月"}, unit="元/月", stated="1200 元/年")
    assert _status(cesuan.audit(_case(ok)), "x") == "match"
    # 1300 元/年 is off by 100 元/年.
    bad = _line("r * 1", {"r": "100 元/月"}, unit="元/月", stated="1300 元/年")
    audit = cesuan.audit(_case(bad))
    assert [(f.line_id, f.difference) for f in audit.findings if f.kind == "mismatch"] == [
        ("x", "-100 元/年")
    ]


def test_rounding_with_a_stated_amount_in_another_unit() -> None:
    # 2/3 万元 on a line in 万元 rounded to 2 places: 0.67 万元 = 6700 元; the form states 6700 元.
    line = _line(
        "a / n", {"a": "2 万元", "n": "3"}, unit="万元", rnd={"places": 2}, stated="6700 元"
    )
    audit = cesuan.audit(_case(line))
    assert audit.result["x"].quantity.magnitude == Decimal("0.67")
    assert _status(audit, "x") == "match"


def test_a_declared_floor_is_honoured_over_the_stated_parts() -> None:
    # issue 18's case: 50 万元 ÷ 17600 个 = 500000/17600 = 28.4090… 元/个, floored to 2 places
    # = 28.40 元/个, exactly the stated amount. The fund is computed as 50.5 万元 but stated as
    # 50 万元 (its own mismatch), so the line is checked over the stated parts: floor(28.409…)
    # = 28.40 agrees. The only error is at the fund; over the computed values 505000/17600 =
    # 28.693… → 28.69 the line differs, which is the fund's doing, not a mismatch of its own.
    lines = [
        {
            "id": "fund",
            "label": "资金",
            "formula": "a * 1",
            "inputs": {"a": "50.5 万元"},
            "unit": "万元",
            "stated": "50 万元",
        },
        {"id": "plants", "label": "株数", "stated": "17600 个"},
        {
            "id": "per",
            "label": "每株补助",
            "formula": "fund / plants",
            "unit": "元/个",
            "round": {"places": 2, "mode": "floor"},
            "stated": "28.40 元/个",
        },
    ]
    audit = cesuan.audit(_case(*lines))
    assert audit.result["per"].quantity.magnitude == Decimal("28.69")
    errors = {(f.line_id, f.kind) for f in audit.findings if f.severity == "error"}
    assert errors == {("fund", "mismatch")}
