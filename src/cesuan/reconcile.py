"""Reconciliation: compare what the engine computed with what the form states.

What it does: for every line with a stated amount, rounds the exact computed value half-up to the
number of places the form wrote (502.1604 → 4, 746 → 0) and compares. A discrepancy is reported
once, where it arises: a line that uses other lines is checked over their *stated* amounts, so a
wrong sub-item does not make every total above it a finding; the effect on totals is reported
separately as a `consequence`. Expressions the form writes are checked as written. Stated amounts
with no calculation are `unverifiable`; stated amounts and inputs with no quote are `quote_missing`.
The checks live in modules of their own, which this one dispatches to, line by line in case
order: cesuan.pointcheck (a line with one value), cesuan.rangecheck (a range or a bound),
cesuan.roundingslack (尾差 of a total of stated parts), cesuan.furtherplaces (`stated` as a list);
what they have found is kept in cesuan.auditstate. Here: which check a line gets, the zero cells,
the expressions the form writes, inputs without a quote, and the order of the findings.
What it must not do: tolerate any difference larger than half a unit of the form's last written
digit, or print anything (cesuan.report renders findings).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from cesuan import exact
from cesuan.auditstate import AuditState
from cesuan.evaluation import LineResult, Result
from cesuan.figures import amount, percent_line, said
from cesuan.figures import amounts as _amounts
from cesuan.figures import q as _q
from cesuan.figures import written as _written
from cesuan.findings import KIND_ZH, SEVERITY, Audit, Check, Finding, Kind
from cesuan.furtherplaces import check_bounded_places, check_places
from cesuan.intervals import range_text
from cesuan.pointcheck import check_point, compare
from cesuan.quantity import Quantity
from cesuan.rangecheck import check_range, point_over_stated
from cesuan.units import parse_unit

__all__ = [
    "KIND_ZH",
    "SEVERITY",
    "Audit",
    "Check",
    "Finding",
    "Kind",
    "amount",
    "audit_result",
    "compare",
]

# (Audit, Check, Finding and the table of kinds live in cesuan.findings; `compare` in
# cesuan.pointcheck, `amount` in cesuan.figures; all importable from here too.)


_ONE = parse_unit("")  # a bare number: qtext writes no unit


def _line(st: AuditState, r: LineResult) -> None:
    """One line: its written expressions, then its first stated amount through the check its
    kind of value asks for, then its further places."""
    p = r.planned
    ln = p.line
    for w, v, src in zip(p.written, r.written, ln.written, strict=True):
        _written_expression(st, r, w, v, "%" in src.result and w.result.unit.dimensionless)
    causes = st.causes(r)
    if p.stated is None:
        shown = amount(r.shown, p.unit, None)[0]
        if r.interval is not None:
            shown = range_text(r.interval, p.unit)
        st.checks.append(Check(ln.id, ln.label, "not_stated", None, shown))
        return
    stated = p.stated
    written = _written(stated, p.stated_places, percent_line(p))
    if p.stated_bound is not None:
        written = p.stated_bound.zh()
    quotes = ln.stated.quote if ln.stated else ()
    if not quotes:
        st.add("quote_missing", r, "申报数没有注明原文出处（quote）", stated=written)
    if p.how == "stated":
        _stated_only(st, r, stated, written, quotes)
        return
    if r.interval is not None and point_over_stated(st.result, r):
        # Its ranges come only from parts that state an amount: over those it is one value.
        assert r.over_stated is not None
        r = replace(r, shown=r.over_stated, over_shown=None, interval=None)
    elif r.interval is not None or p.stated_bound is not None:
        check_range(st, r, stated, quotes)
        check_bounded_places(st, r)
        return
    check_point(st, r, stated, causes, quotes)
    check_places(st, r)


def _stated_only(
    st: AuditState, r: LineResult, stated: Quantity, written: str, quotes: tuple[str, ...]
) -> None:
    """A stated amount with no calculation: `unverifiable`, a 0 cell kept for its grouped hint."""
    p = r.planned
    st.checks.append(Check(p.id, p.line.label, "unverifiable", written, None))
    if exact.to_fraction(stated.magnitude) == 0:
        st.zeros.append(r)  # a 0 cell: one grouped hint per case (zero_cells)
        return
    st.add(
        "unverifiable",
        r,
        "申报表只写了金额，没有测算过程",
        stated=written,
        unit=stated.unit.text,
        quotes=quotes,
    )
    check_places(st, r)


def _zero_cells(st: AuditState) -> None:
    """Lines whose stated amount is 0 with no calculation (a form's empty 其他资金 or
    上年结转 cells): one `unverifiable` hint for the case naming them all, not one each."""
    if not st.zeros:
        return
    if len(st.zeros) == 1:
        msg = "申报数为 0，没有测算过程（零单元格）"
    else:
        names = "、".join(f"{r.planned.line.label}（{r.id}）" for r in st.zeros)
        msg = f"{len(st.zeros)} 行申报数为 0、没有测算过程（零单元格）：{names}"
    first = st.zeros[0]
    written = _written(first.planned.stated, first.planned.stated_places)  # type: ignore[arg-type]
    quotes = tuple(
        q for r in st.zeros if r.planned.line.stated for q in r.planned.line.stated.quote
    )
    st.add("unverifiable", first, msg, stated=written, unit=first.planned.unit.text, quotes=quotes)


def _written_expression(st: AuditState, r: LineResult, w: Any, v: exact.Num, pct: bool) -> None:
    """An expression the form writes (`written`), computed as written, against its result."""
    value = w.unit.convert(v, w.result.unit)
    status = compare(value, w.result, w.places)
    if status == "mismatch":
        # Not a cause for the totals above: the line's value comes from its declared
        # formula, so a wrong expression on the form does not propagate.
        st.add(
            "written_expression",
            r,
            f"表上算式 {w.expr} 按原样计算得{_q(value, w.result.unit, w.places, '%' if pct else '', pad=True)}，"
            f"表上写{said(_written(w.result, w.places, pct))}",
            **_amounts(value, w.result, w.places, pct),
            formula=w.expr,
            substituted=f"{w.expr} = {_q(value, _ONE, w.places)}",
            quotes=w.quotes,
        )


def _inputs(st: AuditState, r: LineResult) -> None:
    """Inputs with neither a quote nor a source: `quote_missing`."""
    for k, spec in r.planned.line.inputs.items():
        # A library standard is its own source (document, 文号), shown in the trace.
        if spec.ref is None and spec.standard is None and not spec.quote and not spec.source:
            st.add(
                "quote_missing",
                r,
                f"输入 {k} = {spec.value} 没有原文出处或依据",
                computed=spec.value,
            )


def audit_result(result: Result) -> Audit:
    """Reconcile an evaluated case. Findings are sorted most serious first, then in line order."""
    st = AuditState(result)
    for r in result.lines:
        _line(st, r)
        _inputs(st, r)
    _zero_cells(st)
    order = {ln.id: i for i, ln in enumerate(result.case.lines)}
    findings = sorted(st.findings, key=lambda f: (f.kind.rank, order[f.line_id]))
    checks = sorted(st.checks, key=lambda c: order[c.line_id])
    return Audit(result, tuple(findings), tuple(checks))
