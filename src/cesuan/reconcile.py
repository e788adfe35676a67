"""Reconciliation: compare what the engine computed with what the form states.

What it does: for every line with a stated amount, rounds the exact computed value half-up to the
number of places the form wrote (502.1604 → 4, 746 → 0) and compares. A discrepancy is reported
once, where it arises: a line that uses other lines is checked over their *stated* amounts, so a
wrong sub-item does not make every total above it a finding; the effect on totals is reported
separately as a `consequence`. Expressions the form writes are checked as written. Stated amounts
with no calculation are `unverifiable`; stated amounts and inputs with no quote are `quote_missing`.
What it must not do: tolerate any difference larger than half a unit of the form's last written
digit, or print anything (cesuan.report renders findings).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from cesuan import exact
from cesuan.evaluation import LineResult, Result
from cesuan.expr.ast import BinOp, Name, substitute
from cesuan.provenance import qtext
from cesuan.quantity import Quantity
from cesuan.units import Unit

__all__ = ["SEVERITY", "Audit", "Check", "Finding", "audit_result"]

Kind = Literal[
    "written_expression", "mismatch", "sum_mismatch", "consequence", "unverifiable", "quote_missing"
]
Status = Literal["match", "rounded_match", "mismatch", "unverifiable", "not_stated"]

# Most serious first. "error" findings make `cesuan audit` exit 1.
SEVERITY: dict[str, tuple[int, str]] = {
    "written_expression": (0, "error"),
    "mismatch": (1, "error"),
    "sum_mismatch": (2, "error"),
    "consequence": (3, "warning"),
    "unverifiable": (4, "info"),
    "quote_missing": (5, "info"),
}

KIND_ZH = {
    "written_expression": "表上算式不成立",
    "mismatch": "计算结果与申报数不符",
    "sum_mismatch": "分项之和与合计不符",
    "consequence": "受上游差异影响",
    "unverifiable": "申报数无测算过程",
    "quote_missing": "缺少原文出处",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing an auditor should look at. Amounts are exact decimal strings with units."""

    kind: Kind
    case: str
    line_id: str
    label: str
    message: str
    stated: str | None = None
    computed: str | None = None
    difference: str | None = None
    unit: str | None = None
    formula: str | None = None
    substituted: str | None = None
    quotes: tuple[str, ...] = ()
    note: str | None = None
    caused_by: tuple[str, ...] = ()
    file: str | None = None

    @property
    def severity(self) -> str:
        return SEVERITY[self.kind][1]

    def sort_key(self) -> tuple[int, str]:
        return SEVERITY[self.kind][0], self.case

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "severity": self.severity,
            "case": self.case,
            "file": self.file,
            "line_id": self.line_id,
            "label": self.label,
            "message": self.message,
            "stated": self.stated,
            "computed": self.computed,
            "difference": self.difference,
            "unit": self.unit,
            "formula": self.formula,
            "substituted": self.substituted,
            "quotes": list(self.quotes),
            "note": self.note,
            "caused_by": list(self.caused_by),
        }


@dataclass(frozen=True, slots=True)
class Check:
    """How one line's stated amount compares (for the per-case summary)."""

    line_id: str
    label: str
    status: Status
    stated: str | None
    computed: str | None


@dataclass(frozen=True, slots=True)
class Audit:
    """The audit of one case: every finding, and the status of every line."""

    result: Result
    findings: tuple[Finding, ...]
    checks: tuple[Check, ...] = field(default=())

    @property
    def case(self) -> str:
        return self.result.case.case

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    def summary(self) -> dict[str, int]:
        out = dict.fromkeys(("match", "rounded_match", "mismatch", "unverifiable", "not_stated"), 0)
        for c in self.checks:
            out[c.status] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        case = self.result.case
        return {
            "case": case.case,
            "title": case.title,
            "agency": case.agency,
            "file": case.file,
            "summary": self.summary(),
            "lines": [
                {
                    "line_id": c.line_id,
                    "label": c.label,
                    "status": c.status,
                    "stated": c.stated,
                    "computed": c.computed,
                }
                for c in self.checks
            ],
        }


def _in(value: exact.Num, frm: Unit, to: Unit) -> exact.Num:
    """A value in unit `frm` expressed in unit `to` (same dimension), exactly."""
    if frm == to:
        return value
    f = frm.factor / to.factor
    return exact.mul(value, Decimal(f.numerator) if f.denominator == 1 else f)


def compare(value: exact.Num, stated: Quantity, places: int) -> Status:
    """match / rounded_match / mismatch of an exact value (in the stated unit) at `places`."""
    if exact.to_fraction(value) == exact.to_fraction(stated.magnitude):
        return "match"
    if exact.round_half_up(value, places) == stated.magnitude:
        return "rounded_match"
    return "mismatch"


def _q(x: exact.Num, u: Unit) -> str:
    return qtext(x, u)


def _amounts(computed: exact.Num, stated: Quantity) -> dict[str, str]:
    """stated, computed, difference (computed − stated) and unit, as exact decimal text."""
    return {
        "stated": str(stated),
        "computed": _q(computed, stated.unit),
        "difference": _q(exact.sub(computed, stated.magnitude), stated.unit),
        "unit": stated.unit.text,
    }


