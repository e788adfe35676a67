"""Quantity text: numbers as forms write them (grouping, 万/亿, %, full-width, Unicode minus), read
exactly into Decimal or Fraction, and everything else refused with a kind and a column."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cesuan import CesuanError, ErrorKind, Quantity, parse_quantity, parse_unit
from cesuan.limits import MAX_LITERAL_DIGITS, MAX_QUANTITY_CHARS
from tests.strategies import (
    all_unit_groups,
    decimal_text,
    fraction_to_text,
    messy_text,
    quantities,
)


def _exact(q: Quantity) -> None:
    assert type(q.magnitude) in (Decimal, Fraction), type(q.magnitude)


@pytest.mark.parametrize(
    ("text", "magnitude", "unit"),
    [
        ("8369.34 平方米", Decimal("8369.34"), "平方米"),
        ("8369.34平方米", Decimal("8369.34"), "平方米"),
        ("50 元/(平方米·月)", Decimal(50), "元/(平方米·月)"),
        ("50 元/平方米/月", Decimal(50), "元/(平方米·月)"),
        ("30万 件", Decimal(300_000), "件"),
        ("30万件", Decimal(300_000), "件"),
        ("30万元", Decimal(30), "万元"),
        ("30 万元", Decimal(30), "万元"),
        ("3亿元", Decimal(3), "亿元"),
        ("3亿 元", Decimal(300_000_000), "元"),
        ("1.5万", Decimal(15_000), ""),
        ("98%", Decimal("0.98"), ""),
        ("98％", Decimal("0.98"), ""),
        ("12.5%", Decimal("0.125"), ""),
        ("１２ 月", Decimal(12), "月"),
        ("１２．５ 万元", Decimal("12.5"), "万元"),
        ("−5 元", Decimal(-5), "元"),
        ("－5 元", Decimal(-5), "元"),
        ("-5 元", Decimal(-5), "元"),
        ("+5 元", Decimal(5), "元"),
        ("1,200 元", Decimal(1200), "元"),
        ("12,345,678.25 元", Decimal("12345678.25"), "元"),
        (" 12 月 ", Decimal(12), "月"),
        ("\u300012\u3000月", Decimal(12), "月"),  # ideographic spaces
        ("0.5", Decimal("0.5"), ""),
        (".5 元", Decimal("0.5"), "元"),
        ("10 个月", Decimal(10), "个月"),
        ("5 (元)", Decimal(5), "元"),
        ("7 m²", Decimal(7), "m²"),
        ("7㎡", Decimal(7), "㎡"),
        ("0000123", Decimal(123), ""),
    ],
)
def test_quantity_text(text: str, magnitude: Decimal, unit: str) -> None:
    q = parse_quantity(text)
    _exact(q)
    assert q.magnitude == magnitude
    assert q.unit.text == unit
    assert q.unit == parse_unit(unit)


def test_value_of_thirty_wan_jian_is_three_hundred_thousand() -> None:
    q = parse_quantity("30万 件")
    assert q.to("件").magnitude == 300_000
    assert str(q) == "300000 件"
    assert parse_quantity("30万元").to("元").magnitude == 300_000


@pytest.mark.parametrize(
    ("text", "kind", "column"),
    [
        ("12,34", ErrorKind.QUANTITY_SYNTAX, 2),
        ("1,2000", ErrorKind.QUANTITY_SYNTAX, 1),
        ("1234,567", ErrorKind.QUANTITY_SYNTAX, 4),
        ("1,,200", ErrorKind.QUANTITY_SYNTAX, 1),
        ("1，000", ErrorKind.QUANTITY_SYNTAX, 1),
        ("１，２００ 元", ErrorKind.QUANTITY_SYNTAX, 1),
        ("6÷3", ErrorKind.QUANTITY_SYNTAX, 1),
        ("6/3", ErrorKind.QUANTITY_SYNTAX, 1),
        ("6*3 元", ErrorKind.QUANTITY_SYNTAX, 1),
        ("1e5", ErrorKind.QUANTITY_SYNTAX, 1),
        ("1E5 元", ErrorKind.QUANTITY_SYNTAX, 1),
        ("1e-5", ErrorKind.QUANTITY_SYNTAX, 1),
        ("2.5E+3 元", ErrorKind.QUANTITY_SYNTAX, 3),
        ("元 5", ErrorKind.QUANTITY_SYNTAX, 0),
        ("", ErrorKind.QUANTITY_SYNTAX, 0),
        ("-", ErrorKind.QUANTITY_SYNTAX, 1),
        (".", ErrorKind.QUANTITY_SYNTAX, 0),
        ("1.2.3", ErrorKind.QUANTITY_SYNTAX, 3),
        ("5 元 元", ErrorKind.QUANTITY_SYNTAX, 3),
        ("5 元/", ErrorKind.QUANTITY_SYNTAX, 4),
        ("3 %", ErrorKind.QUANTITY_SYNTAX, 2),
        ("3%元", ErrorKind.QUANTITY_SYNTAX, 2),
        ("3% 元", ErrorKind.QUANTITY_SYNTAX, 3),
        ("1_000", ErrorKind.QUANTITY_SYNTAX, 1),
        ("²", ErrorKind.QUANTITY_SYNTAX, 0),
        ("+²", ErrorKind.QUANTITY_SYNTAX, 1),
        ("5 平房米", ErrorKind.UNKNOWN_UNIT, 2),
        ("5 元/平方米·月", ErrorKind.AMBIGUOUS_UNIT, 7),
        ("٣ 元", ErrorKind.CONFUSABLE_CHARACTER, 0),  # Arabic-Indic digit three
        ("5\u200b 元", ErrorKind.CONFUSABLE_CHARACTER, 1),
        ("￥5", ErrorKind.QUANTITY_SYNTAX, 0),
    ],
)
def test_refused_quantity_text(text: str, kind: ErrorKind, column: int) -> None:
    with pytest.raises(CesuanError) as e:
        parse_quantity(text)
    assert e.value.kind is kind
    assert e.value.column == column
    assert e.value.text == text  # the text as the user wrote it, not the normalised one


@pytest.mark.parametrize("text", ["12,34", "1，000", "1e5", "6÷3", "1,2000"])
def test_refusals_of_plausible_numbers_come_with_a_hint(text: str) -> None:
    with pytest.raises(CesuanError) as e:
        parse_quantity(text)
    assert e.value.hint


@pytest.mark.parametrize(
    "text",
    [
        "NaN",
        "nan",
        "Infinity",
        "infinity",
        "inf",
        "Inf",
        ".nan",
        ".NaN",
        ".inf",
        "-.inf",
        "+.inf",
        "∞",
        " NaN ",
        "-inf",
        "-Infinity",
        "−∞",
        "+inf",
    ],
)
def test_non_finite_is_refused_as_non_finite(text: str) -> None:
    with pytest.raises(CesuanError) as e:
        parse_quantity(text)
    assert e.value.kind is ErrorKind.NON_FINITE


def test_too_many_digits_is_a_magnitude_error() -> None:
    ok = parse_quantity("9" * MAX_LITERAL_DIGITS + " 元")
    assert ok.magnitude == Decimal("9" * MAX_LITERAL_DIGITS)
    # digits after the point count too; leading zeros do not
    assert parse_quantity("0." + "1" * MAX_LITERAL_DIGITS).magnitude == Decimal("0." + "1" * 30)
    for text in ["9" * (MAX_LITERAL_DIGITS + 1), "1." + "0" * MAX_LITERAL_DIGITS]:
        with pytest.raises(CesuanError) as e:
            parse_quantity(text)
        assert e.value.kind is ErrorKind.MAGNITUDE


def test_over_long_text_is_a_size_limit_error() -> None:
    text = "1" + " " * MAX_QUANTITY_CHARS + "元"
    with pytest.raises(CesuanError) as e:
        parse_quantity(text)
    assert e.value.kind is ErrorKind.SIZE_LIMIT
    assert parse_quantity("1" + " " * (MAX_QUANTITY_CHARS - 2) + "元").magnitude == 1


@pytest.mark.parametrize("value", [None, 5, 5.0, Decimal(5), b"5"])
def test_non_text_is_refused(value: object) -> None:
    with pytest.raises(CesuanError) as e:
        parse_quantity(value)  # type: ignore[arg-type]
    assert e.value.kind is ErrorKind.QUANTITY_SYNTAX


def test_more_than_28_digits_are_exact() -> None:
    # the default decimal context (28 digits) would round these
    q = parse_quantity("12345678901234567890123.456789 万元")
    assert q.to("元").magnitude == Decimal("123456789012345678901234567.89")
    big = parse_quantity("123456789012345678901234567891亿")
    assert big.magnitude == Fraction(123456789012345678901234567891 * 10**8)
    assert Decimal("123456789012345678901234567891") * 10**8 != big.magnitude  # default context


def test_quantity_to_refuses_another_dimension() -> None:
    with pytest.raises(CesuanError) as e:
        parse_quantity("5 元").to("平方米")
    assert e.value.kind is ErrorKind.DIMENSION_MISMATCH
    with pytest.raises(CesuanError) as e:
        parse_quantity("5").to("元")
    assert e.value.kind is ErrorKind.DIMENSION_MISMATCH


# --- properties --------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(all_unit_groups())), st.data())
def test_any_decimal_in_any_unit_reads_exactly(group: str, data: st.DataObject) -> None:
    w = data.draw(quantities(group, signed=True))
    q = parse_quantity(w.text)
    _exact(q)
    assert q.magnitude == w.magnitude
    root = next(iter(all_unit_groups()[group]))
    r = q.to(root)
    _exact(r)
    assert r.magnitude == w.root  # exact, against the factor table in tests/strategies.py


@settings(max_examples=150, deadline=None)
@given(st.integers(-(10**15), 10**15))
def test_grouped_integers_read_as_written(n: int) -> None:
    assert parse_quantity(f"{n:,} 元").magnitude == n
    assert parse_quantity(f"{n} 元").magnitude == n


@settings(max_examples=150, deadline=None)
@given(decimal_text(max_int_digits=8, max_places=6))
def test_percent_and_wan_scale_exactly(text: str) -> None:
    assert parse_quantity(f"{text}%").magnitude == Fraction(text) / 100
    assert parse_quantity(f"{text}万 件").magnitude == Fraction(text) * 10_000
    assert parse_quantity(f"{text}亿").magnitude == Fraction(text) * 10**8
    assert parse_quantity(f"-{text}万 元").magnitude == -Fraction(text) * 10_000


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(all_unit_groups())), st.data())
def test_str_of_a_quantity_reads_back(group: str, data: st.DataObject) -> None:
    w = data.draw(quantities(group, signed=True))
    q = parse_quantity(w.text)
    again = parse_quantity(str(q))
    assert again.magnitude == q.magnitude
    assert (again.unit.dims, again.unit.factor) == (q.unit.dims, q.unit.factor)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(sorted(all_unit_groups())), st.data())
def test_conversion_between_units_is_exact(group: str, data: st.DataObject) -> None:
    w = data.draw(quantities(group))
    units = all_unit_groups()[group]
    target = data.draw(st.sampled_from(sorted(units)))
    q = parse_quantity(w.text).to(target)
    _exact(q)
    assert q.magnitude == w.root / units[target]
    if fraction_to_text(w.root / units[target]) is None:
        assert isinstance(q.magnitude, Fraction)


@settings(max_examples=400, deadline=None)
@given(messy_text())
def test_fuzz_parse_quantity_only_raises_cesuan_errors(text: str) -> None:
    try:
        q = parse_quantity(text)
    except CesuanError:
        return
    _exact(q)
