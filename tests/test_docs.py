"""Docs are tests: every example in README.md and docs/*.md prints what the page shows.

The convention (docs/contributing.md#examples-in-the-docs-are-tests) in short:
- ```console blocks: each `$ cmd` line runs, its stdout then stderr must equal the lines below it
  (trailing spaces ignored; `...` matches anything, as in doctest). `cesuan` is this venv's
  `python -m cesuan`, `python3` this interpreter; `a | b` pipes; a trailing
  `; echo "退出码 $?"` prints the exit code. No shell ever sees the command.
- ```pycon / ```python blocks: the page's `>>>` examples run as one doctest (shared names, in
  page order, ELLIPSIS on) with the project root as working directory.
- HTML comments right above a block: `not-tested: why` skips it; `cwd: DIR` sets the working
  directory of what follows (`.` = project root, anything else = a fresh scratch directory);
  `file: NAME` writes the block there; `same-as: PATH` / `excerpt-of: PATH` check the block
  against a file of the project.
"""

from __future__ import annotations

import difflib
import doctest
import io
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.docs_worker import Worker

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

# Pages whose examples this test cannot run yet, with the reason. performance.md belongs to the
# benchmark work: its commands take minutes and its figures are measurements, not outputs.
SKIPPED_PAGES = {"docs/performance.md": "benchmark commands (minutes; figures vary by machine)"}

_FENCE = re.compile(r"^```(\S*)\s*$")
_DIRECTIVE = re.compile(r"^<!--\s*([a-z-]+):\s*(.*?)\s*-->\s*$")
_KEYS = {"not-tested", "cwd", "file", "same-as", "excerpt-of"}
_EXIT_SUFFIX = re.compile(r'^(?P<cmd>.*?);\s*echo\s+"退出码 \$\?"\s*$')
_PROGRAMS = {"cesuan": [sys.executable, "-m", "cesuan"], "python3": [sys.executable]}
_PROGRAMS["python"] = _PROGRAMS["python3"]
_CHECKER = doctest.OutputChecker()
WORKER = Worker()


@dataclass
class Block:
    """One fenced block of a page: its language, body, 1-based line and the comments above it."""

    lang: str
    body: str
    line: int
    directives: dict[str, str] = field(default_factory=dict)


def blocks(page: Path) -> Iterator[Block]:
    """The page's fenced blocks, each with the `<!-- key: value -->` lines just above it."""
    lines = page.read_text(encoding="utf-8").splitlines()
    pending: dict[str, str] = {}
    i = 0
    while i < len(lines):
        directive, fence = _DIRECTIVE.match(lines[i]), _FENCE.match(lines[i])
        if directive and directive[1] in _KEYS:
            pending[directive[1]] = directive[2]
        elif directive:  # other comments (<!-- rules-table: begin -->) are not ours, typos are
            near = difflib.get_close_matches(directive[1], _KEYS, n=1, cutoff=0.75)
            assert not near, f"{_rel(page)}:{i + 1}: '{directive[1]}:' — did you mean '{near[0]}:'?"
        elif fence:
            end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith("```")), -1)
            assert end > 0, f"{_rel(page)}:{i + 1}: the block is never closed"
            yield Block(fence[1], "\n".join(lines[i + 1 : end]) + "\n", i + 1, pending)
            pending, i = {}, end
        elif lines[i].strip():
            pending = {}  # a directive must sit right above its block (blank lines allowed)
        i += 1


def _rel(page: Path) -> str:
    return page.relative_to(ROOT).as_posix() if page.is_relative_to(ROOT) else page.name


