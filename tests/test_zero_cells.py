"""Zero cells (issue 11): a line whose stated amount is 0 with no calculation is one grouped
hint per case naming every such line, not one 无测算 hint each (six on one form)."""

from __future__ import annotations

from typing import Any

import cesuan


def _case(stated: list[str]) -> dict[str, Any]:
    lines = [{"id": f"c{i}", "label": f"资金{i}", "stated": s} for i, s in enumerate(stated)]
    return {"case": "z", "title": "零单元格", "lines": lines}


def _unverifiable(stated: list[str]) -> list[Any]:
    a = cesuan.audit(_case(stated))
    return [f for f in a.findings if f.kind == "unverifiable"]


def test_six_zero_cells_give_one_hint_naming_them_all() -> None:
    found = _unverifiable(
        ["0.00 万元", "0 万元", "12 万元", "0 元", "0.00 万元", "0 万元", "0 万元"]
    )
    zero = [f for f in found if "零单元格" in f.message]
    assert len(zero) == 1
    assert zero[0].message.startswith("6 行申报数为 0")
    for i in (0, 1, 3, 4, 5, 6):
        assert f"资金{i}（c{i}）" in zero[0].message
    # The non-zero amount without a calculation keeps its own hint.
    assert [f.line_id for f in found if "零单元格" not in f.message] == ["c2"]


def test_one_zero_cell_is_one_hint_and_none_is_none() -> None:
    (f,) = _unverifiable(["0 万元"])
    assert f.message == "申报数为 0，没有测算过程（零单元格）"
    assert all("零单元格" not in f.message for f in _unverifiable(["1 万元", "2 万元"]))


def test_a_zero_cell_still_counts_as_unverifiable_in_the_checks() -> None:
    a = cesuan.audit(_case(["0 万元", "0 万元"]))
    assert [c.status for c in a.checks] == ["unverifiable", "unverifiable"]
