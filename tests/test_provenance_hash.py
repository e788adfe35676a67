"""Provenance hashes identify the whole calculation behind a number (issue 14).

Changing any input's value, unit, label, quote or source — or the stated amount, formula or
label of a line — changes the hash of that line and of every line that uses it, directly or
through other lines, and of nothing else: not the lines it uses, not unrelated lines. The
expected sets of changed lines are written out by hand from the case's dependency graph.

The bugs these catch: a hash leaving out a line's inputs (or some field of them), or leaving
out the hashes of the lines it uses.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

import cesuan

SOURCE = (
    "大厅面积100平方米，大厅面积200平方米，每平方米5元，每平方米6元，"
    "合计1000元，另计500元，杂费300元。"
)

# The graph: a (inputs x, y) ← b = a × 2 ← c = b + d;  d (input z) stands alone under c;
# e is a stated-only line nobody uses.
#   a → {a, b, c}   b → {b, c}   c → {c}   d → {d, c}   e → {e}
DOWNSTREAM = {"a": {"a", "b", "c"}, "b": {"b", "c"}, "c": {"c"}, "d": {"d", "c"}, "e": {"e"}}


def _base() -> dict[str, Any]:
    return {
        "case": "prov.hash",
        "title": "哈希",
        "lines": [
            {
                "id": "a",
                "label": "面积租金",
                "formula": "x * y",
                "inputs": {
                    "x": {
                        "value": "100 平方米",
                        "label": "大厅面积",
                        "quote": "大厅面积100平方米",
                        "source": "甲文号",
                    },
                    "y": {"value": "5 元/平方米", "label": "单价", "quote": "每平方米5元"},
                },
                "unit": "元",
                "stated": {"value": "500 元", "quote": "另计500元"},
            },
            {"id": "b", "label": "两倍", "formula": "a * 2", "unit": "元"},
            {
                "id": "c",
                "label": "合计",
                "formula": "b + d",
                "unit": "元",
                "stated": {"value": "1000 元", "quote": "合计1000元"},
            },
            {
                "id": "d",
                "label": "杂费",
                "formula": "z * 1",
                "inputs": {"z": {"value": "0 元", "source": "乙文号"}},
                "unit": "元",
            },
            {"id": "e", "label": "其他", "stated": "300 元"},
        ],
    }


def _hashes(data: dict[str, Any]) -> dict[str, str]:
    case = cesuan.load_case(data, source_text=SOURCE)
    lines = cesuan.evaluate(case).to_dict()["lines"]
    assert isinstance(lines, dict)
    return {k: v["hash"] for k, v in lines.items()}


def _line(data: dict[str, Any], line_id: str) -> dict[str, Any]:
    return next(ln for ln in data["lines"] if ln["id"] == line_id)


def _set(path: tuple[str, ...], value: Any) -> Callable[[dict[str, Any]], str]:
    """A change at lines[id] → path (the first element is the line id)."""

    def change(data: dict[str, Any]) -> str:
        target = _line(data, path[0])
        for key in path[1:-1]:
            target = target[key]
        target[path[-1]] = value
        return path[0]

    return change


CHANGES = {
    # each input field of line a's input x
    "input value": _set(("a", "inputs", "x", "value"), "200 平方米"),
    "input unit": _set(("a", "inputs", "x", "value"), "100 公顷"),
    "input label": _set(("a", "inputs", "x", "label"), "面积"),
    "input quote": _set(("a", "inputs", "x", "quote"), "大厅面积200平方米"),
    "input source": _set(("a", "inputs", "x", "source"), "丙文号"),
    "input source added": _set(("a", "inputs", "y", "source"), "丁文号"),
    "input quote of another input": _set(("a", "inputs", "y", "quote"), "每平方米6元"),
    # a line's own fields, upstream of others
    "line label": _set(("a", "label"), "租金"),
    "line formula": _set(("a", "formula"), "y * x"),
    "line stated": _set(("a", "stated", "value"), "600 元"),
    "line stated quote": _set(("a", "stated", "quote"), "合计1000元"),
    "middle line formula": _set(("b", "formula"), "a * 3"),
    "middle line label": _set(("b", "label"), "三倍"),
    "top line label": _set(("c", "label"), "总计"),
    "side input source": _set(("d", "inputs", "z", "source"), "戊文号"),
    "side input value": _set(("d", "inputs", "z", "value"), "300 元"),
    "stated-only line": _set(("e", "stated"), "301 元"),
}


@pytest.mark.parametrize("what", sorted(CHANGES))
def test_a_change_moves_the_hash_of_its_line_and_of_every_line_above_it_only(what: str) -> None:
    before = _hashes(_base())
    data = copy.deepcopy(_base())
    changed_line = CHANGES[what](data)
    after = _hashes(data)
    changed = {k for k in before if before[k] != after[k]}
    assert changed == DOWNSTREAM[changed_line], what


def test_the_case_hash_covers_every_line() -> None:
    base = cesuan.evaluate(cesuan.load_case(_base(), source_text=SOURCE)).to_dict()["hash"]
    for what, change in CHANGES.items():
        data = copy.deepcopy(_base())
        change(data)
        other = cesuan.evaluate(cesuan.load_case(data, source_text=SOURCE)).to_dict()["hash"]
        assert other != base, what


def test_a_ref_input_is_covered_by_the_hash_of_the_line_it_is_bound_to() -> None:
    # rent.by_area's area bound to line a (a ref input): a change in a's inputs moves the hash
    # of the line that uses a through the binding.
    def case(area_label: str) -> dict[str, Any]:
        data = _base()
        data["lines"].append(
            {
                "id": "f",
                "label": "绑定",
                "formula": "base * 2",
                "inputs": {"base": {"ref": "a"}},
                "unit": "元",
            }
        )
        _line(data, "a")["inputs"]["x"]["label"] = area_label
        return data

    one, two = _hashes(case("大厅面积")), _hashes(case("面积"))
    assert one["f"] != two["f"]
    assert one["e"] == two["e"]
