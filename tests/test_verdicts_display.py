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
    """The audit JSON data of one case, its text report, and both Markdown reports."""
    data = report.envelope("audit", [report.audit_case(cesuan.audit(case))], [])
    doc, _ = report_for_run(data, date="2026-01-01")
    return (
        data,
        report.audit_text(data, [], verbose=True),
        report.audit_markdown(data),
        (render_markdown(doc)),
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


@pytest.mark.parametrize(
    "case", [*BUNDLED, *VERDICTS, THIRDS], ids=lambda c: c.name if isinstance(c, Path) else "thirds"
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
    assert "约0.33 万元/人" in f["message"]
    (line,) = [ln for ln in data["cases"][0]["lines"] if ln["line_id"] == "per"]
    assert (line["value"], line["value_exact"]) == ("0.33 万元/人", "1/3")
    assert "约0.33 万元/人" in text
    assert "约0.33 万元/人" in md_filed


def test_an_exact_value_has_no_exact_field() -> None:
    data, *_ = _outputs(VERDICTS[[p.name for p in VERDICTS].index("round0.yaml")])
    (f,) = [f for f in data["cases"][0]["findings"] if f["severity"] == "error"]
    assert (f["computed"], f["computed_exact"], f["difference_exact"]) == ("28 元/个", None, None)
