"""Deterministic tests written to kill the mutants that survived `mutmut run` on units.py and
quantity.py (docs/testing.md records the runs, their scores and the mutants left as
equivalent, with why).

Expected texts, orders and columns are written out by hand (columns counted in a comment);
none is taken from the engine. Each test names what it pins, so a failure says what broke.
"""

from __future__ import annotations

import pytest

from cesuan.errors import CesuanError, ErrorKind
from cesuan.expr.parser import parse_formula
from cesuan.quantity import parse_quantity
from cesuan.units import DIMENSIONLESS, parse_unit, trailing_hint


def _unit_error(text: str) -> CesuanError:
    with pytest.raises(CesuanError) as e:
        parse_unit(text)
    return e.value


@pytest.mark.parametrize(
    ("unit", "rest", "hint"),
    [
        # No '/': the product is written with '·' after the whole unit.
        ("元", "*月", "单位里的相乘写作 ·：写作 元·月"),
        ("元", ".月", "单位里的相乘写作 ·：写作 元·月"),
        # One plain denominator: both spellings that mean 元 per (生 × 学期).
        ("元/生", ".学期", "单位里的相乘写作 ·：写作 元/(生·学期) 或 元/生/学期"),
        ("元/生", "*学期", "单位里的相乘写作 ·：写作 元/(生·学期) 或 元/生/学期"),
        # A denominator that already has '/' or '(': only the chained '/' is certain, and the
        # reader is told when that reading holds.
        ("元/人/月", ".天", "单位里的相乘写作 ·：写作 元/人/月/天（若 天 在分母中）"),
        ("元/(人·月)", ".天", "单位里的相乘写作 ·：写作 元/(人·月)/天（若 天 在分母中）"),
        # Spaces around the unit are not part of it.
        (" 元/生 ", ". 学期 ", "单位里的相乘写作 ·：写作 元/(生·学期) 或 元/生/学期"),
    ],
)
def test_trailing_hint_rewrites_a_dot_or_star_product_with_the_middle_dot(
    unit: str, rest: str, hint: str
) -> None:
    assert trailing_hint(unit, rest) == hint


@pytest.mark.parametrize(
    ("unit", "rest"),
    [
        ("元", "月"),  # no '.' or '*' before the name: not a product written another way
        ("元", "-月"),
        ("元", ".不是单位"),  # after the dot, not a unit name: no rewriting to offer
        ("元", "*"),  # nothing after the star
        ("元/生", "..学期"),  # '.' then '.学期': the name would be '.学期', not a unit
    ],
)
def test_trailing_hint_offers_nothing_when_the_rest_is_not_a_product_with_a_unit(
    unit: str, rest: str
) -> None:
    assert trailing_hint(unit, rest) is None


def test_parse_unit_puts_the_product_hint_on_a_trailing_dot_name() -> None:
    e = _unit_error("元/生.学期")
    assert e.kind is ErrorKind.QUANTITY_SYNTAX
    assert e.message == "单位后有多余的 '.学期'"
    assert e.column == 3  # 元0 /1 生2 .3
    assert e.hint == "单位里的相乘写作 ·：写作 元/(生·学期) 或 元/生/学期"
    # Leading spaces are skipped before the unit starts; the hint quotes only the unit.
    e = _unit_error("  元.月")
    assert e.hint == "单位里的相乘写作 ·：写作 元·月"
    assert e.column == 3  # ␠0 ␠1 元2 .3


def test_a_unit_name_missing_at_the_end_is_reported_as_the_end() -> None:
    e = _unit_error("元/")
    assert e.message == "此处应为单位名称，却是 '结尾'"
    assert e.column == 2  # 元0 /1, then the end at 2


def test_unit_nesting_past_the_limit_points_at_the_ninth_bracket() -> None:
    # Depth 0 is the whole unit; each '(' goes one deeper; depth 9 (> 8) is refused where
    # the parser stands: just after the ninth '(' (positions 0..8 are the nine brackets).
    e = _unit_error("(" * 9 + "元" + ")" * 9)
    assert e.kind is ErrorKind.NESTING
    assert e.message == "单位括号嵌套过深"
    assert e.column == 9
    assert e.text == "(" * 9 + "元" + ")" * 9
    # Eight levels are allowed.
    assert parse_unit("(" * 8 + "元" + ")" * 8) == parse_unit("元")


