"""Process-wide caches of what planning parses: formula trees, checked formulas, quantities and
units, keyed by their text (and, for a checked formula, the units of its names).

What it does: a case with 10,000 rents uses one formula text; it is parsed and checked once per
process. Everything cached is immutable plain data. Errors are never cached (an lru_cache does
not keep a call that raised), so each bad text is reported where it occurs.
What it must not do: hold closures (cesuan.evaluation caches its compiled functions itself) or
anything that depends on a case.
"""

from __future__ import annotations

import functools

from cesuan.conversions import NONE, Conversions
from cesuan.errors import CesuanError
from cesuan.expr.ast import Node, names
from cesuan.expr.check import Checked, check
from cesuan.expr.parser import parse_formula
from cesuan.model import Line
from cesuan.quantity import Quantity, parse_quantity
from cesuan.rules import rule
from cesuan.units import Unit, parse_unit

__all__ = ["checked", "declared_unit", "parsed", "quantity", "text_names", "unit"]


@functools.lru_cache(maxsize=8192)
def parsed(text: str) -> Node:
    """parse_formula, cached: trees are immutable, and a case parses each formula twice (once
    to order the lines, once to check them)."""
    return parse_formula(text)


@functools.lru_cache(maxsize=8192)
def checked(text: str, units: tuple[tuple[str, Unit], ...], conv: Conversions = NONE) -> Checked:
    """The formula `text` checked against the units of its names (and the case's declared
    conversions, which are part of the key: they hold for their case only)."""
    return check(parsed(text), dict(units), text=text, conv=conv)


@functools.lru_cache(maxsize=8192)
def text_names(text: str) -> tuple[str, ...]:
    """The names formula `text` uses (raises its parse error, uncached)."""
    return names(parsed(text))


@functools.lru_cache(maxsize=1024)
def unit(text: str) -> Unit:
    return parse_unit(text)


@functools.lru_cache(maxsize=65536)
def quantity(text: str) -> Quantity:
    return parse_quantity(text)


def declared_unit(line: Line) -> Unit | None:
    """The unit a line declares (unit, stated amount, rule, value), before it is planned, so
    that the lines using it can be checked; None when it cannot be read yet."""
    try:
        if line.unit is not None:
            return unit(line.unit)
        if line.stated is not None:
            return quantity(line.stated.value).unit
        if line.use is not None:
            return unit(rule(line.use).unit)
        if line.value is not None:
            return quantity(line.value).unit
    except CesuanError:
        return None  # reported with its location when the line itself is planned
    return None
