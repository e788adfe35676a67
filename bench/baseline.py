"""The hand-written baseline: the workload's numbers with plain `decimal.Decimal` and `quantize`.

What it does: what a careful programmer writes for these forms without an engine — one branch
per kind of line, the unit conversions known by heart (万元 = 10000 元, 12 月 = 1 年), the
default Decimal context, `quantize(…, ROUND_HALF_UP)` where a line declares rounding. It
computes the same numbers the engine keeps per line: the exact value (exact values flow between
lines), the value after its declared rounding, and for lines that use other lines, the same
formula over the parts' rounded values and over their stated amounts, rounded as declared.
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
# id → (exact, shown, over the shown parts or None, over the stated parts or None)
Numbers = dict[str, tuple[Decimal, Decimal, Decimal | None, Decimal | None]]


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
        exact: dict[str, Decimal] = {}  # exact values flow between lines
        shown: dict[str, Decimal] = {}  # each after its declared rounding
        stated: dict[str, Decimal] = {}  # the stated amount, else the shown value
        numbers: Numbers = {}
        for lid, kind, a, refs, yuan, quantum, st in case:
            over_shown = over_stated = None
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
            else:
                x, over_shown, over_stated = (
                    _uses(kind, a, refs, yuan, values) for values in (exact, shown, stated)
                )
            rounded = x.quantize(quantum, rounding=ROUND_HALF_UP) if quantum is not None else x
            if quantum is not None and over_shown is not None and over_stated is not None:
                over_shown = over_shown.quantize(quantum, rounding=ROUND_HALF_UP)
                over_stated = over_stated.quantize(quantum, rounding=ROUND_HALF_UP)
            exact[lid] = x
            shown[lid] = rounded
            stated[lid] = st if st is not None else rounded
            numbers[lid] = (x, rounded, over_shown, over_stated)
        results.append(numbers)
    return results


def _uses(
    kind: str,
    a: tuple[Decimal, ...],
    refs: tuple[str, ...],
    yuan: tuple[bool, ...],
    values: dict[str, Decimal],
) -> Decimal:
    """A line that uses other lines, over one reading of them (exact, shown or stated)."""
    if kind == "sum":
        x = Decimal(0)
        for r, in_yuan in zip(refs, yuan, strict=True):
            x += values[r] / WAN if in_yuan else values[r]
        return x
    if kind == "pct":
        return values[refs[0]] * a[0] / HUNDRED
    return values[refs[0]] * WAN / a[0]  # avg: 万元 ÷ 人 → 元/人
