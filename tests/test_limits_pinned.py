"""Every documented limit pinned at its literal value: at the limit accepted, one over refused
(issue 14).

The numbers below are copied from docs/security.md and docs/formula-language.md (上限), never
read from cesuan.limits: a limit moved in the code without the docs then fails here. Each
refusal is checked for its error kind.
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

import cesuan

HEAD = "case: lim.a\ntitle: 限值\nlines:\n  - id: a\n    label: 甲\n    stated: 1 元\n"


def _refused(kind: str, call: Any, *args: Any) -> cesuan.CesuanError:
    with pytest.raises(cesuan.CesuanError) as info:
        call(*args)
    assert info.value.kind == kind, str(info.value)
    return info.value


def _case(*lines: dict[str, Any]) -> dict[str, Any]:
    return {"case": "lim.a", "title": "限值", "lines": list(lines)}


# --- files ---------------------------------------------------------------------------------


def test_case_file_of_2_000_000_bytes_is_read_and_one_byte_more_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "c.yaml"
    for size in (2_000_000, 2_000_001):
        text = HEAD + "#" + "x" * (size - len(HEAD.encode()) - 2) + "\n"
        p.write_text(text, encoding="utf-8")
        assert p.stat().st_size == size
        if size == 2_000_000:
            assert cesuan.load_case(p).lines[0].id == "a"
        else:
            assert "2000000" in str(_refused("size_limit", cesuan.load_case, p))


def test_source_of_5_000_000_bytes_is_read_and_one_byte_more_is_refused(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(
        "case: lim.a\ntitle: 限值\nsource: s.txt\nlines:\n"
        "  - id: a\n    label: 甲\n    stated: {value: 1 元, quote: 甲}\n",
        encoding="utf-8",
    )
    for size in (5_000_000, 5_000_001):
        (tmp_path / "s.txt").write_bytes("甲".encode() + b"x" * (size - 3))
        if size == 5_000_000:
            assert cesuan.load_case(tmp_path / "c.yaml").lines[0].id == "a"
        else:
            _refused("size_limit", cesuan.load_case, tmp_path / "c.yaml")


@pytest.mark.parametrize("suffix", ["yaml", "json", "mapping"])
def test_a_string_of_10_000_characters_is_read_and_one_more_is_refused(
    tmp_path: Path, suffix: str
) -> None:
    for n in (10_000, 10_001):
        data = _case({"id": "a", "label": "甲" * n, "stated": "1 元"})
        where: Any = data
        if suffix != "mapping":
            where = tmp_path / f"c.{suffix}"
            text = HEAD.replace("label: 甲", "label: " + "甲" * n)
            where.write_text(
                text if suffix == "yaml" else json.dumps(data, ensure_ascii=False),
                encoding="utf-8",
            )
        if n == 10_000:
            assert len(cesuan.load_case(where).lines[0].label) == 10_000
        else:
            _refused("size_limit", cesuan.load_case, where)


def _nested_yaml(lists: int) -> str:
    # The case's own mapping is the first level; `lists` levels of lists inside `notes`.
    return HEAD + "notes: " + "[" * lists + "1" + "]" * lists + "\n"


def test_yaml_nesting_of_20_levels_passes_the_limit_and_21_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "c.yaml"
    p.write_text(_nested_yaml(19), encoding="utf-8")  # 1 mapping + 19 lists = 20 levels
    with pytest.raises(cesuan.CesuanError) as info:
        cesuan.load_case(p)
    assert info.value.kind == "schema"  # past the reader: notes must be text, not a list
    p.write_text(_nested_yaml(20), encoding="utf-8")  # 21 levels
    _refused("nesting", cesuan.load_case, p)


def test_json_nesting_of_21_levels_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "c.json"
    p.write_text(
        '{"case": "lim.a", "title": "x", "notes": ' + "[" * 20 + "1" + "]" * 20 + ', "lines": []}',
        encoding="utf-8",
    )
    _refused("nesting", cesuan.load_case, p)


def test_a_case_of_100_000_lines_loads_and_100_001_are_refused() -> None:
    lines = [{"id": f"l{i}", "label": "甲", "stated": "1 元"} for i in range(100_001)]
    assert len(cesuan.load_case(_case(*lines[:100_000])).lines) == 100_000
    _refused("size_limit", cesuan.load_case, _case(*lines))


# --- lines and formulas ----------------------------------------------------------------------


def test_a_line_with_100_inputs_evaluates_and_101_are_refused() -> None:
    for n in (100, 101):
        inputs = {f"v{j}": "1 元" for j in range(n)}
        # 100 inputs of 1 元 each add up to 100 元.
        line = {"id": "a", "label": "甲", "formula": " + ".join(inputs), "inputs": inputs}
        if n == 100:
            assert cesuan.evaluate(_case(line))["a"].quantity.magnitude == 100
        else:
            _refused("size_limit", cesuan.evaluate, _case(line))


def test_a_reference_chain_of_1000_lines_evaluates_and_1001_are_refused() -> None:
    for n in (1000, 1001):
        lines = [{"id": "l0", "label": "起", "formula": "x * 1", "inputs": {"x": "1 元"}}]
        lines += [{"id": f"l{i}", "label": "链", "formula": f"l{i - 1} + x", "inputs": {"x": "1 元"}}
                  for i in range(1, n)]  # fmt: skip
        if n == 1000:
            # l0 = 1 元, each further line adds 1 元: l999 = 1000 元.
            assert cesuan.evaluate(_case(*lines))["l999"].quantity.magnitude == 1000
        else:
            _refused("size_limit", cesuan.evaluate, _case(*lines))


def test_a_formula_of_2000_characters_parses_and_2001_are_refused() -> None:
    cesuan.parse_formula("x" + " " * 1999)
    _refused("size_limit", cesuan.parse_formula, "x" + " " * 2000)


def test_39_parentheses_parse_and_40_are_refused() -> None:
    # formula-language.md: depth 40, the formula itself is one level, so at most 39 parentheses.
    cesuan.parse_formula("(" * 39 + "x" + ")" * 39)
    _refused("nesting", cesuan.parse_formula, "(" * 40 + "x" + ")" * 40)
    cesuan.parse_formula("-" * 39 + "x")
    _refused("nesting", cesuan.parse_formula, "-" * 40 + "x")


def test_500_nodes_parse_and_501_are_refused() -> None:
    # 250 names and 249 '+' are 499 nodes; one negation makes 500; a second one 501.
    terms = "+".join(["x"] * 250)
    cesuan.parse_formula(terms)
    cesuan.parse_formula("-" + terms)
    _refused("size_limit", cesuan.parse_formula, "--" + terms)
    # 251 names and 250 '+' are 501.
    _refused("size_limit", cesuan.parse_formula, "+".join(["x"] * 251))


def test_a_quantity_of_200_characters_parses_and_201_are_refused() -> None:
    assert cesuan.parse_quantity("1 元" + " " * 197).magnitude == 1
    _refused("size_limit", cesuan.parse_quantity, "1 元" + " " * 198)


@pytest.mark.parametrize(
    ("at_limit", "over"),
    [
        ("9" * 30 + " 元", "9" * 31 + " 元"),
        ("0." + "9" * 30 + " 元", "0." + "9" * 31 + " 元"),
        # leading zeros do not count: 0.000 then 30 digits is within the limit
        ("0.000" + "1" * 30 + " 元", "0.000" + "1" * 31 + " 元"),
        ("1" * 15 + "." + "1" * 15 + " 元", "1" * 15 + "." + "1" * 16 + " 元"),
    ],
)
def test_a_number_of_30_digits_is_read_and_31_are_refused(at_limit: str, over: str) -> None:
    cesuan.parse_quantity(at_limit)
    _refused("magnitude", cesuan.parse_quantity, over)
    _refused("magnitude", cesuan.parse_formula, over.replace(" 元", " + x"))


NINES = "9" * 30


def _product(unit: str, formula: str = "x * y", x_unit: str = "元") -> dict[str, Any]:
    line = {
        "id": "a",
        "label": "甲",
        "formula": formula,
        "inputs": {"x": f"{NINES} {x_unit}", "y": NINES},
        "unit": unit,
    }
    return _case(line)


def test_a_line_result_of_60_digits_is_kept_and_61_are_refused() -> None:
    # (10^30 − 1)² = 10^60 − 2·10^30 + 1: 60 digits (99…9800…01).
    q = cesuan.evaluate(_product("元"))["a"].quantity
    assert q.magnitude == (10**30 - 1) ** 2
    assert len(str(q.magnitude)) == 60
    # × 10: 61 digits.
    _refused("magnitude", cesuan.evaluate, _product("元", "x * y * 10"))


def test_result_digits_are_counted_in_root_units() -> None:
    # In 万元 the same 60-digit product is 60 digits of 万元 = 64 digits of 元 (the root unit).
    _refused("magnitude", cesuan.evaluate, _product("万元", x_unit="万元"))
    # 60 digits of 元 shown in 万元 are still 60 digits of 元: kept.
    assert cesuan.evaluate(_product("万元"))["a"].quantity.unit.text == "万元"


def _power(formula: str) -> dict[str, Any]:
    # y = 1亿 is Decimal 1E+8: a short coefficient, so a product of them is a power of ten whose
    # coefficient is one digit however many digits the value has before the point.
    line = {"id": "a", "label": "甲", "formula": formula, "inputs": {"y": "1亿", "k": "1000"}}
    return _case(line)


def test_a_result_with_a_short_coefficient_is_counted_by_its_digits_before_the_point() -> None:
    # (10^8)^7 × 10^3 = 10^59: 60 digits before the point, kept.
    seven = "y * y * y * y * y * y * y"
    assert cesuan.evaluate(_power(f"{seven} * k"))["a"].exact == 10**59
    # × 10 more = 10^60: 61 digits (its coefficient still one digit), refused.
    _refused("magnitude", cesuan.evaluate, _power(f"{seven} * k * 10"))


def test_a_fraction_result_is_counted_by_its_numerator_and_denominator() -> None:
    seven = "y * y * y * y * y * y * y"
    # 10^59 / 3: a numerator of 60 digits, kept exactly (no decimal expansion).
    r = cesuan.evaluate(_power(f"{seven} * k / 3"))["a"]
    assert r.exact == Fraction(10**59, 3)
    # 10^60 / 3 ≈ 3.3·10^59 has 60 digits before the point, but its numerator has 61: refused.
    _refused("magnitude", cesuan.evaluate, _power(f"{seven} * k * 10 / 3"))
    # 3 / 10^59 = 3E-59: 59 decimal places, kept.
    assert cesuan.evaluate(_power(f"3 / ({seven} * k)"))["a"].exact == Fraction(3, 10**59)


def test_a_result_in_a_non_decimal_unit_is_counted_in_its_root_unit_too() -> None:
    # 月 is 年/12: no power of ten, so the value is converted to 年 before its digits are
    # counted. (10^8)^7 × 10^3 × 12 月 = 1.2·10^60 月 = 10^59 年: 60 digits, kept.
    seven = "y * y * y * y * y * y * y"
    r = cesuan.evaluate(_power(f"{seven} * k * 12 月"))["a"]
    assert r.exact == 12 * 10**59
    # Ten times as much is 10^60 年: 61 digits, refused.
    _refused("magnitude", cesuan.evaluate, _power(f"{seven} * k * 120 月"))


def test_small_results_are_counted_in_decimal_places_of_the_root_unit() -> None:
    tiny = "0." + "0" * 29 + "1"  # 1E-30
    # 1E-30 万元 × 1E-30 × 0.001 = 1E-63 万元 = 1E-59 元: 59 places in 元, kept.
    line = {
        "id": "a",
        "label": "甲",
        "formula": "x * y * z",
        "inputs": {"x": f"{tiny} 万元", "y": tiny, "z": "0.001"},
    }
    assert cesuan.evaluate(_case(line))["a"].exact == Decimal("1E-63")


def test_a_zero_result_is_kept_however_many_places_it_is_written_with() -> None:
    zero = "0." + "0" * 30  # 0E-30: no significant digit
    line = {
        "id": "a",
        "label": "甲",
        "formula": "x * y * y",
        "inputs": {"x": f"{zero} 元", "y": zero},
    }
    # 0E-30 × 0E-30 × 0E-30 = 0E-90: zero, not a number with 90 decimal places.
    assert cesuan.evaluate(_case(line))["a"].exact == 0


def test_a_line_result_with_more_than_60_decimal_places_is_refused() -> None:
    tiny = "0." + "0" * 29 + "1"  # 1E-30: one digit, past the leading zeros
    line = {
        "id": "a",
        "label": "甲",
        "formula": "x * y * y",
        "inputs": {"x": f"{tiny} 元", "y": tiny},
        "unit": "元",
    }
    # 1E-30 × 1E-30 × 1E-30 = 1E-90: 90 digits after the point.
    _refused("magnitude", cesuan.evaluate, _case(line))


def test_a_line_result_with_60_decimal_places_is_kept() -> None:
    tiny = "0." + "0" * 29 + "1"  # 1E-30
    line = {"id": "a", "label": "甲", "formula": "x * y", "inputs": {"x": f"{tiny} 元", "y": tiny}}
    # 1E-30 × 1E-30 = 1E-60: 60 digits after the point, at the limit.
    assert cesuan.evaluate(_case(line))["a"].quantity.magnitude == Decimal("1E-60")


def test_a_total_over_its_parts_stated_amounts_is_size_checked_too() -> None:
    # Each part computes to 1 but states 30 nines (in %); the total multiplies three of them:
    # over the stated parts (10^30 − 1)³ / 100³ has 84 digits before the point — refused for that
    # reading only, reported as not computable; the exact reading (1 × 1 × 1) is still checked.
    nines = "9" * 30
    parts = [
        {
            "id": f"p{i}",
            "label": "分项",
            "formula": "x",
            "inputs": {"x": "1"},
            "stated": f"{nines}%",
        }
        for i in range(3)
    ]
    total = {"id": "t", "label": "合计", "formula": "p0 * p1 * p2", "stated": "1%"}
    result = cesuan.evaluate(_case(*parts, total))
    t = result["t"]
    assert t.over_stated is None
    assert t.over_stated_error is not None
    assert t.over_stated_error.kind == "magnitude"
    # The message names the reading that overflowed, not the line's computed value.
    assert t.over_stated_error.message.startswith("按分项申报数计算的结果超过 60 位数字")
    kinds = {f.kind for f in cesuan.audit(result).findings if f.line_id == "t"}
    assert "not_computable" in kinds, kinds
