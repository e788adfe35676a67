"""Stale quotes: a value whose quote no longer contains its number.

What it does: for every input and stated amount that has quotes, reads the number of the value
(through the quantity grammar) and the number-like tokens of each quote (`8369.34`, `8,369.34`,
`502.1604万`, `98%`, full-width digits), and reports a quote that holds a token *of the same
kind* but none equal to the value. After a copy-edit (8369.34 → 8500 with the quote left as it
was) the quote vouches for a number the case no longer uses; this says so.

The rule, chosen against false alarms (a quote may say the number another way):
- The value `v` is its magnitude with a leading 万/亿 of its first unit moved into the number
  (`502.1604 万元` is 5021604 of kind 元); its kind is the first unit name (元, 平方米, 月, 条;
  none for a bare number or a percentage).
- A quote token is the number with its 万/亿 and % (`502.1604万` = 5021604, `98%` = 0.98). It is
  of the same kind when the text right after it (past spaces and a measure word 个) begins with
  the value's kind, or with no word at all (`61万，` — a bare number could be anything).
  A token followed by another word (`1200元` for a value in 月) counts for nothing, and so does
  a month in a date (`2023年1月`).
- A quote is stale when it has at least one same-kind token and no same-kind token equals `v`
  exactly. A quote without digits (`全年`, `每月至少两次`) is never stale: it says the number in
  words, or states an assumption.
What it must not do: change, evaluate or reconcile anything; read files; use float. It reports
warnings only: a stale quote is a question for the author, not a wrong amount.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from cesuan import exact
from cesuan.errors import CesuanError
from cesuan.model import Case
from cesuan.quantity import parse_quantity

__all__ = ["StaleQuote", "stale_quotes"]

_WIDE = str.maketrans("０１２３４５６７８９．，％", "0123456789.,%")
# A number as forms write it: grouping commas, decimals, then 万/亿 and a percent sign.
_TOKEN = re.compile(r"(?<![0-9.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(万|亿)?\s*(%)?")
_SCALE = {"万": 10_000, "亿": 100_000_000}
_YEAR_BEFORE = re.compile(r"\d年$")  # 2023年1月: a month of a date


@dataclass(frozen=True, slots=True)
class StaleQuote:
    """A quote that no longer contains its value's number (`field`: `inputs.area`, `stated`)."""

    line_id: str
    field: str
    value: str
    quote: str

    def message(self) -> str:
        """The warning in Chinese, the way the audit prints it."""
        return f"引文中没有 {self.value} 这个数：“{self.quote}”（引文可能已过时）"


def stale_quotes(case: Case) -> list[StaleQuote]:
    """Every quote of an input or a stated amount that no longer contains its number.

    >>> from cesuan.model import Case
    >>> case = Case.model_validate({"case": "c", "title": "t", "lines": [
    ...     {"id": "rent", "label": "租金", "formula": "area * 2 元/平方米", "inputs": {
    ...      "area": {"value": "8500 平方米", "quote": "大厅面积8,369.34平方米"}},
    ...      "stated": {"value": "1.7 万元", "quote": "租金1.7万元"}}]})
    >>> [(s.line_id, s.field, s.value) for s in stale_quotes(case)]
    [('rent', 'inputs.area', '8500 平方米')]
    """
    out: list[StaleQuote] = []
    for line in case.lines:
        places = [(f"inputs.{k}", v.value, v.quote) for k, v in line.inputs.items()]
        if line.stated is not None:
            places.append(("stated", line.stated.value, line.stated.quote))
        places += [
            (f"stated[{j}]", also.value, also.quote) for j, also in enumerate(line.stated_also, 1)
        ]
        for field, value, quotes in places:
            if value is None or not quotes:
                continue
            forms = _value_number(value)
            if forms is None:
                continue
            out += [StaleQuote(line.id, field, value, q) for q in quotes if _is_stale(forms, q)]
    return out


def _value_number(text: str) -> tuple[set[Fraction], set[str], str] | None:
    """The numbers a value may be written as (as in the case, and with its 万/亿 moved into the
    number), their texts, and the value's kind; None when the text does not parse (the plan
    reports that where it is)."""
    try:
        q = parse_quantity(text)
    except CesuanError:
        return None
    written = exact.to_fraction(q.magnitude)
    kind = q.unit.terms[0][0] if q.unit.terms else ""
    numbers = {written}
    if len(kind) > 1 and kind[0] in _SCALE:
        numbers.add(written * _SCALE[kind[0]])
        kind = kind[1:]
    texts = {_plain(n) for n in numbers}
    texts |= {f"{n.numerator:,}" for n in numbers if n.denominator == 1}
    head = _TOKEN.match(text.strip().translate(_WIDE))
    if head:  # the number as the case writes it: 100.00%, 30万, 8,369.34
        texts.add(head.group(0).replace(" ", ""))
    return numbers, texts, kind


def _tokens(quote: str, kind: str) -> list[Fraction]:
    """The same-kind numbers of a quote (see the module docstring for the rule)."""
    text = quote.translate(_WIDE)
    found = []
    for m in _TOKEN.finditer(text):
        whole, frac, scale, percent = m.groups()
        n = Fraction(whole.replace(",", "") + (frac or ""))
        n *= _SCALE[scale] if scale else 1
        n /= 100 if percent else 1
        after = text[m.end() :].lstrip()
        after = after[1:] if after.startswith("个") else after
        if percent:
            same = kind == ""  # a percentage is a bare ratio
        elif not after or not after[0].isalnum():
            same = True  # no word after it: a bare number could be anything
        else:
            same = bool(kind) and after.startswith(kind)
        if kind == "月" and same and _YEAR_BEFORE.search(text, 0, m.start()):
            same = False  # 2023年1月 is a date, not a number of months
        if same:
            found.append(n)
    return found


def _plain(n: Fraction) -> str:
    return exact.format_exact(exact.to_decimal(n)) if exact.is_terminating(n) else str(n)


def _is_stale(forms: tuple[set[Fraction], set[str], str], quote: str) -> bool:
    numbers, texts, kind = forms
    tokens = _tokens(quote, kind)
    if not tokens or not numbers.isdisjoint(tokens):
        return False
    # Cells copied from a table can run together (`年度资金总额:2020` for 20 and 20): a written
    # form of the value inside the quote's digits is not a stale quote either.
    # But 502.16 inside 502.1604 (or 502 inside 502.5) is a rounded or cut number: not the same.
    digits = quote.translate(_WIDE).replace(" ", "")
    return not any(re.search(_inside(t), digits) for t in texts)


def _inside(t: str) -> str:
    return re.escape(t) + r"(?!\.\d)" + (r"(?!\d)" if "." in t else "")
