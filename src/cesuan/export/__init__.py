"""Outputs for spreadsheets: the Excel workbook with live formulas, and CSV for `calc`.

What it does: `workbook_bytes` builds the .xlsx (one sheet per case; see ._xlsx), `calc_csv`
the CSV text (see ._csv), and `register` adds the `cesuan export` command to the CLI.
What it must not do: import openpyxl before a workbook is asked for (it is an optional extra,
`pip install 'cesuan[excel]'`; CSV and the rest of cesuan work without it), print, or exit:
the handler returns an exit code and raises CesuanError for the CLI to report.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from cesuan.display import UNIT_PLACES
from cesuan.errors import CesuanError, ErrorKind
from cesuan.evaluation import Result
from cesuan.export._csv import CSV_COLUMNS, calc_csv
from cesuan.model import Case

__all__ = [
    "CSV_COLUMNS",
    "calc_csv",
    "no_openpyxl",
    "register",
    "workbook_bytes",
    "write_xlsx",
    "xlsx_target",
]


def workbook_bytes(
    results: Sequence[Result], unit_places: Mapping[str, int] = UNIT_PLACES
) -> bytes:
    """The .xlsx bytes: one sheet per case, every amount a formula, no cached values.

    Raises:
        CesuanError: openpyxl is not installed (with the command that installs it).
    """
    try:
        from cesuan.export._xlsx import workbook_bytes as build
    except ModuleNotFoundError as e:
        if e.name != "openpyxl":
            raise
        raise no_openpyxl() from None
    return build(results, unit_places)


def no_openpyxl() -> CesuanError:
    """The error when a workbook is asked for and openpyxl is not installed."""
    return CesuanError(
        ErrorKind.FILE_NOT_FOUND,
        "导出 Excel 需要 openpyxl，当前环境没有安装",
        hint="pip install 'cesuan[excel]'",
    )


def write_xlsx(data: bytes, output: str) -> None:
    """Write a workbook atomically to `output` (checked by `xlsx_target`)."""
    _write_bytes(data, xlsx_target(output))


def xlsx_target(output: str) -> Path:
    """The path of a workbook to write: it must end in .xlsx and lie in an existing folder."""
    target = Path(output)
    if target.suffix.lower() != ".xlsx":
        raise CesuanError(
            ErrorKind.FILE_NOT_FOUND,
            "导出文件须以 .xlsx 结尾",
            text=output,
            hint="如 -o 测算表.xlsx",
        )
    if not target.parent.is_dir():
        raise CesuanError(
            ErrorKind.FILE_NOT_FOUND,
            f"目录 {target.parent} 不存在",
            text=output,
            hint="先建好目录，或写到已有的目录中",
        )
    return target


def _write_bytes(data: bytes, target: Path) -> None:
    """Write atomically: a temporary file beside the target, then rename."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def register(
    add_command: Callable[[str, str], argparse.ArgumentParser],
    load_all: Callable[[Sequence[str]], list[Case]],
) -> None:
    """Add `cesuan export 案例… -o 测算表.xlsx` to the CLI.

    Args:
        add_command: makes a subcommand parser from its name and help (the CLI's own, so help
            and options look like every other command's).
        load_all: loads the cases of the paths given (files or directories), raising
            CesuanError for bad input.

    The parser's `handler` default is the function the CLI calls with the parsed arguments;
    it returns the exit code.
    """
    c = add_command("export", "导出 Excel 测算表：输入、公式（可重算）、申报数与差额、测算依据")
    c.add_argument("paths", nargs="+", metavar="案例", help="案例文件或目录（每个案例一张工作表）")
    c.add_argument("-o", "--output", metavar="文件", required=True, help="写入的 .xlsx 文件")

    def handler(args: argparse.Namespace) -> int:
        from cesuan.api import evaluate

        target = xlsx_target(args.output)  # refused before any case is evaluated
        results = [evaluate(case) for case in load_all(args.paths)]
        _write_bytes(workbook_bytes(results), target)
        return 0

    c.set_defaults(handler=handler)
