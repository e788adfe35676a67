"""Verdicts an auditor can trust (issue 18, and issue 11's "never abort over stated parts"):
small cases under tests/verdicts/, each worked out by hand in its file and here."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

import cesuan

HERE = Path(__file__).parent / "verdicts"


def _audit(name: str) -> cesuan.Audit:
    return cesuan.audit(cesuan.load_case(HERE / name))


def _kinds(audit: cesuan.Audit, *severities: str) -> set[tuple[str, str]]:
    return {(f.line_id, str(f.kind)) for f in audit.findings if f.severity in severities}


def test_floor_rounding_matches_on_the_stated_parts_path_too() -> None:
    audit = _audit("floor.yaml")
    per = audit.result["per"]
    # 500000 元 / 17600 个 = 625/22 = 28.40909… 元/个; floor to 2 places: 28.40
    assert per.exact == Fraction(625, 22)
    assert per.shown == Decimal("28.40")
    assert per.over_stated == Decimal("28.40")  # the parts as stated: the same, rounded down
    check = {c.line_id: c for c in audit.checks}["per"]
    assert (check.status, check.reading) == ("match", "over_stated")
    assert _kinds(audit, "error", "warning") == set()


def test_round_to_units_against_28_41_is_a_mismatch_and_nothing_else() -> None:
    audit = _audit("round0.yaml")
    per = audit.result["per"]
    # 28.40909… half-up to 0 places = 28, on both paths; stated 28.41 ≠ 28
    assert per.shown == Decimal(28)
    assert per.over_stated == Decimal(28)
    assert _kinds(audit, "error", "warning") == {("per", "mismatch")}
    (finding,) = [f for f in audit.findings if f.severity == "error"]
    assert finding.computed == "28.00 元/个"  # to the stated 28.41's places
    assert finding.difference == "-0.41 元/个"  # 28 − 28.41
    assert not [f for f in audit.findings if f.kind == "consequence"]


def test_a_gap_computed_from_the_exact_ratio_reconciles() -> None:
    audit = _audit("rate_gap.yaml")
    r = audit.result
    assert r["progress"].exact == Fraction(1, 3)  # 4 月 / 12 月: no round needed
    assert r["rate"].shown == Decimal("0.8537")  # 35/41 = 0.853658… → 0.8537
    # exact: 35/41 − 1/3 = 64/123 = 0.520325… → 52.03% (stated); shown parts: 0.8537 − 1/3
    # = 0.520366… → 52.04%; stated parts: 0.8537 − 0.3333 = 0.5204 → 52.04%.
    assert r["gap"].exact == Fraction(35, 41) - Fraction(1, 3)
    checks = {c.line_id: c for c in audit.checks}
    assert (checks["gap"].status, checks["gap"].reading) == ("rounded_match", "exact")
    assert _kinds(audit, "error", "warning") == set()


def test_a_zero_stated_divisor_is_a_finding_on_its_line_not_an_abort() -> None:
    audit = _audit("zero_budget.yaml")
    rate = audit.result["rate"]
    assert rate.over_stated is None
    assert rate.over_stated_error is not None
    assert rate.over_stated_error.kind is cesuan.ErrorKind.DIVISION_BY_ZERO
    # 35 / 41 = 0.853658… → 0.8537 = 85.37%, as stated
    assert rate.shown == Decimal("0.8537")
    assert _kinds(audit, "error", "warning") == {
        ("budget", "sum_mismatch"),  # 40 + 1 = 41 万元, stated 0
        ("rate", "not_computable"),
    }
    # the shown 0.8537 is the stated 85.37% exactly
    assert {c.line_id: c.status for c in audit.checks}["rate"] == "match"


def _per_line(mode: str, places: int, unit: str | None) -> dict[str, Any]:
    rounding: dict[str, Any] = {"places": places, "mode": mode}
    if unit is not None:
        rounding["unit"] = unit
    return {
        "case": "verdicts.modes",
        "title": "取整方式",
        "lines": [
            {"id": "fund", "label": "补助资金", "stated": "50 万元"},
            {"id": "plants", "label": "株数", "stated": "17600 个"},
            {
                "id": "per",
                "label": "每株补助",
                "formula": "fund / plants",
                "unit": "元/个",
                "round": rounding,
            },
        ],
    }


@pytest.mark.parametrize(
    ("mode", "places", "unit", "want"),
    [
        # 28.40909… 元/个
        ("half_up", 2, None, "28.41"),
        ("ceil", 2, None, "28.41"),
        ("floor", 2, None, "28.40"),
        ("half_up", 0, None, "28"),
        ("ceil", 0, None, "29"),
        # in 万元/个: 0.002840909…; to 4 places: 0.0028 / 0.0029 / 0.0028 → ×10000 元/个
        ("half_up", 4, "万元/个", "28"),
        ("ceil", 4, "万元/个", "29"),
        ("floor", 4, "万元/个", "28"),
    ],
)
def test_every_rounding_is_applied_alike_on_both_paths(
    mode: str, places: int, unit: str | None, want: str
) -> None:
    per = cesuan.evaluate(_per_line(mode, places, unit))["per"]
    assert Fraction(per.shown) == Fraction(Decimal(want))
    assert per.over_stated is not None
    assert Fraction(per.over_stated) == Fraction(Decimal(want))
    assert per.over_shown is not None
    assert Fraction(per.over_shown) == Fraction(Decimal(want))
