"""Hypothesis strategies for whole cases: leaf lines with units, sums of earlier lines,
percentages, declared roundings; consistent stated amounts; unit rewrites; cycles."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

import cesuan
from cesuan import exact

MONTHS = [3, 6, 9, 12, 24, 36]  # whole quarters, so that 月 → 年 stays a finite decimal


@st.composite
def case_dicts(draw: st.DrawFn, *, max_leaves: int = 5, max_sums: int = 4) -> dict[str, Any]:
    """An acyclic case: rent-like leaves, percentages of earlier lines and sums of them."""
    lines: list[dict[str, Any]] = []
    n_leaves = draw(st.integers(1, max_leaves))
    for i in range(n_leaves):
        area = draw(st.decimals(min_value=1, max_value=50000, places=2))
        rate = draw(st.integers(1, 120))
        months = draw(st.sampled_from(MONTHS))
        line: dict[str, Any] = {
            "id": f"leaf{i}",
            "label": f"分项{i}",
            "formula": "area * rate * months",
            "inputs": {
                "area": f"{area} 平方米",
                "rate": f"{rate} 元/(平方米·月)",
                "months": f"{months} 月",
            },
            "unit": "万元",
        }
        if draw(st.booleans()):
            line["round"] = {"places": draw(st.integers(0, 2))}
        lines.append(line)
    for j in range(draw(st.integers(0, max_sums))):
        earlier = [ln["id"] for ln in lines]
        if draw(st.booleans()):
            base = draw(st.sampled_from(earlier))
            pct = draw(st.integers(1, 100))
            lines.append(
                {
                    "id": f"pct{j}",
                    "label": f"比例{j}",
                    "formula": f"{base} * {pct}%",
                    "unit": "万元",
                }
            )
        else:
            parts = draw(st.lists(st.sampled_from(earlier), min_size=1, max_size=4, unique=True))
            lines.append(
                {"id": f"sum{j}", "label": f"合计{j}", "formula": " + ".join(parts), "unit": "万元"}
            )
    return {"case": "gen.case", "title": "生成的案例", "lines": lines}


def with_consistent_stated(data: dict[str, Any], places: list[int]) -> dict[str, Any]:
    """The same case with every line stated as its computed value, rounded half-up to the
    given number of places (cycled over the lines), as a careful form would state it."""
    result = cesuan.evaluate(data)
    out = {**data, "lines": []}
    for i, line in enumerate(data["lines"]):
        value = result[line["id"]].quantity.to("万元").magnitude
        p = places[i % len(places)]
        stated = exact.round_half_up(value, p)
        out["lines"].append({**line, "stated": f"{stated} 万元"})
    return out


def perturb(text: str, sign: int) -> str:
    """'120.53 万元' → '120.54 万元' (one unit of the last written digit)."""
    number, unit = text.split(" ", 1)
    d = Decimal(number)
    step = Decimal(1).scaleb(d.as_tuple().exponent)  # type: ignore[arg-type]
    if d - step < 0:
        sign = 1  # an amount of 0 moves up: a negative stated amount is refused (sign policy)
    return f"{d + sign * step} {unit}"


def rewrite_units(data: dict[str, Any]) -> dict[str, Any]:
    """Every input in another unit of the same dimension: 平方米→公顷, 元/(平方米·月)→
    元/(平方米·年), 月→年; line units 万元→元. Values must come out identical."""

    def conv(text: str) -> str:
        q = cesuan.parse_quantity(text)
        target = {"平方米": "公顷", "元/(平方米·月)": "元/(平方米·年)", "月": "年"}[q.unit.text]
        m = q.to(target).magnitude
        return f"{exact.format_exact(m)} {target}"

    lines = []
    for line in data["lines"]:
        new = dict(line)
        if "inputs" in line:
            new["inputs"] = {k: conv(v) for k, v in line["inputs"].items()}
        lines.append(new)
    return {**data, "lines": lines}


def make_cyclic(data: dict[str, Any], ring: int) -> dict[str, Any]:
    """The same case plus a ring of `ring` lines, each using the next and the last using the
    first (ring = 1 is a line using itself), so that evaluation must refuse it as a cycle."""
    lines = list(data["lines"])
    anchor = lines[0]["id"]
    for k in range(ring):
        nxt = f"ring{(k + 1) % ring}"
        lines.append(
            {"id": f"ring{k}", "label": f"环{k}", "formula": f"{nxt} + {anchor}", "unit": "万元"}
        )
    return {**data, "lines": lines}
