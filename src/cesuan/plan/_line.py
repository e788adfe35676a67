"""Per-line planning: one line of a case → a `PlannedLine`, every problem located.

What it does: for one line, in this order — binds its inputs and rule (cesuan.plan._bind),
reads its stated amount and plain value, checks its formula's names and units against its
inputs and the lines planned before it (cesuan.expr.check), settles the unit its results are
shown in, its declared rounding and the expressions the form writes.
What it must not do: evaluate, or report an error twice: a line whose inputs are wrong is not
checked further (its formula would only fail again for the same reason).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from cesuan import exact
from cesuan.conversions import mismatch_hint
from cesuan.errors import CesuanError, ErrorKind, suggest
from cesuan.expr.ast import Name, Node, rename, unparse, walk
from cesuan.expr.check import Checked
from cesuan.model import Line
from cesuan.plan import _cache
from cesuan.plan._bind import Context, bind_inputs, bind_rule, bind_standards
from cesuan.plan._data import PlannedLine, PlannedWritten, Rounding
from cesuan.quantity import Quantity
from cesuan.rules import Rule
from cesuan.units import DIMENSIONLESS, Unit

__all__ = ["plan_line"]


def _no(u: Unit) -> str:
    return u.text or "无量纲"


def plan_line(cx: Context, i: int, line: Line, units_of: Mapping[str, Unit]) -> PlannedLine | None:
    """Plan line `i`; `units_of` holds the unit of every line planned so far. None (and the
    problems in `cx.errors`) when the line is wrong."""
    n_err = len(cx.errors)
    line, cited = bind_standards(cx, i, line)
    inputs, aliases = bind_inputs(cx, i, line)
    r: Rule | None = None
    formula = line.formula
    if line.use is not None:
        bound = {k: q.unit for k, q in inputs.items()}
        bound |= {k: units_of[v] for k, v in aliases.items() if v in units_of}
        r = bind_rule(cx, i, line, bound)
        formula = r.formula if r is not None else None
    stated = _stated(cx, i, line)
    given = cx.quantity(line.value, i, line, ".value") if line.value is not None else None
    checked: Checked | None = None
    if formula is not None and len(cx.errors) == n_err:
        try:
            checked = _check(cx, line, formula, inputs, aliases, units_of)
        except CesuanError as e:
            cx.fail(e, i, line, ".use" if r is not None else ".formula")
    natural = checked.unit if checked is not None else given.unit if given else None
    # Only a checked formula converts by the case's declarations (its typed tree holds the
    # factor); a plain value in 学期 is never silently shown in 年.
    joins = checked is not None
    unit = _unit(cx, i, line, stated, r, natural, joins)
    rounding = _rounding(cx, i, line, unit)
    written = tuple(w for j in range(len(line.written)) if (w := _written(cx, i, line, j)))
    also = _stated_also(cx, i, line, unit)
    if len(cx.errors) != n_err:
        return None
    return PlannedLine(
        line,
        i,
        "formula" if checked is not None else "value" if given is not None else "stated",
        checked,
        inputs,
        tuple(k for k in checked.names if k not in inputs) if checked is not None else (),
        unit or DIMENSIONLESS,
        rounding,
        given,
        stated,
        _places(stated) if stated is not None else None,
        written,
        r,
        cited,
        cx.bound.get(line.id, ()),
        tuple((k, b) for k in inputs if (b := cx.bounds.get((i, f".inputs.{k}.value")))),
        cx.bounds.get((i, ".value")),
        cx.bounds.get((i, ".stated.value")),
        also,
    )


def _places(q: Quantity) -> int:
    assert isinstance(q.magnitude, Decimal)  # parsed from text
    return exact.decimal_places(q.magnitude)


def _stated(cx: Context, i: int, line: Line) -> Quantity | None:
    if line.stated is None:
        return None
    return _amount(cx, i, line, line.stated.value, ".stated.value")


def _stated_also(
    cx: Context, i: int, line: Line, unit: Unit | None
) -> tuple[tuple[Quantity, int], ...]:
    """The further places of the stated amount, each of the line's dimension."""
    out = []
    for j, also in enumerate(line.stated_also, 1):
        path = f".stated[{j}].value"
        q = _amount(cx, i, line, also.value, path)
        if q is not None and unit is not None and q.unit.dims != unit.dims:
            cx.fail(
                CesuanError(
                    ErrorKind.DIMENSION_MISMATCH,
                    f"第 {j + 1} 处申报数的单位 {_no(q.unit)} 与本行单位 {_no(unit)} 量纲不同",
                    text=also.value,
                ),
                i,
                line,
                path,
            )
        elif q is not None:
            out.append((q, _places(q)))
    return tuple(out)


def _amount(cx: Context, i: int, line: Line, text: str, path: str) -> Quantity | None:
    stated = cx.quantity(text, i, line, path)
    if (
        stated is not None
        and stated.unit.dimensionless
        and not stated.unit.terms
        and "%" not in text
    ):
        # Amounts on forms always have a unit; a bare number is almost always a forgotten
        # 万元, and guessing it would silently change the value by 10⁴. A stated 百分点 (the
        # difference of two rates: 0.07 百分点 = 0.0007, units.txt) names its unit.
        cx.fail(
            CesuanError(
                ErrorKind.UNTYPED_SCALAR,
                f"申报数 '{text}' 没有单位",
                text=text,
                hint=_unitless_hint(text),
            ),
            i,
            line,
            path,
        )
        return None
    return stated


