"""Evaluate a planned case exactly, line by line in dependency order.

What it does: runs each line's compiled formula on exact root magnitudes, applies only the
roundings a line declares (half-up unless it says otherwise), and also evaluates, for lines that
use other lines, the same formula over those lines' *stated* amounts (the check a reviewer does
by hand: do the parts as written add up to the whole as written), and every expression the form
writes, as written. Results keep references to the plan, so provenance is complete but compact.
What it must not do: format text, reconcile, or round anything that was not declared. A
non-terminating result without a declared rounding is an error, never a silently cut decimal.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from cesuan import exact
from cesuan.errors import CesuanError, ErrorKind, raise_all
from cesuan.exact import Num
from cesuan.limits import MAX_VALUE_DIGITS
from cesuan.model import Case
from cesuan.plan import Plan, PlannedLine
from cesuan.quantity import Quantity
from cesuan.units import Unit

__all__ = ["LineResult", "Result", "evaluate_plan"]


def _f(x: Fraction) -> Num:
    return Decimal(x.numerator) if x.denominator == 1 else x


@dataclass(frozen=True, slots=True)
class LineResult:
    """One line's numbers, all in the line's unit (`planned.unit`)."""

    planned: PlannedLine
    exact: Num  # before any declared rounding
    value: Num  # after the declared rounding (the line's result)
    local: Num | None  # the formula over the stated amounts of the lines it uses
    used: tuple[tuple[str, Num, bool], ...]  # (line id, value used locally, was stated)
    written: tuple[Num, ...]  # each written expression's value, in its own unit

    @property
    def id(self) -> str:
        return self.planned.id

    @property
    def unit(self) -> Unit:
        return self.planned.unit

    @property
    def quantity(self) -> Quantity:
        return Quantity(self.value, self.planned.unit)

    @property
    def rounded(self) -> bool:
        return self.planned.rounding is not None and self.exact != self.value


@dataclass(frozen=True, slots=True)
class Result:
    """The evaluated case: per-line results in dependency order, and the plan behind them."""

    plan: Plan
    lines: tuple[LineResult, ...]

    @property
    def case(self) -> Case:
        return self.plan.case

    def __iter__(self) -> Iterator[LineResult]:
        return iter(self.lines)

    def __getitem__(self, line_id: str) -> LineResult:
        for r in self.lines:
            if r.id == line_id:
                return r
        raise KeyError(line_id)

    def to_dict(self) -> dict[str, object]:
        """Plain, deterministic data (see cesuan.provenance)."""
        from cesuan.provenance import result_to_dict

        return result_to_dict(self)

    def to_json(self) -> str:
        """Deterministic JSON: sorted keys, exact decimal strings, no timestamps."""
        from cesuan.provenance import dumps

        return dumps(self.to_dict())


def _check_size(x: Num, p: PlannedLine, what: str) -> None:
    if isinstance(x, Decimal):
        t = x.as_tuple()
        exp = t.exponent
        assert isinstance(exp, int)
        big = len(t.digits) + exp if exp > 0 else len(t.digits)
    else:
        big = max(len(str(abs(x.numerator))), len(str(x.denominator)))
    if big > MAX_VALUE_DIGITS:
        raise CesuanError(
            ErrorKind.MAGNITUDE,
            f"{what}超过 {MAX_VALUE_DIGITS} 位数字",
            hint="检查公式是否把金额相乘、或除以了极小的数",
        )


def _round(root: Num, places: int, unit: Unit, mode: str) -> Num:
    how = {"half_up": exact.round_half_up, "ceil": exact.ceil_to, "floor": exact.floor_to}[mode]
    return exact.mul(how(exact.div(root, _f(unit.factor)), places), _f(unit.factor))


def _evaluate_line(
    p: PlannedLine,
    roots: dict[str, Num],
    stated_roots: dict[str, Num],
    unit_of: dict[str, Unit],
) -> tuple[LineResult, Num]:
    factor = _f(p.unit.factor)
    local = None
    used: tuple[tuple[str, Num, bool], ...] = ()
    written = tuple(w.compiled({}) for w in p.written)
    if p.how == "stated":
        assert p.stated is not None
        root = p.stated.root()
    elif p.how == "value":
        assert p.given is not None
        root = p.given.root()
    else:
        assert p.compiled is not None
        env = {k: q.root() for k, q in p.inputs.items()}
        for r in p.refs:
            env[r] = roots[r]
        root = p.compiled(env)
        _check_size(root, p, "计算结果")
        if p.refs:
            # The same formula over the parts as the form states them: a discrepancy is then
            # found where it arises, not again in every total above it.
            local_env = dict(env)
            for r in p.refs:
                local_env[r] = stated_roots.get(r, roots[r])
            used = tuple(
                (r, exact.div(local_env[r], _f(unit_of[r].factor)), r in stated_roots)
                for r in p.refs
            )
            local = exact.div(p.compiled(local_env), factor)
    value_exact = exact.div(root, factor)
    value = value_exact
    if p.rounding is not None and p.how == "formula":
        places, ru, mode = p.rounding
        root = _round(root, places, ru, mode)
        value = exact.div(root, factor)
    if not exact.is_terminating(value):
        raise CesuanError(
            ErrorKind.NON_TERMINATING,
            f"结果 {exact.format_exact(value)} {p.unit.text} 除不尽",
            hint="声明取整方式，如 round: {places: 2}（四舍五入保留两位）",
        )
    return LineResult(p, value_exact, value, local, used, written), root


def evaluate_plan(plan: Plan) -> Result:
    """Evaluate every line of a plan; raise every evaluation error found, located.

    Lines that depend on a failed line are skipped (their cause is already reported).
    """
    roots: dict[str, Num] = {}
    stated_roots = {p.id: p.stated.root() for p in plan.lines if p.stated is not None}
    results: list[LineResult] = []
    errors: list[CesuanError] = []
    case = plan.case
    unit_of = {p.id: p.unit for p in plan.lines}
    for p in plan.lines:
        if any(r not in roots for r in p.refs):
            continue
        try:
            res, root = _evaluate_line(p, roots, stated_roots, unit_of)
        except CesuanError as e:
            path = f"lines[{p.index}]"
            errors.append(
                e.located(
                    file=case.file,
                    line=case.line_of(path + ".formula"),
                    line_id=p.id,
                    field=f"lines[{p.id}].formula",
                )
            )
            continue
        roots[p.id] = root
        results.append(res)
    raise_all(errors, file=case.file)
    return Result(plan, tuple(results))
