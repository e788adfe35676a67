"""Deterministic tests written to kill the mutants that survived `mutmut run` on the audit's
comparison modules after reconcile.py was split (reconcile, auditstate, roundingslack,
pointcheck, rangecheck, furtherplaces; docs/testing.md records the run, its score and the
mutants left as equivalent, with why).

Every expected value is worked out by hand, with the arithmetic in a comment; none is taken
from the engine. Findings and checks are compared whole, every field, so a mutant that changes
any text, amount, reading or quote of them fails.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import cesuan


def _case(*lines: dict[str, Any]) -> dict[str, Any]:
    return {"case": "kills.audit", "title": "变异核对", "lines": list(lines)}


def _audit(source: str, *lines: dict[str, Any]) -> cesuan.Audit:
    return cesuan.audit(cesuan.load_case(_case(*lines), source_text=source))


def _findings(audit: cesuan.Audit) -> list[dict[str, Any]]:
    return [f.to_dict() for f in audit.findings]


def _checks(audit: cesuan.Audit, line_id: str) -> list[tuple[Any, ...]]:
    return [dataclasses.astuple(c) for c in audit.checks if c.line_id == line_id]


def _finding(**kw: Any) -> dict[str, Any]:
    """A finding's dict with every field a finding has, the ones not given empty."""
    empty: dict[str, Any] = {
        "reading": None,
        "case": "kills.audit",
        "file": None,
        "stated": None,
        "computed": None,
        "difference": None,
        "computed_exact": None,
        "difference_exact": None,
        "unit": None,
        "formula": None,
        "substituted": None,
        "quotes": [],
        "note": None,
        "caused_by": [],
    }
    return empty | kw


def _q(*texts: str) -> list[str]:
    return list(texts)


# --- furtherplaces: `stated` as a list ---------------------------------------------------------


def test_further_places_of_a_line_with_one_value() -> None:
    # 费用 = 3 元 × 4 = 12 元, printed in three places: 12 元 (match), 13 元 with no quote (off by
    # 12 − 13 = −1 元), 12.0 元 (one place written: 12 = 12.0, a match). The line uses no other
    # line: its readings say 按测算依据计算 and the finding names no reading; the checks of the
    # further places name the reading they were checked with, `exact`.
    line = {
        "id": "x",
        "label": "费用",
        "formula": "a * b",
        "inputs": {
            "a": {"value": "3 元", "quote": ["单价3元"]},
            "b": {"value": "4", "quote": ["数量4"]},
        },
        "unit": "元",
        "stated": [
            {"value": "12 元", "quote": ["合计12元"]},
            {"value": "13 元"},
            {"value": "12.0 元", "quote": ["又12.0元"]},
        ],
    }
    a = _audit("单价3元 数量4 合计12元 又12.0元", line)
    assert _findings(a) == [
        _finding(
            kind="mismatch",
            severity="error",
            line_id="x",
            label="费用",
            message="第2处申报数13元：按测算依据计算为12元",
            stated="13 元",
            computed="12 元",
            difference="-1 元",
            unit="元",
            formula="a * b",
            substituted="3元 × 4",
        ),
        _finding(
            kind="quote_missing",
            severity="info",
            line_id="x",
            label="费用",
            message="第2处申报数没有注明原文出处（quote）",
            stated="13 元",
        ),
    ]
    assert _checks(a, "x") == [
        ("x", "费用", "match", "12 元", "12 元", None),
        ("x", "费用", "mismatch", "13 元", "12 元", "exact"),
        ("x", "费用", "match", "12.0 元", "12.0 元", "exact"),
    ]


def test_further_places_of_a_rate_are_written_in_percent() -> None:
    # 比率 = 1 万元 ÷ 3 万元 = 1/3 = 0.33333…. 33.33% (4 places of the ratio): 0.3333, a match
    # after rounding; 33.3% (3 places): 0.333, also; 33.4%: 0.333 ≠ 0.334. Difference
    # 1/3 − 0.334 = (1000 − 1002)/3000 = −1/1500 = −0.0666… 个百分点 → −0.1 at one place. The
    # place is quoted twice: both quotes in the message, joined as the form's “…”“…”.
    line = {
        "id": "r",
        "label": "比率",
        "formula": "a / b",
        "inputs": {
            "a": {"value": "1 万元", "quote": ["比率33.33%"]},
            "b": {"value": "3 万元", "quote": ["比率33.33%"]},
        },
        "stated": [
            {"value": "33.33%", "quote": ["比率33.33%"]},
            {"value": "33.3%", "quote": ["又33.3%"]},
            {"value": "33.4%", "quote": ["又33.4%", "比率33.33%"]},
        ],
    }
    a = _audit("比率33.33% 又33.3% 又33.4%", line)
    assert _findings(a) == [
        _finding(
            kind="mismatch",
            severity="error",
            line_id="r",
            label="比率",
            message="第3处申报数33.4%（原文“又33.4%”“比率33.33%”）：按测算依据计算为约33.3%",
            stated="33.4%",
            computed="33.3%",
            difference="-0.1 个百分点",
            computed_exact="1/3",
            difference_exact="-1/1500",
            unit="",
            formula="a / b",
            substituted="1万元 ÷ 3万元",
            quotes=_q("又33.4%", "比率33.33%"),
        )
    ]
    assert _checks(a, "r") == [
        ("r", "比率", "rounded_match", "33.33%", "33.33%", None),
        ("r", "比率", "rounded_match", "33.3%", "33.3%", "exact"),
        ("r", "比率", "mismatch", "33.4%", "33.3%", "exact"),
    ]


