"""Bounds (issue 11): bound text read as written, intervals through lines, and the audit's
verdicts — each against hand-worked arithmetic (in the comments and in tests/bounds/*.yaml).
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cesuan
from cesuan import exact
from cesuan.bounds import parse_bound, parse_value
from cesuan.cli import main
from cesuan.errors import CesuanError, ErrorKind
from cesuan.expr.interval import Interval
from cesuan.schemas import output_schema

HERE = Path(__file__).parent / "bounds"


def _audit(name: str) -> cesuan.Audit:
    return cesuan.audit(cesuan.evaluate(HERE / name))


def _check(a: cesuan.Audit, line_id: str) -> Any:
    return next(c for c in a.checks if c.line_id == line_id)


# --- reading bound text ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "lo", "hi"),
    [
        ("≤65 万元", "at_most", None, "65 万元"),
        ("不超过65万元", "at_most", None, "65 万元"),
        ("<= 65 万元", "at_most", None, "65 万元"),
        ("≦65万元", "at_most", None, "65 万元"),
        ("65万元以内", "at_most", None, "65 万元"),
        ("最高 8000 元/人", "at_most", None, "8000 元/人"),
        ("不高于 3 个", "at_most", None, "3 个"),
        ("不多于 3 个", "at_most", None, "3 个"),
        ("≥ 500 亩", "at_least", "500 亩", None),
        (">=500 亩", "at_least", "500 亩", None),
        ("≧500亩", "at_least", "500 亩", None),
        ("不低于 95%", "at_least", "0.95", None),
        ("不少于1000人", "at_least", "1000 人", None),
        ("至少 20 座", "at_least", "20 座", None),
        ("95%以上", "at_least", "0.95", None),  # 95% = 0.95
        ("5万余名", "at_least", "50000 名", None),  # 5万 = 50000
        ("10~20 人", "between", "10 人", "20 人"),
        ("30至50万元", "between", "30 万元", "50 万元"),
        # The '%' written only at the upper end is shared, as a unit is: 97% = 0.97, 100% = 1
        # (read as 97, the lower end would be 9700% and above the upper end).
        ("97~100%", "between", "0.97", "1"),
        ("97～100％", "between", "0.97", "1"),
        ("97%~100%", "between", "0.97", "1"),
    ],
)
def test_bound_words(text: str, kind: str, lo: str | None, hi: str | None) -> None:
    b = parse_bound(text)
    assert b.kind == kind
    assert (None if b.lo is None else str(b.lo)) == lo
    assert (None if b.hi is None else str(b.hi)) == hi
    assert b.text == text


def test_plain_text_is_no_bound() -> None:
    q, b = parse_value("65 万元")
    assert b is None
    assert q.magnitude == Decimal(65)


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("<65 万元", 0),  # strict: refused, not read as ≤
        ("超过 65 万元", 0),
        ("65 万元 以上以内", None),
        ("≤ 65 万元 元", None),
        ("余5 人", 0),
    ],
)
def test_bad_bounds_are_located_errors(text: str, column: int | None) -> None:
    with pytest.raises(CesuanError) as e:
        parse_bound(text)
    assert e.value.kind is ErrorKind.QUANTITY_SYNTAX
    assert e.value.text == text
    if column is not None:
        assert e.value.column == column


def test_ends_of_a_ceiling_start_at_zero() -> None:
    # "≤30 人" on a form is a count: [0, 30]; "≥95%" is [0.95, ∞); "≤ -5 元" stays open below.
    one = parse_bound("≤30 人")
    assert one.ends(one.point.unit) == (Fraction(0), Fraction(30))
    share = parse_bound("≥95%")
    assert share.ends(share.point.unit) == (Fraction(95, 100), None)
    neg = parse_bound("≤ -5 元")
    assert neg.ends(neg.point.unit) == (None, Fraction(-5))


def test_a_bound_in_a_case_names_its_field() -> None:
    with pytest.raises(CesuanError) as e:
        cesuan.evaluate(
            {
                "case": "t",
                "title": "t",
                "lines": [{"id": "a", "label": "甲", "formula": "x * 2", "inputs": {"x": "<3 元"}}],
            }
        )
    err = e.value.errors[0] if hasattr(e.value, "errors") else e.value
    assert err.kind is ErrorKind.QUANTITY_SYNTAX
    assert err.field == "lines[a].inputs.x.value"


def test_a_written_result_cannot_be_a_bound() -> None:
    with pytest.raises(CesuanError) as e:
        cesuan.evaluate(
            {
                "case": "t",
                "title": "t",
                "lines": [
                    {
                        "id": "a",
                        "label": "甲",
                        "value": "3 元",
                        "written": {"expr": "1+2", "unit": "元", "result": "≤3 元"},
                    }
                ],
            }
        )
    err = e.value.errors[0] if hasattr(e.value, "errors") else e.value
    assert err.field == "lines[a].written[0].result"


# --- the verdicts ----------------------------------------------------------------------------


def test_within_ceiling() -> None:
    # 12 台 × 2.5 万元/台 = 30 万元 ≤ 30 万元
    a = _audit("within_ceiling.yaml")
    c = _check(a, "cost")
    assert (c.status, c.stated, c.computed) == ("within_bound", "不超过30万元", "30 万元")
    assert not a.has_errors
    assert a.summary()["within_bound"] == 1


def test_over_ceiling() -> None:
    # 13 × 2.5 = 32.5 万元 > 30 万元: over by 2.5 万元
    a = _audit("over_ceiling.yaml")
    (f,) = [f for f in a.findings if f.severity == "error"]
    assert f.kind == "over_ceiling"
    assert (f.stated, f.computed, f.difference) == ("不超过30万元", "32.5 万元", "2.5 万元")
    assert "超出2.5万元" in f.message
    assert _check(a, "cost").status == "mismatch"


def test_under_floor() -> None:
    # 480 亩 × 1600 元/亩 = 768000 元 = 76.8 万元 < 80 万元: short by 3.2 万元
    a = _audit("under_floor.yaml")
    (f,) = [f for f in a.findings if f.severity == "error"]
    assert f.kind == "under_floor"
    assert (f.computed, f.difference) == ("76.8 万元", "-3.2 万元")


def test_bounded_count_times_standard() -> None:
    a = _audit("count_standard.yaml")
    r = a.result
    # 5万余 人 → [50000, ∞) 人; × 800 元/人 → [40000000, ∞) 元 = [4000, ∞) 万元
    assert r["students"].interval == Interval(Fraction(50000), None)
    assert r["total"].interval == Interval(Fraction(4000), None)
    # 4136 万元 lies in [4000, ∞)
    assert _check(a, "total").status == "within_bound"
    # 3900 万元 is 100 万元 below the lower end 4000
    short = next(f for f in a.findings if f.line_id == "short")
    assert (short.kind, short.computed, short.difference) == (
        "out_of_range",
        "不低于4000万元",
        "100 万元",
    )
    # ≤ 5000 人 → [0, 5000]; × 800 → [0, 4000000] 元 = [0, 400] 万元 ≤ 400 万元
    assert r["capped"].interval == Interval(Fraction(0), Fraction(400))
    assert _check(a, "capped").status == "within_bound"
    # [0, 400] against ≤ 300: partly above, partly below
    low = next(f for f in a.findings if f.line_id == "capped_low")
    assert (low.kind, low.severity) == ("bound_undecided", "warning")
    assert _check(a, "capped_low").status == "undecided"


def test_a_declared_rounding_applies_to_each_end() -> None:
    # [1, 2] 人 × 1/3 元/人 = [1/3, 2/3] 元, rounded to 2 places: [0.33, 0.67] 元
    r = cesuan.evaluate(
        {
            "case": "t",
            "title": "t",
            "lines": [
                {
                    "id": "a",
                    "label": "甲",
                    "formula": "n * 1 元/人 / 3",
                    "inputs": {"n": "1~2 人"},
                    "round": {"places": 2},
                }
            ],
        }
    )
    assert r["a"].interval == Interval(Fraction(33, 100), Fraction(67, 100))


def test_a_stated_only_bound_feeds_a_total_as_a_range() -> None:
    # part ≤ 30 万元 (stated only) → [0, 30]; total = part + 10 万元 → [10, 40] 万元;
    # stated 35 万元 lies in it.
    r = cesuan.evaluate(
        {
            "case": "t",
            "title": "t",
            "lines": [
                {"id": "part", "label": "分项", "stated": "≤30 万元"},
                {"id": "other", "label": "其他", "value": "10 万元"},
                {"id": "total", "label": "合计", "formula": "part + other", "stated": "35 万元"},
            ],
        }
    )
    assert r["total"].interval == Interval(Fraction(10), Fraction(40))
    assert _check(cesuan.audit(r), "total").status == "within_bound"


# --- what each command does with a range -----------------------------------------------------


def test_explain_says_it_as_forms_do() -> None:
    res = cesuan.evaluate(HERE / "count_standard.yaml")
    text = cesuan.explain(res)
    assert "受益学生5万余人。" in text
    assert "受益学生5万余人×800元/人=不低于4000万元。" in text
    over = cesuan.explain(cesuan.evaluate(HERE / "over_ceiling.yaml"))
    assert "（申报上限：不超过30万元）" in over


def test_json_outputs_validate_and_carry_the_range(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(HERE / "count_standard.yaml")
    assert main(["calc", path, "--format", "json"]) == 0
    calc = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator(output_schema("calc")).validate(calc)
    total = next(ln for ln in calc["cases"][0]["lines"] if ln["id"] == "total")
    assert total["value"] is None
    assert total["range"] == {"lo": "4000 万元", "hi": None, "text": "不低于4000万元"}
    assert main(["audit", path, "--format", "json"]) == 1
    audit = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator(output_schema("audit")).validate(audit)
    line = next(ln for ln in audit["cases"][0]["lines"] if ln["line_id"] == "capped")
    assert (line["stated"], line["value"], line["range"]) == (
        "不超过400万元",
        None,
        "不超过400万元",
    )


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_audit_reports_render(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", str(HERE / "count_standard.yaml"), "--format", fmt]) == 1
    out = capsys.readouterr().out
    assert "申报数不在计算区间内" in out
    assert "无法确定是否在界内" in out
    # The undecided finding has no one difference: none is printed empty.
    assert "差额 （" not in out
    assert '<span class="amount"></span>' not in out


def test_csv_writes_the_range_as_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calc", str(HERE / "count_standard.yaml"), "--format", "csv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert any(",total,膳食补助,不低于4000万元,不低于4000万元,万元,4136,," in r for r in rows)


def test_compare_compares_ranges(capsys: pytest.CaptureFixture[str]) -> None:
    # ≤ 5000 人 → ≤ 6000 人: [0, 5000] × 800 元 = [0, 400] 万元 becomes [0, 6000] × 800 元 =
    # [0, 480] 万元; the 5万余 line does not move.
    path = str(HERE / "count_standard.yaml")
    assert main(["compare", path, "--set", "capped.boarders=≤ 6000 人", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    rows = {r["id"]: r for r in data["lines"]}
    assert data["changed"] == ["capped"]
    assert (rows["capped"]["old_range"], rows["capped"]["new_range"]) == (
        "不超过400万元",
        "不超过480万元",
    )
    assert rows["capped"]["difference"] is None
    assert rows["total"]["status"] == "same"


# One way to write a bound or a range for people, in every output. The forms write a bound
# 30万人次以上 / 90%以上 (no space, the unit after the number) and a range 97%-100% (the unit at
# both ends); a ceiling ≤ N is read as [0, N], so [0, N] is written 不超过N.
_RANGES = """\
case: t.ranges
title: 区间的写法
lines:
  - id: cap
    label: 上限项
    value: ≤ 9.6 万元
  - id: floor
    label: 下限项
    value: ≥ 50 个
  - id: span
    label: 区间项
    formula: n * price
    inputs:
      n: 10~22 个
      price: 0.8 万元/个
    stated: 8~17.6 万元
  - id: gap
    label: 差额项
    formula: span - 20 万元
    sign: any
