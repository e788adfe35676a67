"""The filing report (issue 16): per-form sections, each root cause once with its consequences
under it, counts that equal the findings that follow, amounts at issue summed by hand, the
materiality threshold hiding nothing silently, quotes without markup, case text escaped.

The expected values are read off the forms (cases/jianghan-2023/*.source.txt), not taken from
the engine; the arithmetic is in the comments."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from cesuan.auditreport import build_report, shown_text
from cesuan.errors import CesuanError
from cesuan.materiality import parse_materiality
from cesuan.report import envelope
from cesuan.report_html import render_html
from cesuan.report_md import render_markdown

ROOT = Path(__file__).resolve().parents[1]
JIANGHAN = ROOT / "cases" / "jianghan-2023"
DAY = "2026-11-29"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cesuan", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        check=False,
    )


def audit_json(*extra: str) -> dict[str, Any]:
    p = run("audit", str(JIANGHAN), "--format", "json", "--date", DAY, *extra)
    assert p.returncode == 1, p.stderr
    data: dict[str, Any] = json.loads(p.stdout)
    return data


@pytest.fixture(scope="module")
def full() -> dict[str, Any]:
    return audit_json()


def form(rep: dict[str, Any], case: str) -> dict[str, Any]:
    (f,) = (f for f in rep["forms"] if f["case"] == f"jianghan-2023.{case}")
    return f


def everything(f: dict[str, Any]) -> list[dict[str, Any]]:
    tops = f["findings"] + f["hidden"]
    return tops + [c for e in tops for c in e["consequences"]] + f["notes"]


def test_the_drainage_gap_is_reported_once_with_its_consequences_under_it(
    full: dict[str, Any],
) -> None:
    rep = full["report"]
    drain = form(rep, "paishui-shulao")
    # Ranked by severity, then |difference|, money before other units:
    # drain 3593.45 − 3493.45 = 100 万元; drain.step2 (3702 − 492×0.98 + 492 = 3711.84) −
    # 3637.8 = 74.04 万元; need (3593.45 + 203.2) − 3796.32 = 0.33 万元; kpi.pipes in 米.
    assert [e["line_id"] for e in drain["findings"]] == [
        "drain",
        "drain.step2",
        "need",
        "kpi.pipes",
    ]
    first = drain["findings"][0]
    assert first["difference"] == "100 万元"
    # The three totals above the drainage line are its consequences, not findings of their own,
    # and `new` (207.35 × 98% = 203.203 → 203.2: matched after rounding) is not named a cause.
    assert [c["line_id"] for c in first["consequences"]] == [
        "total",
        "budget.sum",
        "budget.district",
    ]
    assert all(c["caused_by"] == ["drain"] for c in first["consequences"])
    # …but it explains their last digits: 100.003 = 100 (drain) + 0.003 (203.203 − 203.2).
    assert all(c["rounding_from"] == ["new"] for c in first["consequences"])
    assert {c["difference"] for c in first["consequences"]} == {"100.003 万元"}
    assert [c["ref"] for c in first["consequences"]] == ["1.1", "1.2", "1.3"]
    assert drain["counts"] == {"issues": 4, "consequences": 3, "hidden": 0, "notes": 1}
    sms = form(rep, "shenpi-dating")
    assert [e["line_id"] for e in sms["findings"]] == ["comms.sms"]
    assert [c["line_id"] for c in sms["findings"][0]["consequences"]] == ["comms"]


def test_every_finding_is_in_the_report_exactly_once(full: dict[str, Any]) -> None:
    rep = full["report"]
    for case in full["cases"]:
        f = form(rep, case["case"].split(".", 1)[1])
        given = Counter((x["kind"], x["line_id"], x["message"]) for x in case["findings"])
        placed = Counter((x["kind"], x["line_id"], x["message"]) for x in everything(f))
        assert placed == given, case["case"]


def test_amounts_at_issue_and_the_summary_add_up(full: dict[str, Any]) -> None:
    rep = full["report"]
    # 100 + 74.04 + 0.33 = 174.37 万元 (drainage), 0.11 万元 (SMS: 2.51 − 2.4); 62.01 米 apart.
    assert form(rep, "paishui-shulao")["at_issue"] == {
        "amounts": 4,
        "money": "174.37 万元",
        "money_exact": "174.37 万元",
        "other": ["62.01 米"],
        "other_exact": ["62.01 米"],
    }
    assert form(rep, "shenpi-dating")["at_issue"]["money"] == "0.11 万元"
    total = rep["summary"]["total"]
    assert (total["amounts"], total["money"], total["other"]) == (5, "174.48 万元", ["62.01 米"])
    assert rep["opinion"]["total"]["money"] == "174.48 万元"
    for row, f in zip(rep["summary"]["forms"], rep["forms"], strict=True):
        assert row["issues"] == len(f["findings"])
        assert row["consequences"] == sum(len(e["consequences"]) for e in f["findings"])
        assert row["notes"] == len(f["notes"])
    # 5 forms; forms with issues first, the others in input order.
    assert [f["case"].split(".")[1] for f in rep["forms"]] == [
        "paishui-shulao",
        "shenpi-dating",
        "hongse-wuye",
        "kehou-fuwu",
        "shipin-erqi",
    ]


def test_scope_names_each_file_with_its_hashes(full: dict[str, Any]) -> None:
    import hashlib

    rep = full["report"]
    assert rep["date"] == DAY
    assert rep["engine"] == full["engine"]
    for s in rep["scope"]:
        raw = (ROOT / s["file"]).read_bytes()
        assert s["file_sha256"] == hashlib.sha256(raw).hexdigest()
        src = (ROOT / s["file"]).parent / s["source"]
        assert s["source_sha256"] == hashlib.sha256(src.read_bytes()).hexdigest()


def test_materiality_hides_nothing_silently() -> None:
    # 1 万元: need (0.33) in the drainage form, SMS (0.11) with its consequence comms are hidden;
    # kpi.pipes (米) cannot be compared with 万元 and stays.
    rep = audit_json("--materiality", "1 万元")["report"]
    drain, hall = form(rep, "paishui-shulao"), form(rep, "shenpi-dating")
    assert [e["line_id"] for e in drain["hidden"]] == ["need"]
    assert [e["line_id"] for e in hall["hidden"]] == ["comms.sms"]
    assert hall["counts"]["hidden"] == 2  # comms.sms and its consequence comms
    assert rep["summary"]["total"]["hidden"] == 3
    assert rep["summary"]["total"]["money"] == "174.04 万元"  # 100 + 74.04
    # 0.5% of the stated amount: need 0.33/3796.32 ≈ 0.009 %, kpi.pipes 62.01/474356.44 ≈
    # 0.013 % are hidden; SMS 0.11/2.51 ≈ 4.4 % and drain 100/3493.45 ≈ 2.9 % stay.
    rep = audit_json("--materiality", "0.5%")["report"]
    assert [e["line_id"] for e in form(rep, "paishui-shulao")["hidden"]] == ["need", "kpi.pipes"]
    assert [e["line_id"] for e in form(rep, "shenpi-dating")["findings"]] == ["comms.sms"]
    md = run("audit", str(JIANGHAN), "--format", "md", "--materiality", "0.5%").stdout
    assert "低于重要性水平、未展开的差异（2 处）" in md
    assert "低于重要性水平未展开的差异 2 处" in md  # in the 审核意见 too


@pytest.mark.parametrize("bad", ["abc", "-1 万元", "%", "1", "x%"])
def test_a_bad_threshold_is_a_located_error(bad: str) -> None:
    with pytest.raises(CesuanError) as e:
        parse_materiality(bad)
    assert e.value.field == "--materiality"
    p = run("audit", str(JIANGHAN), "--format", "md", "--materiality", bad)
    assert p.returncode == 2
    assert "重要性水平" in p.stderr
    assert "Traceback" not in p.stderr


def test_text_format_refuses_report_options() -> None:
    p = run("audit", str(JIANGHAN), "--materiality", "1 万元")
    assert p.returncode == 2
    assert "只用于报告格式" in p.stderr
    assert run("audit", str(JIANGHAN), "--format", "md", "--date", "2026-13-01").returncode == 2


def test_the_markdown_report_reads_as_filed() -> None:
    p = run("audit", str(JIANGHAN), "--format", "md", "--date", DAY)
    assert p.returncode == 1
    md = p.stdout
    for head in (
        "## 一、审核范围",
        "## 二、审核结果汇总",
        "## 三、各申报表审核情况",
        "## 四、审核意见（草稿）",
    ):
        assert head in md
    assert md.count("\n### （") == 5  # one section per form
    assert md.count("\n#### 问题 ") == 5  # 4 drainage + 1 SMS, each cause once
    assert md.count("差额100万元") == 1  # the drainage gap, once
    assert md.count("差额100.003万元") == 3  # its three consequences, under it
    assert "| **合计** | 46 | 42 | 22 | 5 | 4 | 0 | 26 | 174.48万元 |" in md
    # The drainage section's own line repeats its summary row: 14 checked = 10 + 1 rounded + 3
    # not matching; 4 issues = those 3 + the written expression of drain.step2 (whose stated
    # 3637.8 matches the line's reading).
    assert (
        "申报数核对 14 个，相符 11 个（其中四舍五入后相符 1 个），无测算 1 个；问题 4 处，连带影响 3 处"
        in md
    )
    assert "</p>" not in md  # quotes without the form's markup
    assert "“=3593.45万元。 3493.45”" in md
    # A note that matters is where it belongs, without -v: the two-year 延保运维费.
    assert "二年运维" in md
    assert p.stdout == run("audit", str(JIANGHAN), "--format", "md", "--date", DAY).stdout


def test_quotes_keep_their_verbatim_text_in_json(full: dict[str, Any]) -> None:
    drain = form(full["report"], "paishui-shulao")["findings"][0]
    assert drain["quotes"] == [
        {"text": "=3593.45万元。</p>\t3493.45", "shown": "=3593.45万元。 3493.45"}
    ]
    assert shown_text('项目 <input checked="" type="checkbox"/> 否 <input type="checkbox"/>') == (
        "项目 ☑ 否 ☐"
    )


def _evil() -> tuple[dict[str, Any], str]:
    source = '金额 <img src=x onerror=alert(1)> 12 元 "引号" & 其他'
    finding = {
        "kind": "mismatch",
        "severity": "error",
        "case": "evil",
        "file": None,
        "line_id": "a",
        "label": '<script>alert("x")</script>\x1b[31m',
        "message": "按测算依据计算为10元，申报12元",
        "stated": "12 元",
        "computed": "10 元",
        "difference": "-2 元",
        "unit": "元",
        "formula": None,
        "substituted": "<b>5</b>*2",
        "quotes": ["<img src=x onerror=alert(1)> 12 元"],
        "note": "</pre><script>x</script>",
        "caused_by": [],
    }
    summary = dict.fromkeys(["match", "rounded_match", "unverifiable", "not_stated"], 0)
    case = {
        "case": "evil",
        "title": "<i>标题</i>",
        "agency": None,
        "file": None,
        "findings": [finding],
        "summary": {**summary, "mismatch": 1},
    }
    return envelope("audit", [case], []), source


def test_case_text_cannot_become_markup() -> None:
    data, source = _evil()
    rep = build_report(data, date=DAY)
    page = render_html(rep, {"evil": source})
    for bad in ("<script", "<img", "<i>", "<b>", "\x1b", "onerror=alert(1)>"):
        assert bad not in page
    assert "&lt;script&gt;" in page
    assert page.count("<mark>") == 1
    md = render_markdown(rep)
    assert "<script>" not in md
    assert "\x1b" not in md


def _finding(
    kind: str, line: str, diff: str | None, caused_by: list[str] | None = None
) -> dict[str, Any]:
    severity = {"consequence": "warning", "unverifiable": "info"}.get(kind, "error")
    return {
        "kind": kind,
        "severity": severity,
        "case": "t",
        "file": None,
        "line_id": line,
        "label": line,
        "message": f"{kind} {line}",
        "stated": "100 万元" if diff else None,
        "computed": None,
        "difference": diff,
        "unit": "万元" if diff else None,
        "formula": None,
        "substituted": None,
        "quotes": [],
        "note": None,
        "caused_by": caused_by or [],
    }


def _one_case(findings: list[dict[str, Any]]) -> dict[str, Any]:
    summary = dict.fromkeys(["match", "rounded_match", "mismatch", "unverifiable", "not_stated"], 0)
    case = {"case": "t", "title": "T", "agency": None, "file": None, "findings": findings}
    return envelope("audit", [{**case, "summary": summary}], [])


def test_a_consequence_of_two_causes_sits_under_the_larger_one_and_names_both() -> None:
    data = _one_case(
        [
            _finding("mismatch", "a", "-2 万元"),
            _finding("mismatch", "b", "30 万元"),
            _finding("consequence", "sum", "28 万元", ["a", "b", "r"]),
        ]
    )
    (f,) = build_report(data, date=DAY)["forms"]
    # |30| > |−2|: b ranks first and hosts the consequence; r (no finding of its own) is no cause.
    assert [e["line_id"] for e in f["findings"]] == ["b", "a"]
    (c,) = f["findings"][0]["consequences"]
    assert (c["caused_by"], c["rounding_from"]) == (["a", "b"], ["r"])
    assert f["findings"][1]["consequences"] == []
    assert f["at_issue"]["money"] == "32 万元"  # 30 + 2; the consequence's 28 is not added


def test_a_consequence_without_a_real_cause_stands_alone() -> None:
    data = _one_case([_finding("consequence", "sum", "0.01 万元", ["r1", "r2"])])
    (f,) = build_report(data, date=DAY)["forms"]
    assert [(e["kind"], e["caused_by"]) for e in f["findings"]] == [("consequence", ["r1", "r2"])]
    assert f["at_issue"] == {  # a warning
        "amounts": 0,
        "money": "0 万元",
        "money_exact": "0 万元",
        "other": [],
        "other_exact": [],
    }


def test_the_threshold_hides_only_what_is_strictly_below_it() -> None:
    data = _one_case(
        [_finding("mismatch", "a", "0.33 万元"), _finding("mismatch", "b", "-3300 元")]
    )
    for threshold, hidden in (("0.33 万元", []), ("3300.01 元", ["a", "b"]), ("0.0033%", [])):
        rep = build_report(data, date=DAY, materiality=parse_materiality(threshold))
        (f,) = rep["forms"]
        assert [e["line_id"] for e in f["hidden"]] == hidden, threshold
        assert len(f["hidden"]) + len(f["findings"]) == 2
    # 0.34% of the stated 100 万元 is 0.34 万元 > 0.33 万元 = 3300 元: both hidden.
    rep = build_report(data, date=DAY, materiality=parse_materiality("0.34%"))
    assert rep["summary"]["total"]["hidden"] == 2
    assert rep["opinion"]["total"]["amounts"] == 0


def test_the_amount_at_issue_adds_exact_differences_and_rounds_once() -> None:
    import cesuan
    from cesuan.report import audit_case

    # Two lines 10 万元 ÷ 3 stated 3.31 万元: each differs by 10/3 − 3.31 = 7/300 万元, shown
    # 0.02 万元. Added exactly: 14/300 = 0.04666… → 0.05 万元 (the shown texts would add to 0.04).
    # A rate 35/41 stated 85.30%: 35/41 − 853/1000 = (35000 − 34973)/41000 = 27/41000, i.e.
    # 27/410 = 0.0658… 个百分点, shown 0.07 — a rate's difference, said as such, not a 数量.
    line = {"formula": "total / 3", "inputs": {"total": "10 万元"}, "stated": "3.31 万元"}
    result = cesuan.evaluate(
        {
            "case": "t.at-issue",
            "title": "涉及金额",
            "lines": [
                {"id": "a", "label": "甲", **line},
                {"id": "b", "label": "乙", **line},
                {
                    "id": "rate",
                    "label": "执行率",
                    "formula": "spent / budget",
                    "inputs": {"spent": "35 万元", "budget": "41 万元"},
                    "stated": "85.30%",
                },
            ],
        }
    )
    rep = build_report(envelope("audit", [audit_case(cesuan.audit(result))], []), date=DAY)
    (f,) = rep["forms"]
    assert f["at_issue"] == {
        "amounts": 3,
        "money": "0.05 万元",
        "money_exact": "7/150 万元",
        "other": ["0.07 个百分点"],
        "other_exact": ["27/410 个百分点"],
    }
    assert rep["summary"]["total"]["money"] == "0.05 万元"
    opinion = rep["opinion"]["text"]
    assert (
        "涉及金额0.05万元（各处差额绝对值之和；受其影响的合计数不重复计算），另涉及比率差额0.07个百分点。"
        in opinion[0]
    )
    assert opinion[1] == "涉及金额：3 处，涉及金额0.05万元、比率差额0.07个百分点。"
