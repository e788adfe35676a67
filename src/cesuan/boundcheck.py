"""Bounds in the audit: a computed amount against a stated bound, a stated amount against a
computed interval.

What it does: `judge` decides, exactly, where a computed range (an interval, or a single value
as a one-point interval) stands against what the form states: a bound ("≤65 万元": every value
the line can take must be at most 65 万元) or an amount (it must lie in the interval, to half a
unit of the form's last written digit, as any stated amount is compared). The verdict is
`within_bound` (符合上限/下限, in the interval), a violation with its kind (`over_ceiling`
超过上限, `under_floor` 低于下限, `out_of_range` 申报数不在计算区间内), the end that decided it
and the value compared, or `undecided` (`bound_undecided`: part of the interval is inside, part
outside). What it must not do: round what it compares (a bound is a bound: 30.01 万元 is over 30 万元),
print anything, or reconcile lines without a bound (cesuan.pointcheck does; cesuan.rangecheck
calls this module only for bounded lines).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Literal

from cesuan import exact
from cesuan.bounds import Bound
from cesuan.errors import CesuanError, ErrorKind
from cesuan.expr.interval import Interval
from cesuan.figures import amount, q, said
from cesuan.findings import Kind
from cesuan.units import Unit

if TYPE_CHECKING:
    from cesuan.evaluation import Result

__all__ = ["Verdict", "difference", "judge", "message", "refuse_bounds"]

VerdictStatus = Literal["within_bound", "mismatch", "undecided"]


@dataclass(frozen=True, slots=True)
class Verdict:
    """`kind` None when within; `end` the bound's end (or the stated amount) that decided a
    violation, `value` the computed end compared with it (both in the stated unit)."""

    status: VerdictStatus
    kind: Kind | None = None
    end: Fraction | None = None
    value: Fraction | None = None


_WITHIN = Verdict("within_bound")
_UNDECIDED = Verdict("undecided", Kind.BOUND_UNDECIDED)


def judge(iv: Interval, bound: Bound | None, stated: Fraction, unit: Unit, places: int) -> Verdict:
    """Where the computed range `iv` (in `unit`, the stated amount's) stands against the
    stated `bound`, or, without one, against the stated amount `stated` written to `places`.

    >>> from cesuan.bounds import parse_bound
    >>> b = parse_bound("≤30 万元")
    >>> u = b.point.unit
    >>> judge(Interval.point(Fraction(40)), b, Fraction(30), u, 0).kind
    'over_ceiling'
    >>> judge(Interval(Fraction(4000), None), None, Fraction(4136), u, 0).status
    'within_bound'
    """
    if bound is None:
        half = Fraction(1, 2 * 10**places)
        if iv.hi is not None and stated > iv.hi + half:
            return Verdict("mismatch", Kind.OUT_OF_RANGE, stated, iv.hi)
        if iv.lo is not None and stated < iv.lo - half:
            return Verdict("mismatch", Kind.OUT_OF_RANGE, stated, iv.lo)
        return _WITHIN
    lo, hi = _one_sided(bound, unit)
    undecided = False
    if hi is not None and not (iv.hi is not None and iv.hi <= hi):
        if iv.lo is not None and iv.lo > hi:
            return Verdict("mismatch", Kind.OVER_CEILING, hi, iv.lo)
        undecided = True
    if lo is not None and not (iv.lo is not None and iv.lo >= lo):
        if iv.hi is not None and iv.hi < lo:
            return Verdict("mismatch", Kind.UNDER_FLOOR, lo, iv.hi)
        undecided = True
    return _UNDECIDED if undecided else _WITHIN


def _one_sided(b: Bound, unit: Unit) -> tuple[Fraction | None, Fraction | None]:
    """A stated bound's ends as written: a stated ceiling says nothing of a floor."""
    lo = None if b.lo is None else exact.to_fraction(b.lo.unit.convert(b.lo.magnitude, unit))
    hi = None if b.hi is None else exact.to_fraction(b.hi.unit.convert(b.hi.magnitude, unit))
    return lo, hi


def difference(
    v: Verdict, unit: Unit, places: int, pct: bool = False
) -> tuple[str | None, str | None]:
    """computed − stated (the bound's end, or the stated amount) of a violation, as a point
    finding's difference field: the text (on a rate, `pct`, in 个百分点) and its exact p/q
    where it does not terminate."""
    if v.end is None or v.value is None:
        return None, None
    return amount(v.value - v.end, unit, places, "百分点" if pct else "")


def message(
    v: Verdict, written: str, shown: str, unit: Unit, places: int, pct: bool = False
) -> str:
    """The sentence of a bound finding, with its arithmetic (on a rate the gap in 个百分点)."""
    shown, written = said(shown), said(written)
    if v.status == "undecided":
        return f"计算结果为{shown}，申报{written}：一部分在界内、一部分在界外，无法确定"
    assert v.end is not None
    assert v.value is not None
    gap = q(abs(v.value - v.end), unit, places, "百分点" if pct else "")
    if v.kind == Kind.OVER_CEILING:
        return f"计算结果为{shown}，超过上限（申报{written}），超出{gap}"
    if v.kind == Kind.UNDER_FLOOR:
        return f"计算结果为{shown}，低于下限（申报{written}），差{gap}"
    side = "上端" if v.end > v.value else "下端"
    return f"按输入的界限计算，本行为{shown}，申报{written}不在其中（距{side}{gap}）"


def refuse_bounds(result: Result, what: str, hint: str) -> None:
    """For a command that needs one value per line (`what`: 导出 Excel, 对比): a clear error
    naming the first line whose value is a range or whose stated amount is a bound."""
    for r in result.values():
        p = r.planned
        b = p.stated_bound or p.given_bound or next((b for _, b in p.bounds), None)
        if r.interval is None and b is None:
            continue
        shown = b.text if b is not None else "所用的行有界限"
        raise CesuanError(
            ErrorKind.SCHEMA,
            f"{what}不支持界限：明细 {p.id}（{p.line.label}）是一个范围（{shown}），不是单个数",
            file=result.case.file,
            line_id=p.id,
            text=b.text if b is not None else None,
            hint=hint,
        )
