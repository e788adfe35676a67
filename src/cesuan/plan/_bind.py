"""Binding: what each name of a line stands for — its own inputs, other lines (`ref:`), a
rule's parameters — and the errors found on the way, each located in the file.

What it does: parses a line's input quantities, resolves `ref:` inputs to the lines they name,
binds a `use:` rule (every parameter given, none extra, each of the rule's kind of unit), and
lists the names a line's calculation uses (for ordering). `Context` collects every problem of a
case with its file line, line id and field.
What it must not do: check formulas' units (cesuan.expr.check does) or order lines.
"""

from __future__ import annotations

import contextlib

from cesuan.bounds import Bound, is_bounded, parse_value
from cesuan.conversions import NONE, Declared, undeclared_hint
from cesuan.errors import CesuanError, ErrorKind, suggest
from cesuan.limits import MAX_INPUTS_PER_LINE
from cesuan.model import Case, Line
from cesuan.plan import _cache
from cesuan.quantity import Quantity
from cesuan.rules import Rule, rule
from cesuan.standards import Standard, Version, standard
from cesuan.units import Unit

__all__ = ["Context", "bind_inputs", "bind_rule", "bind_standards", "formula_names"]


class Context:
    """The case being planned, its ids, and every problem found so far."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.errors: list[CesuanError] = []
        self.ids = {ln.id for ln in case.lines}
        self.conv = NONE  # the case's declared conversions (cesuan.plan._declared)
        self.bound: dict[str, tuple[Declared, ...]] = {}  # line → declarations fitting its rule
        # Bounds read so far, by (line index, field path): "≤65 万元" (cesuan.bounds).
        self.bounds: dict[tuple[int, str], Bound] = {}

    def fail(self, e: CesuanError, i: int, line: Line, path: str) -> None:
        e.located(
            file=self.case.file,
            line=self.case.line_of(f"lines[{i}]{path}"),
            line_id=line.id,
            field=f"lines[{line.id}]{path}",
        )
        self.errors.append(e)

    def quantity(self, text: str, i: int, line: Line, path: str) -> Quantity | None:
        try:
            if is_bounded(text):
                q, b = parse_value(text)
                if b is not None:
                    self.bounds[(i, path)] = b
                return q
            return _cache.quantity(text)
        except CesuanError as e:
            self.fail(e, i, line, path)
            return None

    def unit(self, text: str, i: int, line: Line, path: str) -> Unit | None:
        try:
            return _cache.unit(text)
        except CesuanError as e:
            self.fail(e, i, line, path)
            return None


def bind_standards(
    cx: Context, i: int, line: Line
) -> tuple[Line, dict[str, tuple[Standard, Version]]]:
    """The line with each `standard:` input given the value of the version in force in the
    case's budget year, and those (standard, version) by input name. An unknown standard, a
    case without a year or a year no version covers is an error located at the input."""
    found: dict[str, tuple[Standard, Version]] = {}
    for name, inp in line.inputs.items():
        if inp.standard is None:
            continue
        try:
            s = standard(inp.standard)
            found[name] = (s, s.for_year(cx.case.year))
        except CesuanError as e:
            cx.fail(e, i, line, f".inputs.{name}.standard")
    if not found:
        return line, found
    # The value the version states is written into the input, so that everything downstream
    # (units, the 测算依据 text, the trace) reads it as it reads any input; `standard` stays
    # set and says where it came from. model_copy does not re-validate (value and standard
    # together are refused in a case file, where they would be ambiguous).
    inputs = {
        k: v.model_copy(update={"value": found[k][1].value}) if k in found else v
        for k, v in line.inputs.items()
    }
    return line.model_copy(update={"inputs": inputs}), found


def bind_inputs(cx: Context, i: int, line: Line) -> tuple[dict[str, Quantity], dict[str, str]]:
    """The line's own inputs, parsed, and its `ref:` inputs (input name → line id)."""
    if len(line.inputs) > MAX_INPUTS_PER_LINE:
        cx.fail(
            CesuanError(ErrorKind.SIZE_LIMIT, f"输入超过 {MAX_INPUTS_PER_LINE} 个"),
            i,
            line,
            ".inputs",
        )
    inputs: dict[str, Quantity] = {}
    aliases: dict[str, str] = {}
    for name, inp in line.inputs.items():
        # `students: {ref: students}` names the line it means: no ambiguity (a rule's
        # parameter may share its name with the line that gives it).
        if name in cx.ids and inp.ref != name:
            rule_param = line.use is not None
            cx.fail(
                CesuanError(
                    ErrorKind.DUPLICATE_ID,
                    f"{'规则参数' if rule_param else '输入名'} '{name}' 与明细 id 相同，引用会有歧义",
                    hint=f"规则的参数名不能改：写 {name}: {{ref: {name}}} 引用那一行，或给那一行换个 id"
                    if rule_param
                    else "给输入换个名字",
                ),
                i,
                line,
                f".inputs.{name}",
            )
        if inp.ref is not None:
            if inp.ref not in cx.ids or inp.ref == line.id:
                s = suggest(inp.ref, cx.ids - {line.id})
                cx.fail(
                    CesuanError(
                        ErrorKind.UNKNOWN_NAME,
                        f"输入 {name} 引用的明细 '{inp.ref}' 不存在",
                        hint=f"是否为 '{s}'？" if s else "ref 须是本案其他明细的 id",
                    ),
                    i,
                    line,
                    f".inputs.{name}.ref",
                )
            aliases[name] = inp.ref
            continue
        if inp.value is None:  # a `standard:` that could not be resolved, already reported
            continue
        q = cx.quantity(inp.value, i, line, f".inputs.{name}.value")
        if q is not None:
            inputs[name] = q
    return inputs, aliases