def run_command(command: str, cwd: Path, where: str) -> str:
    """Run one `$` line without a shell: its stdout, then stderr, then the exit code if asked."""
    suffix = _EXIT_SUFFIX.match(command)
    lexer = shlex.shlex(suffix["cmd"] if suffix else command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    words = list(lexer)
    unquoted = re.sub(r"'[^']*'", "", suffix["cmd"] if suffix else command)
    if "$" in unquoted or "`" in unquoted:
        raise AssertionError(f"{where}: no shell expansion ($, `) in console examples")
    bad = [w for w in words if w != "|" and w and set(w) <= set(";&<>()|")]
    if bad:
        raise AssertionError(f"{where}: shell syntax {bad} is not supported in console examples")
    stdin, errors, code = b"", b"", 0
    for stage in _split(words):
        if not stage or stage[0] not in _PROGRAMS:
            raise AssertionError(
                f"{where}: cannot run {stage[:1]}: console examples may call only "
                f"{sorted(_PROGRAMS)}; mark the block <!-- not-tested: why --> otherwise"
            )
        if stage[0] == "cesuan" and WORKER.usable():
            out, err, code = WORKER.run(stage[1:], cwd, stdin)
        else:
            argv = _PROGRAMS[stage[0]] + stage[1:]
            done = subprocess.run(argv, input=stdin, capture_output=True, cwd=cwd, check=False)
            out, err, code = done.stdout, done.stderr, done.returncode
        stdin, errors = out, errors + err
    text = stdin.decode("utf-8") + errors.decode("utf-8")
    return text + (f"退出码 {code}\n" if suffix else "")


def _split(words: list[str]) -> Iterator[list[str]]:
    stage: list[str] = []
    for w in words:
        if w == "|":
            yield stage
            stage = []
        else:
            stage.append(w)
    yield stage


def _normal(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines()) + "\n"


def console_examples(body: str) -> Iterator[tuple[int, str, str]]:
    """(offset in block, command, expected output) for each `$ ` line of a console block."""
    lines = body.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("$ ")]
    if not starts or starts[0] != 0:
        raise AssertionError("a console block starts with a `$ ` command line")
    for k, i in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        yield i, lines[i][2:], "\n".join(lines[i + 1 : end])


