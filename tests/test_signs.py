"""The sign policy (issue 13, docs/case-format.md 正负): nothing is negative unless declared.

Each expected value below is worked by hand in a comment; which declarations allow a value is
the table in docs/case-format.md, copied here as ALLOWED (not read from cesuan).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import cesuan
from cesuan import CesuanError, CesuanErrors


def _case(*lines: dict[str, Any]) -> dict[str, Any]:
    return {"case": "sign.a", "title": "正负", "lines": list(lines)}


def _errors(case: dict[str, Any]) -> list[CesuanError]:
    with pytest.raises(CesuanError) as info:
        cesuan.evaluate(case)
    e = info.value
    return list(e) if isinstance(e, CesuanErrors) else [e]


def _rent(area: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": "hall.rent",
        "label": "大厅租金",
        "use": "rent.by_area",
        "inputs": {"area": area, "rate": "50 元/(平方米·月)", "months": "12 月"},
        "unit": "元",
        **extra,
    }


def test_a_negative_area_is_refused_with_the_declaration_as_hint() -> None:
    # Issue 13: -8369.34 平方米 × 50 × 12 gave -5021604 元 without a word.
    (e,) = _errors(_case(_rent("-8369.34 平方米")))
    assert (e.kind, e.line_id, e.field) == (
        "sign",
        "hall.rent",
        "lines[hall.rent].inputs.area.value",
    )
    assert "不能为负" in e.message
    assert "-8369.34 平方米" in e.message
    assert e.hint is not None
    assert "area: {value: -8369.34 平方米, sign: any}" in e.hint


def test_a_negative_input_declared_still_needs_its_line_declared_for_a_negative_result() -> None:
    area = {"value": "-10 平方米", "sign": "any"}
    # -10 × 50 × 12 = -6000 元: the input may be negative, but this money is not a change.
    (e,) = _errors(_case(_rent(area)))
    assert (e.kind, e.field) == ("sign", "lines[hall.rent].use")
    assert "-6000 元" in e.message
    # Declared a change: accepted, computed exactly.
    r = cesuan.evaluate(_case(_rent(area, sign="any")))
    assert r["hall.rent"].quantity.magnitude == -6000


@pytest.mark.parametrize("what", ["人", "元/(平方米·月)", "米", "%", "元"])
def test_every_kind_of_quantity_is_non_negative_by_default(what: str) -> None:
    line = {
        "id": "a",
        "label": "甲",
        "formula": "x * 0",
        "inputs": {"x": f"-1{what}" if what == "%" else f"-1 {what}"},
    }
    (e,) = _errors(_case(line))
    assert (e.kind, e.field) == ("sign", "lines[a].inputs.x.value")
    assert ("金额" if what == "元" else "物理量") in e.message


def test_a_change_line_may_be_negative_in_every_value() -> None:
    # 2409 − 2534.07 = −125.07 万元, stated so; the inputs are positive anyway.
    line = {
        "id": "d",
        "label": "比上年增减额",
        "formula": "now - before",
        "inputs": {"now": "2409 万元", "before": "2534.07 万元"},
        "stated": "-125.07 万元",
        "sign": "any",
    }
    r = cesuan.evaluate(_case(line))
    assert r["d"].quantity.magnitude == Decimal("-125.07")
    assert cesuan.audit(r).checks[0].status == "match"
    del line["sign"]
    kinds = sorted((e.field or "") for e in _errors(_case(line)))
    assert kinds == ["lines[d].stated.value"]  # the plan is refused before evaluating


def test_a_rule_that_computes_a_change_declares_it() -> None:
    # budget.change declares sign: any: 2409 − 2534.07 = −125.07 万元 with no declaration here.
    line = {
        "id": "d",
        "label": "比上年增减额",
        "use": "budget.change",
        "inputs": {"current": "2409 万元", "previous": "2534.07 万元"},
        "unit": "万元",
    }
    assert cesuan.evaluate(_case(line))["d"].quantity.magnitude == Decimal("-125.07")
    # The line's own declaration wins over the rule's.
    (e,) = _errors(_case({**line, "sign": "nonnegative"}))
    assert (e.kind, e.field) == ("sign", "lines[d].use")


def test_a_deduction_may_not_be_positive() -> None:
    ok = {"id": "cut", "label": "调转人员公务费", "value": "-44.35 万元", "sign": "negative"}
    assert cesuan.evaluate(_case(ok))["cut"].quantity.magnitude == Decimal("-44.35")
    (e,) = _errors(_case({**ok, "value": "44.35 万元"}))
    assert (e.kind, e.field) == ("sign", "lines[cut].value")
    assert "sign: negative" in e.message
    # Computed: 0 − 44.35 = −44.35 accepted; 44.35 − 0 refused.
    f = {"id": "cut", "label": "扣减", "formula": "a - b", "sign": "negative"}
    f["inputs"] = {"a": "0 万元", "b": "44.35 万元"}
    assert cesuan.evaluate(_case(f))["cut"].quantity.magnitude == Decimal("-44.35")
    f["inputs"] = {"a": "44.35 万元", "b": "0 万元"}
    (e,) = _errors(_case(f))
    assert (e.kind, e.field) == ("sign", "lines[cut].formula")


def test_a_deduction_stated_as_the_form_writes_it_is_compared_not_refused() -> None:
    # Forms write a deduction as "减少44.35万元": a positive stated amount on a negative line is
    # a mismatch for the audit (−44.35 ≠ 44.35), not a refusal.
    line = {
        "id": "cut",
        "label": "扣减",
        "value": "-44.35 万元",
        "stated": "44.35 万元",
        "sign": "negative",
    }
    assert cesuan.audit(_case(line)).checks[0].status == "mismatch"


def test_readings_the_form_did_not_write_are_not_sign_checked() -> None:
    # a computes 5, states 1; b computes 3, states 3. t = a − b: exact 5 − 3 = 2 (fine);
    # over the stated parts 1 − 3 = −2, a reading to compare, not a value of the case.
    lines = [
        {"id": "a", "label": "甲", "formula": "x", "inputs": {"x": "5 元"}, "stated": "1 元"},
        {"id": "b", "label": "乙", "formula": "x", "inputs": {"x": "3 元"}, "stated": "3 元"},
        {"id": "t", "label": "差", "formula": "a - b", "stated": "2 元"},
    ]
    r = cesuan.evaluate(_case(*lines))
    assert r["t"].over_stated == -2
    # The form's own written arithmetic 1-3 is evaluated as written (−2), its result is 2.
    w = {"id": "w", "label": "式", "value": "2 元", "written": {"expr": "1-3", "unit": "元"}}
    w["written"]["result"] = "2 元"
    assert cesuan.evaluate(_case(w))["w"].written == (-2,)


def test_zero_is_not_negative() -> None:
    line = {"id": "a", "label": "甲", "formula": "x - x", "inputs": {"x": "3 元"}}
    assert cesuan.evaluate(_case(line))["a"].quantity.magnitude == 0


# Which declarations allow a value of each sign (docs/case-format.md 正负): (line, input) → the
# signs an *input* may take; a line value follows the line's row with input None.
ALLOWED = {
    (None, None): {"+", "0"},
    ("nonnegative", None): {"+", "0"},
    ("any", None): {"+", "0", "-"},
    ("negative", None): {"+", "0", "-"},  # the line is a deduction: its inputs may be either
    (None, "any"): {"+", "0", "-"},
    (None, "negative"): {"-", "0"},
    ("any", "nonnegative"): {"+", "0"},
}


@pytest.mark.parametrize(("line_sign", "input_sign"), sorted(ALLOWED, key=str))
@pytest.mark.parametrize("value", ["+", "0", "-"])
def test_which_declarations_allow_which_input_signs(
    line_sign: str | None, input_sign: str | None, value: str
) -> None:
    text = {"+": "2 元", "0": "0 元", "-": "-2 元"}[value]
    inp: dict[str, Any] = {"value": text}
    if input_sign:
        inp["sign"] = input_sign
    # x × 0 = 0: the result's own sign never decides, only the input's.
    line: dict[str, Any] = {"id": "a", "label": "甲", "formula": "x * 0", "inputs": {"x": inp}}
    if line_sign:
        line["sign"] = line_sign
    if value in ALLOWED[(line_sign, input_sign)]:
        assert cesuan.evaluate(_case(line))["a"].quantity.magnitude == 0
    else:
        (e,) = _errors(_case(line))
        assert (e.kind, e.field) == ("sign", "lines[a].inputs.x.value")


def test_a_sign_error_in_a_file_names_file_and_line(tmp_path: Any) -> None:
    p = tmp_path / "c.yaml"
    p.write_text(
        "case: sign.f\ntitle: t\nlines:\n  - id: a\n    label: 甲\n    stated: -5 万元\n",
        encoding="utf-8",
    )
    (e,) = _errors(p)  # type: ignore[arg-type]
    assert (e.kind, e.file, e.line, e.line_id) == ("sign", str(p), 6, "a")
    assert "文件" in str(e)
    assert "第6行" in str(e)


def test_the_trace_says_where_a_negative_was_declared() -> None:
    rule_line = {
        "id": "d",
        "label": "增减额",
        "use": "budget.change",
        "inputs": {"current": "1 万元", "previous": {"value": "2 万元", "sign": "nonnegative"}},
        "unit": "万元",
    }
    cut = {"id": "cut", "label": "扣减", "value": "-1 万元", "sign": "negative"}
    plain = {"id": "p", "label": "甲", "value": "1 万元"}
    lines = cesuan.evaluate(_case(rule_line, cut, plain)).to_dict()["lines"]
    assert lines["d"]["sign"] == "any"  # from the rule
    assert lines["d"]["input_signs"] == {"previous": "nonnegative"}
    assert lines["cut"]["sign"] == "negative"
    assert "sign" not in lines["p"]


def test_a_bound_with_a_negative_end_is_refused_unless_declared() -> None:
    # -5~10 平方米 writes an area of −5 平方米: refused like a plain −5; declared, it is a range
    # [−5, 10] × 3 元/平方米 = [−15, 30] 元 (the line declares sign: any as well).
    line = {
        "id": "a",
        "label": "面积",
        "formula": "area * rate",
        "inputs": {"area": "-5~10 平方米", "rate": "3 元/平方米"},
        "unit": "元",
    }
    with pytest.raises(cesuan.CesuanError) as info:
        cesuan.evaluate({"case": "t", "title": "t", "lines": [line]})
    err = info.value.errors[0] if isinstance(info.value, cesuan.CesuanErrors) else info.value
    assert (err.kind, err.field) == ("sign", "lines[a].inputs.area.value")
    assert "-5 平方米" in err.message
    declared = {**line, "sign": "any"}
    r = cesuan.evaluate({"case": "t", "title": "t", "lines": [declared]})["a"]
    assert r.interval is not None
    assert (r.interval.lo, r.interval.hi) == (-15, 30)


def test_a_negative_amount_in_a_further_place_of_stated_is_refused_too() -> None:
    # `stated` as a list: the second place the form prints is a written value like the first.
    line = {"id": "a", "label": "甲", "value": "5 万元", "stated": ["5 万元", "-5 万元"]}
    (e,) = _errors(_case(line))
    assert (e.kind, e.line_id, e.field) == ("sign", "a", "lines[a].stated[1].value")
    assert "-5 万元" in e.message
