"""The library's front door: load, evaluate, audit and explain cases.

What it does: strings the pipeline together (loader → plan → evaluate → audit / explain) behind a
few verbs that take a path, a mapping or an already loaded object.
What it must not do: print, exit, or keep state between calls: two cases evaluated in one process
never affect each other (the only caches are of pure, immutable compilations).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from cesuan.basis import explain_line, explain_table
from cesuan.errors import CesuanError, CesuanErrors, raise_all
from cesuan.evaluation import Result, evaluate_plan
from cesuan.loader import read_case
from cesuan.model import Case
from cesuan.plan import Plan, plan_case
from cesuan.reconcile import Audit, audit_result

__all__ = ["audit", "evaluate", "evaluate_many", "explain", "load_case"]

CaseLike = Case | str | Path | Mapping[str, Any]


def load_case(
    where: str | Path | Mapping[str, Any],
    *,
    source_text: str | None = None,
    base_dir: str | Path | None = None,
) -> Case:
    """Load a case file (YAML/JSON) or mapping, and check everything that can be checked
    without evaluating: schema, ids, quotes against the source, units, names, rules, cycles.

    Args:
        where: path to a case file, or the case as a mapping.
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
    problems: list[CesuanError] = []
    case = read_case(where, source_text=source_text, base_dir=base_dir, deferred=problems)
    try:
        _plan(case)
    except CesuanErrors as e:
        problems += e.errors
    except CesuanError as e:
        problems.append(e)
    raise_all(problems, file=case.file)
    return case


def _plan(case: Case) -> Plan:
    cached: Plan | None = getattr(case, "_plan_cache", None)
    if cached is None:
        cached = plan_case(case)
        object.__setattr__(case, "_plan_cache", cached)
    return cached


def _case(c: CaseLike) -> Case:
    return c if isinstance(c, Case) else load_case(c)


def evaluate(case: CaseLike) -> Result:
    """Evaluate every line of a case exactly; the result holds values and provenance.

    Raises:
        CesuanError / CesuanErrors: load problems, division by zero, non-terminating results
        without a declared rounding, values beyond the limits.
    """
    return evaluate_plan(_plan(_case(case)))


def evaluate_many(cases: Iterable[CaseLike]) -> list[Result]:
    """Evaluate many cases, in order; the first error stops the batch (as `evaluate` raises).

    Formulas are parsed, checked for units and compiled once per process (cached by their text
    and the units of their names), so a formula shared by many lines and cases costs one
    compilation; each line is then evaluated on exact magnitudes. Every Result keeps its
    provenance compactly (references to the plan and the numbers); the JSON trace and the
    测算依据 text are built only when asked for. bench/run.py measures this (docs/performance.md).
    """
    return [evaluate(c) for c in cases]


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
