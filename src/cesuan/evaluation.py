"""Evaluate a planned case exactly, line by line in dependency order, in every reading.

What it does: runs each line's compiled formula on exact magnitudes and gives each line up to
four readings, all in the line's unit (see `LineResult`): its `exact` value from the exact
values of the lines it uses; `shown`, that value after the line's declared rounding (how the
form shows the line); `over_shown`, the formula over the *shown* values of the lines it uses
(the form's own arithmetic on the figures it prints), rounded as declared; and `over_stated`,
the formula over the *stated* amounts of the lines it uses, rounded as declared (the check a
reviewer does by hand). Exact values flow between lines: a `round` never replaces a line's
exact value downstream. A non-terminating exact value stays a Fraction (displaying it is the
report's job). Every expression the form writes is evaluated as written. Results keep
references to the plan, so provenance is compact: the JSON trace is built only when asked for.
What it must not do: format text, reconcile, or round anything that was not declared. A value
that only the over-stated reading cannot compute (a stated part of 0 as a divisor) is recorded
on that line (`over_stated_error`), never an abort of the case.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from decimal import Context, Decimal, Rounded
from typing import cast

from cesuan._steps import Step, steps
from cesuan.errors import CesuanError, ErrorKind, raise_all
from cesuan.exact import Num
from cesuan.intervals import Interval, line_interval
from cesuan.limits import MAX_VALUE_DIGITS
from cesuan.model import Case
from cesuan.plan import Plan, PlannedLine
from cesuan.quantity import Quantity
from cesuan.signs import check_results
from cesuan.units import Unit

__all__ = ["LineResult", "Result", "evaluate_plan"]


_FIELDS = (
    "planned",
    "exact",
    "shown",
    "over_shown",
    "over_stated",
    "over_stated_error",
    "used",
    "written",
    "interval",
)


class _LineSlots:
    """The storage of a LineResult: its fields as slots (no __dict__)."""

    __slots__ = _FIELDS


@dataclass(frozen=True)
class LineResult(_LineSlots):
    """One line's numbers, every one in the line's unit (`planned.unit`).

    - `exact`: the formula over the exact values of the lines it uses (for a line without a
      formula, its value or stated amount); never rounded.
    - `shown`: `exact` after the line's declared rounding — how the form shows this line, the
      line's result (`value`, `quantity`). Equal to `exact` when no rounding is declared.
    - `over_shown`: the formula over the `shown` values of the lines it uses, then the line's
      rounding — the form's arithmetic on the figures it prints. None for a line that uses no
      other lines.
    - `over_stated`: the formula over the stated amounts of the lines it uses (their `shown`
      value where a line states none), then the line's rounding. None for a line that uses no
      other lines, or when it cannot be computed: then `over_stated_error` says why.
    - `used`: for each line it uses, (id, the value `over_stated` read, whether it is stated).
    - `written`: each expression the form writes, evaluated as written, in its own unit.
    - `interval`: for a line whose value is a range — it has a bounded input, plain value or
      stated-only amount ("≤65 万元", cesuan.bounds), or uses such a line — the exact interval
      of its result in its unit, after its declared rounding (cesuan.intervals); None for every
      other line. Such a line's `exact` and `shown` are the formula at the numbers as written
      (each bound at its written end): one point of the interval, not the line's value; the
      line's result is `interval` (`bounded` says which), and the audit, the 测算依据 and the
      reports use the interval.
    """

    __slots__ = ()

    planned: PlannedLine
    exact: Num
    shown: Num
    over_shown: Num | None
    over_stated: Num | None
    over_stated_error: CesuanError | None
    used: tuple[tuple[str, Num, bool], ...]
    written: tuple[Num, ...]
    interval: Interval | None

    @property
    def bounded(self) -> bool:
        """Whether the line's result is a range (`interval`), not the single value `exact`."""
        return self.interval is not None

    @property
    def id(self) -> str:
        return self.planned.id

    @property
    def unit(self) -> Unit:
        return self.planned.unit

    @property
    def value(self) -> Num:
        """The line's result: `shown`."""
        return self.shown

    @property
    def quantity(self) -> Quantity:
        return Quantity(self.shown, self.planned.unit)

    @property
    def rounded(self) -> bool:
        return self.planned.rounding is not None and self.exact != self.shown

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
    slots plainly and then becomes a LineResult (same layout, so `__class__` can change)."""

    __slots__ = ()
    planned: PlannedLine
    exact: Num
    shown: Num
    over_shown: Num | None
    over_stated: Num | None
    over_stated_error: CesuanError | None
    used: tuple[tuple[str, Num, bool], ...]
    written: tuple[Num, ...]
    interval: Interval | None


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
        if not _decimal_fits(value, shift):
            raise _too_big(what)
        return
    root = value if p.to_root is None else p.to_root(value)
    if isinstance(root, Decimal):
        if not _decimal_fits(root, 0):
            raise _too_big(what)
        return
    if max(len(str(abs(root.numerator))), len(str(root.denominator))) > MAX_VALUE_DIGITS:
        raise _too_big(what)


def _decimal_fits(value: Decimal, shift: int) -> bool:
    """Whether value × 10^shift has at most MAX_VALUE_DIGITS digits before the point, at most
    as many significant digits, and at most as many after the point (1E-90 has 90 there)."""
    adjusted = value.adjusted() + shift
    if adjusted >= MAX_VALUE_DIGITS:
        return False
    try:
        _fits(value)
    except Rounded:
        return False
    # At or above 1 the fractional digits are fewer than the significant ones; below 1 the
    # leading zeros count too, so the exponent is looked at (rarely: most results are ≥ 1).
    return (
        adjusted >= 0
        or value.is_zero()
        or int(value.as_tuple().exponent) + shift >= -MAX_VALUE_DIGITS
    )


_NO_ENV: dict[str, Num] = {}


def _line_result(
    p: PlannedLine,
    exact_value: Num,
    shown: Num,
    over: tuple[Num | None, Num | None, CesuanError | None] = (None, None, None),
    used: tuple[tuple[str, Num, bool], ...] = (),
    written: tuple[Num, ...] = (),
) -> LineResult:
    r = _new(_Building)
    r.planned = p
    r.exact = exact_value
    r.shown = shown
    r.over_shown, r.over_stated, r.over_stated_error = over
    r.used = used
    r.written = written
    r.interval = None
    object.__setattr__(r, "__class__", LineResult)
    return cast(LineResult, r)


class _Values:
    """The lines evaluated so far, each in its own unit, in three readings: exact, shown, and
    stated (the stated amount where there is one, else shown). A line's own inputs are put
    beside them (an input may not be named like a line, so they never collide)."""

    def __init__(self) -> None:
        self.exact: dict[str, Num] = {}
        self.shown: dict[str, Num] = {}
        self.stated: dict[str, Num] = {}


def _evaluate_line(s: Step, v: _Values) -> LineResult | None:
    """One line, or None when a line it uses was not evaluated (its error is reported)."""
    p = s.p
    written = tuple(w(_NO_ENV) for w in s.written)
    fn = s.fn
    if fn is None:  # a plain value, or a stated amount only
        assert s.fixed is not None
        return _line_result(p, s.fixed, s.fixed, written=written)
    refs = p.refs
    if not refs:
        exact_value = fn(s.env)
        _check_size(exact_value, s, "计算结果")
        return _line_result(p, exact_value, _round(s, exact_value), written=written)
    if not all(map(v.exact.__contains__, refs)):
        return None
    if s.env:
        for d in (v.exact, v.shown, v.stated):
            d.update(s.env)
    exact_value = fn(v.exact)
    _check_size(exact_value, s, "计算结果")
    # The same formula over the parts as the form shows and as it states them: a discrepancy
    # is then found where it arises, not again in every total above it. What only these
    # readings cannot compute (a part of 0 as a divisor) is kept on the line, not raised.
    shown = _round(s, exact_value)
    over_shown: Num | None = shown
    if s.refs_rounded:
        over_shown, _ = _reading(s, v.shown)
    over_stated, error = over_shown, None
    if s.refs_rounded or any(s.ref_stated):
        over_stated, error = _reading(s, v.stated)
    used = tuple(zip(refs, map(v.stated.__getitem__, refs), s.ref_stated, strict=True))
    over = (over_shown, over_stated, error)
    return _line_result(p, exact_value, shown, over, used, written)


def _reading(s: Step, env: dict[str, Num]) -> tuple[Num | None, CesuanError | None]:
    """The line's formula over `env`, rounded as declared; or why it cannot be computed."""
    assert s.fn is not None
    try:
        value = s.fn(env)
        # Stated parts are not checked as results are: 500 of them multiplied would otherwise
        # print a number thousands of digits long (issue 13).
        _check_size(value, s, "按分项申报数计算的结果")
        return _round(s, value), None
    except CesuanError as e:
        return None, e


