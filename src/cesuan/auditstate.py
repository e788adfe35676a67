"""The running record of one audit, which every check of a line adds to.

What it does: `AuditState` holds what reconciling one evaluated case has found so far: the
findings and checks in the order they were made, the lines found wrong (the causes a
consequence further up is traced back to) and mismatched, each line's root causes upstream, and
the zero cells waiting for their one grouped hint. `add` writes a finding located at a line;
`substituted` writes a line's formula with the values of one reading put in; `causes` traces a
line's wrong parts; `adds_parts` tells a total that only adds its parts (合计 of 分项).
What it must not do: decide a verdict (cesuan.pointcheck, cesuan.rangecheck,
cesuan.roundingslack and cesuan.furtherplaces do), order the findings (cesuan.reconcile does),
or print.
"""

from __future__ import annotations

from typing import Any

from cesuan.evaluation import LineResult, Result
from cesuan.expr.ast import BinOp, is_sum_of_names, substitute
from cesuan.figures import Pct, percent_line
from cesuan.figures import q as _q
from cesuan.findings import Check, Finding, Kind, Reading
from cesuan.intervals import range_text

__all__ = ["AuditState", "adds_parts"]


class AuditState:
    """What the audit of one result has found so far (filled in line order)."""

    def __init__(self, result: Result) -> None:
        self.result = result
        self.case = result.case
        self.findings: list[Finding] = []
        self.checks: list[Check] = []
        # Lines whose computed value is not exactly their stated amount (a mismatch, or a
        # match only after rounding): the causes a consequence further up is traced back to.
        self.wrong: set[str] = set()
        # Lines whose stated amount is not their computed value, even after rounding.
        self.mismatched: set[str] = set()
        self.affected: dict[str, tuple[str, ...]] = {}  # line → root causes upstream
        self.zeros: list[LineResult] = []  # stated 0 with no calculation (zero cells)

    def add(self, kind: str, r: LineResult, message: str, **kw: Any) -> None:
        ln = r.planned.line
        self.findings.append(
            Finding(
                Kind[kind.upper()],
                self.case.case,
                ln.id,
                ln.label,
                message,
                file=self.case.file,
                note=ln.note,
                **kw,
            )
        )

    def substituted(self, r: LineResult, reading: Reading | None) -> str | None:
        """The formula with the values of one reading put in (the parts' stated amounts, their
        shown values, or their exact values)."""
        p = r.planned
        if p.formula is None:
            return None
        values = {k: str(q).replace(" ", "") for k, q in p.inputs.items()}
        values |= {k: b.words for k, b in p.bounds}  # a bound as the form says it
        for ref, v, _ in r.used:
            part = self.result[ref]
            if part.interval is not None:
                own = part.planned.given_bound
                shown = own.words if own else range_text(part.interval, part.unit)
                values[ref] = shown.replace(" ", "")
                continue
            if reading == "exact":
                v = part.exact
            elif reading == "over_shown":
                v = part.shown
            pct: Pct = "%" if percent_line(part.planned) else ""
            values[ref] = _q(v, part.unit, None, pct).replace(" ", "")
        return substitute(p.formula.tree, values)

    def causes(self, r: LineResult) -> tuple[str, ...]:
        """The wrong lines upstream of r (its parts that do not match exactly, and theirs)."""
        found = {
            c
            for ref in r.planned.refs
            for c in ((ref,) if ref in self.wrong else ()) + self.affected.get(ref, ())
        }
        if found:
            self.affected[r.id] = tuple(sorted(found))
        return tuple(sorted(found))


def adds_parts(p: Any) -> bool:
    """Whether a line's formula only adds two or more named parts (a 合计 of 分项)."""
    return (
        p.formula is not None
        and isinstance(p.formula.tree, BinOp)
        and is_sum_of_names(p.formula.tree)
    )