def _scratch(name: str, tmp: Path) -> Path:
    # The page names a directory for the reader (/tmp/cesuan-docs/…); the test uses its own.
    path = tmp / re.sub(r"[^A-Za-z0-9_.-]+", "_", name.strip("/"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def check_page_files_and_commands(page: Path, tmp: Path) -> list[str]:
    """Run every file/same-as/excerpt-of/console block of a page; the list of what differs."""
    failures: list[str] = []
    cwd = ROOT
    for block in blocks(page):
        where = f"{_rel(page)}:{block.line}"
        d = block.directives
        if "not-tested" in d:
            assert d["not-tested"], f"{where}: say why the block is not tested"
            continue
        if "cwd" in d:
            cwd = ROOT if d["cwd"] == "." else _scratch(d["cwd"], tmp)
        if "file" in d:
            assert cwd != ROOT, f"{where}: file blocks need a scratch <!-- cwd: DIR --> first"
            (cwd / d["file"]).write_text(block.body, encoding="utf-8")
        for key, compare in (("same-as", str.__eq__), ("excerpt-of", str.__contains__)):
            if key in d:
                text = (ROOT / d[key]).read_text(encoding="utf-8")
                if not compare(text, block.body):
                    diff = difflib.unified_diff(
                        text.splitlines(), block.body.splitlines(), d[key], "the page", lineterm=""
                    )
                    failures.append(
                        f"{where}: block differs from {d[key]} ({key})\n" + "\n".join(diff)
                    )
        if block.lang == "console":
            failures += _check_console(block, cwd, where)
        elif block.lang in ("sh", "shell", "bash"):
            failures.append(
                f"{where}: make it ```console with its output, or <!-- not-tested: why -->"
            )
    return failures


def _check_console(block: Block, cwd: Path, where: str) -> list[str]:
    failures = []
    for offset, command, want in console_examples(block.body):
        at = f"{where.rsplit(':', 1)[0]}:{block.line + 1 + offset}"
        got = run_command(command, cwd, at)
        if not _CHECKER.check_output(_normal(want), _normal(got), doctest.ELLIPSIS):
            failures.append(f"{at}: $ {command}\n--- page shows\n{want}\n--- program prints\n{got}")
    return failures


def doctest_text(page: Path) -> str:
    """The page with everything but its tested pycon/python blocks blanked (line numbers kept)."""
    lines = page.read_text(encoding="utf-8").splitlines()
    keep = [""] * len(lines)
    for block in blocks(page):
        if block.lang in ("pycon", "python") and "not-tested" not in block.directives:
            n = block.body.count("\n")
            keep[block.line : block.line + n] = lines[block.line : block.line + n]
    return "\n".join(keep) + "\n"


@pytest.fixture(scope="module", autouse=True)
def _stop_worker() -> Iterator[None]:
    yield
    WORKER.close()


@pytest.mark.parametrize("page", PAGES, ids=_rel)
def test_console_examples_print_what_the_page_shows(page: Path, tmp_path: Path) -> None:
    if _rel(page) in SKIPPED_PAGES:
        pytest.skip(SKIPPED_PAGES[_rel(page)])
    failures = check_page_files_and_commands(page, tmp_path)
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("page", PAGES, ids=_rel)
def test_doctests_print_what_the_page_shows(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    report = run_doctests(page)
    assert not report, report


def run_doctests(page: Path) -> str:
    """Run the page's doctests; what failed, as doctest reports it ("" when all pass)."""
    for block in blocks(page):
        if block.lang == "python" and "not-tested" not in block.directives:
            assert ">>>" in block.body, f"{_rel(page)}:{block.line}: python block without >>>"
    test = doctest.DocTestParser().get_doctest(
        doctest_text(page), {"__name__": "__docs__"}, _rel(page), str(page), 0
    )
    out = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test, out=out.write)
    return out.getvalue() if runner.failures else ""


def test_the_glossary_maps_every_error_kind() -> None:
    from cesuan import ErrorKind

    text = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    section = text.split("## 错误类别（`ErrorKind`）", 1)[1]
    listed = re.findall(r"^\| `([a-z_]+)` \|", section, re.M)[1:]  # [0] is the header
    kinds = {k.value for k in ErrorKind}
    missing, stale = sorted(kinds - set(listed)), sorted(set(listed) - kinds)
    assert not missing, f"docs/glossary.md#错误类别errorkind: add a row for {missing}"
    assert not stale, f"docs/glossary.md#错误类别errorkind: no ErrorKind {stale}; remove the rows"
    assert len(listed) == len(set(listed)), (
        "docs/glossary.md#错误类别errorkind: a kind listed twice"
    )


def test_the_tests_the_docs_cite_exist() -> None:
    """`tests/test_x.py::test_name` in a page is a promise that that test checks the claim."""
    missing = []
    for page in PAGES:
        for path, name in re.findall(r"(tests/\w+\.py)::(\w+)", page.read_text(encoding="utf-8")):
            source = ROOT / path
            if not source.exists() or f"def {name}(" not in source.read_text(encoding="utf-8"):
                missing.append(f"{_rel(page)}: {path}::{name}")
    assert not missing, "cited tests that do not exist:\n" + "\n".join(missing)


# The runner itself, on a made-up page, so that a broken runner cannot pass silently.
_FAKE_PAGE = """\
<!-- cwd: /tmp/fake -->
<!-- file: one.yaml -->
```yaml
case: demo.one
title: 一行
lines:
  - {id: a, label: 甲, value: 3 元}
```

```console
$ cesuan explain one.yaml
a\t甲3元。
$ cesuan explain missing.yaml; echo "退出码 $?"
错误：...
退出码 2
$ cesuan explain one.yaml
a\t甲4元。
```

<!-- not-tested: shown, not run -->
```console
$ cesuan calc nowhere.yaml
nothing
```

```sh
cesuan calc one.yaml
```
"""


def test_the_runner_reports_each_difference(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(_FAKE_PAGE, encoding="utf-8")
    failures = check_page_files_and_commands(page, tmp_path)
    assert len(failures) == 2, failures
    assert failures[0].startswith(
        "page.md:16: $ cesuan explain one.yaml\n--- page shows\na\t甲4元。"
    )
    assert "--- program prints\na\t甲3元。" in failures[0]
    assert failures[1].startswith("page.md:26: make it ```console")


def test_the_runner_refuses_a_shell() -> None:
    for command in ("cesuan calc x.yaml > out", "ls", "cesuan calc $HOME", "cesuan calc x && ls"):
        with pytest.raises(AssertionError, match=r"shell|cannot run"):
            run_command(command, ROOT, "page.md:1")


def test_the_doctest_runner_reports_a_wrong_output(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "```pycon\n>>> x = 2\n\n```\n\ntext\n\n```pycon\n>>> x + 1\n4\n\n```\n"
        "<!-- not-tested: would fail -->\n```pycon\n>>> 1/0\n\n```\n",
        encoding="utf-8",
    )
    report = run_doctests(page)
    assert 'File "' + str(page) + '", line 9' in report
    assert "Expected:\n    4\nGot:\n    3" in report
    assert "ZeroDivisionError" not in report
