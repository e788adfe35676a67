"""Implied values: each input alone, the value that makes a mismatched line equal its stated
amount. Every expected value is worked by hand in the comment beside it."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import cesuan
from cesuan.implied import implied_inputs, implied_text
from cesuan.quantity import parse_quantity

ROOT = Path(__file__).resolve().parents[1]
SMS_CASE = ROOT / "cases" / "jianghan-2023" / "shenpi-dating.yaml"


def _one_line(formula: str, inputs: dict[str, object], stated: str) -> cesuan.Result:
    return cesuan.evaluate(
        {
            "case": "c",
            "title": "t",
            "lines": [
                {
                    "id": "x",
                    "label": "甲",
                    "formula": formula,
                    "inputs": inputs,
                    "stated": {"value": stated},
                }
            ],
        }
    )


def test_the_seed_sms_line() -> None:
    r = cesuan.evaluate(str(SMS_CASE))["comms.sms"]
    found = {i.name: i for i in implied_inputs(r, parse_quantity("2.51 万元"))}
    # 2.51 万元 = 25100 元 = count × per_item ÷ 100000 条 × 8000 元
    # count:    25100 ÷ 8000 × 100000 ÷ 1 = 313750 件; ratio 313750 / 300000 = 251/240
    assert found["count"].needed is not None
    assert found["count"].needed.magnitude == Decimal(313750)
    assert found["count"].needed.unit.text == "件"
    assert found["count"].ratio == Fraction(251, 240)
    # per_item: 313750 条 / 300000 件 = 251/240 = 1.04583… 条/件
    assert found["per_item"].needed is not None
    assert found["per_item"].needed.magnitude == Fraction(251, 240)
    assert found["per_item"].needed.unit.text == "条/件"
    # block: 300000 × 8000 ÷ 25100 = 24000000/251 ≈ 95617.53 条; ratio 240/251
    assert found["block"].needed is not None
    assert found["block"].needed.magnitude == Fraction(24000000, 251)
    assert found["block"].ratio == Fraction(240, 251)
    # price: 25100 ÷ 3 (300000 ÷ 100000) = 25100/3 ≈ 8366.667 元
    assert found["price"].needed is not None
    assert found["price"].needed.magnitude == Fraction(25100, 3)
    assert found["price"].needed.unit.text == "元"


def test_a_rent_line_in_other_units() -> None:
    # area × rate × 12 月 with area 1000 平方米, rate 50 元/(平方米·月): 600000 元 = 60 万元.
    r = _one_line(
        "area * rate * 12 月", {"area": "1000 平方米", "rate": "50 元/(平方米·月)"}, "63 万元"
    )["x"]
    found = {i.name: i for i in implied_inputs(r, parse_quantity("63 万元"))}
    # area: 630000 ÷ (50 × 12) = 1050 平方米; ratio 1050 / 1000 = 1.05
    assert found["area"].needed is not None
    assert found["area"].needed.magnitude == Decimal(1050)
    assert found["area"].needed.unit.text == "平方米"
    assert found["area"].ratio == Decimal("1.05")
    # rate: 630000 ÷ (1000 × 12) = 52.5 元/(平方米·月); ratio 52.5 / 50 = 1.05
    assert found["rate"].needed is not None
    assert found["rate"].needed.magnitude == Decimal("52.5")
    assert found["rate"].ratio == Decimal("1.05")


def test_an_input_in_a_non_root_unit_is_answered_in_its_own_unit() -> None:
    # 2 万元/月 × n 月 = 30 万元 → n = 15 月; price: 300000 元 ÷ 12 月 = 2.5 万元/月.
    r = _one_line("price * n", {"price": "2 万元/月", "n": "12 月"}, "30 万元")["x"]
    found = {i.name: i for i in implied_inputs(r, parse_quantity("30 万元"))}
    assert found["n"].needed is not None
    assert found["n"].needed.magnitude == Decimal(15)
    assert found["price"].needed is not None
    assert found["price"].needed.magnitude == Decimal("2.5")
    assert found["price"].needed.unit.text == "万元/月"


def test_an_input_that_cancels_out_has_no_value_and_a_reason() -> None:
    # a × k ÷ k = a: k does not change the result, so no value of k explains 12 元 vs 10 元;
    # a alone: 12 元.
    r = _one_line("a * k / k", {"a": "10 元", "k": "3 人"}, "12 元")["x"]
    found = {i.name: i for i in implied_inputs(r, parse_quantity("12 元"))}
    assert found["k"].needed is None
    assert found["k"].ratio is None
    assert found["k"].reason is not None
    assert "约去" in found["k"].reason
    assert found["a"].needed is not None
    assert found["a"].needed.magnitude == Decimal(12)


def test_an_input_that_cancels_only_once_simplified() -> None:
    # a × ((k² − 1) ÷ (k − 1) − k) = a × ((k + 1) − k) = a (k ≠ 1): with k = 3,
    # 10 × (8 ÷ 2 − 3) = 10 元 whatever k is; a alone: 12 ÷ 1 = 12 元.
    r = _one_line("a * ((k * k - 1) / (k - 1) - k)", {"a": "10 元", "k": "3"}, "12 元")["x"]
    found = {i.name: i for i in implied_inputs(r, parse_quantity("12 元"))}
    assert found["k"].needed is None
    assert found["k"].reason is not None
    assert "约去" in found["k"].reason
    assert found["a"].needed is not None
    assert found["a"].needed.magnitude == Decimal(12)


def test_a_rounded_function_is_skipped_with_a_reason() -> None:
    r = _one_line("ceil(a / b) * p", {"a": "10 人", "b": "3 人", "p": "5 元"}, "25 元")["x"]
    found = {i.name: i for i in implied_inputs(r, parse_quantity("25 元"))}
    # p alone: 25 ÷ ceil(10/3) = 25 ÷ 4 = 6.25 元; a and b sit inside ceil.
    assert found["p"].needed is not None
    assert found["p"].needed.magnitude == Decimal("6.25")
    assert found["a"].needed is None
    assert found["a"].reason


def test_the_sentence_rounds_only_for_display() -> None:
    text = implied_text(
        "2.51 万元",
        [
            {"input": "n", "label": "件数", "used": "300000 件", "needed": "313750 件",
             "ratio": "251/240", "reason": None},
        ],
    )  # fmt: skip
    # 251/240 = 1.0458333… → 1.046 half-up
    assert text == "表中2.51万元相当于（只改一项）：件数需313750件，为所用300000件的约1.046倍"


def test_the_audit_json_and_text_carry_it() -> None:
    run = [sys.executable, "-m", "cesuan", "audit", str(SMS_CASE)]
    data = json.loads(subprocess.run([*run, "--format", "json"], capture_output=True).stdout)
    sms = next(f for c in data["cases"] for f in c["findings"] if f["line_id"] == "comms.sms")
    count = next(i for i in sms["implied"] if i["input"] == "count")
    assert count["needed"] == "313750 件"
    assert count["ratio"] == "251/240"
    text = subprocess.run(run, capture_output=True, text=True).stdout
    assert "全年办件量需313750件" in text
    assert "每件短信条数（假设）需约1.046条/件" in text


def test_the_filing_report_carries_it() -> None:
    run = [sys.executable, "-m", "cesuan", "audit", str(SMS_CASE), "--format", "md"]
    report = subprocess.run(run, capture_output=True, text=True).stdout
    # 25100 元 ÷ 8000 元 × 100000 条 ÷ 1 条/件 = 313750 件
    assert "- 反推：表中2.51万元相当于（只改一项）：全年办件量需313750件" in report


def test_the_html_report_shows_the_implied_values_too() -> None:
    # 2.51 万元 = 25100 元 = 313750 条 × 8000 元 / 100000 条; with 1 条/件, 313750 件.
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "cesuan",
            "audit",
            str(SMS_CASE),
            "--format",
            "html",
            "--date",
            "2026-01-01",
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert p.returncode == 1, p.stderr
    assert "<dt>反推</dt>" in p.stdout
    assert "313750件" in p.stdout


def test_a_line_resting_on_declared_conversions_is_solved_through_them() -> None:
    # 100 人 × 1200 元/(生·年) × 1 学期, the case declaring 1 生 = 1 人 and 1 学期 = 0.5 年:
    # 100 × 1200 × 0.5 = 60000 元 = 6 万元; the form states 6.6 万元 = 66000 元. Each alone:
    #   students: 66000 ÷ (1200 × 0.5) = 110 人            (110 ÷ 100 = 1.1)
    #   rate:     66000 ÷ (100 × 0.5) = 1320 元/(生·年)     (1320 ÷ 1200 = 1.1)
    #   terms:    66000 ÷ (100 × 1200 × 0.5) = 1.1 学期     (1.1 ÷ 1 = 1.1)
    r = cesuan.evaluate(
        {
            "case": "c",
            "title": "t",
            "conversions": [
                {"from": "1 生", "to": "1 人"},
                {"from": "1 学期", "to": "0.5 年", "note": "按半年计"},
            ],
            "lines": [
                {
                    "id": "x",
                    "label": "资助",
                    "formula": "students * rate * terms",
                    "inputs": {"students": "100 人", "rate": "1200 元/生/年", "terms": "1 学期"},
                    "stated": "6.6 万元",
                }
            ],
        }
    )["x"]
    assert str(r.quantity) == "6 万元"
    found = {i.name: (str(i.needed), str(i.ratio)) for i in implied_inputs(r, r.planned.stated)}
    assert found == {
        "students": ("110 人", "1.1"),
        "rate": ("1320 元/(生·年)", "1.1"),
        "terms": ("1.1 学期", "1.1"),
    }
