"""How the audit writes an amount: exact decimal text with its unit; a value whose decimals do
not end rounded half-up to the stated places (else DEFAULT_PLACES) with its exact p/q kept
beside it; a stated amount with the places the form wrote (28.40 stays 28.40); a rate the form
writes in percent in percent (85.37%), the difference of two in percentage points (个百分点).

What it does: the text of the amounts in findings, checks and messages (cesuan.reconcile) and
in the audit JSON's lines (cesuan.report); `said`, an amount in a sentence as forms write it
(3900万元), for every human text of the audit.
What it must not do: compare or round anything but for writing (the verdicts are reconcile's,
on exact values); write a raw fraction in any text meant to be read.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Literal, overload

from cesuan import exact
from cesuan.quantity import Quantity
from cesuan.units import Unit

__all__ = ["DEFAULT_PLACES", "Pct", "amount", "amounts", "percent_line", "q", "said", "written"]

# Places a value that does not terminate is shown with when nothing says how precise it is
# (the same default as cesuan.display.show).
DEFAULT_PLACES = 6


# How an amount is written: as it is (""), in percent ("%": 0.5203 → 52.03%), or in
# percentage points ("百分点": the difference of two percentages, 0.0007 → 0.07 个百分点).
Pct = Literal["", "%", "百分点"]


def percent_line(p: Any) -> bool:
    """Whether a planned line's amounts are written in percent: a dimensionless line whose
    stated amount the form writes with % (85.37%)."""
    return bool(p.unit.dimensionless and p.line.stated is not None and "%" in p.line.stated.value)


def amount(
    x: exact.Num, u: Unit, places: int | None, pct: Pct = "", *, pad: bool = False
) -> tuple[str, str | None]:
    """An amount as written in every output, and its exact fraction when it has no finite
    decimal: (exact decimal text, None), or (text rounded half-up to `places` — the stated
    amount's, else DEFAULT_PLACES —, 'p/q'). Never a raw fraction in the first. `places`
    counts in `u`; with `pct` the value (a ratio) is written in percent or percentage points,
    two places fewer, and the exact fraction stays the ratio. `pad`: a value shown beside a
    stated amount gets at least the stated places (87.8% beside 87.80% is 87.80%; trailing
    zeros only, never a digit rounded away that the exact text has).

    >>> from fractions import Fraction
    >>> from cesuan.units import parse_unit
    >>> amount(Fraction(1, 4), parse_unit("元"), 2), amount(Fraction(64, 123), parse_unit(""), 4)
    (('0.25 元', None), ('0.5203', '64/123'))
    >>> amount(Fraction(64, 123), parse_unit(""), 4, "%"), amount(Fraction(7, 10000), parse_unit(""), 4, "百分点")
    (('52.03%', '64/123'), ('0.07 个百分点', None))
    >>> amount(Fraction(439, 500), parse_unit(""), 4, "%", pad=True)[0]
    '87.80%'
    """
    p = DEFAULT_PLACES if places is None else places
    ex = None if exact.is_terminating(x) else exact.format_exact(x)
    if pct:
        v = _hundred(x)
        n = exact.format_exact(v if ex is None else exact.round_half_up(v, max(0, p - 2)))
        if pad and places is not None:
            n = _padded(n, places - 2)
        return (n + "%" if pct == "%" else f"{n} 个百分点"), ex
    n = exact.format_exact(x if ex is None else exact.round_half_up(x, p))
    if pad and places is not None:
        n = _padded(n, places)
    return (f"{n} {u.text}" if u.terms else n), ex


def _padded(n: str, places: int) -> str:
    """Decimal text with trailing zeros up to `places` decimals (never fewer than it has)."""
    have = len(n.partition(".")[2])
    if places <= have:
        return n
    return n + ("" if "." in n else ".") + "0" * (places - have)


def _hundred(x: exact.Num) -> exact.Num:
    """x × 100, exactly (a Decimal by moving its point: 0.853 → 85.3, never 85.300)."""
    return exact.scale10(x, 2) if isinstance(x, Decimal) else exact.mul(x, Decimal(100))


def q(x: exact.Num, u: Unit, places: int | None = None, pct: Pct = "", *, pad: bool = False) -> str:
    """An amount for a message: rounded with 约 in front where it does not terminate, written
    as the forms write it (`said`); `pad` as in `amount`."""
    text, ex = amount(x, u, places, pct, pad=pad)
    return said(text if ex is None else "约" + text)


# A number (约 in front where rounded, a sign) and the one space before its unit.
_SPACED = re.compile(r"^(约?[-−]?[0-9][0-9.]*) (?=\S)")


@overload
def said(text: str) -> str: ...
@overload
def said(text: None) -> None: ...
def said(text: str | None) -> str | None:
    """An amount as the forms and the 测算依据 write it in a sentence: the number against its
    unit (3900万元, 约32.5万元, 0.07个百分点). The one way the audit's human texts (messages;
    the text, Markdown and HTML reports) write an amount; the JSON fields keep the space their
    schema types ('3900 万元'). Text that does not start with a number (a bound's words, a
    range, a bound as written) is returned as it is, and None (no amount) as None.

    >>> said("3900 万元"), said("约-0.03 个百分点"), said("85.30%"), said("不超过30万元")
    ('3900万元', '约-0.03个百分点', '85.30%', '不超过30万元')
    """
    return None if text is None else _SPACED.sub(r"\1", text, count=1)


def written(stated: Quantity, places: int | None, pct: bool = False) -> str:
    """A stated amount as the form writes it, trailing zeros kept (28.40 stays 28.40; 85.30%
    as 85.30%, not 0.8530)."""
    if pct:
        v = _hundred(stated.magnitude)
        return exact.format_exact(v, places=None if places is None else max(0, places - 2)) + "%"
    if places is None:
        return str(stated)
    n = exact.format_exact(stated.magnitude, places=places)
    return f"{n} {stated.unit.text}" if stated.unit.terms else n


def amounts(
    computed: exact.Num, stated: Quantity, places: int | None, pct: bool = False
) -> dict[str, Any]:
    """stated, computed, difference (computed − stated) and unit: exact decimal text, or
    rounded to the stated places with the exact fraction in computed_exact/difference_exact
    (in `unit`; for a percentage the ratio, the difference then in percentage points)."""
    c, c_exact = amount(computed, stated.unit, places, "%" if pct else "", pad=True)
    diff = exact.sub(computed, stated.magnitude)
    d, d_exact = amount(diff, stated.unit, places, "百分点" if pct else "")
    return {
        "stated": written(stated, places, pct),
        "computed": c,
        "computed_exact": c_exact,
        "difference": d,
        "difference_exact": d_exact,
        "unit": stated.unit.text,
    }
