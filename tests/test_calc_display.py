"""Issue 18: `calc`, its CSV and JSON, and `explain` write a value whose decimals do not end
the way a form does — 约 and rounded to the line's precision (else 6 decimals) — never as p/q,
and a rate in percent; the exact fraction stays in the JSON trace. Hand-worked values."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import cesuan
from cesuan import report
from cesuan.basis import result_text
from cesuan.export import calc_csv

RATE_GAP = Path(__file__).parent / "verdicts" / "rate_gap.yaml"
FRACTION = re.compile(r"\d\s*/\s*\d")

# 10 万元 ÷ 3 人 = 100000/3 元/人 = 33333.3333333… 元/人: no stated amount, no 万元: 6 decimals.
# A third of 10 万元 = 10/3 = 3.3333… 万元 → 万元 are shown to 2 places: 3.33.
SHARE: dict[str, Any] = {
    "case": "t.share",
    "title": "人均",
    "lines": [
        {
            "id": "yuan",
            "label": "人均",
            "formula": "total / people",
            "inputs": {"total": "10 万元", "people": "3 人"},
            "unit": "元/人",
        },
        {
            "id": "wan",
            "label": "三分之一",
            "formula": "total / 3",
            "inputs": {"total": "10 万元"},
            "unit": "万元",
        },
    ],
}


def test_a_value_that_does_not_end_is_written_with_yue_at_a_documented_precision() -> None:
    res = cesuan.evaluate(SHARE)
    assert result_text(res["yuan"]) == "约33333.333333元/人"
    assert result_text(res["wan"]) == "约3.33万元"
    table = report.calc_table(res)
    assert "约33333.333333元/人" in table
    assert "…" not in table
    assert not FRACTION.search(table)


def test_the_rate_gap_is_shown_to_its_stated_places_and_kept_exact_in_json() -> None:
    # gap = 35/41 − 1/3 = (105 − 41)/123 = 64/123 = 0.520325… → 52.03% at the stated 2 places.
    # progress = 4/12 = 1/3 = 33.333…% → 33.33%; rate is declared round 4: 0.8537 = 85.37%.
    res = cesuan.evaluate(RATE_GAP)
    data = report.calc_case(res)
    lines = {ln["id"]: ln for ln in data["lines"]}
    assert (lines["gap"]["value"], lines["gap"]["shown"]) == ("64/123", "约52.03%")
    assert (lines["progress"]["value"], lines["progress"]["shown"]) == ("1/3", "约33.33%")
    assert lines["rate"]["shown"] == "85.37%"  # rounded as declared: exact, no 约
    table = report.calc_table(res)
    assert "约52.03%" in table
    assert not FRACTION.search(table)


def test_the_csv_never_writes_p_over_q() -> None:
    # progress: exact 1/3 = 33.3333…%, stated 33.33%: difference 1/3 − 3333/10000 = 1/30000
    # = 0.003333…% → '0.003333…' (in percent, like every amount of a % row).
    rows = list(csv.DictReader(io.StringIO(calc_csv([cesuan.evaluate(RATE_GAP)]))))
    by_id = {r["id"]: r for r in rows}
    assert (by_id["progress"]["exact"], by_id["progress"]["difference"]) == (
        "33.333333…",
        "0.003333…",
    )
    # gap: 64/123 − 0.5203 = (640000 − 639969)/1230000 = 31/1230000 = 0.0000252…
    # = 0.00252…% → to 6 decimals 0.002520, written without its trailing zero.
    assert by_id["gap"]["difference"] == "0.00252…"
    for r in rows:
        for k in ("value", "exact", "stated", "difference"):
            assert not FRACTION.search(r[k]), (r["id"], k, r[k])


def test_explain_writes_a_percent_part_in_percent() -> None:
    # 35/41 = 85.3658536…% → 85.365854…%; 1/3 = 33.333333…%; 64/123 = 52.0325203…% → 52.03252…%
    # (6 decimals 52.032520, its trailing zero dropped), then as the form writes it: the stated
    # 52.03% has 2 places, 52.0325…% half-up → 52.03% (issue 15: exact first, then 四舍五入为).
    text = cesuan.explain(cesuan.evaluate(RATE_GAP), "gap")
    assert text == (
        "支出率与序时进度之差：支出率85.365854…%−序时进度33.333333…%=52.03252…%，四舍五入为52.03%。"
    )


def test_the_calc_table_writes_one_minus_sign_in_a_row() -> None:
    # 10 万元 − 14 万元 = −4 万元, stated as the case writes it with an ASCII '-'. The 计算值 and
    # the 申报数 beside it use one sign, the − of the 测算依据 (U+2212); machine text keeps '-'.
    data: dict[str, Any] = {
        "case": "t.minus",
        "title": "负数",
        "lines": [
            {
                "id": "d",
                "label": "差额",
                "formula": "a - b",
                "inputs": {"a": "10 万元", "b": "14 万元"},
                "stated": "-4 万元",
                "sign": "any",
            },
            {
                "id": "e",
                "label": "乙",
                "value": "－2.5 万元",
                "stated": "-2.50 万元",
                "sign": "any",
            },
        ],
    }
    table = report.calc_table(cesuan.evaluate(data)).splitlines()[3:]
    assert [row.split() for row in table] == [
        ["d", "差额", "−4万元", "−4万元"],
        ["e", "乙", "−2.50万元", "−2.50万元"],
    ]
    rows = list(csv.reader(io.StringIO(calc_csv([cesuan.evaluate(data)]))))
    assert rows[1][6] == "-4"
