"""Deterministic tests written to kill the mutants that survived `mutmut run` on expr/check.py,
expr/parser.py and expr/compiler.py (docs/testing.md records each run, its score and the
mutants left as equivalent, with why; expr/_fast.py has its own file).

Expected texts and positions are written out by hand (the column counted in a comment); none is
taken from the engine. Each test names what it pins, so a failure says what broke.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from cesuan import evaluate_formula, parse_quantity
from cesuan.conversions import declare
from cesuan.errors import CesuanError, ErrorKind
from cesuan.expr.ast import Call, Name, Number
from cesuan.expr.check import check
from cesuan.expr.compiler import Compiled, compile_formula
from cesuan.expr.parser import parse_formula
from cesuan.units import parse_unit


def _check_error(formula: str, **units: str) -> CesuanError:
    with pytest.raises(CesuanError) as e:
        check(parse_formula(formula), {k: parse_unit(v) for k, v in units.items()}, text=formula)
    return e.value


def test_min_max_sum_of_two_dimensions_names_both_units_at_the_odd_argument() -> None:
    e = _check_error("max(a, b)", a="元", b="平方米")
    assert e.kind is ErrorKind.DIMENSION_MISMATCH
    assert e.message == "max 的参数量纲不一致：元 与 平方米"
    assert e.column == 7  # m0 a1 x2 (3 a4 ,5 ␠6 b7: the argument that does not fit
    # 元 and 平方米 differ in a measured dimension: no declaration helps; the kinds are named.
    assert e.hint is not None
    assert e.hint.startswith("金额（元）与面积（平方米）是不同种类的量")
    e = _check_error("sum(a, c, b)", a="元", c="元", b="平方米")
    assert e.message == "sum 的参数量纲不一致：元 与 平方米"
    assert e.column == 10  # s0 u1 m2 (3 a4 ,5 ␠6 c7 ,8 ␠9 b10


def test_min_of_two_counted_units_hints_the_declaration_that_joins_them() -> None:
    # 条 against 件 differ only in a counted unit: the hint is the conversion to declare
    # (the wording of docs/case-format.md's conversions section).
    e = _check_error("min(a, b)", a="条", b="件")
    assert e.kind is ErrorKind.DIMENSION_MISMATCH
    assert e.message == "min 的参数量纲不一致：条 与 件"
    assert e.hint is not None
    assert "conversions: [{from: 1 件, to: 1 条}]" in e.hint


@pytest.mark.parametrize(
    ("formula", "hint"),
    [
        ("round(a, 2)", "如 round(x, 2, 元)"),  # round keeps its places in the example
        ("ceil(a)", "如 ceil(x, 元)"),  # ceil and floor take no places
        ("floor(a)", "如 floor(x, 元)"),
    ],
)
def test_rounding_a_value_with_a_unit_asks_for_the_unit_with_an_example(
    formula: str, hint: str
) -> None:
    e = _check_error(formula, a="元")
    func = formula.split("(")[0]
    assert e.kind is ErrorKind.DIMENSION_MISMATCH
    assert e.message == f"{func} 的参数带单位 元，须指明按哪个单位取整"
    assert e.hint == hint
    assert e.column == 0  # the call starts the formula


def test_a_rounding_call_built_with_two_arguments_is_refused() -> None:
    # The parser never builds this (its own grammar refuses it), but `check` takes any tree:
    # a tree built by other code must not have its second argument silently dropped.
    tree = Call("ceil", (Name("a", 9), Name("b", 12)), None, parse_unit("元"), 4)
    with pytest.raises(CesuanError) as e:
        check(tree, {"a": parse_unit("元"), "b": parse_unit("元")}, text="1 + ceil(a, b, 元)")
    assert e.value.kind is ErrorKind.FORMULA_SYNTAX
    assert e.value.message == "ceil 只取一个数值参数"
    assert e.value.column == 4  # the position the tree gives the call


def test_a_dimensionless_argument_is_called_dimensionless_in_the_message() -> None:
    e = _check_error("max(a, 3)", a="元")
    assert e.message == "max 的参数量纲不一致：元 与 无量纲"


def test_an_unknown_name_with_nothing_close_is_named_with_the_general_hint() -> None:
    e = _check_error("a + qqqqq", a="元")
    assert e.kind is ErrorKind.UNKNOWN_NAME
    assert e.message == "未知变量 'qqqqq'"
    assert e.hint == "变量须是本行的 inputs 或其他明细的 id"
    assert e.column == 4  # a0 ␠1 +2 ␠3 q4


def test_adding_two_measured_dimensions_hints_at_both_dimensions() -> None:
    e = _check_error("a + b", a="元", b="平方米")
    assert e.kind is ErrorKind.DIMENSION_MISMATCH
    assert e.message == "量纲不一致：元 + 平方米"
    assert e.hint is not None
    # Money and area: the kinds named, and the unit price that usually went missing.
    assert e.hint.startswith("金额（元）与面积（平方米）是不同种类的量，相差一个 元/平方米 的因子")


def test_without_text_the_error_quotes_the_formula_as_the_tree_spells_it() -> None:
    # check() given no text quotes the tree's canonical spelling: one space around operators.
    with pytest.raises(CesuanError) as e:
        check(parse_formula("a+b"), {"a": parse_unit("元"), "b": parse_unit("平方米")})
    assert e.value.text == "a + b"


def test_the_checked_formula_keeps_its_tree() -> None:
    # reconcile substitutes stated amounts into `Checked.tree`; it must be the tree checked.
    tree = parse_formula("a * 2")
    c = check(tree, {"a": parse_unit("元")})
    assert c.tree == tree


def test_declarations_used_are_listed_in_the_cases_order() -> None:
    # conversions[0]: 1 生 = 1 人; conversions[1]: 1 学期 = 0.5 年. The formula meets the
    # second one (z, per 学期) before the first (y, per 生); the record is in the case's order.
    conv, errors = declare(
        [
            (parse_quantity("1 生"), parse_quantity("1 人"), "1 生", "1 人", None),
            (parse_quantity("1 学期"), parse_quantity("0.5 年"), "1 学期", "0.5 年", None),
        ]
    )
    assert errors == []
    units = {"x": "元/(人·年)", "y": "元/(生·年)", "z": "元/(人·学期)"}
    c = check(parse_formula("x + z + y"), {k: parse_unit(v) for k, v in units.items()}, conv=conv)
    assert [d.index for d in c.declared] == [0, 1]


def test_a_conversion_by_a_factor_of_two_is_applied() -> None:
    # 1 个月·天 = (1/12 年)·(24 小时) = 2 小时·年, so 1 小时·年 + 1 个月·天 = 1 + 2 = 3 小时·年.
    # (No single unit of the table is twice another; this product pair is.)
    q = evaluate_formula("a + b", {"a": "1 小时·年", "b": "1 个月·天"}, None)
    assert q.magnitude == 3
    assert q.unit.text == "小时·年"


def test_rounding_in_a_unit_of_another_dimension_names_both_units() -> None:
    e = _check_error("round(a, 2, 平方米)", a="元")
    assert e.kind is ErrorKind.DIMENSION_MISMATCH
    assert e.message == "round 的单位 平方米 与参数的单位 元 量纲不同"
    assert e.hint is None  # a measured dimension: no declaration joins them
    e = _check_error("ceil(a, 件)", a="条")
    assert e.message == "ceil 的单位 件 与参数的单位 条 量纲不同"
    assert e.hint is not None
    assert "conversions: [{from: 1 件, to: 1 条}]" in e.hint  # the argument's 条 is wanted in 件


# --- expr/parser.py ----------------------------------------------------------------------------
# Every refusal of the grammar, with its kind, message, column and hint written out here (from
# docs/formula-language.md's wording and the column counted by hand in the comment).
PARSER_ERRORS = [
    # (formula, kind, message, column, hint)
    ("", "formula_syntax", "公式为空", 0, None),
    ("a +", "formula_syntax", "公式不完整，结尾处缺少内容", 3, None),  # a0 ␠1 +2, end 3
    ("a < b", "forbidden_construct", "不支持比较运算", 2, None),
    ("a[0]", "forbidden_construct", "不支持下标 '[ ]'", 1, None),
    ("(a[0])", "forbidden_construct", "不支持下标 '[ ]'", 2, None),  # not a missing ')'
    ("a $ b", "forbidden_construct", "不支持 '$'", 2, None),
    (
        "max(a，b)",
        "formula_syntax",
        "公式中不能用全角逗号 '，'",
        5,  # m0 a1 x2 (3 a4 ，5
        "函数参数之间用半角逗号 ','；数字中不要写分隔符",
    ),
    (
        "a , b",
        "formula_syntax",
        "此处不应出现 ','",
        2,
        "逗号只用于分隔函数参数；公式中的数字不要写千位分隔符",
    ),
    ("a % 2", "formula_syntax", "百分号只能紧跟在数字后", 2, "例如 base * 98%"),
    ("a)", "formula_syntax", "多余的右括号 ')'", 1, None),
    ("a + ()", "formula_syntax", "此处不应出现 ')'", 5, None),  # a0 ␠1 +2 ␠3 (4 )5
    ("(a", "formula_syntax", "缺少右括号 ')'", 2, "左括号在第 1 个字符"),
    ("b * (a", "formula_syntax", "缺少右括号 ')'", 6, "左括号在第 5 个字符"),  # (4: 5th
    ("a ** 2", "forbidden_construct", "不支持乘方 '**'", 3, "乘方会让数字失控；需要时写成连乘"),
    ("a */ 2", "formula_syntax", "运算符重复", 3, None),  # a0 ␠1 *2 /3
    ("a /* 2", "formula_syntax", "运算符重复", 3, None),
    ("a..b", "formula_syntax", "名称 'a..b' 中有空的段", 0, "id 写作 hall.rent 这样的点分形式"),
    ("_a", "forbidden_construct", "名称 '_a' 不能以下划线开头", 0, "名称只能引用本案的输入和明细"),
    (
        "1 + a._b",
        "forbidden_construct",
        "名称 'a._b' 不能以下划线开头",
        4,
        "名称只能引用本案的输入和明细",
    ),
    ("元", "formula_syntax", "'元' 是单位，前面需要数字", 0, "写作 1 元；变量名不要与单位同名"),
    (
        "1 + foo(a)",
        "unknown_function",
        "不支持的函数 'foo'",
        4,
        "可用函数：ceil、floor、max、min、round、sum",
    ),
    (
        "round(a)",
        "formula_syntax",
        "round 需要小数位数：round(x, 2)",
        0,
        "如 round(x, 2, 万元) 表示按万元保留两位小数",
    ),
    ("round(a, 21)", "formula_syntax", "小数位数应为 0 到 20 的整数", 9, None),  # 2 at 9
    ("round(a, 100)", "formula_syntax", "小数位数应为 0 到 20 的整数", 9, None),
    ("round(a, )", "formula_syntax", "小数位数应为 0 到 20 的整数", 9, None),
    ("round(a, 005)", "formula_syntax", "小数位数应为 0 到 20 的整数", 9, None),  # 3 digits
    ("round(a, 2", "formula_syntax", "公式不完整，结尾处缺少内容", 10, None),  # digits to the end
    (
        "round(a, 2, 元, 3)",
        "formula_syntax",
        "函数 round 的参数过多",
        15,  # r0 o1 u2 n3 d4 (5 a6 ,7 ␠8 29 ,10 ␠11 元12 ,13 ␠14 315
        "round(x, 小数位数[, 单位])；ceil/floor(x[, 单位])",
    ),
    ("1 + max()", "formula_syntax", "函数 max 至少需要一个参数", 4, None),
    ("sum(a b)", "formula_syntax", "此处不应出现 'b'", 6, None),
    ("10% 元", "formula_syntax", "百分数后不能再跟单位", 0, None),
    ("3 (a)", "formula_syntax", "此处不应出现 '('", 2, None),  # (a) is not a unit
    ("3 (", "formula_syntax", "此处不应出现 '('", 2, None),
    ("3 ()", "formula_syntax", "此处不应出现 '('", 2, None),
    (
        "3 abc + 1",
        "unknown_unit",
        "未知单位 'abc'",
        2,
        "可用单位见 docs/units.md；若 'abc' 是变量，数字与变量之间要写运算符，如 3 * abc",
    ),
]


@pytest.mark.parametrize(("formula", "kind", "message", "column", "hint"), PARSER_ERRORS)
def test_each_refusal_of_the_grammar_says_what_where_and_how(
    formula: str, kind: str, message: str, column: int, hint: str | None
) -> None:
    with pytest.raises(CesuanError) as e:
        parse_formula(formula)
    assert (e.value.kind.value, e.value.message, e.value.column, e.value.hint) == (
        kind,
        message,
        column,
        hint,
    )
    assert e.value.text == formula


@pytest.mark.parametrize(
    ("formula", "unit"),
    [
        ("3 (元)", "元"),  # a parenthesised unit after a number is its unit
        ("3 ( 元)", "元"),
        ("3 (  平方米·月)", "平方米·月"),
        ("3 ㎡", "㎡"),
        ("3 ㎡·月", "㎡·月"),
    ],
)
def test_a_number_takes_the_unit_written_after_it(formula: str, unit: str) -> None:
    node = parse_formula(formula)
    assert isinstance(node, Number)
    assert node.value == 3
    assert node.unit is not None
    assert node.unit.text == unit


@pytest.mark.parametrize("level", ["max(a)", "(x)", "-x"])
def test_a_call_a_parenthesis_or_a_sign_gives_back_its_level_of_nesting(level: str) -> None:
    # docs/formula-language.md: depth 40, the formula itself one level. A call, a parenthesis
    # or a sign is a level only around what it holds: 45 of them side by side parse.
    parse_formula(" + ".join([level] * 45))
    # After one, 40 parentheses are 1 + 40 = 41 levels, and 39 inside one more pair are
    # 1 + 1 + 39 = 41: refused, as they are without it. Giving back one level too many (or
    # setting the depth to the top level) would let them through.
    for formula in (
        f"{level} + " + "(" * 40 + "x" + ")" * 40,
        f"({level} + " + "(" * 39 + "x" + ")" * 39 + ")",
    ):
        with pytest.raises(CesuanError) as e:
            parse_formula(formula)
        assert e.value.kind is ErrorKind.NESTING
        assert e.value.message == "公式嵌套超过 40 层"
        assert e.value.hint == "把公式拆成几行明细"
    parse_formula(f"({level} + " + "(" * 38 + "x" + ")" * 38 + ")")  # 1 + 1 + 38 = 40


def test_the_node_limit_names_the_limit_and_where_it_was_passed() -> None:
    # docs/security.md: 500 nodes. 251 names and 250 '+' are 501 nodes; the 501st is the last
    # '+', counted once its right side is read, at the end of the text: 251 + 250 = 501 chars.
    with pytest.raises(CesuanError) as e:
        parse_formula("+".join(["x"] * 251))
    assert e.value.kind is ErrorKind.SIZE_LIMIT
    assert e.value.message == "公式的项数超过上限 500"
    assert e.value.hint == "把公式拆成几行明细，用明细 id 相互引用"
    assert e.value.column == 501


def test_a_negated_argument_is_pointed_at_by_its_sign() -> None:
    e = _check_error("max(a, -b)", a="元", b="平方米")
    assert e.column == 7  # m0 a1 x2 (3 a4 ,5 ␠6 -7


def test_a_formula_over_the_length_limit_is_quoted_by_its_first_60_characters() -> None:
    # docs/security.md: 2000 characters. 2010 here; the quote is the first 60 and an ellipsis.
    text = "1234567890" * 201
    with pytest.raises(CesuanError) as e:
        parse_formula(text)
    assert e.value.kind is ErrorKind.SIZE_LIMIT
    assert e.value.message == "公式长度超过上限 2000 个字符"
    assert e.value.text == "1234567890" * 6 + "…"
    assert e.value.column == 0


def test_a_formula_that_is_not_text_names_its_type() -> None:
    with pytest.raises(CesuanError) as e:
        parse_formula(12)  # type: ignore[arg-type]
    assert e.value.kind is ErrorKind.FORMULA_SYNTAX
    assert e.value.message == "公式应为文本，却是 int"


def test_a_number_may_start_with_its_decimal_point() -> None:
    node = parse_formula(".5")
    assert isinstance(node, Number)
    assert node.value == Decimal("0.5")


# expr/compiler.py: which closure a checked tree becomes. The values are checked elsewhere
# against the reference interpreter; a left-deep run split in two, a sum converted as a whole
# or a factor of 1 appended gives the same value through another closure, so the closure
# chosen is pinned here, row by row (expr/_fast.py names its closures after their shapes).
def _compiled(formula: str, out: str | None = None, **units: str) -> Compiled:
    return compile_formula(
        parse_formula(formula),
        {k: parse_unit(v) for k, v in units.items()},
        text=formula,
        out=parse_unit(out) if out else None,
    )


@pytest.mark.parametrize(
    ("formula", "out", "units", "closure"),
    [
        # A left-deep run of one precedence is one chain: three names, unrolled.
        ("a * b * c", None, {"a": "平方米", "b": "元/(平方米·月)", "c": "月"}, "three"),
        ("a + b - c", None, {"a": "元", "b": "元", "c": "元"}, "three"),
        ("a - b + c", None, {"a": "元", "b": "元", "c": "元"}, "three"),
        # No conversion: no constant 1 appended to a product.
        ("a * b", None, {"a": "平方米", "b": "元/平方米"}, "two"),
        # 万元 → 元 (× 10⁴, terminating): the factor is one more constant of the product.
        ("a * b", "元", {"a": "平方米", "b": "万元/平方米"}, "two_c"),
        # 月 → 年 (× 1/12, not terminating): each term of the sum converted, then the loop.
        ("a + b", "年", {"a": "月", "b": "月"}, "loop"),
        # A non-zero constant divisor needs no check when the line runs; a name or an
        # expression is checked for zero first.
        ("a / 4", None, {"a": "元"}, "by_constant"),
        ("a / b", None, {"a": "元", "b": "人"}, "by_name"),
        ("a / (b + c)", None, {"a": "元", "b": "人", "c": "人"}, "quotient"),
    ],
)
def test_the_compiler_builds_one_closure_per_shape(
    formula: str, out: str | None, units: dict[str, str], closure: str
) -> None:
    assert _compiled(formula, out, **units).fn.__name__ == closure


@pytest.mark.parametrize(
    ("formula", "out", "units", "column"),
    [
        ("a / b", None, {"a": "元", "b": "人"}, 2),  # a0 ␠1 /2
        # Inside a conversion (万元 → 元) and as the first term of a converted sum, the
        # message still quotes the whole formula as written.
        ("a / b", "元/人", {"a": "万元", "b": "人"}, 2),
        ("a / b + c", "元/人", {"a": "万元", "b": "人", "c": "万元/人"}, 2),
        ("c + a / b", "元/人", {"a": "万元", "b": "人", "c": "万元/人"}, 6),  # c0 ␠1 +2 ␠3 a4 ␠5 /6
    ],
)
def test_a_zero_divisor_is_reported_with_the_formula_and_the_divisor(
    formula: str, out: str | None, units: dict[str, str], column: int
) -> None:
    compiled = _compiled(formula, out, **units)
    assert (compiled.out is None) == (out is None)  # the conversion to 元/人 is compiled in
    env = {"a": Decimal(5), "b": Decimal(0), "c": Decimal(1)}
    with pytest.raises(CesuanError) as e:
        compiled.fn(env)
    assert e.value.kind is ErrorKind.DIVISION_BY_ZERO
    assert e.value.message == "除数为零"
    assert e.value.text == formula
    assert e.value.column == column
    assert e.value.hint == "'b' 的值为 0"


def test_an_output_unit_is_kept_only_when_it_is_another_unit_of_the_results_dimension() -> None:
    # The natural unit asked for: nothing to convert, no output unit kept.
    assert _compiled("a * b", "元", a="平方米", b="元/平方米").out is None
    # A unit of another dimension cannot be reached: ignored, the result stays in 元.
    c = _compiled("a * b", "平方米", a="平方米", b="元/平方米")
    assert c.out is None
    assert c.fn({"a": Decimal(2), "b": Decimal(3)}) == Decimal(6)
    # Another unit of the same dimension: kept, and the value given in it (2 × 3 元 = 0.0006 万元).
    c = _compiled("a * b", "万元", a="平方米", b="元/平方米")
    assert c.out is not None
    assert c.out.text == "万元"
    assert c.fn({"a": Decimal(2), "b": Decimal(3)}) == Decimal("0.0006")
