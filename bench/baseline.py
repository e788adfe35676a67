"""The hand-written baseline: the workload's numbers with plain `decimal.Decimal` and `quantize`.

What it does: what a careful programmer writes for these forms without an engine — one branch
per kind of line, the unit conversions known by heart (万元 = 10000 元, 12 月 = 1 年), the
default Decimal context, `quantize(…, ROUND_HALF_UP)` where a line declares rounding. It
computes the same numbers the engine keeps per line: the value before and after rounding, and
for lines that use other lines, the same formula over the parts' stated amounts.
What it must not do: check units, keep provenance, or use cesuan. Turning the number text into
Decimals (`prepare`) is kept out of the timed part, as parsing is for the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from workload import Workload

__all__ = ["Prepared", "compute", "prepare"]

WAN = Decimal(10000)
HUNDRED = Decimal(100)
TWELVE = Decimal(12)
BLOCK = Decimal(100000)
P98 = Decimal("0.98")
YUAN_KINDS = frozenset({"per_diem", "annual", "avg"})  # lines kept in 元 (元/人); others in 万元

# (id, kind, numbers, refs, which refs are in 元, quantum or None, stated or None)
Line = tuple[
    str, str, tuple[Decimal, ...], tuple[str, ...], tuple[bool, ...], Decimal | None, Decimal | None
]
Prepared = list[list[Line]]
# id → (before rounding, after rounding, over the stated parts or None)
Numbers = dict[str, tuple[Decimal, Decimal, Decimal | None]]


def prepare(workloads: Sequence[Workload]) -> Prepared:
    """Number text → Decimal, once (not timed)."""
    out: Prepared = []
    for w in workloads:
        kinds = {s.id: s.kind for s in w.specs}
        out.append(
            [
                (
                    s.id,
                    s.kind,
                    tuple(Decimal(a) for a in s.args),
                    s.refs,
                    tuple(kinds[r] in YUAN_KINDS for r in s.refs),
                    Decimal(1).scaleb(-s.places) if s.places is not None else None,
                    Decimal(s.stated) if s.stated is not None else None,
                )
                for s in w.specs
            ]
        )
    return out


def compute(prepared: Prepared) -> list[Numbers]:
    """Every line of every case, in order (lines come after the lines they use)."""
    results: list[Numbers] = []
    for case in prepared:
        value: dict[str, Decimal] = {}
        stated: dict[str, Decimal] = {}
        numbers: Numbers = {}
        for lid, kind, a, refs, yuan, quantum, st in case:
            local = None
            if kind == "rent":
                x = a[0] * a[1] * a[2] / WAN
            elif kind == "fee":
                x = a[0] * a[1] * TWELVE / WAN
            elif kind == "per_diem":
                x = a[0] * a[1] * a[2]
            elif kind == "annual":
                x = a[0] * WAN * a[1] / TWELVE
            elif kind == "leased":
                x = a[0] * a[1] * a[2] / WAN
            elif kind == "per_block":
                x = a[0] * WAN / BLOCK * a[1] / WAN
            elif kind == "protected":
                x = (a[0] - a[1]) * P98 + a[1]
            elif kind == "sum":
                x = Decimal(0)
                y = Decimal(0)
                for r, in_yuan in zip(refs, yuan, strict=True):
                    v = value[r]
                    s = stated.get(r, v)
                    if in_yuan:
                        v = v / WAN
                        s = s / WAN
                    x += v
                    y += s
                local = y
            elif kind == "pct":
                r = refs[0]
                x = value[r] * a[0] / HUNDRED
                local = stated.get(r, value[r]) * a[0] / HUNDRED
            else:  # avg: 万元 ÷ 人 → 元/人
                r = refs[0]
                x = value[r] * WAN / a[0]
                local = stated.get(r, value[r]) * WAN / a[0]
            rounded = x.quantize(quantum, rounding=ROUND_HALF_UP) if quantum is not None else x
            value[lid] = rounded
            if st is not None:
                stated[lid] = st
            numbers[lid] = (x, rounded, local)
        results.append(numbers)
    return results
