"""Units: the one pint registry, the exact `Unit` value, and our own unit-text grammar.

What it does: builds a pint registry once per process from `units.txt` (our definitions, not
pint's list), asks it for the exact root factor and dimension of each *single* unit name, and
combines names with our own grammar: `元/(平方米·月)`, `元/平方米/月`, `元/人/天`, `m²`.
What it must not do: hand user text to pint's string parser (pint reads `元/平方米·月` as
元·月/平方米 and `6÷3` as 18), use floats, or keep pint in the evaluation loop. A `Unit` is plain
data — names with exponents, an exact factor and a dimension — so evaluation only multiplies
Fractions.

>>> u = parse_unit("元/(平方米·月)")
>>> u.text, u.factor
('元/(平方米·月)', Fraction(12, 1))
>>> parse_unit("万元").factor
Fraction(10000, 1)
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass
from fractions import Fraction
from importlib import resources
from typing import TYPE_CHECKING, Any

from cesuan import exact
from cesuan.charset import is_digit, is_name_char, normalise
from cesuan.errors import CesuanError, ErrorKind

if TYPE_CHECKING:
    pass

__all__ = [
    "DIMENSIONLESS",
    "Unit",
    "parse_unit",
    "parse_unit_at",
    "registry",
    "trailing_hint",
    "unit_names",
]

Dims = tuple[tuple[str, int], ...]

_SUPERSCRIPTS = {"²": 2, "³": 3}
_SYMBOLS = {"㎡": "平方米"}


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit as written (`terms`), with its exact factor to root units and its dimension.

    Two units are interchangeable when their `dims` are equal; a magnitude in this unit times
    `factor` is the magnitude in root units (元, 米, 年, 天 and one root per counted unit).
    """

    terms: tuple[tuple[str, int], ...]
    factor: Fraction
    dims: Dims

    @property
    def dimensionless(self) -> bool:
        return not self.dims

    @property
    def text(self) -> str:
        """The unit the way forms write it: 元/(平方米·月), 万元/年, 平方米."""
        num = [_power(n, e) for n, e in self.terms if e > 0]
        den = [_power(n, -e) for n, e in self.terms if e < 0]
        top = "·".join(num) if num else ("1" if den else "")
        if not den:
            return top
        bottom = den[0] if len(den) == 1 else "(" + "·".join(den) + ")"
        return f"{top}/{bottom}"

    def __str__(self) -> str:
        return self.text

    def __mul__(self, other: Unit) -> Unit:
        return Unit(
            _merge(self.terms, other.terms, 1),
            self.factor * other.factor,
            _merge_dims(self.dims, other.dims, 1),
        )

    def __truediv__(self, other: Unit) -> Unit:
        return Unit(
            _merge(self.terms, other.terms, -1),
            self.factor / other.factor,
            _merge_dims(self.dims, other.dims, -1),
        )

    def __pow__(self, n: int) -> Unit:
        return Unit(
            tuple((t, e * n) for t, e in self.terms),
            self.factor**n,
            tuple((d, e * n) for d, e in self.dims),
        )

    def factor_to(self, other: Unit) -> Fraction:
        """The exact factor from a magnitude in this unit to one in `other` (same dimension):
        万元 → 元 is 10000. The one place a unit conversion factor is worked out."""
        return self.factor / other.factor

    def convert(self, magnitude: exact.Num, to: Unit) -> exact.Num:
        """A magnitude in this unit as a magnitude in `to` (same dimension), exactly."""
        return exact.times(magnitude, self.factor_to(to))

    def dims_text(self) -> str:
        """The dimension in root units, for messages: 元/年, 米², 件."""
        return Unit(self.dims, Fraction(1), self.dims).text or "无量纲"


DIMENSIONLESS = Unit((), Fraction(1), ())


def _power(name: str, e: int) -> str:
    if e == 1:
        return name
    return name + {2: "²", 3: "³"}.get(e, f"^{e}")


