"""The `cesuan scan` and `cesuan draft` subcommands, hooked into cesuan.cli by `register`.

What it does: declares the two subcommands' arguments (help in Chinese) and runs them over the
public functions of cesuan.scan: `scan` prints a report and exits 1 when a calculation does not
hold; `draft` writes a case file and the source text beside it.
What it must not do: recognise or compute anything itself; print anywhere but through
cesuan.cli.write_output.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

__all__ = ["register"]

EXIT_OK, EXIT_FINDINGS = 0, 1


def register(cmd: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """Add `scan` and `draft` with cesuan.cli's subcommand factory `cmd(name, help)`."""
    s = cmd("scan", "直接核对申报表文本中的算式、合计与测算（.txt/.docx/.xlsx）")
    s.add_argument(
        "paths", nargs="+", metavar="文件", help="申报表文件（UTF-8/GB18030 文本、.docx、.xlsx）"
    )
    s.add_argument("--format", choices=["text", "json", "md"], default="text", help="输出格式")
    s.add_argument("-o", "--output", metavar="文件", help="写入文件（原子写入）而不是屏幕")
    s.set_defaults(scan_run=_scan)

    d = cmd("draft", "由申报表文本起草案例文件（测算、输入、申报数、原文出处）")
    d.add_argument("path", metavar="文件", help="申报表文件（UTF-8/GB18030 文本、.docx、.xlsx）")
    d.add_argument(
        "-o", "--output", metavar="案例", required=True, help="写入的案例文件，如 case.yaml"
    )
    d.set_defaults(scan_run=_draft)


def run(args: argparse.Namespace) -> int | None:
    """Run `scan`/`draft` if that is the command given; None otherwise."""
    handler = getattr(args, "scan_run", None)
    return None if handler is None else int(handler(args))


def _scan(args: argparse.Namespace) -> int:
    from cesuan.cli import write_output
    from cesuan.scan import scan_file
    from cesuan.scan.render import to_json, to_markdown, to_text

    reports = [scan_file(p) for p in args.paths]
    render = {"json": to_json, "md": to_markdown, "text": to_text}[args.format]
    write_output(render(reports), args.output)
    return EXIT_FINDINGS if any(r.findings for r in reports) else EXIT_OK


def _draft(args: argparse.Namespace) -> int:
    import sys

    from cesuan.scan import scan_file
    from cesuan.scan.draft import write_draft

    report = scan_file(args.path)
    case_path, source_path, n = write_draft(report, args.output)
    sys.stderr.write(f"已写入案例 {case_path}（{n} 行）与原文 {source_path}\n")
    return EXIT_OK
