"""Exact quantities and the quantity-text grammar: "8369.34 平方米", "30万 件", "98%".

What it does: reads a number from its decimal text (grouping commas, 万/亿 multipliers, percent,
full-width forms, Unicode minus) into an exact Decimal, and pairs it with a `Unit`.
What it must not do: use float, use pint's parser, or accept text it does not fully understand.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from cesuan import exact
from cesuan.charset import is_digit, is_name_char, normalise
from cesuan.errors import CesuanError, ErrorKind
from cesuan.limits import MAX_LITERAL_DIGITS, MAX_QUANTITY_CHARS
from cesuan.units import (
    DIMENSIONLESS,
    Unit,
    lookup_name,
    parse_unit,
    parse_unit_at,
    trailing_hint,
)

__all__ = ["Quantity", "parse_quantity", "scan_number"]

_MULTIPLIERS = {"万": 4, "亿": 8, "萬": 4, "億": 8}  # powers of ten (萬/億: traditional forms)
_BOUND_MARKS = "≤≥≦≧⩽⩾"  # read by cesuan.bounds where a bound is allowed
_NON_FINITE = ("nan", "inf", "infinity", "∞", ".nan", ".inf", "-.inf", "+.inf")


@dataclass(frozen=True, slots=True)
class Quantity:
    """An exact magnitude (Decimal or Fraction, never float) with a Unit.

    >>> q = parse_quantity("5021604 元")
    >>> str(q.to("万元"))
    '502.1604 万元'
    """

    magnitude: exact.Num
    unit: Unit

    @property
    def units(self) -> Unit:
        return self.unit

    def root(self) -> exact.Num:
        """Magnitude in root units (元, 米, 年, …)."""
        return exact.mul(self.magnitude, _as_num(self.unit.factor))

    def to(self, unit: str | Unit) -> Quantity:
        """The same amount in another unit of the same dimension, exactly."""
        target = parse_unit(unit) if isinstance(unit, str) else unit
        if target.dims != self.unit.dims:
            raise CesuanError(
                ErrorKind.DIMENSION_MISMATCH,
                f"不能把 {self.unit.text or '无量纲'} 换算为 {target.text or '无量纲'}",
                hint=f"两者量纲不同：{self.unit.dims_text()} 与 {target.dims_text()}",
            )
        return Quantity(exact.div(self.root(), _as_num(target.factor)), target)

    def __str__(self) -> str:
        m = exact.format_exact(self.magnitude)
        return f"{m} {self.unit.text}" if self.unit.terms else m


def _as_num(f: Fraction) -> exact.Num:
    return Decimal(f.numerator) if f.denominator == 1 else f


def _syntax(msg: str, text: str, col: int, hint: str | None = None) -> CesuanError:
    return CesuanError(ErrorKind.QUANTITY_SYNTAX, msg, text=text, column=col, hint=hint)


def scan_number(text: str, pos: int, *, grouping: bool) -> tuple[Decimal, int]:
    """Read an unsigned number at `pos` of normalised text: digits, optional grouping commas
    (only when `grouping`), a fraction, then an optional 万/亿 multiplier or %.

    Returns the exact value and the end position. The caller has checked that a digit or '.'
    starts at `pos`.
    """
    i = pos
    n = len(text)
    groups = []
    start = i
    while i < n and is_digit(text[i]):
        i += 1
    if grouping and i < n and text[i] == ",":
        # 1,200 or 12,345,678: first group 1-3 digits, then groups of exactly 3.
        groups.append(text[start:i])
        while i < n and text[i] == ",":
            j = i + 1
            k = j
            while k < n and is_digit(text[k]):
                k += 1
            if k - j != 3 or not (1 <= len(groups[0]) <= 3):
                raise _syntax(
                    "千位分隔符 ',' 的位置不对",
                    text,
                    i,
                    "每三位一组，例如 1,200 或 12,345.6；或者不写分隔符",
                )
            groups.append(text[j:k])
            i = k
    int_part = "".join(groups) if groups else text[start:i]
    frac = ""
    if i < n and text[i] == ".":
        j = i + 1
        while j < n and is_digit(text[j]):
            j += 1
        frac = text[i + 1 : j]
        if not frac and not int_part:
            raise _syntax("'.' 前后都没有数字", text, i)
        i = j
    if i < n and text[i] == "，":
        raise _syntax(
            "数字中不能用全角逗号 '，'", text, i, "千位分隔请用半角 ','（如 1,200），或者不写分隔符"
        )
    digits = (int_part + frac).lstrip("0")
    if len(digits) > MAX_LITERAL_DIGITS:
        raise CesuanError(
            ErrorKind.MAGNITUDE, f"数字位数超过上限 {MAX_LITERAL_DIGITS} 位", text=text, column=pos
        )
    value = Decimal(f"{int_part or '0'}.{frac}" if frac else int_part or "0")
    if i < n and text[i] in "eE" and i + 1 < n and (is_digit(text[i + 1]) or text[i + 1] in "+-"):
        raise _syntax("不支持科学计数法", text, i, "请写出完整数字，例如 100000 或 10万")
    if i < n and text[i] == "%":
        return exact.scale10(value, -2), i + 1
    if i < n and text[i] in _MULTIPLIERS:
        # "30万元" is 30 万元 (a unit), "30万 件" is 300000 件 (a multiplier).
        end = i
        while end < n and is_name_char(text[end]):
            end += 1
        if lookup_name(text[i:end]) is None:
            return exact.scale10(value, _MULTIPLIERS[text[i]]), i + 1
    return value, i


def parse_quantity(text: str) -> Quantity:
    """Parse quantity text into an exact Quantity.

    Raises CesuanError naming the offending character or unit.

    >>> str(parse_quantity("30万 件"))
    '300000 件'
    >>> parse_quantity("98%").magnitude
    Decimal('0.98')
    >>> str(parse_quantity("−5 元"))
    '-5 元'
    >>> str(parse_quantity("１，２００ 元"))
    Traceback (most recent call last):
    ...
    cesuan.errors.CesuanError: 数字中不能用全角逗号 '，'
      １，２００ 元
        ^
    提示：千位分隔请用半角 ','（如 1,200），或者不写分隔符
    """
    if not isinstance(text, str):
        raise CesuanError(ErrorKind.QUANTITY_SYNTAX, f"数量应为文本，却是 {type(text).__name__}")
    if len(text) > MAX_QUANTITY_CHARS:
        raise CesuanError(
            ErrorKind.SIZE_LIMIT, f"数量文本超过 {MAX_QUANTITY_CHARS} 个字符", text=text[:40] + "…"
        )
    bare = text.strip().lower()
    if bare in _NON_FINITE or (bare[:1] in ("+", "-", "−") and bare[1:].strip() in _NON_FINITE):
        raise CesuanError(
            ErrorKind.NON_FINITE,
            f"'{text.strip()}' 不是有限的数",
            text=text,
            hint="金额和数量必须是确定的有限数字",
        )
    try:
        norm = normalise(text, what="数量")
    except CesuanError as e:
        if e.column is not None and text[e.column : e.column + 1] in _BOUND_MARKS:
            # Not a stray character: a bound, which only some fields take (issue 11).
            e.hint = "这里只能写一个数；界限写在输入、行或申报数的 value 中，如 stated: ≤65 万元"
        raise
    try:
        return _parse(norm)
    except CesuanError as e:
        e.text = text
        raise


def _parse(s: str) -> Quantity:
    i, n = 0, len(s)
    while i < n and s[i] == " ":
        i += 1
    sign = 1
    if i < n and s[i] in "+-":
        sign = -1 if s[i] == "-" else 1
        i += 1
        while i < n and s[i] == " ":
            i += 1
    if i >= n or not (is_digit(s[i]) or s[i] == "."):
        if i < n and is_name_char(s[i]):
            raise _syntax("数量应以数字开头", s, i, "例如 '12 月'、'8369.34 平方米'")
        what = f"'{s[i]}'" if i < n else "结尾"
        raise _syntax(f"此处应为数字，却是 {what}", s, i)
    value, i = scan_number(s, i, grouping=True)
    percent = s[i - 1] == "%"
    while i < n and s[i] == " ":
        i += 1
    unit = DIMENSIONLESS
    if i < n:
        if percent:
            # As in formulas: "3%元" is not a quantity (0.03 元 would be a silent guess).
            raise _syntax("百分数后不能再跟单位", s, i, "比例写作 98%，金额写作 30 万元")
        if not (is_name_char(s[i]) or s[i] in "(㎡"):
            raise _syntax(
                f"数字后不能出现 '{s[i]}'",
                s,
                i,
                "数量写作 数字 + 单位，如 '50 元/(平方米·月)'；计算请写在 formula 里",
            )
        at = i
        unit, i = parse_unit_at(s, i, in_formula=False)
        rest = s[i:].rstrip(" ")
        if rest:
            raise _syntax(f"单位后有多余的 '{rest}'", s, i, trailing_hint(s[at:i], rest))
    mag: exact.Num = value if sign > 0 else exact.neg(value)
    return Quantity(mag, unit)
