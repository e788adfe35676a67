"""Compile a case: parse every quantity and formula, bind rules, check units, order the lines.

What it does: turns a validated `Case` into a `Plan` — per line its parsed inputs, its compiled
formula (dimension-checked once), its output unit, declared rounding, stated amount and written
expressions — with the lines in dependency order. Cycles, unknown names (with the nearest name),
unit mistakes and rule-binding mistakes are collected for the whole case and raised together,
each located by file line, line id and field.
What it must not do: evaluate amounts or format output. Compiled formulas are cached by their
text and input units, so a formula used by many lines is parsed and checked once per process;
parsed formula trees and quantity texts are cached too. What evaluation needs from a line is
worked out here, once: its inputs' magnitudes as written, the exact unit conversions it goes
through (as functions of one number), and its declared rounding.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Literal

from cesuan import exact
from cesuan.errors import CesuanError, ErrorKind, raise_all
from cesuan.expr.ast import Name, Node, names, rename, unparse, walk
from cesuan.expr.compiler import Compiled, compile_formula, suggest_name
from cesuan.expr.parser import parse_formula
from cesuan.limits import MAX_INPUTS_PER_LINE, MAX_REFERENCE_CHAIN
from cesuan.model import Case, Line
from cesuan.quantity import Quantity, parse_quantity
from cesuan.rules import Rule, rule
from cesuan.units import DIMENSIONLESS, Unit, parse_unit

__all__ = ["Plan", "PlannedLine", "PlannedWritten", "plan_case"]


@dataclass(frozen=True, slots=True)
class PlannedWritten:
    """An expression as the form writes it, compiled as written, and its written result."""

    expr: str
    compiled: Compiled
    unit: Unit  # the unit of the expression's bare numbers
    result: Quantity
    places: int
    quotes: tuple[str, ...]


Scale = Callable[[exact.Num], exact.Num]
_NO_INPUTS: Mapping[str, exact.Num] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class PlannedLine:
    """One line, compiled. `compiled.fn` gives the result in the line's `unit` (the conversion
    from the formula's natural unit, `compiled.unit`, is compiled in). The fields after `rule`
    are what evaluation needs, worked out once: `env` the inputs' magnitudes as written (what
    `compiled.fn` reads); `shift` k when the line's unit is 10^k root units (元: 0, 万元: 4), so
    that the size of a value in root units is known without converting it, else None and
    `to_root` converts; `round_fn` the declared rounding, on values in the line's unit; `fixed`
    the value of a plain-value or stated-only line and `stated_value` the stated amount, in the
    line's unit; `simple` for a formula over its own inputs only; `ref_stated` whether each of
    `refs` has a stated amount.
    """

    line: Line
    index: int
    how: Literal["formula", "value", "stated"]
    compiled: Compiled | None
    inputs: dict[str, Quantity]
    refs: tuple[str, ...]  # ids of the lines this line's formula uses
    unit: Unit  # the unit results are expressed and compared in
    rounding: tuple[int, Unit, str] | None  # (places, unit, mode), as declared
    given: Quantity | None  # `value:` of a plain-value line
    stated: Quantity | None
    stated_places: int | None
    written: tuple[PlannedWritten, ...]
    rule: Rule | None
    env: Mapping[str, exact.Num] = field(default_factory=lambda: _NO_INPUTS, repr=False)
    shift: int | None = field(default=None, repr=False)
    to_root: Scale | None = field(default=None, repr=False)
    round_fn: Scale | None = field(default=None, repr=False)
    fixed: exact.Num | None = field(default=None, repr=False)
    stated_value: exact.Num | None = field(default=None, repr=False)
    simple: bool = field(default=False, repr=False)
    ref_stated: tuple[bool, ...] = field(default=(), repr=False)

    @property
    def id(self) -> str:
        return self.line.id


@dataclass(frozen=True, slots=True)
class Plan:
    case: Case
    lines: tuple[PlannedLine, ...]  # dependency order: every line after the lines it uses

    def by_id(self) -> dict[str, PlannedLine]:
        return {p.id: p for p in self.lines}


@functools.lru_cache(maxsize=8192)
def _compile_cached(
    text: str, units: tuple[tuple[str, Unit], ...], out: Unit | None = None
) -> Compiled:
    return compile_formula(_parse_cached(text), dict(units), text=text, out=out)


@functools.lru_cache(maxsize=8192)
def _parse_cached(text: str) -> Node:
    """parse_formula, cached: trees are immutable, and a case parses each formula twice (once
    to order the lines, once to compile them). Errors are not cached."""
    return parse_formula(text)


@functools.lru_cache(maxsize=1024)
def _unit_cached(text: str) -> Unit:
    return parse_unit(text)


def _scaler(factor: Fraction) -> Scale | None:
    return _scaler_of(factor.numerator, factor.denominator)


@functools.lru_cache(maxsize=1024)
def _scaler_of(p: int, q: int) -> Scale | None:
    # Keyed by the two integers: hashing a Fraction costs a modular inverse.
    return exact.scaler(Fraction(p, q))


def _in_unit(q: Quantity, unit: Unit) -> exact.Num:
    """q's magnitude in `unit` (same dimension), exactly."""
    if q.unit.factor == unit.factor:
        return q.magnitude
    s = _scaler(q.unit.factor / unit.factor)
    return q.magnitude if s is None else s(q.magnitude)


