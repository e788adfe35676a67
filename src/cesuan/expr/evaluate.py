"""One formula with named inputs → an exact Quantity (the library's quick entry point).

What it does: parses inputs given as quantity text, compiles the formula against their units and
evaluates it, converting the result exactly to the unit asked for.
What it must not do: know about cases or lines, or round anything.
"""

from __future__ import annotations

from collections.abc import Mapping

from cesuan import exact
from cesuan.expr.compiler import compile_formula
from cesuan.expr.parser import parse_formula
from cesuan.quantity import Quantity, parse_quantity

__all__ = ["evaluate_formula"]


def evaluate_formula(
    text: str, inputs: Mapping[str, str | Quantity] | None = None, unit: str | None = None
) -> Quantity:
    """Evaluate formula `text` exactly with `inputs` (quantity text or Quantity objects).

    Args:
        text: the formula, e.g. "area × rate × 12 月".
        inputs: name → "8369.34 平方米" or a Quantity.
        unit: the unit of the result (default: the formula's natural unit).

    Returns:
        An exact Quantity. A non-terminating quotient stays a Fraction.

    Raises:
        CesuanError: for any syntax, name, unit or dimension problem.

    >>> q = evaluate_formula("area × rate × 12 月",
    ...     {"area": "8369.34 平方米", "rate": "50 元/(平方米·月)"}, unit="万元")
    >>> str(q)
    '502.1604 万元'
    """
    qs = {k: v if isinstance(v, Quantity) else parse_quantity(v) for k, v in (inputs or {}).items()}
    compiled = compile_formula(parse_formula(text), {k: q.unit for k, q in qs.items()}, text=text)
    root = compiled({k: q.root() for k, q in qs.items()})
    natural = Quantity(exact.div(root, exact.from_fraction(compiled.unit.factor)), compiled.unit)
    return natural.to(unit) if unit is not None else natural
