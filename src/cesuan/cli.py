"""The `cesuan` command: a thin shell over the library (calc, audit, explain, schema).

What it does: parses arguments (help and argparse's own errors in Chinese), runs each case file
as its own task (cesuan.batch; `--jobs N` on a process pool), prints with cesuan.report, shows
progress on stderr for long runs, and maps outcomes to exit codes: 0 success, 1 audit findings,
2 bad input (every good case is still reported in full, each bad file as a located error), 3
internal error. Output never fails on a narrow console encoding (GBK): text replaces what the
console cannot show, JSON escapes it (docs/cli.md#编码).
What it must not do: compute anything itself. It is the only module that prints or exits.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from cesuan import export, report, rules_cli, standards_cli, whatif_cli
from cesuan.batch import CASE_SUFFIXES, Done, Task, default_jobs, find_cases, load_all, run
from cesuan.console import Progress, fit
from cesuan.errors import CesuanError, ErrorKind
from cesuan.provenance import dumps

__all__ = ["main"]

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3

# argparse's own messages (it has no Chinese catalogue): pattern → Chinese, applied in order.
_ARGPARSE_ZH = [
    (r"^argument (.+?): (.*)$", r"参数 \1：\2"),
    (r"the following arguments are required: (.*)$", r"缺少参数：\1"),
    (r"unrecognized arguments: (.*)$", r"无法识别的参数：\1"),
    (r"invalid choice: (.*) \(choose from (.*)\)$", r"无效的选择 \1（可选：\2）"),
    (r"invalid int value: (.*)$", r"应为整数，却是 \1"),
    (r"invalid (\w+) value: (.*)$", r"无效的 \1 值：\2"),
    (r"expected one argument$", r"需要一个值"),
    (r"expected at least one argument$", r"至少需要一个值"),
    (r"ambiguous option: (.*) could match (.*)$", r"选项 \1 有歧义，可能是 \2"),
    (r"not allowed with argument (.*)$", r"不能与参数 \1 同时使用"),
]


def _zh(message: str) -> str:
    for pattern, repl in _ARGPARSE_ZH:
        message = re.sub(pattern, repl, message)
    return message


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose own errors are Chinese (exit 2, like any bad input)."""

    def error(self, message: str) -> Any:
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}：错误：{_zh(message)}\n")

    def _print_message(self, message: str, file: Any = None) -> None:
        # A wrong argument is echoed back: it may hold what a GBK console cannot show.
        if message:
            stream = file or sys.stderr
            stream.write(_safe(message, stream))


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(
        self, usage: str | None, actions: object, groups: object, prefix: str | None = None
    ) -> None:
        # argparse passes prefix="" when it builds a subcommand's prog line: keep that empty.
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)  # type: ignore[arg-type]


def _chinese(p: argparse.ArgumentParser, title: str = "参数") -> argparse.ArgumentParser:
    p.add_argument("-h", "--help", action="help", help="显示帮助并退出")
    p._positionals.title = title
    p._optionals.title = "选项"
    return p


def add_command(
    sub: Any, name: str, help_: str, run_: Callable[[argparse.Namespace], int]
) -> argparse.ArgumentParser:
    """A subcommand with Chinese help; `run_(args)` runs it and returns the exit code. Other
    modules add their subcommands through this (one entry in `_COMMANDS`)."""
    c = sub.add_parser(
        name, help=help_, description=help_, formatter_class=_Formatter, add_help=False
    )
    # SUPPRESS: a subcommand without --debug must not reset `cesuan --debug calc …`.
    c.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="出错时显示完整的调用栈"
    )
    c.set_defaults(run=run_)
    return _chinese(c)


def _batch_options(c: argparse.ArgumentParser, formats: list[str]) -> None:
    c.add_argument("--format", choices=formats, default=formats[0], help="输出格式")
    c.add_argument("-o", "--output", metavar="文件", help="写入文件（UTF-8，原子写入）而不是屏幕")
    c.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="用 N 个进程并行处理（0 = 每个 CPU 一个；默认 1，逐个处理）；输出与逐个处理完全相同",
    )
    c.add_argument("-q", "--quiet", action="store_true", help="不在 stderr 显示进度")