def _merge(
    a: tuple[tuple[str, int], ...], b: tuple[tuple[str, int], ...], sign: int
) -> tuple[tuple[str, int], ...]:
    """Combine written terms, cancelling equal units even when spelled differently
    (平方米 · 元/(平米·月) · 12 个月 → 元); the first spelling seen is kept. A name that is
    exactly a power of a root unit counts as that power, so m² cancels 平方米 (米² both)."""
    canon = canonical_names()
    out: dict[str, int] = {}
    spelling: dict[str, str] = {}
    root_total: dict[str, int] = {}
    for n, e in (*a, *((n, sign * e) for n, e in b)):
        c = canon.get(n, n)
        spelling.setdefault(c, n)
        out[c] = out.get(c, 0) + e
        root, k = _root_power(c)
        root_total[root] = root_total.get(root, 0) + k * e
    return tuple((spelling[c], e) for c, e in out.items() if e and root_total[_root_power(c)[0]])


def _root_power(name: str) -> tuple[str, int]:
    """(root, k) when `name` is exactly root**k (平方米 → (米, 2), m → (米, 1)); else (name, 1).
    Only factor-1 powers: 平方公里 is 10⁶ 米², so it must not cancel 平方米."""
    u = lookup_name(name)
    if u is not None and u.factor == 1 and len(u.dims) == 1:
        return u.dims[0]
    return name, 1


def _merge_dims(a: Dims, b: Dims, sign: int) -> Dims:
    out: dict[str, int] = dict(a)
    for n, e in b:
        out[n] = out.get(n, 0) + sign * e
    return tuple(sorted((n, e) for n, e in out.items() if e))


@functools.cache
def registry() -> Any:
    """The process's one pint registry, from units.txt, exact (Fraction) factors."""
    import pint

    text = resources.files("cesuan").joinpath("units.txt").read_text(encoding="utf-8")
    reg: Any = pint.UnitRegistry(
        None, non_int_type=Fraction, autoconvert_offset_to_baseunit=False, cache_folder=None
    )
    reg.load_definitions(text.splitlines())
    return reg


@functools.cache
def canonical_names() -> dict[str, str]:
    """Every unit name and alias units.txt defines → the name it is defined under
    (月 → 月, 个月 → 月, 平米 → 平方米, ㎡ → 平方米)."""
    text = resources.files("cesuan").joinpath("units.txt").read_text(encoding="utf-8")
    out: dict[str, str] = dict(_SYMBOLS)
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if "=" not in line:
            continue
        first, *rest = (p.strip() for p in line.split("="))
        out[first] = first
        # Aliases follow the definition: "月 = 年 / 12 = 个月" → 个月.
        out.update((p, first) for p in rest[1:] if p and all(is_name_char(c) for c in p))
    return out


@functools.cache
def unit_names() -> frozenset[str]:
    """Every unit name and alias that units.txt defines (used for lookups and suggestions)."""
    return frozenset(canonical_names())


@functools.cache
def _name_unit(name: str) -> Unit:
    """The Unit of one defined name; raises KeyError for an unknown one."""
    if name not in unit_names():
        raise KeyError(name)
    reg: Any = registry()
    # pint's own parser rewrites some symbols (㎡, ²), so ask it only for our plain names.
    factor, root = reg.get_root_units(getattr(reg, _SYMBOLS.get(name, name)))
    dims = tuple(sorted((str(n), int(e)) for n, e in root._units.items()))
    return Unit(((name, 1),), Fraction(factor), dims)


def lookup_name(name: str) -> Unit | None:
    """The Unit for a bare name, or None if it is not a unit."""
    try:
        return _name_unit(name)
    except KeyError:
        return None


# Characters that scale a unit: a name made of one of these and a known unit ('拾元', '兆元')
# is a unit of another scale, never a typo of that unit or of one of its other scales.
_MULTIPLIER_CHARS = frozenset("十拾百佰千仟万萬亿億兆")


def _base_suffix(name: str) -> Unit | None:
    """The unit of the longest defined name that `name` ends with, when what stands before it
    holds a multiplier character ('拾元' → 元, '拾万元' → 万元); else None."""
    for k in range(1, len(name)):
        u = lookup_name(name[k:])
        if u is not None:
            return u if _MULTIPLIER_CHARS.intersection(name[:k]) else None
    return None


