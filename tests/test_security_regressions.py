"""Regressions for the file, quote and text bugs that issue 14 found the suite did not notice.

Each test names the bug it would catch: `..` (or an absolute path, or a link) in a case's
`source` reaching outside the case's folder; quotes of written expressions not checked against
the source; duplicate keys in JSON case files accepted (the last one silently winning); the
测算依据 text putting one input's label before another input's value; unit text left
unsimplified when aliases of one unit meet (平米 with 平方米).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

import cesuan

CASE = (
    "case: sec.src\ntitle: 来源\nsource: {src}\nlines:\n"
    "  - id: a\n    label: 甲\n    stated: {{value: 1 元, quote: 甲1元}}\n"
)


def _refused(kind: str, call: Any, *args: Any, **kw: Any) -> cesuan.CesuanError:
    with pytest.raises(cesuan.CesuanError) as info:
        call(*args, **kw)
    assert info.value.kind == kind, str(info.value)
    return info.value


@pytest.fixture
def folders(tmp_path: Path) -> Path:
    """tmp/outside.txt beside tmp/case/ (where the case lives) and tmp/case/sub/inside.txt."""
    (tmp_path / "case" / "sub").mkdir(parents=True)
    (tmp_path / "outside.txt").write_text("甲1元", encoding="utf-8")
    (tmp_path / "case" / "inside.txt").write_text("甲1元", encoding="utf-8")
    (tmp_path / "case" / "sub" / "inside.txt").write_text("甲1元", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "src",
    ["../outside.txt", "./../outside.txt", "sub/../../outside.txt", "sub/../inside.txt"],
)
def test_dot_dot_in_the_source_path_is_refused(folders: Path, src: str) -> None:
    # docs/case-format.md: source must not contain `..` — even one that stays inside.
    case = folders / "case" / "c.yaml"
    case.write_text(CASE.format(src=src), encoding="utf-8")
    err = _refused("source_missing", cesuan.load_case, case)
    assert err.field == "source"
    assert src in str(err)
    data = {
        "case": "sec.src",
        "title": "来源",
        "source": src,
        "lines": [{"id": "a", "label": "甲", "stated": "1 元"}],
    }
    _refused("source_missing", cesuan.load_case, data, base_dir=folders / "case")


def test_an_absolute_source_path_is_refused(folders: Path) -> None:
    case = folders / "case" / "c.yaml"
    case.write_text(CASE.format(src=folders / "outside.txt"), encoding="utf-8")
    _refused("source_missing", cesuan.load_case, case)


def test_a_link_out_of_the_case_folder_is_refused(folders: Path) -> None:
    # A symbolic link beside the case would lead out of the case folder (and its target's text
    # into quote hints): cesuan.files opens with O_NOFOLLOW and refuses it as an unsafe path.
    os.symlink(folders / "outside.txt", folders / "case" / "link.txt")
    case = folders / "case" / "c.yaml"
    case.write_text(CASE.format(src="link.txt"), encoding="utf-8")
    e = _refused("unsafe_path", cesuan.load_case, case)
    assert "符号链接" in str(e)


@pytest.mark.parametrize("src", ["inside.txt", "sub/inside.txt", "./sub/inside.txt"])
def test_a_source_beside_or_below_the_case_is_read(folders: Path, src: str) -> None:
    case = folders / "case" / "c.yaml"
    case.write_text(CASE.format(src=src), encoding="utf-8")
    assert cesuan.load_case(case).source_text == "甲1元"


# --- quotes of written expressions ----------------------------------------------------------

SOURCE = "核定经费为100-20*90%+20=92万元。"


def _written(quote: str) -> dict[str, Any]:
    return {
        "case": "sec.written",
        "title": "算式",
        "lines": [
            {
                "id": "a",
                "label": "核定经费",
                "formula": "(b - s) * r + s",
                "inputs": {"b": "100 万元", "s": "20 万元", "r": "90%"},
                "written": {
                    "expr": "100-20*90%+20",
                    "unit": "万元",
                    "result": "92 万元",
                    "quote": quote,
                },
            }
        ],
    }


def test_the_quote_of_a_written_expression_is_checked_against_the_source() -> None:
    err = _refused(
        "quote_not_in_source",
        cesuan.load_case,
        _written("核定经费为100-20*90%+20=93万元"),
        source_text=SOURCE,
    )
    assert err.field == "lines[a].written[0].quote"
    assert err.line_id == "a"
    case = cesuan.load_case(_written("100-20*90%+20=92万元"), source_text=SOURCE)
    assert case.lines[0].id == "a"


def test_a_written_quote_without_any_source_is_refused() -> None:
    with pytest.raises(cesuan.CesuanError):
        cesuan.load_case(_written("100-20*90%+20=92万元"))


# --- duplicate keys ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('{"case": "a.b", "title": "t", "title": "u", "lines": []}', "title"),
        (
            '{"case": "a.b", "title": "t", "lines": [{"id": "a", "label": "甲", '
            '"stated": "1 元", "stated": "2 元"}]}',
            "stated",
        ),
        (
            '{"case": "a.b", "title": "t", "lines": [{"id": "a", "label": "甲", "formula": "x", '
            '"inputs": {"x": "1 元", "x": "2 元"}}]}',
            "x",
        ),
    ],
)
def test_duplicate_keys_in_a_json_case_are_refused(tmp_path: Path, text: str, key: str) -> None:
    json.loads(text)  # valid JSON: Python's own reader would keep the last value silently
    p = tmp_path / "c.json"
    p.write_text(text, encoding="utf-8")
    err = _refused("duplicate_key", cesuan.load_case, p)
    assert repr(key) in str(err) or key in str(err)


def test_duplicate_keys_in_a_yaml_case_are_refused(tmp_path: Path) -> None:
    p = tmp_path / "c.yaml"
    p.write_text("case: a.b\ntitle: t\ntitle: u\nlines: []\n", encoding="utf-8")
    _refused("duplicate_key", cesuan.load_case, p)


# --- the 测算依据 text: each label right before its own value -------------------------------

INPUTS = {
    "area": {"value": "100 平方米", "label": "面积"},
    "rate": {"value": "5 元/(平方米·月)", "label": "单价"},
    "months": {"value": "12 月", "label": "租期"},
}


@pytest.mark.parametrize(
    "formula",
    [
        "area * rate * months",
        "months * rate * area",
        "rate * (area * months)",
        "rate * months * area",
    ],
)
def test_each_label_stands_right_before_its_own_value(formula: str) -> None:
    case = {
        "case": "sec.text",
        "title": "文字",
        "lines": [{"id": "a", "label": "租金", "formula": formula, "inputs": INPUTS, "unit": "元"}],
    }
    text = cesuan.explain(cesuan.evaluate(case), "a")
    # 100 × 5 × 12 = 6000 元; each input reads "label value" in the text, in the formula's order.
    for label, value in [("面积", "100平方米"), ("单价", "5元/平方米/月"), ("租期", "12个月")]:
        assert label + value in text, text
    assert text.endswith("=6000元。"), text


def test_a_rule_template_keeps_each_label_with_its_value() -> None:
    # rent.by_area has a text template; the labels must still go with their own values.
    case = {
        "case": "sec.text",
        "title": "文字",
        "lines": [
            {
                "id": "a",
                "label": "租金",
                "use": "rent.by_area",
                "inputs": {
                    "months": {"value": "12 月", "label": "租期"},
                    "rate": {"value": "5 元/(平方米·月)", "label": "单价"},
                    "area": {"value": "100 平方米", "label": "面积"},
                },
                "unit": "元",
            }
        ],
    }
    text = cesuan.explain(cesuan.evaluate(case), "a")
    assert "面积100平方米" in text, text
    for label in ("单价", "租期"):
        i = text.find(label)
        # wherever a label appears, the next thing is its own value, not another input's
        assert i < 0 or text[i + len(label) :].startswith(("5元", "12个月")), text


# --- unit text when aliases meet ------------------------------------------------------------


@pytest.mark.parametrize(
    ("area", "rate"),
    [
        ("100 平米", "5 元/平方米"),
        ("100 平方米", "5 元/平米"),
        ("100 平米", "5 元/平米"),
        # m² is 米 squared, 平方米 is defined as 米 ** 2: one unit written two ways
        ("100 m²", "5 元/平方米"),
        ("100 米²", "5 元/平米"),
        ("100 平方米", "5 元/m²"),
    ],
)
def test_aliases_of_one_unit_cancel_in_the_result_unit(area: str, rate: str) -> None:
    # 100 × 5 = 500 元: 平米 and 平方米 are one unit, so the area cancels, whatever its name.
    case = {
        "case": "sec.alias",
        "title": "别名",
        "lines": [
            {
                "id": "a",
                "label": "租金",
                "formula": "area * rate",
                "inputs": {"area": {"value": area, "label": "面积"}, "rate": rate},
            }
        ],
    }
    r = cesuan.evaluate(case)
    q = r["a"].quantity
    assert (q.magnitude, q.unit.text) == (500, "元")
    assert cesuan.explain(r, "a").endswith("=500元。")
    q2 = cesuan.evaluate_formula("area * rate", {"area": area, "rate": rate})
    assert (q2.magnitude, q2.unit.text) == (500, "元")


@pytest.mark.parametrize(
    ("left", "right", "text", "factor"),
    [
        # 平米 is an alias of 平方米 (units.txt): they cancel → 元
        ("平米", "元/平方米", "元", 1),
        # 个月 is an alias of 月, a unit with a factor (1/12 年): 12 个月 × 元/月 → 元, factor
        # 1/12 × 12 = 1
        ("个月", "元/月", "元", 1),
        # m² · 元/平方米: 米² and 平方米 (= 米 ** 2) cancel → 元, factor 1 × 1 = 1
        ("m²", "元/平方米", "元", 1),
        # 立方米 and 方 are aliases; m³ is 米 cubed: 米³ / 方 → nothing left but 元
        ("m³", "元/方", "元", 1),
        # 平方公里 is 10⁶ 米², not 米²: it must not cancel 平方米 — the text keeps both names
        # and the factor is 1000000 × 1 ÷ 1 = 1000000 (so 1 平方公里·元/平方米 = 1000000 元)
        ("平方公里", "元/平方米", "平方公里·元/平方米", 1000000),
        # 米 against 平方米 only half cancels: 米¹ · 米⁻² leaves 米⁻¹, so both stay written
        ("米", "元/平方米", "米·元/平方米", 1),
    ],
)
def test_unit_product_cancels_exact_powers_of_one_root_only(
    left: str, right: str, text: str, factor: int
) -> None:
    from cesuan.units import parse_unit

    u = parse_unit(left) * parse_unit(right)
    assert (u.text, u.factor) == (text, factor)
