"""Run one command of the CLI over many case files: which files are cases, one case per task,
serially or on a process pool, each case isolated from the others.

What it does: finds the case files under the paths given (the rule is in `case_files`), runs a
`Task` per file (load, evaluate, then audit/calc/explain) in a worker that returns only plain,
picklable data (`Done`: the case's JSON data or rendered text, or its located errors), and
yields the outcomes in input order, so a run with `jobs=4` produces exactly the bytes of a serial
run. The same tasks and outcomes can be shipped to Dask or Ray (docs/scaling.md).
What it must not do: print, exit, or let one case's failure stop the others. It never reads one
of cesuan's own JSON outputs as a case.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cesuan import report
from cesuan.api import audit, evaluate, flat_errors, load_case
from cesuan.errors import CesuanError, CesuanErrors, ErrorKind, suggest
from cesuan.export import calc_csv
from cesuan.files import walk_cases
from cesuan.model import Case
from cesuan.whatif_cli import audit_case_notes, overrides_note

__all__ = [
    "CASE_SUFFIXES",
    "Done",
    "Task",
    "case_files",
    "find_cases",
    "is_cesuan_output",
    "run",
    "run_task",
]

CASE_SUFFIXES = (".yaml", ".yml", ".json")
# How every JSON output of cesuan begins, whitespace aside (report.envelope: "$schema" first).
_MARK = b'{"$schema":"urn:cesuan:'


def is_cesuan_output(path: Path) -> bool:
    """Whether a .json file is one of cesuan's own outputs (it begins with its `$schema`)."""
    if path.suffix.lower() != ".json":
        return False
    try:
        with path.open("rb") as fh:
            head = fh.read(256)
    except OSError:
        return False  # unreadable: reading it as a case reports why
    # A BOM or CRLF line ends (an editor on Windows) do not hide the mark.
    return b"".join(head.removeprefix(b"\xef\xbb\xbf").split()).startswith(_MARK)


def find_cases(paths: Sequence[str]) -> tuple[list[Path], list[CesuanError]]:
    """The case files of the paths given, in order, and the problems met while looking.

    A file named is always a case; in a directory, every file at any depth whose name ends
    .yaml, .yml or .json (any letter case), sorted by path, except names that start with '.'
    (and everything under such a folder) and cesuan's own JSON outputs. Source texts (.txt,
    .md) are read only through their case. The walk is cesuan.files': no recursion, bounded
    depth and size, and symlinks or special files listed unopened so that loading each gives
    its own `unsafe_path` error while the rest of the batch is still read.
    """
    found, errors = walk_cases(paths)
    roots = [Path(p) for p in paths if Path(p).is_dir()]
    out = []
    for f in found:
        root = next((r for r in roots if f.is_relative_to(r) and f != r), None)
        if root is not None:
            if any(part.startswith(".") for part in f.relative_to(root).parts):
                continue
            if not f.is_symlink() and is_cesuan_output(f):
                continue
        out.append(f)
    return out, errors


def case_files(paths: Sequence[str]) -> list[Path]:
    """`find_cases` without the problems (for callers that only list)."""
    return find_cases(paths)[0]


@dataclass(frozen=True, slots=True)
class Task:
    """One case file to run `command` on; `fmt` and `line` as the command line gave them."""

    command: str  # calc, audit or explain
    path: str
    fmt: str
    line: str | None = None
    debug: bool = False
    sets: tuple[str, ...] = ()  # --set overrides (cesuan.scenario), applied before validation
    scenario: str | None = None  # --scenario file


@dataclass(frozen=True, slots=True)
class Done:
    """What a task produced: plain data only, so that it crosses process boundaries.

    `data` is the case's part of the JSON output (calc, audit); `text` the rendered piece (calc
    table, explain); `errors` the located errors as JSON data, `shown` the same as the terminal
    shows them; `internal` is set when the engine failed (an exit 3, not the input's fault).
    """

    path: str
    data: dict[str, Any] | None = None
    text: str | None = None
    findings: bool = False
    errors: tuple[dict[str, Any], ...] = ()
    shown: tuple[str, ...] = ()
    internal: bool = False