def suggest_unit(name: str) -> str | None:
    """The nearest defined unit name, for '是否为 …？' hints.

    Never a unit of another scale of what `name` ends with: '拾元' is not a typo of '万元' or
    '元', and a hint that swaps or drops a multiplier is off by a power of ten (issue 18).

    >>> suggest_unit("平放米"), suggest_unit("拾元"), suggest_unit("万园")
    ('平米', None, '万元')
    """
    base = _base_suffix(name)
    close = difflib.get_close_matches(name, sorted(unit_names()), n=3, cutoff=0.5)
    within = [n for n in sorted(unit_names(), key=len, reverse=True) if n in name]
    for c in [*close, *within]:
        if base is None or _name_unit(c).dims != base.dims:
            return c
    return None


def _unknown(name: str, text: str, col: int) -> CesuanError:
    s = suggest_unit(name)
    base = _base_suffix(name)
    if s:
        hint = f"是否为 '{s}'？"
    elif base is not None:
        same = sorted(
            {n for n in canonical_names().values() if _name_unit(n).dims == base.dims},
            key=lambda n: (_name_unit(n).factor, n),
        )
        hint = f"'{name[: -len(base.text)]}' 不是已知的倍数；同类单位有：" + "、".join(same)
    else:
        hint = "可用单位见 docs/units.md"
    return CesuanError(
        ErrorKind.UNKNOWN_UNIT, f"未知单位 '{name}'", hint=hint, text=text, column=col
    )


class _UnitParser:
    """Recursive descent over normalised text, starting at `pos`.

    unit    := product ('/' divisor)*
    product := atom ('·' atom)*
    divisor := atom            (a '·' right after a divisor is ambiguous and refused)
    atom    := NAME [² | ³ | ^N] | '(' product ('/' divisor)* ')'
    """

    def __init__(self, text: str, pos: int, *, stop_at_non_unit: bool) -> None:
        self.text = text
        self.pos = pos
        self.stop = stop_at_non_unit  # in a formula, '/ name' may be a division, not a unit

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def skip_spaces(self) -> None:
        while self.peek() == " ":
            self.pos += 1

    def name_at(self, pos: int) -> tuple[str, int]:
        end = pos
        while end < len(self.text) and (is_name_char(self.text[end]) or self.text[end] == "㎡"):
            end += 1
        return self.text[pos:end], end

    def starts_unit(self, pos: int) -> bool:
        """Whether a unit (a known name, or '(' then one) begins at pos."""
        while pos < len(self.text) and self.text[pos] == " ":
            pos += 1
        if pos < len(self.text) and self.text[pos] == "(":
            return self.starts_unit(pos + 1)
        name, end = self.name_at(pos)
        if end < len(self.text) and (is_digit(self.text[end]) or self.text[end] in "_."):
            return False  # `元 / km_total`, `元 / m.x`: a variable that starts like a unit
        return bool(name) and lookup_name(name) is not None

    def unit(self, depth: int = 0) -> Unit:
        if depth > 8:
            raise CesuanError(
                ErrorKind.NESTING, "单位括号嵌套过深", text=self.text, column=self.pos
            )
        u = self.product(depth)
        while True:
            save = self.pos
            self.skip_spaces()
            if self.peek() != "/":
                self.pos = save
                return u
            if self.stop and not self.starts_unit(self.pos + 1):
                self.pos = save
                return u
            self.pos += 1
            self.skip_spaces()
            divisor_at = self.pos
            numerator = u
            u = u / self.atom(depth)
            save2 = self.pos
            self.skip_spaces()
            if self.peek() == "·":
                divisor = self.text[divisor_at:save2].strip()
                after, _ = self.name_at(self.pos + 1)
                top = numerator.text or "1"
                raise CesuanError(
                    ErrorKind.AMBIGUOUS_UNIT,
                    "单位中 '/' 之后又出现 '·'，含义不明确",
                    hint=f"写作 {top}/({divisor}·{after or '…'}) 或 {top}/{divisor}/{after or '…'}",
                    text=self.text,
                    column=self.pos,
                )
            self.pos = save2

    def product(self, depth: int) -> Unit:
        u = self.atom(depth)
        while True:
            save = self.pos
            self.skip_spaces()
            if self.peek() != "·":
                self.pos = save
                return u
            self.pos += 1
            self.skip_spaces()
            u = u * self.atom(depth)

    def atom(self, depth: int) -> Unit:
        start = self.pos
        if self.peek() == "(":
            self.pos += 1
            self.skip_spaces()
            u = self.unit(depth + 1)
            self.skip_spaces()
            if self.peek() != ")":
                raise CesuanError(
                    ErrorKind.QUANTITY_SYNTAX, "单位缺少右括号 ')'", text=self.text, column=self.pos
                )
            self.pos += 1
            return u
        name, end = self.name_at(self.pos)
        if not name:
            got = self.peek() or "结尾"
            raise CesuanError(
                ErrorKind.QUANTITY_SYNTAX,
                f"此处应为单位名称，却是 '{got}'",
                text=self.text,
                column=self.pos,
            )
        found = lookup_name(name)
        if found is None:
            raise _unknown(name, self.text, start)
        u = found
        self.pos = end
        c = self.peek()
        if c in _SUPERSCRIPTS:
            self.pos += 1
            return u ** _SUPERSCRIPTS[c]
        if c == "^":
            self.pos += 1
            digits_start = self.pos
            while is_digit(self.peek()) and self.pos - digits_start < 1:
                self.pos += 1
            if self.pos == digits_start or self.text[digits_start] == "0":
                raise CesuanError(
                    ErrorKind.QUANTITY_SYNTAX,
                    "'^' 之后应为 1 到 9 的整数次方",
                    text=self.text,
                    column=self.pos,
                )
            return u ** int(self.text[digits_start : self.pos])
        return u


