"""Amounts the way the form writes them: how many decimals each amount is shown with.

What it does: picks a line's display precision — the places of its stated amount (746 万元 → 0,
6.30 万元 → 2, 52.05% → 2 in percent), else a per-unit default (万元 → 2, the usual convention;
a case's own `places` setting over it, `case_places`), else the exact value — and writes the value rounded half-up (四舍五入) to it, trailing zeros kept
(6.3 shown at 2 places is 6.30). For a total that adds up parts it says, the way forms do, when
the shown parts do not add up to the shown total only because each was rounded for display.
Units are written as forms write them in a sentence (`unit_word`: 元/平方米/月, said once).
What it must not do: change any value. Display rounding is for text only: the result, the audit
and the trace (cesuan.provenance) keep the exact value. No float anywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from types import MappingProxyType

from cesuan import exact
from cesuan.errors import CesuanError
from cesuan.evaluation import LineResult, Result
from cesuan.expr.ast import BinOp, Name, Node
from cesuan.figures import percent_line
from cesuan.units import Unit, parse_unit

__all__ = [
    "UNIT_PLACES",
    "Shown",
    "amount_text",
    "case_places",
    "is_percent",
    "line_places",
    "rounding_note",
    "show",
    "show_line",
    "unit_word",
]

# Places an amount is shown with when its line states none, by unit (as `Unit.text` writes it).
# 万元 to two decimals is the convention of the 申报表 (issue 15); other units are shown exactly.
UNIT_PLACES: Mapping[str, int] = MappingProxyType({"万元": 2})


@dataclass(frozen=True, slots=True)
class Shown:
    """A value as shown: its `text` (number only, no unit), and the exact value behind it.

    `places` is None when the value is shown exactly; `percent` when the text is in percent
    (the value 0.5205 shown as 52.05).
    """

    exact: exact.Num
    text: str
    places: int | None
    percent: bool = False

    @property
    def value(self) -> Decimal:
        """The shown number as a Decimal (in percent when `percent`)."""
        return Decimal(self.text)

    @property
    def rounded(self) -> bool:
        """Whether the shown number differs from the exact value."""
        shown = self.value / 100 if self.percent else self.value
        return exact.to_fraction(shown) != exact.to_fraction(self.exact)


def case_places(result: Result, unit_places: Mapping[str, int] = UNIT_PLACES) -> Mapping[str, int]:
    """`unit_places` with the case's own setting (`places: {元: 0}`) over it, keyed by unit text
    as `Unit.text` writes it (`元/平方米/月` and `元/(平方米·月)` are the same key).

    Raises:
        CesuanError: a unit in the case's `places` that is not a unit (field `places`).
    """
    own = result.case.places
    if not own:
        return unit_places
    merged = dict(unit_places)
    for key, n in own.items():
        try:
            merged[parse_unit(key).text] = n
        except CesuanError as e:
            raise CesuanError(
                e.kind,
                f"显示精度 places 中的单位 {key!r}：{e.message}",
                hint=e.hint,
                file=result.case.file,
                field=f"places.{key}",
                text=key,
            ) from None
    return MappingProxyType(merged)


def show(x: exact.Num, places: int | None, *, percent: bool = False) -> Shown:
    """`x` shown at `places` decimals, half-up, trailing zeros kept; exactly when None.

    A non-terminating value shown exactly would be `p/q`; it is given six places with '…'
    appended instead, which is never mistaken for the exact value.

    >>> show(Decimal("120.528"), 2).text, show(Decimal("6.3"), 2).text
    ('120.53', '6.30')
    >>> show(Decimal("0.5205"), 2, percent=True).text, show(Decimal("4.1116"), 0).text
    ('52.05', '4')
    >>> show(Decimal("-2.5"), 0).text, show(Decimal("8369.340"), None).text
    ('-3', '8369.34')
    """
    v = exact.mul(x, Decimal(100)) if percent else x
    if places is None:
        if exact.is_terminating(v):
            return Shown(x, exact.format_exact(v), None, percent)
        return Shown(x, exact.format_exact(exact.round_half_up(v, 6)) + "…", None, percent)
    return Shown(
        x, exact.format_exact(exact.round_half_up(v, places), places=places), places, percent
    )


def is_percent(r: LineResult) -> bool:
    """Whether a line's amounts are shown in percent (a rate the form writes as 52.05%): the
    audit's test (figures.percent_line), so the 测算依据 and the audit always agree."""
    return percent_line(r.planned)


def _pow10(f: exact.Num) -> int | None:
    """k when f is exactly 10^k (k may be negative), else None."""
    fr = exact.to_fraction(f)
    n, d, sign = fr.numerator, fr.denominator, 1
    if n == 1:
        n, sign = d, -1
    elif d != 1:
        return None
    k = 0
    while n % 10 == 0:
        n //= 10
        k += 1
    return sign * k if n == 1 else None


@lru_cache(maxsize=256)
def _shift(frm: Unit, to: Unit) -> int | None:
    # Cached: a case has few pairs of units, and the exact division is the costly part.
    return _pow10(frm.factor / to.factor)


