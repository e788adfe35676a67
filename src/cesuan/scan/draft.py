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
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from cesuan import exact
from cesuan.errors import CesuanError, ErrorKind
from cesuan.quantity import Quantity
from cesuan.scan.draft_written import near, plain, written_line
from cesuan.scan.items import Item, ScanReport

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


def draft_case(report: ScanReport, source_name: str) -> dict[str, Any]:
    """The case (as a mapping for cesuan.load_case) drafted from a scan report."""
    _BARE_UNIT[0] = _usual_money_unit(report)
    lines: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str, str]] = set()
    counters: dict[str, int] = {}
    for item in report.items:
        if item.stated is None:
            continue  # a recogniser's cap marker: nothing to draft
        # The same paragraph written twice on the form (in 实施方案 and in the 明细 row, one
        # with "1、" before it): one line.
        key = (item.kind, item.expression, str(item.stated), item.status)
        if key in seen:
            continue
        seen.add(key)
        counters[item.kind] = counters.get(item.kind, 0) + 1
        lid = f"{_PREFIX[item.kind]}{counters[item.kind]}"
        lines += _checked(report, item, _lines(report, item, lid))
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


def _checked(report: ScanReport, item: Item, group: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The lines drafted for one item if they load on their own (quotes, units, formulas);
    otherwise one stated line saying why, so that the drafted case always loads."""
    from cesuan.api import load_case

    def loads(lines: list[dict[str, Any]]) -> str:
        try:
            load_case(
                {"case": "draft.check", "title": "起草检查", "lines": lines},
                source_text=report.document.text,
            )
        except CesuanError as e:
            return str(e).splitlines()[0]
        return ""

    why = loads(group)
    if not why:
        return group
    assert item.stated is not None
    line: dict[str, Any] = {
        "id": group[-1]["id"],
        "label": item.label,
        "stated": {
            "value": (plain if item.kind == "written" else _value)(item.stated),
            "quote": report.quote(item)[:10_000],
        },
        "note": f"未能起草为公式（{why}），只记申报数",
    }
    if "written" in group[-1]:  # the form's expression is still checked as written
        with_written = {**line, "written": group[-1]["written"]}
        if not loads([with_written]):
            return [with_written]
    return [line]


def _title(report: ScanReport) -> str:
    m = re.search(r"项目名称\t+([^\t\n]+)", report.document.text)
    return m.group(1).strip() if m else ""


def _lines(report: ScanReport, item: Item, lid: str) -> list[dict[str, Any]]:
    quote = report.quote(item)
    stated_quote = near(report, item.stated_start, item.stated_end, 20)
    if item.status == "unchecked" and not (
        item.kind == "rate" and item.reason.startswith("标准按月计")
    ):
        assert item.stated is not None
        return [
            {
                "id": lid,
                "label": item.label,
                "stated": {
                    "value": (plain if item.kind == "written" else _value)(item.stated),
                    "quote": stated_quote,
                },
                "quote": quote,
                "note": f"cesuan scan 未核对：{item.reason}",
            }
        ]
    if item.kind == "written":
        return [_rounded(item, written_line(report, item, lid, quote))]
    if item.kind == "rate":
        return [_rounded(item, _rate(report, item, lid, quote))]
    if item.kind == "row":
        return [_row(report, item, lid)]
    return _sum(report, item, lid, quote, stated_quote)


def _rounded(item: Item, line: dict[str, Any]) -> dict[str, Any]:
    """A result no decimal holds (492÷3702) needs a declared rounding: to the places the form
    wrote its result with, half-up, in the line's unit (said in the note)."""
    if (
        item.computed is None
        or item.stated is None
        or exact.is_terminating(item.computed.magnitude)
    ):
        return line
    stated = item.stated.magnitude
    places = exact.decimal_places(stated) if isinstance(stated, Decimal) else 0
    line["round"] = {"places": places}
    line["note"] += f"；结果除不尽，按表上结果的位数四舍五入保留 {places} 位（推断）"
    return line


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
                "stated": {"value": _value(n.quantity), "quote": near(report, n.start, n.end, 20)},
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


def _rate(report: ScanReport, item: Item, lid: str, quote: str) -> dict[str, Any]:
    assert item.stated is not None
    by_role = {n.role: n for n in item.numbers}
    q, r, per = by_role["quantity"], by_role["rate"], by_role.get("per")
    u = q.quantity.unit.text
    monthly = "12 个月" in item.reason or item.reason.startswith("标准按月计")
    rate_unit = f"元/({u}·月)" if monthly else f"元/{u}"
    if per is not None:  # 每10万条8000元: the standard is per block, the block is an input
        rate_unit = "元/月" if monthly else "元"
    rate_value = f"{r.quantity.to('元').magnitude} {rate_unit}"
    notes = [f"标准读作 {rate_unit}（表上写“{report.document.text[r.start : r.end]}”）"]
    inputs: dict[str, Any] = {
        "quantity": {"value": _value(q.quantity), "quote": near(report, q.start, q.end)},
        "rate": {"value": rate_value, "quote": near(report, r.start, r.end)},
    }
    formula = "quantity * rate"
    if per is not None:
        inputs["per"] = {
            "value": _value(per.quantity),
            "label": "计价单位",
            "quote": near(report, per.start, per.end, 1),
        }
        formula = "quantity / per * rate"
    if monthly:
        inputs["months"] = {"value": "12 月"}
        formula += " * months"
        notes.append(
            "按 12 个月计"
            + ("（表上写全年）" if "12 个月" in item.reason else "：表上未写月数，这是推断")
        )
    line: dict[str, Any] = {"id": lid, "label": item.label}
    rule = {"平方米": ("rent.by_area", "area"), "条": ("telecom.leased_lines", "lines")}.get(u)
    if rule and monthly and per is None:
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
        "quote": near(report, item.stated_start, item.stated_end, 20),
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
                "quote": near(report, result.start, result.end, 12),
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
    write_output(report.document.text, str(source_path), verbatim=True)
    write_output(head + body, str(case_path))
    return case_path, source_path, len(case["lines"])
