"""The bounded checks: a line whose value is a range, or whose stated amount is a bound.

What it does: `check_range` judges, through cesuan.boundcheck and exactly, a stated bound
(range, ceiling "≤65 万元", floor "95%以上") against the line's readings, or a stated amount
against the interval a range upstream gives the line; of the readings (the interval; or the
value and, unless a part is itself a mismatch, the value over the parts' stated amounts) the
best verdict counts, and a violation or an undecided bound is a finding (over_ceiling,
under_floor, out_of_range, bound_undecided). `point_over_stated` tells a line whose range comes
only from parts that state an amount: over those it is a single value, for cesuan.pointcheck.
What it must not do: round what it compares (a bound is a bound), check lines with neither a
range nor a bound (cesuan.pointcheck does), or print.
"""

from __future__ import annotations

from fractions import Fraction
from typing import cast

from cesuan import exact
from cesuan.auditstate import AuditState
from cesuan.boundcheck import difference, judge, message
from cesuan.evaluation import LineResult, Result
from cesuan.expr.interval import Interval
from cesuan.figures import percent_line
from cesuan.figures import written as _written
from cesuan.findings import Check, Reading
from cesuan.intervals import range_text
from cesuan.quantity import Quantity
from cesuan.units import Unit

__all__ = ["check_range", "point_over_stated"]

_RANK = {"within_bound": 0, "undecided": 1, "mismatch": 2}


def point_over_stated(result: Result, r: LineResult) -> bool:
    """Whether a line with a range is a single value over its parts' stated amounts: no
    bound of its own, and every part with a range states an amount (not a bound). Where it is
    not, its value over the stated parts is a range too (a part's stated bound read at one
    end), never one number to show."""
    p = r.planned
    if p.bounds or p.given_bound or p.stated_bound or r.over_stated is None:
        return False
    return all(
        (q := result[ref]).interval is None
        or (q.planned.stated is not None and q.planned.stated_bound is None)
        for ref in p.refs
    )


def check_range(
    st: AuditState,
    r: LineResult,
    stated: Quantity,
    quotes: tuple[str, ...],
    place: tuple[int, int] | None = None,
) -> None:
    """A stated bound, or a line whose value is a range: containment, exactly
    (cesuan.boundcheck). Of the readings (the interval; or the value and, unless a part is
    itself a mismatch, the value over the parts' stated amounts), the best verdict counts.
    `place`: (j, places) of a further place the form prints the amount in (its own plain
    amount, never the first place's bound)."""
    p, unit = r.planned, stated.unit
    places = place[1] if place else p.stated_places or 0
    bound = None if place else p.stated_bound
    s = exact.to_fraction(stated.magnitude)
    verdicts = [(k, iv, judge(iv, bound, s, unit, places)) for k, iv in _readings(st, r, unit)]
    reading, iv, v = min(verdicts, key=lambda x: _RANK[x[2].status])
    # A rate the form writes in percent reads in percent here too, as in a point finding.
    pct = percent_line(p) and unit.dimensionless
    written = bound.zh() if bound else _written(stated, places, pct)
    shown = range_text(iv, unit, places, percent=pct)
    at = reading if p.refs else None
    st.checks.append(Check(p.id, p.line.label, v.status, written, shown, at))
    if v.kind is None:
        return
    st.wrong.add(p.id)
    if v.status == "mismatch":
        st.mismatched.add(p.id)
    where = f"第{place[0]}处申报数：" if place else ""
    diff, diff_exact = difference(v, unit, places, pct)
    st.add(
        v.kind.value,
        r,
        where + message(v, written, shown, unit, places, pct),
        stated=bound.text if bound else written,
        computed=shown,
        difference=diff,
        difference_exact=diff_exact,
        unit=unit.text,
        formula=p.formula.text if p.formula else None,
        substituted=st.substituted(r, reading),
        quotes=quotes,
        reading=at,
    )


def _readings(st: AuditState, r: LineResult, unit: Unit) -> list[tuple[Reading, Interval]]:
    """The readings of r in `unit`, each as an interval: the line's range, or its value and
    (unless a part is itself a mismatch) its value over the parts' stated amounts."""
    p = r.planned
    if r.interval is not None:
        return [("exact", r.interval * Interval.point(p.unit.factor_to(unit)))]
    values = [("exact", r.shown)]
    if r.over_stated is not None and not any(x in st.mismatched for x in p.refs):
        values.append(("over_stated", r.over_stated))
    return [(cast(Reading, k), Interval.point(_frac(p.unit, x, unit))) for k, x in values]


def _frac(frm: Unit, v: exact.Num, to: Unit) -> Fraction:
    return exact.to_fraction(frm.convert(v, to))
