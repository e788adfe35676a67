"""The 测算依据 text in the forms' own style (issue 15): amounts as the form writes them, the exact
value kept in the trace, units said once, no 合计共计, one colon per sentence, a negative
difference as 减少, one style of punctuation (docs/glossary.md, “测算依据的写法”).

Oracles are hand-worked (arithmetic in the comments) or hand-copied from the seed forms
(/work/shared/seeds/000_7995eae93e291590.txt, the same text as cases/jianghan-2023/*.source.txt),
never taken from the engine.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import cesuan
from cesuan.basis import explain_table
from cesuan.rules import load_rules

ROOT = Path(__file__).resolve().parents[1]
CASES = sorted((ROOT / "cases").rglob("*.yaml"))
JIANGHAN = ROOT / "cases/jianghan-2023"


def _explain(lines: list[dict[str, Any]], line_id: str) -> str:
    return cesuan.explain(cesuan.evaluate({"case": "t", "title": "示例", "lines": lines}), line_id)


# ── display precision ────────────────────────────────────────────────────────────────────────


def test_the_property_fee_is_written_as_the_form_writes_it() -> None:
    # 5580 平方米 × 18 元/(平方米·月) × 12 月 = 1205280 元 = 120.528 万元; the form: 120.53万元.
    text = cesuan.explain(JIANGHAN / "shenpi-dating.yaml", "hall.property")
    assert "计120.528万元，四舍五入为120.53万元。" in text
    hall = cesuan.explain(JIANGHAN / "shenpi-dating.yaml", "hall")
    # 502.1604 + 81 + 120.528 = 703.6884 → the form's 703.69; the part as the form writes it.
    assert hall.startswith("大厅使用费用共计703.69万元。")
    assert "大厅物业费120.53万元" in hall
    assert "703.6884" not in hall
    assert "120.528" not in hall


def test_the_total_and_the_change_are_written_as_the_form_writes_them() -> None:
    path = JIANGHAN / "shenpi-dating.yaml"
    # 9.5 + 1.5 + 15.56 + 9 + 6.64 + 703.6884 = 745.8884 万元; the form writes 746万元.
    assert cesuan.explain(path, "total").startswith("项目当年预算共计746万元。")
    assert (
        cesuan.explain(path, "budget.sum")
        == "当年预算合计745.8884万元，四舍五入为746万元（即项目当年预算）。"
    )
    # 750 − 745.8884 = 4.1116 万元; the form: “2023年预算较2022年预算减少4万元”.
    change = cesuan.explain(path, "change_vs_2022")
    assert change.endswith("=4.1116万元，四舍五入为4万元。")


def test_the_exact_values_stay_in_the_trace() -> None:
    result = cesuan.evaluate(JIANGHAN / "shenpi-dating.yaml")
    lines = json.loads(result.to_json())["lines"]
    # Display rounding is text only: the trace keeps 120.528 and 745.8884 (see above).
    assert lines["hall.property"]["value"] == "120.528 万元"
    assert lines["total"]["value"] == "745.8884 万元"
    assert lines["change_vs_2022"]["value"] == "4.1116 万元"


def test_trailing_zeros_the_form_writes_are_kept() -> None:
    # 3 × 2.1 万元 = 6.3 万元, stated “6.30 万元”: written 6.30, as the form does.
    text = _explain(
        [{"id": "a", "label": "甲", "formula": "3 * 2.1 万元", "stated": "6.30 万元"}], "a"
    )
    assert text == "甲：3×2.1万元=6.30万元。"


def test_without_a_stated_amount_wan_yuan_is_written_to_two_places() -> None:
    # 12345 元 = 1.2345 万元 → 1.23 (half-up, the 万元 convention).
    text = _explain([{"id": "a", "label": "甲", "formula": "12345 元", "unit": "万元"}], "a")
    assert text == "甲：12345元=12345元，即1.2345万元，四舍五入为1.23万元。"


def test_a_total_whose_shown_parts_do_not_add_up_says_so_as_forms_do() -> None:
    # Three parts of 50 元 = 0.005 万元, each shown 0.01 (half-up); total 0.015 → 0.02.
    # Shown parts add to 0.03, 0.01 more than the shown total.
    parts = [
        {"id": f"p{i}", "label": f"分项{i}", "formula": "50 元", "unit": "万元"} for i in (1, 2, 3)
    ]
    total = {"id": "t", "label": "经费", "formula": "p1 + p2 + p3", "unit": "万元"}
    text = _explain([*parts, total], "t")
    assert text.startswith(
        "经费共计0.02万元。其中：分项1为0.01万元；分项2为0.01万元；分项3为0.01万元。"
    )
    assert text.endswith("各分项金额之和为0.03万元，与合计0.02万元相差0.01万元，系四舍五入所致。")


def test_a_declared_rounding_on_a_rule_line_is_said() -> None:
    # 338.31 ÷ 329.77 = 1.02589684… → 102.589684…%, rounded by the case to 102.59%; the rule's
    # template used to show only 102.59%.
    text = cesuan.explain(ROOT / "cases/jinzhai-meili-2023/zhengti.yaml", "total.rate")
    assert text.endswith("=102.589684…%，四舍五入为102.59%。")


def test_the_calc_table_writes_amounts_as_the_form_does() -> None:
    from cesuan.report import calc_table

    table = calc_table(cesuan.evaluate(JIANGHAN / "shenpi-dating.yaml"))
    row = next(line for line in table.splitlines() if line.startswith("hall.property "))
    assert row.split()[2:] == ["120.53万元", "120.53万元"]  # 计算值 as the form writes it, 申报数
    row = next(line for line in table.splitlines() if line.startswith("total "))
    assert row.split()[2:] == ["746万元", "746万元"]


def test_a_case_level_setting_sets_the_places() -> None:
    # 12345.5 元 shown exactly by default; with `places: {元: 0}` to whole 元: 12346 (half-up),
    # and 1.2345 万元 with `places: {万元: 3}` → 1.235 (half-up of the fourth place, 5).
    lines = [
        {"id": "a", "label": "甲", "formula": "12345.5 元"},
        {"id": "b", "label": "乙", "formula": "12345 元", "unit": "万元"},
    ]
    case = {"case": "t", "title": "示例", "lines": lines, "places": {"元": 0, "万元": 3}}
    result = cesuan.evaluate(case)
    assert cesuan.explain(result, "a") == "甲：12345.5元=12345.5元，四舍五入为12346元。"
    assert cesuan.explain(result, "b").endswith("即1.2345万元，四舍五入为1.235万元。")
    assert result["a"].value == 12345.5  # the value itself is untouched
    table = explain_table(result)
    assert [amount for *_, amount in table] == ["12346元", "1.235万元"]


def test_a_case_level_setting_with_an_unknown_unit_is_an_error() -> None:
    case = {"case": "t", "title": "示例", "lines": [{"id": "a", "label": "甲", "formula": "1 元"}]}
    result = cesuan.evaluate({**case, "places": {"圆": 0}})
    with pytest.raises(cesuan.CesuanError) as info:
        cesuan.explain(result, "a")
    assert info.value.field == "places.圆"
    assert "'圆'" in info.value.message


# ── prose fixes ──────────────────────────────────────────────────────────────────────────────


def test_a_unit_is_said_once() -> None:
    # The form: “每条月租费1200元”, not 每条月租1200元/条/月.
    text = cesuan.explain(JIANGHAN / "shenpi-dating.yaml", "network.fiber_hall")
    assert "每条月租1200元，" in text
    assert "元/条" not in text
    assert "/月" not in text
    # Without 每… before it, the unit is written whole, as the forms' 130元/生/月.
    lines = [
        {"id": "a", "label": "补助", "formula": "n * r * 2 月", "unit": "元",
         "inputs": {"n": {"value": "10 人", "label": "人数"},
                    "r": {"value": "500 元/(人·月)", "label": "补助标准"}}},
        {"id": "b", "label": "补助", "formula": "n * r * 2 月", "unit": "元",
         "inputs": {"n": {"value": "10 人", "label": "人数"},
                    "r": {"value": "500 元/(人·月)", "label": "每人每月补助"}}},
    ]  # fmt: skip
    assert "补助标准500元/人/月" in _explain(lines, "a")
    assert "每人每月补助500元×" in _explain(lines, "b")


def test_units_are_written_without_ascii_brackets_or_middle_dots() -> None:
    text = cesuan.explain(JIANGHAN / "shenpi-dating.yaml", "hall.property")
    assert "按18元/平方米/月计算" in text  # not 18元/(平方米·月)


def test_a_label_that_says_total_gets_no_second_total_word() -> None:
    lines = [
        {"id": "a", "label": "甲", "stated": "1 万元"},
        {"id": "b", "label": "乙", "stated": "2 万元"},
        {"id": "t", "label": "各项合计", "formula": "a + b", "stated": "3 万元"},
    ]
    assert _explain(lines, "t") == "各项合计3万元。其中：甲1万元；乙2万元。"  # 1 + 2 = 3
    # … also when a note in brackets follows 合计.
    lines[2] = {**lines[2], "label": "各项合计（与执行数对照）"}
    assert _explain(lines, "t") == "各项合计（与执行数对照）3万元。其中：甲1万元；乙2万元。"


def test_a_category_label_gives_one_colon() -> None:
    # Label “委托业务费：安全检查费用”: the form's text says 安全检查费用…, the category is its
    # 项目内容 column.
    text = cesuan.explain(JIANGHAN / "shenpi-dating.yaml", "safety")
    assert text.startswith("安全检查费用：按区委安委办核定标准，核定的经费标准为1.5万元/年")
    assert text.count("：") == 1
    total = cesuan.explain(JIANGHAN / "shenpi-dating.yaml", "total")
    assert "委托业务费" not in total
    assert "其中：大厅维护费用9.5万元；安全检查费用1.5万元；" in total


def test_a_negative_difference_is_written_as_a_decrease() -> None:
    # 100 − 134.17 = −34.17 万元: 减少34.17万元, never “=-34.17万元” (issue 15).
    lines = [
        {"id": "c", "label": "比上年增减", "formula": "now - before", "unit": "万元", "sign": "any",
         "inputs": {"now": {"value": "100 万元", "label": "本年"},
                    "before": {"value": "134.17 万元", "label": "上年"}}},
        {"id": "r", "label": "比上年增减", "use": "budget.change",
         "inputs": {"current": {"value": "100 万元", "label": "本年"},
                    "previous": {"value": "134.17 万元", "label": "上年"}}, "unit": "万元"},
    ]  # fmt: skip
    assert _explain(lines, "c") == "比上年增减：本年100万元−上年134.17万元，减少34.17万元。"
    assert _explain(lines, "r") == "比上年增减：本年100万元−上年134.17万元，减少34.17万元。"


def test_a_negative_difference_shown_rounded_keeps_its_exact_value() -> None:
    # 100 − 134.1725 = −34.1725 万元 → 减少34.1725万元, written 34.17 (half-up of 34.1725).
    lines = [
        {"id": "c", "label": "增减", "formula": "now - before", "unit": "万元", "sign": "any",
         "inputs": {"now": "100 万元", "before": "134.1725 万元"}},
    ]  # fmt: skip
    text = _explain(lines, "c")
    assert text.endswith("，减少34.1725万元，四舍五入为34.17万元。")
    assert "-" not in text
    assert "=" not in text


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.relative_to(ROOT / "cases").as_posix())
def test_one_style_of_punctuation(path: Path) -> None:
    """No full-width ＝＋－ beside = + −, and ASCII brackets only inside a case's own label
    where they hold no Chinese (执行率(B/A))."""
    result = cesuan.evaluate(path)
    for line_id, _, text, _ in explain_table(result):
        assert not set(text) & set("＝＋－"), (line_id, text)
        assert "=-" not in text, (line_id, text)
        assert "=−" not in text, (line_id, text)
        assert not re.search(r"\([^()]*[\u4e00-\u9fff][^()]*\)", text), (line_id, text)
        assert "·月" not in text, (line_id, text)
        assert "/(" not in text, (line_id, text)


def test_rule_templates_use_the_house_signs() -> None:
    for rule_id, rule in load_rules().items():
        assert not set(rule.text or "") & set("＝＋－"), rule_id


def test_a_name_ending_in_a_digit_never_runs_into_its_number() -> None:
    # A year column labels lines 学生数·2022: written next to 100人 it would read 2022100人.
    case = {
        "case": "t",
        "title": "示例",
        "columns": [2022, 2023],
        "lines": [
            {"id": "n", "label": "学生数", "value": {"2022": "100 人", "2023": "120 人"}},
            {"id": "all", "label": "合计", "formula": "n.y2022 + n.y2023", "unit": "人"},
        ],
    }
    result = cesuan.evaluate(case)
    assert cesuan.explain(result, "n.y2022") == "学生数·2022为100人。"
    # 100 + 120 = 220 人; each part named, then 为, then its number.
    assert (
        cesuan.explain(result, "all") == "合计220人。其中：学生数·2022为100人；学生数·2023为120人。"
    )


def test_a_negative_amount_is_said_with_wei_not_as_a_subtraction() -> None:
    # 乙−2.50万元 would read as 乙 minus 2.5 万元; the form writes 乙为−2.50万元.
    case = {
        "case": "t",
        "title": "示例",
        "lines": [
            {"id": "a", "label": "甲", "value": "10 万元"},
            {"id": "b", "label": "乙", "value": "-2.5 万元", "sign": "any"},
            {"id": "total", "label": "合计", "formula": "a + b"},
        ],
    }
    result = cesuan.evaluate(case)
    assert cesuan.explain(result, "b") == "乙为−2.50万元。"
    # 10 − 2.5 = 7.5 万元; the positive part is said as before, without 为.
    assert cesuan.explain(result, "total") == "合计7.50万元。其中：甲10.00万元；乙为−2.50万元。"
