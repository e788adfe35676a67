"""尾差: a total off from its stated parts by no more than their rounding can explain.

What it does: for a total that only adds its parts (合计 of 分项), `rounding_slack` is the most
the parts' rounding can explain: half a unit of the last written place of each part stated with
no calculation (its exact value is unknown, so it may have been rounded), never finer than the
total's own last place (n parts at p places: n × ½·10^-p), in the total's stated unit.
`explained_by_rounding` checks a mismatched total's over-stated reading against that slack and,
where it is within, records the line as matching after rounding with a `rounding_difference`
warning of its own.
What it must not do: give slack to a part computed here (its exact value is known, and the exact
reading already used it), to a part itself wrong, or to any line that is not a total of parts;
tolerate more than that half unit per part; print.
"""

from __future__ import annotations

from fractions import Fraction

from cesuan import exact
from cesuan.auditstate import AuditState, adds_parts
from cesuan.evaluation import LineResult
from cesuan.figures import Pct, amount, percent_line, said
from cesuan.figures import amounts as _amounts
from cesuan.figures import q as _q
from cesuan.figures import written as _written
from cesuan.findings import READING_ZH, Check
from cesuan.quantity import Quantity

__all__ = ["explained_by_rounding", "rounding_slack"]


def rounding_slack(st: AuditState, r: LineResult, stated: Quantity) -> Fraction | None:
    """For a total that adds up stated parts: the most their rounding can explain, half a
    unit of each rounded part's last written place (n parts at p places: n × ½·10^-p), in
    the total's stated unit; None for any other line."""
    p = r.planned
    if not adds_parts(p) or p.stated_places is None:
        return None
    # A part written with fewer places than its total is taken as exact to the total's
    # places: forms drop trailing zeros (30万元 beside a total of 89.97万元).
    own = Fraction(1, 2 * 10**p.stated_places)
    # Only a part whose exact value is unknown can explain a difference: one stated with
    # no calculation (it may have been rounded). A part computed here has a known exact
    # value, which the exact reading of the total already used: if that reading does
    # not match either, the total is wrong, not rounded (parts of 0.0003 万元 shown as
    # 0 do not explain a total of 1 万元). A part itself wrong explains nothing. (A part
    # stated with no calculation is exactly one the audit marks `unverifiable`.)
    slack = Fraction(0)
    for ref in p.refs:
        part = st.result[ref].planned
        if part.stated is None or part.stated_places is None:
            return None
        if part.how != "stated":
            continue
        half = Fraction(1, 2 * 10**part.stated_places)
        slack += min(own, exact.to_fraction(part.stated.unit.convert(half, stated.unit)))
    return slack


def explained_by_rounding(
    st: AuditState, r: LineResult, stated: Quantity, places: int, quotes: tuple[str, ...]
) -> bool:
    """Whether a mismatched line is a total off from its stated parts by no more than their
    rounding; if so, its rounding difference is recorded."""
    slack = rounding_slack(st, r, stated)
    if slack is not None and r.over_stated is not None:
        over = r.planned.unit.convert(r.over_stated, stated.unit)
        gap = abs(exact.to_fraction(exact.sub(over, stated.magnitude)))
        if gap <= slack:
            _rounding_difference(st, r, stated, places, quotes, over, slack)
            return True
    return False


def _rounding_difference(
    st: AuditState,
    r: LineResult,
    stated: Quantity,
    places: int,
    quotes: tuple[str, ...],
    over: exact.Num,
    slack: Fraction,
) -> None:
    """A total off from its stated parts by no more than their rounding: a warning of its
    own; the line counts as matching after rounding (its parts were rounded, not wrong)."""
    p = r.planned
    pct = percent_line(p)
    c: Pct = "%" if pct else ""
    st.checks.append(
        Check(
            p.id,
            p.line.label,
            "rounded_match",
            _written(stated, places, pct),
            amount(over, stated.unit, places, c, pad=True)[0],
            "over_stated",
        )
    )
    st.wrong.add(p.id)
    n = len(p.refs)
    st.add(
        "rounding_difference",
        r,
        f"{READING_ZH['over_stated']}为{_q(over, stated.unit, places, c, pad=True)}，申报{said(_written(stated, places, pct))}；"
        f"差额不超过 {n} 个分项各自四舍五入可能造成的"
        f"{_q(exact.from_fraction(slack), stated.unit, places + 2, '百分点' if pct else '')}，系尾差",
        **_amounts(over, stated, places, pct),
        formula=p.formula.text if p.formula else None,
        substituted=st.substituted(r, "over_stated"),
        reading="over_stated",
        quotes=quotes,
    )
