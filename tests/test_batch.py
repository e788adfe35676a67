"""Batches never lose a good case: a directory of good cases plus bad files reports every good
case in full and every bad file as a located error, in text, JSON and Markdown, exits 2, and
gives the same bytes with --jobs 2; the library's batch verbs return per-case outcomes; a
directory scan never reads cesuan's own outputs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cesuan
from cesuan.batch import case_files, is_cesuan_output

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "cases" / "examples"
JIANGHAN = ROOT / "cases" / "jianghan-2023"
INVALID = ROOT / "tests" / "invalid"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cesuan", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        check=False,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """Two good cases (in sub-folders, with their source texts), a bad one in the middle of the
    sort order, a case with two problems, a hidden folder and one of cesuan's own outputs."""
    shutil.copytree(EXAMPLES, tmp_path / "a-good")
    for name in ("shenpi-dating.yaml", "shenpi-dating.source.txt"):
        (tmp_path / "c-good").mkdir(exist_ok=True)
        shutil.copy(JIANGHAN / name, tmp_path / "c-good" / name)
    shutil.copy(INVALID / "unknown_name.yaml", tmp_path / "b-bad.yaml")
    shutil.copy(INVALID / "source.txt", tmp_path / "source.txt")
    (tmp_path / "d-two.yaml").write_text(
        "case: two\ntitle: 两处错\nlines:\n"
        "  - id: a\n    label: 甲\n    formula: x * 2\n    inputs: {x: 3 公顷米}\n"
        "  - id: b\n    label: 乙\n    formula: y + 1 元\n",
        encoding="utf-8",
    )
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "junk.yaml").write_text("not: a case\n", encoding="utf-8")
    return tmp_path


def test_good_cases_and_located_errors_in_every_format(mixed: Path) -> None:
    text = run("audit", str(mixed))
    assert text.returncode == 2
    # Both good cases are audited in full: the 审批大厅 mismatch is there.
    assert "examples.hall-rent" in text.stdout
    assert "[计算结果与申报数不符] jianghan-2023.shenpi-dating · comms.sms" in text.stdout
    assert "无法审核的文件 2 个" in text.stdout
    assert "错误：文件 " in text.stdout
    assert "b-bad.yaml 第" in text.stdout
    assert "未知变量 'aera'" in text.stdout
    assert "Traceback" not in text.stdout + text.stderr

    data = json.loads(run("audit", str(mixed), "--format", "json").stdout)
    assert [c["case"] for c in data["cases"]] == [
        "examples.hall-rent",
        "jianghan-2023.shenpi-dating",
    ]
    by_file: dict[str, list[dict[str, object]]] = {}
    for e in data["errors"]:
        by_file.setdefault(Path(str(e["file"])).name, []).append(e)
    assert sorted(by_file) == ["b-bad.yaml", "d-two.yaml"]
    (unknown,) = by_file["b-bad.yaml"]
    assert unknown["kind"] == "unknown_name"
    assert isinstance(unknown["line"], int)
    assert unknown["field"]
    assert unknown["line_id"]
    assert len(by_file["d-two.yaml"]) == 2  # each problem of one file is its own error

    md = run("audit", str(mixed), "--format", "md")
    assert md.returncode == 2
    assert "comms.sms" in md.stdout
    assert "## 无法审核的文件" in md.stdout
    # Markdown escapes punctuation from the case (cesuan.escaping): 'aera' is written \'aera\'.
    assert "未知变量 \\'aera\\'" in md.stdout


@pytest.mark.parametrize(
    ("command", "fmt"),
    [("audit", "text"), ("audit", "json"), ("audit", "md"), ("calc", "table"), ("explain", "md")],
)
def test_jobs_2_gives_the_bytes_of_a_serial_run(mixed: Path, command: str, fmt: str) -> None:
    serial = run(command, str(mixed), "--format", fmt)
    parallel = run(command, str(mixed), "--format", fmt, "--jobs", "2")
    assert parallel.returncode == serial.returncode == 2
    assert parallel.stdout == serial.stdout


def test_calc_and_explain_take_directories(mixed: Path) -> None:
    calc = run("calc", str(mixed), "--format", "json", "-j", "2")
    assert calc.returncode == 2
    data = json.loads(calc.stdout)
    assert [c["case"] for c in data["cases"]] == [
        "examples.hall-rent",
        "jianghan-2023.shenpi-dating",
    ]
    explain = run("explain", str(mixed))
    assert explain.returncode == 2
    assert "大厅面积8369.34平方米" in explain.stdout
    assert "错误：" in explain.stdout
    table = run("calc", str(JIANGHAN))
    assert table.returncode == 0
    assert table.stdout.count("\nid ") == 5


