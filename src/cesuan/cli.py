"""The `cesuan` command: a thin shell over the library (calc, audit, explain, schema).

What it does: parses arguments (help in Chinese), calls cesuan.api, prints with cesuan.report,
and maps outcomes to exit codes: 0 success, 1 audit findings (mismatch, sum_mismatch,
written_expression), 2 bad input (the error, never a traceback unless --debug), 3 internal error.
What it must not do: compute anything itself. It is the only module that prints or exits.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from cesuan import export, report, rules_cli, whatif_cli
from cesuan.api import audit, evaluate, load_case
from cesuan.errors import CesuanError, CesuanErrors, ErrorKind
from cesuan.expr.compiler import suggest_name
from cesuan.files import walk_cases
from cesuan.model import Case, case_json_schema
from cesuan.provenance import dumps

__all__ = ["main"]

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(
        self, usage: str | None, actions: object, groups: object, prefix: str | None = None
    ) -> None:
        # argparse passes prefix="" when it builds a subcommand's prog line: keep that empty.
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)  # type: ignore[arg-type]


def _parser() -> argparse.ArgumentParser:
    from cesuan import __version__

    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a subcommand without --debug must not reset `cesuan --debug calc …`.
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="出错时显示完整的调用栈"
    )

    p = argparse.ArgumentParser(
        prog="cesuan",
        formatter_class=_Formatter,
        add_help=False,
        parents=[common],
        description="预算测算：按公式和单位精确计算、生成测算依据、核对申报数。",
        epilog="退出码：0 成功；1 审核发现不符；2 输入有误；3 内部错误。",
    )
    p.add_argument("-h", "--help", action="help", help="显示帮助并退出")
    p.add_argument(
        "--version", action="version", version=f"cesuan {__version__}", help="显示版本并退出"
    )
    p._positionals.title = "子命令"
    p._optionals.title = "选项"
    sub = p.add_subparsers(dest="command", metavar="命令")

    def cmd(name: str, help_: str) -> argparse.ArgumentParser:
        c = sub.add_parser(
            name,
            help=help_,
            description=help_,
            formatter_class=_Formatter,
            add_help=False,
            parents=[common],
        )
        c.add_argument("-h", "--help", action="help", help="显示帮助并退出")
        c._positionals.title = "参数"
        c._optionals.title = "选项"
        return c

    c = cmd("calc", "计算案例中每一行的金额")
    c.add_argument("paths", nargs="+", metavar="案例", help="案例文件或目录")
    c.add_argument("--format", choices=["table", "json", "csv"], default="table", help="输出格式")
    c.add_argument("-o", "--output", metavar="文件", help="写入文件（原子写入）而不是屏幕")
    whatif_cli.add_options(c)

    a = cmd("audit", "核对申报数：列出所有不符之处")
    a.add_argument("paths", nargs="+", metavar="路径", help="案例文件或目录")
    a.add_argument("--format", choices=["text", "json", "md"], default="text", help="输出格式")
    a.add_argument("-o", "--output", metavar="文件", help="写入文件（原子写入）而不是屏幕")
    a.add_argument("-v", "--verbose", action="store_true", help="也列出提示（无测算、缺少出处）")
    whatif_cli.add_options(a)

    e = cmd("explain", "生成测算依据文字")
    e.add_argument("case", metavar="案例", help="案例文件")
    e.add_argument("line", nargs="?", metavar="明细id", help="只输出这一行")
    e.add_argument("--format", choices=["text", "md"], default="text", help="输出格式")
    e.add_argument("-o", "--output", metavar="文件", help="写入文件（原子写入）而不是屏幕")
    whatif_cli.add_options(e)

    cmd("schema", "输出案例文件的 JSON Schema（供编辑器校验）")
    rules_cli.register(cmd)
    export.register(cmd, _load_all)  # cesuan export (Excel), in cesuan/export
    whatif_cli.register(cmd)
    from cesuan.scan.cli import register  # scan/draft: text-first audit (issue 17)

    register(cmd)
    return p


def case_files(paths: Sequence[str]) -> list[Path]:
    """Files as given, and every .yaml/.yml/.json below each directory, sorted."""
    return walk_cases(paths)[0]


def _load_all(paths: Sequence[str], args: argparse.Namespace | None = None) -> list[Case]:
    # No recursion, no symlinked folder followed; links and special files are listed so that
    # loading each gives its own located error (cesuan.files, issue 13).
    files, errors = walk_cases(paths)
    if not files and not errors:
        raise CesuanError(
            ErrorKind.FILE_NOT_FOUND, "没有找到案例文件（.yaml/.yml/.json）", text=" ".join(paths)
        )
    cases: list[Case] = []
    progress = _Progress(len(files))
    for f in files:
        try:
            cases.append(load_case(f) if args is None else whatif_cli.load(f, args, len(files)))
        except CesuanError as err:
            errors.append(err)
        progress.step()
    progress.done()
    if errors:
        flat = [x for e in errors for x in (e.errors if isinstance(e, CesuanErrors) else [e])]
        omitted = sum(e.omitted for e in errors if isinstance(e, CesuanErrors))
        raise CesuanErrors(flat, omitted=omitted) if len(flat) > 1 else flat[0]
    return cases


class _Progress:
    """A one-line progress bar on a terminal for long runs; nothing when output is piped."""

    def __init__(self, total: int) -> None:
        self.total, self.n = total, 0
        self.on = total >= 20 and sys.stderr.isatty()

    def step(self) -> None:
        self.n += 1
        if self.on and (self.n % 10 == 0 or self.n == self.total):
            filled = 30 * self.n // self.total
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {self.n}/{self.total}")
            sys.stderr.flush()

    def done(self) -> None:
        if self.on:
            sys.stderr.write("\n")


def write_output(text: str, output: str | None) -> None:
    """Print, or write atomically: a temporary file beside the target, then rename."""
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    target = Path(output)
    fd, tmp = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _run(args: argparse.Namespace) -> int:
    if getattr(args, "handler", None) is not None:  # a command registered by its own module
        return int(args.handler(args))
    from cesuan.scan.cli import run as run_scan

    if (code := run_scan(args)) is not None:
        return code
    if args.command == "calc":
        results = [evaluate(c) for c in _load_all(args.paths, args)]
        if args.format == "json":
            data = [r.to_dict() for r in results]
            text = dumps(data[0] if len(data) == 1 else data)
        elif args.format == "csv":  # columns: docs/export.md; a BOM so that Excel reads a file
            text = export.calc_csv(results, bom=args.output is not None)
        else:
            text = "\n\n".join(report.calc_table(r) for r in results)
            text += whatif_cli.overrides_note(results)
        write_output(text, args.output)
        return EXIT_OK
    if args.command == "audit":
        audits = [audit(c) for c in _load_all(args.paths, args)]
        if args.format == "json":
            text = dumps(whatif_cli.audit_json_notes(report.audit_json(audits), audits))
        elif args.format == "md":
            text = report.audit_markdown(audits) + whatif_cli.audit_notes(audits, "md")
        else:
            text = report.audit_text(audits, verbose=args.verbose)
            text += whatif_cli.audit_notes(audits, "text")
        write_output(text, args.output)
        return EXIT_FINDINGS if any(a.has_errors for a in audits) else EXIT_OK
    if args.command == "explain":
        result = evaluate(whatif_cli.load(args.case, args))
        if args.line is not None:
            from cesuan.basis import explain_line

            try:
                text = report.clean(explain_line(result, args.line))
            except KeyError:
                ids = [r.id for r in result.lines]
                near = suggest_name(args.line, ids)
                raise CesuanError(
                    ErrorKind.UNKNOWN_NAME,
                    f"案例中没有明细 '{args.line}'",
                    file=args.case,
                    hint=f"是否为 '{near}'？" if near else "可用的明细：" + "、".join(ids),
                ) from None
        elif args.format == "md":
            text = report.explain_markdown(result)
        else:
            from cesuan.basis import explain_table

            text = "\n".join(
                f"{report.clean(i)}\t{report.clean(t)}" for i, _, t, _ in explain_table(result)
            )
        write_output(text + whatif_cli.overrides_note([result]), args.output)
        return EXIT_OK
    if args.command == "compare":
        write_output(whatif_cli.run_compare(args), args.output)
        return EXIT_OK
    if args.command == "rules":
        write_output(rules_cli.run(args), args.output)
        return EXIT_OK
    if args.command == "schema":
        write_output(json.dumps(case_json_schema(), ensure_ascii=False, indent=2), None)
        return EXIT_OK
    _parser().print_help()
    return EXIT_BAD_INPUT


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `cesuan` console script."""
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except CesuanError as e:
        if getattr(args, "debug", False):
            raise
        sys.stderr.write(f"错误：{e}\n")
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return EXIT_OK
    except Exception as e:  # an engine bug: say so plainly, no traceback without --debug
        if getattr(args, "debug", False):
            raise
        sys.stderr.write(
            f"内部错误：{type(e).__name__}: {e}\n请加 --debug 重新运行，并把输出报告给维护者。\n"
        )
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
