"""Drafting a case from a scan: one line per recognised calculation, ready to load and audit.

What it does: turns each scanned item into case lines — a written expression into a formula
over named inputs (each with its value, unit and verbatim quote) with the expression kept as
`written`; a total with parts into one stated line per part and a total line summing them; a
quantity × standard sentence into a shared rule (rent.by_area, telecom.leased_lines) where one
fits, else a formula; an unchecked item into a stated line whose note says why. Every guess (a
unit given to a bare number, 12 months for 全年) is said in the line's note. The source text is
written beside the case so that every quote is checked by the loader.
What it must not do: write a quote that is not a verbatim slice of the source text, or a value
that was not read from the text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from cesuan.charset import normalise
from cesuan.errors import CesuanError, ErrorKind
from cesuan.expr.ast import BinOp, Neg, Node
from cesuan.expr.ast import Number as NumNode
from cesuan.expr.parser import parse_formula
from cesuan.quantity import Quantity
from cesuan.scan.items import Item, ScanReport
from cesuan.scan.written import normalise_expression

__all__ = ["draft_case", "write_draft"]

_PREFIX = {"written": "expr", "enumeration": "sum", "rate": "rate", "table": "table", "row": "row"}


def _value(q: Quantity) -> str:
    """Quantity text for a case; a bare amount takes the form's usual money unit (noted)."""
    if not q.unit.terms and _BARE_UNIT[0]:
        return f"{q} {_BARE_UNIT[0]}"
    return str(q)


# The money unit the form writes most often, for amounts the form writes bare (表中 2409):
# set per draft by draft_case, and said in the case's notes.
_BARE_UNIT = [""]


def _usual_money_unit(report: ScanReport) -> str:
    from cesuan.scan.amounts import find_amounts

    counts: dict[str, int] = {}
    for a in find_amounts(report.document.text):
        if a.is_money:
            u = "万元" if a.unit == "万" else a.unit
            counts[u] = counts.get(u, 0) + 1
    return max(sorted(counts), key=lambda u: counts[u]) if counts else "元"


def _quote(report: ScanReport, start: int, end: int) -> str:
    return report.document.text[start:end]


def _near(report: ScanReport, start: int, end: int, before: int = 12) -> str:
    """A number with the words just before it on its line: a short verbatim quote."""
    text = report.document.text
    a = start
    while a > 0 and start - a < before and text[a - 1] not in "\n\t；;。，,":
        a -= 1
    return text[a:end]


def draft_case(report: ScanReport, source_name: str) -> dict[str, Any]:
    """The case (as a mapping for cesuan.load_case) drafted from a scan report."""
    _BARE_UNIT[0] = _usual_money_unit(report)
    lines: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str, str]] = set()
    counters: dict[str, int] = {}
    for item in report.items:
        if item.stated is None:
            continue  # a recogniser's cap marker: nothing to draft        # The same paragraph written twice on the form (in 实施方案 and in the 明细 row, one
        # with "1、" before it): one line.
        key = (item.kind, item.expression, str(item.stated), item.status)
        if key in seen:
            continue
        seen.add(key)
        counters[item.kind] = counters.get(item.kind, 0) + 1
        lid = f"{_PREFIX[item.kind]}{counters[item.kind]}"
        lines += _lines(report, item, lid)
    if not lines:
        lines.append(
            {
                "id": "empty",
                "label": "未识别到计算",
                "value": "0 元",
                "note": "cesuan scan 在原文中没有识别到可起草的计算",
            }
        )
    name = Path(report.document.name).stem.removesuffix(".source")
    ascii_id = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-") or "form"
    return {
        "case": f"draft.{ascii_id}" if ascii_id[0].isalnum() else "draft.form",
        "title": _title(report) or name,
        "source": source_name,
        "notes": "由 cesuan draft 根据原文起草：每行的 note 写明所作的推断，请逐行核对后再用。"
        f"表中不带单位的金额按全文最常用的金额单位 {_BARE_UNIT[0]} 读（推断）。",
        "lines": lines,
    }


def _title(report: ScanReport) -> str:
    m = re.search(r"项目名称\t+([^\t\n]+)", report.document.text)
    return m.group(1).strip() if m else ""


def _lines(report: ScanReport, item: Item, lid: str) -> list[dict[str, Any]]:
    quote = report.quote(item)
    stated_quote = _near(report, item.stated_start, item.stated_end, 20)
    if item.status == "unchecked" and not (
        item.kind == "rate" and item.reason.startswith("标准按月计")
    ):
        assert item.stated is not None
        return [
            {
                "id": lid,
                "label": item.label,
                "stated": {"value": _value(item.stated), "quote": stated_quote},
                "quote": quote,
                "note": f"cesuan scan 未核对：{item.reason}",
            }
        ]
    if item.kind == "written":
        return [_written(report, item, lid, quote)]
    if item.kind == "rate":
        return [_rate(report, item, lid, quote)]
    if item.kind == "row":
        return [_row(report, item, lid)]
    return _sum(report, item, lid, quote, stated_quote)


def _sum(
    report: ScanReport, item: Item, lid: str, quote: str, stated_quote: str
) -> list[dict[str, Any]]:
    assert item.stated is not None
    parts = []
    for k, n in enumerate(item.numbers, 1):
        parts.append(
            {
                "id": f"{lid}.p{k}",
                "label": n.label,
                "stated": {"value": _value(n.quantity), "quote": _near(report, n.start, n.end, 20)},
            }
        )
    total = {
        "id": lid,
        "label": item.label,
        "formula": " + ".join(f"{lid}.p{k}" for k in range(1, len(parts) + 1)),
        "stated": {
            "value": _value(item.stated),
            "quote": quote if item.kind == "table" else stated_quote,
        },
        "quote": quote,
    }
    notes = [item.reason] if item.reason else []
    if item.kind == "table":
        notes.append("各分项取自同一列")
    total["note"] = "；".join(notes) if notes else "合计 = 其中各项之和"
    return [*parts, total]