def test_a_stated_only_line_s_places_keep_their_trailing_zeros() -> None:
    # No calculation: the second place is checked against the first, 30.00 万元 against
    # 32.00 万元 (30 − 32 = −2 万元); both written as the form writes them, 30.00 not 30.
    line = {
        "id": "s",
        "label": "甲",
        "stated": [
            {"value": "30.00 万元", "quote": ["甲30.00万元"]},
            {"value": "32.00 万元", "quote": ["甲32.00万元"]},
        ],
    }
    a = _audit("甲30.00万元 甲32.00万元", line)
    assert _findings(a)[0] == _finding(
        kind="mismatch",
        severity="error",
        line_id="s",
        label="甲",
        message="第2处申报数32.00万元（原文“甲32.00万元”）：与第1处申报数30.00万元不符",
        stated="32.00 万元",
        computed="30.00 万元",
        difference="-2 万元",
        unit="万元",
        quotes=_q("甲32.00万元"),
    )
    # A place checked against the first names no reading and no computed value.
    assert _checks(a, "s") == [
        ("s", "甲", "unverifiable", "30.00 万元", None, None),
        ("s", "甲", "mismatch", "32.00 万元", None, None),
    ]


def test_a_stated_only_rate_s_places_are_written_in_percent() -> None:
    # 85.0% and 85.5%: 0.850 − 0.855 = −0.005 = −0.5 个百分点.
    line = {
        "id": "s",
        "label": "甲",
        "stated": [
            {"value": "85.0%", "quote": ["甲85.0%"]},
            {"value": "85.5%", "quote": ["甲85.5%"]},
        ],
    }
    a = _audit("甲85.0% 甲85.5%", line)
    f = _findings(a)[0]
    assert f["message"] == "第2处申报数85.5%（原文“甲85.5%”）：与第1处申报数85.0%不符"
    assert (f["stated"], f["computed"], f["difference"]) == ("85.5%", "85.0%", "-0.5 个百分点")


def _third(i: int, stated: str | None = None, places: int = 2) -> dict[str, Any]:
    # 1 万元 ÷ 3 = 0.3333… 万元, rounded as declared to `places`
    line: dict[str, Any] = {
        "id": f"p{i}",
        "label": f"分项{i}",
        "formula": "a / n",
        "inputs": {
            "a": {"value": "1 万元", "quote": ["合计"]},
            "n": {"value": "3", "quote": ["合计"]},
        },
        "unit": "万元",
        "round": {"places": places},
    }
    if stated is not None:
        line["stated"] = {"value": stated, "quote": ["合计"]}
    return line


def _total(*places: str) -> dict[str, Any]:
    return {
        "id": "t",
        "label": "合计",
        "formula": "p1 + p2",
        "unit": "万元",
        "stated": [{"value": v, "quote": ["合计"]} for v in places],
    }


def test_a_further_place_of_a_total_reads_over_the_stated_parts_first() -> None:
    # Parts 1/3 万元 shown 0.33 (no stated amount: over_stated reads their shown 0.33). Total:
    # 0.67 (exact 2/3 → 0.67), 0.66 (0.33 + 0.33), 0.70: no reading gives 0.70, the first
    # reading, over the stated parts, is the one reported: 0.66 − 0.70 = −0.04 万元.
    a = _audit("合计", _third(1), _third(2), _total("0.67 万元", "0.66 万元", "0.70 万元"))
    assert _findings(a) == [
        _finding(
            kind="sum_mismatch",
            reading="over_stated",
            severity="error",
            line_id="t",
            label="合计",
            message="第3处申报数0.70万元（原文“合计”）：按各分项申报数计算为0.66万元",
            stated="0.70 万元",
            computed="0.66 万元",
            difference="-0.04 万元",
            unit="万元",
            formula="p1 + p2",
            substituted="0.33万元 + 0.33万元",
            quotes=_q("合计"),
        )
    ]
    assert _checks(a, "t") == [
        ("t", "合计", "rounded_match", "0.67 万元", "0.67 万元", "exact"),
        ("t", "合计", "match", "0.66 万元", "0.66 万元", "over_stated"),
        ("t", "合计", "mismatch", "0.70 万元", "0.66 万元", "over_stated"),
    ]


