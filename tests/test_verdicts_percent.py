"""Issue 18, the rest: percentages written as percentages in every audit output, ranking and
materiality by the exact difference, quotes without inherited markup in the text report, and
the 尾差 count in the summary. Every expected value is worked by hand in a comment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import cesuan
from cesuan import report
from cesuan.auditreport import report_for_run
from cesuan.display import is_percent
from cesuan.report_html import render_html
from cesuan.report_md import render_markdown

ROOT = Path(__file__).parent.parent
BUNDLED = sorted((ROOT / "cases").glob("**/*.yaml"))
VERDICTS = sorted((Path(__file__).parent / "verdicts").glob("*.yaml"))

# 执行率 = 35 万元 ÷ 41 万元 = 0.853658536… → 85.37%; the form states 85.30%.
# Difference 35/41 − 853/1000 = (35000 − 34973)/41000 = 27/41000 = 0.000658536…
# = 0.0658536… 个百分点 → 0.07 个百分点 at the stated 2 places (in percent).
RATE: dict[str, Any] = {
    "case": "t.rate",
    "title": "执行率",
    "lines": [
        {"id": "spent", "label": "执行数", "stated": "35 万元"},
        {"id": "budget", "label": "全年预算", "stated": "41 万元"},
        {"id": "rate", "label": "执行率", "formula": "spent / budget", "stated": "85.30%"},
        # 1 ÷ 4 = 0.25 = 25%, stated 25.00%: a match, written as the form writes it.
        {"id": "quarter", "label": "季度进度", "formula": "1 / 4", "stated": "25.00%"},
    ],
}


def _run(case: Any, materiality: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    data = report.envelope("audit", [report.audit_case(cesuan.audit(case))], [])
    doc, _ = report_for_run(data, materiality=materiality, date="2026-01-01")
    return data, doc


def test_a_rate_is_written_in_percent_in_every_audit_output() -> None:
    data, doc = _run(RATE)
    (f,) = [f for f in data["cases"][0]["findings"] if f["severity"] == "error"]
    assert (f["stated"], f["computed"], f["difference"]) == ("85.30%", "85.37%", "0.07 个百分点")
    # The exact values stay ratios, in the finding's unit (none): 35/41 and 27/41000.
    assert (f["computed_exact"], f["difference_exact"], f["unit"]) == ("35/41", "27/41000", "")
    assert f["message"] == "按各分项申报数计算为约85.37%，申报85.30%"
    lines = {ln["line_id"]: ln for ln in data["cases"][0]["lines"]}
    assert (lines["rate"]["stated"], lines["rate"]["value"]) == ("85.30%", "85.37%")
    assert (lines["quarter"]["stated"], lines["quarter"]["value"]) == ("25.00%", "25.00%")
    text = report.audit_text(data, [])
    md_old = report.audit_markdown(data)
    md_filed = render_markdown(doc)
    html = render_html(doc, {})
    for out in (text, md_old, md_filed, html):
        for shown in ("85.37%", "85.30%", "0.07个百分点"):
            assert shown in out, (shown, out)
        for ratio in ("0.8537", "0.853", "0.0007"):
            assert ratio not in out, (ratio, out)


def test_a_percentage_in_a_written_expression_is_written_in_percent() -> None:
    # The form writes 3 ÷ 4 = 70%: 3/4 = 0.75 = 75%, off by 5 个百分点.
    case = {
        "case": "t.w",
        "title": "算式",
        "lines": [
            {
                "id": "a",
                "label": "甲",
                "stated": "3 万元",
                "written": {"expr": "3/4", "result": "70%"},
            }
        ],
    }
    data, _ = _run(case)
    (f,) = [f for f in data["cases"][0]["findings"] if f["kind"] == "written_expression"]
    assert (f["stated"], f["computed"], f["difference"]) == ("70%", "75%", "5 个百分点")


def _is_ratio_text(value: str) -> bool:
    return value.endswith(("%", "个百分点"))


@pytest.mark.parametrize("path", [*BUNDLED, *VERDICTS], ids=lambda p: p.name)
def test_every_percent_line_of_every_bundled_case_is_written_in_percent(path: Path) -> None:
    audit = cesuan.audit(cesuan.load_case(path))
    data = report.audit_case(audit)
    pct = {r.id for r in audit.result.lines if is_percent(r)}
    for ln in data["lines"]:
        if ln["line_id"] in pct:
            for k in ("stated", "value", "value_over_stated_parts"):
                assert ln[k] is None or ln[k].endswith("%"), (ln["line_id"], k, ln[k])
    for f in data["findings"]:
        if f["line_id"] in pct and f["kind"] != "written_expression" and f["stated"]:
            for k in ("stated", "computed", "difference"):
                assert f[k] is None or _is_ratio_text(f[k]), (f["line_id"], k, f[k])


# Two money mismatches whose rounded differences misrank them. fund = 1 万元.
# third: 1 ÷ 3 = 0.3333… 万元, stated 0.31: difference 1/3 − 31/100 = (100 − 93)/300 = 7/300
#        万元 = 0.02333… 万元 = 233.33… 元, shown at the stated 2 places as 0.02 万元.
# share: 1 × 0.331 = 0.331 万元, stated 0.31: difference exactly 0.021 万元 = 210 元.
# Exactly, third (233.33 元) is the larger; by the rounded text it would be 200 < 210 元.
MISRANK: dict[str, Any] = {
    "case": "t.rank",
    "title": "排序",
    "lines": [
        {"id": "fund", "label": "经费", "stated": "1 万元"},
        {
            "id": "share",
            "label": "分摊",
            "formula": "fund * k",
            "inputs": {"k": "0.331"},
            "stated": "0.31 万元",
        },
        {"id": "third", "label": "三分", "formula": "fund / 3", "stated": "0.31 万元"},
    ],
}


def test_findings_rank_by_the_exact_difference() -> None:
    data, doc = _run(MISRANK)
    by_line = {f["line_id"]: f for f in data["cases"][0]["findings"] if f["severity"] == "error"}
    assert (by_line["third"]["difference"], by_line["third"]["difference_exact"]) == (
        "0.02 万元",
        "7/300",
    )
    assert by_line["share"]["difference"] == "0.021 万元"
    ranked = [e["line_id"] for e in doc["forms"][0]["findings"] if e["severity"] == "error"]
    assert ranked == ["third", "share"]


def test_materiality_uses_the_exact_difference() -> None:
    # Threshold 220 元: third's 233.33… 元 is above it (shown), share's 210 元 below (hidden).
    # By the rounded 0.02 万元 = 200 元 third would wrongly be hidden too.
    _, doc = _run(MISRANK, materiality="220 元")
    form = doc["forms"][0]
    shown = [e["line_id"] for e in form["findings"] if e["severity"] == "error"]
    hidden = [e["line_id"] for e in form["hidden"]]
    assert (shown, hidden) == (["third"], ["share"])


def test_equal_differences_rank_by_their_size_relative_to_the_stated_amount() -> None:
    # Both off by exactly 1 万元: 11 against 10 (10%) and 101 against 100 (1%): the larger
    # relative difference first, though it comes later in the case.
    case = {
        "case": "t.rel",
        "title": "相对",
        "lines": [
            {"id": "big", "label": "大", "formula": "x", "inputs": {"x": "101 万元"}},
            {"id": "small", "label": "小", "formula": "x", "inputs": {"x": "11 万元"}},
        ],
    }
    case["lines"][0]["stated"] = "100 万元"
    case["lines"][1]["stated"] = "10 万元"
    _, doc = _run(case)
    assert [e["line_id"] for e in doc["forms"][0]["findings"]] == ["small", "big"]


def test_the_text_report_shows_a_quote_without_the_markup_of_the_extracted_form() -> None:
    # The source (a web page's table, as published) has '</p>' between the 测算依据 cell and
    # the 金额 cell; the quote keeps it verbatim, the text report shows it as the filed
    # report does (tags stripped, the tab a space).
    path = ROOT / "cases/jianghan-2023/paishui-shulao.yaml"
    data = report.envelope("audit", [report.audit_case(cesuan.audit(path))], [])
    quotes = [q for f in data["cases"][0]["findings"] for q in f["quotes"]]
    assert "=3593.45万元。</p>\t3493.45" in quotes
    for out in (report.audit_text(data, [], verbose=True), report.audit_markdown(data)):
        assert "</p>" not in out
    assert "“=3593.45万元。 3493.45”" in report.audit_text(data, [], verbose=True)


def test_a_rounding_difference_is_counted_on_its_own_in_the_summary() -> None:
    # 0.33 × 3 = 0.99 against 1.00: within 3 × 0.005 = 0.015 → a 尾差, counted among the
    # rounded matches and on its own.
    parts = [{"id": k, "label": k, "stated": "0.33 万元"} for k in ("a", "b", "c")]
    total = {"id": "t", "label": "合计", "formula": "a + b + c", "stated": "1.00 万元"}
    data, doc = _run({"case": "t.tail", "title": "尾差", "lines": [*parts, total]})
    s = data["cases"][0]["summary"]
    assert (s["rounded_match"], s["rounding_difference"], s["mismatch"]) == (1, 1, 0)
    assert "四舍五入后相符 1（其中尾差 1）" in report.audit_text(data, [])
    assert "含尾差 1 个" in doc["forms"][0]["overview"]


def test_computed_parts_shown_rounded_do_not_explain_a_wrong_total() -> None:
    # (Found by the perturbation property.) Each part: 1 平方米 × 1 元/(平方米·月) × 3 月 = 3 元
    # = 0.0003 万元, stated 0 万元 (0 places: a rounded match). The total 0.0006 万元 is stated
    # 1 万元. The parts' exact values are known: 0.0006 rounds to 0, not 1, so the total is
    # wrong — the rounding of the parts (2 × 0.5 = 1 ≥ 1) does not explain it.
    leaf = {
        "formula": "area * rate * months",
        "inputs": {"area": "1 平方米", "rate": "1 元/(平方米·月)", "months": "3 月"},
        "stated": "0 万元",
    }
    lines = [{"id": k, "label": k, **leaf} for k in ("a", "b")]
    lines.append({"id": "t", "label": "合计", "formula": "a + b", "stated": "1 万元"})
    audit = cesuan.audit({"case": "t.parts", "title": "分项", "lines": lines})
    found = {(f.line_id, str(f.kind)) for f in audit.findings if f.severity != "info"}
    assert found == {("t", "sum_mismatch")}
