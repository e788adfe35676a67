"""Audit output says exactly what the engine decided, in the forms' style: a range is never
shown as one number, a rate's bound findings in percent, amounts written as the forms write
them. Every expected text is worked by hand in a comment."""

from __future__ import annotations

from typing import Any

import cesuan
from cesuan import report


def _lines(case: Any) -> dict[str, dict[str, Any]]:
    data = report.audit_case(cesuan.audit(case))
    return {ln["line_id"]: ln for ln in data["lines"]}


def test_a_value_over_stated_bounds_is_no_single_number() -> None:
    # a states 9~17 万元, b 5 万元: over the stated parts the total is 14 to 22 万元, a range;
    # its upper end alone (22 万元) is not what the total is.
    case = {
        "case": "t.a",
        "title": "区间",
        "lines": [
            {"id": "a", "label": "甲", "stated": "9~17 万元"},
            {"id": "b", "label": "乙", "stated": "5 万元"},
            {"id": "total", "label": "合计", "formula": "a + b", "stated": "20 万元"},
        ],
    }
    total = _lines(case)["total"]
    assert total["status"] == "within_bound"
    assert total["value"] is None
    assert total["value_over_stated_parts"] is None
    assert total["value_over_stated_parts_exact"] is None
    assert total["range"] == "14万元至22万元"  # 9 + 5 = 14, 17 + 5 = 22


def test_a_range_read_as_one_value_over_stated_amounts_shows_that_value() -> None:
    # a = n × 1 万元/人 with n ≤ 10 人 is at most 10 万元, but the form states a = 9 万元 and
    # b = 5 万元: over those the total is one value, 9 + 5 = 14 万元, and that is what the
    # audit checks (match). Its computed range stays in `range`: 5 + [0, 10] = 5 to 15 万元.
    case = {
        "case": "t.p",
        "title": "点值",
        "lines": [
            {
                "id": "a",
                "label": "甲",
                "formula": "n * price",
                "inputs": {"n": {"value": "≤ 10 人"}, "price": {"value": "1 万元/人"}},
                "stated": "9 万元",
            },
            {"id": "b", "label": "乙", "stated": "5 万元"},
            {"id": "total", "label": "合计", "formula": "a + b", "stated": "14 万元"},
        ],
    }
    total = _lines(case)["total"]
    assert total["status"] == "match"
    assert total["value_over_stated_parts"] == "14 万元"
    assert total["range"] == "5万元至15万元"