def test_a_further_place_matching_only_the_exact_reading() -> None:
    # Parts 1/3 万元 rounded to 0.33, stated 0.33 (a match: no part is wrong). Total 0.66
    # (over the stated parts) and 0.67: over the stated parts 0.66 ≠ 0.67, exact 2/3 → 0.67.
    a = _audit(
        "合计", _third(1, "0.33 万元"), _third(2, "0.33 万元"), _total("0.66 万元", "0.67 万元")
    )
    assert _checks(a, "t") == [
        ("t", "合计", "match", "0.66 万元", "0.66 万元", "over_stated"),
        ("t", "合计", "rounded_match", "0.67 万元", "0.67 万元", "exact"),
    ]


def test_a_further_place_matching_only_over_the_parts_as_shown() -> None:
    # Parts 1/3 万元 rounded to 4 places, shown 0.3333, stated 0.33. Total 0.66 and 0.6666:
    # over the stated parts 0.66 ≠ 0.6666; exact 2/3 → 0.6667 ≠ 0.6666; over the parts as
    # shown 0.3333 + 0.3333 = 0.6666, a match.
    a = _audit(
        "合计",
        _third(1, "0.33 万元", 4),
        _third(2, "0.33 万元", 4),
        _total("0.66 万元", "0.6666 万元"),
    )
    assert _checks(a, "t")[1] == ("t", "合计", "match", "0.6666 万元", "0.6666 万元", "over_shown")


def test_a_further_place_of_a_total_with_a_wrong_part_reads_only_the_stated_parts() -> None:
    # p1 = 1/3 → 0.33 but stated 0.50 (a mismatch); p2 stated 0.33. Total 0.83 (0.50 + 0.33)
    # and 0.67: a part is wrong, so only the form's own parts count: 0.83 − 0.67 = 0.16 万元,
    # though the exact reading 2/3 → 0.67 would match.
    a = _audit(
        "合计", _third(1, "0.50 万元"), _third(2, "0.33 万元"), _total("0.83 万元", "0.67 万元")
    )
    assert _checks(a, "t") == [
        ("t", "合计", "match", "0.83 万元", "0.83 万元", "over_stated"),
        ("t", "合计", "mismatch", "0.67 万元", "0.83 万元", "over_stated"),
    ]
    place = next(f for f in _findings(a) if f["kind"] == "sum_mismatch")
    assert place["message"] == "第2处申报数0.67万元（原文“合计”）：按各分项申报数计算为0.83万元"
    assert (place["difference"], place["substituted"]) == ("0.16 万元", "0.5万元 + 0.33万元")


def test_a_further_place_when_the_stated_parts_cannot_be_computed() -> None:
    # 人数 computed 2 人, stated 0 人; 人均 = 100 元 ÷ 人数 printed as 50 and 60 元/人. Over the
    # stated parts it divides by 0, so the places read the computed parts: 100 ÷ 2 = 50. The
    # second place is off by 50 − 60 = −10 元/人, with the parts' exact values put in.
    people = _part(1, "2 人", "0 人") | {"label": "人数", "unit": "人"}
    each = {
        "id": "t",
        "label": "人均",
        "formula": "b / p1",
        "inputs": {"b": {"value": "100 元", "quote": ["甲"]}},
        "unit": "元/人",
        "stated": [{"value": v, "quote": ["人均"]} for v in ("50 元/人", "60 元/人")],
    }
    a = _audit("甲 人均", people, each)
    place = next(f for f in _findings(a) if f["line_id"] == "t" and f["kind"] == "mismatch")
    assert place == _finding(
        kind="mismatch",
        reading="exact",
        severity="error",
        line_id="t",
        label="人均",
        message="第2处申报数60元/人（原文“人均”）：按各分项测算结果（精确值）计算为50元/人",
        stated="60 元/人",
        computed="50 元/人",
        difference="-10 元/人",
        unit="元/人",
        formula="b / p1",
        substituted="100元 ÷ 2人",
        quotes=_q("人均"),
    )


