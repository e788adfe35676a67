"""Audit output says exactly what the engine decided, in the forms' style: a range is never
shown as one number, a rate's bound findings in percent, amounts written as the forms write
them. Every expected text is worked by hand in a comment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import cesuan
from cesuan import report
from cesuan.auditreport import report_for_run
from cesuan.errors import CesuanError
from cesuan.report_html import render_html
from cesuan.report_md import render_markdown


def _lines(case: Any) -> dict[str, dict[str, Any]]:
    data = report.audit_case(cesuan.audit(case))
    return {ln["line_id"]: ln for ln in data["lines"]}


def test_a_value_over_stated_bounds_is_no_single_number() -> None:
    # a states 9~17 万元, b 5 万元: over the stated parts the total is 14 to 22 万元, a range;
    # its upper end alone (22 万元) is not what the total is.
    case = {
        "case": "t.a",
        "title": "区间",
        "lines": [
            {"id": "a", "label": "甲", "stated": "9~17 万元"},
            {"id": "b", "label": "乙", "stated": "5 万元"},
            {"id": "total", "label": "合计", "formula": "a + b", "stated": "20 万元"},
        ],
    }
    total = _lines(case)["total"]
    assert total["status"] == "within_bound"
    assert total["value"] is None
    assert total["value_over_stated_parts"] is None
    assert total["value_over_stated_parts_exact"] is None
    assert total["range"] == "14万元至22万元"  # 9 + 5 = 14, 17 + 5 = 22


def test_a_range_read_as_one_value_over_stated_amounts_shows_that_value() -> None:
    # a = n × 1 万元/人 with n ≤ 10 人 is at most 10 万元, but the form states a = 9 万元 and
    # b = 5 万元: over those the total is one value, 9 + 5 = 14 万元, and that is what the
    # audit checks (match). Its computed range stays in `range`: 5 + [0, 10] = 5 to 15 万元.
    case = {
        "case": "t.p",
        "title": "点值",
        "lines": [
            {
                "id": "a",
                "label": "甲",
                "formula": "n * price",
                "inputs": {"n": {"value": "≤ 10 人"}, "price": {"value": "1 万元/人"}},
                "stated": "9 万元",
            },
            {"id": "b", "label": "乙", "stated": "5 万元"},
            {"id": "total", "label": "合计", "formula": "a + b", "stated": "14 万元"},
        ],
    }
    total = _lines(case)["total"]
    assert total["status"] == "match"
    assert total["value_over_stated_parts"] == "14 万元"
    assert total["range"] == "5万元至15万元"


def _findings(case: Any) -> dict[str, dict[str, Any]]:
    data = report.audit_case(cesuan.audit(case))
    return {f["line_id"]: f for f in data["findings"] if f["severity"] == "error"}


# 执行率 = 35 万元 ÷ 50 万元 = 0.7 = 70%. A stated range x = 10~20 万元 gives x ÷ 50 万元 =
# 0.2 to 0.4 = 20% to 40%.
RATES: dict[str, Any] = {
    "case": "t.b",
    "title": "比率",
    "lines": [
        {"id": "spent", "label": "执行数", "stated": "35 万元"},
        {"id": "budget", "label": "预算", "stated": "50 万元"},
        # 70% over a ceiling of 60%: 10 个百分点 over.
        {"id": "ceil", "label": "执行率", "formula": "spent / budget", "stated": "≤ 60%"},
        # 70% under a floor of 80%: 70 − 80 = −10 个百分点.
        {"id": "floor", "label": "执行率", "formula": "spent / budget", "stated": "≥ 80%"},
        # 60.0% is not in 20%至40%: 40 − 60 = −20 个百分点 from its upper end.
        {
            "id": "out",
            "label": "比率",
            "formula": "x / budget",
            "inputs": {"x": {"value": "10~20 万元"}},
            "stated": "60.0%",
        },
        # 30.0% lies in 20%至40%: within, its stated amount written as the form writes it.
        {
            "id": "inside",
            "label": "比率",
            "formula": "x / budget",
            "inputs": {"x": {"value": "10~20 万元"}},
            "stated": "30.0%",
        },
    ],
}


def test_b_bound_findings_on_a_rate_read_in_percent_and_points() -> None:
    found = _findings(RATES)
    ceil, floor, out = found["ceil"], found["floor"], found["out"]
    assert (ceil["computed"], ceil["difference"]) == ("70%", "10 个百分点")
    assert ceil["message"] == "计算结果为70%，超过上限（申报不超过60%），超出10个百分点"
    assert (floor["computed"], floor["difference"]) == ("70%", "-10 个百分点")
    assert floor["message"] == "计算结果为70%，低于下限（申报不低于80%），差10个百分点"
    assert (out["stated"], out["computed"], out["difference"]) == (
        "60.0%",
        "20%至40%",
        "-20 个百分点",
    )
    assert out["message"] == (
        "按输入的界限计算，本行为20%至40%，申报60.0%不在其中（距上端20个百分点）"
    )
    for f in (ceil, floor, out):
        for ratio in ("0.7", "0.6", "0.1", "0.2"):
            assert ratio not in f["message"], (ratio, f["message"])
    inside = _lines(RATES)["inside"]
    assert (inside["status"], inside["stated"], inside["range"]) == (
        "within_bound",
        "30.0%",
        "20%至40%",
    )


def test_c_a_stated_percentage_point_is_a_difference_of_rates() -> None:
    # 执行率 = 35 ÷ 41 = 0.853658…; less 85.3% it is 27/41000 = 0.0658536… 百分点
    # (1 百分点 = 1/100), 0.07 百分点 at the stated 2 places: a rounded match. Stated 0.10
    # 百分点 is a mismatch by 27/410 − 41/410 = −14/410 = −7/205 百分点 = −0.0341… → −0.03.
    case = {
        "case": "t.c",
        "title": "百分点",
        "lines": [
            {"id": "spent", "label": "执行数", "stated": "35 万元"},
            {"id": "budget", "label": "预算", "stated": "41 万元"},
            {"id": "rate", "label": "执行率", "formula": "spent / budget"},
            {"id": "gain", "label": "提高", "formula": "rate - 85.3%", "stated": "0.07 百分点"},
            {"id": "bad", "label": "提高", "formula": "rate - 85.3%", "stated": "0.10 百分点"},
        ],
    }
    lines = _lines(case)
    assert (lines["gain"]["status"], lines["gain"]["value_exact"]) == ("rounded_match", "27/410")
    bad = _findings(case)["bad"]
    assert (bad["stated"], bad["difference"], bad["difference_exact"]) == (
        "0.10 百分点",
        "-0.03 百分点",
        "-7/205",
    )


def test_c_a_bare_number_is_still_refused() -> None:
    # Only a named 百分点 is let through: a bare 0.07 is still a forgotten unit.
    case = {
        "case": "t.c",
        "title": "无单位",
        "lines": [{"id": "a", "label": "甲", "stated": "0.07"}],
    }
    with pytest.raises(CesuanError) as e:
        cesuan.audit(case)
    assert "没有单位" in str(e.value)


def test_d_amounts_in_the_audit_s_human_texts_are_written_as_the_forms_write_them() -> None:
    # 2 次 × 5 万元/次 = 10 万元, the form states 12 万元: 10 − 12 = −2 万元. Every text a
    # person reads writes an amount against its unit, after its word (申报12万元), as the
    # 测算依据 does; the JSON fields keep the space their schema types.
    case = {
        "case": "t.d",
        "title": "写法",
        "lines": [
            {
                "id": "a",
                "label": "甲",
                "formula": "n * price",
                "inputs": {"n": {"value": "2 次"}, "price": {"value": "5 万元/次"}},
                "stated": "12 万元",
            }
        ],
    }
    data = report.envelope("audit", [report.audit_case(cesuan.audit(case))], [])
    (f,) = [f for f in data["cases"][0]["findings"] if f["severity"] == "error"]
    assert f["message"] == "按测算依据计算为10万元，申报12万元"
    assert (f["stated"], f["computed"], f["difference"]) == ("12 万元", "10 万元", "-2 万元")
    assert "    差额：-2万元（计算 − 申报）" in report.audit_text(data, [])
    assert "- 申报：12万元；计算：10万元；差额：-2万元" in report.audit_markdown(data)
    doc, _ = report_for_run(data, date="2026-01-01")
    assert "- 申报12万元；计算10万元；差额-2万元（计算 − 申报）" in render_markdown(doc)
    html = render_html(doc, {})
    assert '<dd>12万元；计算10万元；差额<span class="amount">-2万元</span>' in html
    for out in (report.audit_text(data, []), render_markdown(doc), html):
        for spaced in ("12 万元", "10 万元", "-2 万元"):
            assert spaced not in out, (spaced, out)


def test_e_a_computed_amount_beside_a_stated_one_has_its_places() -> None:
    # 439 万元 ÷ 500 万元 = 0.878 = 87.8%: beside a stated 87.80% it reads 87.80%. Stated
    # 87.90%, it is off by 87.8 − 87.9 = −0.1 个百分点; the exact ratio stays 0.878 (terminating,
    # so no *_exact).
    def rate(stated: str) -> dict[str, Any]:
        return {
            "id": "r",
            "label": "执行率",
            "formula": "spent / budget",
            "inputs": {"spent": {"value": "439 万元"}, "budget": {"value": "500 万元"}},
            "stated": stated,
        }

    ok = {"case": "t.e", "title": "位数", "lines": [rate("87.80%")]}
    line = _lines(ok)["r"]
    assert (line["status"], line["stated"], line["value"]) == ("match", "87.80%", "87.80%")
    off = {"case": "t.e", "title": "位数", "lines": [rate("87.90%")]}
    f = _findings(off)["r"]
    assert (f["computed"], f["computed_exact"], f["difference"]) == (
        "87.80%",
        None,
        "-0.1 个百分点",
    )
    assert f["message"] == "按测算依据计算为87.80%，申报87.90%"


def _messages(case: Any) -> list[tuple[str, str, str]]:
    data = report.audit_case(cesuan.audit(case))
    return [
        (f["line_id"], f["kind"], f["message"])
        for f in data["findings"]
        if f["kind"] not in ("quote_missing", "unverifiable")
    ]


def test_e_every_message_pads_a_computed_amount_to_the_stated_places() -> None:
    # Each message that sets a computed amount beside a stated one writes it to the stated
    # places (2.5 beside 2.60 is 2.50), as the point mismatch above does.
    # A second place of a line: 2.5 万元 computed, stated 2.50 and 2.60.
    places = {
        "case": "t.e",
        "title": "位数",
        "lines": [
            {
                "id": "p",
                "label": "甲",
                "formula": "x * y",
                "inputs": {"x": "2.5 万元", "y": "1"},
                "stated": ["2.50 万元", "2.60 万元"],
            }
        ],
    }
    assert _messages(places) == [("p", "mismatch", "第2处申报数2.60万元：按测算依据计算为2.50万元")]
    # A total over stated parts 1.20 + 1.30 = 2.5, stated 3.00; the parts as computed give
    # 1.3 + 1.3 = 2.6, written 2.60.
    total = {
        "case": "t.e",
        "title": "位数",
        "lines": [
            {
                "id": "p",
                "label": "甲",
                "formula": "x * y",
                "inputs": {"x": "1.3 万元", "y": "1"},
                "stated": "1.20 万元",
            },
            {"id": "q", "label": "乙", "stated": "1.30 万元"},
            {"id": "t", "label": "合计", "formula": "p + q", "stated": "3.00 万元"},
        ],
    }
    assert (
        "t",
        "sum_mismatch",
        "按各分项申报数计算为2.50万元，申报3.00万元（分项按测算结果计则为2.60万元）",
    ) in _messages(total)
    # 尾差: 1.25 + 1.25 = 2.5 beside a stated 2.51 is 2.50; two parts of 2 places may be off by
    # 0.005 each, 0.01 in all, which covers the difference.
    slack = {
        "case": "t.e",
        "title": "位数",
        "lines": [
            {"id": "p", "label": "甲", "stated": "1.25 万元"},
            {"id": "q", "label": "乙", "stated": "1.25 万元"},
            {"id": "t", "label": "合计", "formula": "p + q", "stated": "2.51 万元"},
        ],
    }
    assert _messages(slack) == [
        (
            "t",
            "rounding_difference",
            "按各分项申报数计算为2.50万元，申报2.51万元；"
            "差额不超过 2 个分项各自四舍五入可能造成的0.01万元，系尾差",
        )
    ]
    found = report.audit_case(cesuan.audit(slack))["findings"]
    tail = next(f for f in found if f["kind"] == "rounding_difference")
    assert (tail["computed"], tail["stated"]) == ("2.50 万元", "2.51 万元")
    # The API's check of the line says the same (a library user reads Check.computed).
    check = next(c for c in cesuan.audit(slack).checks if c.line_id == "t")
    assert (check.status, check.computed) == ("rounded_match", "2.50 万元")
    # A written expression 1.2+1.3 = 2.5 万元 beside its stated result 2.60 万元 is 2.50万元.
    written = {
        "case": "t.e",
        "title": "位数",
        "lines": [
            {
                "id": "p",
                "label": "甲",
                "formula": "x * y",
                "inputs": {"x": "2.6 万元", "y": "1"},
                "stated": "2.60 万元",
                "written": [{"expr": "1.2+1.3", "unit": "万元", "result": "2.60 万元"}],
            }
        ],
    }
    msgs = [m for _, kind, m in _messages(written) if kind != "mismatch"]
    assert any(m.startswith("表上算式 1.2+1.3 按原样计算得2.50万元，") for m in msgs), msgs


def test_c_a_bound_stated_in_percentage_points_is_written_in_them() -> None:
    # 439 万元 ÷ 500 万元 − 80% = 0.878 − 0.8 = 0.078 = 7.8 百分点, over a ceiling of 5 百分点 by
    # 2.8. The bound is 5 百分点 (0.05), never "500%" (5 read as a ratio).
    case = {
        "case": "t.c",
        "title": "百分点",
        "lines": [
            {
                "id": "r",
                "label": "执行率差",
                "formula": "a / b - c",
                "inputs": {"a": "439 万元", "b": "500 万元", "c": "80%"},
                "stated": "≤ 5 百分点",
            }
        ],
    }
    assert _lines(case)["r"]["stated"] == "不超过5百分点"
    f = _findings(case)["r"]
    assert f["kind"] == "over_ceiling"
    assert f["message"] == "计算结果为7.8百分点，超过上限（申报不超过5百分点），超出2.8百分点"


def test_a_finding_with_no_difference_writes_no_difference_in_markdown() -> None:
    # [0, 400] 万元 against a ceiling of 300 万元 is partly above, partly below: bound_undecided,
    # which has no one difference — the Markdown says none rather than an empty "差额：".
    here = Path(__file__).parent / "bounds" / "count_standard.yaml"
    data = report.audit_case(cesuan.audit(cesuan.evaluate(here)))
    undecided = [f for f in data["findings"] if f["kind"] == "bound_undecided"]
    assert undecided
    assert undecided[0]["difference"] is None
    text = report.audit_markdown(report.envelope("audit", [data], []))
    assert "- 申报：不超过300万元；计算：不超过400万元\n" in text
    assert not any(line.endswith("差额：") for line in text.splitlines())
