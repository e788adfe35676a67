"""The 测算依据 text: it shows every input as the form writes it and the result, the numbers in
it read back to the values, it is deterministic, and every shipped rule's template renders
every parameter."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cesuan
from cesuan.basis import explain_table
from cesuan.errors import CesuanError
from cesuan.rules import Rule, check_rule, load_rules
from tests.case_strategies import case_dicts

ROOT = Path(__file__).resolve().parents[1]
CASES = sorted((ROOT / "cases").rglob("*.yaml"))

# A number as the forms write it (8369.34, 30万, 98%), with the unit text that follows it.
_NUMBER = re.compile(
    r"(\d+(?:\.\d+)?(?:万|亿)?%?)((?:[元米月年天条件座次人个台辆所户套批项场期生起处平方公里亩顷学期季度·/()㎡²]|个月)*)"
)


def _read_back(text: str) -> list[tuple[Fraction, tuple[tuple[str, int], ...]]]:
    """Every quantity in a text, parsed back with cesuan's own parser (root value, dimension)."""
    out = []
    for number, unit in _NUMBER.findall(text):
        for cut in range(len(unit), -1, -1):  # the longest unit text that parses
            try:
                q = cesuan.parse_quantity(f"{number} {unit[:cut]}".strip())
            except CesuanError:
                continue
            out.append((Fraction(q.root()), q.unit.dims))
            break
    return out


def _as_form_writes(value: str) -> str:
    """'8369.34 平方米' → '8369.34平方米'; a duration '12 月' → '12个月' (as forms say it)."""
    compact = "".join(value.split())
    if re.fullmatch(r"[\d.万]+月", compact):
        return compact[:-1] + "个月"
    return compact


def _key(q: cesuan.Quantity) -> tuple[Fraction, tuple[tuple[str, int], ...]]:
    return Fraction(q.root()), q.unit.dims


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_text_shows_every_input_and_the_result(path: Path) -> None:
    result = cesuan.evaluate(path)
    for line_id, _, text, amount in explain_table(result):
        r = result[line_id]
        line = r.planned.line
        read = _read_back(text)
        for name, spec in line.inputs.items():
            if spec.ref is not None:
                continue  # shown as the line it refers to
            assert _as_form_writes(spec.value or "") in text, (line_id, name)
            if name in dict(r.planned.bounds):
                continue  # a bound reads back through cesuan.bounds (tests/test_bounds.py)
            assert _key(r.planned.inputs[name]) in read, (line_id, name)
        assert amount in text or amount.replace(" ", "") in text
        if r.interval is not None:
            continue  # a range, not one value (不低于4000万元)
        if r.value == r.exact and "…" not in text and not r.unit.dimensionless:
            assert _key(r.quantity) in read, line_id


def test_seed_rent_line_reads_like_the_form() -> None:
    text = cesuan.explain(ROOT / "cases/examples/hall-rent.yaml", "hall.rent")
    assert "8369.34平方米" in text
    assert "502.1604万元" in text
    text = cesuan.explain(ROOT / "cases/examples/hall-rent.yaml", "hall")
    assert text.startswith("大厅使用费用共计")
    assert "其中：大厅租金502.1604万元" in text


@settings(max_examples=40, deadline=None)
@given(case_dicts())
def test_text_is_deterministic_and_names_every_input(data: dict[str, Any]) -> None:
    first = cesuan.explain(cesuan.evaluate(data))
    assert first == cesuan.explain(cesuan.evaluate(data))
    for line in data["lines"]:
        for value in line.get("inputs", {}).values():
            assert _as_form_writes(value) in first


def _sample_value(unit: str | None, draw: st.DrawFn) -> str:
    n = draw(st.decimals(min_value=1, max_value=99999, places=draw(st.integers(0, 2))))
    return f"{n} {unit}" if unit else f"{draw(st.integers(1, 100))}%"


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(load_rules())), st.data())
def test_every_shipped_rule_renders_every_parameter(rule_id: str, data: st.DataObject) -> None:
    rule = load_rules()[rule_id]
    inputs = {k: _sample_value(p.unit, data.draw) for k, p in rule.params.items()}
    case = {
        "case": "t",
        "title": "t",
        "lines": [
            {"id": "x", "label": "测试", "use": rule_id, "inputs": inputs, "round": {"places": 2}}
        ],
    }
    text = cesuan.explain(cesuan.evaluate(case), "x")
    for value in inputs.values():
        assert _as_form_writes(value) in text


def test_a_template_naming_an_unknown_parameter_is_refused() -> None:
    rule = Rule(
        id="t.bad",
        label="坏模板",
        params={"a": {"label": "甲", "unit": "元"}},
        formula="a * 2",
        unit="元",
        text="{a}×2={result}，另见{b}",
    )
    with pytest.raises(CesuanError) as info:
        check_rule(rule, "formulas/t/bad.yaml")
    assert info.value.kind == "rule_binding"
    assert "'b'" in info.value.message


def test_markdown_table_for_the_form() -> None:
    from cesuan.report import explain_markdown

    md = explain_markdown(cesuan.evaluate(ROOT / "cases/examples/hall-rent.yaml"))
    assert "| 项目内容 | 测算依据及说明 | 金额 |" in md
    assert "| 大厅租金 |" in md
