"""Bounds as forms write them: "≤65 万元", "不超过30万元", "95%以上", "5万余名", "10~20 人".

What it does: reads the bound words real forms put before or after a quantity — ceilings
(不超过 不高于 不多于 不大于 最高 最多 ≤ <= ≦ ⩽ 以内 以下) and floors (不低于 不少于 不小于
至少 最低 最少 ≥ >= ≧ ⩾ 以上, and 余 after the number: "5万余名") — and a range "a~b"/"a至b",
and returns a `Bound`: its kind (at_most, at_least, between), the exact `Quantity` of each end
as written and the text as written. Everything between the bound words is read by
cesuan.quantity, so a bound's number means exactly what it means without the words. Every bound
includes its end ("不超过30万元" allows 30 万元): strict words (<, >, 小于, 超过, 低于 …) are
refused, since reading them as inclusive would silently change what the form says.
What it must not do: guess a bound from words it does not list, drop any text, or use float.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from cesuan import exact
from cesuan.errors import CesuanError, ErrorKind
from cesuan.quantity import Quantity, parse_quantity
from cesuan.units import Unit

__all__ = ["Bound", "BoundKind", "is_bounded", "parse_bound", "parse_value", "range_words"]

BoundKind = Literal["at_most", "at_least", "between"]

# Longest first where one word starts another (不超过 before 超过).
_PREFIX: tuple[tuple[str, BoundKind], ...] = (
    ("小于等于", "at_most"),
    ("大于等于", "at_least"),
    ("不超过", "at_most"),
    ("不高于", "at_most"),
    ("不多于", "at_most"),
    ("不大于", "at_most"),
    ("不低于", "at_least"),
    ("不少于", "at_least"),
    ("不小于", "at_least"),
    ("最高", "at_most"),
    ("最多", "at_most"),
    ("至少", "at_least"),
    ("最低", "at_least"),
    ("最少", "at_least"),
    ("<=", "at_most"),
    ("＜＝", "at_most"),
    (">=", "at_least"),
    ("＞＝", "at_least"),
    ("≤", "at_most"),
    ("≦", "at_most"),
    ("⩽", "at_most"),
    ("≥", "at_least"),
    ("≧", "at_least"),
    ("⩾", "at_least"),
)
_SUFFIX: tuple[tuple[str, BoundKind], ...] = (
    ("以内", "at_most"),
    ("以下", "at_most"),
    ("以上", "at_least"),
)
_STRICT = ("<", ">", "＜", "＞", "小于", "大于", "超过", "低于", "高于", "少于", "多于", "不足")
_RANGE = ("~", "～", "至")
_MARKS = tuple(w for w, _ in _PREFIX + _SUFFIX) + _STRICT + _RANGE + ("余",)

ZH: dict[BoundKind, str] = {"at_most": "不超过", "at_least": "不低于", "between": "介于"}


@dataclass(frozen=True, slots=True)
class Bound:
    """A bound as written: `lo`/`hi` the exact ends (None where the side is open), `text` the
    text as the case writes it. `point` is the end that carries the unit (the written number).

    >>> b = parse_bound("≤65 万元")
    >>> b.kind, str(b.hi), b.lo, b.zh()
    ('at_most', '65 万元', None, '不超过65万元')
    >>> parse_bound("5万余名").zh()
    '不低于50000名'
    >>> parse_bound("≤65 万元").words, parse_bound("95%以上").words
    ('不超过65万元', '不低于95%')
    """

    kind: BoundKind
    lo: Quantity | None
    hi: Quantity | None
    text: str
    # The bound in the forms' words, its number as the case writes it: ≤65 万元 → 不超过65万元,
    # 95%以上 → 不低于95%, 5万余名 stays 5万余名, 10~20 人 → 10人至20人 (for the 测算依据).
    words: str = ""

    @property
    def point(self) -> Quantity:
        q = self.hi if self.hi is not None else self.lo
        assert q is not None
        return q

    def ends(self, unit: Unit) -> tuple[Fraction | None, Fraction | None]:
        """The range the bound allows, in `unit` (None: open). A ceiling N ≥ 0 starts at 0
        (amounts, counts and shares on forms are not negative: "≤30 人" is [0, 30]); a
        negative ceiling and a floor are open on the other side. A case that means another
        lower end writes a range ("10~30 人")."""
        lo = None if self.lo is None else _in(self.lo, unit)
        hi = None if self.hi is None else _in(self.hi, unit)
        if self.kind == "at_most" and hi is not None and hi >= 0:
            lo = Fraction(0)
        return lo, hi

    def zh(self) -> str:
        """The bound the way forms say it (`range_words`): 不超过65万元, 不低于95%, 10人至20人."""
        unit = self.point.unit
        lo = None if self.lo is None else _in(self.lo, unit)
        hi = None if self.hi is None else _in(self.hi, unit)
        return range_words(lo, hi, unit)


def _in(q: Quantity, unit: Unit) -> Fraction:
    return exact.to_fraction(q.unit.convert(q.magnitude, unit))


def range_words(
    lo: Fraction | None,
    hi: Fraction | None,
    unit: Unit,
    places: int | None = None,
    *,
    percent: bool | None = None,
) -> str:
    """The one way a bound or a range is written for people (calc, CSV, compare, explain's
    amounts, audit), in the forms' words, no spaces, the unit after each number: a point as the
    amount, else 不超过30万元, 不低于95%, 8万元至17.6万元. `lo`/`hi` are exact, in `unit`, None
    where open. `percent` (by default: for a dimensionless unit) writes a share as forms do (95%).

    [0, N] is 不超过N: a ceiling N ≥ 0 is read as [0, N] (`Bound.ends`), so the words read back
    as the same range. A range names its unit at both ends, as the forms write one (97%-100%,
    never 97-100%). A negative end has the minus sign −. An end whose decimals do not terminate
    is written 约…, rounded half-up to `places` (else 6).

    >>> from cesuan.units import parse_unit
    >>> u = parse_unit("万元")
    >>> range_words(Fraction(0), Fraction(48, 5), u), range_words(Fraction(8), Fraction(88, 5), u)
    ('不超过9.6万元', '8万元至17.6万元')
    >>> range_words(Fraction(50), None, parse_unit("个")), range_words(None, Fraction(-1), u)
    ('不低于50个', '不超过−1万元')
    >>> range_words(Fraction(97, 100), Fraction(1), parse_bound("≥95%").point.unit)
    '97%至100%'
    """
    if lo is not None and lo == hi:
        return _end(lo, unit, places, percent)
    if lo == 0 and hi is not None and hi > 0:
        lo = None  # [0, N] is what 不超过N means
    if lo is None and hi is None:
        return "无法确定范围（无界）"
    if lo is None:
        assert hi is not None
        return "不超过" + _end(hi, unit, places, percent)
    if hi is None:
        return "不低于" + _end(lo, unit, places, percent)
    return _end(lo, unit, places, percent) + "至" + _end(hi, unit, places, percent)


def _end(x: Fraction, unit: Unit, places: int | None, percent: bool | None) -> str:
    """One end: its number (exact, else 约 and rounded to `places` decimals as written, in
    percent for a share) and its unit, without a space."""
    # A share (a bare ratio) is written in percent; a named dimensionless unit (百分点) keeps
    # its name, never ×100 again: 5 百分点 is 不超过5百分点, not 不超过500%.
    if not unit.text and (unit.dimensionless if percent is None else percent):
        x, word = x * 100, "%"
    else:
        word = unit.text
    if exact.is_terminating(x):
        text = exact.format_exact(exact.to_decimal(x))
    else:
        text = "约" + exact.format_exact(exact.round_half_up(x, 6 if places is None else places))
    return exact.minus_sign(text) + word


def is_bounded(text: str) -> bool:
    """Whether quantity text carries a bound word (cheap: the usual text has none)."""
    return any(m in text for m in _MARKS)


def parse_value(text: str) -> tuple[Quantity, Bound | None]:
    """Quantity text, with or without a bound: (the written number, the bound or None)."""
    if not is_bounded(text):
        return parse_quantity(text), None
    b = parse_bound(text)
    return b.point, b


def parse_bound(text: str) -> Bound:
    """Read a bound; CesuanError (quantity_syntax) naming the column where it is wrong.

    >>> str(parse_bound("不超过30万元").hi), str(parse_bound("95%以上").lo)
    ('30 万元', '0.95')
    >>> b = parse_bound("10~20 人")
    >>> str(b.lo), str(b.hi)
    ('10 人', '20 人')
    >>> parse_bound("<65 万元")
    Traceback (most recent call last):
    ...
    cesuan.errors.CesuanError: 不支持严格的不等关系 '<'
      <65 万元
      ^
    提示：界限都含端点：写作 ≤ 或 ≥，如 '≤65 万元'、'不低于 95%'
    """
    s = text.strip()
    start = len(text) - len(text.lstrip())
    kind: BoundKind | None = None
    for word, k in _PREFIX:
        if s.startswith(word):
            kind, s, start = k, s[len(word) :], start + len(word)
            break
    for word, k in _SUFFIX:
        if s.rstrip().endswith(word):
            if kind is not None:
                raise _error(f"界限写了两次：'{text.strip()}'", text, start)
            kind, s = k, s.rstrip()[: -len(word)]
            break
    _refuse_strict(text)
    if kind is None and "余" in s:
        return _more_than(text, s, start)
    if kind is None:
        return _between(text, s, start)
    q = _quantity(s, text, start)
    lo, hi = (q, None) if kind == "at_least" else (None, q)
    return Bound(kind, lo, hi, text, ZH[kind] + "".join(s.split()))


def _refuse_strict(text: str) -> None:
    rest = text
    for word, _ in _PREFIX + _SUFFIX:
        rest = rest.replace(word, " " * len(word))  # keep columns
    for word in _STRICT:
        col = rest.find(word)
        if col >= 0:
            raise CesuanError(
                ErrorKind.QUANTITY_SYNTAX,
                f"不支持严格的不等关系 '{word}'",
                text=text,
                column=col,
                hint="界限都含端点：写作 ≤ 或 ≥，如 '≤65 万元'、'不低于 95%'",
            )


def _more_than(text: str, s: str, start: int) -> Bound:
    """ "5万余名": at least 5万 名 (余 follows the number and its 万/亿)."""
    k = s.index("余")
    before = s[:k].rstrip()
    if not before or not (before[-1].isdigit() or before[-1] in "万亿萬億"):
        raise _error("'余' 应紧跟在数字之后，如 '5万余名'", text, start + k)
    q = _quantity(before + " " + s[k + 1 :].lstrip(), text, start)
    return Bound("at_least", q, None, text, "".join(text.split()))


def _between(text: str, s: str, start: int) -> Bound:
    for mark in _RANGE:
        k = s.find(mark)
        if k < 0:
            continue
        hi = _quantity(s[k + 1 :], text, start + k + 1)
        left = s[:k].strip()
        try:
            lo = parse_quantity(left)
        except CesuanError:
            lo = None
        if lo is None or (lo.unit.dimensionless and not hi.unit.dimensionless):
            # "10~20 人": the lower end in the upper end's unit, which the words then name at
            # both ends as forms write a range (10人至20人, as 97%-100%).
            left = f"{left}{hi.unit.text}"
            lo = _quantity(left, text, start)
        elif _percent(s[k + 1 :]) and not _percent(left) and lo.unit.dimensionless:
            # "97~100%": a share's sign is not a unit, but it is shared the same way (97%至100%),
            # never 97 (that is 9700%) to 100%.
            left = f"{left}{_percent(s[k + 1 :])}"
            lo = _quantity(left, text, start)
        if lo.unit.dims != hi.unit.dims:
            raise _error(f"区间两端的单位不同：{lo.unit.text} 与 {hi.unit.text}", text, start)
        if exact.to_fraction(lo.root()) > exact.to_fraction(hi.root()):
            raise _error("区间的下端大于上端", text, start)
        return Bound("between", lo, hi, text, "".join(f"{left}至{s[k + 1 :]}".split()))
    raise _error("没有可识别的界限词", text, start)


def _percent(s: str) -> str:
    """The percent sign ('%' or '％') a quantity's text ends with, or ''."""
    end = s.strip()[-1:]
    return end if end in ("%", "％") else ""


def _quantity(s: str, text: str, start: int) -> Quantity:
    try:
        return parse_quantity(s)
    except CesuanError as e:
        if e.column is not None:
            e.column += start
        e.text = text
        raise


def _error(msg: str, text: str, col: int) -> CesuanError:
    return CesuanError(
        ErrorKind.QUANTITY_SYNTAX,
        msg,
        text=text,
        column=col,
        hint="界限写作 '≤65 万元'、'不超过30万元'、'≥95%'、'95%以上'、'5万余名'、'10~20 人'",
    )