def parse_unit_at(text: str, pos: int, *, in_formula: bool = True) -> tuple[Unit, int]:
    """Parse a unit in already-normalised `text` starting at `pos`; return it and its end."""
    p = _UnitParser(text, pos, stop_at_non_unit=in_formula)
    return p.unit(), p.pos


def parse_unit(text: str) -> Unit:
    """Parse a whole unit text such as `元/(平方米·月)`; empty text is dimensionless.

    Raises CesuanError (unknown_unit with a near-miss suggestion, ambiguous_unit, …).

    >>> parse_unit("元/平方米/月") == parse_unit("元/(平方米·月)")
    True
    >>> parse_unit("元/平方米·月")
    Traceback (most recent call last):
    ...
    cesuan.errors.CesuanError: 单位中 '/' 之后又出现 '·'，含义不明确
      元/平方米·月
               ^
    提示：写作 元/(平方米·月) 或 元/平方米/月
    """
    if not isinstance(text, str):
        raise CesuanError(ErrorKind.QUANTITY_SYNTAX, f"单位应为文本，却是 {type(text).__name__}")
    norm = normalise(text, what="单位")
    start = len(norm) - len(norm.lstrip(" "))
    if start == len(norm):
        return DIMENSIONLESS
    try:
        u, end = parse_unit_at(norm, start, in_formula=False)
    except CesuanError as e:
        e.text = text  # show what the user wrote; columns match (normalise is one-for-one)
        raise
    rest = norm[end:].rstrip(" ")
    if rest:
        raise CesuanError(
            ErrorKind.QUANTITY_SYNTAX,
            f"单位后有多余的 '{rest}'",
            text=text,
            column=end,
            hint=trailing_hint(norm[start:end], rest),
        )
    return u


def trailing_hint(unit: str, rest: str) -> str | None:
    """The hint when a unit is followed by `.名` or `*名`: a product written the way pint or a
    spreadsheet would (`元/生.学期`); in cesuan units multiply with `·`.

    >>> trailing_hint("元/生", ".学期")
    '单位里的相乘写作 ·：写作 元/(生·学期) 或 元/生/学期'
    >>> trailing_hint("元", "*月")
    '单位里的相乘写作 ·：写作 元·月'
    """
    name = rest[1:].strip()
    if rest[:1] not in (".", "*") or lookup_name(name) is None:
        return None
    base = unit.strip()
    if "/" not in base:
        return f"单位里的相乘写作 ·：写作 {base}·{name}"
    top, den = base.split("/", 1)
    if "/" in den or "(" in den:
        return f"单位里的相乘写作 ·：写作 {base}/{name}（若 {name} 在分母中）"
    return f"单位里的相乘写作 ·：写作 {top}/({den}·{name}) 或 {base}/{name}"
