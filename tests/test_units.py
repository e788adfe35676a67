"""Units: every definition in units.txt, exact factors, distinct dimensions, compound forms as
forms write them, and the errors for ambiguous and unknown units."""

from __future__ import annotations

import itertools
from decimal import Decimal
from fractions import Fraction
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cesuan import CesuanError, ErrorKind, evaluate_formula, parse_quantity, parse_unit
from cesuan.units import unit_names
from tests.strategies import COMPOUND_UNITS, COUNTED, SINGLE_UNITS, all_unit_groups, messy_text

GROUP_OF = {name: group for group, units in SINGLE_UNITS.items() for name in units}
FACTOR = {name: f for units in SINGLE_UNITS.values() for name, f in units.items()}


def _defined_in_units_txt() -> set[str]:
    """Names and aliases as units.txt spells them (read here, independently of cesuan.units)."""
    text = resources.files("cesuan").joinpath("units.txt").read_text(encoding="utf-8")
    names: set[str] = set()
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if "=" not in line:
            continue
        first, *rest = (p.strip() for p in line.split("="))
        names.add(first)
        # "月 = 年 / 12 = 个月": aliases are the plain words after the definition
        names.update(p for p in rest[1:] if p and not p.startswith("[") and " " not in p)
    return names


def test_the_table_here_covers_every_unit_in_units_txt() -> None:
    """A unit added to units.txt without a tested factor fails here."""
    defined = _defined_in_units_txt()
    assert defined == set(FACTOR) - {"㎡"}
    assert unit_names() >= defined | {"㎡"}


@pytest.mark.parametrize("name", sorted(FACTOR))
def test_every_unit_parses_with_its_exact_factor(name: str) -> None:
    group = GROUP_OF[name]
    root = next(iter(SINGLE_UNITS[group]))
    u = parse_unit(name)
    assert u.text == name
    assert isinstance(u.factor, Fraction)
    assert u.factor / parse_unit(root).factor == FACTOR[name]
    q = parse_quantity(f"3 {name}").to(root)
    assert q.magnitude == 3 * FACTOR[name]
    assert type(q.magnitude) in (Decimal, Fraction)
    # and back again, exactly
    back = q.to(name)
    assert back.magnitude == 3
    assert back.unit == u


@pytest.mark.parametrize(
    ("text", "target", "expected"),
    [
        ("1 万元", "元", Fraction(10_000)),
        ("1 亿元", "元", Fraction(10**8)),
        ("1 亿元", "万元", Fraction(10_000)),
        ("502.1604 万元", "元", Fraction(5_021_604)),
        ("1 公里", "米", Fraction(1000)),
        ("1 亩", "平方米", Fraction(2000, 3)),
        ("3 亩", "平方米", Fraction(2000)),
        ("1 公顷", "亩", Fraction(15)),
        ("1 公顷", "平方米", Fraction(10_000)),
        ("12 月", "年", Fraction(1)),
        ("1 月", "年", Fraction(1, 12)),
        ("1 季度", "月", Fraction(3)),
        ("4 季度", "年", Fraction(1)),
        ("1 周", "天", Fraction(7)),
        ("36 小时", "天", Fraction(3, 2)),
        ("1 个月", "月", Fraction(1)),
        ("1 平方公里", "公顷", Fraction(100)),
    ],
)
def test_conversions_are_exact(text: str, target: str, expected: Fraction) -> None:
    q = parse_quantity(text).to(target)
    assert q.magnitude == expected
    assert not isinstance(q.magnitude, float)


def test_a_month_is_a_billing_month_not_pints() -> None:
    # pint's month is 365.25/12 days; ours is exactly 1/12 年, so 12 × monthly rent = annual rent.
    assert parse_unit("月").factor * 12 == parse_unit("年").factor
    q = evaluate_formula("8369.34 平方米 × 50 元/(平方米·月) × 12 月", unit="万元")
    assert q.magnitude == Decimal("502.1604")


