"""What evaluation precomputes from a plan: one compiled step per line, rebuilt, never pickled.

What it does: for each planned line, compiles its checked formula into a fast function giving
the result in the line's unit (cesuan.expr.compiler; cached by formula text, units and output
unit, so a formula shared by many lines is compiled once per process), and works out once what
the evaluation loop needs: the inputs' magnitudes as written, the declared rounding as one
function, the size of the line's unit in powers of ten (for the size check), the value of a
plain-value or stated-only line and the stated amount in the line's unit. The steps are kept in
the plan's `_steps` slot, which pickling drops: an unpickled plan rebuilds them on first use.
What it must not do: evaluate, or decide anything about a line that the plan does not say.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from types import MappingProxyType

from cesuan import exact
from cesuan.conversions import NONE, Conversions
from cesuan.expr.compiler import Compiled, compile_checked
from cesuan.plan import Plan, PlannedLine, Rounding, _cache
from cesuan.units import Unit

__all__ = ["Step", "steps"]

Scale = Callable[[exact.Num], exact.Num]
_NO_INPUTS: Mapping[str, exact.Num] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Step:
    """A planned line, ready to run. `fn` reads `env` (the inputs' magnitudes as written) and
    the lines it uses, and gives the result in the line's unit; `shift` is k when the line's
    unit is 10^k root units (元: 0, 万元: 4), else None and `to_root` converts; `round_fn` is the
    declared rounding on values in the line's unit; `fixed` the value of a line with no
    formula; `simple` a formula over its own inputs only."""

    p: PlannedLine
    fn: Callable[[Mapping[str, exact.Num]], exact.Num] | None
    env: Mapping[str, exact.Num]
    shift: int | None
    to_root: Scale | None
    round_fn: Scale | None
    fixed: exact.Num | None
    stated_value: exact.Num | None
    simple: bool
    ref_stated: tuple[bool, ...]  # for each of the line's refs: whether it has a stated amount
    # Whether a line it uses shows a value other than its exact one (a formula with a declared
    # rounding); if none does, the over-shown reading is the exact one, and if none states an
    # amount either, so is the over-stated reading: neither is computed again.
    refs_rounded: bool
    written: tuple[Callable[[Mapping[str, exact.Num]], exact.Num], ...]
    # Whether the line's value is a range: it is bounded, or uses a line that is
    # (cesuan.intervals evaluates those; worked out once here, not on every evaluation).
    ranged: bool = False


def steps(plan: Plan) -> tuple[Step, ...]:
    """The plan's steps, built on first use and kept beside it."""
    built = plan._steps
    if built is None:
        stated = {p.id for p in plan.lines if p.stated is not None}
        rounded = {p.id for p in plan.lines if p.rounding is not None and p.formula is not None}
        built = tuple(_step(p, stated, rounded) for p in plan.lines)
        ranged = _ranged(plan)
        if ranged:
            built = tuple(replace(s, ranged=True) if s.p.id in ranged else s for s in built)
        plan._steps = built
    assert isinstance(built, tuple)
    return built


def _ranged(plan: Plan) -> set[str]:
    """The ids of the lines whose value is a range (empty for a case without bounds)."""
    out: set[str] = set()
    for p in plan.lines:  # dependency order: a line comes after the lines it uses
        if p.bounded or (out and any(r in out for r in p.refs)):
            out.add(p.id)
    return out


def _step(p: PlannedLine, stated: set[str], rounded: set[str]) -> Step:
    unit = p.unit
    fn = env = None
    fixed = None
    if p.formula is not None:
        fn = _compiled(p.formula.text, p.formula.units, unit, p.formula.conversions).fn
        env = {k: q.magnitude for k, q in p.inputs.items()} if p.inputs else _NO_INPUTS
    elif p.given is not None:
        fixed = p.given.unit.convert(p.given.magnitude, unit)
    elif p.stated is not None:
        fixed = p.stated.unit.convert(p.stated.magnitude, unit)
    written = tuple(_compiled(w.formula.text, (), None, NONE).fn for w in p.written)
    return Step(
        p,
        fn,
        env or _NO_INPUTS,
        _shift(unit.factor),
        _scaler(unit.factor.numerator, unit.factor.denominator),
        _rounding(p.rounding, unit) if p.formula is not None else None,
        fixed,
        p.stated_value,
        fn is not None and not p.refs and not p.written,
        tuple(k in stated for k in p.refs),
        any(k in rounded for k in p.refs),
        written,
    )


@functools.lru_cache(maxsize=8192)
def _compiled(
    text: str, units: tuple[tuple[str, Unit], ...], out: Unit | None, conv: Conversions
) -> Compiled:
    # The plan's checked formulas come from cesuan.plan._cache under the same key.
    return compile_checked(_cache.checked(text, tuple(sorted(units)), conv), out)


@functools.lru_cache(maxsize=1024)
def _scaler(p: int, q: int) -> Scale | None:
    # Keyed by the two integers: hashing a Fraction costs a modular inverse.
    return exact.scaler(Fraction(p, q))


def _shift(factor: Fraction) -> int | None:
    """k when factor is 10^k (k ≥ 0), else None."""
    if factor.denominator != 1:
        return None
    n, k = factor.numerator, 0
    while n % 10 == 0:
        n //= 10
        k += 1
    return k if n == 1 else None


def _rounding(rounding: Rounding | None, unit: Unit) -> Scale | None:
    """The declared rounding as a function of a value in the line's `unit`."""
    if rounding is None:
        return None
    places, ru, mode = rounding
    how = _rounder(places, mode)
    f = unit.factor_to(ru)
    to_ru = _scaler(f.numerator, f.denominator)
    back = _scaler(f.denominator, f.numerator)
    if to_ru is None or back is None:
        return how
    return lambda x: back(how(to_ru(x)))


@functools.lru_cache(maxsize=128)
def _rounder(places: int, mode: str) -> Scale:
    return exact.rounder(places, mode)