def test_a_further_place_of_a_ranged_line_without_a_quote() -> None:
    # n ≤ 10 人 × 1000 元/人 → [0, 10000] 元; printed as 8000 元 and 9000 元, both inside. The
    # second place has no quote: that is the one finding.
    line = {
        "id": "a",
        "label": "补助",
        "formula": "n * rate",
        "inputs": {
            "n": {"value": "≤10 人", "quote": ["人"]},
            "rate": {"value": "1000 元/人", "quote": ["人"]},
        },
        "unit": "元",
        "stated": [{"value": "8000 元", "quote": ["人"]}, {"value": "9000 元"}],
    }
    a = _audit("人", line)
    assert _findings(a) == [
        _finding(
            kind="quote_missing",
            severity="info",
            line_id="a",
            label="补助",
            message="第2处申报数没有注明原文出处（quote）",
            stated="9000 元",
        )
    ]
    assert [c[2] for c in _checks(a, "a")] == ["within_bound", "within_bound"]


# --- pointcheck, roundingslack, reconcile: percentages written as percentages ----------------


def _rate_case(stated: str) -> cesuan.Audit:
    # 执行数 computed 35 万元 but stated 36 万元 (its own mismatch); 预算 stated 41 万元 with
    # no calculation; 执行率 = 执行数 ÷ 预算.
    spent = _part(1, "35 万元", "36 万元") | {"id": "s", "label": "执行数"}
    budget = {"id": "b", "label": "预算", "stated": {"value": "41 万元", "quote": ["甲"]}}
    rate = {
        "id": "rate",
        "label": "执行率",
        "formula": "s / b",
        "stated": {"value": stated, "quote": ["甲"]},
    }
    return _audit("甲", spent, budget, rate)


def test_a_consequence_on_a_rate_is_written_in_percent() -> None:
    # Over the stated parts 36 ÷ 41 = 0.878048… → 87.80%, a match after rounding. Over the
    # computed parts 35 ÷ 41 = 0.853658… → 85.37%: the consequence of 执行数, traced to it.
    # Difference 35/41 − 0.8780 = (35000 − 35998)/41000 = −998/41000 = −499/20500
    # = −0.024341… = −2.43 个百分点.
    a = _rate_case("87.80%")
    f = next(f for f in _findings(a) if f["kind"] == "consequence")
    assert f == _finding(
        kind="consequence",
        reading="exact",
        severity="warning",
        line_id="rate",
        label="执行率",
        message="本行按分项申报数核对相符；若分项按测算结果计，则为约85.37%（申报87.80%）",
        stated="87.80%",
        computed="85.37%",
        difference="-2.43 个百分点",
        computed_exact="35/41",
        difference_exact="-499/20500",
        unit="",
        formula="s / b",
        substituted="35万元 ÷ 41万元",
        quotes=_q("甲"),
        caused_by=["s"],
    )


def test_a_rate_mismatch_names_the_computed_parts_reading_in_percent() -> None:
    # Stated 88.00%: over the stated parts 0.8780 ≠ 0.8800 (a part is wrong, so only that
    # reading counts); over the computed parts it would be 35/41 → 约85.37%, said in brackets.
    a = _rate_case("88.00%")
    f = next(f for f in _findings(a) if f["line_id"] == "rate")
    assert f["message"].endswith("（分项按测算结果计则为约85.37%）")
    assert (f["kind"], f["reading"], f["stated"]) == ("mismatch", "over_stated", "88.00%")


def test_a_rounding_difference_between_rates_is_in_percentage_points() -> None:
    # Three parts stated 33.33% with no calculation; total stated 100.00%. Over the stated
    # parts 3 × 0.3333 = 0.9999 = 99.99%, 0.0001 short. Each part may be off by half its
    # last place, 0.00005: 3 × 0.00005 = 0.00015 = 0.015 个百分点 ≥ 0.0001, so it is 尾差.
    parts = [
        {"id": f"p{i}", "label": f"分项{i}", "stated": {"value": "33.33%", "quote": ["33.33%"]}}
        for i in (1, 2, 3)
    ]
    total = {
        "id": "t",
        "label": "合计",
        "formula": "p1 + p2 + p3",
        "stated": {"value": "100.00%", "quote": ["100.00%"]},
    }
    a = _audit("33.33% 100.00%", *parts, total)
    assert _findings(a)[0] == _finding(
        kind="rounding_difference",
        reading="over_stated",
        severity="warning",
        line_id="t",
        label="合计",
        message="按各分项申报数计算为99.99%，申报100.00%；"
        "差额不超过 3 个分项各自四舍五入可能造成的0.015个百分点，系尾差",
        stated="100.00%",
        computed="99.99%",
        difference="-0.01 个百分点",
        unit="",
        formula="p1 + p2 + p3",
        substituted="33.33% + 33.33% + 33.33%",
        quotes=_q("100.00%"),
    )
    assert _checks(a, "t") == [("t", "合计", "rounded_match", "100.00%", "99.99%", "over_stated")]


