"""A scan report as text, JSON (with format_version) or Markdown, in Chinese.

What it does: lists findings first (不符), then what was checked and holds, then 未核对 with the
reason; each item with its verbatim quote and its line and column (and character offset).
What it must not do: compute or recognise anything, or shorten a quote silently (a long quote is
cut with '…' and its full extent is still given by its offsets).
"""

from __future__ import annotations

import json
from typing import Any

from cesuan import exact
from cesuan.quantity import Quantity
from cesuan.scan.items import KIND_ZH, STATUS_ZH, Item, ScanReport

__all__ = ["FORMAT_VERSION", "to_json", "to_markdown", "to_text"]

FORMAT_VERSION = 1
_ORDER = {"mismatch": 0, "unchecked": 1, "rounded": 2, "holds": 3}


def _q(q: Quantity | None) -> str:
    if q is None:
        return ""
    return str(q) if exact.is_terminating(q.magnitude) else f"{q}（除不尽）"


def _in_stated(item: Item) -> Quantity | None:
    if item.computed is None or item.stated is None:
        return item.computed
    try:
        return item.computed.to(item.stated.unit)
    except Exception:
        return item.computed


def _quote(r: ScanReport, item: Item, limit: int = 160) -> str:
    q = " ".join(r.quote(item).split())
    return q if len(q) <= limit else q[:limit] + "…"


def _counts(r: ScanReport) -> str:
    n = {s: sum(1 for i in r.items if i.status == s) for s in _ORDER}
    return (
        f"识别 {len(r.items)} 处计算：不符 {n['mismatch']}，相符 {n['holds']}，"
        f"四舍五入后相符 {n['rounded']}，未核对 {n['unchecked']}"
    )


def _sorted(r: ScanReport) -> list[Item]:
    return sorted(r.items, key=lambda i: (_ORDER[i.status], i.start))


def to_text(reports: list[ScanReport]) -> str:
    """Plain text, one block per item."""
    out = []
    for r in reports:
        d = r.document
        out.append(f"{d.name}（{d.encoding}）：{_counts(r)}")
        out += [f"  注：{n}" for n in d.notes]
        for item in _sorted(r):
            line, col = d.position(item.start)
            out.append("")
            out.append(
                f"[{STATUS_ZH[item.status]}] {KIND_ZH[item.kind]} · {item.label}（第 {line} 行第 {col} 列）"
            )
            if item.expression:
                out.append(
                    f"    算式：{item.expression}"
                    + (f" = {_q(_in_stated(item))}" if item.computed else "")
                )
            out.append(f"    表上：{_q(item.stated)}")
            if item.status == "mismatch":
                out.append(f"    差额：{_q(_difference(item))}（计算 − 表上）")
            if item.reason:
                out.append(
                    ("    原因：" if item.status == "unchecked" else "    说明：") + item.reason
                )
            out.append(f"    原文：“{_quote(r, item)}”")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _difference(item: Item) -> Quantity | None:
    c = _in_stated(item)
    if c is None or item.stated is None:
        return None
    return Quantity(exact.sub(c.magnitude, item.stated.magnitude), item.stated.unit)


def item_dict(r: ScanReport, item: Item) -> dict[str, Any]:
    line, col = r.document.position(item.start)
    return {
        "kind": item.kind,
        "status": item.status,
        "label": item.label,
        "expression": item.expression,
        "stated": _q(item.stated) or None,
        "computed": _q(_in_stated(item)) or None,
        "difference": _q(_difference(item)) or None if item.status == "mismatch" else None,
        "reason": item.reason,
        "quote": r.quote(item),
        "position": {"line": line, "column": col, "offset": item.start, "end": item.end},
    }


def to_json(reports: list[ScanReport]) -> str:
    """Deterministic JSON: `format_version`, then per document its items in text order."""
    data = {
        "format_version": FORMAT_VERSION,
        "documents": [
            {
                "file": r.document.name,
                "encoding": r.document.encoding,
                "notes": list(r.document.notes),
                "summary": _counts(r),
                "items": [item_dict(r, i) for i in r.items],
            }
            for r in reports
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _md(s: str) -> str:
    return " ".join(s.split()).replace("|", "\\|")


def to_markdown(reports: list[ScanReport]) -> str:
    """A Markdown report: one table per document, findings first."""
    out = ["# 申报表文本核对（cesuan scan）", ""]
    for r in reports:
        out += [f"## {r.document.name}", "", _counts(r), ""]
        out += [f"> {n}" for n in r.document.notes] + ([""] if r.document.notes else [])
        out += [
            "| 结果 | 类别 | 位置 | 算式 | 计算 | 表上 | 说明 | 原文 |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for item in _sorted(r):
            line, col = r.document.position(item.start)
            out.append(
                f"| {STATUS_ZH[item.status]} | {KIND_ZH[item.kind]} | {line}:{col} | {_md(item.expression)} "
                f"| {_q(_in_stated(item))} | {_q(item.stated)} | {_md(item.reason)} | {_md(_quote(r, item))} |"
            )
        out.append("")
    return "\n".join(out)
