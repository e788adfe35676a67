"""Reconciliation rules on small hand-made cases, each number worked out by hand."""

from __future__ import annotations

from typing import Any

import cesuan


def _case(*lines: dict[str, Any]) -> dict[str, Any]:
    return {"case": "t", "title": "测试", "lines": list(lines)}


def _errors(data: dict[str, Any]) -> set[tuple[str, str]]:
    return {(f.line_id, f.kind) for f in cesuan.audit(data).findings if f.severity == "error"}


def test_a_total_of_rounded_parts_is_no_discrepancy() -> None:
    # 物业费 5580 × 18 × 12 = 120.528 万元, stated 120.53; 租金 502.1604; 合计 703.6884 (exact)
    # or 622.6904 (over stated parts) — the form states 622.69: both readings round to it.
    data = _case(
        {
            "id": "a",
            "label": "租金",
            "formula": "x * r * 12 月",
            "inputs": {"x": "8369.34 平方米", "r": "50 元/(平方米·月)"},
            "stated": "502.1604 万元",
        },
        {
            "id": "b",
            "label": "物业费",
            "formula": "x * r * 12 月",
            "inputs": {"x": "5580 平方米", "r": "18 元/(平方米·月)"},
            "stated": "120.53 万元",
        },
        {"id": "t", "label": "合计", "formula": "a + b", "stated": "622.69 万元"},
    )
    audit = cesuan.audit(data)
    assert _errors(data) == set()
    assert {c.line_id: c.status for c in audit.checks} == {
        "a": "match",
        "b": "rounded_match",
        "t": "rounded_match",
    }


def test_parts_that_do_not_add_up_are_found_at_the_total() -> None:
    # a computes 5 but is stated 6; b is stated 7; the total is stated 12 = 5 + 7. The form's
    # own parts (6 + 7 = 13) do not add up to its total, so both a and t are findings.
    data = _case(
        {
            "id": "a",
            "label": "甲",
            "formula": "x * 1",
            "inputs": {"x": "5 万元"},
            "stated": "6 万元",
        },
        {"id": "b", "label": "乙", "stated": "7 万元"},
        {"id": "t", "label": "合计", "formula": "a + b", "stated": "12 万元"},
    )
    assert _errors(data) == {("a", "mismatch"), ("t", "sum_mismatch")}


def test_a_wrong_part_makes_totals_above_consequences_not_findings() -> None:
    # a computes 5, stated 6; t = a + b stated 13 (= 6 + 7, the form's parts add up): t is a
    # consequence (13 vs 12 on computed parts), and so is the grand total g above it.
    data = _case(
        {
            "id": "a",
            "label": "甲",
            "formula": "x * 1",
            "inputs": {"x": "5 万元"},
            "stated": "6 万元",
        },
        {"id": "b", "label": "乙", "stated": "7 万元"},
        {"id": "t", "label": "合计", "formula": "a + b", "stated": "13 万元"},
        {"id": "g", "label": "总计", "formula": "t + b", "stated": "20 万元"},
    )
    audit = cesuan.audit(data)
    assert _errors(data) == {("a", "mismatch")}
    consequences = {f.line_id: f.caused_by for f in audit.findings if f.kind == "consequence"}
    assert consequences == {"t": ("a",), "g": ("a",)}


def test_written_expressions_are_evaluated_as_written() -> None:
    data = _case(
        {
            "id": "s",
            "label": "核定经费",
            "formula": "(base - keep) * 98% + keep",
            "inputs": {"base": "3702 万元", "keep": "492 万元"},
            "written": {"expr": "3702-492*98%+492", "unit": "万元", "result": "3637.8 万元"},
            "stated": "3637.8 万元",
        },
    )
    audit = cesuan.audit(data)
    (f,) = [f for f in audit.findings if f.severity == "error"]
    assert (f.kind, f.computed, f.stated, f.difference) == (
        "written_expression",
        "3711.84 万元",
        "3637.8 万元",
        "74.04 万元",
    )


def test_stated_only_and_unquoted_amounts_are_reported_as_information() -> None:
    data = _case({"id": "a", "label": "培训费", "stated": "6.64 万元"})
    kinds = sorted(f.kind for f in cesuan.audit(data).findings)
    assert kinds == ["quote_missing", "unverifiable"]
    assert all(f.severity == "info" for f in cesuan.audit(data).findings)


def test_a_difference_just_over_half_a_unit_is_found() -> None:
    # 120.535 rounds half-up to 120.54, so a stated 120.53 is a mismatch by 0.005.
    data = _case(
        {
            "id": "a",
            "label": "甲",
            "formula": "x * 1",
            "inputs": {"x": "120.535 万元"},
            "stated": "120.53 万元",
        }
    )
    (f,) = [f for f in cesuan.audit(data).findings if f.severity == "error"]
    assert f.difference == "0.005 万元"
