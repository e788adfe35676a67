"""Date ranges as forms write them → a whole number of months or calendar days, exactly.

What it does: reads a range such as "2023年4月至2024年2月", "2023年4月-2024年2月",
"2021.01.01—2021.12.31" or "2021年1月1日至2021年12月31日" with our own small grammar (a start,
a separator, an end of the same precision; the end may leave out its year: "2023年4月至12月")
and counts it inclusively: Apr 2023 – Feb 2024 is 11 months, 2021-01-01 – 2021-12-31 is 365
days. Days are counted with integer calendar arithmetic (proleptic Gregorian, days from 0000-03-01).
What it must not do: use float, dateutil or any date parser but its own; guess a precision the
text does not give (a range written in days counts as months only when it covers whole months);
accept a date that does not exist or an end before its start.

>>> count("2023年4月-2024年2月", "月")
11
>>> count("2021.01.01—2021.12.31", "天"), count("2021.01.01—2021.12.31", "月")
(365, 12)
>>> count("2024年2月", "天")
Traceback (most recent call last):
...
cesuan.errors.CesuanError: 日期区间 '2024年2月' 读不懂
  2024年2月
           ^
提示：写作 开始 + 至/-/— + 结束，如 2023年4月至2024年2月、2021.01.01—2021.12.31、2021年1月1日至12月31日
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cesuan.errors import CesuanError, ErrorKind
from cesuan.limits import MAX_QUANTITY_CHARS

__all__ = ["UNITS", "Day", "count", "parse_range"]

UNITS = ("月", "天", "日")  # what a range can be counted in: months, or calendar days
_HINT = (
    "写作 开始 + 至/-/— + 结束，如 2023年4月至2024年2月、2021.01.01—2021.12.31、"
    "2021年1月1日至12月31日"
)
# One date: 2023年4月[1日] or 2023.04[.01] / 2023/04[/01]; the end may be 12月[31日] alone.
_CJK = r"(?P<{p}y>\d{{4}})\s*年\s*(?P<{p}m>\d{{1,2}})\s*月(?:\s*(?P<{p}d>\d{{1,2}})\s*日)?"
_DOT = (
    r"(?P<{p}y>\d{{4}})\s*(?P<{p}s>[./])\s*(?P<{p}m>\d{{1,2}})"
    r"(?:\s*(?P={p}s)\s*(?P<{p}d>\d{{1,2}}))?"
)
_NOYEAR = r"(?P<{p}m>\d{{1,2}})\s*月(?:\s*(?P<{p}d>\d{{1,2}})\s*日)?"
_SEP = r"\s*(?:至|到|~|～|-|－|–|―|—+)\s*"


def _alternatives(prefix: str, *patterns: str) -> list[re.Pattern[str]]:
    return [re.compile(p.format(p=prefix)) for p in patterns]


_STARTS = _alternatives("a", _CJK, _DOT)
_ENDS = _alternatives("b", _CJK, _DOT, _NOYEAR)
_SEP_RE = re.compile(_SEP)


@dataclass(frozen=True, slots=True, order=True)
class Day:
    """A date, or a month when `day` is None."""

    year: int
    month: int
    day: int | None = None


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _day_number(year: int, month: int, day: int) -> int:
    """Days since 0000-03-01 (a year counted from March puts the leap day last)."""
    y = year - (1 if month < 3 else 0)
    m = month + (9 if month < 3 else -3)  # March = 0 … February = 11
    return 365 * y + y // 4 - y // 100 + y // 400 + (153 * m + 2) // 5 + day - 1


def _error(text: str, message: str, hint: str = _HINT, column: int = 0) -> CesuanError:
    return CesuanError(ErrorKind.QUANTITY_SYNTAX, message, text=text, column=column, hint=hint)


def _date(m: re.Match[str], p: str, year: int | None, text: str) -> Day:
    groups = m.groupdict()
    y = int(groups[f"{p}y"]) if groups.get(f"{p}y") else year
    assert y is not None  # only the end may leave out its year, and the start gives it
    month = int(groups[f"{p}m"])
    d = groups.get(f"{p}d")
    written = m.group(0).strip()
    if not 1 <= month <= 12:
        raise _error(text, f"日期 '{written}' 的月份 {month} 不存在", "月份为 1–12")
    if d is not None and not 1 <= int(d) <= _days_in_month(y, month):
        raise _error(
            text,
            f"日期 '{written}' 不存在",
            f"{y}年{month}月只有 {_days_in_month(y, month)} 天",
        )
    return Day(y, month, int(d) if d is not None else None)


def _match(patterns: list[re.Pattern[str]], text: str, at: int) -> re.Match[str] | None:
    for pattern in patterns:
        m = pattern.match(text, at)
        if m is not None:
            return m
    return None


def parse_range(text: str) -> tuple[Day, Day]:
    """The start and end of a date range; both months, or both days."""
    if len(text) > MAX_QUANTITY_CHARS:
        raise _error(text[:MAX_QUANTITY_CHARS], f"日期区间超过 {MAX_QUANTITY_CHARS} 个字符")
    s = text.strip()
    start_m = _match(_STARTS, s, 0)
    sep = _SEP_RE.match(s, start_m.end()) if start_m else None
    end_m = _match(_ENDS, s, sep.end()) if sep else None
    if start_m is None or sep is None or end_m is None or end_m.end() != len(s):
        last = end_m or sep or start_m  # how far the text was understood
        raise _error(text, f"日期区间 '{text}' 读不懂", column=last.end() if last else 0)
    start = _date(start_m, "a", None, text)
    end = _date(end_m, "b", start.year, text)
    if (start.day is None) != (end.day is None):
        raise _error(
            text,
            f"日期区间 '{text}' 一端写到日、一端只写到月",
            "两端写到同一精度：2023年4月至2024年2月，或 2023年4月1日至2024年2月29日",
        )
    if end < start:
        raise _error(
            text,
            f"日期区间 '{text}' 的结束早于开始",
            "检查年份：跨年的区间结束处要写年份，如 2023年11月至2024年2月",
            column=end_m.start(),
        )
    return start, end


def count(text: str, unit: str) -> int:
    """How many months (`月`) or calendar days (`天`/`日`) the range covers, both ends included."""
    start, end = parse_range(text)
    if unit not in UNITS:
        raise _error(unit, f"日期区间只能按 月 或 天 计，不能按 '{unit}' 计", "count 写 月 或 天")
    if unit == "月":
        if start.day is not None and end.day is not None:
            whole = start.day == 1 and end.day == _days_in_month(end.year, end.month)
            if not whole:
                raise _error(
                    text,
                    f"日期区间 '{text}' 不是整月，不能按月计",
                    "按天计（count: 天），或在案例中写明按几个月计",
                )
        return (end.year - start.year) * 12 + end.month - start.month + 1
    first = _day_number(start.year, start.month, start.day or 1)
    last_day = end.day or _days_in_month(end.year, end.month)
    return _day_number(end.year, end.month, last_day) - first + 1
