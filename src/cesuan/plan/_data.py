"""The plan as plain data: what each line of a case *is*, once parsed, bound and checked.

What it does: defines `PlannedLine` (a line's parsed inputs, checked formula, unit, declared
rounding, stated amount, written expressions, rule), `PlannedWritten` and `Plan` (the lines in
dependency order). All of it is frozen and pickles: a plan can cross a process boundary.
What it must not do: hold closures or evaluation-only precomputation (cesuan.evaluation builds
and keeps those beside the plan, and rebuilds them after unpickling).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cesuan import exact
from cesuan.expr.check import Checked
from cesuan.model import Case, Line
from cesuan.quantity import Quantity
from cesuan.rules import Rule
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
    # The further places the same amount is printed (Line.stated_also): (amount, places).
    stated_also: tuple[tuple[Quantity, int], ...] = ()

    @property
    def id(self) -> str:
        return self.line.id

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
