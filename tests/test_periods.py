"""Date ranges (issue 11): months and days counted exactly, against datetime.date as the oracle
(the engine does its own integer calendar arithmetic and never imports datetime)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cesuan
from cesuan import CesuanError
from cesuan.periods import count

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        # Apr 2023 … Dec 2023 is 9 months, Jan … Feb 2024 is 2 more: 11.
        ("2023年4月至2024年2月", "月", 11),
        ("2023年4月-2024年2月", "月", 11),
        ("2023年4月至12月", "月", 9),  # the end without its year: the same year
        # 2021 is not a leap year: 365 days, 12 whole months.
        ("2021.01.01—2021.12.31", "天", 365),
        ("2021.01.01—2021.12.31", "月", 12),
        ("2021年1月1日至2021年12月31日", "天", 365),
        # Feb 2024 has 29 days (2024 is divisible by 4, not by 100): 31 + 29 = 60.
        ("2024年1月至2024年2月", "天", 60),
        # 1900 is not a leap year (divisible by 100, not by 400): 28 days; 2000 is: 29.
        ("1900.02.01-1900.02.28", "天", 28),
        ("2000/02/01~2000/02/29", "天", 29),
        ("2023年4月1日至2023年4月1日", "天", 1),
    ],
)
def test_hand_worked_ranges(text: str, unit: str, expected: int) -> None:
    assert count(text, unit) == expected


_dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2200, 12, 31))


@given(_dates, _dates)
def test_days_agree_with_datetime(a: datetime.date, b: datetime.date) -> None:
    start, end = min(a, b), max(a, b)
    text = f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日"
    assert count(text, "天") == (end - start).days + 1
    dotted = f"{start:%Y.%m.%d}—{end:%Y.%m.%d}"
    assert count(dotted, "日") == (end - start).days + 1


@given(_dates, _dates)
def test_months_agree_with_a_month_walk(a: datetime.date, b: datetime.date) -> None:
    start, end = min(a, b), max(a, b)
    months, y, m = 0, start.year, start.month
    while (y, m) <= (end.year, end.month):  # walk month by month: the obvious oracle
        months += 1
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    assert count(f"{start.year}年{start.month}月至{end.year}年{end.month}月", "月") == months
    # A month range counted in days: from the 1st of its first month to the last of its last.
    first = datetime.date(start.year, start.month, 1)
    after = datetime.date(y, m, 1)  # the 1st of the month after the last one
    assert (
        count(f"{start.year}年{start.month}月-{end.year}年{end.month}月", "天")
        == (after - first).days
    )


@pytest.mark.parametrize(
    ("text", "unit", "says"),
    [
        ("2023年13月至2024年2月", "月", "月份 13"),
        ("2023年2月29日至2023年3月1日", "天", "不存在"),
        ("2024年2月至2023年4月", "月", "早于"),
        ("2023年4月至2024年2月1日", "月", "一端写到日"),
        ("2021.01.01—2021.12.30", "月", "不是整月"),
        ("2023年4月", "月", "读不懂"),
        ("2023年4月至2024年2月", "年", "只能按"),
    ],
)
def test_bad_ranges_are_refused_with_a_hint(text: str, unit: str, says: str) -> None:
    with pytest.raises(CesuanError) as info:
        count(text, unit)
    assert info.value.kind == "quantity_syntax"
    assert says in info.value.message
    assert info.value.hint


def test_a_date_range_input_is_quoted_as_written() -> None:
    case = {
        "case": "d",
        "title": "周期",
        "lines": [
            {
                "id": "period",
                "label": "建设周期",
                "formula": "months",
                "inputs": {"months": {"dates": "2023年4月-2024年2月", "label": "建设周期"}},
            }
        ],
    }
    loaded = cesuan.load_case(case, source_text="建设周期 2023年4月-2024年2月 业务主管部门")
    months = loaded.lines[0].inputs["months"]
    assert (months.value, months.quote) == ("11 月", ("2023年4月-2024年2月",))
    assert months.label == "建设周期（2023年4月-2024年2月）"
    assert str(cesuan.evaluate(loaded)["period"].quantity) == "11 月"
    with pytest.raises(CesuanError) as info:  # the range must be in the form's text
        cesuan.load_case(case, source_text="建设周期 2023年4月至2024年2月")
    assert info.value.kind == "quote_not_in_source"


def test_the_engine_does_not_use_datetime() -> None:
    text = (ROOT / "src" / "cesuan" / "periods.py").read_text(encoding="utf-8")
    assert "import datetime" not in text
    assert "from datetime" not in text
