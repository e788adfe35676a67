"""The audit report in Markdown (`cesuan audit --format md`), rendered from auditreport's data.

What it does: writes the report document (title, scope with hashes, summary table, one section
per form with its findings, their consequences, hidden findings and notes, the 审核意见 draft,
and the inputs that could not be audited) as Markdown a reviewer can file or convert.
What it must not do: compute, count or decide anything (every number is in the report data);
print. Case text is escaped with `report.md`, quotes shown without the form's HTML markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cesuan.auditreport import SUMMARY_NOTE
from cesuan.figures import said
from cesuan.implied import implied_text
from cesuan.report import error_markdown, md

__all__ = ["CHINESE_NUMBERS", "render_markdown", "section_number"]

CHINESE_NUMBERS = "一二三四五六七八九十"


def section_number(i: int) -> str:
    """1 → 一 … 10 → 十, 11 → 十一 (section numbers of a Chinese report).

    >>> [section_number(i) for i in (1, 10, 11, 20, 23)]
    ['一', '十', '十一', '二十', '二十三']
    """
    if i <= 10:
        return CHINESE_NUMBERS[i - 1]
    tens, ones = divmod(i, 10)
    return (
        (CHINESE_NUMBERS[tens - 1] if tens > 1 else "")
        + "十"
        + (section_number(ones) if ones else "")
    )


def render_markdown(rep: Mapping[str, Any], errors: Sequence[Mapping[str, Any]] = ()) -> str:
    """The whole report; `errors` are the audit JSON's located errors (files not audited)."""
    out = [f"# {md(rep['title'])}", ""]
    mat = rep["materiality"]
    out += [
        f"- 报告日期：{md(rep['date'])}",
        f"- 审核工具：{md(rep['engine'])}",
        "- 重要性水平："
        + (f"差额绝对值低于 {md(mat)} 的不展开（单列于各表之后）" if mat else "未设（全部列出）"),
        "",
    ]
    out += _scope(rep) + _summary(rep)
    out += ["## 三、各申报表审核情况", ""]
    for i, form in enumerate(rep["forms"], 1):
        out += _form(i, form)
    out += ["## 四、审核意见（草稿）", ""]
    for para in rep["opinion"]["text"]:
        out += [md(para), ""]
    if errors:
        out += ["## 无法审核的文件", ""]
        for e in errors:
            out += error_markdown(e)
    return "\n".join(out).rstrip() + "\n"


def _scope(rep: Mapping[str, Any]) -> list[str]:
    out = [
        "## 一、审核范围",
        "",
        "| 申报表 | 案例文件 | 案例文件 SHA-256 | 原文 | 原文 SHA-256 |",
        "|---|---|---|---|---|",
    ]
    titles = {f["case"]: f["title"] for f in rep["forms"]}
    for s in rep["scope"]:
        out.append(
            f"| {md(titles.get(s['case'], s['case']))} | {md(s.get('file') or '')} | "
            f"{md(s.get('file_sha256') or '')} | {md(s.get('source') or '（无）')} | "
            f"{md(s.get('source_sha256') or '')} |"
        )
    return [*out, ""]