def _round(s: Step, x: Num) -> Num:
    return x if s.round_fn is None else s.round_fn(x)


def _simple(s: Step) -> LineResult:
    """The usual line — a formula over its own inputs — with _check_size's common case
    inlined: this is where a batch of lines spends its time."""
    assert s.fn is not None
    exact_value = s.fn(s.env)
    shift = s.shift
    if (
        shift is not None
        and type(exact_value) is Decimal
        and 0 <= exact_value.adjusted() + shift < MAX_VALUE_DIGITS
    ):
        try:
            _fits(exact_value)
        except Rounded:
            raise _too_big("计算结果") from None
    else:
        _check_size(exact_value, s, "计算结果")
    shown = exact_value if s.round_fn is None else s.round_fn(exact_value)
    # _line_result(s.p, exact_value, shown) without its frame.
    res = _new(_Building)
    res.planned = s.p
    res.exact = exact_value
    res.shown = shown
    res.over_shown = res.over_stated = res.over_stated_error = None
    res.used = ()
    res.written = ()
    res.interval = None
    object.__setattr__(res, "__class__", LineResult)
    return cast(LineResult, res)


def evaluate_plan(plan: Plan) -> Result:
    """Evaluate every line of a plan; raise every evaluation error found, located.

    Lines that depend on a failed line are skipped (their cause is already reported).
    """
    v = _Values()
    exact_of, shown_of, stated_of = v.exact, v.shown, v.stated
    results: list[LineResult] = []
    append = results.append
    errors: list[CesuanError] = []
    intervals: dict[str, Interval] = {}
    for s in steps(plan):
        try:
            res = _simple(s) if s.simple else _evaluate_line(s, v)
        except CesuanError as e:
            errors.append(_located(e, plan.case, s.p))
            continue
        if res is None:
            continue
        if s.ranged:
            try:
                iv = intervals[s.p.id] = line_interval(s, exact_of, intervals)
            except CesuanError as e:
                errors.append(_located(e, plan.case, s.p))
                continue
            object.__setattr__(res, "interval", iv)
        # This loop is where a batch of lines spends its time: the tables are set inline.
        lid = s.p.line.id
        exact_of[lid] = res.exact
        shown_of[lid] = shown = res.shown
        stated_of[lid] = shown if s.stated_value is None else s.stated_value
        append(res)
    errors += check_results(plan, ((r.planned, r.exact) for r in results))
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
