"""Materiality and the amounts of findings: the threshold below which a difference is not
expanded in the audit report (`--materiality`), and exact reading of the amount text reconcile
writes ('-100.003 万元').

What it does: parses a threshold (absolute '1 万元' or relative '0.5%' of the stated amount) and
says whether a finding's |difference| is below it; reads and writes exact amounts.
What it must not do: use float; decide anything about a finding but whether it is below the
threshold (hidden findings are still counted and listed by auditreport).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from cesuan import exact
from cesuan.errors import CesuanError, ErrorKind
from cesuan.units import Unit, parse_unit

__all__ = [
    "WAN",
    "Materiality",
    "amount",
    "exact_amount",
    "is_money",
    "parse_materiality",
    "shown_places",
    "text_in",
]


def amount(text: str | None) -> tuple[Fraction, Unit] | None:
    """'-100.003 万元' → (−100003/1000, 万元); '85.30%' → (853/1000, 1). Reconcile writes
    exact decimal text, or text rounded to the stated places beside an exact p/q field.

    >>> amount("85.30%")[0], amount("0.07 个百分点")[0], amount("-100.003 万元")[0]
    (Fraction(853, 1000), Fraction(7, 100), Fraction(-100003, 1000))
    """
    if not text:
        return None
    number, _, unit = text.strip().partition(" ")
    try:
        if number.endswith("%") and not unit:
            return Fraction(number[:-1]) / 100, parse_unit("")
        return Fraction(number), parse_unit(unit) if unit else parse_unit("")
    except (ValueError, ZeroDivisionError, CesuanError):
        return None


def exact_amount(f: Mapping[str, Any], key: str) -> tuple[Fraction, Unit] | None:
    """A finding's amount `key` ('difference', 'stated', 'computed') exactly: from its
    `key_exact` p/q where the text was rounded (that p/q is in the finding's `unit`), so that
    ranking and materiality never use a rounded difference (1/3 is more than 0.33)."""
    shown = amount(f.get(key))
    ex = f.get(f"{key}_exact")
    if shown is None or not ex:
        return shown
    try:
        in_unit = parse_unit(f.get("unit") or "")
        value = Fraction(ex) * in_unit.factor / shown[1].factor
    except (ValueError, ZeroDivisionError, CesuanError):
        return shown
    return value, shown[1]


_YUAN = parse_unit("元")
WAN = parse_unit("万元")


def is_money(unit: Unit) -> bool:
    return unit.dims == _YUAN.dims


def shown_places(text: str, unit: Unit, key: str) -> int:
    """The decimals of a shown amount ('0.02 万元' → 2), counted in the unit `key` it is summed
    in (3 元 is 0.0003 万元: 4), so that a sum is rounded once, no coarser than its parts.

    >>> from cesuan.units import parse_unit
    >>> shown_places("0.02 万元", parse_unit("万元"), "万元"), shown_places("3 元", parse_unit("元"), "万元")
    (2, 4)
    """
    number = text.strip().partition(" ")[0].rstrip("%")
    decimals = len(number.partition(".")[2])
    shift = unit.factor / parse_unit(key).factor  # 1 unit = shift key-units
    while shift < 1 and shift.numerator == 1 and shift.denominator % 10 == 0:
        decimals, shift = decimals + 1, shift * 10
    return decimals


def text_in(value: Fraction, unit: Unit) -> str:
    """An exact value in `unit` (given in root units) as '174.37 万元'."""
    x = value / unit.factor
    num = exact.to_decimal(x) if exact.is_terminating(x) else x
    return f"{exact.format_exact(num)} {unit.text}".strip()


@dataclass(frozen=True, slots=True)
class Materiality:
    """A minimum difference: absolute (`amount`, root units of `unit`) or a share of stated."""

    text: str
    amount: Fraction | None = None
    unit: Unit | None = None
    share: Fraction | None = None

    def hides(self, f: Mapping[str, Any]) -> bool:
        """Whether a finding's |difference| is below the threshold. Findings without a
        difference, or in a unit of another dimension, are never hidden."""
        diff = exact_amount(f, "difference")
        if diff is None:
            return False
        gap = abs(diff[0]) * diff[1].factor
        if self.share is not None:
            stated = amount(f.get("stated"))
            if stated is None or stated[1].dims != diff[1].dims:
                return False
            return gap < self.share * abs(stated[0]) * stated[1].factor
        if self.amount is None or self.unit is None:
            return False
        return diff[1].dims == self.unit.dims and gap < self.amount


def parse_materiality(text: str) -> Materiality:
    """'1 万元' (absolute) or '0.5%' (of each finding's stated amount) → `Materiality`.

    >>> parse_materiality("1 万元").amount
    Fraction(10000, 1)
    >>> parse_materiality("0.5%").share
    Fraction(1, 200)
    """
    s = text.strip()
    if s.endswith(("%", "％")):
        try:
            share = Fraction(s[:-1].strip()) / 100
        except (ValueError, ZeroDivisionError):
            share = Fraction(-1)
        if share < 0:
            raise _bad_materiality(text)
        return Materiality(s, share=share)
    from cesuan.quantity import parse_quantity

    try:
        q = parse_quantity(s)
    except CesuanError:
        raise _bad_materiality(text) from None
    value = exact.to_fraction(q.root())
    if value < 0 or not q.unit.terms:
        raise _bad_materiality(text)
    return Materiality(s, amount=value, unit=q.unit)


def _bad_materiality(text: str) -> CesuanError:
    return CesuanError(
        ErrorKind.SCHEMA,
        "重要性水平应为带单位的金额或百分比",
        field="--materiality",
        text=text,
        hint="例如 --materiality '1 万元'（差额绝对值低于 1 万元的不展开）或 0.5%（低于申报数的 0.5%）",
    )