def _summary(rep: Mapping[str, Any]) -> list[str]:
    out = [
        "## 二、审核结果汇总",
        "",
        "| 申报表 | 核对 | 相符 | 无测算 | 问题 | 连带影响 | 低于重要性 | 提示 | 涉及金额 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    keys = ("checked", "matched", "unverifiable", "issues", "consequences", "hidden", "notes")
    for r in rep["summary"]["forms"]:
        cells = " | ".join(str(r[k]) for k in keys)
        out.append(f"| {md(r['title'])} | {cells} | {md(said(r['money']))} |")
    t = rep["summary"]["total"]
    cells = " | ".join(str(t[k]) for k in keys)
    out.append(f"| **合计** | {cells} | {md(said(t['money']))} |")
    out += [
        "",
        SUMMARY_NOTE,
        "",
    ]
    return out


def _form(i: int, form: Mapping[str, Any]) -> list[str]:
    out = [
        f"### （{section_number(i)}）{md(form['title'])}",
        "",
        f"填报单位：{md(form['agency'] or '（未写）')}；案例：{md(form['case'])}。"
        f"{md(form['overview'])}",
        "",
    ]
    if not form["findings"]:
        out += ["未发现不符。", ""]
    for e in form["findings"]:
        out += _finding(e)
    if form["hidden"]:
        out += _hidden(form["hidden"])
    if form["notes"]:
        out += [f"#### 提示（{len(form['notes'])} 条）", ""]
        for e in form["notes"]:
            out += _note(e)
        out.append("")
    return out


def _amounts(e: Mapping[str, Any]) -> str:
    # Amounts as the forms write them (figures.said); the JSON keeps its own fields.
    out = f"申报{md(said(e['stated']))}；计算{md(said(e['computed']))}"
    if e["difference"] is None:  # bound_undecided: a range across a bound has no one difference
        return out
    return out + f"；差额{md(said(e['difference']))}（计算 − 申报）"


def _quotes(e: Mapping[str, Any]) -> list[str]:
    return [f"“{md(q['shown'])}”" for q in e["quotes"]]


def _finding(e: Mapping[str, Any]) -> list[str]:
    out = [
        f"#### 问题 {md(e['ref'])}　{md(e['kind_zh'])}：{md(e['label'])}（{md(e['line_id'])}）",
        "",
    ]
    if e["stated"]:
        out.append(f"- {_amounts(e)}")
    out.append(f"- 说明：{md(e['message'])}")
    if e["substituted"]:
        out.append(f"- 算式：{md(e['substituted'])}")
    if e["caused_by"]:
        out.append(f"- 源于：{md('、'.join(e['caused_by']))}")
    out += [f"- 原文：{q}" for q in _quotes(e)]
    if e.get("implied"):
        out.append(f"- 反推：{md(implied_text(e['stated'], e['implied']))}")
    if e["note"]:
        out.append(f"- 备注：{md(e['note'])}")
    if e["consequences"]:
        out.append(f"- 连带影响（{len(e['consequences'])} 处，随本问题一并更正，不另计）：")
        for c in e["consequences"]:
            line = (
                f"  - {md(c['ref'])} {md(c['label'])}（{md(c['line_id'])}）：{_amounts(c)}；"
                f"源于 {md('、'.join(c['caused_by']))}"
            )
            if c["rounding_from"]:
                line += f"（另含四舍五入后相符的 {md('、'.join(c['rounding_from']))} 的尾差）"
            out.append(line + "".join(f"；原文 {q}" for q in _quotes(c)))
            if c["note"]:
                out.append(f"    备注：{md(c['note'])}")
    return [*out, ""]


def _hidden(entries: Sequence[Mapping[str, Any]]) -> list[str]:
    n = sum(1 + len(e["consequences"]) for e in entries)
    out = [
        f"#### 低于重要性水平、未展开的差异（{n} 处）",
        "",
        "| 编号 | 明细 | 类型 | 申报 | 计算 | 差额 |",
        "|---|---|---|---|---|---|",
    ]
    for e in entries:
        for x in [e, *e["consequences"]]:
            out.append(
                f"| {md(x['ref'])} | {md(x['label'])}（{md(x['line_id'])}） | {md(x['kind_zh'])} | "
                f"{md(said(x['stated']))} | {md(said(x['computed']))} | {md(said(x['difference']))} |"
            )
    return [*out, ""]


def _note(e: Mapping[str, Any]) -> list[str]:
    head = f"- {md(e['ref'])}〔{md(e['kind_zh'])}〕{md(e['label'])}（{md(e['line_id'])}）：{md(e['message'])}"
    if e["stated"]:
        head += f"；申报{md(said(e['stated']))}"
    out = [head]
    out += [f"  - 原文：{q}" for q in _quotes(e)]
    if e["note"]:
        out.append(f"  - 备注：{md(e['note'])}")
    return out