def test_a_directory_is_audited_again_beside_its_own_report(tmp_path: Path) -> None:
    shutil.copytree(JIANGHAN, tmp_path / "cases")
    first = run(
        "audit",
        str(tmp_path / "cases"),
        "--format",
        "json",
        "-o",
        str(tmp_path / "cases" / "审核结果.json"),
    )
    assert first.returncode == 1
    again = run("audit", str(tmp_path / "cases"), "--format", "json")
    assert again.returncode == 1
    assert again.stdout == (tmp_path / "cases" / "审核结果.json").read_text(encoding="utf-8")
    # Named on the command line, it is refused with a reason rather than read as a case.
    named = run("audit", str(tmp_path / "cases" / "审核结果.json"))
    assert named.returncode == 2
    assert "cesuan 的输出文件" in named.stdout


def test_with_o_the_errors_are_in_the_file_and_stderr_says_so(mixed: Path) -> None:
    out = mixed / "报告.md"
    p = run("audit", str(mixed), "--format", "md", "-o", str(out))
    assert p.returncode == 2
    assert p.stdout == ""
    assert "2 个文件无法处理" in p.stderr
    report = out.read_text(encoding="utf-8")
    assert "comms.sms" in report
    assert "未知变量 \\'aera\\'" in report  # Markdown-escaped (cesuan.escaping)


def test_the_directory_rule(mixed: Path) -> None:
    (mixed / "notes.txt").write_text("不是案例", encoding="utf-8")
    out = mixed / "out.json"
    # Written by an editor on Windows: a BOM and CRLF line ends still mark it as an output.
    out.write_bytes(b'\xef\xbb\xbf{\r\n  "$schema": "urn:cesuan:schema:audit-output:1"}')
    assert is_cesuan_output(out)
    names = [p.relative_to(mixed).as_posix() for p in case_files([str(mixed)])]
    assert names == [
        "a-good/hall-rent.yaml",
        "b-bad.yaml",
        "c-good/shenpi-dating.yaml",
        "d-two.yaml",
    ]
    assert case_files([str(mixed / ".hidden" / "junk.yaml")])  # a file named is always read


def test_missing_output_directory_is_bad_input_in_chinese(tmp_path: Path) -> None:
    p = run("audit", str(EXAMPLES), "-o", str(tmp_path / "no" / "such" / "r.md"))
    assert p.returncode == 2
    assert "输出目录不存在" in p.stderr
    assert "Traceback" not in p.stderr


def test_argparse_speaks_chinese() -> None:
    p = run("audit")
    assert p.returncode == 2
    assert "缺少参数" in p.stderr
    p = run("audit", str(EXAMPLES), "--format", "xml")
    assert p.returncode == 2
    assert "无效的选择 'xml'" in p.stderr
    p = run("calc", str(EXAMPLES), "--jobs", "two")
    assert "应为整数" in p.stderr
    assert "usage" not in p.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["audit", str(JIANGHAN)],
        ["audit", str(JIANGHAN), "--format", "md"],
        ["explain", str(JIANGHAN)],
        ["calc", str(JIANGHAN)],
    ],
)
def test_a_gbk_console_never_makes_an_internal_error(args: list[str]) -> None:
    p = subprocess.run(
        [sys.executable, "-m", "cesuan", *args],
        capture_output=True,
        cwd=ROOT,
        check=False,
        env={**os.environ, "PYTHONIOENCODING": "gbk"},
    )
    assert p.returncode in (0, 1), p.stderr.decode("gbk", "replace")
    text = p.stdout.decode("gbk")  # every byte is GBK
    assert "万元" in text


def test_an_argument_a_gbk_console_cannot_show_is_still_a_chinese_usage_error() -> None:
    p = subprocess.run(
        [sys.executable, "-m", "cesuan", "audit", str(JIANGHAN), "--format", "x\U0001f600"],
        capture_output=True,
        cwd=ROOT,
        check=False,
        env={**os.environ, "PYTHONIOENCODING": "gbk"},
    )
    assert p.returncode == 2
    assert "无效的选择 'x?'" in p.stderr.decode("gbk")


def test_json_on_a_gbk_console_stays_exact() -> None:
    utf8 = run("audit", str(JIANGHAN), "--format", "json")
    gbk = subprocess.run(
        [sys.executable, "-m", "cesuan", "audit", str(JIANGHAN), "--format", "json"],
        capture_output=True,
        cwd=ROOT,
        check=False,
        env={**os.environ, "PYTHONIOENCODING": "gbk"},
    )
    assert gbk.returncode == utf8.returncode == 1
    assert json.loads(gbk.stdout.decode("gbk")) == json.loads(utf8.stdout)