def _written(report: ScanReport, item: Item, lid: str, quote: str) -> dict[str, Any]:
    assert item.stated is not None
    start = item.start
    raw = report.document.text[start : item.stated_start].rstrip(" \u3000")
    raw = raw[: raw.rfind("=") if "=" in raw else raw.rfind("＝")]
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
            "value": _ascii(value),
            "quote": _near(report, start + n.pos, start + end, 0) or written_text,
        }
        note = _note_after(raw, end)
        if note:
            inputs[name]["label"] = note
        formula = formula[: n.pos] + name + formula[end:]
    line: dict[str, Any] = {
        "id": lid,
        "label": item.label,
        "formula": _ascii(" ".join(formula.split())),
        "inputs": dict(sorted(inputs.items(), key=lambda kv: int(kv[0][1:]))),
        "stated": {"value": _value(item.stated), "quote": quote},
    }
    if unit:
        line["unit"] = unit
    has_units = any(n.unit is not None for n in numbers)
    if not has_units:
        line["written"] = {
            "expr": _ascii("".join(expr.split())),
            "unit": unit,
            "result": _value(item.stated),
            "quote": quote,
        }
    notes = [*done, *guesses]
    if unit and not has_units:
        notes.append(f"算式中不带单位的数按结果的单位 {unit} 读")
    line["note"] = "；".join(notes) or "按表上算式原样计算"
    return line


def _ascii(text: str) -> str:
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


def _rate(report: ScanReport, item: Item, lid: str, quote: str) -> dict[str, Any]:
    assert item.stated is not None
    by_role = {n.role: n for n in item.numbers}
    q, r = by_role["quantity"], by_role["rate"]
    u = q.quantity.unit.text
    monthly = "12 个月" in item.reason or item.reason.startswith("标准按月计")
    rate_unit = f"元/({u}·月)" if monthly else f"元/{u}"
    rate_value = f"{r.quantity.to('元').magnitude} {rate_unit}"
    notes = [f"标准读作 {rate_unit}（表上写“{report.document.text[r.start : r.end]}”）"]
    inputs: dict[str, Any] = {
        "quantity": {"value": _value(q.quantity), "quote": _near(report, q.start, q.end)},
        "rate": {"value": rate_value, "quote": _near(report, r.start, r.end)},
    }
    formula = "quantity * rate"
    if monthly:
        inputs["months"] = {"value": "12 月"}
        formula += " * months"
        notes.append(
            "按 12 个月计"
            + ("（表上写全年）" if "12 个月" in item.reason else "：表上未写月数，这是推断")
        )
    line: dict[str, Any] = {"id": lid, "label": item.label}
    rule = {"平方米": ("rent.by_area", "area"), "条": ("telecom.leased_lines", "lines")}.get(u)
    if rule and monthly:
        rule_id, qname = rule
        line["use"] = rule_id
        rname = "rate" if rule_id == "rent.by_area" else "fee"
        line["inputs"] = {
            qname: inputs["quantity"],
            rname: inputs["rate"],
            "months": inputs["months"],
        }
    else:
        line["formula"] = formula
        line["inputs"] = inputs
    line["unit"] = item.stated.unit.text
    line["stated"] = {
        "value": _value(item.stated),
        "quote": _near(report, item.stated_start, item.stated_end, 20),
    }
    line["quote"] = quote
    line["note"] = "；".join(notes)
    return line


def _row(report: ScanReport, item: Item, lid: str) -> dict[str, Any]:
    assert item.stated is not None
    result = item.numbers[0]
    return {
        "id": lid,
        "label": item.label,
        "formula": "result",
        "inputs": {
            "result": {
                "value": _value(result.quantity),
                "label": "测算依据最后一步的结果",
                "quote": _near(report, result.start, result.end, 12),
            }
        },
        "stated": {"value": _value(item.stated), "quote": report.quote(item)},
        "note": "本行金额按测算依据最后一步的结果核对"
        + (f"；{item.reason}" if item.reason else ""),
    }


def write_draft(report: ScanReport, output: str | Path) -> tuple[Path, Path, int]:
    """Write the drafted case and, beside it, the source text its quotes come from."""
    from cesuan.cli import write_output

    case_path = Path(output)
    if not case_path.parent.is_dir():
        raise CesuanError(
            ErrorKind.FILE_NOT_FOUND,
            f"输出目录不存在：{case_path.parent}",
            file=str(case_path),
            hint="先建立该目录，或换一个输出路径",
        )
    source_path = case_path.with_name(case_path.stem + ".source.txt")
    if source_path.resolve() == Path(report.document.name).resolve():
        # Never overwrite the form itself (a GB18030 file would come back as UTF-8).
        source_path = case_path.with_name(case_path.stem + ".draft-source.txt")
    case = draft_case(report, source_path.name)
    head = f"# 由 cesuan draft 从 {report.document.name} 起草；原文见 {source_path.name}。\n"
    body = yaml.safe_dump(case, allow_unicode=True, sort_keys=False, width=10_000)
    write_output(report.document.text, str(source_path))
    write_output(head + body, str(case_path))
    return case_path, source_path, len(case["lines"])
