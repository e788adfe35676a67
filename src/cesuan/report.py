"""Rendering for people and tools: the versioned JSON outputs, terminal tables, audit reports.

What it does: builds the plain data of the JSON outputs (`calc_case`, `audit_case`, `envelope`:
`format_version`, the engine, every case in input order, every bad file as a located error) and
renders text and Markdown *from that same data*, so the three formats always say the same thing
and a batch run on a process pool renders byte for byte like a serial one. Text that comes from a
case (labels, quotes, notes) is escaped first, so that a case cannot move the cursor, recolour a
terminal or break a Markdown table.
What it must not do: compute, reconcile, print or exit: it returns strings and plain data.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from cesuan import exact
from cesuan.basis import explain_table, result_text
from cesuan.display import case_places, is_percent, line_places
from cesuan.escaping import escape
from cesuan.evaluation import LineResult, Result
from cesuan.figures import amount as amount_text
from cesuan.figures import said
from cesuan.implied import implied_inputs, implied_text
from cesuan.intervals import range_text
from cesuan.provenance import engine_version
from cesuan.rangecheck import point_over_stated
from cesuan.reconcile import KIND_ZH, SEVERITY, Audit

__all__ = [
    "FORMAT_VERSION",
    "SCHEMA_IDS",
    "audit_case",
    "audit_markdown",
    "audit_text",
    "calc_case",
    "calc_table",
    "clean",
    "envelope",
    "error_markdown",
    "error_text",
    "errors_markdown",
    "explain_markdown",
    "explain_text",
    "md",
    "shown_text",
]

# Bumped in the minor place when a field is added, in the major place when a field is removed or
# changes meaning (docs/cli.md#输出格式). Tools should check the major part.
# 1.1: audit JSON gains "report" (docs/report.md); 1.2: amounts that do not terminate are
# rounded, their exact p/q in *_exact fields; 1.3: a trace input's "standard" (the library
# standard it uses, issue 15); percentages written as the form writes them (85.37%, a
# difference of two in 个百分点; the *_exact fields stay ratios), audit summary gains
# rounding_difference, audit lines gain place (an amount printed in several places), calc lines
# gain shown (约52.03% where the value does not terminate). 2.0 (issue 13): a calc trace's `uses`
# lists the ids of the lines used (their traces shared by reference, not a hash per use), the
# per-part copies in `over_stated_parts.parts` are gone, and `normalised` records what reading
# changed; bounds (issue 11): a ranged line's `value` is null, its `range` holds the ends.
FORMAT_VERSION = "2.0"
# The "$schema" of each output: its first key (sorted keys put "$" first), so that a directory
# scan recognises cesuan's own outputs from their first bytes and never reads them as cases.
SCHEMA_IDS = {
    "calc": "urn:cesuan:schema:calc-output:1",
    "audit": "urn:cesuan:schema:audit-output:1",
    "case": "urn:cesuan:schema:case:1",
}


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


# ── quotes without markup ────────────────────────────────────────────────────────────────────

_CHECKED = re.compile(r"<input\b[^<>]*\bchecked\b[^<>]*>", re.IGNORECASE)
_INPUT = re.compile(r"<input\b[^<>]*>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")


def shown_text(text: str, *, keep_space: bool = False) -> str:
    """Text from an extracted form as a reader should see it: HTML tags stripped, a checkbox as
    ☑/☐ (docs/report.md#引文的显示). The verbatim text stays in the JSON.

    >>> shown_text("=3593.45万元。</p>\\t3493.45")
    '=3593.45万元。 3493.45'
    >>> shown_text('2. 常年项目 <input checked="" type="checkbox"/>')
    '2. 常年项目 ☑'
    """
    s = _TAG.sub("", _INPUT.sub("☐", _CHECKED.sub("☑", text)))
    return s if keep_space else " ".join(s.split())


# ── JSON data ────────────────────────────────────────────────────────────────────────────────


def envelope(
    output: str, cases: Sequence[Mapping[str, Any]], errors: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """The one shape of every JSON output, for one file or many: a version, the engine, every
    good case in input order, every bad input as a located error."""
    return {
        "$schema": SCHEMA_IDS[output],
        "format_version": FORMAT_VERSION,
        "engine": engine_version(),
        "cases": list(cases),
        "errors": list(errors),
    }


def calc_case(result: Result) -> dict[str, Any]:
    """One case of `cesuan calc --format json`: `Result.to_dict()` with its lines as a list in
    the case's order (the result's own dict is keyed by id, so it is independent of line order),
    and the file it came from. The engine version is on the envelope, once."""
    data = dict(result.to_dict())
    by_id: dict[str, Any] = data.pop("lines")  # type: ignore[assignment]
    data.pop("engine", None)
    # Each line with `shown`: its value as the form writes it (约 and rounded where it does not
    # terminate), beside the exact `value` (which may be p/q).
    data["lines"] = [
        {**by_id[ln.id], "shown": result_text(result[ln.id])} for ln in result.case.lines
    ]
    data["file"] = result.case.file
    return data


def audit_case(a: Audit) -> dict[str, Any]:
    """One case of `cesuan audit --format json`: the summary, every stated line with its status
    and both values it can be checked by, and every finding (most serious first)."""
    case, result = a.result.case, a.result
    lines = []
    seen: dict[str, int] = {}
    for c in a.checks:
        r = result[c.line_id]
        # Which place of the line's stated amount (1 = `stated`; 2… the further places where
        # the form prints the same amount).
        seen[c.line_id] = place = seen.get(c.line_id, 0) + 1
        value: str | None
        value, value_exact = _amount(r.shown, r)
        over_stated, over_exact = (
            (None, None) if r.over_stated is None else _amount(r.over_stated, r)
        )
        rng = None
        if c.status == "unverifiable" or r.interval is not None:
            value, value_exact = None, None  # a range is not one value: see `range`
        if r.interval is not None:
            rng = c.computed
            if point_over_stated(result, r):
                # The audit read it as one value over its parts' stated amounts (that value
                # is what it checked); `range` keeps the range its computed parts give.
                rng = range_text(r.interval, r.unit)
            else:  # over a part's stated bound it is a range too, never one number
                over_stated, over_exact = None, None
        lines.append(
            {
                "line_id": c.line_id,
                "place": place,
                "label": c.label,
                "status": c.status,
                "stated": c.stated,
                # One meaning per field: the line's value from the computed values of the lines
                # it uses, and the same formula over their *stated* amounts (null if it uses none).
                "value": value,
                "value_over_stated_parts": over_stated,
                # The exact p/q where the value does not terminate (it is then rounded to the
                # line's places, cesuan.display.line_places, else figures.DEFAULT_PLACES).
                "value_exact": value_exact,
                "value_over_stated_parts_exact": over_exact,
                "range": rng,
            }
        )
    return {
        "case": case.case,
        "title": case.title,
        "agency": case.agency,
        "file": case.file,
        "has_errors": a.has_errors,
        "summary": a.summary(),
        "lines": lines,
        "findings": [_with_implied(f.to_dict(), result) for f in a.findings],
    }


def _with_implied(f: dict[str, Any], result: Result) -> dict[str, Any]:
    """A mismatch on a line computed from its own inputs gets `implied`: what each input alone
    would have to be for the stated amount (null on every other finding)."""
    f["implied"] = None
    if f["kind"] == "mismatch" and f["line_id"] in result:
        r = result[f["line_id"]]
        if r.planned.stated is not None:
            found = implied_inputs(r, r.planned.stated)
            f["implied"] = [i.to_dict() for i in found] or None
    return f


def _amount(x: Any, r: Any) -> tuple[str, str | None]:
    """An amount in the line's unit, as reconcile writes amounts (never a raw fraction); beside
    a stated amount to at least its places (87.80%, not 87.8%)."""
    places = line_places(r)
    if places is not None and is_percent(r):
        places += 2  # line_places counts in percent; the value is a plain ratio
    p = r.planned
    pad = p.stated is not None and p.stated_bound is None
    return amount_text(x, r.unit, places, "%" if is_percent(r) else "", pad=pad)


# ── calc and explain ─────────────────────────────────────────────────────────────────────────


def calc_table(result: Result) -> str:
    """id, 项目内容, 计算值 (in the line's unit), 申报数 and 单位 for every line, in case order."""
    case = result.case
    rows, places = [], case_places(result)
    for ln in case.lines:
        r = result[ln.id]
        stated = clean(_stated_cell(r)) if ln.stated is not None else ""
        computed = "（无测算）" if r.planned.how == "stated" else result_text(r, places)
        rows.append([clean(ln.id), clean(ln.label), computed, stated])
    head = f"{clean(case.title)}（{clean(case.case)}）"
    return head + "\n" + _table(["id", "项目内容", "计算值", "申报数"], rows)


def _stated_cell(r: LineResult) -> str:
    """The 申报数 beside the 计算值: the number as the form writes it (28.40, 30万), a bound as
    every bound is written (cesuan.bounds.range_words), and one minus sign (−) in the row."""
    p = r.planned
    if p.stated_bound is not None:
        return p.stated_bound.zh()
    assert p.line.stated is not None
    return exact.minus_sign("".join(p.line.stated.value.split()))


def explain_text(result: Result) -> str:
    """One `id<TAB>测算依据` line per line of the case, in case order."""
    return "\n".join(f"{clean(i)}\t{clean(t)}" for i, _, t, _ in explain_table(result))


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


# ── errors ───────────────────────────────────────────────────────────────────────────────────


def error_text(shown: str) -> str:
    """A bad input in a text report: `错误：` and the error as `str(CesuanError)` shows it
    (file, line, field, the offending text with a caret, and the hint)."""
    return f"错误：{shown}"


def errors_markdown(title: str, errors: Sequence[Mapping[str, Any]]) -> list[str]:
    """A Markdown section listing every bad input (nothing when there is none)."""
    if not errors:
        return []
    return ["\n".join([f"## {title}", "", *(x for e in errors for x in error_markdown(e))])]


def error_markdown(err: Mapping[str, Any]) -> list[str]:
    """A bad input in a Markdown report: where, what kind, what, and what to try."""
    where = " · ".join(
        md(x)
        for x in (
            err.get("file"),
            f"第{err['line']}行" if err.get("line") else None,
            err.get("line_id"),
            err.get("field"),
        )
        if x
    )
    out = [f"- **{where or '（输入）'}**（{md(err.get('kind'))}）：{md(err.get('message'))}"]
    if err.get("text"):
        out.append(f"  - 原文：`{clean(err['text']).replace('`', '')}`")
    if err.get("hint"):
        out.append(f"  - 提示：{md(err['hint'])}")
    return out


# ── audit reports, rendered from the audit JSON data ─────────────────────────────────────────


def _findings(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every case's findings, most serious first; within a rank, in case and line order."""
    found = [f for c in data["cases"] for f in c["findings"]]
    return sorted(found, key=lambda f: SEVERITY[f["kind"]][0])


def _summary_line(c: Mapping[str, Any]) -> str:
    s = c["summary"]
    n_err = sum(1 for f in c["findings"] if f["severity"] == "error")
    within, undecided = s.get("within_bound", 0), s.get("undecided", 0)
    # Lines checked against a bound are named only where there are some (cesuan.boundcheck).
    bounded = (f"，符合界限 {within}" if within else "") + (
        f"，无法判定 {undecided}" if undecided else ""
    )
    return (
        f"{clean(c['title'])}（{clean(c['case'])}）：核对 "
        f"{s['match'] + s['rounded_match'] + s['mismatch'] + within + undecided} 项，"
        f"相符 {s['match']}，四舍五入后相符 {s['rounded_match']}"
        + (f"（其中尾差 {s['rounding_difference']}）" if s.get("rounding_difference") else "")
        + f"{bounded}，不符 {s['mismatch']}；"
        f"无测算 {s['unverifiable']}；问题 {n_err} 个"
    )


def _finding_lines(f: Mapping[str, Any]) -> list[str]:
    out = [
        f"[{KIND_ZH[f['kind']]}] {clean(f['case'])} · {clean(f['line_id'])} {clean(f['label'])}",
        f"    {clean(f['message'])}",
    ]
    details = _details(f, clean, "说明")
    if f["difference"]:  # right after the arithmetic it comes from
        at = 1 if details and details[0][0] == "算式" else 0
        details.insert(at, ("差额", f"{said(f['difference'])}（计算 − 申报）"))
    return out + [f"    {k}：{v}" for k, v in details]


def _details(f: Mapping[str, Any], esc: Any, note: str) -> list[tuple[str, str]]:
    """算式, 源于, 原文 and the note of a finding, escaped for the format, in report order."""
    out = []
    if f["substituted"]:
        out.append(("算式", esc(f["substituted"])))
    if f["caused_by"]:
        out.append(("源于", esc("、".join(f["caused_by"]))))
    # Shown without the markup an extracted form carries (</p>, checkboxes), as the filed
    # report shows it; the verbatim quote stays in the JSON.
    out += [("原文", f"“{esc(shown_text(q))}”") for q in f["quotes"]]
    if f.get("implied"):
        out.append(("反推", esc(implied_text(f["stated"], f["implied"]))))
    if f["note"]:
        out.append((note, esc(f["note"])))
    return out


def audit_text(
    data: Mapping[str, Any], shown_errors: Sequence[str], *, verbose: bool = False
) -> str:
    """The auditor's terminal report: per-case summary, findings most serious first, then every
    input that could not be audited. Info findings are counted; `verbose` lists them too.

    `shown_errors` are the bad inputs as `str(CesuanError)` shows them (with the caret line)."""
    out = ["审核结果", ""]
    out += [_summary_line(c) for c in data["cases"]]
    if shown_errors:
        out.append(f"无法审核的文件 {len(shown_errors)} 个（见文末）")
    findings = _findings(data)
    shown = [f for f in findings if verbose or f["severity"] != "info"]
    out.append("")
    if not shown and data["cases"]:
        out.append("未发现不符。")
    for f in shown:
        out.extend(_finding_lines(f))
        out.append("")
    hidden = len(findings) - len(shown)
    if hidden:
        out.append(f"另有 {hidden} 条提示（无测算过程、缺少出处），用 --verbose 查看。")
    while out[-1] == "":
        out.pop()
    for e in shown_errors:
        out += ["", error_text(e)]
    return "\n".join(out).rstrip() + "\n"


def audit_markdown(data: Mapping[str, Any]) -> str:
    """A report an auditor can file."""
    out = ["# 预算测算审核报告", ""]
    out += [
        "| 项目 | 填报单位 | 相符 | 四舍五入后相符 | 不符 | 无测算 |",
        "|---|---|---|---|---|---|",
    ]
    for c in data["cases"]:
        s = c["summary"]
        out.append(
            f"| {md(c['title'])} | {md(c['agency'] or '')} | "
            f"{s['match']} | {s['rounded_match']} | {s['mismatch']} | {s['unverifiable']} |"
        )
    findings = _findings(data)
    out += ["", "## 发现的问题", ""]
    serious = [f for f in findings if f["severity"] != "info"]
    if not serious:
        out.append("未发现不符。")
    for i, f in enumerate(serious, 1):
        out += _finding_markdown(i, f)
    info = [f for f in findings if f["severity"] == "info"]
    if info:
        out += ["## 提示", "", "| 项目 | 明细 | 类型 | 说明 |", "|---|---|---|---|"]
        out += [
            f"| {md(f['case'])} | {md(f['label'])} | {md(KIND_ZH[f['kind']])} | {md(f['message'])} |"
            for f in info
        ]
    out += ["", *errors_markdown("无法审核的文件", data["errors"])]
    return "\n".join(out).rstrip() + "\n"


def _finding_markdown(i: int, f: Mapping[str, Any]) -> list[str]:
    out = [
        f"### {i}. {md(KIND_ZH[f['kind']])}：{md(f['label'])}（{md(f['case'])} · {md(f['line_id'])}）",
        "",
        f"- 说明：{md(f['message'])}",
    ]
    if f["stated"]:
        amounts = f"- 申报：{md(said(f['stated']))}；计算：{md(said(f['computed']))}"
        if f["difference"] is not None:  # bound_undecided: a range across a bound has none
            amounts += f"；差额：{md(said(f['difference']))}"
        out.append(amounts)
    out += [f"- {k}：{v}" for k, v in _details(f, md, "备注")]
    out.append("")
    return out
