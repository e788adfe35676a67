"""The `cesuan` command: outputs, exit codes (0 ok, 1 findings, 2 bad input), Chinese help,
no traceback for bad input unless --debug, atomic output files, and escaped case text."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cesuan.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "cases" / "examples" / "hall-rent.yaml"
JIANGHAN = ROOT / "cases" / "jianghan-2023"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cesuan", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def test_calc_prints_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calc", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "hall.rent" in out
    assert "502.1604万元" in out


def test_calc_json_is_the_result_with_provenance(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calc", str(EXAMPLE), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    (case,) = data["cases"]
    assert [ln["id"] for ln in case["lines"]][:2] == ["hall.rent", "hall.power"]  # case order
    rent = case["lines"][0]
    assert rent["value"] == "502.1604 万元"
    assert rent["inputs"]["area"]["quote"] == ["大厅面积8369.34平方米"]
    assert len(case["hash"]) == 64
    assert data["errors"] == []


def test_audit_of_the_seed_cases_exits_1_with_every_finding(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["audit", str(JIANGHAN)]) == 1
    out = capsys.readouterr().out
    for label in ("短信服务费", "②2023年核定经费", "疏捞D300-D700管道及砖沟长度", "该项目需经费"):
        assert label in out
    assert "3711.84" in out


def test_audit_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", str(JIANGHAN), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert len(data["cases"]) == 5
    findings = [f for c in data["cases"] for f in c["findings"]]
    kinds = {f["kind"] for f in findings}
    assert {"mismatch", "sum_mismatch", "written_expression", "unverifiable"} <= kinds
    f = next(f for f in findings if f["line_id"] == "comms.sms")
    assert (f["stated"], f["computed"], f["difference"]) == ("2.51 万元", "2.40 万元", "-0.11 万元")
    assert f["quotes"]


def test_audit_of_a_consistent_case_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", str(EXAMPLE)]) == 0
    assert "未发现不符" in capsys.readouterr().out


def test_markdown_report_is_written_atomically(tmp_path: Path) -> None:
    out = tmp_path / "报告.md"
    assert main(["audit", str(JIANGHAN), "--format", "md", "-o", str(out)]) == 1
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# 预算测算审核报告")
    assert [p.name for p in tmp_path.iterdir()] == ["报告.md"]  # no temporary file left


def test_explain_one_line_and_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(EXAMPLE), "hall.rent"]) == 0
    assert "大厅面积8369.34平方米" in capsys.readouterr().out
    assert main(["explain", str(EXAMPLE), "--format", "md"]) == 0
    assert "| 测算依据及说明 |" in capsys.readouterr().out


def test_bad_input_exits_2_without_traceback() -> None:
    # The error is part of the report (so a batch keeps it beside the good cases).
    p = run("calc", str(ROOT / "tests" / "invalid" / "unknown_name.yaml"))
    assert p.returncode == 2
    assert p.stdout.startswith("错误：文件 ")
    assert "未知变量 'aera'" in p.stdout
    assert "是否为 'area'" in p.stdout
    assert "Traceback" not in p.stdout + p.stderr


def test_debug_shows_the_traceback() -> None:
    p = run("--debug", "calc", str(ROOT / "tests" / "invalid" / "unknown_name.yaml"))
    assert p.returncode != 0
    assert "Traceback" in p.stderr


def test_missing_file_and_version_and_help() -> None:
    assert run("calc", "no-such-case.yaml").returncode == 2
    v = run("--version")
    assert v.returncode == 0
    assert v.stdout.startswith("cesuan ")
    h = run("--help")
    assert "用法" in h.stdout
    assert "核对申报数" in h.stdout
    assert run("audit", "--help").returncode == 0


def test_schema_is_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "lines" in schema["properties"]
    assert main(["schema", "audit"]) == 0
    assert json.loads(capsys.readouterr().out)["$id"] == "urn:cesuan:schema:audit-output:1"


def test_case_text_cannot_drive_the_terminal_or_break_markdown(tmp_path: Path) -> None:
    case = tmp_path / "evil.yaml"
    case.write_text(
        'case: evil\ntitle: "标题\\e[31m红色\\r覆盖"\nlines:\n'
        '  - id: a\n    label: "甲 | 乙\\e]0;title\\a"\n    formula: x * 2\n'
        "    inputs: {x: 1 元}\n    stated: 3 元\n",
        encoding="utf-8",
    )
    for fmt in ("text", "md"):
        p = run("audit", str(case), "--format", fmt)
        assert p.returncode == 1
        assert "\x1b" not in p.stdout
        assert "\r" not in p.stdout
        assert "\a" not in p.stdout
    md = run("audit", str(case), "--format", "md").stdout
    assert "甲 \\| 乙" in md