"""
# span: [10, 22] 个 × 0.8 万元/个 = [8, 17.6] 万元; gap: [8 − 20, 17.6 − 20] = [−12, −2.4] 万元.
_WORDS = {
    "cap": "不超过9.6万元",
    "floor": "不低于50个",
    "span": "8万元至17.6万元",
    "gap": "−12万元至−2.4万元",
}


def test_ranges_are_written_one_way_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ranges.yaml"
    path.write_text(_RANGES, encoding="utf-8")
    assert main(["calc", str(path)]) == 0
    table = {row.split()[0]: row.split()[2:] for row in capsys.readouterr().out.splitlines()[3:]}
    # The stated range beside the computed one, written the same way (not as written: 8~17.6).
    assert table == {
        "cap": ["不超过9.6万元"],
        "floor": ["不低于50个"],
        "span": ["8万元至17.6万元", "8万元至17.6万元"],
        "gap": ["−12万元至−2.4万元"],
    }
    assert main(["calc", str(path), "--format", "csv"]) == 0
    rows = {r.split(",")[1]: r.split(",") for r in capsys.readouterr().out.splitlines()}
    for line_id, words in _WORDS.items():
        assert rows[line_id][3:5] == [words, words]
    assert rows["span"][6] == "8万元至17.6万元"
    assert main(["calc", str(path), "--format", "json"]) == 0
    lines = json.loads(capsys.readouterr().out)["cases"][0]["lines"]
    # JSON keeps the exact ends beside the words.
    assert lines[0]["range"] == {"lo": "0 万元", "hi": "9.6 万元", "text": "不超过9.6万元"}
    assert [ln["shown"] for ln in lines] == list(_WORDS.values())
    assert main(["explain", str(path), "--format", "md"]) == 0
    md = capsys.readouterr().out
    assert (
        "| 区间项 | 区间项：10个至22个×0.8万元/个=8万元至17.6万元（申报范围：8万元至17.6万元）。 |"
        in md
    )
    assert md.rstrip().endswith("| −12万元至−2.4万元 |")
    assert main(["compare", str(path), "--set", "span.n=10~23 个", "--format", "json"]) == 0
    rows_c = {r["id"]: r for r in json.loads(capsys.readouterr().out)["lines"]}
    # [10, 23] × 0.8 = [8, 18.4] 万元
    assert (rows_c["span"]["old_range"], rows_c["span"]["new_range"]) == (
        "8万元至17.6万元",
        "8万元至18.4万元",
    )
    assert rows_c["cap"]["old_range"] == "不超过9.6万元"


def test_the_audit_writes_a_stated_range_as_every_range(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ranges.yaml"
    path.write_text(_RANGES.replace("stated: 8~17.6 万元", "stated: 9~17 万元"), encoding="utf-8")
    assert main(["audit", str(path), "--format", "json"]) == 0  # undecided is a warning
    data = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator(output_schema("audit")).validate(data)
    line = next(ln for ln in data["cases"][0]["lines"] if ln["line_id"] == "span")
    # [8, 17.6] against 9~17: partly inside, partly outside the stated range.
    assert (line["status"], line["stated"], line["range"]) == (
        "undecided",
        "9万元至17万元",
        "8万元至17.6万元",
    )
    assert main(["audit", str(path)]) == 0
    assert "计算结果为8万元至17.6万元，申报9万元至17万元：" in capsys.readouterr().out


def test_export_writes_bounds_and_ranges_as_text(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "x.xlsx"
    assert main(["export", "-o", str(target), str(HERE / "count_standard.yaml")]) == 0
    cells = [c.value for row in load_workbook(target).active.iter_rows() for c in row]
    assert "5万余 人" in cells  # the input as written, a text cell
    assert "不低于4000万元" in cells  # the range, not a formula giving one value
    assert "不超过400万元" in cells  # the stated bound
    # No formula reads a bound: every formula cell is of a line without a range.
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)


def test_a_bound_where_only_a_number_fits_says_so() -> None:
    # Issue 11: the hint for `≤65 万元` used to be "删除该字符".
    with pytest.raises(CesuanError) as e:
        cesuan.parse_quantity("≤65 万元")
    assert e.value.hint is not None
    assert "界限" in e.value.hint
    assert "删除" not in e.value.hint


# --- end to end: a bounded case against the same case at points inside its bounds -----------

_FORMULAS = [
    "n * std",
    "n * std / 2 + 3 元",
    "max(n * std, 100 元) - 50 元",
    "round(n * std * 98%, 0, 元)",
]


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["≤ {a} 人", "≥ {a} 人", "{a}~{b} 人", "{a}余 人"]),
    st.integers(0, 10**6),
    st.integers(0, 10**6),
    st.sampled_from(_FORMULAS),
    st.fractions(0, 1),
    st.sampled_from(["元", "万元"]),
)
def test_every_point_inside_the_bounds_lies_in_the_interval(
    shape: str, a: int, b: int, formula: str, t: Fraction, unit: str
) -> None:
    lo, hi = min(a, b), max(a, b)
    text = shape.format(a=lo, b=hi)

    def case(n: str) -> dict[str, Any]:
        return {
            "case": "t",
            "title": "t",
            "lines": [
                {
                    "id": "x",
                    "label": "甲",
                    "formula": formula,
                    "inputs": {"n": n, "std": "12.5 元/人"},
                    "unit": unit,
                },
                {"id": "y", "label": "乙", "formula": "x * 3 + 1 元", "unit": "元"},
            ],
        }

    bounded = cesuan.evaluate(case(text))
    # A point inside (ends are integers, so rounding to 2 places stays inside): ≤ lo is
    # [0, lo]; ≥ lo and lo余 are [lo, ∞) (a point up to lo + hi); lo~hi is [lo, hi].
    if shape.startswith("≤"):
        point = t * lo
    elif "~" in shape:
        point = lo + t * (hi - lo)
    else:
        point = lo + t * hi
    decimal = exact.format_exact(exact.round_half_up(point, 2))
    at_point = cesuan.evaluate(case(f"{decimal} 人"))
    for line_id in ("x", "y"):
        iv = bounded[line_id].interval
        assert iv is not None
        assert iv.contains(exact.to_fraction(at_point[line_id].exact)), (text, decimal)


def test_every_place_of_a_ranged_line_is_checked() -> None:
    # n ≤ 10 人 × 1000 元/人 → [0, 10000] 元. Printed in two places: 8000 元 (inside) and
    # 12000 元 (outside, 2000 元 above the upper end). The second place alone is reported.
    case = {
        "case": "t.places",
        "title": "两处",
        "lines": [
            {
                "id": "a",
                "label": "补助",
                "formula": "n * rate",
                "inputs": {"n": "≤10 人", "rate": "1000 元/人"},
                "unit": "元",
                "stated": [{"value": "8000 元"}, {"value": "12000 元"}],
            }
        ],
    }
    audit = cesuan.audit(case)
    wrong = [f for f in audit.findings if f.severity == "error"]
    assert [(f.kind, f.line_id) for f in wrong] == [("out_of_range", "a")]
    assert wrong[0].message.startswith("第2处申报数：")
    assert "12000" in wrong[0].message
    statuses = sorted(c.status for c in audit.checks if c.line_id == "a")
    assert statuses == ["mismatch", "within_bound"]
