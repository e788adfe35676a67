"""The plan as plain data: what each line of a case *is*, once parsed, bound and checked.

What it does: defines `PlannedLine` (a line's parsed inputs, checked formula, unit, declared
rounding, stated amount, written expressions, rule), `PlannedWritten` and `Plan` (the lines in
dependency order). All of it is frozen and pickles: a plan can cross a process boundary.
What it must not do: hold closures or evaluation-only precomputation (cesuan.evaluation builds
and keeps those beside the plan, and rebuilds them after unpickling).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from cesuan import exact
from cesuan.bounds import Bound
from cesuan.conversions import Declared
from cesuan.expr.check import Checked
from cesuan.model import Case, Line
from cesuan.quantity import Quantity
from cesuan.rules import Rule
from cesuan.standards import Standard, Version
from cesuan.units import Unit

__all__ = ["Plan", "PlannedLine", "PlannedWritten", "Rounding"]

Rounding = tuple[int, Unit, str]  # (places, unit rounded in, mode), as declared


@dataclass(frozen=True, slots=True)
class PlannedWritten:
    """An expression as the form writes it (bare numbers, checked as written), the unit of
    those numbers, and the result the form writes beside it."""

    expr: str
    formula: Checked
    unit: Unit
    result: Quantity
    places: int
    quotes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PlannedLine:
    """One line, planned.

    `how` says what the line is: a `formula` (checked, with its natural unit `formula.unit`),
    a plain `value` (`given`), or a `stated` amount with no calculation. `unit` is the unit its
    results are shown and compared in; `refs` the ids of the lines its formula uses, in the
    order the formula first names them; `rounding` the declared (places, unit, mode).
    `line` is the case's line with each `standard:` input's value filled in.
    """

    line: Line
    index: int  # position in the case file
    how: Literal["formula", "value", "stated"]
    formula: Checked | None
    inputs: dict[str, Quantity]
    refs: tuple[str, ...]
    unit: Unit
    rounding: Rounding | None
    given: Quantity | None
    stated: Quantity | None
    stated_places: int | None
    written: tuple[PlannedWritten, ...]
    rule: Rule | None
    # `standard:` inputs: the standard and the version in force in the case's year, by input
    # name (their value is already in `line.inputs` and `inputs`).
    standards: dict[str, tuple[Standard, Version]] = field(default_factory=dict)
    # The case's declared conversions its inputs fit the rule's parameters by (1 家 = 1 个).
    bound: tuple[Declared, ...] = ()
    # Bounds as written (cesuan.bounds): on inputs (name → bound), on the plain value, on the
    # stated amount. `inputs`, `given` and `stated` then hold each bound's written number
    # (its unit is the bound's); evaluation gives such a line an interval (docs/case-format.md).
    bounds: tuple[tuple[str, Bound], ...] = ()
    given_bound: Bound | None = None
    stated_bound: Bound | None = None

    @property
    def bounded(self) -> bool:
        """Whether the line's own value is a range: a bounded input or plain value, or a
        stated-only line whose stated amount is a bound."""
        return (
            bool(self.bounds)
            or self.given_bound is not None
            or (self.how == "stated" and self.stated_bound is not None)
        )

    # The further places the same amount is printed (Line.stated_also): (amount, places).
    stated_also: tuple[tuple[Quantity, int], ...] = ()

    @property
    def id(self) -> str:
        return self.line.id

    @property
    def declared(self) -> tuple[Declared, ...]:
        """The case's declared conversions this line's result rests on (its assumptions)."""
        used = (
            self.bound
            if self.formula is None
            else (*self.bound, *self.formula.declared_in(self.unit))
        )
        return tuple(sorted(set(used), key=lambda d: d.index))

    @property
    def stated_value(self) -> exact.Num | None:
        """The stated amount's magnitude in the line's unit."""
        return (
            None
            if self.stated is None
            else self.stated.unit.convert(self.stated.magnitude, self.unit)
        )


class Plan:
    """A planned case: the case and its lines in dependency order (every line after the lines
    it uses). Evaluation keeps its compiled steps in `_steps`, which is never pickled."""

    __slots__ = ("_steps", "case", "lines")

    def __init__(self, case: Case, lines: tuple[PlannedLine, ...]) -> None:
        self.case = case
        self.lines = lines
        self._steps: object = None  # cesuan.evaluation's compiled steps, built on first use

    def __reduce__(self) -> tuple[object, ...]:
        return (Plan, (self.case, self.lines))

    def __repr__(self) -> str:
        return f"Plan(case={self.case.case!r}, lines={len(self.lines)})"