@pytest.mark.parametrize(("a", "b"), [("天", "月"), ("天", "年"), ("周", "月"), ("小时", "季度")])
def test_calendar_days_and_billing_months_are_different_dimensions(a: str, b: str) -> None:
    assert parse_unit(a).dims != parse_unit(b).dims
    with pytest.raises(CesuanError) as e:
        parse_quantity(f"30 {a}").to(b)
    assert e.value.kind is ErrorKind.DIMENSION_MISMATCH
    with pytest.raises(CesuanError) as e:
        evaluate_formula(f"1 {a} + 1 {b}")
    assert e.value.kind is ErrorKind.DIMENSION_MISMATCH
    assert e.value.column == len(f"1 {a} ")  # points at the '+'


def test_groups_are_exactly_the_dimensions() -> None:
    """Same group ⇔ same dimension, for every pair of defined names."""
    for a, b in itertools.combinations(sorted(FACTOR), 2):
        same = GROUP_OF[a] == GROUP_OF[b]
        assert (parse_unit(a).dims == parse_unit(b).dims) == same, (a, b)


@pytest.mark.parametrize("unit", [*COUNTED, "学期"])
def test_every_counted_unit_is_its_own_dimension(unit: str) -> None:
    dims = parse_unit(unit).dims
    assert dims  # not dimensionless
    others = [u for u in FACTOR if GROUP_OF[u] != GROUP_OF[unit]]
    assert all(parse_unit(o).dims != dims for o in others)
    assert parse_quantity(f"7 {unit}").to(unit).magnitude == 7


@pytest.mark.parametrize(("a", "b"), list(itertools.combinations([*COUNTED, "学期"], 2)))
def test_counted_units_do_not_convert(a: str, b: str) -> None:
    with pytest.raises(CesuanError) as e:
        parse_quantity(f"1 {a}").to(b)
    assert e.value.kind is ErrorKind.DIMENSION_MISMATCH


def test_cases_times_price_per_message_is_not_money() -> None:
    # 件 × 元/条 is not 元: the assumption 1 条/件 must be stated.
    q = evaluate_formula("10 件 × 5 元/条")
    assert q.unit.dims != parse_unit("元").dims
    with pytest.raises(CesuanError) as e:
        evaluate_formula("10 件 × 5 元/条", unit="元")
    assert e.value.kind is ErrorKind.DIMENSION_MISMATCH
    with pytest.raises(CesuanError) as e:
        evaluate_formula("10 件 × 5 元/条 + 1 元")
    assert e.value.kind is ErrorKind.DIMENSION_MISMATCH
    stated = evaluate_formula("10 件 × 1 条/件 × 5 元/条", unit="元")
    assert stated.magnitude == 50
    assert stated.unit.text == "元"


@pytest.mark.parametrize(
    ("text", "same_as", "factor"),
    [
        ("元/(平方米·月)", "元/平方米/月", Fraction(12)),
        ("元/（平方米・月）", "元/(平方米·月)", Fraction(12)),  # full-width brackets and dot
        ("元／平方米／月", "元/平方米/月", Fraction(12)),
        ("元/人/天", "元/(人·天)", Fraction(1)),
        ("元/条/月", "元/(条·月)", Fraction(12)),
        ("元/生/月", "元/(生·月)", Fraction(12)),
        ("万元/年", "万元/年", Fraction(10_000)),
        ("m²", "平方米", Fraction(1)),
        ("㎡", "平方米", Fraction(1)),
        ("平米", "平方米", Fraction(1)),
        ("米²", "平方米", Fraction(1)),
        ("米^2", "平方米", Fraction(1)),
        ("米³", "米·米·米", Fraction(1)),
        ("元 / ( 平方米 · 月 )", "元/(平方米·月)", Fraction(12)),
    ],
)
def test_compound_forms_read_as_people_write_them(
    text: str, same_as: str, factor: Fraction
) -> None:
    u, v = parse_unit(text), parse_unit(same_as)
    assert u.dims == v.dims
    # factors are to root units (元, 米, 年, 天, 人 …)
    assert u.factor == v.factor == factor