def test_a_written_rate_expression_is_written_in_percent() -> None:
    # The form writes 35/41 = 85.30%. 35/41 = 0.853658… → 85.37% ≠ 85.30%; difference
    # 35/41 − 0.853 = (35000 − 34973)/41000 = 27/41000 = 0.0658… 个百分点 → 0.07.
    line = {
        "id": "a",
        "label": "执行率",
        "formula": "s / b",
        "inputs": {
            "s": {"value": "35 万元", "quote": ["35/41"]},
            "b": {"value": "41 万元", "quote": ["35/41"]},
        },
        "written": {"expr": "35/41", "result": "85.30%", "quote": ["35/41=85.30%"]},
    }
    f = _findings(_audit("35/41=85.30%", line))[0]
    assert f["message"] == "表上算式 35/41 按原样计算得约85.37%，表上写85.30%"
    assert (f["stated"], f["computed"], f["difference"]) == ("85.30%", "85.37%", "0.07 个百分点")


# --- rangecheck: bounds and ranges -------------------------------------------------------------
# Bounds and ranges are written for people by cesuan.bounds.range_words (不超过6万元,
# 5万元至10万元); some are compared without spaces, which are the display's choice, not the
# verdict's.


def _flat(text: str | None) -> str | None:
    return None if text is None else text.replace(" ", "")


def _part(i: int, value: str, stated: str) -> dict[str, Any]:
    return {
        "id": f"p{i}",
        "label": f"分项{i}",
        "formula": "a",
        "inputs": {"a": {"value": value, "quote": ["甲"]}},
        "unit": "万元",
        "stated": {"value": stated, "quote": ["甲"]},
    }


def _stated_only(i: int, stated: str) -> dict[str, Any]:
    return {"id": f"p{i}", "label": f"分项{i}", "stated": {"value": stated, "quote": ["甲"]}}


def _sum(stated: str, line_id: str = "t", formula: str = "p1 + p2") -> dict[str, Any]:
    return {
        "id": line_id,
        "label": "合计",
        "formula": formula,
        "unit": "万元",
        "stated": {"value": stated, "quote": ["甲"]},
    }


def test_a_bound_over_a_wrong_part_reads_only_the_computed_value() -> None:
    # p1 computed 8 万元, stated 3 (a mismatch); p2 stated 2. The total is stated ≤6 万元.
    # Computed: 8 + 2 = 10 > 6, over the ceiling by 4. Over the stated parts 3 + 2 = 5 would be
    # within, but a part is itself wrong, so that reading does not count.
    a = _audit("甲", _part(1, "8 万元", "3 万元"), _stated_only(2, "2 万元"), _sum("≤6 万元"))
    f = next(f for f in _findings(a) if f["line_id"] == "t")
    assert f | {"message": _flat(f["message"])} == _finding(
        kind="over_ceiling",
        reading="exact",
        severity="error",
        line_id="t",
        label="合计",
        message="计算结果为10万元，超过上限（申报不超过6万元），超出4万元",
        stated="≤6 万元",
        computed="10 万元",
        difference="4 万元",
        unit="万元",
        formula="p1 + p2",
        substituted="8万元 + 2万元",
        quotes=_q("甲"),
    )
    assert [(c[2], _flat(c[3]), c[4], c[5]) for c in _checks(a, "t")] == [
        ("mismatch", "不超过6万元", "10 万元", "exact")
    ]


def test_a_bound_met_over_the_parts_as_the_form_states_them() -> None:
    # Parts 1/3 万元 shown 0.33, no stated amounts, no part wrong. Total stated ≤0.66 万元:
    # computed 2/3 = 0.666… > 0.66, but over the parts as the form shows them 0.33 + 0.33 =
    # 0.66 ≤ 0.66: within the bound, by that reading.
    def third(i: int) -> dict[str, Any]:
        line = _part(i, "1 万元", "0 万元")
        del line["stated"]
        return line | {"formula": "a / 3", "round": {"places": 2}}

    a = _audit("甲", third(1), third(2), _sum("≤0.66 万元"))
    ((status, reading),) = [(c[2], c[5]) for c in _checks(a, "t")]
    assert (status, reading) == ("within_bound", "over_stated")


