"""How the audit writes amounts (issue 18): never a raw fraction such as 64/123 in any output;
a value with no finite decimal is rounded to the stated places, with 约 in text and the exact
fraction in a separate JSON field."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import cesuan
from cesuan import report
from cesuan.auditreport import report_for_run
from cesuan.report_html import render_html
from cesuan.report_md import render_markdown

ROOT = Path(__file__).parent.parent
BUNDLED = sorted((ROOT / "cases").glob("**/*.yaml"))
VERDICTS = sorted((Path(__file__).parent / "verdicts").glob("*.yaml"))

# A number, '/', a number: '64/123'. Units such as 元/人 have no digit before the '/'.
FRACTION = re.compile(r"\d\s*/\s*\d")

# 1 万元 over 3 人 = 1/3 万元/人 = 0.3333… — stated 0.34: a mismatch whose values do not terminate.
THIRDS: dict[str, Any] = {
    "case": "t.thirds",
    "title": "三人均摊",
    "lines": [
        {"id": "fund", "label": "经费", "stated": "1 万元"},
        {
            "id": "per",
            "label": "人均",
            "formula": "fund / n",
            "inputs": {"n": "3 人"},
            "stated": "0.34 万元/人",
        },
    ],
}


def _outputs(case: Any) -> tuple[dict[str, Any], str, str, str]:
    """The audit JSON data of one case, its text report, and both Markdown reports (the filed
    one followed by the HTML report, which renders the same document)."""
    data = report.envelope("audit", [report.audit_case(cesuan.audit(case))], [])
    doc, _ = report_for_run(data, date="2026-01-01")
    return (
        data,
        report.audit_text(data, [], verbose=True),
        report.audit_markdown(data),
        render_markdown(doc) + render_html(doc, {}),
    )


def _fields(data: dict[str, Any]) -> list[tuple[str, str]]:
    """(name, value) of every amount field of the audit JSON (the *_exact fields excepted)."""
    out = []
    for c in data["cases"]:
        for f in c["findings"]:
            out += [(k, f[k]) for k in ("stated", "computed", "difference") if f[k]]
        for ln in c["lines"]:
            out += [(k, ln[k]) for k in ("value", "value_over_stated_parts") if ln[k]]
    return out


def _case_text(case: Any) -> list[str]:
    """Text the case itself writes (formulas, quotes, notes): echoed, never computed by us."""
    c = cesuan.load_case(case) if isinstance(case, Path) else None
    if c is None:
        return []
    out = []
    for ln in c.lines:
        out += [ln.formula or "", ln.note or "", *(ln.stated.quote if ln.stated else ())]
        out += [q for spec in ln.inputs.values() for q in spec.quote]
        out += [w.expr for w in ln.written]
    return [t for t in out if FRACTION.search(t)]


# 35 万元 ÷ 41 万元 = 0.853658… stated 85.30%: a rate that does not terminate, off by 27/41000
# (0.07 个百分点): written in percent, never 35/41.
RATE: dict[str, Any] = {
    "case": "t.rate",
    "title": "执行率",
    "lines": [
        {"id": "spent", "label": "执行数", "stated": "35 万元"},
        {"id": "budget", "label": "全年预算", "stated": "41 万元"},
        {"id": "rate", "label": "执行率", "formula": "spent / budget", "stated": "85.30%"},
    ],
}


@pytest.mark.parametrize(
    "case",
    [*BUNDLED, *VERDICTS, THIRDS, RATE],
    ids=lambda c: c.name if isinstance(c, Path) else c["case"],
)
def test_no_raw_fraction_in_any_audit_output(case: Any) -> None:
    data, text, md_old, md_filed = _outputs(case)
    for name, value in _fields(data):
        assert not FRACTION.search(value), (name, value)
    for out in (text, md_old, md_filed):
        for echoed in _case_text(case):
            out = out.replace(echoed, "")
        assert not FRACTION.search(out), FRACTION.findall(out)


def test_a_value_that_does_not_terminate_is_rounded_with_its_fraction_kept() -> None:
    data, text, _md_old, md_filed = _outputs(THIRDS)
    (f,) = [f for f in data["cases"][0]["findings"] if f["severity"] == "error"]
    # 1/3 万元/人 to the stated 2 places: 0.33; 1/3 − 0.34 = 100/300 − 102/300 = −1/150 → −0.01
    assert (f["computed"], f["computed_exact"]) == ("0.33 万元/人", "1/3")
    assert (f["difference"], f["difference_exact"]) == ("-0.01 万元/人", "-1/150")
    assert "约0.33万元/人" in f["message"]
    (line,) = [ln for ln in data["cases"][0]["lines"] if ln["line_id"] == "per"]
    assert (line["value"], line["value_exact"]) == ("0.33 万元/人", "1/3")
    assert "约0.33万元/人" in text
    assert "约0.33万元/人" in md_filed


def test_an_exact_value_has_no_exact_field() -> None:
    data, *_ = _outputs(VERDICTS[[p.name for p in VERDICTS].index("round0.yaml")])
    (f,) = [f for f in data["cases"][0]["findings"] if f["severity"] == "error"]
    assert (f["computed"], f["computed_exact"], f["difference_exact"]) == (
        "28.00 元/个",
        None,
        None,
    )


def _thirds_total(total: str) -> dict[str, Any]:
    """Three cells the form rounded to 0.33 万元 (each really 1/3 万元 of a 1 万元 budget: the
    form gives no calculation for them) and their total as stated."""
    parts = [{"id": k, "label": k, "stated": "0.33 万元"} for k in ("a", "b", "c")]
    total_line = {"id": "t", "label": "合计", "formula": "a + b + c", "stated": total}
    return {"case": "t.tail", "title": "尾差", "lines": [*parts, total_line]}


def test_a_total_off_by_the_rounding_of_its_parts_is_a_rounding_difference() -> None:
    # 0.33 + 0.33 + 0.33 = 0.99 万元 against a stated 1.00: off by 0.01. Three parts each
    # written to 2 places can each be off by at most 0.005: 3 × 0.005 = 0.015 ≥ 0.01.
    audit = cesuan.audit(_thirds_total("1.00 万元"))
    found = {(f.line_id, str(f.kind), f.severity) for f in audit.findings if f.severity != "info"}
    assert found == {("t", "rounding_difference", "warning")}
    (f,) = [f for f in audit.findings if f.kind == "rounding_difference"]
    assert (f.computed, f.difference) == ("0.99 万元", "-0.01 万元")
    assert f.kind.title_zh == "尾差（分项四舍五入所致）"
    assert not audit.has_errors
    assert {c.line_id: c.status for c in audit.checks}["t"] == "rounded_match"


def test_a_total_off_by_more_than_the_rounding_of_its_parts_is_a_mismatch() -> None:
    # 0.99 against 1.02: off by 0.03 > 3 × 0.005 = 0.015: a real discrepancy.
    audit = cesuan.audit(_thirds_total("1.02 万元"))
    found = {(f.line_id, str(f.kind)) for f in audit.findings if f.severity != "info"}
    assert found == {("t", "sum_mismatch")}


def test_the_bound_is_inclusive_and_exact() -> None:
    # Two parts at 1 place: 2 × 0.05 = 0.1 exactly. 0.3 + 0.3 = 0.6 against 0.7: off by
    # exactly 0.1 → rounding; against 0.8: off by 0.2 → mismatch.
    def case(total: str) -> dict[str, Any]:
        parts = [{"id": k, "label": k, "stated": "0.3 万元"} for k in ("a", "b")]
        t = {"id": "t", "label": "合计", "formula": "a + b", "stated": total}
        return {"case": "t.two", "title": "两项", "lines": [*parts, t]}

    kinds = {
        total: {str(f.kind) for f in cesuan.audit(case(total)).findings if f.severity != "info"}
        for total in ("0.7 万元", "0.8 万元")
    }
    assert kinds == {"0.7 万元": {"rounding_difference"}, "0.8 万元": {"sum_mismatch"}}


def test_a_part_written_with_fewer_places_is_exact_to_the_totals_places() -> None:
    # tangxi-2022/weituo: 30 + 30 + 29.99 = 89.99 万元 against a stated 89.97: off by 0.02.
    # 30万元 beside a total written to 2 places is 30.00: each part at most 0.005 off,
    # 3 × 0.005 = 0.015 < 0.02 — a real discrepancy (were 30 taken as rounded to units,
    # 0.5 + 0.5 + 0.005 = 1.005 would hide it).
    parts = [
        {"id": "a", "label": "a", "stated": "30 万元"},
        {"id": "b", "label": "b", "stated": "30 万元"},
        {"id": "c", "label": "c", "stated": "29.99 万元"},
    ]
    t = {"id": "t", "label": "合计", "formula": "a + b + c", "stated": "89.97 万元"}
    audit = cesuan.audit({"case": "t.tx", "title": "完成", "lines": [*parts, t]})
    found = {(f.line_id, str(f.kind)) for f in audit.findings if f.severity != "info"}
    assert found == {("t", "sum_mismatch")}


def test_stated_amounts_are_shown_as_written() -> None:
    # 28.40 元/个 keeps its trailing zero everywhere the audit writes it (issue 18).
    case = {
        "case": "t.written",
        "title": "单价",
        "lines": [
            {
                "id": "per",
                "label": "单价",
                "formula": "fund / n",
                "inputs": {"fund": "500000 元", "n": "17600 个"},
                "stated": "28.40 元/个",
            }
        ],
    }
    audit = cesuan.audit(case)
    # 500000 / 17600 = 28.409… → 28.41 at 2 places ≠ 28.40: a mismatch, stated as written
    (f,) = [f for f in audit.findings if f.severity == "error"]
    assert f.stated == "28.40 元/个"
    assert "申报28.40元/个" in f.message
    assert {c.line_id: c.stated for c in audit.checks}["per"] == "28.40 元/个"