def test_unknown_multiple_names_the_written_prefix_and_lists_the_kind_by_size() -> None:
    # 拾万元 ends with 万元 (a defined name, found before 元 because the scan starts at the
    # second character); 拾 before it is a multiplier character but not a defined multiple.
    e = _unit_error("拾万元")
    assert e.kind is ErrorKind.UNKNOWN_UNIT
    assert e.hint is not None
    assert e.hint.startswith("'拾' 不是已知的倍数；同类单位有：")
    listed = e.hint.split("：", 1)[1].split("、")
    # Money units listed from the smallest to the largest (not in code-point order, where
    # 万元 U+4E07 and 亿元 U+4EBF would come before 元 U+5143).
    assert listed.index("元") < listed.index("万元") < listed.index("亿元")
    assert all(name.endswith("元") for name in listed)


def test_same_unit_written_twice_adds_its_exponents_in_the_written_terms() -> None:
    # 米·米 is written 米² (one term, exponents 1 + 1), not 米 with the dimension of 米².
    u = parse_unit("米·米")
    assert u.text == "米²"
    assert u.dims == (("米", 2),)
    # Two spellings of one unit are one term, under the first spelling: 平米·平方米 is 平米².
    u = parse_unit("平米·平方米")
    assert u.text == "平米²"
    assert u.dims == (("米", 4),)
    # …and divide out: 元·平米/平方米 is 元.
    assert parse_unit("元·平米/平方米").text == "元"


def test_an_unclosed_unit_bracket_is_reported_where_the_bracket_should_be() -> None:
    e = _unit_error("元/(平方米")
    assert e.kind is ErrorKind.QUANTITY_SYNTAX
    assert e.message == "单位缺少右括号 ')'"
    assert e.column == 6  # 元0 /1 (2 平3 方4 米5, the end at 6
    e = _unit_error("元/(平方米·月 ")
    assert e.column == 9  # … 米5 ·6 月7 ␠8: spaces skipped, the end at 9


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("米^", 2),  # 米0 ^1: no digit at 2
        ("米^0", 3),  # 米0 ^1 00: the digit read, then refused after it
        ("米^x", 2),  # not a digit
    ],
)
def test_a_power_after_caret_is_one_digit_from_1_to_9(text: str, column: int) -> None:
    e = _unit_error(text)
    assert e.kind is ErrorKind.QUANTITY_SYNTAX
    assert e.message == "'^' 之后应为 1 到 9 的整数次方"
    assert e.column == column


def test_a_caret_power_takes_one_digit_and_the_unit_goes_on_after_it() -> None:
    # 元/米^2/月 is 元 per (米² × 月): the power is the single digit 2, then '/月' follows.
    assert parse_unit("元/米^2/月").dims == parse_unit("元/(平方米·月)").dims
    assert parse_unit("米^3").dims == (("米", 3),)
    # A second digit is not part of the power: 米^12 is 米^1 followed by a stray '2'.
    e = _unit_error("米^12")
    assert e.message == "单位后有多余的 '2'"
    assert e.column == 3  # 米0 ^1 12 23


def test_a_bracketed_factor_after_a_middle_dot_is_parsed_at_its_own_depth() -> None:
    # 元·(人·月) multiplies 元 by the bracketed product: 元·人·月.
    assert parse_unit("元·(人·月)").dims == parse_unit("元·人·月").dims
    assert parse_unit("元/(人·(月))").dims == parse_unit("元/人/月").dims


def test_the_ambiguous_slash_dot_hint_writes_1_for_a_numerator_that_cancelled() -> None:
    # At the second '/', the numerator 元/元 has cancelled to no unit: the hint writes 1.
    e = _unit_error("元/元/月·天")
    assert e.kind is ErrorKind.AMBIGUOUS_UNIT
    assert e.hint == "写作 1/(月·天) 或 1/月/天"
    e = _unit_error("元/人/月·天")
    assert e.hint == "写作 元/人/(月·天) 或 元/人/月/天"


def test_the_ambiguous_slash_dot_error_points_at_the_dot() -> None:
    e = _unit_error("元/人/月·天")
    assert e.column == 5  # 元0 /1 人2 /3 月4 ·5


def test_text_after_a_space_following_the_unit_is_refused_not_trimmed() -> None:
    # Only spaces are trimmed after a unit; a space then a name ('元 X', '元 月') is left over
    # and refused, never dropped (a silently shortened unit would change the amount's meaning).
    for text, rest in [("元 X", " X"), ("元 月", " 月"), ("元/人 X ", " X")]:
        e = _unit_error(text)
        assert e.kind is ErrorKind.QUANTITY_SYNTAX
        assert e.message == f"单位后有多余的 '{rest}'"


