"""The 测算依据 text: it shows every input as the form writes it and the result, the numbers in
it read back to the values, it is deterministic, and every shipped rule's template renders
every parameter."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cesuan
from cesuan import display
from cesuan.basis import explain_table
from cesuan.errors import CesuanError
from cesuan.rules import Rule, check_rule, load_rules
from tests.case_strategies import case_dicts

ROOT = Path(__file__).resolve().parents[1]
CASES = sorted((ROOT / "cases").rglob("*.yaml"))

# A number as the forms write it (8369.34, 30万, 98%), with the unit text that follows it.
_NUMBER = re.compile(
    r"(\d+(?:\.\d+)?(?:万|亿)?%?)((?:[元米月年天条件座次人个台辆所户套批项场期生起处家只头羽株棵栋村盏册份张间位名平方公里亩顷学期季度·/()㎡²]|个月)*)"
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


_UNIT = r"(?:[元米月年天条件座次人个台辆所户套批项场期生起处平方公里亩顷学期季度家村只头株羽栋位名份张间册盏棵·/()㎡²]|个月)*"


def _shows_input(text: str, value: str) -> bool:
    """Whether the text shows an input: its number as the case writes it, then its unit, said
    once — a denominator that the clause before it names after 每 (每条月租1200元 for
    1200 元/条/月) is not repeated. Read back with cesuan's own parser, that denominator put
    back, it must be the input."""
    q = cesuan.parse_quantity(value)
    m = re.match(r"\s*([+-]?[\d,]*\.?\d+)", value)
    assert m is not None, value
    number = m.group(1)
    for hit in re.finditer(rf"(?<![\d.]){re.escape(number)}([万亿]?%?)({_UNIT})", text):
        clause = re.split("[，：；。]", text[: hit.start()])[-1]
        said = "每" in clause
        back = "".join(f"/{n}" for n, e in q.unit.terms if e == -1 and said and n in clause)
        unit = hit.group(2)
        for cut in range(len(unit), -1, -1):  # the longest unit text that parses
            try:
                shown = cesuan.parse_quantity(f"{number}{hit.group(1)} {unit[:cut]}{back}")
            except CesuanError:
                continue
            if _key(shown) == _key(q):
                return True
    return False


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
            if name in dict(r.planned.bounds):
                # A bound is written as the form writes it; its reading is tests/test_bounds.py's.
                assert dict(r.planned.bounds)[name].words in text, (line_id, name)
                continue
            assert _shows_input(text, spec.value or ""), (line_id, name)
        assert amount in text, line_id
        if r.unit.dimensionless or r.interval is not None:
            continue  # a range is not one value (不低于4000万元)
        # The amount as the form writes it reads back as the value at the line's display
        # precision (cesuan.display), never as some other number …
        shown = display.show_line(r)
        assert (Fraction(shown.value) * r.unit.factor, r.unit.dims) in read, line_id
        # … and a line computed from its own inputs also shows the exact result it rounds.
        if r.planned.inputs and "…" not in text:
            assert (Fraction(r.exact) * r.unit.factor, r.unit.dims) in read, line_id


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
            assert _shows_input(first, value), value


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
            # sign: any — random inputs can make a remainder or a change negative; this test is
            # about the wording, the sign policy is tests/test_signs.py's.
            {
                "id": "x",
                "label": "测试",
                "use": rule_id,
                "inputs": inputs,
                "round": {"places": 2},
                "sign": "any",
            }
        ],
    }
    text = cesuan.explain(cesuan.evaluate(case), "x")
    for value in inputs.values():
        assert _shows_input(text, value), (text, value)


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


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_display_rounding_stays_out_of_the_trace(path: Path) -> None:
    """The text writes amounts as the form does (120.53); the JSON trace keeps the value the
    engine computed (120.528), for every line whose text rounds it for display."""
    result = cesuan.evaluate(path)
    lines = json.loads(result.to_json())["lines"]
    checked = []
    for r in result.lines:
        shown = display.show_line(r)
        if not shown.rounded or "…" in shown.text:
            continue
        number = lines[r.id]["value"].split()[0]
        # A non-terminating value is written rounded in the trace too, with its exact p/q.
        exact_text = lines[r.id].get("value_exact") or number
        assert Fraction(exact_text) == Fraction(r.value), r.id
        as_shown = Fraction(shown.value) / (100 if shown.percent else 1)
        assert Fraction(number) != as_shown, r.id
        checked.append(r.id)
    if path.name == "shenpi-dating.yaml":
        assert "hall.property" in checked  # 120.528 in the trace, 120.53 in the text
