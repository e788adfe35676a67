"""The library's front door: load, evaluate, audit and explain cases, one or many.

What it does: strings the pipeline together (loader → plan → evaluate → audit / explain) behind a
few verbs that take a path, a mapping (which may carry `Decimal`, `int`, `Fraction` and
`Quantity` values) or a `Case`. The batch verbs (`evaluate_many`, `audit_many`) isolate each
case: they return one `Outcome` per input, in input order, with the result or the located errors,
and raise only when asked to.
What it must not do: print, exit, or keep state between calls: two cases evaluated in one process
never affect each other (the only caches are of pure, immutable compilations). It never accepts a
float: a binary float cannot say which decimal amount was meant.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Generic, TypeVar

from cesuan.basis import explain_line, explain_table
from cesuan.errors import CesuanError, CesuanErrors, ErrorKind, raise_all
from cesuan.evaluation import Result, evaluate_plan
from cesuan.loader import read_case
from cesuan.model import Case
from cesuan.plan import Plan, plan_case
from cesuan.quantity import Quantity
from cesuan.reconcile import Audit, audit_result
from cesuan.signs import check_plan as check_signs

__all__ = [
    "Outcome",
    "audit",
    "audit_many",
    "evaluate",
    "evaluate_many",
    "explain",
    "flat_errors",
    "load_case",
]

CaseLike = Case | str | Path | Mapping[str, Any]
T = TypeVar("T")


def load_case(
    where: CaseLike,
    *,
    source_text: str | None = None,
    base_dir: str | Path | None = None,
) -> Case:
    """Load a case file (YAML/JSON), mapping or `Case`, and check everything that can be checked
    without evaluating: schema, ids, quotes against the source, units, names, rules, cycles.

    Args:
        where: path to a case file, the case as a mapping, or a `Case` built in Python (it goes
            through the same checks as a mapping, quotes included).
        source_text: the form's text, if not given by the case's `source` file.
        base_dir: for a mapping, where its `source` path is relative to.

    Returns:
        The validated, frozen Case.

    Raises:
        CesuanError / CesuanErrors: every problem found, with file, line, line id and field.

    >>> case = load_case({"case": "demo", "title": "示例", "lines": [
    ...     {"id": "rent", "label": "租金", "formula": "area * rate * 12 月",
    ...      "inputs": {"area": "100 平方米", "rate": "50 元/(平方米·月)"}, "unit": "万元"}]})
    >>> str(evaluate(case)["rent"].quantity)
    '6 万元'
    """
    given: str | Path | Mapping[str, Any]
    if isinstance(where, Case):
        source_text = source_text if source_text is not None else where.source_text
        given = where.model_dump(exclude_none=True)
    elif isinstance(where, Mapping):
        given = _plain(where, "")
    else:
        given = where
    problems: list[CesuanError] = []
    case = read_case(given, source_text=source_text, base_dir=base_dir, deferred=problems)
    try:
        _plan(case)
    except CesuanError as e:
        problems += flat_errors(e)
    raise_all(problems, file=case.file)
    return case


def _plain(data: Any, path: str) -> Any:
    """A mapping from Python as the file readers would give it: exact numbers as decimal text.

    >>> _plain({"x": Decimal("8369.340"), "n": 12, "q": Fraction(1, 4)}, "")
    {'x': '8369.340', 'n': '12', 'q': '0.25'}
    """
    if isinstance(data, Mapping):
        return {k: _plain(v, f"{path}.{k}" if path else str(k)) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_plain(v, f"{path}[{_key(v, i)}]") for i, v in enumerate(data)]
    if isinstance(data, float):
        raise CesuanError(
            ErrorKind.SCHEMA,
            f"不接受浮点数 {data!r}：二进制浮点数不能确定填的是哪个十进制数",
            field=path,
            hint=f"写成文本 '{data!r}' 或 Decimal('{data!r}')",
        )
    if isinstance(data, Quantity):
        return f"{_decimal_text(data.magnitude, path)} {data.unit.text}".strip()
    if isinstance(data, Decimal | Fraction) or (type(data) is int):
        return _decimal_text(data, path)
    return data  # text, None and booleans as they are; anything else the schema refuses


def _key(item: Any, i: int) -> object:
    """A line is named by its id in error paths (lines[hall.rent]), as the loader does."""
    if isinstance(item, Mapping) and isinstance(item.get("id"), str):
        return item["id"]
    return i


def _decimal_text(x: Decimal | Fraction | int, path: str) -> str:
    if isinstance(x, Decimal) and not x.is_finite():
        raise CesuanError(ErrorKind.NON_FINITE, f"数值 {x} 不是有限数", field=path)
    if isinstance(x, Fraction):
        d = x.denominator
        while d % 2 == 0:
            d //= 2
        while d % 5 == 0:
            d //= 5
        if d != 1:
            raise CesuanError(
                ErrorKind.NON_TERMINATING,
                f"分数 {x} 写不成有限小数",
                field=path,
                hint="把除法写进 formula（如 total / 3），并声明 round",
            )
        x = Decimal(x.numerator) / Decimal(x.denominator)  # exact: the denominator is 2^a·5^b
    return format(x, "f") if isinstance(x, Decimal) else str(x)


def _plan(case: Case) -> Plan:
    cached: Plan | None = getattr(case, "_plan_cache", None)
    if cached is None:
        cached = plan_case(case)
        check_signs(cached)  # issue 13: no negative value the case does not declare
        object.__setattr__(case, "_plan_cache", cached)
    return cached


def _case(c: CaseLike) -> Case:
    # A Case that went through load_case carries its plan; one built in Python is checked first.
    if isinstance(c, Case) and getattr(c, "_plan_cache", None) is not None:
        return c
    return load_case(c)


def evaluate(case: CaseLike) -> Result:
    """Evaluate every line of a case exactly; the result holds values and provenance.

    Raises:
        CesuanError / CesuanErrors: load problems, division by zero, non-terminating results
        without a declared rounding, values beyond the limits.
    """
    return evaluate_plan(_plan(_case(case)))


def audit(case_or_result: CaseLike | Result) -> Audit:
    """Reconcile computed amounts with stated ones; findings most serious first."""
    r = case_or_result if isinstance(case_or_result, Result) else evaluate(case_or_result)
    return audit_result(r)


def explain(result: Result | CaseLike, line_id: str | None = None) -> str:
    """The 测算依据 text of one line, or of every line (one per line) when `line_id` is None."""
    r = result if isinstance(result, Result) else evaluate(result)
    if line_id is not None:
        return explain_line(r, line_id)
    return "\n".join(text for _, _, text, _ in explain_table(r))


def flat_errors(err: CesuanError) -> list[CesuanError]:
    """The single problems inside an error (a group is opened, one error stays itself)."""
    inner = getattr(err, "errors", None) or getattr(err, "exceptions", None)
    if isinstance(err, CesuanErrors) and inner:
        return [x for e in inner for x in flat_errors(e)]
    return [err]


@dataclass(frozen=True, slots=True)
class Outcome(Generic[T]):
    """What became of one input of a batch: its value, or every problem found, each located.

    `source` names the input: the file path, or `#3` (its place in the batch, from 1) with the
    case id for a mapping or Case.
    """

    source: str
    value: T | None
    errors: tuple[CesuanError, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


def _name(c: CaseLike, i: int) -> str:
    if isinstance(c, str | Path):
        return str(c)
    case_id = c.case if isinstance(c, Case) else c.get("case")
    return f"#{i}" + (f" {case_id}" if isinstance(case_id, str) else "")


def _batch(cases: Iterable[CaseLike], verb: Any, raise_errors: bool) -> list[Outcome[Any]]:
    out: list[Outcome[Any]] = []
    for i, c in enumerate(cases, 1):
        name = _name(c, i)
        try:
            out.append(Outcome(name, verb(c)))
        except CesuanError as e:
            # A mapping has no file: name it by its place in the batch, so no error is anonymous.
            errs = tuple(x.located(file=name) for x in flat_errors(e))
            out.append(Outcome(name, None, errs))
    if raise_errors:
        raise_all([e for o in out for e in o.errors])
    return out


def evaluate_many(
    cases: Iterable[CaseLike], *, raise_errors: bool = False
) -> list[Outcome[Result]]:
    """Evaluate many cases; one `Outcome` per case in input order, a bad case never hiding the
    others. With `raise_errors=True`, every problem of every case is raised together (a
    `CesuanErrors`, each error naming its file) after all cases were tried.

    Formulas are parsed, checked for units and compiled once per process (cached by their text
    and the units of their names), so a formula shared by many lines and cases costs one
    compilation; each line is then evaluated on exact magnitudes. Every Result keeps its
    provenance compactly; the JSON trace and the 测算依据 text are built only when asked for.
    bench/run.py measures this (docs/performance.md).

    >>> good = {"case": "a", "title": "甲", "lines": [{"id": "x", "label": "x", "value": "1 元"}]}
    >>> bad = {"case": "b", "title": "乙", "lines": []}
    >>> [(o.source, o.ok) for o in evaluate_many([good, bad, good])]
    [('#1 a', True), ('#2 b', False), ('#3 a', True)]
    """
    return _batch(cases, evaluate, raise_errors)


def audit_many(cases: Iterable[CaseLike], *, raise_errors: bool = False) -> list[Outcome[Audit]]:
    """Audit many cases; one `Outcome` per case in input order (see `evaluate_many`)."""
    return _batch(cases, audit, raise_errors)
