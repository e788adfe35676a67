"""`cesuan standards`: the shipped standards library as a reference (text for people, Markdown
for docs/standards.md, JSON for tools), read from the standard files themselves.

What it does: lists each standard of cesuan.standards.load_standards() — id, title, unit, issuing
body, region — with every version's value, period, document and 文号, or only the version in
force in a budget year (`--year`); registers the subcommand (cli.py calls `register` and `run`).
What it must not do: evaluate anything, print or exit (cli.py prints), or fill in a date, issuer
or 文号 a standard file leaves empty (they are shown as 未注明); docs/standards.md's table is this
module's Markdown output, and tests/test_standards_in_cases.py keeps the two equal.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable

from cesuan.standards import Standard, Version, load_standards, standard

__all__ = ["MD_BEGIN", "MD_END", "register", "run", "standards_markdown", "standards_text"]

# The Markdown table sits between these markers in docs/standards.md.
MD_BEGIN = "<!-- standards-table: begin (cesuan standards --format md) -->"
MD_END = "<!-- standards-table: end -->"
_UNSTATED = "未注明"


def _versions(s: Standard, year: int | None) -> tuple[Version, ...]:
    """Every version, or with `year` the one in force for the whole year (none: not listed)."""
    if year is None:
        return s.versions
    return tuple(v for v in s.versions if v.covers_year(year))


def standards_text(chosen: dict[str, Standard], year: int | None = None) -> str:
    """One block per standard: id and title, issuer and region, then its versions.

    >>> print(standards_text({"jianghan.safety_service": standard("jianghan.safety_service")}))
    jianghan.safety_service  第三方安全生产服务机构经费标准（万元/年）
      中共武汉市江汉区委安全生产委员会办公室；武汉市江汉区
      1.5 万元/年  2022年起  区委安委办核定标准
    <BLANKLINE>
    共 1 项标准。
    """
    out = []
    for sid, s in sorted(chosen.items()):
        if not _versions(s, year):
            continue
        lines = [f"{sid}  {s.title}（{s.unit}）", f"  {s.issuer or _UNSTATED}；{s.region}"]
        lines += [f"  {v.value}  {v.period_text()}  {v.citation()}" for v in _versions(s, year)]
        out.append("\n".join(lines))
    missing = [sid for sid, s in sorted(chosen.items()) if not _versions(s, year)]
    tail = f"共 {len(chosen) - len(missing)} 项标准。"
    if missing:
        tail += f"{year} 年度没有整年有效版本的：{'、'.join(missing)}。"
    return "\n\n".join([*out, tail])


def standards_markdown(chosen: dict[str, Standard], year: int | None = None) -> str:
    """The table docs/standards.md carries between MD_BEGIN and MD_END: one row per version."""
    rows = [
        MD_BEGIN,
        "| 标准 | 名称 | 数值 | 有效期 | 依据（文件、文号） | 发布机关 | 地区 |",
        "|---|---|---|---|---|---|---|",
    ]
    for sid, s in sorted(chosen.items()):
        for v in _versions(s, year):
            rows.append(
                f"| `{sid}` | {s.title} | {v.value} | {v.period_text()} | {v.citation()} "
                f"| {s.issuer or _UNSTATED} | {s.region} |"
            )
    rows.append(MD_END)
    return "\n".join(rows)


def standards_json(chosen: dict[str, Standard], year: int | None = None) -> str:
    """Every standard as JSON (the files' own fields, dates as ISO text), keys sorted."""
    data = {
        sid: {
            **s.model_dump(mode="json", exclude={"versions"}),
            "versions": [v.model_dump(mode="json", by_alias=True) for v in _versions(s, year)],
        }
        for sid, s in sorted(chosen.items())
    }
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)


def register(cmd: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """Add `cesuan standards` with the CLI's own subcommand factory."""
    r = cmd("standards", "列出随程序提供的支出标准：数值、有效期、文件和文号")
    r.add_argument("ids", nargs="*", metavar="标准id", help="只列出这些标准")
    r.add_argument("--year", type=int, metavar="年度", help="只列出该预算年度有效的版本")
    r.add_argument("--format", choices=["text", "md", "json"], default="text", help="输出格式")
    r.add_argument("-o", "--output", metavar="文件", help="写入文件（原子写入）而不是屏幕")


def run(args: argparse.Namespace) -> str:
    """The text `cesuan standards` prints; an unknown id raises the usual 未知标准 error."""
    chosen = {i: standard(i) for i in args.ids} if args.ids else load_standards()
    render = {"text": standards_text, "md": standards_markdown, "json": standards_json}
    return render[args.format](chosen, args.year)