def run_task(task: Task) -> Done:
    """Run one task; every failure becomes part of the outcome (unless `debug`)."""
    try:
        return _run(task)
    except CesuanError as e:
        if task.debug:
            raise
        errs = [x.located(file=task.path) for x in flat_errors(e)]
        return Done(task.path, errors=tuple(x.to_dict() for x in errs), shown=(str(e),))
    except Exception as e:  # an engine bug: reported for this case, the others still run
        if task.debug:
            raise
        message = f"内部错误：{type(e).__name__}: {e}"
        err = {"kind": "internal", "message": message, "file": task.path}
        shown = f"{task.path}：{message}\n请加 --debug 重新运行，并把输出报告给维护者。"
        return Done(task.path, errors=(err,), shown=(shown,), internal=True)


def _run(task: Task) -> Done:
    if is_cesuan_output(Path(task.path)):
        raise CesuanError(
            ErrorKind.SCHEMA,
            "这是 cesuan 的输出文件，不是案例",
            file=task.path,
            hint="审核案例文件或其目录；目录中 cesuan 的输出会被跳过",
        )
    case = _load(task)
    if task.command == "audit":
        a = audit(case)
        return Done(
            task.path, data=audit_case_notes(report.audit_case(a), a), findings=a.has_errors
        )
    result = evaluate(case)
    note = overrides_note([result])
    if task.command == "calc":
        if task.fmt == "json":
            return Done(task.path, data=report.calc_case(result))
        if task.fmt == "csv":
            return Done(task.path, text=calc_csv([result], header=False))
        return Done(task.path, text=report.calc_table(result) + note)
    if task.line is not None:
        return Done(task.path, text=report.clean(_explain_line(result, task)) + note)
    render = report.explain_markdown if task.fmt == "md" else report.explain_text
    return Done(task.path, text=render(result) + note)


def _load(task: Task) -> Any:
    if not task.sets and task.scenario is None:
        return load_case(task.path)
    from cesuan.scenario import Scenario, apply_overrides, parse_set, read_scenario

    title, given = None, []
    if task.scenario is not None:
        sc = read_scenario(task.scenario)
        title, given = sc.title, list(sc.settings)
    given += [parse_set(text) for text in task.sets]
    return apply_overrides(task.path, Scenario(title, tuple(given)))


def _explain_line(result: Any, task: Task) -> str:
    from cesuan.basis import explain_line

    try:
        return explain_line(result, task.line)  # type: ignore[arg-type]
    except KeyError:
        ids = [ln.id for ln in result.case.lines]
        near = suggest(task.line, ids)  # type: ignore[arg-type]
        raise CesuanError(
            ErrorKind.UNKNOWN_NAME,
            f"案例中没有明细 '{task.line}'",
            file=task.path,
            hint=f"是否为 '{near}'？" if near else "可用的明细：" + "、".join(ids),
        ) from None


def run(
    tasks: Sequence[Task], *, jobs: int = 1, step: Callable[[], None] = lambda: None
) -> Iterator[Done]:
    """The outcome of every task, in the order of `tasks`; `step` is called after each.

    With `jobs` > 1 the tasks run on a pool of that many processes (started with `spawn`, as on
    Windows, so the tests exercise the same path everywhere); results still come back in input
    order, so the output is byte for byte that of a serial run.
    """
    if jobs <= 1 or len(tasks) <= 1:
        for t in tasks:
            yield run_task(t)
            step()
        return
    jobs = min(jobs, len(tasks))
    # Chunks amortise the inter-process round trip over several small cases, while staying
    # small enough that the progress line still moves on a slow case.
    chunk = max(1, min(16, len(tasks) // (jobs * 4)))
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        for done in pool.map(run_task, tasks, chunksize=chunk):
            yield done
            step()


def default_jobs() -> int:
    """`--jobs 0`: one process per CPU."""
    return os.cpu_count() or 1


def load_all(paths: Sequence[str]) -> list[Case]:
    """Every case of `paths`, or every problem found in them raised together (`export`)."""
    files, errors = find_cases(paths)
    cases: list[Case] = []
    for f in files:
        try:
            cases.append(load_case(f))
        except CesuanError as e:
            errors.append(e)
    if errors:
        flat = [x for e in errors for x in (e.errors if isinstance(e, CesuanErrors) else [e])]
        raise CesuanErrors(flat) if len(flat) > 1 else flat[0]
    if not cases:
        raise CesuanError(ErrorKind.FILE_NOT_FOUND, "没有找到案例文件", text=" ".join(paths))
    return cases
