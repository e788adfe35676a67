"""Deterministic tests written to kill the mutants that survived `mutmut run` on expr/check.py,
expr/parser.py and expr/_fast.py (docs/testing.md records each run, its score and the mutants
left as equivalent, with why).

Expected texts and positions are written out by hand (the column counted in a comment); none is
taken from the engine. Each test names what it pins, so a failure says what broke.
"""

from __future__ import annotations

import pytest

from cesuan.errors import CesuanError, ErrorKind
from cesuan.expr.ast import Call, Name
from cesuan.expr.check import check
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
    assert e.hint is None  # 元 and 平方米 differ in a measured dimension: no declaration helps
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
