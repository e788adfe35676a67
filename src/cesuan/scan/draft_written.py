"""Drafting one written expression as a case line: inputs for its numbers, the formula over
them, and the expression kept as `written` (used by cesuan.scan.draft).

What it does: parses the normalised expression with cesuan.expr, names each number (n1, n2, …)
with its value, unit and verbatim quote, and decides which bare numbers carry the result's unit
so that the formula has that unit (both sides of + and −, the left of ÷, the factor of × that
is not a percentage), saying so in the note.
What it must not do: change any number, or evaluate anything.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from cesuan import exact
from cesuan.charset import normalise
from cesuan.errors import CesuanError
from cesuan.expr.ast import BinOp, Neg, Node
from cesuan.expr.ast import Number as NumNode
from cesuan.expr.parser import parse_formula
from cesuan.quantity import Quantity
from cesuan.scan.items import Item, ScanReport
from cesuan.scan.written import normalise_expression

__all__ = ["ascii_text", "near", "plain", "written_line"]


def plain(q: Quantity) -> str:
    """Quantity text as written on the form: a bare result (492÷3702=0.13) is a ratio, which a
    case writes as a percentage (13%); it is not given a money unit."""
    if q.unit.terms:
        return str(q)
    return exact.format_exact(exact.mul(q.magnitude, Decimal(100))) + "%"


def near(report: ScanReport, start: int, end: int, before: int = 12) -> str:
    """A number with the words just before it on its line: a short verbatim quote."""
    text = report.document.text
    a = start
    while a > 0 and start - a < before and text[a - 1] not in "\n\t；;。，,":
        a -= 1
    return text[a:end]


def written_line(report: ScanReport, item: Item, lid: str, quote: str) -> dict[str, Any]:
    assert item.stated is not None
    start = item.start
    raw = report.document.text[start : item.stated_start].rstrip(" \u3000")
    raw = raw[:-1].rstrip(" \u3000")  # the result follows its '=' with at most spaces between
    expr, done = normalise_expression(raw)
    unit = item.stated.unit.text
    tree = parse_formula(expr)
    with_unit: dict[int, bool] = {}
    guesses: list[str] = []
    _assign(tree, True, with_unit, guesses)
    numbers = list(_leaves(tree))
    inputs: dict[str, Any] = {}
    formula = expr
    for k, n in sorted(enumerate(numbers, 1), key=lambda kn: -kn[1].pos):
        end = n.pos + len(n.text)
        if n.unit is not None:
            end = _unit_end(expr, end)
        written_text = expr[n.pos : end].strip()
        value = (
            written_text
            if n.unit is not None or n.text.endswith("%") or not unit or not with_unit.get(n.pos)
            else f"{n.text} {unit}"
        )
        name = f"n{k}"
        inputs[name] = {
            "value": ascii_text(value),
            "quote": near(report, start + n.pos, start + end, 0) or written_text,
        }
        note = _note_after(raw, end)
        if note:
            inputs[name]["label"] = note
        formula = formula[: n.pos] + name + formula[end:]
    line: dict[str, Any] = {
        "id": lid,
        "label": item.label,
        "formula": ascii_text(" ".join(formula.split())),
        "inputs": dict(sorted(inputs.items(), key=lambda kv: int(kv[0][1:]))),
        "stated": {"value": plain(item.stated), "quote": quote},
    }
    if unit:
        line["unit"] = unit
    has_units = any(n.unit is not None for n in numbers)
    if not has_units:
        line["written"] = {
            "expr": ascii_text("".join(expr.split())),
            "unit": unit,
            "result": plain(item.stated),
            "quote": quote,
        }
    notes = [*done, *guesses]
    if unit and not has_units:
        notes.append(f"算式中不带单位的数按结果的单位 {unit} 读")
    line["note"] = "；".join(notes) or "按表上算式原样计算"
    return line


def ascii_text(text: str) -> str:
    """Formula and quantity text in ASCII operators and digits (the quotes keep the form's own)."""
    try:
        return normalise(text)
    except CesuanError:
        return text


def _leaves(node: Node) -> list[NumNode]:
    if isinstance(node, NumNode):
        return [node]
    if isinstance(node, BinOp):
        return _leaves(node.left) + _leaves(node.right)
    if isinstance(node, Neg):
        return _leaves(node.operand)
    return []


def _pct(node: Node) -> bool:
    return isinstance(node, NumNode) and node.text.endswith("%")


def _assign(node: Node, dim: bool, out: dict[int, bool], guesses: list[str]) -> None:
    """Which bare numbers carry the result's unit so that the formula has that unit:
    both sides of + and −, the left of ÷, one factor of × (the one that is not a percentage)."""
    if isinstance(node, NumNode):
        out[node.pos] = dim and not node.text.endswith("%")
    elif isinstance(node, Neg):
        _assign(node.operand, dim, out, guesses)
    elif isinstance(node, BinOp):
        if node.op in "+-":
            _assign(node.left, dim, out, guesses)
            _assign(node.right, dim, out, guesses)
        elif node.op == "/":
            _assign(node.left, dim, out, guesses)
            _assign(node.right, False, out, guesses)
        else:
            left_first = not _pct(node.left)
            _assign(node.left, dim and left_first, out, guesses)
            _assign(node.right, dim and not left_first, out, guesses)
            if dim and not (_pct(node.left) or _pct(node.right)):
                guesses.append("乘法中右边的因数按无量纲数读")


def _unit_end(expr: str, i: int) -> int:
    while i < len(expr) and expr[i] not in "+-*/() ":
        i += 1
    return i


def _note_after(raw: str, end: int) -> str:
    m = re.match(r"\s*[（(]([^（()）]{1,40})[)）]", raw[end:])
    return m.group(1) if m else ""
