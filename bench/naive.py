"""The naive approach: a pint Quantity per input, per line, in a float-free registry.

What it does: what a user writes with pint and no compile step — for every line, wrap each
number in a `Quantity` with its unit text, multiply, add, convert with `.to(…)`, and round the
magnitude half-up where the line declares it. The registry is float-free: cesuan's own unit
definitions (units.txt: 12 月 = 1 年 exactly, 万元 = 10000 元) loaded into a pint registry with
`non_int_type=Fraction`, so every number it computes is exact and comparable with the engine's.
What it must not do: use cesuan's engine. Turning number text into Fractions (`prepare`) is kept
out of the timed part, as parsing is for the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from importlib import resources
from typing import Any

import pint

from workload import Workload

__all__ = ["compute", "prepare", "registry"]

# id, kind, numbers, refs, places, stated
Line = tuple[str, str, tuple[Fraction, ...], tuple[str, ...], int | None, Fraction | None]
Numbers = dict[str, tuple[Fraction, Fraction, Fraction | None, Fraction | None]]
UNIT = {"per_diem": "元", "annual": "元", "avg": "元/人"}  # others: 万元


def registry() -> Any:
    """A pint registry from cesuan's unit definitions, with exact (Fraction) magnitudes."""
    text = resources.files("cesuan").joinpath("units.txt").read_text(encoding="utf-8")
    reg = pint.UnitRegistry(None, non_int_type=Fraction, cache_folder=None)
    reg.load_definitions(text.splitlines())
    return reg


def prepare(workloads: Sequence[Workload]) -> list[list[Line]]:
    """Number text → Fraction, once (not timed)."""
    return [
        [
            (
                s.id,
                s.kind,
                tuple(Fraction(Decimal(a)) for a in s.args),
                s.refs,
                s.places,
                Fraction(Decimal(s.stated)) if s.stated is not None else None,
            )
            for s in w.specs
        ]
        for w in workloads
    ]


def _round(x: Fraction, places: int) -> Fraction:
    d = Decimal(x.numerator) / Decimal(x.denominator)
    return Fraction(d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def compute(reg: Any, prepared: list[list[Line]]) -> list[Numbers]:
    """Every line of every case with pint Quantities."""
    Q = reg.Quantity
    results: list[Numbers] = []
    for case in prepared:
        exact: dict[str, Any] = {}  # id → Quantity: exact values flow between lines
        shown: dict[str, Any] = {}  # id → Quantity, after its declared rounding
        stated: dict[str, Any] = {}  # the stated amount, else the shown value
        numbers: Numbers = {}
        for lid, kind, a, refs, places, st in case:
            unit = UNIT.get(kind, "万元")
            over_shown = over_stated = None
            if kind == "rent":
                q = Q(a[0], "平方米") * Q(a[1], "元/平方米/月") * Q(a[2], "月")
            elif kind == "fee":
                q = Q(a[0], "平方米") * Q(a[1], "元/平方米/月") * Q(12, "月")
            elif kind == "per_diem":
                q = Q(a[0], "人") * Q(a[1], "天") * Q(a[2], "元/人/天")
            elif kind == "annual":
                q = Q(a[0], "万元/年") * Q(a[1], "月")
            elif kind == "leased":
                q = Q(a[0], "条") * Q(a[1], "元/条/月") * Q(a[2], "月")
            elif kind == "per_block":
                count = Q(a[0] * 10000, "件")
                q = count * Q(1, "条/件") / Q(100000, "条") * Q(a[1], "元")
            elif kind == "protected":
                base, prot = Q(a[0], "万元"), Q(a[1], "万元")
                q = (base - prot) * Q(Fraction(98, 100), "") + prot
            else:
                q, qs, qt = (_uses(Q, kind, a, refs, values) for values in (exact, shown, stated))
                over_shown, over_stated = (
                    _round(y, places) if places is not None else y
                    for y in (qs.to(unit).magnitude, qt.to(unit).magnitude)
                )
            x = q.to(unit).magnitude
            rounded = _round(x, places) if places is not None else x
            exact[lid] = Q(x, unit)
            shown[lid] = Q(rounded, unit)
            stated[lid] = Q(st, unit) if st is not None else shown[lid]
            numbers[lid] = (x, rounded, over_shown, over_stated)
        results.append(numbers)
    return results


def _uses(Q: Any, kind: str, a: Any, refs: Any, values: dict[str, Any]) -> Any:
    """A line that uses other lines, over one reading of them (exact, shown or stated)."""
    if kind == "sum":
        return sum((values[r] for r in refs[1:]), values[refs[0]])
    if kind == "pct":
        return values[refs[0]] * Q(a[0] / 100, "")
    return values[refs[0]] / Q(a[0], "人")