def test_what_a_narrow_console_cannot_show_is_replaced_in_text_and_escaped_in_json() -> None:
    from cesuan.cli import _safe

    class Gbk:
        encoding = "gbk"

    assert _safe("差额：−0.11 万元 😀", Gbk()) == "差额：-0.11 万元 ?"  # type: ignore[arg-type]
    data = {"label": "−1 😀 万元"}
    escaped = _safe(json.dumps(data, ensure_ascii=False), Gbk(), json=True)  # type: ignore[arg-type]
    escaped.encode("gbk")
    assert json.loads(escaped) == data


def test_the_gbk_file_hint_works_on_windows() -> None:
    p = run("calc", str(INVALID / "encoding_gbk.yaml"))
    assert p.returncode == 2
    assert "GBK" in p.stdout
    assert "记事本" in p.stdout
    assert "iconv" not in p.stdout  # Windows has no iconv


def test_progress_goes_to_stderr_and_quiet_silences_it() -> None:
    from cesuan.console import Progress as _Progress

    class Clock:
        now = 0.0

    class Stream:
        def __init__(self) -> None:
            self.written: list[str] = []

        def write(self, s: str) -> None:
            self.written.append(s)

        def flush(self) -> None: ...

        def isatty(self) -> bool:
            return False

    stream = Stream()
    p = _Progress(100, quiet=False, stream=stream, clock=lambda: Clock.now)  # type: ignore[arg-type]
    for i in range(100):
        Clock.now = i * 0.5  # 50 s in all: not piped to a terminal, a line every 10 s
        p.step()
    p.done()
    lines = "".join(stream.written).splitlines()
    assert lines[0] == "进度：21/100 个文件（21%），已用 10 秒"  # the 21st file ends at 10 s
    assert len(lines) == 4 + 1  # at 10, 20, 30, 40 s, and the final line
    assert lines[-1].startswith("完成：100 个文件")
    quiet = Stream()
    q = _Progress(100, quiet=True, stream=quiet, clock=lambda: Clock.now)  # type: ignore[arg-type]
    for _ in range(100):
        Clock.now += 1
        q.step()
    q.done()
    assert quiet.written == []


# ── the library ──────────────────────────────────────────────────────────────────────────────


def _mapping(case: str, value: object) -> dict[str, object]:
    return {"case": case, "title": "示例", "lines": [{"id": "a", "label": "甲", "value": value}]}


def test_evaluate_many_keeps_every_good_case_in_order() -> None:
    good = _mapping("good", "1 元")
    bad = _mapping("bad", "1 公顷米")
    outcomes = cesuan.evaluate_many([good, bad, EXAMPLES / "hall-rent.yaml", "no/such.yaml"])
    assert [o.ok for o in outcomes] == [True, False, True, False]
    assert str(outcomes[0].value["a"].quantity) == "1 元"  # type: ignore[index]
    assert outcomes[1].value is None
    assert outcomes[1].source == "#2 bad"
    assert {e.file for e in outcomes[1].errors} == {"#2 bad"}
    assert outcomes[3].errors[0].kind == cesuan.ErrorKind.FILE_NOT_FOUND
    audits = cesuan.audit_many([EXAMPLES / "hall-rent.yaml", bad])
    assert audits[0].value is not None
    assert not audits[0].value.has_errors


def test_raise_errors_raises_all_after_trying_all() -> None:
    with pytest.raises(cesuan.CesuanErrors) as info:
        cesuan.evaluate_many(
            [_mapping("x", "1 公顷米"), _mapping("ok", "1 元"), "no/such.yaml"], raise_errors=True
        )
    assert [e.file for e in info.value.errors] == ["#1 x", "no/such.yaml"]


_POOL = [
    _mapping("g1", "1 元"),
    _mapping("g2", "2.50 万元"),
    _mapping("b1", "1 公顷米"),  # unknown unit
    {"case": "b2", "title": "空", "lines": []},  # no lines
    str(EXAMPLES / "hall-rent.yaml"),
    "no/such.yaml",
]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(range(len(_POOL))), max_size=8))
def test_each_outcome_is_what_its_input_gives_alone(picks: list[int]) -> None:
    # Whatever else is in the batch and in whatever order, the i-th outcome is exactly what the
    # i-th input gives on its own: a bad input never changes or hides another's result.
    batch = [_POOL[i] for i in picks]
    outcomes = cesuan.evaluate_many(batch)
    assert len(outcomes) == len(batch)
    for case, got in zip(batch, outcomes, strict=True):
        (alone,) = cesuan.evaluate_many([case])
        assert got.ok == alone.ok
        if got.ok:
            assert got.value is not None
            assert alone.value is not None
            assert got.value.to_json() == alone.value.to_json()
        else:
            assert [e.to_dict() | {"file": None} for e in got.errors] == [
                e.to_dict() | {"file": None} for e in alone.errors
            ]
