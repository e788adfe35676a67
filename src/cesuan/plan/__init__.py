"""Plan a case: bind names, order the lines, check every formula's units, once.

What it does: turns a validated `Case` into a `Plan` — plain data (cesuan.plan._data): per
line its parsed inputs, its checked formula (a typed tree with exact conversion factors), its
output unit, declared rounding, stated amount and written expressions — with the lines in
dependency order. Three stages: binding (rules, `ref:`, cesuan.plan._bind), ordering (graphlib,
cesuan.plan._order) and per-line planning (cesuan.plan._line). Unknown names (with the nearest
name), unit mistakes and rule-binding mistakes are collected for the whole case and raised
together, each located by file line, line id and field; a cycle is raised at once, with its
chain.
What it must not do: evaluate amounts, format output, or keep closures in the plan (evaluation
compiles its own fast functions from the checked formulas).
"""

from __future__ import annotations

from cesuan.errors import CesuanError, raise_all
from cesuan.model import Case
from cesuan.plan import _cache
from cesuan.plan._bind import Context, formula_names
from cesuan.plan._data import Plan, PlannedLine, PlannedWritten, Rounding
from cesuan.plan._declared import read_conversions, unused
from cesuan.plan._line import plan_line
from cesuan.plan._order import order_lines
from cesuan.units import Unit

__all__ = ["Plan", "PlannedLine", "PlannedWritten", "Rounding", "plan_case"]


def plan_case(case: Case) -> Plan:
    """Check every line of `case` and order them; raise every problem found, located.

    Raises:
        CesuanError / CesuanErrors: unknown names and units, dimension mismatches, cycles, …
    """
    cx = Context(case)
    cx.conv = read_conversions(case, cx.errors)
    # Order first (from the names the formulas use), so that each line is checked after the
    # lines it uses and knows their units; a cycle is reported before anything else.
    uses = {
        ln.id: tuple(
            n for n in formula_names(ln) if n in cx.ids and n not in ln.inputs and n != ln.id
        )
        for ln in case.lines
    }
    index = {ln.id: i for i, ln in enumerate(case.lines)}
    try:
        order = order_lines(list(index), uses)
    except CesuanError as e:
        where = e.line_id or ""
        raise e.located(
            file=case.file,
            line=case.line_of(f"lines[{index.get(where, 0)}].formula"),
            field=f"lines[{where}].formula",
        ) from None
    units_of: dict[str, Unit] = {}
    for ln in case.lines:
        u = _cache.declared_unit(ln)
        if u is not None:
            units_of[ln.id] = u
    planned: dict[str, PlannedLine] = {}
    for lid in order:
        if any(r not in planned for r in uses[lid]):
            continue  # a line it uses failed and is reported; don't cascade the error
        p = plan_line(cx, index[lid], case.lines[index[lid]], units_of)
        if p is not None:
            planned[lid] = p
            units_of[lid] = p.unit
    if not cx.errors and cx.conv:
        cx.errors += unused(case, cx.conv, (d for p in planned.values() for d in p.declared))
    raise_all(cx.errors, file=case.file)
    return Plan(case, tuple(planned[k] for k in order))
