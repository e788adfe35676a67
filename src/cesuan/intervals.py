"""Intervals of bounded lines: what a line can come to when a bound feeds it.

What it does: for each line whose value is a range — a bounded input, plain value or
stated-only amount (cesuan.bounds), or a line they feed (`Step.ranged`) — evaluates its typed tree
in the line's unit over exact intervals (cesuan.expr.interval): a bounded input is the range its
bound allows (`Bound.ends`), any other input or line a point (its exact value), a bounded line
its interval; then the line's declared rounding on each finite end (rounding is monotone).
`range_text` writes a range the way forms do (不超过30万元, 不低于4000万元, 8万元至17.6万元).
What it must not do: touch a line with no bound upstream (those keep the exact fast path of
cesuan.evaluation), or round anything that was not declared.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from cesuan import exact
from cesuan._steps import Step
from cesuan.bounds import range_words
from cesuan.expr.interval import Interval, interval_eval
from cesuan.quantity import Quantity
from cesuan.units import Unit

__all__ = ["Interval", "amount_text", "line_interval", "range_text"]


def line_interval(
    s: Step, exact_of: Mapping[str, exact.Num], iv_of: Mapping[str, Interval]
) -> Interval:
    """The interval of one bounded line, in its unit; `iv_of` holds the bounded lines before
    it, `exact_of` every line's exact value."""
    p = s.p
    own = p.given_bound or (p.stated_bound if p.how == "stated" else None)
    if p.formula is None:
        if own is None:
            assert s.fixed is not None
            return Interval.point(exact.to_fraction(s.fixed))
        return Interval(*own.ends(p.unit))
    bounds = dict(p.bounds)
    env: dict[str, Interval] = {}
    for k, q in p.inputs.items():
        b = bounds.get(k)
        env[k] = (
            Interval(*b.ends(q.unit))
            if b is not None
            else Interval.point(exact.to_fraction(q.magnitude))
        )
    for r in p.refs:
        iv = iv_of.get(r)
        env[r] = iv if iv is not None else Interval.point(exact.to_fraction(exact_of[r]))
    out = interval_eval(p.formula.typed_in(p.unit), env)
    rnd = s.round_fn
    if rnd is None:
        return out
    return Interval(
        None if out.lo is None else exact.to_fraction(rnd(out.lo)),
        None if out.hi is None else exact.to_fraction(rnd(out.hi)),
    )


def range_text(iv: Interval, unit: Unit, places: int | None = None, percent: bool = False) -> str:
    """A computed range as forms write one (cesuan.bounds.range_words, the one way): a point as
    an amount, else 不超过/不低于/至. `percent`: a rate the form writes in percent, a point
    too (70%, never 0.7); `places` then still counts in the ratio, as a stated amount's do.

    >>> from cesuan.units import parse_unit
    >>> u = parse_unit("万元")
    >>> range_text(Interval(Fraction(4000), None), u), range_text(Interval(Fraction(0), Fraction(30)), u)
    ('不低于4000万元', '不超过30万元')
    """
    if percent:
        return range_words(
            iv.lo, iv.hi, unit, None if places is None else max(0, places - 2), percent=True
        )
    if iv.lo is not None and iv.lo == iv.hi:
        # One value: written as the audit writes amounts (32.5 万元), a field its schema types.
        return amount_text(iv.lo, unit, places)
    return range_words(iv.lo, iv.hi, unit, places)


def amount_text(x: Fraction, unit: Unit, places: int | None) -> str:
    """Exact decimal text, or rounded half-up (约) where it does not terminate."""
    if exact.is_terminating(x):
        return str(Quantity(exact.to_decimal(x), unit))
    return "约" + str(Quantity(exact.round_half_up(x, 6 if places is None else places), unit))
