"""Implied values: what each single input of a line would have to be for the line to reconcile.

What it does: for a line computed by a formula over its own inputs, solves the checked
formula's typed tree in the target's unit (through the sympy bridge,
`expr.symbolic.typed_to_sympy`, built node by node, every conversion exact, a case's declared
ones too) for one input at a time, the others held at the values used, so that the line equals
a target amount (the stated one); the answer is exact, in the input's own unit, with its ratio
to the value used. An input the formula does not determine uniquely is listed with the reason
instead of a value.
What it must not do: read text with sympy (no sympify/parse_expr), round or use float, change
any input, or be imported by `import cesuan` at start-up work (sympy is imported only inside the
functions of `expr.symbolic` and here).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from cesuan import exact
from cesuan.evaluation import LineResult
from cesuan.expr.symbolic import typed_to_sympy
from cesuan.figures import said
from cesuan.quantity import Quantity

__all__ = ["Implied", "implied_inputs", "implied_text"]


@dataclass(frozen=True)
class Implied:
    """One input's implied value. `needed` is None when it cannot be found; `reason` says why."""

    name: str
    label: str
    used: Quantity
    needed: Quantity | None
    ratio: exact.Num | None  # needed ÷ used, exact; None without a value or when used is 0
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Structured fields for JSON: exact text for every number (p/q where it does not end)."""
        return {
            "input": self.name,
            "label": self.label,
            "used": str(self.used),
            "needed": None if self.needed is None else str(self.needed),
            "ratio": None if self.ratio is None else exact.format_exact(self.ratio),
            "reason": self.reason,
        }


def _num(f: Fraction) -> exact.Num:
    return exact.from_fraction(f) if f.denominator == 1 else _terminating(f)


def _terminating(f: Fraction) -> exact.Num:
    # A terminating quotient becomes a Decimal (so it prints as 313750, not 313750/1).
    return exact.div(Decimal(f.numerator), Decimal(f.denominator))


def implied_inputs(line_result: LineResult, target_quantity: Quantity) -> list[Implied]:
    """For each input of the line, in the formula's order, the value that alone would make the
    line's exact value equal `target_quantity`. Empty for a line that is not a formula over its
    own inputs only (a line that uses other lines is explained by them, not by a single input)."""
    import sympy

    p = line_result.planned
    if p.formula is None or not p.inputs or set(p.formula.names) - set(p.inputs):
        return []
    if not p.formula.reaches(target_quantity.unit):
        return []
    # The typed tree in the target's unit: every conversion exact, a case's declared ones
    # (1 生 = 1 人, 1 学期 = 0.5 年) included, each name a magnitude in its input's own unit.
    expr = typed_to_sympy(p.formula.typed_in(target_quantity.unit))
    values = {n: _rational(p.inputs[n].magnitude) for n in p.formula.names}
    target = _rational(target_quantity.magnitude)
    out = []
    for name in p.formula.names:
        used = p.inputs[name]
        x = sympy.Symbol(name)
        others = {sympy.Symbol(n): v for n, v in values.items() if n != name}
        root, reason = _solve(expr.subs(others), x, target)
        label = _label(line_result, name)
        if root is None:
            out.append(Implied(name, label, used, None, None, reason))
            continue
        needed = Quantity(_num(root), used.unit)
        used_f = exact.to_fraction(used.magnitude)
        ratio = None if not used_f else _num(exact.to_fraction(needed.magnitude) / used_f)
        out.append(Implied(name, label, used, needed, ratio))
    return out


def _rational(x: exact.Num) -> Any:
    import sympy

    f = exact.to_fraction(x)
    return sympy.Rational(f.numerator, f.denominator)


_CANCELS = "该项在公式中被约去，取任何值结果都不变，无法反推"


def _solve(expr: Any, x: Any, target: Any) -> tuple[Fraction | None, str | None]:
    """The one rational solution of expr(x) = target, or None and the reason in Chinese."""
    import sympy

    if x not in expr.free_symbols:
        return None, _CANCELS
    try:
        solutions = sympy.solve(sympy.Eq(expr, target), x)
    except (NotImplementedError, ValueError, TypeError):
        # ceil/floor/round/min/max: sympy cannot invert them in general.
        return None, "公式含取整或取大/取小，该项无法唯一反推"
    if not solutions and x not in sympy.simplify(expr).free_symbols:
        return None, _CANCELS  # (k² − 1)/(k − 1) − k: k cancels only once simplified
    if not solutions:
        return None, "没有任何取值能使本行与申报数相符"
    if len(solutions) > 1:
        return None, f"有 {len(solutions)} 个取值都能相符，无法唯一反推"
    s = solutions[0]
    if not s.is_Rational:
        return None, "所需取值不是有理数，无法精确给出"
    return Fraction(int(s.p), int(s.q)), None


def _label(line_result: LineResult, name: str) -> str:
    given = line_result.planned.line.inputs.get(name)
    if given is not None and given.label:
        return given.label
    rule = line_result.planned.rule
    params = getattr(rule, "params", None) or {}
    param = params.get(name) if isinstance(params, dict) else None
    return getattr(param, "label", None) or name


def implied_text(stated: str, implied: list[dict[str, Any]]) -> str:
    """One sentence for a report, from the JSON fields: what the stated amount amounts to for
    each input alone. A value whose decimals do not end is shown to 3 decimals, with 约."""
    parts = []
    for i in implied:
        if i["needed"] is None:
            parts.append(f"{i['label']}无法反推（{i['reason']}）")
            continue
        ratio = "" if i["ratio"] is None else f"，为所用{said(i['used'])}的{_shown(i['ratio'])}倍"
        gap = " " if i["label"][-1:].isascii() else ""  # "months 需", "面积需"
        parts.append(f"{i['label']}{gap}需{_shown(i['needed'])}{ratio}")
    return f"表中{said(stated)}相当于（只改一项）：" + "；".join(parts)


def _shown(text: str) -> str:
    """'p/q' (a non-terminating exact value) → '约1.046'; a terminating one → '313750': amounts
    as the forms write them (figures.said)."""
    number, _, unit = text.partition(" ")
    p, slash, q = number.partition("/")
    if not slash or not (p.lstrip("-").isdigit() and q.isdigit()):
        return said(text)
    rounded = exact.format_exact(exact.round_half_up(Fraction(int(p), int(q)), 3))
    return said(f"约{rounded}" + (f" {unit}" if unit else ""))