def test_rent_rate_dimension_and_cancellation() -> None:
    rate = parse_unit("元/(平方米·月)")
    assert dict(rate.dims) == dict(parse_unit("元").dims) | {
        d: -e for d, e in parse_unit("平方米").dims + parse_unit("年").dims
    }
    total = parse_unit("平方米") * rate * parse_unit("月")
    assert total.text == "元"
    assert total.dims == parse_unit("元").dims
    assert total.factor == 1


@pytest.mark.parametrize("group", sorted(COMPOUND_UNITS))
def test_compound_groups_have_the_stated_factors(group: str) -> None:
    units = all_unit_groups()[group]
    first = next(iter(COMPOUND_UNITS[group]))
    base = parse_unit(first)
    for text, f in units.items():
        u = parse_unit(text)
        assert u.dims == base.dims, text
        assert u.factor / base.factor == f / units[first], text


@pytest.mark.parametrize("text", ["元/平方米·月", "元/人·天", "万元/平方米·年", "元/(人)·天"])
def test_slash_then_dot_is_ambiguous(text: str) -> None:
    with pytest.raises(CesuanError) as e:
        parse_unit(text)
    assert e.value.kind is ErrorKind.AMBIGUOUS_UNIT
    assert e.value.hint is not None
    # The hint spells out the two unambiguous readings of the very unit written.
    expected = {
        "元/平方米·月": "元/(平方米·月)",
        "元/人·天": "元/(人·天)",
        "万元/平方米·年": "万元/(平方米·年)",
        "元/(人)·天": "元/((人)·天)",
    }[text]
    assert expected in e.value.hint
    assert text[e.value.column or 0] == "·"
    # the same in a quantity and a formula
    for f in (parse_quantity, evaluate_formula):
        with pytest.raises(CesuanError) as e2:
            f(f"50 {text}")
        assert e2.value.kind is ErrorKind.AMBIGUOUS_UNIT


@pytest.mark.parametrize(
    ("text", "suggestions", "column"),
    [
        ("平房米", {"平方米", "平米"}, 0),
        ("万圆", {"万元"}, 0),
        ("元/平房米", {"平方米", "平米"}, 2),
        ("元/(平方米·月份)", {"月"}, 7),
        ("亿圆", {"亿元"}, 0),
    ],
)
def test_unknown_unit_suggests_the_nearest(text: str, suggestions: set[str], column: int) -> None:
    with pytest.raises(CesuanError) as e:
        parse_unit(text)
    assert e.value.kind is ErrorKind.UNKNOWN_UNIT
    assert e.value.column == column
    assert e.value.hint is not None
    assert any(f"'{s}'" in e.value.hint for s in suggestions), e.value.hint
    with pytest.raises(CesuanError) as e2:
        parse_quantity(f"5 {text}")
    assert e2.value.kind is ErrorKind.UNKNOWN_UNIT


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("元/", ErrorKind.QUANTITY_SYNTAX),
        ("元·", ErrorKind.QUANTITY_SYNTAX),
        ("元/(平方米·月", ErrorKind.QUANTITY_SYNTAX),
        ("元 元", ErrorKind.QUANTITY_SYNTAX),
        ("6÷3", ErrorKind.QUANTITY_SYNTAX),
        ("米^0", ErrorKind.QUANTITY_SYNTAX),
        ("米^²", ErrorKind.QUANTITY_SYNTAX),
        ("米^", ErrorKind.QUANTITY_SYNTAX),
        ("((((((((((元))))))))))", ErrorKind.NESTING),
        ("元\u200b", ErrorKind.CONFUSABLE_CHARACTER),
        ("\u0435", ErrorKind.CONFUSABLE_CHARACTER),  # Cyrillic е
        ("Km", ErrorKind.UNKNOWN_UNIT),
    ],
)
def test_bad_unit_text(text: str, kind: ErrorKind) -> None:
    with pytest.raises(CesuanError) as e:
        parse_unit(text)
    assert e.value.kind is kind
    assert e.value.text == text


