"""Deterministic tests written to kill the mutants that survived `mutmut run` on evaluation.py,
reconcile.py and provenance.py (docs/testing.md records each run, its score and the mutants
left as equivalent, with why).

Every expected value is worked out by hand, with the arithmetic in a comment; none is taken
from the engine. Each test names the behaviour it pins, so a failure says what broke.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

import cesuan


def _case(*lines: dict[str, Any]) -> dict[str, Any]:
    return {"case": "kills.engine", "title": "变异核对", "lines": list(lines)}


def _third(i: int, **kw: Any) -> dict[str, Any]:
    # 1 万元 ÷ 3 = 0.3333… 万元, declared rounding to 2 places → 0.33 万元
    return {
        "id": f"p{i}",
        "label": f"分项{i}",
        "formula": "a / n",
        "inputs": {"a": "1 万元", "n": "3"},
        "unit": "万元",
        "round": {"places": 2},
        **kw,
    }


def test_a_total_reads_its_unstated_rounded_parts_as_shown() -> None:
    # Parts with no stated amount, rounded to 0.33 万元 each. The form's own arithmetic adds
    # them as printed: 0.33 + 0.33 = 0.66 (over_shown); adding them before their rounding
    # would give 2/3 = 0.6667. The total's exact value is 1/3 + 1/3 = 2/3 (exact values flow).
    total = {"id": "t", "label": "合计", "formula": "p1 + p2", "unit": "万元"}
    r = cesuan.evaluate(_case(_third(1), _third(2), total))
    assert r["t"].over_shown == Decimal("0.66")
    assert r["t"].exact * 3 == 2


# --- reconcile: the findings a reviewer reads, every field -----------------------------------


def _audit(source: str, *lines: dict[str, Any]) -> cesuan.Audit:
    return cesuan.audit(cesuan.load_case(_case(*lines), source_text=source))


def _finding(audit: cesuan.Audit, line_id: str, kind: str) -> dict[str, Any]:
    return next(f.to_dict() for f in audit.findings if (f.line_id, str(f.kind)) == (line_id, kind))


def _check(audit: cesuan.Audit, line_id: str) -> tuple[Any, ...]:
    c = next(c for c in audit.checks if c.line_id == line_id)
    return (c.status, c.stated, c.computed, c.reading)


def _stated_part(i: int, amount: str) -> dict[str, Any]:
    return {"id": f"p{i}", "label": f"分项{i}", "stated": {"value": amount, "quote": [amount]}}


TAIL_SOURCE = "分项各0.33 万元，合计1.00 万元"


def _tail(total: str, n: int = 3) -> cesuan.Audit:
    total_line = {
        "id": "t",
        "label": "合计",
        "formula": " + ".join(f"p{i}" for i in range(1, n + 1)),
        "unit": "万元",
        "stated": {"value": total, "quote": ["合计1.00 万元"]},
    }
    parts = [_stated_part(i, "0.33 万元") for i in range(1, n + 1)]
    return _audit(TAIL_SOURCE, *parts, total_line)


def test_a_rounding_difference_finding_in_full() -> None:
    # Three parts stated 0.33 万元 with no calculation (each may have been rounded), total
    # stated 1.00 万元. Over the stated parts: 0.33 × 3 = 0.99 万元, 0.01 short. Each part can
    # be off by half its last place, 0.005 万元: 3 × 0.005 = 0.015 ≥ 0.01, so it is 尾差.
    a = _tail("1.00 万元")
    f = _finding(a, "t", "rounding_difference")
    assert f == {
        "kind": "rounding_difference",
        "reading": "over_stated",
        "severity": "warning",
        "case": "kills.engine",
        "file": None,
        "line_id": "t",
        "label": "合计",
        "message": "按各分项申报数计算为0.99万元，申报1.00万元；"
        "差额不超过 3 个分项各自四舍五入可能造成的0.015万元，系尾差",
        "stated": "1.00 万元",
        "computed": "0.99 万元",
        "difference": "-0.01 万元",  # 0.99 − 1.00
        "computed_exact": None,
        "difference_exact": None,
        "unit": "万元",
        "formula": "p1 + p2 + p3",
        "substituted": "0.33万元 + 0.33万元 + 0.33万元",
        "quotes": ["合计1.00 万元"],
        "note": None,
        "caused_by": [],
    }
    # The total counts as matching after rounding, over the stated parts.
    assert _check(a, "t") == ("rounded_match", "1.00 万元", "0.99 万元", "over_stated")
    # A rounding difference is a warning, never an error: the audit has no error at all.
    assert {str(f.kind) for f in a.findings if f.severity == "error"} == set()


def _per_head(stated: str) -> cesuan.Audit:
    # 人数 computed as 2 人 but stated 0 人 (its own mismatch); 人均 = 100 元 ÷ 人数, stated
    # `stated`: over the stated parts it divides by 0.
    people = {
        "id": "p1",
        "label": "人数",
        "formula": "a",
        "inputs": {"a": {"value": "2 人", "quote": ["0人"]}},
        "unit": "人",
        "stated": {"value": "0 人", "quote": ["0人"]},
    }
    each = {
        "id": "t",
        "label": "人均",
        "formula": "b / p1",
        "inputs": {"b": {"value": "100 元", "quote": ["人均"]}},
        "unit": "元/人",
        "stated": {"value": stated, "quote": ["人均" + stated.replace(" ", "")]},
    }
    return _audit("人数0人，人均50元/人，人均60元/人", people, each)


def test_a_not_computable_finding_in_full() -> None:
    # 人数 is computed as 2 人 but stated 0 人 (its own mismatch). 人均 = 100 元 ÷ 人数: over
    # the computed value 100 ÷ 2 = 50 元/人 = stated, a match; over the stated parts it would
    # divide by 0, which is reported on 人均 as not computable, not raised.
    a = _per_head("50 元/人")
    f = _finding(a, "t", "not_computable")
    assert f == {
        "kind": "not_computable",
        "reading": "over_stated",
        "severity": "warning",
        "case": "kills.engine",
        "file": None,
        "line_id": "t",
        "label": "人均",
        "message": "按各分项申报数无法计算：除数为零（'p1' 的值为 0）",
        "stated": None,
        "computed": None,
        "difference": None,
        "computed_exact": None,
        "difference_exact": None,
        "unit": None,
        "formula": "b / p1",
        "substituted": "100元 ÷ 0人",
        "quotes": ["人均50元/人"],
        "note": None,
        "caused_by": [],
    }
    assert _check(a, "t") == ("match", "50 元/人", "50 元/人", "exact")
    assert _check(a, "p1") == ("mismatch", "0 人", "2 人", None)


def _kinds(audit: cesuan.Audit, line_id: str) -> set[str]:
    return {str(f.kind) for f in audit.findings if f.line_id == line_id}


def _parts_and_total(
    parts: list[dict[str, Any]], formula: str, total: str, unit: str = "万元"
) -> cesuan.Audit:
    total_line = {
        "id": "t",
        "label": "合计",
        "formula": formula,
        "unit": unit,
        "stated": {"value": total, "quote": ["合计"]},
    }
    source = "合计 " + " ".join(p["stated"]["quote"][0] for p in parts if "stated" in p)
    return _audit(source, *parts, total_line)


def test_the_tail_allowance_is_inclusive_at_its_limit() -> None:
    # Two parts of 0.33 万元: 0.66 over the stated parts. Allowance 2 × 0.005 = 0.01.
    # Stated 0.67: off by exactly 0.01 ≤ 0.01 → 尾差 (rounding_difference).
    # Stated 0.68: off by 0.02 > 0.01 → a sum_mismatch.
    parts = [_stated_part(1, "0.33 万元"), _stated_part(2, "0.33 万元")]
    assert _kinds(_parts_and_total(parts, "p1 + p2", "0.67 万元"), "t") == {"rounding_difference"}
    assert _kinds(_parts_and_total(parts, "p1 + p2", "0.68 万元"), "t") == {"sum_mismatch"}


def test_only_a_plain_sum_of_parts_gets_a_tail_allowance() -> None:
    # The same parts and the same 0.01 gap as above, but p1 + p2 × 1 is not a plain sum of
    # parts (a 合计): no allowance, an ordinary mismatch.
    parts = [_stated_part(1, "0.33 万元"), _stated_part(2, "0.33 万元")]
    assert _kinds(_parts_and_total(parts, "p1 + p2 * 1", "0.67 万元"), "t") == {"mismatch"}


def test_parts_with_more_places_than_the_total_allow_only_their_own_half_unit() -> None:
    # Eleven parts of 9.1 元 (one place each, half a unit = 0.05 元); total 99 元 (0 places,
    # own half unit 0.5). Over the parts: 11 × 9.1 = 100.1 元, which rounds to 100 ≠ 99.
    # Allowance: 11 × min(0.5, 0.05) = 0.55 元 < the gap 1.1 元 → a sum_mismatch, not 尾差.
    # (Taking each part's allowance as 0.1 would give 1.1 ≥ 1.1, as 0.5 would give 5.5.)
    parts = [_stated_part(i, "9.1 元") for i in range(1, 12)]
    formula = " + ".join(f"p{i}" for i in range(1, 12))
    assert _kinds(_parts_and_total(parts, formula, "99 元", unit="元"), "t") == {"sum_mismatch"}


def _computed_third(i: int) -> dict[str, Any]:
    # 1 万元 ÷ 3 = 0.3333… stated as 0.33 万元: a match only after rounding (rounded_match)
    return {
        "id": f"p{i}",
        "label": f"分项{i}",
        "formula": "a / n",
        "inputs": {
            "a": {"value": "1 万元", "quote": ["合计"]},
            "n": {"value": "3", "quote": ["合计"]},
        },
        "unit": "万元",
        "stated": {"value": "0.33 万元", "quote": ["0.33 万元"]},
    }


def test_a_part_that_matches_only_after_rounding_counts_for_the_tail() -> None:
    # Three computed thirds, each stated 0.33 万元 (rounded_match). Total stated 0.98 万元:
    # exact 1/3 × 3 = 1 → 1.00 ≠ 0.98; over the stated parts 0.99 ≠ 0.98. The parts' exact
    # values are known (1/3 each), so their rounding explains nothing: the total can only be
    # 1.00 (exact parts) or 0.99 (printed parts). Only parts stated without a calculation, whose
    # exact value is unknown, give a 尾差 allowance (issue 18; the rule in reconcile.py).
    parts = [_computed_third(i) for i in (1, 2, 3)]
    a = _parts_and_total(parts, "p1 + p2 + p3", "0.98 万元")
    assert [_check(a, f"p{i}")[0] for i in (1, 2, 3)] == ["rounded_match"] * 3
    assert _kinds(a, "t") == {"sum_mismatch"}


def test_a_part_stated_exactly_gives_no_allowance_but_later_parts_still_do() -> None:
    # p1 = 0.5 万元 computed and stated exactly (match: no allowance); p2, p3 stated 0.33 with
    # no calculation (0.005 each). Over the stated parts 0.5 + 0.33 + 0.33 = 1.16; stated 1.17
    # is off by 0.01 ≤ 0.005 + 0.005 → 尾差. Stopping at p1 would leave no allowance.
    exact_part = {
        "id": "p1",
        "label": "分项1",
        "formula": "a",
        "inputs": {"a": {"value": "0.5 万元", "quote": ["0.5 万元"]}},
        "unit": "万元",
        "stated": {"value": "0.5 万元", "quote": ["0.5 万元"]},
    }
    parts = [exact_part, _stated_part(2, "0.33 万元"), _stated_part(3, "0.33 万元")]
    a = _parts_and_total(parts, "p1 + p2 + p3", "1.17 万元")
    assert _check(a, "p1")[0] == "match"
    assert _kinds(a, "t") == {"rounding_difference"}


def test_a_written_expression_finding_in_full() -> None:
    # The form writes 10/3 = 3.40 万元. 10/3 = 3.3333… → 3.33 at the 2 places written;
    # 3.33 ≠ 3.40. Difference 10/3 − 3.40 = 1000/300 − 1020/300 = −20/300 = −1/15 = −0.0666…
    # → −0.07 at 2 places. The stated amount keeps its trailing zero: 3.40, not 3.4.
    line = {
        "id": "a",
        "label": "人均",
        "formula": "b / n",
        "inputs": {"b": "10 万元", "n": "3"},
        "unit": "万元",
        "round": {"places": 2},
        "written": {
            "expr": "10/3",
            "unit": "万元",
            "result": "3.40 万元",
            "quote": ["10/3=3.40万元"],
        },
    }
    f = _finding(_audit("10/3=3.40万元", line), "a", "written_expression")
    assert f == {
        "kind": "written_expression",
        "reading": None,
        "severity": "error",
        "case": "kills.engine",
        "file": None,
        "line_id": "a",
        "label": "人均",
        "message": "表上算式 10/3 按原样计算得约3.33万元，表上写3.40万元",
        "stated": "3.40 万元",
        "computed": "3.33 万元",
        "difference": "-0.07 万元",
        "computed_exact": "10/3",
        "difference_exact": "-1/15",
        "unit": "万元",
        "formula": "10/3",
        "substituted": "10/3 = 约3.33",
        "quotes": ["10/3=3.40万元"],
        "note": None,
        "caused_by": [],
    }


def _rounded_third(i: int, stated: str | None, places: int = 2) -> dict[str, Any]:
    # 1 万元 ÷ 3 = 0.3333…, declared rounding to 2 places: shown 0.33 万元
    line = _third(i, round={"places": places})
    line["inputs"] = {
        "a": {"value": "1 万元", "quote": ["合计"]},
        "n": {"value": "3", "quote": ["合计"]},
    }
    if stated is not None:
        line["stated"] = {"value": stated, "quote": [stated]}
    return line


def test_a_total_matching_only_over_its_parts_as_shown_says_so() -> None:
    # Parts computed 1/3 万元, declared rounding to 4 places: shown 0.3333; stated 0.33 (a
    # match after rounding). Total stated 0.6666: exact 2/3 = 0.66666… → 0.6667 ≠ 0.6666;
    # over the stated parts 0.33 + 0.33 = 0.66 ≠ 0.6666; over the parts as shown
    # 0.3333 + 0.3333 = 0.6666 = stated: a match, and the check says which reading.
    parts = [_rounded_third(1, "0.33 万元", places=4), _rounded_third(2, "0.33 万元", places=4)]
    a = _parts_and_total(parts, "p1 + p2", "0.6666 万元")
    assert _check(a, "p1")[0] == "rounded_match"
    assert _check(a, "t") == ("match", "0.6666 万元", "0.6666 万元", "over_shown")
    assert _kinds(a, "t") == set()


def test_a_total_right_as_shown_is_no_wrong_part_for_the_grand_total() -> None:
    # p1, p2, p3 = 1/3 万元 each, rounded to 0.33, no stated amounts. t = p1 + p2 stated 0.66:
    # right as the form shows its parts (0.33 + 0.33). g = t + p3 stated 1.00: exact
    # 2/3 + 1/3 = 1 = 1.00, a match. Over the stated parts it would be 0.66 + 0.33 = 0.99, but t
    # is not a wrong part, so the exact reading counts and g has no finding.
    parts = [_rounded_third(i, None) for i in (1, 2, 3)]
    t = {
        "id": "t",
        "label": "小计",
        "formula": "p1 + p2",
        "unit": "万元",
        "stated": {"value": "0.66 万元", "quote": ["0.66 万元"]},
    }
    g = {
        "id": "g",
        "label": "合计",
        "formula": "t + p3",
        "unit": "万元",
        "stated": {"value": "1.00 万元", "quote": ["1.00 万元"]},
    }
    a = _audit("合计 0.66 万元 1.00 万元", *parts, t, g)
    assert _check(a, "t")[0] == "match"
    assert _check(a, "g") == ("match", "1.00 万元", "1.00 万元", "exact")
    assert {str(f.kind) for f in a.findings if f.severity != "info"} == set()


def test_an_amount_that_does_not_terminate_defaults_to_six_places() -> None:
    from fractions import Fraction

    from cesuan.reconcile import amount
    from cesuan.units import parse_unit

    # 2/3 = 0.666666|6… → 0.666667 at the default 6 places; the exact value beside it
    assert amount(Fraction(2, 3), parse_unit("元"), None) == ("0.666667 元", "2/3")
    assert amount(Fraction(2, 3), parse_unit("元"), 1) == ("0.7 元", "2/3")


def test_findings_name_the_case_file(tmp_path: Any) -> None:
    # A finding from a case file carries that file's path, so a report can point at it.
    f = tmp_path / "k.yaml"
    f.write_text(
        "case: k.file\ntitle: t\nlines:\n"
        "  - id: a\n    label: 甲\n    formula: x * 2\n    inputs: {x: 1 元}\n"
        "    unit: 元\n    stated: 3 元\n",
        encoding="utf-8",
    )
    a = cesuan.audit(str(f))
    # 1 × 2 = 2 元, stated 3 元: a mismatch, and quote_missing notes; all name the file
    assert {str(x.kind) for x in a.findings} >= {"mismatch"}
    assert {x.file for x in a.findings} == {str(f)}


def test_a_consequence_finding_in_full() -> None:
    # Parts computed 1/3 万元, shown 0.33, but stated 0.35 (each its own mismatch). The total
    # stated 0.70 agrees with the stated parts (0.35 + 0.35 = 0.70). Over the computed parts
    # it would be 2/3 = 0.666… → 0.67: a consequence of p1 and p2, not an error of the total.
    # Difference 2/3 − 0.70 = 20/30 − 21/30 = −1/30 = −0.0333… → −0.03; 0.70 keeps its zero.
    parts = [_rounded_third(1, "0.35 万元"), _rounded_third(2, "0.35 万元")]
    a = _parts_and_total(parts, "p1 + p2", "0.70 万元")
    assert _check(a, "t") == ("match", "0.70 万元", "0.70 万元", "over_stated")
    f = _finding(a, "t", "consequence")
    assert (
        f["message"]
        == "本行按分项申报数核对相符；若分项按测算结果计，则为约0.67万元（申报0.70万元）"
    )
    assert (f["stated"], f["computed"], f["computed_exact"]) == ("0.70 万元", "0.67 万元", "2/3")
    assert (f["difference"], f["difference_exact"]) == ("-0.03 万元", "-1/30")
    assert (f["reading"], f["caused_by"], f["formula"]) == ("exact", ["p1", "p2"], "p1 + p2")
    # the exact parts 1/3, written to the default 6 places with 约
    assert f["substituted"] == "约0.333333万元 + 约0.333333万元"


def test_a_sum_mismatch_says_what_the_computed_parts_give() -> None:
    # The same parts (stated 0.35, computed 1/3). Total stated 0.72: over the stated parts
    # 0.70 ≠ 0.72 → sum_mismatch, and the message adds what the computed parts give:
    # 2/3 → 约0.67 at the total's 2 places.
    parts = [_rounded_third(1, "0.35 万元"), _rounded_third(2, "0.35 万元")]
    a = _parts_and_total(parts, "p1 + p2", "0.72 万元")
    f = _finding(a, "t", "sum_mismatch")
    assert (
        f["message"]
        == "按各分项申报数计算为0.70万元，申报0.72万元（分项按测算结果计则为约0.67万元）"
    )
    assert (f["difference"], f["substituted"]) == ("-0.02 万元", "0.35万元 + 0.35万元")


def test_a_sum_mismatch_whose_computed_parts_agree_blames_the_stated_parts() -> None:
    # Parts 1/3 万元 rounded to 2 places (shown 0.33) but stated 0.333: each its own mismatch.
    # Total stated 0.66: over the stated parts 0.333 + 0.333 = 0.666 → 0.67 ≠ 0.66, a
    # sum_mismatch; over the parts as shown 0.33 + 0.33 = 0.66 = stated, so the message says
    # the computed parts agree and the difference lies in the parts' stated amounts.
    parts = [_rounded_third(1, "0.333 万元"), _rounded_third(2, "0.333 万元")]
    a = _parts_and_total(parts, "p1 + p2", "0.66 万元")
    f = _finding(a, "t", "sum_mismatch")
    assert f["message"] == (
        "按各分项申报数计算为0.666万元，申报0.66万元"
        "（各分项按测算结果计则与申报数相符，差异在分项的申报数）"
    )


def test_a_total_checked_over_its_exact_parts_shows_the_rounded_value() -> None:
    # Parts 1/3 万元 rounded to 0.33, no stated amounts. Total stated 0.67: over the parts as
    # shown 0.66 ≠ 0.67; exact 2/3 = 0.666… → 0.67 = stated: a match after rounding. The check
    # shows 0.67 at the stated 2 places, not 0.666667.
    parts = [_rounded_third(1, None), _rounded_third(2, None)]
    a = _parts_and_total(parts, "p1 + p2", "0.67 万元")
    assert _check(a, "t") == ("rounded_match", "0.67 万元", "0.67 万元", "exact")


def test_a_plain_value_with_a_stated_amount_is_reconciled() -> None:
    # A line given as 5 元 and stated 6 元 (no formula): a mismatch with no formula and
    # nothing substituted; difference 5 − 6 = −1 元.
    line = {"id": "a", "label": "甲", "value": "5 元", "stated": {"value": "6 元", "quote": ["甲"]}}
    f = _finding(_audit("甲", line), "a", "mismatch")
    assert (f["message"], f["formula"], f["substituted"]) == (
        "按测算依据计算为5元，申报6元",
        None,
        None,
    )
    assert (f["stated"], f["computed"], f["difference"]) == ("6 元", "5 元", "-1 元")


def test_a_stated_amount_without_a_quote_is_noted_in_full() -> None:
    line = {"id": "a", "label": "甲", "value": "5 元", "stated": "5.0 元"}
    f = _finding(_audit("甲", line), "a", "quote_missing")
    assert (f["message"], f["stated"], f["severity"]) == (
        "申报数没有注明原文出处（quote）",
        "5.0 元",  # as written, trailing zero kept
        "info",
    )


def test_a_mismatch_over_the_exact_parts_substitutes_their_exact_values() -> None:
    # 人数 computed 2 人, stated 0 人. 人均 = 100 元 ÷ 人数 stated 60 元/人: over the stated
    # parts it cannot be computed (÷ 0); over the computed parts 100 ÷ 2 = 50 ≠ 60: a
    # mismatch read over the exact parts, so the substituted formula shows 2人, not 0人.
    a = _per_head("60 元/人")
    f = _finding(a, "t", "mismatch")
    assert (f["reading"], f["substituted"]) == ("exact", "100元 ÷ 2人")
    assert _kinds(a, "t") == {"mismatch", "not_computable"}


# --- provenance: the trace's fields ----------------------------------------------------------


def test_dumps_is_sorted_indented_readable_and_escapes_invisible_characters() -> None:
    from cesuan.provenance import dumps

    # keys sorted (a before b), two-space indent, 米 kept as text (not \u7c73), and the
    # right-to-left override U+202E written as an escape (docs/security.md, issue 13)
    assert dumps({"b": 1, "a": "米\u202e"}) == '{\n  "a": "米\\u202e",\n  "b": 1\n}'


def test_engine_version_names_the_installed_package(monkeypatch: Any) -> None:
    import importlib.metadata

    from cesuan.provenance import engine_version

    assert engine_version() == "cesuan " + importlib.metadata.version("cesuan")

    def missing(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", missing)
    assert engine_version() == "cesuan (source)"


def test_the_trace_records_given_values_quotes_and_readings_over_parts() -> None:
    from cesuan.provenance import result_to_dict

    given = {"id": "g", "label": "定额", "value": "5 元", "quote": ["定额5元"]}
    parts = [_rounded_third(1, None), _rounded_third(2, None)]
    total = {"id": "t", "label": "合计", "formula": "p1 + p2", "unit": "万元"}
    lines = result_to_dict(
        cesuan.evaluate(cesuan.load_case(_case(given, *parts, total), source_text="定额5元 合计"))
    )["lines"]
    assert lines["g"]["given"] == "5 元"
    assert lines["g"]["quote"] == ["定额5元"]
    # the parts as shown: 0.33 + 0.33 = 0.66 万元 (exact 2/3 differs, so it is recorded)
    assert lines["t"]["over_shown_parts"] == {"value": "0.66 万元"}


def test_the_trace_records_why_the_stated_parts_cannot_be_computed() -> None:
    from cesuan.provenance import result_to_dict

    people = {"id": "p1", "label": "人数", "value": "2 人", "stated": "0 人"}
    each = {"id": "t", "label": "人均", "formula": "b / p1", "inputs": {"b": "100 元"}}
    over = result_to_dict(cesuan.evaluate(_case(people, each)))["lines"]["t"]["over_stated_parts"]
    # 100 元 ÷ the stated 0 人: division by zero, recorded, not raised
    assert over["error"] == "除数为零"  # the message; the hint names p1
    # Format 2.0: the parts are not copied into the trace; the line names what it used.
    assert "parts" not in over
    trace = result_to_dict(cesuan.evaluate(_case(people, each)))["lines"]["t"]
    assert trace["uses"] == ["p1"]


def test_a_total_with_a_tail_difference_is_a_cause_for_the_total_above() -> None:
    # t = three stated parts of 0.33 万元 = 0.99, stated 1.00: 尾差 (rounding_difference).
    # g = t + 1 万元, stated 2.00: over the stated t, 1.00 + 1 = 2.00, a match; over the
    # computed t, 0.99 + 1 = 1.99 ≠ 2.00 — a consequence, and its cause is t.
    parts = [_stated_part(i, "0.33 万元") for i in (1, 2, 3)]
    t = {
        "id": "t",
        "label": "小计",
        "formula": "p1 + p2 + p3",
        "unit": "万元",
        "stated": {"value": "1.00 万元", "quote": ["小计1.00 万元"]},
    }
    q = {"id": "q", "label": "其他", "value": "1 万元", "quote": ["其他1 万元"]}
    g = {
        "id": "g",
        "label": "合计",
        "formula": "t + q",
        "unit": "万元",
        "stated": {"value": "2.00 万元", "quote": ["合计2.00 万元"]},
    }
    a = _audit("0.33 万元 小计1.00 万元 其他1 万元 合计2.00 万元", *parts, t, q, g)
    assert _kinds(a, "t") == {"rounding_difference"}
    f = _finding(a, "g", "consequence")
    assert (f["caused_by"], f["computed"], f["substituted"]) == (
        ["t"],
        "1.99 万元",
        "0.99万元 + 1万元",
    )


def test_a_tail_difference_in_a_unit_that_does_not_terminate() -> None:
    # Two parts stated 1.00000 亩 each (5 places: half a unit is 0.000005 亩), total in 平方米
    # stated 1333.34 (2 places, own half unit 0.005). 1 亩 = 2000/3 平方米, so over the stated
    # parts: 2 × 2000/3 = 4000/3 = 1333.333… → 1333.33 ≠ 1333.34, a mismatch by
    # 1333.34 − 4000/3 = (400002 − 400000)/300 = 1/150 = 0.00666….
    # Allowance per part: min(0.005, 0.000005 × 2000/3 = 0.01/3) = 0.00333…; two parts:
    # 0.02/3 = 1/150, exactly the gap → 尾差. Every non-terminating amount is shown rounded
    # with 约: the total at its 2 places, the allowance at 2 + 2 = 4 places (0.0067).
    parts = [_stated_part(1, "1.00000 亩"), _stated_part(2, "1.00000 亩")]
    a = _parts_and_total(parts, "p1 + p2", "1333.34 平方米", unit="平方米")
    f = _finding(a, "t", "rounding_difference")
    assert f["message"] == (
        "按各分项申报数计算为约1333.33平方米，申报1333.34平方米；"
        "差额不超过 2 个分项各自四舍五入可能造成的约0.0067平方米，系尾差"
    )
    assert (f["computed"], f["computed_exact"]) == ("1333.33 平方米", "4000/3")
    assert (f["difference"], f["difference_exact"]) == ("-0.01 平方米", "-1/150")
    check = next(c for c in a.checks if c.line_id == "t")
    assert (check.label, check.status, check.computed) == (
        "合计",
        "rounded_match",
        "1333.33 平方米",
    )


def test_the_overrides_record_in_to_dict_is_plain_json_data() -> None:
    # A what-if's record of what was replaced: to_dict() must hold the same plain data the
    # JSON holds (lists, not tuples), like every other part of the trace.
    import json

    from cesuan.scenario import apply_overrides

    source = "面积100平方米"
    line = {
        "id": "a",
        "label": "租金",
        "formula": "area * 2 元/平方米",
        "inputs": {"area": {"value": "100 平方米", "quote": [source]}},
    }
    case = apply_overrides(_case(line), {"a.area": "120 平方米"}, source_text=source)
    r = cesuan.evaluate(case)
    assert r.to_dict()["overrides"] == json.loads(r.to_json())["overrides"]
    assert r.to_dict()["overrides"][0]["old_quote"] == [source]


# --- evaluation: errors found while evaluating ------------------------------------------------


def test_every_division_by_zero_is_reported_located_and_dependants_skipped(tmp_path: Any) -> None:
    # a = 1 元 ÷ 0 and b = 2 元 ÷ 0 both fail; c uses a, so it is skipped (its cause is already
    # reported), and the evaluation goes on to b. d = 3 元 × 1 is fine. Two errors, each naming
    # its line, field and the file's line number of its formula (a: line 5, b: line 12 — lines
    # 4–7 are a, 8–10 c, 11–14 b).
    f = tmp_path / "z.yaml"
    f.write_text(
        "case: k.zero\ntitle: t\nlines:\n"
        "  - id: a\n    formula: x / n\n    inputs: {x: 1 元, n: '0'}\n    label: 甲\n"
        "  - id: c\n    formula: a * 2\n    label: 丙\n"
        "  - id: b\n    formula: x / n\n    inputs: {x: 2 元, n: '0'}\n    label: 乙\n"
        "  - id: d\n    formula: x * 1\n    inputs: {x: 3 元}\n    label: 丁\n",
        encoding="utf-8",
    )
    with pytest.raises(cesuan.CesuanErrors) as info:
        cesuan.evaluate(str(f))
    assert info.value.file == str(f)
    errors = info.value.errors
    assert [(e.kind, e.line_id, e.field, e.file, e.line) for e in errors] == [
        ("division_by_zero", "a", "lines[a].formula", str(f), 5),
        ("division_by_zero", "b", "lines[b].formula", str(f), 12),
    ]


NINES = "9" * 30


def _too_big_lines(shape: str) -> list[dict[str, Any]]:
    # (10^30 − 1)² × 10 has 61 digits, one over the 60 docs/security.md allows, reached three
    # ways: a formula over its own inputs; the same with a written expression beside it (not
    # the fast path); and a line × 10 over a line of (10^30 − 1)², which has 60 digits (kept).
    inputs = {"x": NINES + " 元", "y": NINES}
    if shape == "uses a line":
        square = {"id": "p", "label": "乘积", "formula": "x * y", "inputs": inputs}
        return [square, {"id": "a", "label": "甲", "formula": "p * 10"}]
    line: dict[str, Any] = {"id": "a", "label": "甲", "formula": "x * y * 10", "inputs": inputs}
    if shape == "written":
        line["written"] = {"expr": "1+1", "unit": "元", "result": "2 元"}
    return [line]


@pytest.mark.parametrize("shape", ["own inputs", "written", "uses a line"])
def test_a_result_too_big_says_so_with_a_hint(shape: str) -> None:
    with pytest.raises(cesuan.CesuanError) as info:
        cesuan.evaluate(_case(*_too_big_lines(shape)))
    e = info.value
    assert (e.kind, e.message, e.hint, e.line_id) == (
        "magnitude",
        "计算结果超过 60 位数字",
        "检查公式是否把金额相乘、或除以了极小的数",
        "a",
    )


def test_a_result_iterates_its_line_ids_in_case_order() -> None:
    # t is evaluated after p1 and p2 (it uses them) but comes first in the case.
    total = {"id": "t", "label": "合计", "formula": "p1 + p2", "unit": "万元"}
    r = cesuan.evaluate(_case(total, _third(1), _third(2)))
    assert list(r) == ["t", "p1", "p2"]
    assert [x.id for x in r.lines] == ["p1", "p2", "t"]


def test_a_written_expression_on_a_plain_value_line_is_checked() -> None:
    # The line is given as 92 万元 (no formula); the form also writes 100-20*90%+20 = 93.
    # As written: 20 × 90% = 18, 100 − 18 + 20 = 102 ≠ 93 — found although the line has no
    # formula of its own.
    source = "100-20*90%+20=93万元"
    line = {
        "id": "a",
        "label": "甲",
        "value": "92 万元",
        "written": {
            "expr": "100-20*90%+20",
            "unit": "万元",
            "result": "93 万元",
            "quote": [source],
        },
    }
    a = _audit(source, line)
    assert a.result["a"].written == (Decimal(102),)
    f = _finding(a, "a", "written_expression")
    assert f["message"] == "表上算式 100-20*90%+20 按原样计算得102万元，表上写93万元"


@pytest.mark.parametrize(
    ("formula", "x"),
    [
        # 0.999…9 (30 nines) × 999…9 (30 nines) × 10: the coefficient (10^30 − 1)² · 10 has
        # 61 digits, 31 before the point and 30 after — one over the 60 allowed.
        ("x * y * 10", "0." + NINES + " 元"),
        # (10^30 − 1)² 元/月 has 60 digits, but digits are counted in root units (元/年):
        # × 12 it is about 1.2 · 10^61, 62 digits.
        ("x * y", NINES + " 元/月"),
        # the first case again in 元/月: 61 digits, and more once × 12 into 元/年
        ("x * y * 10", "0." + NINES + " 元/月"),
        # (10^30 − 1)² × 10 / 17 does not terminate: its numerator has 61 digits
        ("x * y * 10 / 17", NINES + " 元"),
    ],
)
def test_results_past_60_digits_after_the_point_or_in_root_units_are_refused(
    formula: str, x: str
) -> None:
    line = {"id": "a", "label": "甲", "formula": formula, "inputs": {"x": x, "y": NINES}}
    line["round"] = {"places": 0}
    with pytest.raises(cesuan.CesuanError) as info:
        cesuan.evaluate(_case(line))
    assert (info.value.kind, info.value.message) == ("magnitude", "计算结果超过 60 位数字")
    # The same with a written expression beside it: checked on the general path too.
    line["written"] = {"expr": "1+1", "unit": "元", "result": "2 元"}
    with pytest.raises(cesuan.CesuanError) as info:
        cesuan.evaluate(_case(line))
    assert (info.value.kind, info.value.message) == ("magnitude", "计算结果超过 60 位数字")


def test_a_fraction_of_60_digits_is_kept() -> None:
    # (10^30 − 1)² / 17: 17 does not divide 10^30 − 1 (10 has order 16 modulo 17), so the
    # value is a fraction whose numerator has 60 digits — at the limit, kept (exactly).
    line = {
        "id": "a",
        "label": "甲",
        "formula": "x * y / 17",
        "inputs": {"x": NINES + " 元", "y": NINES},
        "round": {"places": 0},
    }
    r = cesuan.evaluate(_case(line))
    assert r["a"].exact == Fraction((10**30 - 1) ** 2, 17)