def test_further_places_after_a_bound_are_plain_amounts() -> None:
    # 费用 computed 8 万元; the form states ≤10 万元 in one place, 8 万元 and 9 万元 in two
    # others. The further places are amounts, not the bound: 8 is the value, 9 is off by 1.
    line = {
        "id": "x",
        "label": "费用",
        "formula": "a",
        "inputs": {"a": {"value": "8 万元", "quote": ["甲"]}},
        "unit": "万元",
        "stated": [
            {"value": "≤10 万元", "quote": ["甲"]},
            {"value": "8 万元", "quote": ["甲"]},
            {"value": "9 万元", "quote": ["甲"]},
        ],
    }
    a = _audit("甲", line)
    assert [(c[2], _flat(c[3])) for c in _checks(a, "x")] == [
        ("within_bound", "不超过10万元"),
        ("within_bound", "8万元"),
        ("mismatch", "9万元"),
    ]
    (f,) = _findings(a)
    assert (f["kind"], f["stated"], f["difference"]) == ("out_of_range", "9 万元", "-1 万元")
    assert f["message"].startswith("第3处申报数：")


def _ranged(*stated: str) -> dict[str, Any]:
    # n ≤ 10 人 × 1000 元/人 → [0, 10000] 元
    return {
        "id": "y",
        "label": "补助",
        "formula": "n * r",
        "inputs": {
            "n": {"value": "≤10 人", "quote": ["甲"]},
            "r": {"value": "1000 元/人", "quote": ["甲"]},
        },
        "unit": "元",
        "stated": [{"value": s, "quote": ["甲"]} for s in stated],
    }


def _ranged_part(people: str, *stated: str) -> dict[str, Any]:
    # p1 = n (`people`) × 1 万元/人: a range in 万元 from its input
    line = _ranged(*stated) | {"id": "p1", "unit": "万元"}
    line["inputs"] = {
        "n": {"value": people, "quote": ["甲"]},
        "r": {"value": "1 万元/人", "quote": ["甲"]},
    }
    if not stated:
        del line["stated"]
    return line


def test_a_stated_amount_against_a_range_is_read_to_its_own_places() -> None:
    # [0, 10000] 元. 10000.4 元 is written to one place: half a unit is 0.05, and
    # 10000.4 > 10000 + 0.05, outside. Read to no places (half a unit 0.5) it would be inside.
    first = _audit("甲", _ranged("10000.4 元"))
    assert [c[2] for c in _checks(first, "y")] == ["mismatch"]
    # The same as a second place, after a first place written with no decimals (8000 元).
    second = _audit("甲", _ranged("8000 元", "10000.4 元"))
    assert [c[2] for c in _checks(second, "y")] == ["within_bound", "mismatch"]
    f = _findings(second)[0]
    assert (f["kind"], f["stated"], f["difference"]) == ("out_of_range", "10000.4 元", "-0.4 元")


def test_a_bound_finding_on_a_value_that_does_not_terminate() -> None:
    # 31 万元 ÷ 3 = 10.333… 万元 against ≤10.00 万元: over by 1/3 = 0.333… → 约0.33 at the
    # bound's two places (not six).
    line = _part(1, "31 万元", "≤10.00 万元") | {"formula": "a / 3"}
    (f,) = _findings(_audit("甲", line))
    assert (
        _flat(f["message"]) == "计算结果为约10.33万元，超过上限（申报不超过10万元），超出约0.33万元"
    )
    # The difference field as a point finding's: rounded text, the exact 1/3 beside it.
    assert (f["computed"], f["difference"], f["reading"]) == ("约10.33 万元", "0.33 万元", None)
    assert f["difference_exact"] == "1/3"
    assert (f["formula"], f["substituted"]) == ("a / 3", "31万元 ÷ 3")


def test_a_bound_on_a_line_with_no_formula() -> None:
    # A plain value of 12 万元 against ≤10 万元: over by 2; no formula to write out.
    line = {
        "id": "z",
        "label": "费用",
        "value": "12 万元",
        "stated": {"value": "≤10 万元", "quote": ["甲"]},
    }
    (f,) = _findings(_audit("甲", line))
    assert (f["kind"], f["formula"], f["substituted"]) == ("over_ceiling", None, None)
    assert f["message"].startswith("计算结果为")


