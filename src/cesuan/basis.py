"""The 测算依据 text, written from an evaluated result in the style the forms use.

What it does: for a line, writes its inputs with their units, the arithmetic with the values
substituted and the result in the form's unit — `大厅租金：大厅面积8369.34平方米×50元/平方米/月×
12个月=5021604元，即502.1604万元。` — or, for a line that adds up parts, `大厅使用费用共计703.69万元。
其中：……`. A rule's text template can set the wording. Amounts are written the way the form
writes them (cesuan.display: to the places of the stated amount, else 万元 to two decimals): where
that is not the exact value, the text gives the exact value and then `，四舍五入为120.53万元`; a
total whose shown parts do not add up to it says `系四舍五入所致`. The house style (docs/glossary.md,
“测算依据的写法”): Chinese punctuation and brackets full-width (，。；：（）), the arithmetic signs
+ − × ÷ =, units as in `130元/生/月`, a unit said once, a negative difference as `减少…`.
What it must not do: compute amounts. Every number comes from the result (only shown in another
unit where the text needs it, or rounded for display by cesuan.display), so the text can never
disagree with the audited numbers; the exact values stay in the result and its trace.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence
from decimal import Decimal

from cesuan import citation, exact
from cesuan.conversions import Declared
from cesuan.display import (
    UNIT_PLACES,
    Shown,
    case_places,
    is_percent,
    rounding_note,
    show,
    show_line,
    unit_word,
)
from cesuan.evaluation import LineResult, Result
from cesuan.expr.ast import BinOp, Name, is_sum_of_names, substitute
from cesuan.intervals import range_text
from cesuan.units import Unit

__all__ = ["explain_line", "explain_table", "result_text"]

_ROUND_WORD = {"half_up": "四舍五入", "ceil": "向上取整", "floor": "向下取整"}
# A label that already says it is a total is not followed by 共计 again (not 合计共计).
_TOTAL_WORDS = ("合计", "共计", "总计", "小计")
# A leading number as a case writes it (30万, 1,200, 98%), the rest being its unit.
_WRITTEN_NUMBER = re.compile(r"([+-]?[\d,]*\.?\d+)([万亿]?)(%?)(.*)")
# ASCII brackets around Chinese words, as some forms write labels: 收入(区级安排数).
_ASCII_BRACKETS = re.compile(r"\(([^()]*[\u4e00-\u9fff][^()]*)\)")


def _num(x: exact.Num, unit: Unit) -> str:
    """An exact value with its unit: `120.528万元`; a non-terminating one as `0.333333…`."""
    return exact.minus_sign(show(x, None).text) + unit_word(unit)


def _percent(x: exact.Num) -> str:
    return exact.minus_sign(show(x, None, percent=True).text) + "%"


def _amount(r: LineResult, places: Mapping[str, int], *, size: bool = False) -> str:
    """The line's result as the form writes it (cesuan.display); `size`: without its sign. A
    range (a bound upstream) as the form writes bounds: 不超过30万元, 不低于4000万元."""
    if r.interval is not None:
        return _range(r)
    return _written(r, show_line(r, places), size)


def _range(r: LineResult) -> str:
    assert r.interval is not None
    own = r.planned.given_bound or r.planned.stated_bound
    if own is not None and r.planned.formula is None:
        return own.words  # the 测算依据 says the form's own words: 不超过30万元, 5万余名
    return _range_text(r)


def _range_text(r: LineResult) -> str:
    """A range the one way ranges are written for people (cesuan.bounds.range_words)."""
    assert r.interval is not None
    return range_text(r.interval, r.unit)


def _written(r: LineResult, s: Shown, size: bool) -> str:
    text = s.text.lstrip("-") if size else exact.minus_sign(s.text)
    return text + ("%" if s.percent else unit_word(r.unit))


def _exact_amount(r: LineResult, x: exact.Num) -> str:
    return _percent(x) if is_percent(r) else _num(x, r.unit)


def _result(r: LineResult, places: Mapping[str, int], *, size: bool = False) -> str:
    """The result at the end of the arithmetic: as the form writes it when that is the exact
    value (2.40万元); else the exact value, then `，四舍五入为120.53万元` (after a declared
    rounding's own `，四舍五入为…`/`向上取整为…`) — `size`: the amounts without their sign."""
    if r.interval is not None:
        return _range(r)
    s = show_line(r, places)
    if r.value == r.exact and not s.rounded:
        return _written(r, s, size)
    out = _exact_amount(r, exact.neg(r.exact) if size and r.exact < 0 else r.exact)
    if r.value != r.exact:
        mode = r.planned.rounding[2] if r.planned.rounding else "half_up"
        value = exact.neg(r.value) if size and r.value < 0 else r.value
        out += f"，{_ROUND_WORD[mode]}为{_exact_amount(r, value)}"
    if s.rounded:
        out += f"，四舍五入为{_written(r, s, size)}"
    return out


def _label(text: str) -> str:
    """A case's label in our text: ASCII brackets around Chinese words made full-width."""
    return _ASCII_BRACKETS.sub(r"（\1）", text)


def _said(name: str, value: str) -> str:
    """A name followed by its amount; `为` between them where a name ending in a digit would
    run into the number (a year column: 学生数·2022为100人, never 学生数·2022100人), and before a
    negative amount, whose sign would read as a subtraction (乙为−2.5万元, never 乙−2.5万元)."""
    first = value[:1]
    runs_in = name[-1:].isdigit() and first.isdigit()
    return name + ("为" if runs_in or first in ("−", "-") else "") + value


def _name(r: LineResult) -> str:
    """How the text names a line: its label after any `类别：` (the form's 项目内容 column holds
    `委托业务费`, its text says `安全检查费用…`), so that no sentence has two colons."""
    return _label(r.planned.line.label).rsplit("：", 1)[-1]


def _input(r: LineResult, name: str, said: str = "") -> str:
    """An input the way the form writes it: its number as the case writes it (`30万`), its unit
    as forms write units, once (after `每条月租`, 1200 元/(条·月) is `1200元`)."""
    bound = dict(r.planned.bounds).get(name)
    if bound is not None:
        return bound.words  # 不超过30万元, 5万余人: as the form writes a bound
    spec = r.planned.line.inputs[name]
    compact = "".join((spec.value or "").split())
    m = _WRITTEN_NUMBER.fullmatch(compact)
    if m is None or not m.group(4):
        return compact
    digits, big, pct, _ = m.groups()
    q = r.planned.inputs[name]
    if big and q.magnitude == Decimal(digits.replace(",", "")):
        big = ""  # '750万元' is 750 万元: its 万 belongs to the unit
    return digits + big + pct + unit_word(q.unit, said)


def explain_line(result: Result, line_id: str) -> str:
    """The 测算依据 text of one line.

    Raises:
        KeyError: no such line.
    """
    r = result[line_id]
    return _explain(result, r, case_places(result))


def _explain(result: Result, r: LineResult, places: Mapping[str, int]) -> str:
    text = _explain_plain(result, r, places)
    b = r.planned.stated_bound
    if b is not None and r.planned.how == "formula":
        # A stated bound is the form's target, said the way the form says it.
        side = {"at_most": "上限", "at_least": "下限", "between": "范围"}[b.kind]
        text = text[:-1] + f"（申报{side}：{b.words}）。"
    assumed = assumption(r.planned.declared)
    return text[:-1] + f"（{assumed}）。" if assumed else text


def assumption(declared: Sequence[Declared]) -> str:
    """The case's declared conversions a line rests on, said as the assumptions they are:
    按1生=1人、1学期=0.5年计，本案例假设：本案例按半年计."""
    if not declared:
        return ""
    notes = "；".join(d.note for d in declared if d.note)
    return (
        "按"
        + "、".join(d.text for d in declared)
        + f"计，本案例假设{'：' + notes if notes else ''}"
    )


def _explain_plain(result: Result, r: LineResult, places: Mapping[str, int]) -> str:
    p = r.planned
    if p.how in ("stated", "value"):
        return f"{_said(_name(r), _result(r, places))}。"
    assert p.formula is not None
    if len(p.refs) > 1 and not p.inputs and is_sum_of_names(p.formula.tree):
        return _sum_line(result, r, places)
    if len(p.refs) == 1 and not p.inputs and isinstance(p.formula.tree, Name):
        return _same_line(result, r, places)
    values = _values(result, r)
    if p.rule is not None and p.rule.text:
        return _template_line(r, values, places)
    return _formula_line(r, values, places)


def _sum_line(result: Result, r: LineResult, places: Mapping[str, int]) -> str:
    """`大厅使用费用共计703.69万元。其中：大厅租金502.1604万元；……`, each part as the form writes
    it, and the forms' note when the parts as written do not add up to the total as written."""
    name = _name(r)
    # 三项成本合计（与全年执行数对照）says 合计 too: look past a closing note in brackets.
    total = "" if re.sub(r"(（[^（）]*）)+$", "", name).endswith(_TOTAL_WORDS) else "共计"
    parts = "；".join(_said(_name(result[k]), _amount(result[k], places)) for k in r.planned.refs)
    note = rounding_note(result, r.id, places)
    return f"{name}{total}{_amount(r, places)}。其中：{parts}。" + (note or "")


def _same_line(result: Result, r: LineResult, places: Mapping[str, int]) -> str:
    """`当年预算合计746万元（即项目当年预算）。`; where the form writes it rounded, the exact value
    first: `…202.64万元，四舍五入为203万元（即…）`."""
    return f"{_said(_name(r), _result(r, places))}（即{_name(result[r.planned.refs[0]])}）。"


def _values(result: Result, r: LineResult) -> dict[str, str]:
    """Each name of the formula as the text writes it: an input with its label, a line with its
    name and the exact value the arithmetic used (exact values flow between lines), written with
    '…' where it does not terminate."""
    p = r.planned
    values: dict[str, str] = {}
    for k in p.inputs:
        label = _label(p.line.inputs[k].label or "")
        values[k] = _said(label, _input(r, k, label))
    for ref in p.refs:
        x = result[ref]
        # A rate the form writes in percent is written so here too (85.365854…%, not 0.85…).
        if x.interval is not None:
            values[ref] = _said(_name(x), _range(x))
        else:
            amount = _percent(x.exact) if is_percent(x) else _num(x.exact, x.unit)
            values[ref] = _said(_name(x), amount)
    return values


def _formula_line(r: LineResult, values: dict[str, str], places: Mapping[str, int]) -> str:
    """`物业费：面积5580平方米×…=1205280元，即120.528万元，四舍五入为120.53万元。`; a negative
    difference `A−B，减少34.172万元。` as forms say it."""
    p = r.planned
    assert p.formula is not None
    # The arithmetic with placeholders first, so that only its own brackets become full-width
    # (a label's brackets are the case's words).
    keys = {k: f"\x00{i}\x00" for i, k in enumerate(values)}
    skeleton = substitute(p.formula.tree, keys).replace(" ", "")
    arithmetic = skeleton.replace("(", "（").replace(")", "）")
    for k, key in keys.items():
        arithmetic = arithmetic.replace(key, values[k])
    text = f"{_name(r)}：{citation.lead(p.standards)}{arithmetic}"
    if r.interval is not None:
        return f"{text}={_range(r)}。"
    natural = p.formula.unit
    fewer = r.exact < 0 and isinstance(p.formula.tree, BinOp) and p.formula.tree.op == "-"
    if fewer:
        return f"{text}，减少{_result(r, places, size=True)}。"
    if natural.dims == p.unit.dims and natural != p.unit and natural.terms:
        text += f"={_num(exact.times(r.exact, p.unit.factor_to(natural)), natural)}，即"
    else:
        text += "="
    return f"{text}{_result(r, places)}。"


def _template_line(r: LineResult, values: dict[str, str], places: Mapping[str, int]) -> str:
    """A rule's own wording: `{result}` is the exact result, then how the form writes it; a
    negative `={result}` reads `，减少…`."""
    p = r.planned
    assert p.rule is not None
    out: list[str] = []
    for literal, field, _, _ in string.Formatter().parse(p.rule.text or ""):
        out.append(literal)
        if field is None:
            continue
        name, _, attr = field.partition(".")
        if name == "result":
            if r.exact < 0 and literal.endswith("="):
                out[-1] = literal[:-1] + "，减少"
                out.append(_result(r, places, size=True))
            else:
                out.append(_result(r, places))
        elif name == "label":
            out.append(_name(r))
        elif attr == "label":
            out.append(_label(p.line.inputs[name].label or p.rule.params[name].label))
        else:
            spec = p.line.inputs[name]
            # A parameter bound to another line (`ref:`) shows that line's name and value.
            said = "".join(out).rsplit("，", 1)[-1]  # the words of this clause so far
            out.append(values[spec.ref] if spec.ref else _input(r, name, said))
    return f"{_name(r)}：{citation.lead(p.standards)}{''.join(out)}。"


def result_text(r: LineResult, places: Mapping[str, int] = UNIT_PLACES) -> str:
    """The line's result as the form writes it: 120.53万元 (exact 120.528), or 52.05% for a rate;
    `places`: the display places by unit (`cesuan.display.case_places`)."""
    if r.interval is None and not exact.is_terminating(r.value):
        # 约52.03%, 约33333.333333元/人: a value whose decimals do not end, after 约, rounded
        # half-up to the display precision (else 6 decimals); the exact fraction is in the JSON.
        s = show_line(r, places)
        text = exact.minus_sign("约" + s.text.removesuffix("…"))
        return text + ("%" if s.percent else unit_word(r.unit))
    if r.interval is not None:
        return _range_text(r)  # a table's cell: the range, not the form's words for the bound
    return _amount(r, places)


def explain_table(result: Result) -> list[tuple[str, str, str, str]]:
    """(id, 项目内容, 测算依据及说明, 金额) for every line, in the case's order."""
    rows, places = [], case_places(result)
    for r in result.values():  # case order
        rows.append(
            (r.id, r.planned.line.label, _explain(result, r, places), result_text(r, places))
        )
    return rows
