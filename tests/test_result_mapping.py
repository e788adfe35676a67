"""Result is a read-only Mapping of line id → LineResult, in the case's order (issue 10)."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

import cesuan

# The total is written first, so the case order differs from the dependency order.
CASE = {
    "case": "demo.mapping",
    "title": "示例",
    "lines": [
        {"id": "total", "label": "合计", "formula": "a + b", "unit": "元"},
        {"id": "a", "label": "甲", "formula": "x * 2", "inputs": {"x": "3 元"}},
        {"id": "b", "label": "乙", "value": "4 元"},
    ],
}


def test_result_is_a_mapping_in_case_order() -> None:
    result = cesuan.evaluate(CASE)
    assert isinstance(result, Mapping)
    assert list(result) == ["total", "a", "b"]
    assert list(result.keys()) == ["total", "a", "b"]
    assert len(result) == 3
    assert "a" in result
    assert "nope" not in result
    assert result.get("nope") is None
    # 3 元 × 2 = 6 元; 6 + 4 = 10 元
    assert str(result["total"].quantity) == "10 元"
    assert [r.id for r in result.values()] == ["total", "a", "b"]
    # `lines` keeps dependency order: the total after its parts.
    assert [r.id for r in result.lines].index("total") == 2


def test_unknown_id_is_a_key_error() -> None:
    result = cesuan.evaluate(CASE)
    with pytest.raises(KeyError):
        result["nope"]
