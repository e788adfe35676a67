"""Evaluate a planned case exactly, line by line in dependency order.

What it does: runs each line's compiled formula on exact magnitudes (its inputs as written, the
lines it uses in their own units), converts the result exactly to the line's unit with the
factors the plan worked out, applies only the roundings a line declares (half-up unless it says
otherwise), and also evaluates, for lines that use other lines, the same formula over those
lines' *stated* amounts (the check a reviewer does by hand: do the parts as written add up to
the whole as written), and every expression the form writes, as written. Results keep
references to the plan, so provenance is complete but compact: the JSON trace is only built
when asked for (cesuan.provenance).
What it must not do: format text, reconcile, or round anything that was not declared. A
non-terminating result without a declared rounding is an error, never a silently cut decimal.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from decimal import Context, Decimal, Rounded
from typing import cast

from cesuan import exact
from cesuan._steps import Step, steps
from cesuan.errors import CesuanError, ErrorKind, raise_all
from cesuan.exact import Num
from cesuan.limits import MAX_VALUE_DIGITS
from cesuan.model import Case
from cesuan.plan import Plan, PlannedLine
from cesuan.quantity import Quantity
from cesuan.units import Unit

__all__ = ["LineResult", "Result", "evaluate_plan"]


class _LineSlots:
    """The storage of a LineResult: its six fields as slots (no __dict__)."""

    __slots__ = ("exact", "local", "planned", "used", "value", "written")


@dataclass(frozen=True)
class LineResult(_LineSlots):
    """One line's numbers, all in the line's unit (`planned.unit`)."""

    __slots__ = ()

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

    # As dataclass(slots=True, frozen=True) would: copy and pickle set the fields through these.
    def __getstate__(self) -> tuple[object, ...]:
        return tuple(getattr(self, f.name) for f in fields(self))

    def __setstate__(self, state: tuple[object, ...]) -> None:
        for f, v in zip(fields(self), state, strict=True):
            object.__setattr__(self, f.name, v)


_new = object.__new__


class _Building(_LineSlots):
    """A LineResult being made. A frozen dataclass sets each field through object.__setattr__,
    which costs as much as the rest of a simple line's evaluation; this class stores the same
    slots plainly and then becomes a LineResult (same layout, so `__class__` can change):
    `r = _Building(…); r.__class__ = LineResult`."""

    __slots__ = ()

    def __init__(
        self,
        planned: PlannedLine,
        exact: Num,
        value: Num,
        local: Num | None,
        used: tuple[tuple[str, Num, bool], ...],
        written: tuple[Num, ...],
    ) -> None:
        self.planned = planned
        self.exact = exact
        self.value = value
        self.local = local
        self.used = used
        self.written = written


class Result(Mapping[str, LineResult]):
    """The evaluated case: a read-only mapping of line id → `LineResult` in the case's order
    (O(1) `result["hall.rent"]`, `in`, `len`, `keys`, `get`), and the plan behind it.
    `lines` holds the same results in dependency order (every line after the lines it uses).
    """

    __slots__ = ("_by_id", "lines", "plan")

    def __init__(self, plan: Plan, lines: tuple[LineResult, ...]) -> None:
        self.plan = plan
        self.lines = lines
        by_id = {r.id: r for r in lines}
        # Case order: the order a reader of the form (and of explain/report) expects.
        self._by_id = {ln.id: by_id[ln.id] for ln in plan.case.lines if ln.id in by_id}

    @property
    def case(self) -> Case:
        return self.plan.case

    def __getitem__(self, line_id: str) -> LineResult:
        return self._by_id[line_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_id)

    def __len__(self) -> int:
        return len(self._by_id)

    def __repr__(self) -> str:
        return f"Result(case={self.case.case!r}, lines={len(self)})"

    def __reduce__(self) -> tuple[object, ...]:
        return (Result, (self.plan, self.lines))

    def to_dict(self) -> dict[str, object]:
        """Plain, deterministic data (see cesuan.provenance)."""
        from cesuan.provenance import result_to_dict

        return result_to_dict(self)

    def to_json(self) -> str:
        """Deterministic JSON: sorted keys, exact decimal strings, no timestamps."""
        from cesuan.provenance import dumps

        return dumps(self.to_dict())


# Digits of a Decimal beyond MAX_VALUE_DIGITS make `plus` in this context signal Rounded.
_SIZE = Context(prec=MAX_VALUE_DIGITS, Emax=10**7, Emin=-(10**7), traps=[Rounded])
_fits = _SIZE.plus


def _too_big(what: str) -> CesuanError:
    return CesuanError(
        ErrorKind.MAGNITUDE,
        f"{what}超过 {MAX_VALUE_DIGITS} 位数字",
        hint="检查公式是否把金额相乘、或除以了极小的数",
    )


def _check_size(value: Num, p: Step, what: str) -> None:
    """Refuse a value whose magnitude in root units (元, 米, 年, …) has more than
    MAX_VALUE_DIGITS digits before and after the point (or in a fraction's numerator or
    denominator). `value` is in the line's unit."""
    shift = p.shift
    if shift is not None and type(value) is Decimal:
        # × 10^shift keeps a Decimal's coefficient: its digits are those of the coefficient,
        # or adjusted() + 1 when they end left of the point — so no conversion is needed.
        if value.adjusted() + shift < MAX_VALUE_DIGITS:
            try:
                _fits(value)
            except Rounded:
                raise _too_big(what) from None
            return
        raise _too_big(what)
    root = value if p.to_root is None else p.to_root(value)
    if isinstance(root, Decimal):
        if root.adjusted() < MAX_VALUE_DIGITS:
            try:
                _fits(root)
            except Rounded:
                raise _too_big(what) from None
            return
        raise _too_big(what)
    if max(len(str(abs(root.numerator))), len(str(root.denominator))) > MAX_VALUE_DIGITS:
        raise _too_big(what)