class _Auditor:
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

    def add(self, kind: Kind, r: LineResult, message: str, **kw: Any) -> None:
        ln = r.planned.line
        self.findings.append(
            Finding(
                kind,
                self.case.case,
                ln.id,
                ln.label,
                message,
                file=self.case.file,
                note=ln.note,
                **kw,
            )
        )

    def substituted(self, r: LineResult, *, over_stated: bool) -> str | None:
        p = r.planned
        if p.formula is None:
            return None
        values = {}
        for k, q in p.inputs.items():
            values[k] = str(q).replace(" ", "")
        for ref, v, _ in r.used:
            values[ref] = _q(v, self.result[ref].unit).replace(" ", "")
        if not over_stated:
            for ref in p.refs:
                values[ref] = _q(self.result[ref].value, self.result[ref].unit).replace(" ", "")
        return substitute(p.formula.tree, values)

    def line(self, r: LineResult) -> None:
        p = r.planned
        ln = p.line
        for w, v in zip(p.written, r.written, strict=True):
            self.written(r, w, v)
        causes = tuple(
            sorted(
                {
                    c
                    for ref in p.refs
                    for c in ((ref,) if ref in self.wrong else ()) + self.affected.get(ref, ())
                }
            )
        )
        if causes:
            self.affected[ln.id] = causes
        if p.stated is None:
            self.checks.append(Check(ln.id, ln.label, "not_stated", None, _q(r.value, p.unit)))
            return
        stated, places = p.stated, p.stated_places or 0
        quotes = ln.stated.quote if ln.stated else ()
        if not quotes:
            self.add("quote_missing", r, "申报数没有注明原文出处（quote）", stated=str(stated))
        if p.how == "stated":
            self.checks.append(Check(ln.id, ln.label, "unverifiable", str(stated), None))
            self.add(
                "unverifiable",
                r,
                "申报表只写了金额，没有测算过程",
                stated=str(stated),
                unit=stated.unit.text,
                quotes=quotes,
            )
            return
        full = _in(r.value, p.unit, stated.unit)
        full_status: Status = compare(full, stated, places)
        status: Status = full_status
        checked = full
        if r.local is not None:
            # A total is checked over its parts as the form states them. It may also add up
            # their exact values, when the parts differ from those only by rounding
            # (120.528 → 120.53 can move the total's last digit; that is no discrepancy). If a
            # part is wrong, the form's own parts do not add up to its total: a finding here too.
            checked = _in(r.local, p.unit, stated.unit)
            status = compare(checked, stated, places)
            if not any(ref in self.mismatched for ref in p.refs):
                status = _best(status, full_status)
        self.checks.append(Check(ln.id, ln.label, status, str(stated), _q(checked, stated.unit)))
        formula = p.formula.text if p.formula is not None else ln.value
        if status != "match":
            self.wrong.add(ln.id)
        if full_status == "mismatch":
            self.mismatched.add(ln.id)
        if status == "mismatch":
            kind: Kind = "sum_mismatch" if _adds_parts(p) else "mismatch"
            what = "按各分项申报数计算" if p.refs else "按测算依据计算"
            also = ""
            if r.local is not None and full != checked:
                also = f"（分项按测算结果计则为 {_q(full, stated.unit)}）"
            self.add(
                kind,
                r,
                f"{what}为 {_q(checked, stated.unit)}，申报 {stated}{also}",
                **_amounts(checked, stated),
                formula=formula,
                substituted=self.substituted(r, over_stated=True),
                quotes=quotes,
            )
            return
        if r.local is not None and full_status == "mismatch":
            self.add(
                "consequence",
                r,
                f"本行按分项申报数核对相符；若分项按测算结果计，则为 "
                f"{_q(full, stated.unit)}（申报 {stated}）",
                **_amounts(full, stated),
                formula=formula,
                substituted=self.substituted(r, over_stated=False),
                quotes=quotes,
                caused_by=causes,
            )

    def written(self, r: LineResult, w: Any, v: exact.Num) -> None:
        value = _in(v, w.unit, w.result.unit)
        status = compare(value, w.result, w.places)
        if status == "mismatch":
            # Not a cause for the totals above: the line's value comes from its declared
            # formula, so a wrong expression on the form does not propagate.
            self.add(
                "written_expression",
                r,
                f"表上算式 {w.expr} 按原样计算得 {_q(value, w.result.unit)}，表上写 {w.result}",
                **_amounts(value, w.result),
                formula=w.expr,
                substituted=f"{w.expr} = {exact.format_exact(value)}",
                quotes=w.quotes,
            )

    def inputs(self, r: LineResult) -> None:
        for k, spec in r.planned.line.inputs.items():
            if spec.ref is None and not spec.quote and not spec.source:
                self.add(
                    "quote_missing",
                    r,
                    f"输入 {k} = {spec.value} 没有原文出处或依据",
                    computed=spec.value,
                )


_RANK = {"match": 0, "rounded_match": 1, "mismatch": 2}


def _best(a: Status, b: Status) -> Status:
    return a if _RANK[a] <= _RANK[b] else b


def _adds_parts(p: Any) -> bool:
    """Whether a line's formula only adds two or more named parts (a 合计 of 分项)."""
    if p.formula is None:
        return False
    tree = p.formula.tree
    return isinstance(tree, BinOp) and _sum_of_names(tree)


def _sum_of_names(node: Any) -> bool:
    if isinstance(node, Name):
        return True
    return (
        isinstance(node, BinOp)
        and node.op == "+"
        and _sum_of_names(node.left)
        and (_sum_of_names(node.right))
    )


def audit_result(result: Result) -> Audit:
    """Reconcile an evaluated case. Findings are sorted most serious first, then in line order."""
    a = _Auditor(result)
    for r in result.lines:
        a.line(r)
        a.inputs(r)
    order = {ln.id: i for i, ln in enumerate(result.case.lines)}
    findings = sorted(a.findings, key=lambda f: (SEVERITY[f.kind][0], order[f.line_id]))
    checks = sorted(a.checks, key=lambda c: order[c.line_id])
    return Audit(result, tuple(findings), tuple(checks))