def bind_rule(cx: Context, i: int, line: Line, units: dict[str, Unit]) -> Rule | None:
    """The line's `use:` rule, its parameters checked against the line's inputs and their
    units (`units`: each input's, or the unit of the line a `ref:` input names)."""
    assert line.use is not None
    try:
        r = rule(line.use)
    except CesuanError as e:
        cx.fail(e, i, line, ".use")
        return None
    for p in (p for p in r.params if p not in line.inputs):
        cx.fail(
            CesuanError(
                ErrorKind.RULE_BINDING,
                f"规则 {r.id} 需要参数 '{p}'（{r.params[p].label}），本行没有提供",
                hint=f"在 inputs 中加上 {p}",
            ),
            i,
            line,
            ".inputs",
        )
    for k in (k for k in line.inputs if k not in r.params):
        s = suggest(k, r.params)
        cx.fail(
            CesuanError(
                ErrorKind.RULE_BINDING,
                f"规则 {r.id} 没有参数 '{k}'",
                hint=f"是否为 '{s}'？" if s else "规则参数：" + "、".join(r.params),
            ),
            i,
            line,
            f".inputs.{k}",
        )
    for k, unit in units.items():
        if k not in r.params or (want := r.param_unit(k)) is None or want.dims == unit.dims:
            continue
        rel = cx.conv.relate(unit, want)
        if rel is not None:  # the line fits the rule through the case's declarations
            cx.bound[line.id] = tuple(sorted({*cx.bound.get(line.id, ()), *rel[1]}, key=_index))
        else:
            cx.fail(
                CesuanError(
                    ErrorKind.DIMENSION_MISMATCH,
                    f"规则 {r.id} 的参数 '{k}'（{r.params[k].label}）应为 {want.text or '无量纲'}"
                    f" 一类的单位，这里是 {unit.text or '无量纲'}",
                    hint=undeclared_hint(unit, want),
                ),
                i,
                line,
                f".inputs.{k}.value",
            )
    return r


def _index(d: Declared) -> int:
    return d.index


def formula_names(line: Line) -> tuple[str, ...]:
    """The names a line's calculation uses: its formula's (or its rule's), and `ref:` inputs."""
    text = line.formula
    if text is None and line.use is not None:
        try:
            text = rule(line.use).formula
        except CesuanError:
            text = None
    out: list[str] = []
    if text is not None:
        with contextlib.suppress(CesuanError):  # a parse error is reported when planned
            out += _cache.text_names(text)
    out += [inp.ref for inp in line.inputs.values() if inp.ref is not None]
    return tuple(out)
