"""Rendering for people and tools: terminal tables, audit reports (text, Markdown, JSON).

What it does: lays out results, audits and 测算依据 tables, in Chinese, aligned for wide
characters. Text that comes from a case (labels, quotes, notes) is escaped first, so that a case
cannot move the cursor, recolour a terminal or break a Markdown table.
What it must not do: compute, reconcile, print or exit: it returns strings and plain data.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from cesuan.basis import explain_table, result_text
from cesuan.escaping import escape
from cesuan.evaluation import Result
from cesuan.reconcile import KIND_ZH, Audit

__all__ = [
    "audit_json",
    "audit_markdown",
    "audit_text",
    "calc_table",
    "clean",
    "explain_markdown",
    "md",
]


def clean(text: object) -> str:
    """Case text made safe for a terminal: control and bidi characters shown escaped."""
    return escape(text)


def md(text: object) -> str:
    """Case text made safe inside a Markdown table cell."""
    return escape(text, "markdown")


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    cols = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(header)]

    def fmt(row: Sequence[str]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(row, cols, strict=True)).rstrip()

    return "\n".join([fmt(header), fmt(["-" * w for w in cols]), *(fmt(r) for r in rows)])


def calc_table(result: Result) -> str:
    """id, 项目内容, 计算值 (in the line's unit), 申报数 and 单位 for every line, in case order."""
    case = result.case
    order = {ln.id: i for i, ln in enumerate(case.lines)}
    rows = []
    for r in sorted(result.lines, key=lambda x: order[x.id]):
        p = r.planned
        stated = ""
        if p.stated is not None:
            stated = clean("".join(p.line.stated.value.split()) if p.line.stated else "")
        computed = result_text(r)
        if p.how == "stated":
            computed = "（无测算）"
        rows.append([clean(r.id), clean(p.line.label), computed, stated])
    head = f"{clean(case.title)}（{clean(case.case)}）"
    return head + "\n" + _table(["id", "项目内容", "计算值", "申报数"], rows)


def _finding_lines(f: Any) -> list[str]:
    out = [
        f"[{KIND_ZH[f.kind]}] {clean(f.case)} · {clean(f.line_id)} {clean(f.label)}",
        f"    {clean(f.message)}",
    ]
    if f.substituted:
        out.append(f"    算式：{clean(f.substituted)}")
    if f.difference:
        out.append(f"    差额：{f.difference}（计算 − 申报）")
    if f.caused_by:
        out.append(f"    源于：{'、'.join(clean(c) for c in f.caused_by)}")
    for q in f.quotes:
        out.append(f"    原文：“{clean(q)}”")
    if f.note:
        out.append(f"    说明：{clean(f.note)}")
    return out


def audit_text(audits: Sequence[Audit], *, verbose: bool = False) -> str:
    """The auditor's terminal report: per-case summary, then findings most serious first.

    Info findings (unverifiable, quote_missing) are counted; `verbose` lists them too.
    """
    out = ["审核结果", ""]
    for a in audits:
        s = a.summary()
        n_err = sum(1 for f in a.findings if f.severity == "error")
        out.append(
            f"{clean(a.result.case.title)}（{clean(a.case)}）：核对 "
            f"{s['match'] + s['rounded_match'] + s['mismatch']} 项，相符 {s['match']}，"
            f"四舍五入后相符 {s['rounded_match']}，不符 {s['mismatch']}；"
            f"无测算 {s['unverifiable']}；问题 {n_err} 个"
        )
    findings = sorted((f for a in audits for f in a.findings), key=lambda f: f.sort_key())
    shown = [f for f in findings if verbose or f.severity != "info"]
    out.append("")
    if not shown:
        out.append("未发现不符。")
    for f in shown:
        out.extend(_finding_lines(f))
        out.append("")
    hidden = len(findings) - len(shown)
    if hidden:
        out.append(f"另有 {hidden} 条提示（无测算过程、缺少出处），用 --verbose 查看。")
    return "\n".join(out).rstrip() + "\n"


def audit_json(audits: Sequence[Audit]) -> dict[str, Any]:
    """{"cases": [...], "findings": [...]} with exact decimal strings."""
    findings = sorted((f for a in audits for f in a.findings), key=lambda f: f.sort_key())
    return {"cases": [a.to_dict() for a in audits], "findings": [f.to_dict() for f in findings]}


def audit_markdown(audits: Sequence[Audit]) -> str:
    """A report an auditor can file."""
    out = ["# 预算测算审核报告", ""]
    out += [
        "| 项目 | 填报单位 | 相符 | 四舍五入后相符 | 不符 | 无测算 |",
        "|---|---|---|---|---|---|",
    ]
    for a in audits:
        s = a.summary()
        out.append(
            f"| {md(a.result.case.title)} | {md(a.result.case.agency or '')} | "
            f"{s['match']} | {s['rounded_match']} | {s['mismatch']} | {s['unverifiable']} |"
        )
    findings = sorted((f for a in audits for f in a.findings), key=lambda f: f.sort_key())
    out += ["", "## 发现的问题", ""]
    serious = [f for f in findings if f.severity != "info"]
    if not serious:
        out.append("未发现不符。")
    for i, f in enumerate(serious, 1):
        out.append(
            f"### {i}. {md(KIND_ZH[f.kind])}：{md(f.label)}（{md(f.case)} · {md(f.line_id)}）"
        )
        out.append("")
        out.append(f"- 说明：{md(f.message)}")
        if f.stated:
            out.append(f"- 申报：{md(f.stated)}；计算：{md(f.computed)}；差额：{md(f.difference)}")
        if f.substituted:
            out.append(f"- 算式：{md(f.substituted)}")
        if f.caused_by:
            out.append(f"- 源于：{md('、'.join(f.caused_by))}")
        for q in f.quotes:
            out.append(f"- 原文：“{md(q)}”")
        if f.note:
            out.append(f"- 备注：{md(f.note)}")
        out.append("")
    info = [f for f in findings if f.severity == "info"]
    if info:
        out += ["## 提示", "", "| 项目 | 明细 | 类型 | 说明 |", "|---|---|---|---|"]
        out += [
            f"| {md(f.case)} | {md(f.label)} | {md(KIND_ZH[f.kind])} | {md(f.message)} |"
            for f in info
        ]
    return "\n".join(out).rstrip() + "\n"


def explain_markdown(result: Result) -> str:
    """The 项目支出明细 table (项目内容, 测算依据及说明, 金额), ready to paste into a form."""
    out = [
        f"# {md(result.case.title)}",
        "",
        "| 项目内容 | 测算依据及说明 | 金额 |",
        "|---|---|---|",
    ]
    for _, label, text, amount in explain_table(result):
        out.append(f"| {md(label)} | {md(text)} | {md(amount)} |")
    return "\n".join(out) + "\n"