def _add_calc(sub: Any) -> None:
    c = add_command(sub, "calc", "计算案例中每一行的金额", _run_calc)
    c.add_argument("paths", nargs="+", metavar="路径", help="案例文件或目录")
    _batch_options(c, ["table", "json", "csv"])  # csv columns: docs/export.md
    whatif_cli.add_options(c)


def _add_audit(sub: Any) -> None:
    a = add_command(sub, "audit", "核对申报数：列出所有不符之处", _run_audit)
    a.add_argument("paths", nargs="+", metavar="路径", help="案例文件或目录")
    _batch_options(a, ["text", "json", "md", "html"])
    a.add_argument("-v", "--verbose", action="store_true", help="也列出提示（无测算、缺少出处）")
    a.add_argument(
        "--materiality",
        metavar="差额",
        help="重要性水平：差额绝对值低于它的不展开，单列计数（如 '1 万元' 或 0.5%%）；"
        "用于 md、html、json",
    )
    a.add_argument("--date", metavar="YYYY-MM-DD", help="报告日期（默认今天）；用于 md、html、json")
    whatif_cli.add_options(a)


def _add_explain(sub: Any) -> None:
    e = add_command(sub, "explain", "生成测算依据文字", _run_explain)
    e.add_argument("paths", nargs="+", metavar="路径", help="案例文件或目录（旧写法：案例 明细id）")
    e.add_argument("--line", metavar="明细id", help="只输出这一行")
    _batch_options(e, ["text", "md"])
    whatif_cli.add_options(e)


def _add_schema(sub: Any) -> None:
    s = add_command(
        sub, "schema", "输出 JSON Schema：案例文件（默认）或 calc、audit 的 JSON 输出", _run_schema
    )
    s.add_argument(
        "which",
        nargs="?",
        choices=["case", "calc", "audit"],
        default="case",
        metavar="种类",
        help="case（案例文件，供编辑器校验）、calc 或 audit（--format json 的输出）",
    )
    s.add_argument("-o", "--output", metavar="文件", help="写入文件而不是屏幕")


# The subcommands, in the order `cesuan --help` lists them: adding one is one entry here.
def _add_others(sub: Any) -> None:
    """Subcommands that live in their own modules and add themselves through `cmd`."""

    def cmd(name: str, help_: str) -> argparse.ArgumentParser:
        return add_command(sub, name, help_, _run_other)

    rules_cli.register(cmd)
    standards_cli.register(cmd)
    whatif_cli.register(cmd)
    export.register(cmd, load_all)
    from cesuan.scan.cli import register as register_scan  # scan/draft (issue 17)

    register_scan(cmd)


_COMMANDS: list[Callable[[Any], None]] = [
    _add_calc,
    _add_audit,
    _add_explain,
    _add_schema,
    _add_others,
]


def _parser() -> argparse.ArgumentParser:
    from cesuan import __version__

    p = _Parser(
        prog="cesuan",
        formatter_class=_Formatter,
        add_help=False,
        description="预算测算：按公式和单位精确计算、生成测算依据、核对申报数。",
        epilog="退出码：0 成功；1 审核发现不符；2 输入有误；3 内部错误。详见 docs/cli.md。",
    )
    p.add_argument("--debug", action="store_true", help="出错时显示完整的调用栈")
    p.add_argument(
        "--version", action="version", version=f"cesuan {__version__}", help="显示版本并退出"
    )
    _chinese(p, "子命令")
    sub = p.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)
    for add in _COMMANDS:
        add(sub)
    return p


# ── running a batch ──────────────────────────────────────────────────────────────────────────


def _tasks(args: argparse.Namespace, line: str | None = None) -> list[Task | Done]:
    """A task per case file, and a ready outcome for each problem met while looking for them
    (a folder too deep, a link): those are reported like a bad file, the rest still run."""
    files, problems = find_cases(args.paths)
    if not files and not problems:
        raise CesuanError(
            ErrorKind.FILE_NOT_FOUND,
            "没有找到案例文件（.yaml/.yml/.json）",
            text=" ".join(args.paths),
            hint="目录中以 . 开头的文件和 cesuan 自己的 JSON 输出不算案例（docs/cli.md）",
        )
    debug = getattr(args, "debug", False)
    sets = tuple(getattr(args, "overrides", None) or ())
    scenario = getattr(args, "scenario", None)
    if (sets or scenario) and len(files) > 1:
        raise CesuanError(
            ErrorKind.SCHEMA,
            f"--set/--scenario 只能用于一个案例文件，这里有 {len(files)} 个",
            hint="一次只对一个案例做测算情景",
        )
    early: list[Task | Done] = [
        Done(str(e.file or ""), errors=(e.to_dict(),), shown=(str(e),)) for e in problems
    ]
    return early + [
        Task(args.command, str(f), args.format, line, debug, sets, scenario) for f in files
    ]


