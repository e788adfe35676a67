"""The engine against an independent exact model (issue 14).

Hypothesis draws a random case together with what every line must come to, computed here by a
tiny model in `fractions.Fraction` — its own unit factors, its own rounding — never by the
engine. The engine must agree with the model to the digit; a consistent case must reconcile;
and one stated amount moved by one unit of its last digit must be reported at exactly that line
(and nowhere but there and the lines that use it).

The model covers: rent-like leaves (area × rate × months) with the area in 平方米, 公顷 or 亩
(2000/3 平方米: a factor that is no power of ten), percentages of earlier lines, sums of them,
lines in 元 or 万元, stated amounts in 元 or 万元, and declared roundings in every mode and
unit on lines that no other line uses (so the model does not depend on how a rounded value
flows on: issue 18 changes that).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import cesuan

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# The model's own unit factors, in 元 / 平方米 / 月.
YUAN_PER = {"元": Fraction(1), "万元": Fraction(10000)}
SQM_PER = {"平方米": Fraction(1), "公顷": Fraction(10000), "亩": Fraction(2000, 3)}
MONTHS = [3, 6, 12, 24, 36]  # multiples of 3, so that 亩 (2000/3) stays a finite decimal


def _round(x: Fraction, places: int, mode: str) -> Fraction:
    """The model's rounding: half away from zero (四舍五入), toward +∞ or toward −∞."""
    s = x * 10**places
    if mode == "ceil":
        n = math.ceil(s)
    elif mode == "floor":
        n = math.floor(s)
    else:
        n = math.floor(abs(s) + Fraction(1, 2)) * (1 if s >= 0 else -1)
    return Fraction(n, 10**places)


def _text(x: Fraction) -> str:
    """Exact decimal text of a terminating fraction (the model's own, not exact.format_exact)."""
    k = 0
    while (x * 10**k).denominator != 1:
        k += 1
        assert k < 80, x
    return f"{Decimal(int(x * 10**k)).scaleb(-k):f}"


@dataclass
class Model:
    lines: list[dict[str, Any]] = field(default_factory=list)
    value: dict[str, Fraction] = field(default_factory=dict)  # in 元
    unit: dict[str, str] = field(default_factory=dict)
    users: dict[str, set[str]] = field(default_factory=dict)

    def add(self, line: dict[str, Any], yuan: Fraction, uses: list[str]) -> None:
        self.lines.append(line)
        self.value[line["id"]] = yuan
        self.unit[line["id"]] = line["unit"]
        self.users[line["id"]] = set()
        for u in uses:
            self.users[u].add(line["id"])

    def in_line_unit(self, line_id: str) -> Fraction:
        return self.value[line_id] / YUAN_PER[self.unit[line_id]]


@st.composite
def models(draw: st.DrawFn) -> Model:
    m = Model()
    for i in range(draw(st.integers(1, 4))):
        area = Fraction(draw(st.integers(1, 5_000_000)), 100)  # 0.01 … 50000.00
        area_unit = draw(st.sampled_from(sorted(SQM_PER)))
        rate = draw(st.integers(1, 120))
        months = draw(st.sampled_from(MONTHS))
        unit = draw(st.sampled_from(["元", "万元"]))
        line = {
            "id": f"leaf{i}",
            "label": f"分项{i}",
            "formula": "area * rate * months",
            "inputs": {
                "area": f"{_text(area)} {area_unit}",
                "rate": f"{rate} 元/(平方米·月)",
                "months": f"{months} 月",
            },
            "unit": unit,
        }
        # area × SQM_PER → 平方米; × rate 元/(平方米·月) × months 月 → 元
        m.add(line, area * SQM_PER[area_unit] * rate * months, [])
    for j in range(draw(st.integers(0, 4))):
        earlier = [ln["id"] for ln in m.lines]
        unit = draw(st.sampled_from(["元", "万元"]))
        if draw(st.booleans()):
            base = draw(st.sampled_from(earlier))
            pct = draw(st.integers(1, 100))
            line = {"id": f"pct{j}", "label": f"比例{j}", "formula": f"{base} * {pct}%"}
            m.add({**line, "unit": unit}, m.value[base] * pct / 100, [base])
        else:
            parts = draw(st.lists(st.sampled_from(earlier), min_size=1, max_size=4, unique=True))
            line = {"id": f"sum{j}", "label": f"合计{j}", "formula": " + ".join(parts)}
            m.add({**line, "unit": unit}, sum((m.value[p] for p in parts), Fraction(0)), parts)
    # Declared roundings, only on lines nobody uses (see the module docstring).
    for line in m.lines:
        if not m.users[line["id"]] and draw(st.booleans()):
            places = draw(st.integers(0, 3))
            mode = draw(st.sampled_from(["half_up", "ceil", "floor"]))
            runit = draw(st.sampled_from(["元", "万元"]))
            line["round"] = {"places": places, "mode": mode, "unit": runit}
            rounded = _round(m.value[line["id"]] / YUAN_PER[runit], places, mode) * YUAN_PER[runit]
            m.value[line["id"]] = rounded
    return m