def line_places(r: LineResult, unit_places: Mapping[str, int] = UNIT_PLACES) -> int | None:
    """The decimals a line's amounts are shown with (in percent for a percent line).

    The places of the stated amount as written (not of a stated bound), moved to the line's unit when the stated amount
    is written in another (746 万元 on a line in 元 → 0); else the places of a declared rounding,
    moved likewise; else `unit_places` for the line's unit; else None (shown exactly).
    """
    p = r.planned
    # A stated bound (≤30 万元) is a ceiling, not the amount as the form writes it: no precision.
    if p.stated is not None and p.stated_places is not None and p.stated_bound is None:
        places = p.stated_places
        if is_percent(r):
            return max(0, places - 2)
        k = _shift(p.stated.unit, p.unit)  # stated unit = 10^k line units
        if k is not None:
            return max(0, places - k)
    if p.rounding is not None:
        # A declared rounding says how precise the amount is: round to whole 元 on a line in
        # 万元 is 4 places there.
        places, in_unit, _ = p.rounding
        k = _shift(in_unit, p.unit)
        if k is not None:
            return max(0, places - k)
    return unit_places.get(p.unit.text)


def show_line(r: LineResult, unit_places: Mapping[str, int] = UNIT_PLACES) -> Shown:
    """A line's result (after any declared rounding) at its display precision."""
    return show(r.value, line_places(r, unit_places), percent=is_percent(r))


@lru_cache(maxsize=1024)
def unit_word(unit: Unit, said: str = "") -> str:
    """A unit the way the forms write it in a sentence: `元/平方米/月` (as the forms' `130元/生/月`,
    without the ASCII brackets and middle dot of `Unit.text`), `12个月` for a duration; a
    denominator that `said` (the words just before the amount, when they say 每…) already names
    is not said again: after `每条月租`, 1200 元/(条·月) is `1200元`.

    >>> from cesuan.quantity import parse_quantity
    >>> unit_word(parse_quantity("50 元/(平方米·月)").unit), unit_word(parse_quantity("12 月").unit)
    ('元/平方米/月', '个月')
    >>> unit_word(parse_quantity("1200 元/条/月").unit, "每条月租")
    '元'
    """
    if unit.terms == (("月", 1),):
        return "个月"  # forms write 12个月 rather than 12月 for a duration
    named = "每" in said
    num = tuple((n, e) for n, e in unit.terms if e > 0)
    den = [(n, -e) for n, e in unit.terms if e < 0 and not (named and e == -1 and n in said)]
    top = Unit(num, unit.factor, ()).text if num else ("1" if den else "")
    return "/".join([top, *(Unit((t,), unit.factor, ()).text for t in den)])


def amount_text(r: LineResult, unit_places: Mapping[str, int] = UNIT_PLACES) -> str:
    """A line's result as the form writes it: '120.53万元', '4万元', '52.05%'.

    >>> import cesuan
    >>> res = cesuan.evaluate("cases/jianghan-2023/shenpi-dating.yaml")
    >>> amount_text(res["hall.property"]), str(res["hall.property"].quantity)
    ('120.53万元', '120.528 万元')
    """
    s = show_line(r, unit_places)
    return s.text + ("%" if s.percent else unit_word(r.unit))


def _sum_names(node: Node) -> list[str] | None:
    """The names a pure sum `a + b + c` adds, else None."""
    if isinstance(node, Name):
        return [node.id]
    if isinstance(node, BinOp) and node.op == "+":
        left, right = _sum_names(node.left), _sum_names(node.right)
        if left is not None and right is not None:
            return left + right
    return None


def rounding_note(
    result: Result, line_id: str, unit_places: Mapping[str, int] = UNIT_PLACES
) -> str | None:
    """For a total that adds up other lines: the note forms add when the parts as shown do not
    add up to the total as shown, only because each was rounded for display; else None.

    Only a pure sum of lines in the total's own unit qualifies; there the exact parts add up to
    the exact total by construction, so a difference in what is shown is display rounding.

    Raises:
        KeyError: no such line.
    """
    r = result[line_id]
    p = r.planned
    parts = _sum_names(p.formula.tree) if p.formula is not None else None
    if not parts or len(parts) < 2 or is_percent(r):
        return None
    if any(k not in result for k in parts) or any(
        result[k].unit != r.unit or is_percent(result[k]) for k in parts
    ):
        return None
    total = show_line(r, unit_places)
    shown = [show_line(result[k], unit_places) for k in parts]
    if total.places is None or any(s.places is None for s in shown):
        return None  # an exact amount has no rounding to explain
    added: exact.Num = Decimal(0)
    for s in shown:
        added = exact.add(added, s.value)
    # The parts' sum shown to the total's places is what a reader compares (502.1604 + 81 +
    # 120.53 = 703.6904 reads as 703.69: nothing to explain).
    gap = exact.sub(added, total.value)
    if exact.round_half_up(added, total.places) == total.value:
        return None
    unit = unit_word(r.unit)
    places = max(total.places, *(s.places or 0 for s in shown))
    return (
        f"各分项金额之和为{exact.format_exact(added, places=places)}{unit}，与合计{total.text}{unit}"
        f"相差{exact.format_exact(exact.neg(gap) if gap < 0 else gap, places=places)}{unit}，系四舍五入所致。"
    )