def _run_tasks(args: argparse.Namespace, items: list[Task | Done]) -> list[Done]:
    _check_output(args.output)
    jobs = default_jobs() if args.jobs == 0 else args.jobs
    if jobs < 0:
        raise CesuanError(ErrorKind.SCHEMA, f"--jobs 应为 0 或正整数，却是 {jobs}")
    if getattr(args, "debug", False):
        jobs = 1  # a traceback is wanted: keep it in this process
    tasks = [t for t in items if isinstance(t, Task)]
    progress = Progress(len(tasks), quiet=args.quiet)
    done = list(run(tasks, jobs=jobs, step=progress.step))
    progress.done()
    return [d for d in items if isinstance(d, Done)] + done


def _exit_code(done: Sequence[Done]) -> int:
    if any(d.internal for d in done):
        return EXIT_INTERNAL
    if any(d.errors for d in done):
        return EXIT_BAD_INPUT
    return EXIT_FINDINGS if any(d.findings for d in done) else EXIT_OK


def _finish(args: argparse.Namespace, done: Sequence[Done], text: str, *, json: bool) -> int:
    write_output(text, args.output, json=json)
    bad = [d.path for d in done if d.errors]
    if bad and args.output:  # the errors are in the file: say so where the user looks
        names = "、".join(bad[:5]) + ("等" if len(bad) > 5 else "")
        sys.stderr.write(_safe(f"错误：{len(bad)} 个文件无法处理（{names}），详见 {args.output}\n"))
    return _exit_code(done)


def _errors(done: Sequence[Done]) -> list[dict[str, Any]]:
    return [e for d in done for e in d.errors]


def _run_calc(args: argparse.Namespace) -> int:
    done = _run_tasks(args, _tasks(args))
    if args.format == "json":
        cases = [d.data for d in done if d.data is not None]
        return _finish(args, done, dumps(report.envelope("calc", cases, _errors(done))), json=True)
    if args.format == "csv":  # one header, then every case's rows; a BOM so Excel reads a file
        rows = "".join(d.text for d in done if d.text is not None)
        bom = "\ufeff" if args.output else ""
        text = bom + ",".join(export.CSV_COLUMNS) + "\r\n" + rows
        for d in done:
            if d.errors:
                sys.stderr.write(_safe(_shown(d) + "\n"))
        return _finish(args, done, text, json=False)
    pieces = [d.text if d.text is not None else _shown(d) for d in done]
    return _finish(args, done, "\n\n".join(pieces), json=False)


def _run_audit(args: argparse.Namespace) -> int:
    done = _run_tasks(args, _tasks(args))
    cases = [d.data for d in done if d.data is not None]
    data = report.envelope("audit", cases, _errors(done))
    if args.format != "text":  # the filing report (docs/report.md): data, Markdown, HTML
        from cesuan.auditreport import report_for_run

        doc, sources = report_for_run(
            data, materiality=args.materiality, date=args.date, today=args.format != "json"
        )
        if args.format == "json":
            return _finish(args, done, dumps({**data, "report": doc}), json=True)
        notes = whatif_cli.audit_notes(cases, args.format)
        if args.format == "md":
            from cesuan.report_md import render_markdown

            return _finish(args, done, render_markdown(doc, data["errors"]) + notes, json=False)
        from cesuan.report_html import render_html

        return _finish(args, done, render_html(doc, sources, data["errors"]), json=False)
    if args.materiality or args.date:
        raise CesuanError(
            ErrorKind.SCHEMA,
            "--materiality 和 --date 只用于报告格式",
            hint="加 --format md、html 或 json",
        )
    shown = [s for d in done for s in d.shown]
    text = report.audit_text(data, shown, verbose=args.verbose)
    return _finish(args, done, text + whatif_cli.audit_notes(cases, "text"), json=False)