def _unitless_hint(text: str) -> str:
    """`56万` is 560000 with no unit: the fix is `56 万元`, never `56万 万元` (10⁴ too much)."""
    t = text.strip()
    if t[-1:] in ("万", "亿", "萬", "億"):
        unit = {"萬": "万", "億": "亿"}.get(t[-1], t[-1]) + "元"
        return f"写作 {t[:-1].strip()} {unit}（数字后的“{t[-1]}”是倍数，不是单位）"
    return f"写作 {t} 万元（或相应单位）；比例写作百分数，如 52.05%"


def _check(
    cx: Context,
    line: Line,
    formula: str,
    inputs: dict[str, Quantity],
    aliases: dict[str, str],
    units_of: Mapping[str, Unit],
) -> Checked:
    """The line's formula, its `ref:` inputs renamed to the lines they name, checked against
    the units of its inputs and of the lines it uses (never its own)."""
    tree = _cache.parsed(formula)
    if aliases:
        tree = rename(tree, aliases)
        formula = unparse(tree)
    _check_names(cx, tree, line, inputs)
    used = []
    for k in _cache.text_names(formula):
        if k in inputs:
            used.append((k, inputs[k].unit))
        elif k != line.id and k in units_of:
            used.append((k, units_of[k]))
    return _cache.checked(formula, tuple(sorted(used)), cx.conv)


def _check_names(cx: Context, tree: Node, line: Line, inputs: dict[str, Quantity]) -> None:
    """Every name is an input or another line: a line using itself is a cycle; an unknown name
    gets the nearest known one."""
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
        if name not in cx.ids:
            s = suggest(name, [*line.inputs, *cx.ids])
            raise CesuanError(
                ErrorKind.UNKNOWN_NAME,
                f"未知变量 '{name}'",
                text=line.formula,
                column=pos,
                hint=f"是否为 '{s}'？"
                if s
                else f"在本行 inputs 中写出 {name}（如 {name}: 12 月），或改为引用其他明细的 id",
            )


def _unit(
    cx: Context,
    i: int,
    line: Line,
    stated: Quantity | None,
    r: Rule | None,
    natural: Unit | None,
    joins: bool = False,
) -> Unit | None:
    """The unit results are shown and compared in: `unit:`, else the stated amount's, the
    rule's, the formula's natural unit or the value's — of the calculation's dimension."""
    out: Unit | None = None
    if line.unit is not None:
        out = cx.unit(line.unit, i, line, ".unit")
    elif stated is not None:
        out = stated.unit
    elif r is not None:
        out = _cache.unit(r.unit)
    else:
        out = natural
    if (
        out is not None
        and natural is not None
        and out.dims != natural.dims
        and not (joins and cx.conv.relate(natural, out) is not None)
    ):
        cx.fail(
            CesuanError(
                ErrorKind.DIMENSION_MISMATCH,
                f"计算结果的单位是 {_no(natural)}，与本行单位 {_no(out)} 量纲不同",
                hint=mismatch_hint(natural, out)
                if joins
                else "检查公式、输入的单位，或 unit/stated 的单位",
            ),
            i,
            line,
            ".unit" if line.unit else ".stated.value",
        )
    if out is not None and stated is not None and out.dims != stated.unit.dims:
        cx.fail(
            CesuanError(
                ErrorKind.DIMENSION_MISMATCH,
                f"申报数的单位 {_no(stated.unit)} 与本行单位 {_no(out)} 量纲不同",
            ),
            i,
            line,
            ".stated.value",
        )
    return out


def _rounding(cx: Context, i: int, line: Line, out: Unit | None) -> Rounding | None:
    if line.round is None:
        return None
    ru = cx.unit(line.round.unit, i, line, ".round.unit") if line.round.unit else out
    if ru is not None and out is not None and ru.dims != out.dims:
        cx.fail(
            CesuanError(
                ErrorKind.DIMENSION_MISMATCH, f"取整单位 {ru.text} 与本行单位 {out.text} 量纲不同"
            ),
            i,
            line,
            ".round.unit",
        )
        return None
    return None if ru is None else (line.round.places, ru, line.round.mode)


def _written(cx: Context, i: int, line: Line, j: int) -> PlannedWritten | None:
    """An expression the form writes, checked as written (bare numbers, no names)."""
    w = line.written[j]
    path = f".written[{j}]"
    u = cx.unit(w.unit, i, line, f"{path}.unit")
    res = cx.quantity(w.result, i, line, f"{path}.result")
    if u is None or res is None:
        return None
    if (i, f"{path}.result") in cx.bounds:
        cx.fail(
            CesuanError(
                ErrorKind.QUANTITY_SYNTAX,
                "表上算式的结果是等号后写的数，不能是界限",
                text=w.result,
                hint="界限写在 stated（如 stated: ≤65 万元）或输入的 value 中",
            ),
            i,
            line,
            f"{path}.result",
        )
        return None
    try:
        c = _cache.checked(w.expr, ())
    except CesuanError as e:
        cx.fail(e, i, line, f"{path}.expr")
        return None
    if not c.unit.dimensionless:
        cx.fail(
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
        cx.fail(
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