def _shift(factor: Fraction) -> int | None:
    """k when factor is 10^k (k ≥ 0), else None."""
    if factor.denominator != 1:
        return None
    n, k = factor.numerator, 0
    while n % 10 == 0:
        n //= 10
        k += 1
    return k if n == 1 else None


def _rounding(places: int, ru: Unit, mode: str, unit: Unit) -> Scale:
    """The declared rounding as a function of a value in the line's `unit`."""
    how = _rounder(places, mode)
    to_ru = _scaler(unit.factor / ru.factor)
    back = _scaler(ru.factor / unit.factor)
    if to_ru is None or back is None:
        return how
    return lambda x: back(how(to_ru(x)))


@functools.lru_cache(maxsize=128)
def _rounder(places: int, mode: str) -> Scale:
    return exact.rounder(places, mode)


@functools.lru_cache(maxsize=65536)
def _quantity_cached(text: str) -> Quantity:
    return parse_quantity(text)


def _places(q: Quantity) -> int:
    m = q.magnitude
    assert isinstance(m, Decimal)
    return exact.decimal_places(m)


class _Planner:
    def __init__(self, case: Case) -> None:
        self.case = case
        self.errors: list[CesuanError] = []
        self.ids = {ln.id for ln in case.lines}

    def fail(self, e: CesuanError, i: int, line: Line, path: str) -> None:
        full = f"lines[{i}]{path}"
        e.located(
            file=self.case.file,
            line=self.case.line_of(full),
            line_id=line.id,
            field=f"lines[{line.id}]{path}",
        )
        self.errors.append(e)

    def quantity(self, text: str, i: int, line: Line, path: str) -> Quantity | None:
        try:
            return _quantity_cached(text)
        except CesuanError as e:
            self.fail(e, i, line, path)
            return None

    def unit(self, text: str, i: int, line: Line, path: str) -> Unit | None:
        try:
            return _unit_cached(text)
        except CesuanError as e:
            self.fail(e, i, line, path)
            return None

    def plan_line(
        self, i: int, line: Line, units_of: dict[str, Unit], stated_of: Mapping[str, exact.Num]
    ) -> PlannedLine | None:
        """Plan one line; `units_of` and `stated_of` hold the unit and the stated amount (in
        that unit) of the lines planned so far."""
        n_err = len(self.errors)
        if len(line.inputs) > MAX_INPUTS_PER_LINE:
            self.fail(
                CesuanError(ErrorKind.SIZE_LIMIT, f"输入超过 {MAX_INPUTS_PER_LINE} 个"),
                i,
                line,
                ".inputs",
            )
        inputs: dict[str, Quantity] = {}
        aliases: dict[str, str] = {}  # input name → id of the line it refers to (`ref:`)
        for name, inp in line.inputs.items():
            if name in self.ids:
                self.fail(
                    CesuanError(
                        ErrorKind.DUPLICATE_ID,
                        f"输入名 '{name}' 与明细 id 相同，引用会有歧义",
                        hint="给输入换个名字",
                    ),
                    i,
                    line,
                    f".inputs.{name}",
                )
            if inp.ref is not None:
                if inp.ref not in self.ids or inp.ref == line.id:
                    s = suggest_name(inp.ref, sorted(self.ids - {line.id}))
                    self.fail(
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
            assert inp.value is not None
            q = self.quantity(inp.value, i, line, f".inputs.{name}.value")
            if q is not None:
                inputs[name] = q
        r: Rule | None = None
        formula = line.formula
        if line.use is not None:
            try:
                r = rule(line.use)
            except CesuanError as e:
                self.fail(e, i, line, ".use")
            else:
                formula = r.formula
                self.bind(
                    r,
                    i,
                    line,
                    inputs,
                    {k: units_of[v] for k, v in aliases.items() if v in units_of},
                )
        stated = given = None
        stated_places = None
        if line.stated is not None:
            stated = self.quantity(line.stated.value, i, line, ".stated.value")
            if stated is not None and stated.unit.dimensionless and "%" not in line.stated.value:
                # Amounts on forms always have a unit; a bare number is almost always a
                # forgotten 万元, and guessing it would silently change the value by 10⁴.
                self.fail(
                    CesuanError(
                        ErrorKind.UNTYPED_SCALAR,
                        f"申报数 '{line.stated.value}' 没有单位",
                        text=line.stated.value,
                        hint=f"写作 {line.stated.value.strip()} 万元（或相应单位）；比例写作百分数，如 52.05%",
                    ),
                    i,
                    line,
                    ".stated.value",
                )
                stated = None
            if stated is not None:
                stated_places = _places(stated)
        if line.value is not None:
            given = self.quantity(line.value, i, line, ".value")
        compiled = None
        refs: tuple[str, ...] = ()
        if formula is not None and len(self.errors) == n_err:
            try:
                tree = _parse_cached(formula)
                if aliases:
                    # Inputs bound to other lines become references to those lines.
                    tree = rename(tree, aliases)
                    formula = unparse(tree)
                self.check_names(tree, line, inputs, i)
                # The unit of each name: an input's, else another line's (never its own).
                used: list[tuple[str, Unit]] = []
                for k in _text_names(formula):
                    if k in inputs:
                        used.append((k, inputs[k].unit))
                    elif k != line.id and k in units_of:
                        used.append((k, units_of[k]))
                compiled_units = tuple(sorted(used))
                compiled = _compile_cached(formula, compiled_units)
                refs = tuple(k for k in compiled.names if k not in inputs)
            except CesuanError as e:
                self.fail(e, i, line, ".use" if r is not None else ".formula")
        # The unit results are shown and compared in.
        out: Unit | None = None
        if line.unit is not None:
            out = self.unit(line.unit, i, line, ".unit")
        elif stated is not None:
            out = stated.unit
        elif r is not None:
            out = _unit_cached(r.unit)
        elif compiled is not None:
            out = compiled.unit
        elif given is not None:
            out = given.unit
        natural = compiled.unit if compiled is not None else (given.unit if given else None)
        if out is not None and natural is not None and out.dims != natural.dims:
            self.fail(
                CesuanError(
                    ErrorKind.DIMENSION_MISMATCH,
                    f"计算结果的单位是 {natural.text or '无量纲'}，与本行单位 {out.text or '无量纲'} 量纲不同",
                    hint="检查公式、输入的单位，或 unit/stated 的单位",
                ),
                i,
                line,
                ".unit" if line.unit else ".stated.value",
            )
        if out is not None and stated is not None and out.dims != stated.unit.dims:
            self.fail(
                CesuanError(
                    ErrorKind.DIMENSION_MISMATCH,
                    f"申报数的单位 {stated.unit.text or '无量纲'} 与本行单位 "
                    f"{out.text or '无量纲'} 量纲不同",
                ),
                i,
                line,
                ".stated.value",
            )
        rounding = None
        if line.round is not None:
            ru = self.unit(line.round.unit, i, line, ".round.unit") if line.round.unit else out
            if ru is not None and out is not None and ru.dims != out.dims:
                self.fail(
                    CesuanError(
                        ErrorKind.DIMENSION_MISMATCH,
                        f"取整单位 {ru.text} 与本行单位 {out.text} 量纲不同",
                    ),
                    i,
                    line,
                    ".round.unit",
                )
            elif ru is not None:
                rounding = (line.round.places, ru, line.round.mode)
        written = tuple(
            w
            for j, w_ in enumerate(line.written)
            if (w := self.plan_written(i, line, j)) is not None
        )
        if len(self.errors) != n_err:
            return None
        how: Literal["formula", "value", "stated"] = (
            "formula" if formula is not None else "value" if given is not None else "stated"
        )
        unit = out or DIMENSIONLESS
        env: Mapping[str, exact.Num] = _NO_INPUTS
        round_fn = None
        fixed = None
        if compiled is not None:
            env = {k: q.magnitude for k, q in inputs.items()} if inputs else _NO_INPUTS
            if compiled.unit.factor != unit.factor:
                # The same formula, giving its result in the line's unit (元 → 万元 folded in).
                compiled = _compile_cached(compiled.text, compiled_units, unit)
            if rounding is not None:
                round_fn = _rounding(*rounding, unit)
        elif given is not None:
            fixed = _in_unit(given, unit)
        elif stated is not None:
            fixed = _in_unit(stated, unit)
        stated_value = _in_unit(stated, unit) if stated is not None else None
        return PlannedLine(
            line,
            i,
            how,
            compiled,
            inputs,
            refs,
            unit,
            rounding,
            given,
            stated,
            stated_places,
            written,
            r,
            env,
            _shift(unit.factor),
            _scaler(unit.factor),
            round_fn,
            fixed,
            stated_value,
            compiled is not None and not refs and not written,
            tuple(k in stated_of for k in refs),
        )

    def bind(
        self,
        r: Rule,
        i: int,
        line: Line,
        inputs: dict[str, Quantity],
        aliased: dict[str, Unit],
    ) -> None:
        missing = [p for p in r.params if p not in line.inputs]
        extra = [k for k in line.inputs if k not in r.params]
        for p in missing:
            self.fail(
                CesuanError(
                    ErrorKind.RULE_BINDING,
                    f"规则 {r.id} 需要参数 '{p}'（{r.params[p].label}），本行没有提供",
                    hint=f"在 inputs 中加上 {p}",
                ),
                i,
                line,
                ".inputs",
            )
        for k in extra:
            s = suggest_name(k, sorted(r.params))
            self.fail(
                CesuanError(
                    ErrorKind.RULE_BINDING,
                    f"规则 {r.id} 没有参数 '{k}'",
                    hint=f"是否为 '{s}'？" if s else "规则参数：" + "、".join(r.params),
                ),
                i,
                line,
                f".inputs.{k}",
            )
        for k, unit in {**{k: q.unit for k, q in inputs.items()}, **aliased}.items():
            if k in r.params and (want := r.param_unit(k)) is not None and want.dims != unit.dims:
                self.fail(
                    CesuanError(
                        ErrorKind.DIMENSION_MISMATCH,
                        f"规则 {r.id} 的参数 '{k}'（{r.params[k].label}）应为 {want.text or '无量纲'}"
                        f" 一类的单位，这里是 {unit.text or '无量纲'}",
                    ),
                    i,
                    line,
                    f".inputs.{k}.value",
                )

    def check_names(self, tree: Node, line: Line, inputs: dict[str, Quantity], i: int) -> None:
        first: dict[str, int] = {}
        for node in walk(tree):
            if isinstance(node, Name):
                first.setdefault(node.id, node.pos)
        for name, pos in first.items():
            if name in inputs or name in line.inputs:
                continue
            if name == line.id:
                raise CesuanError(
                    ErrorKind.CYCLE,
                    f"明细 {line.id} 的公式引用了它自己",
                    text=line.formula,
                    column=pos,
                    hint="循环：" + f"{name} → {name}",
                )
            if name not in self.ids:
                known = sorted([*line.inputs, *self.ids])
                s = suggest_name(name, known)
                raise CesuanError(
                    ErrorKind.UNKNOWN_NAME,
                    f"未知变量 '{name}'",
                    text=line.formula,
                    column=pos,
                    hint=f"是否为 '{s}'？"
                    if s
                    else f"在本行 inputs 中写出 {name}（如 {name}: 12 月），或改为引用其他明细的 id",
                )

    def plan_written(self, i: int, line: Line, j: int) -> PlannedWritten | None:
        w = line.written[j]
        path = f".written[{j}]"
        u = self.unit(w.unit, i, line, f"{path}.unit")
        res = self.quantity(w.result, i, line, f"{path}.result")
        if u is None or res is None:
            return None
        try:
            c = compile_formula(parse_formula(w.expr), {}, text=w.expr)
        except CesuanError as e:
            self.fail(e, i, line, f"{path}.expr")
            return None
        if not c.unit.dimensionless:
            self.fail(
                CesuanError(
                    ErrorKind.DIMENSION_MISMATCH,
                    "written.expr 按表上原样记录，数字不带单位；单位写在 written.unit",
                    text=w.expr,
                ),
                i,
                line,
                f"{path}.expr",
            )
            return None
        if res.unit.dims != u.dims:
            self.fail(
                CesuanError(
                    ErrorKind.DIMENSION_MISMATCH,
                    f"written.result 的单位 {res.unit.text} 与 written.unit {u.text} 不符",
                ),
                i,
                line,
                f"{path}.result",
            )
            return None
        return PlannedWritten(w.expr, c, u, res, _places(res), w.quote)


@functools.lru_cache(maxsize=8192)
def _text_names(text: str) -> tuple[str, ...]:
    """The names formula `text` uses (raises its parse error, uncached)."""
    return names(_parse_cached(text))


def _order(case: Case, refs: dict[str, tuple[str, ...]]) -> tuple[list[str], CesuanError | None]:
    """Topological order of line ids; a cycle is reported with its chain a → b → c → a."""
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    depth: dict[str, int] = {}
    order: list[str] = []
    for start in (ln.id for ln in case.lines):
        if state.get(start):
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = []
        while stack:
            node, k = stack.pop()
            if k == 0:
                state[node] = 1
                path.append(node)
            deps = refs.get(node, ())
            if k < len(deps):
                stack.append((node, k + 1))
                d = deps[k]
                if state.get(d) == 1:
                    chain = [*path[path.index(d) :], d]
                    return order, CesuanError(
                        ErrorKind.CYCLE,
                        "明细之间循环引用",
                        line_id=d,
                        hint="循环：" + " → ".join(chain),
                    )
                if not state.get(d):
                    stack.append((d, 0))
                continue
            state[node] = 2
            path.pop()
            depth[node] = 1 + max((depth[d] for d in deps), default=0)
            if depth[node] > MAX_REFERENCE_CHAIN:
                return order, CesuanError(
                    ErrorKind.SIZE_LIMIT, f"明细引用链超过 {MAX_REFERENCE_CHAIN} 层", line_id=node
                )
            order.append(node)
    return order, None


def plan_case(case: Case) -> Plan:
    """Compile every line of `case` and order them; raise every problem found, located.

    Raises:
        CesuanError / CesuanErrors: unknown names and units, dimension mismatches, cycles, …
    """
    planner = _Planner(case)
    # Order first (from the names the formulas use), so that each line is compiled after the
    # lines it uses and knows their units; a cycle is reported before anything else.
    refs = {
        ln.id: tuple(
            n for n in _formula_names(ln) if n in planner.ids and n not in ln.inputs and n != ln.id
        )
        for ln in case.lines
    }
    order, cycle = _order(case, refs)
    if cycle is not None:
        assert cycle.line_id is not None
        i = next(i for i, ln in enumerate(case.lines) if ln.id == cycle.line_id)
        raise cycle.located(
            file=case.file,
            line=case.line_of(f"lines[{i}].formula"),
            field=f"lines[{cycle.line_id}].formula",
        )
    index = {ln.id: i for i, ln in enumerate(case.lines)}
    units_of: dict[str, Unit] = {}
    for ln in case.lines:
        u = _declared_unit(ln)
        if u is not None:
            units_of[ln.id] = u
    planned: dict[str, PlannedLine] = {}
    stated_of: dict[str, exact.Num] = {}
    for lid in order:
        i = index[lid]
        if any(r not in planned for r in refs[lid]):
            continue  # a line it uses failed and is reported; don't cascade the error
        p = planner.plan_line(i, case.lines[i], units_of, stated_of)
        if p is not None:
            planned[lid] = p
            units_of[lid] = p.unit
            if p.stated_value is not None:
                stated_of[lid] = p.stated_value
    raise_all(planner.errors, file=case.file)
    lines = tuple(planned[k] for k in order)
    return Plan(case, lines)


def _declared_unit(line: Line) -> Unit | None:
    try:
        if line.unit is not None:
            return _unit_cached(line.unit)
        if line.stated is not None:
            return _quantity_cached(line.stated.value).unit
        if line.use is not None:
            return _unit_cached(rule(line.use).unit)
        if line.value is not None:
            return _quantity_cached(line.value).unit
    except CesuanError:
        return None  # reported with its location when the line itself is planned
    return None


def _formula_names(line: Line) -> tuple[str, ...]:
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
            out += _text_names(text)
    out += [inp.ref for inp in line.inputs.values() if inp.ref is not None]
    return tuple(out)
