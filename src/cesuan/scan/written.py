"""Written arithmetic with a stated result: `3702-492（公益一类人员经费）*98%+492=3637.8万元`.

What it does: finds each '=' with a number after it, walks left over what an expression may
contain (digits, + - × * x ÷ / %, full-width forms, brackets, parenthesised notes, unit words
right after a number), normalises that text for the project's formula grammar (notes blanked,
`x` read as ×), parses it with cesuan.expr and evaluates it exactly, as written, with standard
precedence. A result that does not follow is a finding; anything recognised that cannot be
checked (names in the expression, a unit that does not fit) is listed as unchecked with why.
What it must not do: evaluate with anything but cesuan.expr's own tree, guess a reading other
than the one written, or look further left than the bounded window (linear time overall).
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from cesuan.charset import is_cjk, normalise
from cesuan.errors import CesuanError
from cesuan.expr.ast import BinOp, Neg, Node
from cesuan.expr.ast import Number as NumNode
from cesuan.expr.evaluate import evaluate_formula
from cesuan.expr.parser import parse_formula
from cesuan.quantity import Quantity
from cesuan.scan.amounts import Amount, compare, find_amounts
from cesuan.scan.items import Document, Item, Number, over_limit
from cesuan.scan.patterns import patterns

__all__ = ["find_written", "normalise_expression"]

_EXPR_CHARS = set("0123456789０１２３４５６７８９.．+-*/×÷xX＊－＋／−%％ \u3000")
_OPEN, _CLOSE = "(（", ")）"
_OPS = set("+-*/×÷xX＊－＋／−")


@cache
def _unit_tail() -> re.Pattern[str]:
    p = patterns()
    return re.compile(f"(?:{p.alternation(p.money_units + p.counted_units)})$")


def _note_start(text: str, close: int, floor: int) -> int | None:
    """Start of a parenthesised note ending at `close` (its ')' / '）'), when it holds words."""
    lo = max(floor, close - patterns().max_note_chars)
    for j in range(close - 1, lo - 1, -1):
        c = text[j]
        if c in _CLOSE or c in "\n\t=＝；;。":  # a note is a few words inside one clause
            return None
        if c in _OPEN:
            inner = text[j + 1 : close]
            return j if any(is_cjk(ch) for ch in inner) else None
    return None


def _walk_left(text: str, eq: int) -> int:
    """Leftmost offset of the expression that ends at '=' (offset eq)."""
    floor = max(0, eq - patterns().max_expression_chars)
    i = eq
    while i > floor:
        c = text[i - 1]
        if c in _CLOSE:
            j = _note_start(text, i - 1, floor)
            i = j if j is not None else i - 1
            continue
        if c in _EXPR_CHARS or c in _OPEN or _grouping_comma(text, i - 1):
            i -= 1
            continue
        m = _unit_tail().search(text, floor, i)
        # A unit word belongs to the expression right after a number (1200元) or as the
        # denominator of a unit (元/条).
        if m and m.start() > floor and text[m.start() - 1] in (_EXPR_CHARS - _OPS) | {"/", "／"}:
            i = m.start()
            continue
        break
    # The expression starts at its first digit or opening bracket.
    while i < eq and not (text[i].isdigit() or text[i] in _OPEN):
        i += 1
    return i


def _grouping_comma(text: str, k: int) -> bool:
    """Whether text[k] is a thousands separator: 3,600 (digit before, three digits after)."""
    return (
        text[k] == ","
        and k > 0
        and text[k - 1].isdigit()
        and text[k + 1 : k + 4].isdigit()
        and len(text[k + 1 : k + 4]) == 3
        and not text[k + 4 : k + 5].isdigit()
    )


def _truncated(text: str, start: int) -> str:
    """Why the expression may have been cut at its left end ('' if it was not)."""
    before = text[start - 1] if start > 0 else ""
    if before and before.isascii() and (before.isalnum() or before in "._,"):
        return f"算式前紧接“{before}”，可能未读全（如编号 D300-D700），不作判断"
    return ""


def normalise_expression(raw: str) -> tuple[str, list[str]]:
    """Expression text for cesuan.expr, same length as `raw`, and what was changed.

    Notes in brackets become spaces; `x`/`X` between numbers becomes `*`; a unit word keeps.

    >>> normalise_expression("3702-492（公益一类人员经费）*98%+492")[0].split()
    ['3702-492', '*98%+492']
    >>> normalise_expression("3x1200")[0]
    '3*1200'
    """
    out = list(raw)
    done: list[str] = []
    i = 0
    while i < len(raw):
        if raw[i] in _CLOSE:
            j = _note_start(raw, i, 0)
            if j is not None:
                done.append(f"括号内的注释“{raw[j + 1 : i]}”不参与计算")
                out[j : i + 1] = " " * (i + 1 - j)
        elif _grouping_comma(raw, i):
            # 3,600 → 3600 and a space after the number: the grammar has no grouping, and the
            # text keeps its length so that columns still point into the form.
            j = i + 4
            out[i:j] = [*raw[i + 1 : j], " "] if j - i == 4 else out[i:j]
            if "千位" not in "".join(done):
                done.append("千位分隔符 ',' 已去掉")
        elif raw[i] in "xX":
            out[i] = "*"
            if "x" not in "".join(done):
                done.append("x 按乘号读")
        i += 1
    return "".join(out), done


def find_written(doc: Document) -> list[Item]:
    """Every written expression with a stated result, checked as written."""
    text = doc.text
    items: list[Item] = []
    cap = patterns().max_items
    for m in re.finditer("[=＝]", text):
        eq = m.start()
        if len(items) >= cap:
            return [*items, over_limit("written", eq, cap)]
        results = find_amounts(text, eq + 1, min(len(text), eq + 40))
        if not results or text[eq + 1 : results[0].start].strip(" \u3000"):
            continue
        start = _walk_left(text, eq)
        raw = text[start:eq].rstrip(" \u3000")
        if not any(c in _OPS for c in raw.strip("+-−－＋ ")) or not raw:
            continue  # '=100%', '执行率=…': no arithmetic written before the '='
        item = _check(doc, start, eq, raw, results[0])
        if item is not None:
            items.append(item)
    return items


def _check(doc: Document, start: int, eq: int, raw: str, result: Amount) -> Item | None:
    expr, notes = normalise_expression(raw)
    label = _label_before(doc.text, start)
    base = Item(
        status="unchecked",
        kind="written",
        start=start,
        end=result.end,
        label=label,
        expression=_display(expr),
        stated=result.quantity,
        stated_start=result.start,
        stated_end=result.end,
    )
    operands = tuple(
        Number("operand", "", a.quantity, start + a.start, start + a.end) for a in find_amounts(raw)
    )
    cut = _truncated(doc.text, start)
    if cut:
        return replace(base, reason=cut)
    try:
        value = evaluate_formula(expr)
    except CesuanError as e:
        reason = str(e).splitlines()[0]
        return replace(
            base, status="unchecked", computed=None, reason=f"算式无法按原样计算：{reason}"
        )
    if result.unit != "%" and _percent_added(parse_formula(expr)):
        return replace(base, reason="百分数直接与其他数相加减（如 5%+3），读法不明，不作判断")
    computed, why = _in_result_unit(value, result)
    if computed is None:
        return replace(base, status="unchecked", computed=None, reason=why)
    status = compare(computed, result.quantity, result.places)
    reason = "；".join([*notes, why] if why else notes)
    return replace(base, status=status, computed=computed, reason=reason, numbers=operands)


def _percent_added(node: Node) -> bool:
    """Whether a percentage is a term of a sum (492%-10.05), not a factor (492*98%)."""
    if isinstance(node, BinOp):
        if node.op in "+-" and any(
            isinstance(side, NumNode) and side.text.endswith("%")
            for side in (node.left, node.right)
        ):
            return True
        return _percent_added(node.left) or _percent_added(node.right)
    if isinstance(node, Neg):
        return _percent_added(node.operand)
    return False


def _in_result_unit(value: Quantity, result: Amount) -> tuple[Quantity | None, str]:
    """The expression's value in the stated result's unit; bare numbers take that unit."""
    stated = result.quantity
    if not value.unit.terms:
        if not stated.unit.terms or result.unit == "%":
            return value, ""
        return Quantity(
            value.magnitude, stated.unit
        ), f"算式中的数字按结果的单位 {stated.unit.text} 计"
    if value.unit.dims != stated.unit.dims:
        return (
            None,
            f"算式的单位 {value.unit.text} 与结果的单位 {stated.unit.text or '无'} 量纲不同",
        )
    return value.to(stated.unit), ""


def _display(expr: str) -> str:
    """The expression as checked, in ASCII operators: ３７０２－４９２×９８％ → 3702-492*98%."""
    try:
        return "".join(normalise(expr).split())
    except CesuanError:
        return "".join(expr.split())


def _label_before(text: str, start: int) -> str:
    """The words just before the expression (2023年核定经费为…), for a label."""
    i = start
    while i > 0 and start - i < 30 and text[i - 1] not in "，,；;。：:、\t\n>①②③④⑤⑥⑦⑧⑨":
        i -= 1
    words = text[i:start].strip(" 为是：:")
    return words or "表上算式"
