"""The point comparison: a line's computed value against the amount the form states.

What it does: `compare` rounds an exact value half-up to the places the form wrote and says
match, rounded_match or mismatch; `best_of` picks the first reading with the best status.
`check_point` reconciles a line that has one value (no range, no bound): its readings are the
exact value and the value over the parts' shown values, and, for a line that uses others, the
value over the parts' stated amounts, which alone counts once a part is itself a mismatch (the
form's own parts must add up to its total). The discrepancy is reported once, where it arises
(`mismatch`, `sum_mismatch`); a total that matches over its parts' stated amounts but not over
their computed values is a `consequence`, traced to its causes; a total within its parts'
rounding is left to cesuan.roundingslack.
What it must not do: tolerate any difference larger than half a unit of the form's last written
digit (beyond the 尾差 of its stated parts), judge a range or a bound (cesuan.rangecheck does), or
print.
"""

from __future__ import annotations

from typing import cast

from cesuan import exact
from cesuan.auditstate import AuditState, adds_parts
from cesuan.errors import CesuanError
from cesuan.evaluation import LineResult
from cesuan.figures import Pct, amount, percent_line, said
from cesuan.figures import amounts as _amounts
from cesuan.figures import q as _q
from cesuan.figures import written as _written
from cesuan.findings import READING_ZH, Check, Reading, Status
from cesuan.quantity import Quantity
from cesuan.roundingslack import explained_by_rounding

__all__ = ["best_of", "check_point", "compare"]

# One reading of a line in the stated unit, and its status against the stated amount.
Verdict = tuple[Reading, exact.Num, Status]

_RANK = {"match": 0, "rounded_match": 1, "mismatch": 2}


def compare(value: exact.Num, stated: Quantity, places: int) -> Status:
    """match / rounded_match / mismatch of an exact value (in the stated unit) at `places`."""
    if exact.to_fraction(value) == exact.to_fraction(stated.magnitude):
        return "match"
    if exact.round_half_up(value, places) == stated.magnitude:
        return "rounded_match"
    return "mismatch"


def best_of(readings: list[tuple[str, exact.Num]], stated: Quantity, places: int) -> Verdict:
    """The first of the readings with the best status (match, then rounded_match)."""
    best: Verdict | None = None
    for name, value in readings:
        status = compare(value, stated, places)
        if best is None or _RANK[status] < _RANK[best[2]]:
            best = (cast(Reading, name), value, status)
    assert best is not None
    return best


def check_point(
    st: AuditState,
    r: LineResult,
    stated: Quantity,
    causes: tuple[str, ...],
    quotes: tuple[str, ...],
) -> None:
    """Compare the line's readings with its stated amount. The computed readings (from the
    exact or the shown values of its parts) count unless a part is itself a mismatch: then
    the form's own parts must add up to its total, and only the over-stated reading counts."""
    p, places = r.planned, r.planned.stated_places or 0
    pct = percent_line(p)
    c: Pct = "%" if pct else ""
    full, best = _verdicts(st, r, stated, places)
    reading, checked, status = best
    if status == "mismatch" and explained_by_rounding(st, r, stated, places, quotes):
        return
    written, shown = (
        _written(stated, places, pct),
        amount(checked, stated.unit, places, c, pad=True)[0],
    )
    at: Reading | None = reading if p.refs else None
    st.checks.append(Check(p.id, p.line.label, status, written, shown, at))
    if status != "match":
        st.wrong.add(p.id)
    if full[2] == "mismatch":
        st.mismatched.add(p.id)
    if r.over_stated_error is not None:
        not_computable(st, r, r.over_stated_error, quotes)
    if status == "mismatch":
        _mismatch(st, r, stated, places, best, full, quotes)
    elif full[2] == "mismatch" and causes:
        _consequence(st, r, stated, places, full, causes, quotes)


def _verdicts(
    st: AuditState, r: LineResult, stated: Quantity, places: int
) -> tuple[Verdict, Verdict]:
    """The best of the computed readings alone, and the best of the readings that count."""
    p = r.planned
    computed = [("exact", r.shown)]
    if r.over_shown is not None and r.over_shown != r.shown:
        computed.append(("over_shown", r.over_shown))
    computed_in = [(k, p.unit.convert(v, stated.unit)) for k, v in computed]
    full = best_of(computed_in, stated, places)
    candidates = computed_in
    if r.over_stated is not None:
        over = p.unit.convert(r.over_stated, stated.unit)
        part_wrong = any(ref in st.mismatched for ref in p.refs)
        candidates = [("over_stated", over), *([] if part_wrong else computed_in)]
    return full, best_of(candidates, stated, places)


def _mismatch(
    st: AuditState,
    r: LineResult,
    stated: Quantity,
    places: int,
    best: Verdict,
    full: Verdict,
    quotes: tuple[str, ...],
) -> None:
    """The finding of a line whose readings that count all differ from its stated amount."""
    p, pct = r.planned, percent_line(r.planned)
    c: Pct = "%" if pct else ""
    reading, checked, _ = best
    full_reading, full_value, full_status = full
    what = READING_ZH[reading] if p.refs else "按测算依据计算"
    also = ""
    if reading != full_reading and full_value != checked:
        also = (
            f"（分项按测算结果计则为{_q(full_value, stated.unit, places, c, pad=True)}）"
            if full_status == "mismatch"
            else "（各分项按测算结果计则与申报数相符，差异在分项的申报数）"
        )
    st.add(
        "sum_mismatch" if adds_parts(p) else "mismatch",
        r,
        f"{what}为{_q(checked, stated.unit, places, c, pad=True)}，申报{said(_written(stated, places, pct))}{also}",
        **_amounts(checked, stated, places, pct),
        substituted=st.substituted(r, reading),
        reading=reading if p.refs else None,
        formula=p.formula.text if p.formula else None,
        quotes=quotes,
    )


def _consequence(
    st: AuditState,
    r: LineResult,
    stated: Quantity,
    places: int,
    full: Verdict,
    causes: tuple[str, ...],
    quotes: tuple[str, ...],
) -> None:
    """A total that matches over its parts' stated amounts, but not over their computed
    values: the effect of the wrong parts upstream, traced to them."""
    p, pct = r.planned, percent_line(r.planned)
    c: Pct = "%" if pct else ""
    full_reading, full_value, _ = full
    st.add(
        "consequence",
        r,
        # Only the over-stated reading can match here (the computed ones do not).
        f"本行按分项申报数核对相符；若分项按测算结果计，则为"
        f"{_q(full_value, stated.unit, places, c, pad=True)}（申报{said(_written(stated, places, pct))}）",
        **_amounts(full_value, stated, places, pct),
        substituted=st.substituted(r, full_reading),
        caused_by=causes,
        reading=full_reading,
        formula=p.formula.text if p.formula else None,
        quotes=quotes,
    )


def not_computable(st: AuditState, r: LineResult, e: CesuanError, quotes: tuple[str, ...]) -> None:
    """The over-stated reading failed (a stated part of 0 as a divisor): a finding on
    this line; the computed readings still reconcile it."""
    st.add(
        "not_computable",
        r,
        f"按各分项申报数无法计算：{e.message}" + (f"（{e.hint}）" if e.hint else ""),
        formula=r.planned.formula.text if r.planned.formula else None,
        substituted=st.substituted(r, "over_stated"),
        quotes=quotes,
        reading="over_stated",
    )
