"""The formula language: operators in every written form, precedence, numbers with units, names,
the function whitelist, the parser's limits, error columns, and properties (round trip through
unparse, exactness against Fraction arithmetic, independence of the units inputs are written in).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cesuan import CesuanError, ErrorKind, Quantity, evaluate_formula, parse_formula, parse_unit
from cesuan.expr.ast import BinOp, Call, Name, Neg, Node, Number, unparse
from cesuan.expr.compiler import compile_formula
from cesuan.limits import (
    MAX_FORMULA_CHARS,
    MAX_FORMULA_DEPTH,
    MAX_FORMULA_NODES,
    MAX_LITERAL_DIGITS,
)
from tests.strategies import all_unit_groups, formula_trees, messy_text, quantities, rewrite


def ev(text: str, unit: str | None = None, **inputs: str) -> Quantity:
    q = evaluate_formula(text, inputs, unit)
    assert type(q.magnitude) in (Decimal, Fraction), type(q.magnitude)
    return q


def err(text: str, inputs: Mapping[str, str] | None = None) -> CesuanError:
    with pytest.raises(CesuanError) as e:
        evaluate_formula(text, inputs or {})
    return e.value


# --- operators, precedence, numbers --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("1 + 2", Fraction(3), ""),
        ("1+2*3", Fraction(7), ""),
        ("(1+2)*3", Fraction(9), ""),
        ("2*3+1", Fraction(7), ""),
        ("10-4-3", Fraction(3), ""),  # left associative
        ("100/10/5", Fraction(2), ""),
        ("8/2*4", Fraction(16), ""),
        ("2*3/4", Fraction(3, 2), ""),
        ("1-2+3", Fraction(2), ""),
        ("10-(4-3)", Fraction(9), ""),
        ("100/(10/5)", Fraction(50), ""),
        ("-2*3", Fraction(-6), ""),
        ("--2", Fraction(2), ""),
        ("-(2+3)", Fraction(-5), ""),
        ("+5", Fraction(5), ""),
        ("-2 - -3", Fraction(1), ""),
        ("2 * -3", Fraction(-6), ""),
        ("-2 * -3", Fraction(6), ""),
        ("1 - -1 - 1", Fraction(1), ""),
        ("50%", Fraction(1, 2), ""),
        ("-50%", Fraction(-1, 2), ""),
        ("1 - 2% * 50", Fraction(0), ""),
        ("50% * 200 元", Fraction(100), "元"),
        ("1+2×3", Fraction(7), ""),
        ("8÷2", Fraction(4), ""),
        ("8−2", Fraction(6), ""),
        ("−2", Fraction(-2), ""),
        ("（1+2）*3", Fraction(9), ""),
        ("１２ 月 * 2", Fraction(24), "月"),
        ("98％ * 100", Fraction(98), ""),
        ("2 ＊ 3", Fraction(6), ""),
        ("6／4", Fraction(3, 2), ""),
        ("1 ＋ 1", Fraction(2), ""),
        ("１．５ * 2", Fraction(3), ""),
        ("2\u30003", None, ""),  # ideographic space between numbers: refused below
        ("30万 件", Fraction(300_000), "件"),
        ("30万件", Fraction(300_000), "件"),
        ("30万元", Fraction(30), "万元"),
        ("1.5亿 元", Fraction(150_000_000), "元"),
        ("3万 + 1", Fraction(30_001), ""),
        ("2 元 / 3", Fraction(2, 3), "元"),
        ("1/3*3", Fraction(1), ""),
        ("12 月 + 1 年", Fraction(24), "月"),
        ("1 年 + 12 月", Fraction(2), "年"),
        ("10 元 / 2 月", Fraction(5), "元/月"),
        ("5 元/月 / 2", Fraction(5, 2), "元/月"),
        ("8369.34 平方米 × 50 元/(平方米·月) × 12 月", Fraction(5_021_604), "元"),
        ("8369.34 平方米 × 50 元/平方米/月 × 12 月", Fraction(5_021_604), "元"),
        ("8369.34 ㎡ × 50 元/(㎡·月) × 1 年", Fraction(5_021_604), "元"),
        ("100 元/人/天 × 3 人 × 2 天", Fraction(600), "元"),
        ("1 件 × 1 条/件", Fraction(1), "条"),
    ],
)
def test_operators_and_numbers(text: str, value: Fraction | None, unit: str) -> None:
    if value is None:
        assert err(text).kind is ErrorKind.FORMULA_SYNTAX
        return
    q = ev(text)
    assert q.unit.dims == parse_unit(unit).dims
    assert q.to(parse_unit(unit)).magnitude == value


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("12 月 + 1 年", "月"),
        ("1 年 + 12 月", "年"),
        ("2 万元 * 3", "万元"),
        ("3 * 2 万元", "万元"),
    ],
)
def test_the_natural_unit_is_the_first_operands(text: str, unit: str) -> None:
    assert ev(text).unit.text == unit


def test_seed_rent_line_in_wan_yuan() -> None:
    q = ev(
        "area × rate × months",
        "万元",
        area="8369.34 平方米",
        rate="50 元/(平方米·月)",
        months="12 月",
    )
    assert q.magnitude == Decimal("502.1604")
    assert isinstance(q.magnitude, Decimal)


def test_non_terminating_quotient_stays_a_fraction() -> None:
    q = ev("2 元 / 3")
    assert isinstance(q.magnitude, Fraction)
    assert str(q) == "2/3 元"
    assert isinstance(ev("2 元 / 3 * 3").magnitude, Decimal)


def test_full_width_forms_give_the_same_tree() -> None:
    assert parse_formula("（a＋b）×９８％−c÷２") == parse_formula("(a+b)*98%-c/2")
    assert unparse(parse_formula("(a + b) × 98％ − c")) == "(a + b) * 98% - c"


def test_positions_do_not_take_part_in_equality() -> None:
    assert parse_formula("a*b") == parse_formula("  a  *  b")


# --- names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "inputs", "value", "unit"),
    [
        ("hall.rent * 2", {"hall.rent": "100 元"}, Fraction(200), "元"),
        ("面积 × 单价", {"面积": "10 平方米", "单价": "5 元/平方米"}, Fraction(50), "元"),
        ("a_1 + b2", {"a_1": "1 元", "b2": "2 元"}, Fraction(3), "元"),
        ("租金.标准 * 12 月", {"租金.标准": "3 元/月"}, Fraction(36), "元"),
        ("100 元 / km_total", {"km_total": "4 公里"}, Fraction(25), "元/公里"),
        ("100 元 / m.x", {"m.x": "4 米"}, Fraction(25), "元/米"),
        ("100 元 / 人1", {"人1": "4 人"}, Fraction(25), "元/人"),
        ("100 元 / 人数", {"人数": "4 人"}, Fraction(25), "元/人"),
        ("100 元 / (人数)", {"人数": "4 人"}, Fraction(25), "元/人"),
        ("100 元/人 * 人数", {"人数": "4 人"}, Fraction(400), "元"),
        ("round + sum", {"round": "1", "sum": "2"}, Fraction(3), ""),
    ],
)
def test_names(text: str, inputs: dict[str, str], value: Fraction, unit: str) -> None:
    q = ev(text, **inputs)
    assert q.magnitude == value
    assert (q.unit.dims, q.unit.factor) == (parse_unit(unit).dims, parse_unit(unit).factor)


def test_unknown_name_suggests_the_nearest() -> None:
    e = err("x + aera", {"area": "1", "x": "1"})
    assert e.kind is ErrorKind.UNKNOWN_NAME
    assert e.column == 4
    assert e.hint is not None
    assert "'area'" in e.hint


@pytest.mark.parametrize(("text", "column"), [("月 * 2", 0), ("2 * 元", 4), ("a + 万元", 4)])
def test_a_bare_unit_is_not_a_name(text: str, column: int) -> None:
    with pytest.raises(CesuanError) as e:
        parse_formula(text)
    assert e.value.kind is ErrorKind.FORMULA_SYNTAX
    assert e.value.column == column


# --- functions -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("round(2.5, 0)", Fraction(3), ""),
        ("round(-2.5, 0)", Fraction(-3), ""),
        ("round(3.5, 0)", Fraction(4), ""),
        ("round(1.005, 2)", Fraction(101, 100), ""),
        ("round(-1.005, 2)", Fraction(-101, 100), ""),
        ("round(1/3, 4)", Fraction(3333, 10000), ""),
        ("round(2/3, 4)", Fraction(6667, 10000), ""),
        ("round(123456 元, 2, 万元)", Fraction(1235, 100), "万元"),
        ("round(-123456 元, 2, 万元)", Fraction(-1235, 100), "万元"),
        ("round(1 元 / 3, 2, 元)", Fraction(33, 100), "元"),
        ("round(5021604 元, 2, 万元)", Fraction(50216, 100), "万元"),
        ("round(1,2)", Fraction(1), ""),
        ("round (2.5 , 0)", Fraction(3), ""),
        ("ceil(2.1)", Fraction(3), ""),
        ("ceil(-2.1)", Fraction(-2), ""),
        ("ceil(2)", Fraction(2), ""),
        ("floor(2.9)", Fraction(2), ""),
        ("floor(-2.1)", Fraction(-3), ""),
        ("ceil(2.1 元, 元)", Fraction(3), "元"),
        ("ceil(12001 元, 万元)", Fraction(2), "万元"),
        ("floor(19999 元, 万元)", Fraction(1), "万元"),
        ("ceil(10 月, 年)", Fraction(1), "年"),
        ("min(3, 1, 2)", Fraction(1), ""),
        ("min(-1, -2)", Fraction(-2), ""),
        ("max(1 元, 2 万元)", Fraction(20_000), "元"),
        ("max(1/3, 0.3)", Fraction(1, 3), ""),
        ("sum(1, 2, 3)", Fraction(6), ""),
        ("sum(1 元, 2 万元)", Fraction(20_001), "元"),
        ("sum(1)", Fraction(1), ""),
        ("min(5)", Fraction(5), ""),
        ("round(sum(1 万元, 5000 元) * 98%, 2, 万元)", Fraction(147, 100), "万元"),
        ("max(min(1, 2), min(3, 4)) + sum(1, sum(2, 3))", Fraction(9), ""),
    ],
)
def test_functions(text: str, value: Fraction, unit: str) -> None:
    q = ev(text)
    assert q.magnitude == value
    assert (q.unit.dims, q.unit.factor) == (parse_unit(unit).dims, parse_unit(unit).factor)
    if text.startswith(("round", "ceil", "floor")):
        assert isinstance(q.magnitude, Decimal)


@pytest.mark.parametrize(
    ("text", "kind", "column"),
    [
        ("min()", ErrorKind.FORMULA_SYNTAX, 0),
        ("sum()", ErrorKind.FORMULA_SYNTAX, 0),
        ("round(2.5)", ErrorKind.FORMULA_SYNTAX, 0),
        ("round(2.5, 21)", ErrorKind.FORMULA_SYNTAX, 11),
        ("round(2.5, -1)", ErrorKind.FORMULA_SYNTAX, 11),
        ("round(2.5, 1.5)", ErrorKind.FORMULA_SYNTAX, 12),
        ("round(2.5, x)", ErrorKind.FORMULA_SYNTAX, 11),
        ("round(1, 2, 元, 米)", ErrorKind.FORMULA_SYNTAX, 15),
        ("ceil(1, 元, 元)", ErrorKind.FORMULA_SYNTAX, 11),
        ("round(1, 2, 3)", ErrorKind.QUANTITY_SYNTAX, 12),
        ("ceil(1, 2)", ErrorKind.QUANTITY_SYNTAX, 8),
        ("round(123456 元, 2)", ErrorKind.DIMENSION_MISMATCH, 0),
        ("1 + ceil(1 元)", ErrorKind.DIMENSION_MISMATCH, 4),
        ("ceil(1 元, 米)", ErrorKind.DIMENSION_MISMATCH, 0),
        ("round(1, 2, 元)", ErrorKind.DIMENSION_MISMATCH, 0),
        ("sum(1 元, 2 米)", ErrorKind.DIMENSION_MISMATCH, 9),
        ("min(1 元, 1 米)", ErrorKind.DIMENSION_MISMATCH, 9),
        ("max(1, 2, 3 月)", ErrorKind.DIMENSION_MISMATCH, 10),
        ("sum(1 元, )", ErrorKind.FORMULA_SYNTAX, 9),
        ("min(,1)", ErrorKind.FORMULA_SYNTAX, 4),
        ("min(1 2)", ErrorKind.FORMULA_SYNTAX, 6),
        ("min(1", ErrorKind.FORMULA_SYNTAX, 5),
        ("foo(1)", ErrorKind.UNKNOWN_FUNCTION, 0),
        ("2 * ROUND(1, 2)", ErrorKind.UNKNOWN_FUNCTION, 4),
        ("abs(-1)", ErrorKind.UNKNOWN_FUNCTION, 0),
        ("pow(2, 3)", ErrorKind.UNKNOWN_FUNCTION, 0),
        ("hall.rent(1)", ErrorKind.UNKNOWN_FUNCTION, 0),
    ],
)
def test_function_errors(text: str, kind: ErrorKind, column: int) -> None:
    e = err(text)
    assert e.kind is kind, e
    assert e.column == column, e
    assert e.text == text


def test_unknown_function_lists_the_whitelist() -> None:
    e = err("sqrt(4)")
    assert e.hint is not None
    for f in ("round", "ceil", "floor", "min", "max", "sum"):
        assert f in e.hint


# --- errors point at the problem -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "column"),
    [
        ("", ErrorKind.FORMULA_SYNTAX, 0),
        ("1 +", ErrorKind.FORMULA_SYNTAX, 3),
        ("1 + * 2", ErrorKind.FORMULA_SYNTAX, 4),
        ("1 // 2", ErrorKind.FORMULA_SYNTAX, 3),
        ("(1 + 2", ErrorKind.FORMULA_SYNTAX, 6),
        ("1 + 2)", ErrorKind.FORMULA_SYNTAX, 5),
        ("()", ErrorKind.FORMULA_SYNTAX, 1),
        ("1 2", ErrorKind.FORMULA_SYNTAX, 2),
        ("面积 5", ErrorKind.FORMULA_SYNTAX, 3),
        ("1,000", ErrorKind.FORMULA_SYNTAX, 1),
        ("1，000", ErrorKind.QUANTITY_SYNTAX, 1),
        ("1 % 2", ErrorKind.FORMULA_SYNTAX, 2),
        ("3%元", ErrorKind.FORMULA_SYNTAX, 0),
        ("1e5 * 2", ErrorKind.QUANTITY_SYNTAX, 1),
        ("a ** 2", ErrorKind.FORBIDDEN_CONSTRUCT, 3),
        ("2^3", ErrorKind.FORBIDDEN_CONSTRUCT, 1),
        ("a[0]", ErrorKind.FORBIDDEN_CONSTRUCT, 1),
        ("(a[0])", ErrorKind.FORBIDDEN_CONSTRUCT, 2),
        ("(x := 1)", ErrorKind.FORBIDDEN_CONSTRUCT, 3),
        ("a + 'x'", ErrorKind.FORBIDDEN_CONSTRUCT, 4),
        ('a + "x"', ErrorKind.FORBIDDEN_CONSTRUCT, 4),
        ("a < 1", ErrorKind.FORBIDDEN_CONSTRUCT, 2),
        ("a == 1", ErrorKind.FORBIDDEN_CONSTRUCT, 2),
        ("a = 1", ErrorKind.FORBIDDEN_CONSTRUCT, 2),
        ("a; b", ErrorKind.FORBIDDEN_CONSTRUCT, 1),
        ("a.__class__", ErrorKind.FORBIDDEN_CONSTRUCT, 0),
        ("_a", ErrorKind.FORBIDDEN_CONSTRUCT, 0),
        ("a..b", ErrorKind.FORMULA_SYNTAX, 0),
        # a.1 is a name (a later segment may start with a digit: kemu.2080101), not known here.
        ("a.1", ErrorKind.UNKNOWN_NAME, 0),
        ("1 元 + 1 米", ErrorKind.DIMENSION_MISMATCH, 4),
        ("1 + (2 元 - 1 天)", ErrorKind.DIMENSION_MISMATCH, 9),
        ("1 / 0", ErrorKind.DIVISION_BY_ZERO, 2),
        ("1 / (2 - 2)", ErrorKind.DIVISION_BY_ZERO, 2),
        ("5 元/平方米·月", ErrorKind.AMBIGUOUS_UNIT, 7),
        ("5 平房米 * 2", ErrorKind.UNKNOWN_UNIT, 2),
        ("面积\u200b * 2", ErrorKind.CONFUSABLE_CHARACTER, 2),
        ("2 \u0430", ErrorKind.CONFUSABLE_CHARACTER, 2),  # Cyrillic а
        ("2 ￥", ErrorKind.FORMULA_SYNTAX, 2),
        ("+²", ErrorKind.FORMULA_SYNTAX, 1),
        ("a²", ErrorKind.FORMULA_SYNTAX, 1),
    ],
)
def test_errors_carry_kind_and_column(text: str, kind: ErrorKind, column: int) -> None:
    e = err(text, {"a": "1", "b": "1", "面积": "1"})
    assert e.kind is kind, e
    assert e.column == column, e
    assert e.text == text
    if text.isprintable() and text:
        assert str(e).splitlines()[1].strip() == text.strip()


def test_unknown_unit_in_a_formula_hints_at_a_missing_operator() -> None:
    e = err("5 平房米 * 2")
    assert e.hint is not None
    assert "平方米" in e.hint or "平米" in e.hint
    assert "5 * 平房米" in e.hint


def test_non_text_formula_is_refused() -> None:
    with pytest.raises(CesuanError) as e:
        parse_formula(12)  # type: ignore[arg-type]
    assert e.value.kind is ErrorKind.FORMULA_SYNTAX


# --- limits --------------------------------------------------------------------------------------


def test_length_limit() -> None:
    assert ev("1" + " " * (MAX_FORMULA_CHARS - 1)).magnitude == 1
    text = "1" + " " * MAX_FORMULA_CHARS
    with pytest.raises(CesuanError) as e:
        parse_formula(text)
    assert e.value.kind is ErrorKind.SIZE_LIMIT
    assert e.value.column == 0


def test_length_is_checked_before_anything_else() -> None:
    # a look-alike character far beyond the limit must not be what is reported
    with pytest.raises(CesuanError) as e:
        parse_formula("\u200b" * (MAX_FORMULA_CHARS * 50))
    assert e.value.kind is ErrorKind.SIZE_LIMIT


@pytest.mark.parametrize(
    "build",
    [
        lambda n: "(" * n + "1" + ")" * n,
        lambda n: "-" * n + "1",
        lambda n: "min(" * n + "1" + ")" * n,
        lambda n: "(-" * n + "1" + ")" * n,
    ],
)
def test_depth_limit(build: Callable[[int], str]) -> None:
    fine = build(MAX_FORMULA_DEPTH // 2 - 1)
    assert abs(ev(fine).magnitude) == 1
    deep = build(MAX_FORMULA_DEPTH + 1)
    with pytest.raises(CesuanError) as e:
        parse_formula(deep)
    assert e.value.kind is ErrorKind.NESTING
    assert e.value.column is not None
    assert 0 <= e.value.column <= len(deep)


def test_depth_limit_boundary_for_parentheses() -> None:
    ev("(" * (MAX_FORMULA_DEPTH - 1) + "1" + ")" * (MAX_FORMULA_DEPTH - 1))
    with pytest.raises(CesuanError) as e:
        parse_formula("(" * (MAX_FORMULA_DEPTH + 1) + "1" + ")" * (MAX_FORMULA_DEPTH + 1))
    assert e.value.kind is ErrorKind.NESTING


def test_node_limit() -> None:
    n = (MAX_FORMULA_NODES + 1) // 2  # n numbers and n - 1 operators: 2n - 1 nodes
    assert ev("+".join(["1"] * n)).magnitude == n
    with pytest.raises(CesuanError) as e:
        parse_formula("+".join(["1"] * (n + 1)))
    assert e.value.kind is ErrorKind.SIZE_LIMIT
    assert len("+".join(["1"] * (n + 1))) < MAX_FORMULA_CHARS  # the node limit, not the length
    with pytest.raises(CesuanError) as e:
        parse_formula("sum(" + ", ".join(["a"] * MAX_FORMULA_NODES) + ")")
    assert e.value.kind is ErrorKind.SIZE_LIMIT


def test_literal_digit_limit() -> None:
    ok = "9" * MAX_LITERAL_DIGITS
    assert ev(f"{ok} + 1").magnitude == 10**MAX_LITERAL_DIGITS
    text = "1 + " + "9" * (MAX_LITERAL_DIGITS + 1)
    e = err(text)
    assert e.kind is ErrorKind.MAGNITUDE
    assert e.column == 4
    assert err("0." + "1" * (MAX_LITERAL_DIGITS + 1)).kind is ErrorKind.MAGNITUDE


def test_big_values_inside_the_limits_stay_exact() -> None:
    big = "9" * MAX_LITERAL_DIGITS
    q = ev(" * ".join([big] * 20))
    assert q.magnitude == Fraction(int(big) ** 20)
    third = ev(" / ".join(["1"] + ["3" * MAX_LITERAL_DIGITS] * 20))
    assert third.magnitude == Fraction(1, int("3" * MAX_LITERAL_DIGITS) ** 20)
    # a terminating result longer than any decimal context prints in full
    p = str(2**99)
    tiny = ev(" / ".join(["1"] + [p] * 20))
    assert Fraction(Decimal(str(tiny))) == Fraction(1, 2 ** (99 * 20))
    r = ev("round(" + " * ".join([big] * 15) + " / 7, 2)")
    assert r.magnitude == Fraction(
        math.floor(Fraction(int(big) ** 15, 7) * 100 + Fraction(1, 2)), 100
    )


# --- properties ----------------------------------------------------------------------------------

PROPS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@PROPS
@given(formula_trees())
def test_parse_of_unparse_is_the_tree(tree: Node) -> None:
    text = unparse(tree)
    assert parse_formula(text) == tree, text
    assert unparse(parse_formula(text)) == text


def _half_up(x: Fraction, places: int) -> Fraction:
    n = math.floor(abs(x) * 10**places + Fraction(1, 2))
    return Fraction(n if x >= 0 else -n, 10**places)


def reference(node: Node, env: Mapping[str, Fraction]) -> Fraction:
    """The meaning of a dimensionless tree, in plain Fraction arithmetic."""
    if isinstance(node, Number):
        assert node.unit is None
        return Fraction(node.value)
    if isinstance(node, Name):
        return env[node.id]
    if isinstance(node, Neg):
        return -reference(node.operand, env)
    if isinstance(node, BinOp):
        a, b = reference(node.left, env), reference(node.right, env)
        return {"+": a + b, "-": a - b, "*": a * b}[node.op] if node.op != "/" else a / b
    assert isinstance(node, Call)
    args = [reference(a, env) for a in node.args]
    if node.func == "sum":
        return sum(args, Fraction(0))
    if node.func in ("min", "max"):
        return min(args) if node.func == "min" else max(args)
    x = args[0]
    if node.func == "round":
        assert node.places is not None
        return _half_up(x, node.places)
    return Fraction(math.ceil(x) if node.func == "ceil" else math.floor(x))


_VALUE_NAMES = ["a", "b", "hall.rent", "面积", "km_total"]


@PROPS
@given(
    formula_trees(names=_VALUE_NAMES, with_units=False, max_leaves=10),
    st.fixed_dictionaries({n: st.decimals(-(10**6), 10**6, places=3) for n in _VALUE_NAMES}),
)
def test_evaluation_is_exact(tree: Node, values: dict[str, Decimal]) -> None:
    text = unparse(tree)
    env = {k: Fraction(v) for k, v in values.items()}
    inputs = {k: str(v) for k, v in values.items()}
    try:
        want = reference(tree, env)
    except ZeroDivisionError:
        with pytest.raises(CesuanError) as e:
            evaluate_formula(text, inputs)
        assert e.value.kind is ErrorKind.DIVISION_BY_ZERO
        return
    got = evaluate_formula(text, inputs)
    assert type(got.magnitude) in (Decimal, Fraction)
    assert got.unit.dimensionless
    assert got.magnitude == want, text
    if isinstance(got.magnitude, Fraction):
        assert got.magnitude.denominator != 1


# Formulas over inputs of several dimensions; each input can be written in any unit of its group.
# The reference works on root amounts (元, 平方米, 年, 天, 人, 米) and gives 元.
TEMPLATES: list[tuple[str, dict[str, str], Callable[[dict[str, Fraction]], Fraction]]] = [
    (
        "area × rate × months",
        {"area": "area", "rate": "rent_rate", "months": "billing_time"},
        lambda v: v["area"] * v["rate"] * v["months"],
    ),
    (
        "round(area × rate × months, 2, 万元)",
        {"area": "area", "rate": "rent_rate", "months": "billing_time"},
        lambda v: _half_up(v["area"] * v["rate"] * v["months"] / 10_000, 2) * 10_000,
    ),
    (
        "(a + b) × 98% − c",
        {"a": "money", "b": "money", "c": "money"},
        lambda v: (v["a"] + v["b"]) * Fraction(98, 100) - v["c"],
    ),
    (
        "price × people × days + fee",
        {"price": "person_day_rate", "people": "person", "days": "calendar_time", "fee": "money"},
        lambda v: v["price"] * v["people"] * v["days"] + v["fee"],
    ),
    (
        "distance × cost",
        {"distance": "length", "cost": "money_per_length"},
        lambda v: v["distance"] * v["cost"],
    ),
    (
        "max(a, b) - min(a, c) + sum(a, b, c)",
        {"a": "money", "b": "money", "c": "money"},
        lambda v: max(v["a"], v["b"]) - min(v["a"], v["c"]) + v["a"] + v["b"] + v["c"],
    ),
    (
        "annual × months + ceil(monthly × 1 年, 万元)",
        {"annual": "money_per_year", "months": "billing_time", "monthly": "money_per_year"},
        lambda v: v["annual"] * v["months"] + math.ceil(v["monthly"] / 10_000) * 10_000,
    ),
]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(TEMPLATES), st.data())
def test_results_do_not_depend_on_the_units_inputs_are_written_in(
    template: tuple[str, dict[str, str], Callable[[dict[str, Fraction]], Fraction]],
    data: st.DataObject,
) -> None:
    formula, groups, ref = template
    first: dict[str, str] = {}
    second: dict[str, str | Quantity] = {}
    roots: dict[str, Fraction] = {}
    for name, group in groups.items():
        w = data.draw(quantities(group), label=name)
        other = data.draw(st.sampled_from(sorted(all_unit_groups()[group])), label=f"{name} unit")
        first[name], second[name], roots[name] = w.text, rewrite(w, group, other), w.root
    a = evaluate_formula(formula, first, "元")
    b = evaluate_formula(formula, second, "元")
    assert a.magnitude == b.magnitude == ref(roots)
    assert a.unit.text == b.unit.text == "元"
    assert type(a.magnitude) in (Decimal, Fraction)
    assert type(b.magnitude) in (Decimal, Fraction)


@pytest.mark.parametrize(
    "inputs",
    [
        {"area": "8369.34 平方米", "rate": "50 元/(平方米·月)", "months": "12 月"},
        {"area": "8369.34 ㎡", "rate": "600 元/(平方米·年)", "months": "1 年"},
        {"area": "0.836934 公顷", "rate": "0.005 万元/平方米/月", "months": "4 季度"},
        {"area": "12.55401 亩", "rate": "400000 元/(亩·年)", "months": "12 个月"},
    ],
)
def test_seed_rent_in_other_units(inputs: dict[str, str]) -> None:
    q = evaluate_formula("area * rate * months", inputs, "万元")
    assert q.magnitude == Decimal("502.1604")


def test_compiled_formula_works_on_root_amounts() -> None:
    tree = parse_formula("area * rate * 12 月")
    c = compile_formula(tree, {"area": parse_unit("平方米"), "rate": parse_unit("元/(平方米·月)")})
    assert c.unit.text == "元"
    assert c.names == ("area", "rate")
    # root amounts: 平方米 and 元/(平方米·年)
    assert c({"area": Decimal("8369.34"), "rate": Decimal(600)}) == Decimal("5021604")


# --- fuzz ----------------------------------------------------------------------------------------


@settings(max_examples=500, deadline=None)
@given(messy_text(max_size=60))
def test_fuzz_formula_entry_points_only_raise_cesuan_errors(text: str) -> None:
    with contextlib.suppress(CesuanError):
        parse_formula(text)
    try:
        q = evaluate_formula(text, {"a": "3 元", "b": "2", "x": "1 平方米", "面积": "5 平方米"})
    except CesuanError:
        return
    assert type(q.magnitude) in (Decimal, Fraction)


@settings(max_examples=200, deadline=None)
@given(formula_trees(), st.integers(0, 60), messy_text(max_size=6))
def test_fuzz_mutated_formulas_only_raise_cesuan_errors(tree: Node, at: int, junk: str) -> None:
    text = unparse(tree)
    at = min(at, len(text))
    mutated = text[:at] + junk + text[at:]
    inputs = dict.fromkeys(("area", "rate", "x", "人数", "hall.rent"), "2 元")
    column: int | None = None
    try:
        evaluate_formula(mutated, inputs)
    except CesuanError as e:
        column = e.column
    assert column is None or 0 <= column <= len(mutated)
