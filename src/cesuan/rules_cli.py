"""`cesuan rules`: the shipped rule library as a reference (text for people, Markdown for the
docs, JSON for tools), read from the rule files themselves.

What it does: describes each rule of cesuan.rules.load_rules() — id, label, parameters with their
units, formula, result unit and its worked examples — and registers the subcommand on the CLI's
parser (cli.py calls `register` and `run`, nothing else).
What it must not do: evaluate anything, print, or exit (cli.py prints); docs/formulas.md's rule
table is this module's Markdown output, and tests/test_rules_examples.py keeps the two equal.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable

from cesuan.rules import Example, Rule, load_rules, rule

__all__ = ["register", "rules_json", "rules_markdown", "rules_text", "run"]

# The Markdown table sits between these markers in docs/formulas.md.
MD_BEGIN = "<!-- rules-table: begin (cesuan rules --format md) -->"
MD_END = "<!-- rules-table: end -->"


def _unit(u: str | None) -> str:
    if u is None:
        return "不限"
    return u or "无量纲"


def _example(ex: Example) -> str:
    ins = "，".join(f"{k} = {v}" for k, v in ex.inputs.items())
    rounding = f"（四舍五入到 {ex.places} 位）" if ex.places is not None else ""
    return f"{ins} → {ex.result}{rounding}"


def rules_text(rules: dict[str, Rule]) -> str:
    """One block per rule: id and label, parameters, formula, examples.

    >>> from cesuan.rules import rule
    >>> print(rules_text({"general.per_person": rule("general.per_person")}))
    general.per_person  人数 × 每人标准（一次性，如每人教材费）
      参数：people 人数（人）；rate 每人标准（元/人）
      公式：people * rate → 元
      例子：people = 120 人，rate = 60 元/人 → 7200 元
    <BLANKLINE>
    共 1 条规则。
    """
    out = []
    for rid, r in sorted(rules.items()):
        params = "；".join(f"{k} {p.label}（{_unit(p.unit)}）" for k, p in r.params.items())
        lines = [f"{rid}  {r.label}", f"  参数：{params}", f"  公式：{r.formula} → {_unit(r.unit)}"]
        lines += [f"  例子：{_example(ex)}" for ex in r.examples]
        out.append("\n".join(lines))
    return "\n\n".join(out) + f"\n\n共 {len(rules)} 条规则。"


def rules_markdown(rules: dict[str, Rule]) -> str:
    """The table docs/formulas.md carries between MD_BEGIN and MD_END.

    >>> from cesuan.rules import rule
    >>> print(rules_markdown({"area.length_width": rule("area.length_width")}).splitlines()[3])
    | `area.length_width` | 长 × 宽 = 面积 | `length` 长（米）；`width` 宽（米） | length × width | 平方米 | length = 4.5 米，width = 3 米 → 13.5 平方米 |
    """
    rows = [
        MD_BEGIN,
        "| 规则 | 说明 | 参数（单位） | 公式 | 结果 | 例子 |",
        "|---|---|---|---|---|---|",
    ]
    for rid, r in sorted(rules.items()):
        params = "；".join(f"`{k}` {p.label}（{_unit(p.unit)}）" for k, p in r.params.items())
        example = _example(r.examples[0]) if r.examples else ""
        formula = r.formula.replace("*", "×")
        rows.append(f"| `{rid}` | {r.label} | {params} | {formula} | {_unit(r.unit)} | {example} |")
    rows.append(MD_END)
    return "\n".join(rows)


def rules_json(rules: dict[str, Rule]) -> str:
    """Every rule as JSON (the rule files' own fields), keys sorted, for other tools."""
    data = {rid: r.model_dump(exclude_none=True) for rid, r in sorted(rules.items())}
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)


def register(cmd: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """Add `cesuan rules` with the CLI's own subcommand factory."""
    r = cmd("rules", "列出随程序提供的规则：参数、单位、公式和例子")
    r.add_argument("ids", nargs="*", metavar="规则id", help="只列出这些规则")
    r.add_argument("--format", choices=["text", "md", "json"], default="text", help="输出格式")
    r.add_argument("-o", "--output", metavar="文件", help="写入文件（原子写入）而不是屏幕")


def run(args: argparse.Namespace) -> str:
    """The text `cesuan rules` prints; an unknown id raises the usual 未知规则 error."""
    chosen = {i: rule(i) for i in args.ids} if args.ids else load_rules()
    render = {"text": rules_text, "md": rules_markdown, "json": rules_json}[args.format]
    return render(chosen)
