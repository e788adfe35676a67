"""The 测算依据 text, written from an evaluated result in the style the forms use.

What it does: for a line, writes its inputs with their units, the arithmetic with the values
substituted and the result in the form's unit — `大厅租金：大厅面积8369.34平方米×50元/(平方米·月)×
12月=5021604元，即502.1604万元。` — or, for a line that adds up parts, `大厅使用费用共计703.69万元。
其中：……`. A rule's text template can set the wording.
What it must not do: compute amounts. Every number comes from the result (only shown in another
unit where the text needs it), so the text can never disagree with the audited numbers.
"""

from __future__ import annotations

import string
from decimal import Decimal

from cesuan import exact
from cesuan.display import is_percent, show_line
from cesuan.evaluation import LineResult, Result
from cesuan.expr.ast import Name, is_sum_of_names, substitute
from cesuan.units import Unit

__all__ = ["explain_line", "explain_table", "result_text"]


def _num(x: exact.Num, unit: Unit) -> str:
    n = _shown(x)
    return n + _unit_word(unit)


def _unit_word(unit: Unit) -> str:
    # Forms write 12个月 rather than 12月 for a duration.
    return "个月" if unit.terms == (("月", 1),) else unit.text


def _shown(x: exact.Num) -> str:
    """Exact text, or for a non-terminating quotient its first decimals followed by '…'
    (clearly not the exact value; the declared rounding that follows gives the result)."""
    if exact.is_terminating(x):
        return exact.format_exact(x)
    return exact.format_exact(exact.round_half_up(x, 6)) + "…"


def _percent(x: exact.Num) -> str:
    return _shown(exact.mul(x, Decimal(100))) + "%"


def _as_written(text: str) -> str:
    """An input the way the case (and so the form) writes it: '30万 件' → '30万件', and a
    duration in months the way forms say it: '12 月' → '12个月'."""
    compact = "".join(text.split())
    if compact.endswith("月") and not compact.endswith("个月") and compact[:-1][-1:].isdigit():
        return compact[:-1] + "个月"
    return compact


def _in(value: exact.Num, frm: Unit, to: Unit) -> exact.Num:
    f = frm.factor / to.factor
    return exact.mul(value, Decimal(f.numerator) if f.denominator == 1 else f)


def explain_line(result: Result, line_id: str) -> str:
    """The 测算依据 text of one line.

    Raises:
        KeyError: no such line.
    """
    r = result[line_id]
    return _explain(result, r)


def _explain(result: Result, r: LineResult) -> str:
    p = r.planned
    ln = p.line
    value = result_text(r)
    if p.how == "stated":
        return f"{ln.label}{value}。"
    if p.how == "value":
        return f"{ln.label}{value}。"
    assert p.formula is not None
    if len(p.refs) > 1 and not p.inputs and is_sum_of_names(p.formula.tree):
        parts = "；".join(
            f"{result[ref].planned.line.label}{_num(result[ref].value, result[ref].unit)}"
            for ref in p.refs
        )
        return f"{ln.label}共计{value}。其中：{parts}。"
    if len(p.refs) == 1 and not p.inputs and isinstance(p.formula.tree, Name):
        same = result[p.refs[0]].planned.line.label
        return f"{ln.label}{value}（即{same}）。"
    values: dict[str, str] = {}
    for k in p.inputs:
        values[k] = (ln.inputs[k].label or "") + _as_written(ln.inputs[k].value or "")
    for ref in p.refs:
        x = result[ref]
        # The value the arithmetic used: the part's exact value (exact values flow between
        # lines), written with '…' where it does not terminate.
        # A rate the form writes in percent is written so here too (85.365854…%, not 0.85…).
        shown = _percent(x.exact) if is_percent(x) else _num(x.exact, x.unit)
        values[ref] = x.planned.line.label + shown
    if p.rule is not None and p.rule.text:
        return f"{ln.label}：{_template(p.rule.text, r, values, value)}。"
    arithmetic = substitute(p.formula.tree, values).replace(" ", "")
    natural = p.formula.unit
    text = f"{ln.label}：{arithmetic}"
    exact_text = _num(r.exact, p.unit)
    if natural.dims == p.unit.dims and natural != p.unit and natural.terms:
        text += f"={_num(_in(r.exact, p.unit, natural), natural)}，即{exact_text}"
    elif p.unit.dimensionless and "%" in value:
        text += f"={_percent(r.exact)}"
    else:
        text += f"={exact_text}"
    if r.value != r.exact:
        mode = p.rounding[2] if p.rounding else "half_up"
        word = {"half_up": "四舍五入", "ceil": "向上取整", "floor": "向下取整"}[mode]
        text += f"，{word}为{value}"
    return text + "。"


def _template(tpl: str, r: LineResult, values: dict[str, str], value: str) -> str:
    p = r.planned
    assert p.rule is not None
    out = []
    for literal, field, _, _ in string.Formatter().parse(tpl):
        out.append(literal)
        if field is None:
            continue
        name, _, attr = field.partition(".")
        if name == "result":
            out.append(value)
        elif name == "label":
            out.append(p.line.label)
        elif attr == "label":
            out.append(p.line.inputs[name].label or p.rule.params[name].label)
        else:
            spec = p.line.inputs[name]
            # A parameter bound to another line (`ref:`) shows that line's label and value.
            out.append(values[spec.ref] if spec.ref else _as_written(spec.value or ""))
    return "".join(out)


def result_text(r: LineResult) -> str:
    """The line's result as the form writes it: 502.1604万元, or 52.05% for a rate. A value
    whose decimals do not end (a line with no `round`) is written after 约, rounded half-up
    to the line's display precision (cesuan.display.line_places: the stated amount's places,
    万元 two), else to 6 decimals: 约52.03%, 约33333.333333元/人. The exact fraction is in
    the JSON trace."""
    ln = r.planned.line
    if not exact.is_terminating(r.value):
        s = show_line(r)
        return "约" + s.text.removesuffix("…") + ("%" if s.percent else _unit_word(r.unit))
    if r.unit.dimensionless and ln.stated is not None and "%" in ln.stated.value:
        return _percent(r.value)  # a rate the form writes as 52.05% reads back the same way
    return _num(r.value, r.unit)


def explain_table(result: Result) -> list[tuple[str, str, str, str]]:
    """(id, 项目内容, 测算依据及说明, 金额) for every line, in the case's order."""
    rows = []
    for r in result.values():  # case order
        rows.append((r.id, r.planned.line.label, _explain(result, r), result_text(r)))
    return rows
