"""Several places: the same amount printed in more than one place of the form (`stated` a list).

What it does: each further place (第2处, 第3处 … 申报数) is reconciled on its own, with its own
quote and its own number of places: `check_places` for a line with one value (the same readings
as the first place; a line stated with no calculation against the first place), and
`check_bounded_places` for a line whose value is a range or whose first place is a bound (each
further place's plain amount through cesuan.rangecheck). A place that differs is one finding
that names the place and quotes it; a place without a quote is `quote_missing`.
What it must not do: check the first place (cesuan.reconcile dispatches it), let a further place
change the verdict of another or a total's causes, or print.
"""

from __future__ import annotations

from cesuan import exact
from cesuan.auditstate import AuditState, adds_parts
from cesuan.evaluation import LineResult
from cesuan.figures import Pct, amount, said
from cesuan.figures import amounts as _amounts
from cesuan.figures import q as _q
from cesuan.figures import written as _written
from cesuan.findings import READING_ZH, Check, Reading, Status
from cesuan.model import Stated
from cesuan.pointcheck import best_of, compare
from cesuan.quantity import Quantity
from cesuan.rangecheck import check_range
from cesuan.units import Unit

__all__ = ["check_bounded_places", "check_places", "readings"]


def check_bounded_places(st: AuditState, r: LineResult) -> None:
    """The further places of a line whose value is a range or whose first place is a
    bound: each place's amount against the same readings, on its own (`stated` a list)."""
    p = r.planned
    for j, ((q, places), also) in enumerate(zip(p.stated_also, p.line.stated_also, strict=True), 2):
        if not also.quote:
            st.add("quote_missing", r, f"第{j}处申报数没有注明原文出处（quote）", stated=also.value)
        check_range(st, r, q, also.quote, place=(j, places))


def check_places(st: AuditState, r: LineResult) -> None:
    """The further places the form prints the same amount (`stated` as a list): each
    reconciled on its own, with the same readings as the first (a line stated with no
    calculation: against the first place), and reported with its own quote if it differs."""
    p = r.planned
    for j, ((q, places), also) in enumerate(zip(p.stated_also, p.line.stated_also, strict=True), 2):
        _place(st, r, j, q, places, also)


def _place(st: AuditState, r: LineResult, j: int, q: Quantity, places: int, also: Stated) -> None:
    """Place j (q written to `places`, as `also` on the form) of a line with one value."""
    p = r.planned
    pct = p.unit.dimensionless and "%" in also.value
    c: Pct = "%" if pct else ""
    where = f"第{j}处申报数"
    if not also.quote:
        st.add("quote_missing", r, f"{where}没有注明原文出处（quote）", stated=also.value)
    assert p.stated is not None  # a line with further places has a first one
    reading: Reading | None
    status: Status
    if p.how == "stated":
        first = p.stated.unit.convert(p.stated.magnitude, q.unit)
        reading, value, status = None, first, compare(first, q, places)
        what = f"与第1处申报数{said(_written(p.stated, p.stated_places, pct))}不符"
    else:
        reading, value, status = best_of(readings(st, r, q.unit), q, places)
        what = f"{READING_ZH[reading] if p.refs else '按测算依据计算'}为{_q(value, q.unit, places, c, pad=True)}"
    written = _written(q, places, pct)
    shown = None if reading is None else amount(value, q.unit, places, c, pad=True)[0]
    st.checks.append(Check(p.id, p.line.label, status, written, shown, reading))
    if status == "mismatch":
        st.add(
            "sum_mismatch" if adds_parts(p) else "mismatch",
            r,
            f"{where}{said(written)}（原文“{'”“'.join(also.quote)}”）：{what}"
            if also.quote
            else f"{where}{said(written)}：{what}",
            **_amounts(value, q, places, pct),
            formula=p.formula.text if p.formula else None,
            substituted=st.substituted(r, reading),
            reading=reading if p.refs else None,
            quotes=also.quote,
        )


def readings(st: AuditState, r: LineResult, unit: Unit) -> list[tuple[str, exact.Num]]:
    """The readings a stated amount of r is checked against, in `unit`: from the exact and
    the shown values of its parts, and over their stated amounts."""
    p = r.planned
    values = [("exact", r.shown)]
    if r.over_shown is not None and r.over_shown != r.shown:
        values.append(("over_shown", r.over_shown))
    if r.over_stated is not None:
        # As for the first place: a part itself wrong leaves only the form's own parts.
        if any(ref in st.mismatched for ref in p.refs):
            values = []
        values.insert(0, ("over_stated", r.over_stated))
    return [(k, p.unit.convert(v, unit)) for k, v in values]
