"""Numbers with units in running text, and how a stated amount is compared with a computed one.

What it does: finds `502.1604万元`, `81万`, `8369.34平方米`, `98%` in a span of text (a linear
regex of literal alternatives), reads each into an exact Quantity through cesuan.quantity, tells
a standard (`每条月租费1200元`) from an amount, and compares exactly, allowing only the rounding
the form's own last digit implies (half-up, as cesuan.reconcile does).
What it must not do: use float, or read a number in any way other than cesuan.quantity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from cesuan import exact
from cesuan.errors import CesuanError
from cesuan.quantity import Quantity, parse_quantity
from cesuan.scan.items import Status
from cesuan.scan.patterns import patterns
from cesuan.units import Unit

__all__ = ["Amount", "clause_bounds", "compare", "find_amounts", "is_rate", "sum_in"]

_MAX_CLAUSE = 200
_CLAUSE_ENDS = "，,；;。：:\t\n、"
# A number: with ASCII grouping commas (3,600.5: groups of exactly three), or plain digits.
_NUM = (
    r"(?<![0-9０-９.．])(?:[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9０-９]+(?:[.．][0-9０-９]+)?)"
)


@cache
def _amount_re() -> re.Pattern[str]:
    p = patterns()
    # 30万件 is 300000 件, not 30 万元 then 件: 万 + a counted unit is one unit word here.
    units = p.alternation(
        p.money_units + p.counted_units + tuple("万" + u for u in p.counted_units)
    )
    # One number, then either % or an optional unit: no nested quantifiers.
    return re.compile(f"({_NUM})[ \u3000]?(?:([%％])|({units}))?")


@dataclass(frozen=True, slots=True)
class Amount:
    """A number in the text with the unit written after it ('' when none)."""

    start: int
    end: int
    number: str  # as written
    unit: str  # as written ('万' for 81万)
    quantity: Quantity

    @property
    def is_money(self) -> bool:
        return self.unit in patterns().money_units

    @property
    def places(self) -> int:
        """Decimal places as written, counted on the stored value (52.05% → 4)."""
        d = Decimal(self.number.translate(_FULL).replace(",", ""))
        return exact.decimal_places(d) + (2 if self.unit == "%" else 0)


_FULL = str.maketrans("０１２３４５６７８９．", "0123456789.")


def find_amounts(text: str, start: int = 0, end: int | None = None) -> list[Amount]:
    """Every number in text[start:end] with its unit; a bare 万 after a number is 万元."""
    out = []
    for m in _amount_re().finditer(text, start, len(text) if end is None else end):
        number = m.group(1)
        unit = "%" if m.group(2) else (m.group(3) or "")
        if unit == "%":
            q_text = f"{number}%"
        elif unit == "万":
            q_text = f"{number} 万元"
        elif unit.startswith("万") and unit not in patterns().money_units:
            q_text = f"{number}万 {unit[1:]}"  # cesuan.quantity: '30万 件' is 300000 件
        else:
            q_text = f"{number} {unit}"
        try:
            q = parse_quantity(q_text)
        except CesuanError:
            continue  # a number the quantity grammar does not read is not an amount here
        out.append(Amount(m.start(), m.end() if unit else m.end(1), number, unit, q))
    return out


def clause_bounds(text: str, pos: int, lo: int = 0, hi: int | None = None) -> tuple[int, int]:
    """The clause around pos: between the nearest separators (，；。：、 tab newline)."""
    # Bounded: a clause longer than _MAX_CLAUSE is cut, so that text with no separators
    # (hostile or not) costs the same per amount, and scanning stays linear overall.
    hi = min(len(text) if hi is None else hi, pos + _MAX_CLAUSE)
    lo = max(lo, pos - _MAX_CLAUSE)
    a = pos
    while a > lo and text[a - 1] not in _CLAUSE_ENDS:
        a -= 1
    b = pos
    while b < hi and text[b] not in _CLAUSE_ENDS:
        b += 1
    return a, b


def is_rate(text: str, a: Amount, lo: int = 0, hi: int | None = None) -> bool:
    """Whether a money amount is a standard (每条月租费1200元, 50元每月/平方米), not an amount."""
    if not a.is_money:
        return False
    after = text[a.end : a.end + 1]
    if after in ("/", "每", "／"):
        return True
    c0, c1 = clause_bounds(text, a.start, lo, hi)
    clause = text[c0:c1]
    for w in patterns().annual_words:  # 大厅租金每年502.1604万元 is an amount, not a standard
        clause = clause.replace(w, "")
    return any(w in clause for w in patterns().rate_words)


def compare(computed: Quantity, stated: Quantity, places: int) -> Status:
    """'holds', 'rounded' (equal once rounded half-up to the stated places) or 'mismatch'.

    The computed amount is taken in the stated amount's unit; the caller has checked that the
    two have the same dimension.

    >>> compare(parse_quantity("203.203 万元"), parse_quantity("203.2 万元"), 1)
    'rounded'
    >>> compare(parse_quantity("3711.84 万元"), parse_quantity("3637.8 万元"), 1)
    'mismatch'
    """
    value = computed.to(stated.unit).magnitude
    if exact.sub(value, stated.magnitude) == 0:
        return "holds"
    if exact.round_half_up(value, places) == stated.magnitude:
        return "rounded"
    return "mismatch"


def sum_in(qs: list[Quantity], unit: Unit) -> Quantity:
    """The exact sum of quantities, in `unit` (CesuanError if one has another dimension)."""
    total: exact.Num = Decimal(0)
    for q in qs:
        total = exact.add(total, q.to(unit).magnitude)
    return Quantity(total, unit)