def test_a_range_is_written_to_the_stated_places() -> None:
    # n ≤ 10 人 × 1 万元/人 ÷ 3 → [0, 10/3] = [0, 3.333…] 万元, stated 4.00 万元: outside, the
    # upper end written to the stated two places, 约3.33.
    line = {
        "id": "w",
        "label": "补助",
        "formula": "n * r / 3",
        "inputs": {
            "n": {"value": "≤10 人", "quote": ["甲"]},
            "r": {"value": "1 万元/人", "quote": ["甲"]},
        },
        "unit": "万元",
        "stated": {"value": "4.00 万元", "quote": ["甲"]},
    }
    ((_, _, status, stated, computed, _),) = _checks(_audit("甲", line), "w")
    assert (status, stated) == ("mismatch", "4.00 万元")
    assert computed is not None
    assert "3.33" in computed
    assert "3.333" not in computed


def _over_ceiling_and_total(total: str) -> cesuan.Audit:
    # t computed 12 万元 against its stated ≤10 万元: over the ceiling, a wrong part. u = t + p2,
    # p2 stated 2 万元: over the stated parts 10 + 2 = 12, over the computed ones 12 + 2 = 14.
    t = _part(1, "12 万元", "≤10 万元") | {"id": "t", "label": "费用"}
    return _audit("甲", t, _stated_only(2, "2 万元"), _sum(total, "u", "t + p2"))


def test_a_total_above_a_line_over_its_ceiling_is_its_consequence() -> None:
    # u stated 12: it matches over the stated parts; over the computed ones 14 → a consequence
    # of t, traced to it.
    a = _over_ceiling_and_total("12 万元")
    f = next(f for f in _findings(a) if f["line_id"] == "u")
    assert (f["kind"], f["caused_by"], f["computed"]) == ("consequence", ["t"], "14 万元")


def test_a_line_over_its_ceiling_is_a_wrong_part_for_the_total() -> None:
    # u stated 14: t is itself a mismatch, so only the stated parts count: 12 ≠ 14, though the
    # computed parts would give 14.
    a = _over_ceiling_and_total("14 万元")
    assert [c[2:] for c in _checks(a, "u")] == [("mismatch", "14 万元", "12 万元", "over_stated")]


def test_a_range_over_a_part_that_cannot_divide_stays_a_range() -> None:
    # p1 = n ≤ 10 人 × 1 万元/人 = [0, 10] 万元, stated 5 万元; 人数 computed 2 人, stated 0.
    # 人均 = p1 ÷ 人数: over the stated parts it divides by 0, so it has no single value over
    # them; it stays the range [0, 10] ÷ 2 = [0, 5] 万元/人, and 2.5 lies within.
    p1 = _ranged_part("≤10 人", "5 万元")
    people = _part(2, "2 人", "0 人") | {"label": "人数", "unit": "人"}
    each = _sum("2.5 万元/人", formula="p1 / p2") | {"unit": "万元/人"}
    a = _audit("甲", p1, people, each)
    assert [(c[2], c[5]) for c in _checks(a, "t")] == [("within_bound", "exact")]


# --- auditstate: a bound written into the formula --------------------------------------------


def test_a_part_s_own_bound_is_put_into_the_formula_as_the_form_says_it() -> None:
    # p1 is the value ≤10.0 万元 (range [0, 10]); p2 stated 5; the total 20 is outside 5 to 15.
    # The substituted formula writes p1 as the form does, 不超过10.0万元 (its range alone would
    # be written 不超过10万元).
    p1 = {"id": "p1", "label": "分项1", "value": "≤10.0 万元"}
    a = _audit("甲", p1, _stated_only(2, "5 万元"), _sum("20 万元"))
    f = next(f for f in _findings(a) if f["line_id"] == "t")
    assert (f["kind"], f["substituted"]) == ("out_of_range", "不超过10.0万元 + 5万元")


def test_a_part_with_a_range_from_its_inputs_is_put_in_as_its_range() -> None:
    # p1 = n (5 to 10 人) × 1 万元/人: its range [5, 10] 万元 comes from its input, it has no
    # bound of its own: the substituted formula writes the range, 5万元至10万元, then + 5万元.
    p1 = _ranged_part("5~10 人")
    a = _audit("甲", p1, _stated_only(2, "5 万元"), _sum("20 万元"))
    f = next(f for f in _findings(a) if f["line_id"] == "t")
    assert (f["kind"], f["substituted"]) == ("out_of_range", "5万元至10万元 + 5万元")


def test_a_part_that_is_a_rate_is_put_in_as_a_percentage() -> None:
    # 比例 stated 50% with no calculation; 金额 = 10 万元 × 比例 = 5 万元, stated 6 万元: the
    # formula is written out with the rate as the form writes it, 50%, not 0.5.
    rate = {"id": "p1", "label": "比例", "stated": {"value": "50%", "quote": ["甲"]}}
    line = {
        "id": "t",
        "label": "金额",
        "formula": "a * p1",
        "inputs": {"a": {"value": "10 万元", "quote": ["甲"]}},
        "unit": "万元",
        "stated": {"value": "6 万元", "quote": ["甲"]},
    }
    f = next(f for f in _findings(_audit("甲", rate, line)) if f["line_id"] == "t")
    assert (f["kind"], f["substituted"]) == ("mismatch", "10万元 × 50%")


