"""The command-line side of what-if: `--set`/`--scenario` on calc, explain and audit; `cesuan
compare`; the stale-quote and override notes of `cesuan audit`.

What it does: adds the options to the CLI's parsers, loads a case with the overrides they name
(cesuan.scenario), builds the comparison of `cesuan compare OLD [NEW]` (cesuan.compare), and
writes the audit's notes — quotes that no longer hold their value's number (cesuan.stale) and the
overrides applied — as text, Markdown or JSON data. cli.py calls these and nothing else here.
What it must not do: print or exit (cli.py does), compute amounts, or change an audit's findings
or exit code: a stale quote is a warning for the author, not a discrepancy.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from cesuan import export
from cesuan.api import evaluate, load_case
from cesuan.basis import assumption
from cesuan.compare import Comparison, compare, compare_json, compare_markdown, compare_text
from cesuan.errors import CesuanError, ErrorKind
from cesuan.evaluation import Result
from cesuan.model import Case, Override
from cesuan.provenance import dumps
from cesuan.reconcile import Audit
from cesuan.report import clean, md
from cesuan.scenario import Scenario, Setting, apply_overrides, parse_set, read_scenario
from cesuan.stale import stale_quotes

__all__ = [
    "add_options",
    "audit_json_notes",
    "audit_notes",
    "compare_workbook",
    "load",
    "overrides_note",
    "register",
    "run_compare",
]


def add_options(p: argparse.ArgumentParser) -> None:
    """--set and --scenario on a subcommand that loads cases."""
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="明细id.输入名=数量",
        dest="overrides",
        help='改一个输入或申报数再计算（可多次），如 --set hall.rent.area="8500 平方米"',
    )
    p.add_argument("--scenario", metavar="文件", help="情景文件（YAML/JSON）：一组改动")


def _settings(args: argparse.Namespace) -> Scenario | None:
    given: list[Setting] = []
    title = None
    if getattr(args, "scenario", None):
        sc = read_scenario(args.scenario)
        title, given = sc.title, list(sc.settings)
    given += [parse_set(text) for text in getattr(args, "overrides", [])]
    return Scenario(title, tuple(given)) if given else None


def load(path: str | Path, args: argparse.Namespace, files: int = 1) -> Case:
    """The case at `path`, with the overrides of --set/--scenario applied if there are any."""
    scenario = _settings(args)
    if scenario is None:
        return load_case(path)
    if files > 1:
        raise CesuanError(
            ErrorKind.SCHEMA,
            f"--set/--scenario 只能用于一个案例文件，这里有 {files} 个",
            hint="一次只对一个案例做测算情景",
        )
    return apply_overrides(path, scenario)


def register(cmd: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """The `compare` subcommand (`cmd` is cli.py's subcommand factory)."""
    c = cmd("compare", "对比两个案例（或一个案例与其测算情景）：逐行列出原值、新值、差额与变化")
    c.add_argument("old", metavar="原案例", help="案例文件")
    c.add_argument("new", nargs="?", metavar="新案例", help="案例文件；省略时为原案例加上改动")
    add_options(c)
    c.add_argument(
        "--format",
        choices=["text", "md", "json", "xlsx"],
        help="输出格式（默认 text；-o 以 .xlsx 结尾时为 xlsx：Excel 对比表，差额与变化是公式）",
    )
    c.add_argument("-o", "--output", metavar="文件", help="写入文件（原子写入）而不是屏幕")


def run_compare(args: argparse.Namespace) -> str:
    """`cesuan compare OLD [NEW] [--set …] [--scenario …]` as text, Markdown or JSON."""
    c = _comparison(args)
    if args.format == "json":
        return dumps(compare_json(c))
    return compare_markdown(c) if args.format == "md" else compare_text(c)


def compare_workbook(args: argparse.Namespace) -> bool:
    """`cesuan compare … -o 对比.xlsx` (or `--format xlsx`): writes the Excel comparison and
    says so; False when the text formats are asked for (cli.py then calls run_compare)."""
    to_xlsx = (args.output or "").lower().endswith(".xlsx")
    if args.format != "xlsx" and not (args.format is None and to_xlsx):
        return False
    if args.output is None:
        raise CesuanError(
            ErrorKind.FILE_NOT_FOUND, "Excel 对比表须写入文件", hint="加上 -o 对比.xlsx"
        )
    export.xlsx_target(args.output)  # refused before any case is evaluated
    c = _comparison(args)
    try:
        from cesuan.export._compare import compare_workbook_bytes
    except ModuleNotFoundError as e:
        if e.name != "openpyxl":
            raise
        raise export.no_openpyxl() from None
    export.write_xlsx(compare_workbook_bytes(c), args.output)
    return True


def _comparison(args: argparse.Namespace) -> Comparison:
    if args.new is None and _settings(args) is None:
        raise CesuanError(
            ErrorKind.SCHEMA,
            "compare 需要两个案例文件，或一个案例文件加 --set/--scenario",
            hint='例如 cesuan compare 案例.yaml --set hall.rent.area="8500 平方米"',
        )
    old = evaluate(load_case(args.old))
    new = evaluate(load(args.new if args.new is not None else args.old, args))
    return compare(old, new)


def _change(o: Override, *, target: bool = True) -> str:
    note = f"：{o.note}" if o.note else ""
    where = f"{o.line}.{o.input} " if target else ""
    return f"{where}{o.old} → {o.new}（{o.source}{note}）"


def overrides_note(results: Sequence[Result]) -> str:
    """A line after calc's table or explain's text naming the overrides applied, so that a
    changed amount is never shown without saying so ("" without overrides)."""
    changes = [_change(o) for r in results for o in r.case.overrides]
    return "\n测算情景改动：" + clean("；".join(changes)) if changes else ""


def audit_notes(cases: Sequence[dict[str, Any]], fmt: str) -> str:
    """The text or Markdown section after an audit report: overrides applied and stale quotes,
    read from each case's audit JSON data (`audit_case_notes` put them there; empty when there
    are none)."""
    rows = []
    for data in cases:
        cid = str(data.get("case", ""))
        for o in data.get("overrides", []):
            change = f"{o['old']} → {o['new']}（{o['source']}{'：' + o['note'] if o.get('note') else ''}）"
            rows.append((cid, f"{o['line']}.{o['input']}", f"测算情景改动：{change}"))
        for q in data.get("stale_quotes", []):
            msg = f"引文中没有 {q['value']} 这个数：“{q['quote']}”（引文可能已过时）"
            rows.append((cid, f"{q['line_id']} {q['field']}", msg))
        for a in data.get("assumptions", []):
            rows.append((cid, a["line_id"], f"换算假设：{a['text']}"))
    if not rows:
        return ""
    what = "测算情景、换算假设与引文" if any(m.startswith("换算假设") for *_, m in rows) else ""
    what = what or "测算情景与引文"
    if fmt == "md":
        out = ["", f"## {what}（提示，不影响退出码）", "", "| 项目 | 明细 | 说明 |"]
        out += ["|---|---|---|"] + [f"| {md(c)} | {md(w)} | {md(m)} |" for c, w, m in rows]
    else:
        out = ["", f"{what}（提示，不影响退出码）："]
        out += [f"  {clean(c)} · {clean(w)}：{clean(m)}" for c, w, m in rows]
    return "\n".join(out) + "\n"


def audit_case_notes(case_data: dict[str, Any], a: Audit) -> dict[str, Any]:
    """One case's audit JSON data with its `overrides` and `stale_quotes` added."""
    return audit_json_notes({"cases": [case_data]}, [a])["cases"][0]  # type: ignore[no-any-return]


def audit_json_notes(data: dict[str, Any], audits: Sequence[Audit]) -> dict[str, Any]:
    """The audit JSON with each case's `overrides` and `stale_quotes` added (only where there
    are any, so the output of an unmodified case does not change)."""
    for case_data, a in zip(data.get("cases", []), audits, strict=False):
        case = a.result.case
        if case.overrides:
            case_data["overrides"] = [o.model_dump(mode="json") for o in case.overrides]
        stale = [
            {"line_id": s.line_id, "field": s.field, "value": s.value, "quote": s.quote}
            for s in stale_quotes(case)
        ]
        if stale:
            case_data["stale_quotes"] = stale
        assumed = [
            {"line_id": r.id, "text": assumption(r.planned.declared)}
            for r in a.result.values()
            if r.planned.declared
        ]
        if assumed:  # the case's declared conversions each line rests on (cesuan.conversions)
            case_data["assumptions"] = assumed
    return data
