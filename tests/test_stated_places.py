"""Issue 18: one amount printed in several places (`stated` as a list): every place's quote is
checked against the source, every place reconciled, and a place that differs is reported with
its own quote. Hand-worked values in the comments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import cesuan
from cesuan import CesuanError, report
from cesuan.scenario import override_data, parse_set
from cesuan.yamlsafe import read_yaml

SOURCE = """表一 项目支出合计 150.00万元
表二 当年预算合计 150.00万元
表三 财政拨款合计 160.00万元
其中：租金100万元，物业50万元。
"""

# 租金 100 + 物业 50 = 150 万元. The total is printed in three tables: 150.00, 150.00 and 160.00;
# the third is off by 150 − 160 = −10 万元.
CASE = """case: t.places
title: 多处合计
source: source.txt
lines:
  - id: rent
    label: 租金
    stated: {value: 100 万元, quote: 租金100万元}
  - id: fee
    label: 物业
    stated: {value: 50 万元, quote: 物业50万元}
  - id: total
    label: 合计
    formula: rent + fee
    stated:
      - {value: 150.00 万元, quote: 项目支出合计 150.00万元}
      - {value: 150.00 万元, quote: 当年预算合计 150.00万元}
      - {value: 160.00 万元, quote: 财政拨款合计 160.00万元}
"""


def _case(tmp_path: Path, text: str = CASE) -> Path:
    (tmp_path / "source.txt").write_text(SOURCE, encoding="utf-8")
    path = tmp_path / "places.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_one_place_that_differs_is_reported_with_its_quote(tmp_path: Path) -> None:
    audit = cesuan.audit(_case(tmp_path))
    errors = [f for f in audit.findings if f.severity == "error"]
    assert len(errors) == 1
    (f,) = errors
    assert (f.line_id, str(f.kind)) == ("total", "sum_mismatch")
    assert (f.stated, f.computed, f.difference) == ("160.00 万元", "150.00 万元", "-10 万元")
    assert f.quotes == ("财政拨款合计 160.00万元",)
    assert f.message.startswith("第3处申报数160.00万元（原文“财政拨款合计 160.00万元”）")
    # Each place is a stated amount of its own: 2 match, 1 does not; rent and fee unverifiable.
    s = audit.summary()
    assert (s["match"], s["mismatch"], s["unverifiable"]) == (2, 1, 2)
    lines = report.audit_case(audit)["lines"]
    assert [(x["place"], x["status"]) for x in lines if x["line_id"] == "total"] == [
        (1, "match"),
        (2, "match"),
        (3, "mismatch"),
    ]


def test_a_first_place_that_differs_is_the_ordinary_finding(tmp_path: Path) -> None:
    # The 160.00 place listed first: the finding is the line's own (no 第n处), the others match.
    block = CASE[CASE.index("      - {value: 150.00 万元, quote: 项目支出合计") :]
    first, second, third = block.splitlines(keepends=True)
    audit = cesuan.audit(_case(tmp_path, CASE.replace(block, third + second + first)))
    (f,) = [f for f in audit.findings if f.severity == "error"]
    assert (f.stated, f.difference) == ("160.00 万元", "-10 万元")
    assert f.message == "按各分项申报数计算为150.00万元，申报160.00万元"


def test_every_place_s_quote_is_checked_against_the_source(tmp_path: Path) -> None:
    # The second place's quote lacks the space the source has: refused, at stated[1].
    bad = CASE.replace("当年预算合计 150.00万元}", "当年预算合计150.00万元}")
    with pytest.raises(CesuanError) as e:
        cesuan.load_case(_case(tmp_path, bad))
    assert e.value.kind == "quote_not_in_source"
    assert e.value.field == "lines[total].stated[1].quote"
    assert e.value.line == 16


def test_a_further_place_needs_a_unit_of_the_line_s_dimension(tmp_path: Path) -> None:
    bad = CASE.replace("{value: 160.00 万元,", "{value: 160.00 平方米,")
    with pytest.raises(CesuanError) as e:
        cesuan.evaluate(_case(tmp_path, bad))
    assert e.value.kind == "dimension_mismatch"
    assert e.value.field == "lines[total].stated[2].value"
    assert "第 3 处申报数" in e.value.message


def test_a_stated_only_line_printed_twice_differently_is_found() -> None:
    # Stated with no calculation: 30 万元 in one place, 32 万元 in another: 30 − 32 = −2 万元.
    case: dict[str, Any] = {
        "case": "t.two",
        "title": "两处",
        "lines": [{"id": "a", "label": "甲", "stated": ["30 万元", "32 万元"]}],
    }
    audit = cesuan.audit(case)
    (f,) = [f for f in audit.findings if f.severity == "error"]
    assert (f.stated, f.computed, f.difference) == ("32 万元", "30 万元", "-2 万元")
    assert f.message == "第2处申报数32万元：与第1处申报数30万元不符"


def test_the_single_form_still_works_and_a_list_of_one_is_the_same() -> None:
    one = {
        "case": "t.one",
        "title": "一处",
        "lines": [{"id": "a", "label": "甲", "stated": "3 万元"}],
    }
    listed = {**one, "lines": [{"id": "a", "label": "甲", "stated": ["3 万元"]}]}
    assert cesuan.audit(one).summary() == cesuan.audit(listed).summary()
    empty = {**one, "lines": [{"id": "a", "label": "甲", "stated": []}]}
    with pytest.raises(CesuanError):
        cesuan.load_case(empty)


def test_set_changes_the_first_place_and_keeps_the_others(tmp_path: Path) -> None:
    data, _ = read_yaml(_case(tmp_path).read_text(encoding="utf-8"))
    out = override_data(data, [parse_set("total.stated=170 万元")])
    places = out["lines"][2]["stated"]
    assert [p["value"] for p in places] == ["170 万元", "150.00 万元", "160.00 万元"]
    assert out["overrides"][0]["old"] == "150.00 万元"