# --- reconcile: what each line gets ----------------------------------------------------------


def _ranged_part_and_total(total: str) -> cesuan.Audit:
    # p1 = n ≤ 10 人 × 1 万元/人, a range [0, 10] 万元, stated 5 万元; p2 stated 2 万元. The
    # total's range comes only from a part that states an amount: over the stated parts it is
    # the single value 5 + 2 = 7 万元.
    p1 = _ranged_part("≤10 人", "5 万元")
    return _audit("甲", p1, _stated_only(2, "2 万元"), _sum(total))


def test_a_range_over_parts_that_state_amounts_is_one_value() -> None:
    # Stated 8: 7 ≠ 8, off by −1; no other reading to name (the range's own ends are not
    # readings of the total any more).
    f = next(f for f in _findings(_ranged_part_and_total("8 万元")) if f["line_id"] == "t")
    assert (f["kind"], f["message"]) == ("sum_mismatch", "按各分项申报数计算为7万元，申报8万元")
    # Stated 12 (the range's upper end, 10 + 2): still not 7.
    a = _ranged_part_and_total("12 万元")
    assert [c[2:] for c in _checks(a, "t")] == [("mismatch", "12 万元", "7 万元", "over_stated")]


def test_a_range_with_no_stated_amount_is_shown_as_its_range() -> None:
    # n (5 to 10 人) × 1000 元/人 with no stated amount: the check shows its range,
    # 5 × 1000 = 5000 to 10 × 1000 = 10000 元.
    line = _ranged()
    del line["stated"]
    line["inputs"]["n"] = {"value": "5~10 人", "quote": ["甲"]}
    assert _checks(_audit("甲", line), "y") == [
        ("y", "补助", "not_stated", None, "5000元至10000元", None)
    ]


def test_a_stated_bound_without_a_quote_is_named_as_the_bound() -> None:
    # ≤10 万元 stated with no quote: the quote_missing finding names the bound as forms say it.
    line = _part(1, "8 万元", "0 万元") | {"stated": "≤10 万元"}
    (f,) = _findings(_audit("甲", line))
    assert (f["kind"], _flat(f["stated"])) == ("quote_missing", "不超过10万元")


def test_a_written_plain_ratio_is_not_a_percentage() -> None:
    # 1 ÷ 4 = 0.25, written 1/4 = 0.26 (no % sign): the message keeps it a plain number.
    line = {
        "id": "a",
        "label": "比",
        "formula": "s / b",
        "inputs": {"s": {"value": "1", "quote": ["甲"]}, "b": {"value": "4", "quote": ["甲"]}},
        "written": {"expr": "1/4", "result": "0.26", "quote": ["甲"]},
    }
    (f,) = _findings(_audit("甲", line))
    assert f["message"] == "表上算式 1/4 按原样计算得0.25，表上写0.26"
    assert (f["stated"], f["computed"], f["difference"]) == ("0.26", "0.25", "-0.01")


def test_a_range_over_stated_parts_with_a_stated_bound_is_judged_as_a_range() -> None:
    # As above, the parts' stated amounts would make the total the single value 7 万元; but it
    # states a bound of its own, ≤6 万元, and a bound is judged against the whole range:
    # [0 + 2, 10 + 2] = [2, 12] 万元 lies partly under 6, partly over: undecided.
    a = _ranged_part_and_total("≤6 万元")
    assert [c[2] for c in _checks(a, "t")] == ["undecided"]
    f = next(f for f in _findings(a) if f["line_id"] == "t")
    assert (f["kind"], f["stated"]) == ("bound_undecided", "≤6 万元")


def test_a_part_whose_range_is_one_value_is_put_in_as_an_amount() -> None:
    # p1 = n (5 to 5 人) × 1 万元/人: a range of one value, 5 万元, written as an amount, put
    # into the formula without its space as every value is: 5万元 + 5万元 = 10 ≠ 20.
    p1 = _ranged_part("5~5 人")
    a = _audit("甲", p1, _stated_only(2, "5 万元"), _sum("20 万元"))
    f = next(f for f in _findings(a) if f["line_id"] == "t")
    assert (f["kind"], f["substituted"]) == ("out_of_range", "5万元 + 5万元")
