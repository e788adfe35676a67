"""Deterministic tests written to kill the mutants that survived `mutmut run` on exact.py,
units.py and quantity.py (docs/testing.md records the scores and the mutants left as
equivalent, with why).

The property tests in test_exact.py would catch several of these mutants on a lucky draw, but a
mutant must be killed every time: each test here is a fixed, hand-worked case naming the
behaviour it pins.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

import cesuan
from cesuan import exact

# A Decimal of 401 digits is past the 400-digit private context: quantize raises there, and the
# exact integer path must give the same rounding.
LONG = "1" * 401


def test_neg_of_a_long_decimal_is_exact() -> None:
    # Unary minus in the default context would round to 28 digits.
    a = Decimal("1" * 45)
    assert exact.neg(a) == Decimal("-" + "1" * 45)
    assert type(exact.neg(a)) is Decimal


def test_ceil_and_floor_default_to_whole_numbers() -> None:
    # ceil(0.25) = 1, floor(1.75) = 1 (not 0.3 and 1.7, as 1 place would give)
    assert exact.ceil_to(Decimal("0.25")) == 1
    assert exact.floor_to(Decimal("1.75")) == 1
    assert exact.ceil_to(Fraction(1, 3)) == 1
    assert exact.floor_to(Fraction(5, 3)) == 1


@pytest.mark.parametrize(
    ("how", "x", "places", "want"),
    [
        # negative places round to tens, hundreds …: 1250 → 12.50 hundreds → 13 → 1300
        (exact.round_half_up, Decimal("1250"), -2, "1300"),
        (exact.round_half_up, Decimal("-1250"), -2, "-1300"),
        (exact.round_half_up, Decimal("1249"), -2, "1200"),
        (exact.ceil_to, Decimal("1201"), -2, "1300"),
        (exact.floor_to, Decimal("1299"), -2, "1200"),
        (exact.floor_to, Decimal("-1201"), -2, "-1300"),
        # Fractions take the integer path directly: 2501/2 = 1250.5 → 1300; 2399/2 = 1199.5
        (exact.round_half_up, Fraction(2501, 2), -2, "1300"),
        (exact.ceil_to, Fraction(2399, 2), -2, "1200"),
        (exact.floor_to, Fraction(2399, 2), -2, "1100"),
        # 21 places: one past the quantize table (0 … 20)
        (exact.round_half_up, Decimal("0." + "0" * 21 + "5"), 21, "0." + "0" * 20 + "1"),
        (exact.floor_to, Decimal("0." + "0" * 20 + "19"), 21, "0." + "0" * 20 + "1"),
        # more digits than the 400-digit context: 111…1.5 → 111…12
        (exact.round_half_up, Decimal(LONG + ".5"), 0, LONG[:-1] + "2"),
        (exact.floor_to, Decimal(LONG + ".5"), 0, LONG),
        (exact.ceil_to, Decimal(LONG + ".5"), 0, LONG[:-1] + "2"),
    ],
)
def test_roundings_outside_the_quantize_fast_path(
    how: object, x: exact.Num, places: int, want: str
) -> None:
    assert callable(how)
    assert how(x, places) == Decimal(want)
    mode = {exact.round_half_up: "half_up", exact.ceil_to: "ceil", exact.floor_to: "floor"}[how]
    assert exact.rounder(places, mode)(x) == Decimal(want)


def test_rounder_defaults_to_half_up() -> None:
    # 1.005 → 1.01 (half-up), and a tie below zero goes away from zero.
    assert exact.rounder(2)(Decimal("1.005")) == Decimal("1.01")
    assert exact.rounder(0)(Decimal("-2.5")) == Decimal("-3")
    assert exact.rounder(2)(Fraction(1, 3)) == Decimal("0.33")


def test_scaler_of_one_is_none_and_of_two_doubles() -> None:
    assert exact.scaler(Fraction(1)) is None
    scale = exact.scaler(Fraction(2))
    assert scale is not None
    assert scale(Decimal("3.5")) == 7


def test_power_of_ten_scalers() -> None:
    by = exact.scaler(Fraction(1, 10000))
    assert by is not None
    assert by(Decimal("5021604")) == Decimal("502.1604")
    up = exact.scaler(Fraction(10000))
    assert up is not None
    assert up(Decimal("502.1604")) == 5021604
    assert up(Fraction(1, 3)) == Fraction(10000, 3)


def test_format_exact_with_places_keeps_the_sign() -> None:
    assert exact.format_exact(Decimal("-1.5"), places=2) == "-1.50"
    assert exact.format_exact(Decimal("-0"), places=2) == "0.00"


@pytest.mark.parametrize(
    ("x", "text"),
    [(Fraction(1, 10000), "0.0001"), (Fraction(3, 8), "0.375"), (Fraction(1, 625), "0.0016")],
)
def test_to_decimal_uses_the_fewest_places(x: Fraction, text: str) -> None:
    # 10000 = 2⁴·5⁴ → 4 places; 8 = 2³ → 3; 625 = 5⁴ → 4: the smallest power of ten it divides.
    assert str(exact.to_decimal(x)) == text


def test_to_decimal_refuses_a_non_terminating_fraction() -> None:
    # 1/3 has no finite decimal expansion; 3/8 = 0.375 has.
    with pytest.raises(ValueError, match="no finite decimal expansion"):
        exact.to_decimal(Fraction(1, 3))


def test_a_float_is_refused_with_the_documented_message() -> None:
    with pytest.raises(TypeError) as info:
        exact.to_fraction(0.1)  # type: ignore[arg-type]
    assert str(info.value) == "cesuan 的数值不能是 float；请用 Decimal 或 Fraction（或数量文本）"


@pytest.mark.parametrize(
    ("factor", "x", "want"),
    [
        # 3 × 1/12 = 0.25: 12 = 2²·3, and 3 divides 3, so the result is a finite decimal
        (Fraction(1, 12), Decimal("3"), Decimal("0.25")),
        # 3 × 1/15 = 0.2: 15 = 3·5
        (Fraction(1, 15), Decimal("3"), Decimal("0.2")),
        # 3·10³⁰ × 1/12 = 2.5·10²⁹: past float precision, still a Decimal
        (Fraction(1, 12), Decimal("3" + "0" * 30), Decimal("25" + "0" * 28)),
        # 5021604 × 1/10000 = 502.1604 (a power of ten moves the point)
        (Fraction(1, 10000), Decimal("5021604"), Decimal("502.1604")),
        # 7 × 12/5 = 16.8
        (Fraction(12, 5), Decimal("7"), Decimal("16.8")),
    ],
)
def test_a_scaled_finite_decimal_stays_a_decimal(
    factor: Fraction, x: Decimal, want: Decimal
) -> None:
    scale = exact.scaler(factor)
    assert scale is not None
    got = scale(x)
    assert got == want
    assert type(got) is Decimal


@pytest.mark.parametrize(
    ("factor", "x", "want"),
    [
        (Fraction(1, 12), Decimal("7"), Fraction(7, 12)),  # 7/12 has no finite expansion
        (Fraction(1, 12), Fraction(1, 3), Fraction(1, 36)),
        (Fraction(1, 10000), Fraction(1, 3), Fraction(1, 30000)),
    ],
)
def test_a_scaled_non_terminating_value_is_a_fraction(
    factor: Fraction, x: exact.Num, want: Fraction
) -> None:
    scale = exact.scaler(factor)
    assert scale is not None
    got = scale(x)
    assert got == want
    assert type(got) is Fraction


# --- units.py ----------------------------------------------------------------------------------


def test_dimension_text() -> None:
    from cesuan.units import parse_unit

    # 万元/(平方米·月) in root units: 元 per 米² per 年 (月 is 1/12 年)
    assert parse_unit("万元/(平方米·月)").dims_text() == "元/(年·米²)"
    assert parse_unit("元").dims_text() == "元"
    assert cesuan.parse_quantity("98%").unit.dims_text() == "无量纲"


def test_powers_are_written_with_superscripts_or_a_caret() -> None:
    from cesuan.units import parse_unit

    assert parse_unit("米²").text == "米²"
    assert parse_unit("米³").text == "米³"
    assert parse_unit("米^4").text == "米^4"


def test_an_unknown_unit_names_itself_and_suggests_the_longest_contained_name() -> None:
    from cesuan.units import parse_unit, suggest_unit

    # Too far from any name for difflib (ratio < 0.5): the longest defined name inside it.
    assert suggest_unit("啊啊啊啊啊啊啊啊平方米") == "平方米"
    assert suggest_unit("zzzq") is None
    with pytest.raises(cesuan.CesuanError) as info:
        parse_unit("zzzq")
    e = info.value
    assert (e.kind, e.text, e.column, e.hint) == (
        "unknown_unit",
        "zzzq",
        0,
        "可用单位见 docs/units.md",
    )
    assert str(e).startswith("未知单位 'zzzq'")


# --- quantity.py -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("  -5 元", "-5 元"),
        ("- 5 元", "-5 元"),
        ("  - 5 元", "-5 元"),
        ("+ 5 元", "5 元"),
        ("98%", "0.98"),
    ],
)
def test_signs_and_spaces_around_them(text: str, want: str) -> None:
    assert str(cesuan.parse_quantity(text)) == want


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("X 元", 0, "数量应以数字开头\n  X 元\n  ^\n提示：例如 '12 月'、'8369.34 平方米'"),
        ("-", 1, "此处应为数字，却是 结尾\n  -\n   ^"),
        ("-*", 1, "此处应为数字，却是 '*'\n  -*\n   ^"),
        ("3%元", 2, "百分数后不能再跟单位\n  3%元\n    ^\n提示：比例写作 98%，金额写作 30 万元"),
        (
            "3*4 元",
            1,
            "数字后不能出现 '*'\n  3*4 元\n   ^\n"
            "提示：数量写作 数字 + 单位，如 '50 元/(平方米·月)'；计算请写在 formula 里",
        ),
        ("5 元 X", 3, "单位后有多余的 ' X'\n  5 元 X\n      ^"),
    ],
)
def test_quantity_errors_say_what_and_where(text: str, column: int, message: str) -> None:
    with pytest.raises(cesuan.CesuanError) as info:
        cesuan.parse_quantity(text)
    assert (info.value.kind, info.value.column, str(info.value)) == (
        "quantity_syntax",
        column,
        message,
    )


def test_a_unit_after_a_slash_may_follow_spaces_in_a_formula() -> None:
    # 元/ 月 and 元/  (月) are the unit 元/月, as 元/月 is.
    want = cesuan.parse_formula("a * 5 元/月")
    assert cesuan.parse_formula("a * 5 元/ 月") == want
    assert cesuan.parse_formula("a * 5 元/  (月)") == want


@pytest.mark.parametrize(("formula", "column"), [("a * 5 元/", 8), ("a * 5 元/ ", 9)])
def test_a_slash_at_the_end_of_a_formula_is_a_syntax_error(formula: str, column: int) -> None:
    with pytest.raises(cesuan.CesuanError) as info:
        cesuan.parse_formula(formula)
    assert (info.value.kind, info.value.column) == ("formula_syntax", column)


def test_quantity_refusals_name_the_problem() -> None:
    with pytest.raises(cesuan.CesuanError) as info:
        cesuan.parse_quantity(5)  # type: ignore[arg-type]
    assert (info.value.kind, str(info.value)) == ("quantity_syntax", "数量应为文本，却是 int")
    with pytest.raises(cesuan.CesuanError) as info:
        cesuan.parse_quantity("nan")
    e = info.value
    assert (e.kind, e.text, e.hint) == ("non_finite", "nan", "金额和数量必须是确定的有限数字")
    with pytest.raises(cesuan.CesuanError) as info:
        cesuan.parse_quantity("5 €")
    assert str(info.value).startswith("数量中不能出现字符 U+20AC")


def test_unit_products_keep_integer_powers_and_cancel_aliases() -> None:
    from cesuan.units import parse_unit

    assert (parse_unit("元") / parse_unit("米²")).terms == (("元", 1), ("米", -2))
    assert (parse_unit("元") * parse_unit("米²")).terms == (("元", 1), ("米", 2))
    # 平米 is 平方米 by another name: they cancel (issue 14: unit text with mixed aliases)
    assert (parse_unit("平米") * parse_unit("元/平方米")).text == "元"
    assert (parse_unit("元/(平方米·月)") * parse_unit("月")).text == "元/平方米"


def test_a_conversion_to_a_whole_number_is_a_decimal() -> None:
    q = cesuan.parse_quantity("1 年").to("月")
    assert q.magnitude == 12
    assert type(q.magnitude) is Decimal


@pytest.mark.parametrize(
    ("text", "kind", "column", "message"),
    [
        (
            "12,00 元",
            "quantity_syntax",
            2,
            "千位分隔符 ',' 的位置不对\n  12,00 元\n    ^\n提示：每三位一组，例如 1,200 或 12,345.6；或者不写分隔符",
        ),
        (". 元", "quantity_syntax", 0, "'.' 前后都没有数字\n  . 元\n  ^"),
        (
            "１，２００ 元",
            "quantity_syntax",
            1,
            "数字中不能用全角逗号 '，'\n  １，２００ 元\n    ^\n"
            "提示：千位分隔请用半角 ','（如 1,200），或者不写分隔符",
        ),
        ("1" * 31 + " 元", "magnitude", 0, f"数字位数超过上限 30 位\n  {'1' * 31} 元\n  ^"),
        ("5e", "unknown_unit", 1, "未知单位 'e'\n  5e\n   ^\n提示：可用单位见 docs/units.md"),
    ],
)
def test_number_errors_say_what_and_where(text: str, kind: str, column: int, message: str) -> None:
    with pytest.raises(cesuan.CesuanError) as info:
        cesuan.parse_quantity(text)
    assert (info.value.kind, info.value.column, str(info.value)) == (kind, column, message)


def test_unit_and_conversion_errors_say_what_and_where() -> None:
    from cesuan.units import parse_unit

    cases = [
        (lambda: parse_unit(5), None, "单位应为文本，却是 int"),  # type: ignore[arg-type]
        (lambda: parse_unit("元 x"), 1, "单位后有多余的 ' x'\n  元 x\n    ^"),
        (
            lambda: parse_unit("元 €"),
            2,
            "单位中不能出现字符 U+20AC EURO SIGN\n  元 €\n     ^\n提示：删除该字符，或改用半角/常用汉字重新输入",
        ),
        (
            lambda: cesuan.parse_quantity("5 元").to("米"),
            None,
            "不能把 元 换算为 米\n提示：两者量纲不同：元 与 米",
        ),
        (
            lambda: cesuan.parse_quantity("98%").to("元"),
            None,
            "不能把 无量纲 换算为 元\n提示：两者量纲不同：无量纲 与 元",
        ),
    ]
    for call, column, message in cases:
        with pytest.raises(cesuan.CesuanError) as info:
            call()
        assert (info.value.column, str(info.value)) == (column, message)


def test_unit_parentheses_nest_8_deep_and_9_are_refused() -> None:
    # docs/formula-language.md: 单位里的括号最多嵌套 8 层.
    from cesuan.units import parse_unit

    assert parse_unit("(" * 8 + "元" + ")" * 8).text == "元"
    with pytest.raises(cesuan.CesuanError) as info:
        parse_unit("(" * 9 + "元" + ")" * 9)
    assert (info.value.kind, info.value.text) == ("nesting", "(" * 9 + "元" + ")" * 9)
    assert str(info.value).startswith("单位括号嵌套过深")


def test_only_e_then_a_digit_or_sign_is_scientific_notation() -> None:
    with pytest.raises(cesuan.CesuanError) as info:
        cesuan.parse_quantity("5e5")
    assert (
        str(info.value)
        == "不支持科学计数法\n  5e5\n   ^\n提示：请写出完整数字，例如 100000 或 10万"
    )
    for text in ("5ex", "5eX"):  # a unit name starting with e, not an exponent
        with pytest.raises(cesuan.CesuanError) as info:
            cesuan.parse_quantity(text)
        assert info.value.kind == "unknown_unit"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "元/平方米·月",
            "单位中 '/' 之后又出现 '·'，含义不明确\n  元/平方米·月\n           ^\n"
            "提示：写作 元/(平方米·月) 或 元/平方米/月",
        ),
        (
            "元/平方米·",
            "单位中 '/' 之后又出现 '·'，含义不明确\n  元/平方米·\n           ^\n"
            "提示：写作 元/(平方米·…) 或 元/平方米/…",
        ),
    ],
)
def test_a_dot_after_a_slash_is_ambiguous(text: str, message: str) -> None:
    from cesuan.units import parse_unit

    with pytest.raises(cesuan.CesuanError) as info:
        parse_unit(text)
    assert (info.value.kind, info.value.text, str(info.value)) == ("ambiguous_unit", text, message)


def test_evaluate_formula_errors_quote_the_formula_as_written() -> None:
    # 元 + 米: a dimension mismatch. The error shows the text the caller wrote, "a+b" without
    # spaces, not the parser's re-spelling "a + b" (so the caret points into the real text).
    from cesuan.expr.evaluate import evaluate_formula

    with pytest.raises(cesuan.CesuanError) as info:
        evaluate_formula("a+b", {"a": "1 元", "b": "1 米"})
    assert (info.value.kind, info.value.text) == ("dimension_mismatch", "a+b")


def test_the_reference_rounds_a_small_positive_half_up_not_negative() -> None:
    # expr.reference is the oracle for the fast back end, so it is pinned by hand too:
    # 0.005 to 2 places: 0.005 × 100 = 0.5 → ⌊0.5 + ½⌋ = 1 → 0.01 (positive: no sign flip);
    # −0.005 → −0.01; 0 stays 0.
    from cesuan.expr.reference import round_fraction

    assert round_fraction(Fraction(1, 200), 2, "half_up") == Fraction(1, 100)
    assert round_fraction(Fraction(-1, 200), 2, "half_up") == Fraction(-1, 100)
    assert round_fraction(Fraction(0), 2, "half_up") == 0


def test_the_reference_names_the_divisor_that_is_zero() -> None:
    # a / (b - b): the divisor, as the parser writes it back without the parentheses, is
    # "b - b"; it is 0 for any b.
    from cesuan.expr.check import check
    from cesuan.expr.parser import parse_formula
    from cesuan.expr.reference import DivisionByZero, reference_eval
    from cesuan.units import parse_unit

    c = check(parse_formula("a / (b - b)"), {"a": parse_unit("元"), "b": parse_unit("")})
    with pytest.raises(DivisionByZero) as info:
        reference_eval(c.typed, {"a": Fraction(1), "b": Fraction(3)})
    assert info.value.args == ("b - b",)


@pytest.mark.parametrize(
    "formula",
    [
        "-(y / n)",  # under a minus
        "x + y / n",  # a term of a sum
        "k + y / n",  # a term converted (万元 + 元)
        "x * (y / n)",  # a factor of a product
        "x * 2 + y / n * 3",  # inside a product inside a sum
        "(y / n) / 2",  # the dividend of a division
        "x / (y / n)",  # the divisor of a division
        "round(y / n, 2, 元)",  # an argument of round
        "max(x, y / n)",  # an argument of max
    ],
)
def test_a_zero_divisor_anywhere_is_reported_on_the_formula_as_written(formula: str) -> None:
    # n = 0: whatever the division sits in, the error quotes the whole formula as written and
    # points at the "/" before n, and the hint names n.
    from cesuan.expr.evaluate import evaluate_formula

    inputs = {"x": "2 元", "y": "3 元", "n": "0", "k": "1 万元"}
    with pytest.raises(cesuan.CesuanError) as info:
        evaluate_formula(formula, inputs)
    e = info.value
    assert (e.kind, e.text, e.column, e.hint) == (
        "division_by_zero",
        formula,
        formula.index("/ n"),
        "'n' 的值为 0",
    )


def test_min_and_max_compare_values_not_their_text() -> None:
    # 9 元 and 10 元: as numbers 9 < 10; as text "10" < "9". max is 10, min is 9.
    from cesuan.expr.evaluate import evaluate_formula

    ins = {"a": "9 元", "b": "10 元"}
    assert evaluate_formula("max(a, b)", ins).magnitude == 10
    assert evaluate_formula("min(a, b)", ins).magnitude == 9
    # 1/3 against 0.3: exact comparison (1/3 > 0.3), whatever the types
    assert evaluate_formula("max(a / 27, 0.3 元)", ins).magnitude == Fraction(1, 3)