def _non_terminating(p: Step, value: Num) -> CesuanError:
    return CesuanError(
        ErrorKind.NON_TERMINATING,
        f"结果 {exact.format_exact(value)} {p.p.unit.text} 除不尽",
        hint="声明取整方式，如 round: {places: 2}（四舍五入保留两位）",
    )


_NO_ENV: dict[str, Num] = {}


def _line_result(
    p: PlannedLine,
    exact_value: Num,
    value: Num,
    local: Num | None,
    used: tuple[tuple[str, Num, bool], ...],
    written: tuple[Num, ...],
) -> LineResult:
    r = _Building(p, exact_value, value, local, used, written)
    object.__setattr__(r, "__class__", LineResult)
    return cast(LineResult, r)


def _evaluate_line(
    s: Step, values: dict[str, Num], local_values: dict[str, Num]
) -> LineResult | None:
    """One line, or None when a line it uses was not evaluated (its error is reported).

    `values` holds the lines evaluated so far (each in its own unit), `local_values` the same
    with each stated amount in place of its line's value. The formula of a line that uses
    other lines reads them there directly; its own inputs are put beside them (an input may not
    be named like a line, so they never collide).
    """
    p = s.p
    written = tuple(w(_NO_ENV) for w in s.written)
    fn = s.fn
    if fn is None:  # a plain value, or a stated amount only
        value = s.fixed
        assert value is not None
        if type(value) is not Decimal and not exact.is_terminating(value):
            raise _non_terminating(s, value)
        return _line_result(p, value, value, None, (), written)
    refs = p.refs
    local = None
    used: tuple[tuple[str, Num, bool], ...] = ()
    if not refs:
        value_exact = fn(s.env)  # in the line's unit
        _check_size(value_exact, s, "计算结果")
    else:
        if not all(map(values.__contains__, refs)):
            return None
        if s.env:
            values.update(s.env)
            local_values.update(s.env)
        value_exact = fn(values)
        _check_size(value_exact, s, "计算结果")
        # The same formula over the parts as the form states them: a discrepancy is then
        # found where it arises, not again in every total above it.
        local = fn(local_values)
        used = tuple(zip(refs, map(local_values.__getitem__, refs), s.ref_stated, strict=True))
    value = value_exact if s.round_fn is None else s.round_fn(value_exact)
    if type(value) is not Decimal and not exact.is_terminating(value):
        raise _non_terminating(s, value)
    return _line_result(p, value_exact, value, local, used, written)


def _simple(s: Step) -> LineResult:
    """The usual line — a formula over its own inputs — with _check_size's common case
    inlined: this is where a batch of lines spends its time."""
    assert s.fn is not None
    value_exact = s.fn(s.env)
    shift = s.shift
    if (
        shift is not None
        and type(value_exact) is Decimal
        and value_exact.adjusted() + shift < MAX_VALUE_DIGITS
    ):
        try:
            _fits(value_exact)
        except Rounded:
            raise _too_big("计算结果") from None
    else:
        _check_size(value_exact, s, "计算结果")
    value = value_exact if s.round_fn is None else s.round_fn(value_exact)
    if type(value) is not Decimal and not exact.is_terminating(value):
        raise _non_terminating(s, value)
    # _line_result(p, value_exact, value, None, (), ()) without its frame.
    res = _new(_Building)
    res.planned = s.p
    res.exact = value_exact
    res.value = value
    res.local = None
    res.used = ()
    res.written = ()
    object.__setattr__(res, "__class__", LineResult)
    return cast(LineResult, res)


def evaluate_plan(plan: Plan) -> Result:
    """Evaluate every line of a plan; raise every evaluation error found, located.

    Lines that depend on a failed line are skipped (their cause is already reported).
    """
    values: dict[str, Num] = {}
    local_values: dict[str, Num] = {}
    results: list[LineResult] = []
    errors: list[CesuanError] = []
    for s in steps(plan):
        try:
            res = _simple(s) if s.simple else _evaluate_line(s, values, local_values)
        except CesuanError as e:
            errors.append(_located(e, plan.case, s.p))
            continue
        if res is None:
            continue
        lid = s.p.line.id
        values[lid] = res.value
        local_values[lid] = res.value if s.stated_value is None else s.stated_value
        results.append(res)
    if errors:
        raise_all(errors, file=plan.case.file)
    return Result(plan, tuple(results))


def _located(e: CesuanError, case: Case, p: PlannedLine) -> CesuanError:
    return e.located(
        file=case.file,
        line=case.line_of(f"lines[{p.index}].formula"),
        line_id=p.id,
        field=f"lines[{p.id}].formula",
    )