def _run_explain(args: argparse.Namespace) -> int:
    line = args.line
    p = args.paths
    # The old form `cesuan explain 案例 明细id`: a second word that is no file is a line id.
    old_form = len(p) == 2 and not p[1].lower().endswith(CASE_SUFFIXES)
    if line is None and old_form and not Path(p[1]).exists():
        args.paths, line = p[:1], p[1]
    done = _run_tasks(args, _tasks(args, line))
    several = len(done) > 1
    if args.format == "md":
        pieces = [d.text for d in done if d.text is not None]
        pieces += report.errors_markdown("无法处理的文件", _errors(done))
        return _finish(args, done, "\n".join(pieces), json=False)
    pieces = []
    for d in done:
        body = d.text if d.text is not None else _shown(d)
        pieces.append(f"【{report.clean(d.path)}】\n{body}" if several else body)
    return _finish(args, done, "\n\n".join(pieces), json=False)


def _shown(d: Done) -> str:
    return "\n\n".join(report.error_text(s) for s in d.shown)


def _run_other(args: argparse.Namespace) -> int:
    """A subcommand registered by its own module (rules, compare, export, scan, draft)."""
    if getattr(args, "handler", None) is not None:
        return int(args.handler(args))
    if getattr(args, "scan_run", None) is not None:
        return int(args.scan_run(args))
    if args.command == "rules":
        write_output(rules_cli.run(args), args.output)
    elif args.command == "standards":
        write_output(standards_cli.run(args), args.output, json=args.format == "json")
    elif not whatif_cli.compare_workbook(args):  # -o 对比.xlsx writes the workbook itself
        write_output(whatif_cli.run_compare(args), args.output)
    return EXIT_OK


def _run_schema(args: argparse.Namespace) -> int:
    from cesuan.schemas import output_schema

    write_output(dumps(output_schema(args.which)), args.output, json=True)
    return EXIT_OK


# ── output ───────────────────────────────────────────────────────────────────────────────────


def _safe(text: str, stream: TextIO | None = None, *, json: bool = False) -> str:
    """`text` as the stream's encoding can carry it (cesuan.console)."""
    return fit(text, getattr(stream or sys.stderr, "encoding", None) or "utf-8", json=json)


def _check_output(output: str | None) -> None:
    if output is None:
        return
    target = Path(output)
    if target.is_dir():
        raise CesuanError(ErrorKind.FILE_NOT_FOUND, "-o 给的是目录，应为文件", text=output)
    if not target.parent.is_dir():
        raise CesuanError(
            ErrorKind.FILE_NOT_FOUND,
            f"输出目录不存在：{target.parent}",
            text=output,
            hint="先建好这个目录，或换一个 -o 路径",
        )


def write_output(
    text: str, output: str | None, *, json: bool = False, verbatim: bool = False
) -> None:
    """Print (in what the console can show), or write UTF-8 atomically: a temporary file beside
    the target, then rename, so a reader never sees half a report. A final newline is added
    unless `verbatim` (a form's source text is written exactly as read)."""
    text = text if verbatim or text.endswith("\n") else text + "\n"
    if output is None:
        sys.stdout.write(_safe(text, sys.stdout, json=json))
        return
    _check_output(output)
    target = Path(output)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise CesuanError(
            ErrorKind.FILE_NOT_FOUND, f"无法写入输出文件：{e.strerror}", text=output
        ) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `cesuan` console script."""
    args = _parser().parse_args(argv)
    debug = getattr(args, "debug", False)
    try:
        if not hasattr(args, "run"):
            _parser().print_help()
            return EXIT_BAD_INPUT
        code: int = args.run(args)
        return code
    except CesuanError as e:
        if debug:
            raise
        sys.stderr.write(_safe(f"错误：{e}\n"))
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return EXIT_OK
    except Exception as e:  # an engine bug: say so plainly, no traceback without --debug
        if debug:
            raise
        sys.stderr.write(
            _safe(
                f"内部错误：{type(e).__name__}: {e}\n请加 --debug 重新运行，并把输出报告给维护者。\n"
            )
        )
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