def _case(lines: list[dict[str, Any]]) -> dict[str, Any]:
    return {"case": "model.case", "title": "模型核对", "lines": lines}


def _stated(m: Model, draw_unit: list[str]) -> list[dict[str, Any]]:
    """Every line stated as the model's exact value, each in the unit drawn for it."""
    out = []
    for line, unit in zip(m.lines, draw_unit, strict=True):
        out.append({**line, "stated": f"{_text(m.value[line['id']] / YUAN_PER[unit])} {unit}"})
    return out


@SETTINGS
@given(models())
def test_the_engine_equals_the_exact_model(m: Model) -> None:
    result = cesuan.evaluate(_case(m.lines))
    for line in m.lines:
        q = result[line["id"]].quantity
        assert q.unit.text == line["unit"]
        assert Fraction(q.magnitude) == m.in_line_unit(line["id"]), line["id"]


@SETTINGS
@given(models(), st.data())
def test_a_case_stated_as_the_model_says_reconciles(m: Model, data: st.DataObject) -> None:
    units = data.draw(
        st.lists(st.sampled_from(["元", "万元"]), min_size=len(m.lines), max_size=len(m.lines))
    )
    audit = cesuan.audit(_case(_stated(m, units)))
    assert [f for f in audit.findings if f.severity != "info"] == []
    assert {c.status for c in audit.checks} == {"match"}


@SETTINGS
@given(models(), st.data())
def test_one_stated_amount_off_by_one_in_its_last_digit_is_found_at_that_line(
    m: Model, data: st.DataObject
) -> None:
    n = len(m.lines)
    units = data.draw(st.lists(st.sampled_from(["元", "万元"]), min_size=n, max_size=n))
    lines = _stated(m, units)
    i = data.draw(st.integers(0, n - 1))
    # A declared rounding on a line that uses other lines is not applied over the stated parts
    # (issue 18): test_rounding_over_the_stated_parts_is_applied pins it; not drawn here.
    assume(not ("round" in lines[i] and lines[i]["formula"] != "area * rate * months"))
    sign = data.draw(st.sampled_from([1, -1]))
    number, unit = lines[i]["stated"].split(" ")
    d = Decimal(number)
    step = Decimal(1).scaleb(min(d.as_tuple().exponent, -2))  # type: ignore[arg-type]
    moved = d + sign * step
    if moved < 0:
        moved = d + step  # a stated amount below zero is refused by the sign policy (issue 13)
    lines[i] = {**lines[i], "stated": f"{moved} {unit}"}
    audit = cesuan.audit(_case(lines))
    target = lines[i]["id"]
    errors = {(f.line_id, f.kind) for f in audit.findings if f.severity == "error"}
    # Every other line is stated exactly, so the moved amount differs from both readings of
    # its line (over computed values and over stated parts, which agree here): found there.
    assert errors & {(target, "mismatch"), (target, "sum_mismatch")}, (target, errors)
    # Elsewhere, only the lines that use it can see the change (their stated parts moved).
    assert {line_id for line_id, _ in errors} <= {target} | _above(m, target)


def _above(m: Model, line_id: str) -> set[str]:
    out: set[str] = set()
    todo = [line_id]
    while todo:
        for u in m.users[todo.pop()]:
            if u not in out:
                out.add(u)
                todo.append(u)
    return out


def test_rounding_over_the_stated_parts_is_applied() -> None:
    # Found by the property above. Parts 2412720 + 16180 + 160 = 2429060 元 = 242.906 万元; the
    # total rounds to 1 place of 万元: 242.9 万元. Stated 242.91 万元 is off by 0.01 on both
    # readings (242.9 over computed values, and over the stated parts, which are the same
    # numbers); reported today as 受上游差异影响 with no cause, because the stated parts are
    # added without the line's rounding (242.906 → 242.91 at the stated 2 places).
    parts = [("leaf1", "2412720 元"), ("leaf2", "16180 元"), ("leaf3", "160 元")]
    lines: list[dict[str, Any]] = [
        {"id": k, "label": k, "formula": "x * 1", "inputs": {"x": v}, "unit": "元", "stated": v}
        for k, v in parts
    ]
    lines.append(
        {
            "id": "total",
            "label": "合计",
            "formula": "leaf1 + leaf2 + leaf3",
            "unit": "元",
            "round": {"places": 1, "unit": "万元"},
            "stated": "242.91 万元",
        }
    )
    audit = cesuan.audit(_case(lines))
    assert audit.result["total"].quantity.magnitude == 2429000
    errors = {(f.line_id, f.kind) for f in audit.findings if f.severity != "info"}
    assert errors == {("total", "sum_mismatch")}