def test_a_quantity_with_text_after_its_unit_is_refused_not_trimmed() -> None:
    # The same rule for a quantity: 5 元 X is not 5 元.
    for text in ["5 元 X", "5 元 月"]:
        with pytest.raises(CesuanError) as e:
            parse_quantity(text)
        assert e.value.message == f"单位后有多余的 '{text[3:]}'"
        assert e.value.column == 3  # 50 ␠1 元2, the rest from 3


# quantity.py


def test_a_number_with_grouping_commas_may_end_the_text() -> None:
    # The last group ends the text: nothing is read past it.
    assert parse_quantity("1,200").magnitude == 1200
    assert parse_quantity("12,345,678").magnitude == 12_345_678
    assert parse_quantity("1,200 元").magnitude == 1200


def test_a_quantity_over_the_length_limit_quotes_its_first_40_characters() -> None:
    # docs/security.md: a quantity is at most 200 characters.
    with pytest.raises(CesuanError) as e:
        parse_quantity("1" * 201)
    assert e.value.kind is ErrorKind.SIZE_LIMIT
    assert e.value.message == "数量文本超过 200 个字符"
    assert e.value.text == "1" * 40 + "…"


def test_a_bound_where_one_number_belongs_says_where_bounds_go() -> None:
    with pytest.raises(CesuanError) as e:
        parse_quantity("≤65 万元")
    assert e.value.column == 0
    assert (
        e.value.hint == "这里只能写一个数；界限写在输入、行或申报数的 value 中，如 stated: ≤65 万元"
    )
    # Any other error keeps its own hint: a product after the unit gets the '·' hint, quoting
    # the unit alone (not the number before it).
    with pytest.raises(CesuanError) as e:
        parse_quantity("5 元/生.学期")
    assert e.value.column == 5  # 50 ␠1 元2 /3 生4 .5
    assert e.value.hint == "单位里的相乘写作 ·：写作 元/(生·学期) 或 元/生/学期"


@pytest.mark.parametrize(
    ("formula", "kind", "message"),
    [
        ("a * .", ErrorKind.QUANTITY_SYNTAX, "'.' 前后都没有数字"),
        ("a * 1" + "0" * 30, ErrorKind.MAGNITUDE, "数字位数超过上限 30 位"),  # 31 digits
    ],
)
def test_a_bad_number_in_a_formula_quotes_the_formula(
    formula: str, kind: ErrorKind, message: str
) -> None:
    # The formula parser reads numbers with quantity.scan_number and does not rewrite its
    # errors' text: the number's own error must quote the formula.
    with pytest.raises(CesuanError) as e:
        parse_formula(formula)
    assert e.value.kind is kind
    assert e.value.message == message
    assert e.value.text == formula
    assert e.value.column == 4  # a0 ␠1 *2 ␠3, the number at 4


def test_a_letter_e_like_character_after_a_number_is_a_unit_not_an_exponent() -> None:
    # Only e/E followed by a digit or sign is scientific notation (refused); 5X5 is 5 then
    # the unknown unit X.
    with pytest.raises(CesuanError) as e:
        parse_quantity("5X5")
    assert e.value.kind is ErrorKind.UNKNOWN_UNIT
    assert e.value.message == "未知单位 'X'"
    with pytest.raises(CesuanError) as e:
        parse_quantity("5e5")
    assert e.value.message == "不支持科学计数法"


def test_converting_to_no_unit_names_it_as_dimensionless() -> None:
    with pytest.raises(CesuanError) as e:
        parse_quantity("5 元").to(DIMENSIONLESS)
    assert e.value.kind is ErrorKind.DIMENSION_MISMATCH
    assert e.value.message == "不能把 元 换算为 无量纲"


def test_spaces_before_a_number_and_after_its_sign_are_skipped() -> None:
    assert str(parse_quantity("  5 元")) == "5 元"
    assert str(parse_quantity("-  5 元")) == "-5 元"
    assert str(parse_quantity("   −   5.5 元")) == "-5.5 元"


def test_a_refused_character_that_is_not_a_bound_keeps_its_own_hint() -> None:
    with pytest.raises(CesuanError) as e:
        parse_quantity("5 ‰")
    assert e.value.column == 2  # 50 ␠1 ‰2
    assert e.value.hint == "删除该字符，或改用半角/常用汉字重新输入"
