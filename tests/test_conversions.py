"""Declared conversions (`conversions:`): counted units and periods a case says are the same
thing, or how many of one make one of the other. Oracles are hand-worked in the comments."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cesuan
from cesuan import CesuanError, CesuanErrors
from cesuan.cli import main
from cesuan.conversions import MEASURED, PERIODS, declare, undeclared_hint
from cesuan.quantity import parse_quantity
from cesuan.units import canonical_names, lookup_name, parse_unit


def _case(lines: list[dict[str, Any]], conversions: list[dict[str, str]]) -> dict[str, Any]:
    return {"case": "t", "title": "换算", "conversions": conversions, "lines": lines}


YOUER = {
    "id": "spring",
    "label": "幼儿资助·春季学期",
    "use": "education.per_student_year",
    "inputs": {"students": "671 人", "rate": "800 元/生/年", "years": "1 学期"},
    "unit": "万元",
    "stated": "26.84 万元",
}
SEMESTER = {"from": "1 学期", "to": "0.5 年", "note": "本案例按半年计"}
PERSON = {"from": "1 生", "to": "1 人"}


def _errors(data: dict[str, Any]) -> list[CesuanError]:
    with pytest.raises(CesuanError) as info:
        cesuan.evaluate(data)
    e = info.value
    return list(e.errors) if isinstance(e, CesuanErrors) else [e]


def test_students_counted_as_persons_and_a_semester_as_half_a_year() -> None:
    # 671 人 × 800 元/生/年 × 1 学期, 1 生 = 1 人, 1 学期 = 0.5 年:
    # 671 × 800 = 536800; × 0.5 = 268400 元 = 26.84 万元.
    a = cesuan.audit(_case([YOUER], [PERSON, SEMESTER]))
    r = a.result["spring"]
    assert str(r.quantity) == "26.84 万元"
    assert [c.status for c in a.checks] == ["match"]
    assert [d.text for d in r.planned.declared] == ["1生=1人", "1学期=0.5年"]


def test_the_assumption_is_said_in_the_basis_and_recorded_in_the_trace() -> None:
    data = _case([YOUER], [PERSON, SEMESTER])
    text = cesuan.explain(data)
    assert "（按1生=1人、1学期=0.5年计，本案例假设：本案例按半年计）。" in text
    trace = cesuan.evaluate(data).to_dict()["lines"]["spring"]
    assert [(d["from"], d["to"], d["factor"]) for d in trace["declared_conversions"]] == [
        ("1 生", "1 人", "1"),
        ("1 学期", "0.5 年", "0.5"),
    ]
    # The line's own conversion factor includes the declared ones: 人·元·学期/(生·年) → 万元
    # is 1 (人/生) × 1/2 (学期/年) × 1/10000 (元/万元) = 1/20000.
    assert trace["conversion"]["factor"] == "0.00005"


def test_192_animals_are_180_sheep_and_12_cattle() -> None:
    # 180 只 + 12 头 with 1 头 = 1 只: 192 只.
    line = {
        "id": "n",
        "label": "养殖数",
        "formula": "sheep + cattle",
        "inputs": {"sheep": "180 只", "cattle": "12 头"},
        "stated": "192 只",
    }
    a = cesuan.audit(_case([line], [{"from": "1 头", "to": "1 只"}]))
    assert str(a.result["n"].quantity) == "192 只"
    assert [c.status for c in a.checks] == ["match"]


def test_a_ratio_other_than_one_is_exact() -> None:
    # 1 户 = 3 人 (a case's own average household): 40 户 × 120 元/人 = 40 × 3 × 120 = 14400 元.
    line = {
        "id": "a",
        "label": "补助",
        "formula": "households * rate",
        "inputs": {"households": "40 户", "rate": "120 元/人"},
        "unit": "元",
    }
    r = cesuan.evaluate(_case([line], [{"from": "1 户", "to": "3 人"}]))
    assert str(r["a"].quantity) == "14400 元"


def test_a_chain_of_declarations_joins_its_ends() -> None:
    # 1 羽 = 1 头 and 1 头 = 1 只: 5 羽 + 2 只 = 7 只, resting on both declarations.
    line = {"id": "a", "label": "数", "formula": "x + y", "inputs": {"x": "2 只", "y": "5 羽"}}
    conv = [{"from": "1 羽", "to": "1 头"}, {"from": "1 头", "to": "1 只"}]
    r = cesuan.evaluate(_case([line], conv))
    assert str(r["a"].quantity) == "7 只"
    assert [d.index for d in r["a"].planned.declared] == [0, 1]


def test_without_a_declaration_the_error_shows_the_one_to_add() -> None:
    (e,) = _errors(_case([YOUER], [SEMESTER]))
    assert e.kind == "dimension_mismatch"
    assert "只差计数单位 人 与 生" in (e.hint or "")
    assert "conversions: [{from: 1 生, to: 1 人}]" in (e.hint or "")
    (e,) = _errors(_case([YOUER], [PERSON]))
    assert "只差时期 学期 与 年" in (e.hint or "")
    assert "{from: 1 学期, to: … 年" in (e.hint or "")


def test_an_addition_of_two_counted_units_names_the_declaration() -> None:
    line = {"id": "a", "label": "数", "formula": "x + y", "inputs": {"x": "2 只", "y": "5 头"}}
    (e,) = _errors(_case([line], []))
    assert e.kind == "dimension_mismatch"
    assert "{from: 1 头, to: 1 只}" in (e.hint or "")


def test_a_real_dimension_error_gets_no_declaration_hint() -> None:
    assert undeclared_hint(parse_unit("元"), parse_unit("人")) is None
    assert undeclared_hint(parse_unit("元/人"), parse_unit("元/年")) is None  # counted vs period
    assert undeclared_hint(parse_unit("平方米"), parse_unit("米")) is None


# The hint of a dimension error says what the two quantities are. Hand-written wording: the
# "counted units are independent" hint only where both sides are counted units or periods.
_KINDS = "是不同种类的量，相差一个 {} 的因子：常见原因是漏乘（或多乘）了单价、费率、标准或时长，或某个单位写错"


@pytest.mark.parametrize(
    ("line", "hint"),
    [
        # 元 + 平方米: money and area; the area wants a unit price in 元/平方米.
        (
            {"formula": "x + y", "inputs": {"x": "10 元", "y": "5 平方米"}},
            "金额（元）与面积（平方米）" + _KINDS.format("元/平方米"),
        ),
        # A formula giving 元 on a line stated in 平方米.
        (
            {"formula": "x", "inputs": {"x": "10 元"}, "stated": "5 平方米"},
            "金额（元）与面积（平方米）" + _KINDS.format("元/平方米"),
        ),
        # 元 + 条: a count where money is wanted (a price per 条 left out).
        (
            {"formula": "x + y", "inputs": {"x": "10 元", "y": "5 条"}},
            "金额（元）与数量（条）" + _KINDS.format("元/条"),
        ),
        # 50 元/(平方米·月) × 100 平方米 × 12 = 元/月 on a line in 元: the 12 has no 月.
        (
            {
                "formula": "rate * area * 12",
                "inputs": {"rate": "50 元/平方米/月", "area": "100 平方米"},
                "unit": "元",
            },
            "单价或标准（元/月）与金额（元）" + _KINDS.format("月"),
        ),
        # 人 + 条/人: both counted, not one-to-one: no declaration joins them, no kind to name.
        (
            {"formula": "x + y", "inputs": {"x": "10 人", "y": "5 条/人"}},
            "计数单位、时期各自独立，换算须写成输入，如 1 条/件",
        ),
    ],
)
def test_a_real_dimension_error_names_the_two_kinds(line: dict[str, Any], hint: str) -> None:
    (e,) = _errors(_case([{"id": "a", "label": "甲", **line}], []))
    assert e.kind == "dimension_mismatch"
    assert e.hint == hint


@pytest.mark.parametrize(
    ("conv", "words"),
    [
        ([{"from": "1 元", "to": "1 人"}, PERSON, SEMESTER], "元（量纲 元）不是"),
        ([{"from": "1 亩", "to": "1 户"}, PERSON, SEMESTER], "亩（量纲 米²）不是"),  # 亩 is an area
        ([{"from": "1 人", "to": "1 年"}, PERSON, SEMESTER], "一个是计数单位、一个是时期"),
        ([{"from": "1 万元", "to": "10000 元"}, PERSON, SEMESTER], "万元（量纲 元）不是"),
        ([{"from": "1 月", "to": "0.1 年"}, PERSON, SEMESTER], "本来就能精确换算"),
        ([PERSON, {"from": "1 人", "to": "2 生"}, SEMESTER], "矛盾"),
        ([PERSON, PERSON, SEMESTER], "重复声明"),
        ([PERSON, SEMESTER, {"from": "1 户", "to": "3 人"}], "没有任何一行用到"),
        ([PERSON, SEMESTER, {"from": "0 户", "to": "3 人"}], "须大于 0"),
    ],
)
def test_a_bad_declaration_is_a_located_error(conv: list[dict[str, str]], words: str) -> None:
    errors = _errors(_case([YOUER], conv))
    assert {e.kind for e in errors} == {"conversion"}
    assert any(words in e.message for e in errors), [e.message for e in errors]
    assert all((e.field or "").startswith("conversions[") for e in errors)


def test_a_bad_declaration_in_a_file_names_its_line(tmp_path: Any) -> None:
    f = tmp_path / "c.yaml"
    f.write_text(
        "case: c\ntitle: t\nconversions:\n  - {from: 1 生, to: 1 人}\n  - {from: 1 户, to: 3 人}\n"
        "lines:\n  - id: a\n    label: 甲\n    formula: n * r\n"
        "    inputs: {n: 3 人, r: 5 元/生}\n    unit: 元\n",
        encoding="utf-8",
    )
    with pytest.raises(CesuanError) as info:
        cesuan.load_case(f)
    e = info.value
    assert (e.kind, e.line, e.field) == ("conversion", 5, "conversions[1]")
    assert "1户=3人" in e.message


def test_every_root_dimension_is_measured_a_period_or_counted() -> None:
    roots = {d for n in set(canonical_names().values()) for d, _ in lookup_name(n).dims}  # type: ignore[union-attr]
    assert roots >= MEASURED | PERIODS
    counted = roots - MEASURED - PERIODS
    assert {"人", "生", "人次", "户", "个", "家", "所", "村", "只", "头", "羽", "株"} <= counted


def test_declare_keeps_the_ratio_exact() -> None:
    # 1 学期 = 4.5 月 = 4.5/12 年 = 3/8 年, exactly (never 0.375 in binary).
    conv, errors = declare(
        [(parse_quantity("1 学期"), parse_quantity("4.5 月"), "1 学期", "4.5 月", None)]
    )
    assert errors == []
    assert conv.declared[0].ratio == Fraction(3, 8)


# Rewriting a case into the other unit of a declared pair, with the value converted by hand,
# gives the same amounts. The rewritten case no longer needs the pair, so it drops it.
TERM_MONTHS = {
    "0.5 年": Fraction(6),
    "4.5 月": Fraction(9, 2),
    "5 月": Fraction(5),
    "1 季度": Fraction(3),
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    students=st.integers(1, 10**6),
    rate=st.integers(1, 10**5),
    terms=st.integers(1, 8),
    per_term=st.sampled_from(sorted(TERM_MONTHS)),
    persons_per_student=st.sampled_from([1, 2, 3]),
    cattle=st.integers(0, 10**4),
)
def test_rewriting_into_the_other_unit_gives_the_same_amount(
    students: int, rate: int, terms: int, per_term: str, persons_per_student: int, cattle: int
) -> None:
    line = {
        "id": "a",
        "label": "资助",
        "formula": "n * rate * t",
        "inputs": {
            "n": f"{students * persons_per_student} 人",
            "rate": f"{rate} 元/生/年",
            "t": f"{terms} 学期",
        },
        "unit": "元",
    }
    herd = {
        "id": "b",
        "label": "头数",
        "formula": "x + y",
        "inputs": {"x": "7 只", "y": f"{cattle} 头"},
        "unit": "只",
    }
    conv = [
        {"from": "1 学期", "to": per_term},
        {"from": "1 生", "to": f"{persons_per_student} 人"},
        {"from": "1 头", "to": "1 只"},
    ]
    declared = cesuan.evaluate(_case([line, herd], conv))
    months = terms * TERM_MONTHS[per_term]  # by hand: a whole or half number of months
    by_hand = [
        dict(line, inputs=dict(line["inputs"], n=f"{students} 生", t=f"{_decimal(months)} 月")),
        dict(herd, inputs=dict(herd["inputs"], y=f"{cattle} 只")),
    ]
    rewritten = cesuan.evaluate(_case(by_hand, []))
    for k in ("a", "b"):
        assert declared[k].quantity.unit.text == rewritten[k].quantity.unit.text
        assert Fraction(declared[k].quantity.magnitude) == Fraction(rewritten[k].quantity.magnitude)


def _decimal(x: Fraction) -> str:
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator // 2}.5"


def test_a_plain_value_is_never_converted_by_a_declaration() -> None:
    # Only a formula's typed tree carries the declared factor: `value: 1 学期` on a line whose
    # unit is 年 is refused (it would otherwise be shown as 1 年), even with 1 学期 = 0.5 年.
    value = {"id": "v", "label": "学期", "value": "1 学期", "unit": "年"}
    errors = _errors(_case([YOUER, value], [PERSON, SEMESTER]))
    assert [(e.kind, e.line_id) for e in errors] == [("dimension_mismatch", "v")]
    assert "conversions" not in (errors[0].hint or "")  # declaring it would not help


def test_the_audit_json_lists_each_line_s_assumption(capsys: Any) -> None:
    youer = Path(__file__).resolve().parents[1] / "cases/huoshan-jyj/youer.yaml"
    main(["audit", "--format", "json", str(youer)])
    data = json.loads(capsys.readouterr().out)
    assert data["cases"][0]["assumptions"] == [
        {
            "line_id": "spring",
            "text": "按1生=1人、1学期=0.5年计，本案例假设：资助人数即受资助幼儿数；一学年按两个学期、每学期半年计",
        }
    ]


def test_days_and_months_join_by_a_declared_month() -> None:
    # 100 元/月 × 45 天 with 1 月 = 30 天: 45 ÷ 30 × 100 = 150 元 (docs/units.md: 天 is its own
    # dimension; the case says what a month is).
    line = {
        "id": "a",
        "label": "租金",
        "formula": "rate * days",
        "inputs": {"rate": "100 元/月", "days": "45 天"},
        "unit": "元",
    }
    r = cesuan.evaluate(_case([line], [{"from": "1 月", "to": "30 天"}]))
    assert str(r["a"].quantity) == "150 元"
    assert "按1月=30天计" in cesuan.explain(_case([line], [{"from": "1 月", "to": "30 天"}]))


def test_a_bad_declaration_after_an_unreadable_one_keeps_its_own_position() -> None:
    # conversions[0] cannot be read (an unknown unit), conversions[1] declares money: its error
    # must name conversions[1], not the position it has among the readable ones (0).
    errors = _errors(
        _case([YOUER], [{"from": "1 货币单位", "to": "1 人"}, {"from": "1 元", "to": "1 人"}])
    )
    fields = sorted(e.field or "" for e in errors)
    assert any(f.startswith("conversions[0]") for f in fields), fields
    money = [e for e in errors if "元（量纲 元）不是" in e.message]
    assert money, [e.message for e in errors]
    assert all((e.field or "").startswith("conversions[1]") for e in money), fields
