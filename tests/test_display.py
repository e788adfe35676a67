"""Display precision: amounts shown the way the form writes them, the exact value untouched.

Oracles are hand-worked: each expected text has its arithmetic in a comment.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cesuan
from cesuan import display


def _case(lines: list[dict[str, Any]]) -> cesuan.Result:
    return cesuan.evaluate({"case": "demo", "title": "示例", "lines": lines})


def test_the_seed_property_fee_is_shown_as_the_form_writes_it() -> None:
    # 5580 平方米 × 18 元/(平方米·月) × 12 月 = 1205280 元 = 120.528 万元; the form writes 120.53.
    res = cesuan.evaluate("cases/jianghan-2023/shenpi-dating.yaml")
    r = res["hall.property"]
    assert display.amount_text(r) == "120.53万元"
    assert r.value == Decimal("120.528")  # the exact value is kept
    # total 745.8884 万元, stated "746 万元" (no decimals) → 746; change 4.1116 stated "4 万元" → 4.
    assert display.amount_text(res["total"]) == "746万元"
    assert display.amount_text(res["change_vs_2022"]) == "4万元"


def test_trailing_zeros_of_the_stated_amount_are_kept() -> None:
    # 3 × 2.1 万元 = 6.3 万元; stated "6.30 万元" has two places, so 6.30 is shown.
    res = _case([{"id": "a", "label": "甲", "formula": "3 * 2.1 万元", "stated": "6.30 万元"}])
    assert display.amount_text(res["a"]) == "6.30万元"
    assert display.show_line(res["a"]).rounded is False


def test_without_a_stated_amount_wan_yuan_defaults_to_two_places() -> None:
    # 12345 元 = 1.2345 万元 → 1.23 (half-up at 2 places); 元 has no default: exact.
    res = _case(
        [
            {"id": "a", "label": "甲", "formula": "12345 元", "unit": "万元"},
            {"id": "b", "label": "乙", "formula": "12345.5 元"},
        ]
    )
    assert display.amount_text(res["a"]) == "1.23万元"
    assert display.show_line(res["a"]).rounded is True
    assert display.amount_text(res["b"]) == "12345.5元"
    # A case-level setting: every amount in 元 to whole 元 (12345.5 → 12346, half-up).
    assert display.amount_text(res["b"], {"元": 0}) == "12346元"


def test_stated_in_another_unit_moves_the_places() -> None:
    # stated "1.5 万元" (1 place in 万元) on a line in 元: 1 place of 万元 = 1000 元 → 0 places;
    # 3 × 5000 元 = 15000 元 shown as 15000.
    res = _case(
        [{"id": "a", "label": "甲", "formula": "3 * 5000 元", "unit": "元", "stated": "1.5 万元"}]
    )
    assert display.line_places(res["a"]) == 0
    assert display.amount_text(res["a"]) == "15000元"


def test_a_percent_line_is_shown_in_percent_at_the_stated_places() -> None:
    # 1041 / 2000 = 0.5205 → 52.05% (stated "52.05%": 2 places in percent).
    res = _case([{"id": "r", "label": "执行率", "formula": "1041 / 2000", "stated": "52.05%"}])
    assert display.line_places(res["r"]) == 2
    assert display.amount_text(res["r"]) == "52.05%"


def test_negative_amounts_round_half_away_from_zero() -> None:
    # −0.125 万元 at 2 places: half away from zero → −0.13 (as 四舍五入 on the magnitude).
    assert display.show(Decimal("-0.125"), 2).text == "-0.13"
    assert display.show(Decimal("0.125"), 2).text == "0.13"


def test_a_non_terminating_value_shown_exactly_is_marked() -> None:
    s = display.show(Fraction(1, 3), None)
    assert s.text == "0.333333…"


def _parts_case(part: str) -> cesuan.Result:
    return _case(
        [
            {"id": "p1", "label": "甲", "formula": part, "unit": "万元"},
            {"id": "p2", "label": "乙", "formula": part, "unit": "万元"},
            {"id": "p3", "label": "丙", "formula": part, "unit": "万元"},
            {"id": "t", "label": "合计", "formula": "p1 + p2 + p3"},
        ]
    )


def test_a_total_whose_shown_parts_do_not_add_up_says_so() -> None:
    # Each part 50 元 = 0.005 万元, shown 0.01 (half-up); the total 0.015 万元 is shown 0.02.
    # Shown parts add up to 0.03: 0.01 more than the shown total, only because of rounding.
    res = _parts_case("50 元")
    assert display.amount_text(res["t"]) == "0.02万元"
    assert display.rounding_note(res, "t") == (
        "各分项金额之和为0.03万元，与合计0.02万元相差0.01万元，系四舍五入所致。"
    )
    assert display.rounding_note(res, "p1") is None  # not a total


def test_no_note_when_the_shown_parts_add_up() -> None:
    # Each part 100 元 = 0.01 万元 exactly; 3 × 0.01 = 0.03 = the total: nothing to say.
    assert display.rounding_note(_parts_case("100 元"), "t") is None


def test_no_note_when_a_more_precise_part_rounds_to_the_total() -> None:
    # The seed: 502.1604 + 81 + 120.53 = 703.6904, which at the total's 2 places is 703.69 —
    # the shown total. A reader sees no gap, so the form adds no note.
    res = cesuan.evaluate("cases/jianghan-2023/shenpi-dating.yaml")
    assert display.rounding_note(res, "hall") is None


@given(
    st.decimals(min_value=-(10**9), max_value=10**9, places=6, allow_nan=False),
    st.integers(min_value=0, max_value=6),
)
def test_shown_text_is_within_half_a_unit_and_has_exactly_the_places(
    x: Decimal, places: int
) -> None:
    s = display.show(x, places)
    frac = s.text.partition(".")[2]
    assert len(frac) == places
    assert abs(Decimal(s.text) - x) <= Decimal(1).scaleb(-places) / 2
    assert s.exact == x


@pytest.mark.parametrize(
    ("places", "text"), [(0, "121"), (1, "120.5"), (2, "120.53"), (3, "120.528"), (4, "120.5280")]
)
def test_places_of_one_value(places: int, text: str) -> None:
    # 120.528 half-up: 0 → 121, 1 → 120.5 (0.028 < 0.05), 2 → 120.53, 4 keeps a trailing zero.
    assert display.show(Decimal("120.528"), places).text == text


def test_a_declared_rounding_sets_the_places_when_nothing_is_stated() -> None:
    # 3 × 1.23456 万元 = 3.70368 万元, rounded to whole 元: 37037 元 = 3.7037 万元, so 4 places
    # in 万元 (not the 万元 default of 2, which would hide the declared precision).
    res = _case(
        [
            {
                "id": "a",
                "label": "甲",
                "formula": "3 * 1.23456 万元",
                "unit": "万元",
                "round": {"places": 0, "unit": "元"},
            }
        ]
    )
    assert display.line_places(res["a"]) == 4
    assert display.amount_text(res["a"]) == "3.7037万元"