@pytest.mark.parametrize("value", [None, 5, b"\xe5\x85\x83"])
def test_non_text_unit_is_refused(value: object) -> None:
    with pytest.raises(CesuanError) as e:
        parse_unit(value)  # type: ignore[arg-type]
    assert e.value.kind is ErrorKind.QUANTITY_SYNTAX


def test_empty_unit_is_dimensionless() -> None:
    assert parse_unit("").dimensionless
    assert parse_unit("  ").dimensionless
    assert parse_unit("").factor == 1


@settings(max_examples=300, deadline=None)
@given(messy_text())
def test_fuzz_parse_unit_only_raises_cesuan_errors(text: str) -> None:
    try:
        u = parse_unit(text)
    except CesuanError:
        return
    assert isinstance(u.factor, Fraction)
    if u.dimensionless or u.text.startswith("1/"):
        return  # "1/月" is how Unit.text writes a bare denominator; the grammar does not read it
    again = parse_unit(u.text)
    assert (again.dims, again.factor) == (u.dims, u.factor)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(sorted(all_unit_groups())), st.data())
def test_unit_text_reads_back(group: str, data: st.DataObject) -> None:
    """Unit.text is what forms print; it must parse back to the same unit."""
    text = data.draw(st.sampled_from(sorted(all_unit_groups()[group])))
    u = parse_unit(text)
    again = parse_unit(u.text)
    assert (again.dims, again.factor) == (u.dims, u.factor)


# Issue 18: units of real tables, and hints that are never off by a power of ten.
@pytest.mark.parametrize(
    ("text", "factor", "dims"),
    [
        ("1 萬元", 10000, (("元", 1),)),  # traditional 萬 = 万
        ("1 億元", 100000000, (("元", 1),)),
        ("1 仟元", 1000, (("元", 1),)),
        ("1 株", 1, (("株", 1),)),
        ("1 栋", 1, (("栋", 1),)),
        ("1 只", 1, (("只", 1),)),
        ("1 头", 1, (("头", 1),)),
        ("1 羽", 1, (("羽", 1),)),
        ("1 家", 1, (("家", 1),)),
        ("1 村", 1, (("村", 1),)),
        ("1 分", 1, (("分", 1),)),  # a score, its own dimension, not money
        ("1 百分点", Fraction(1, 100), ()),  # 85.37% − 33.33% = 52.04 百分点
    ],
)
def test_units_of_real_tables(text: str, factor: object, dims: object) -> None:
    q = parse_quantity(text)
    assert q.unit.factor == factor
    assert q.unit.dims == dims


def test_traditional_multiplier_in_a_count() -> None:
    assert parse_quantity("30萬 件").magnitude == 300000


def test_percentage_point_difference_equals_written_points() -> None:
    # 85.37% − 33.33% = 0.5204 = 52.04 百分点 exactly.
    diff = parse_quantity("85.37%").magnitude - parse_quantity("33.33%").magnitude
    assert diff == Fraction(5204, 10000)
    assert parse_quantity("52.04 百分点").unit.factor * Fraction("52.04") == diff


@pytest.mark.parametrize("name", ["拾元", "拾万元", "兆元"])
def test_unknown_money_prefix_hint_lists_scales_instead_of_guessing(name: str) -> None:
    with pytest.raises(CesuanError) as e:
        parse_unit(name)
    hint = e.value.hint or ""
    assert "是否为" not in hint  # no single guess: 元 / 万元 / 千元 would be off by 10^k
    assert "万元" in hint
    assert "亿元" in hint


def test_typo_hint_still_suggests_same_scale() -> None:
    with pytest.raises(CesuanError) as e:
        parse_unit("万园")
    assert e.value.hint == "是否为 '万元'？"
