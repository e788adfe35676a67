"""Hypothesis strategies for the foundation layer: quantities written in random units of a
dimension, formula trees, and messy text for fuzzing.

The conversion factors here are written out from the definitions the project promises (1 万元 =
10000 元, 1 亩 = 2000/3 平方米, 12 月 = 1 年 …), not read from cesuan, so that tests built on them
check cesuan against the specification rather than against itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from hypothesis import strategies as st

from cesuan.expr.ast import FUNCTIONS, BinOp, Call, Name, Neg, Node, Number
from cesuan.quantity import Quantity
from cesuan.units import parse_unit

# --- units ------------------------------------------------------------------------------------
# Every name units.txt defines, by dimension, with its exact factor to the first name of the group
# (the root: 元, 米, 平方米, 年, 天 and one root per counted thing).
SINGLE_UNITS: dict[str, dict[str, Fraction]] = {
    "money": {
        "元": Fraction(1),
        "人民币元": Fraction(1),
        "千元": Fraction(1000),
        "仟元": Fraction(1000),
        "万元": Fraction(10_000),
        "萬元": Fraction(10_000),
        "百万元": Fraction(1_000_000),
        "亿元": Fraction(100_000_000),
        "億元": Fraction(100_000_000),
    },
    "length": {
        "米": Fraction(1),
        "m": Fraction(1),
        "厘米": Fraction(1, 100),
        "cm": Fraction(1, 100),
        "毫米": Fraction(1, 1000),
        "mm": Fraction(1, 1000),
        "公里": Fraction(1000),
        "km": Fraction(1000),
        "千米": Fraction(1000),
        "KM": Fraction(1000),
    },
    "area": {
        "平方米": Fraction(1),
        "平米": Fraction(1),
        "㎡": Fraction(1),
        "亩": Fraction(2000, 3),
        "公顷": Fraction(10_000),
        "平方公里": Fraction(1_000_000),
    },
    "volume": {
        "立方米": Fraction(1),
        "方": Fraction(1),
        "升": Fraction(1, 1000),
    },
    "mass": {"吨": Fraction(1), "千克": Fraction(1, 1000), "公斤": Fraction(1, 1000)},
    "energy": {"千瓦时": Fraction(1), "度": Fraction(1)},
    # A 月 is a billing month: exactly 1/12 年 (not pint's 365.25/12 days).
    "billing_time": {
        "年": Fraction(1),
        "季度": Fraction(1, 4),
        "月": Fraction(1, 12),
        "个月": Fraction(1, 12),
    },
    "calendar_time": {
        "天": Fraction(1),
        "日": Fraction(1),
        "小时": Fraction(1, 24),
        "周": Fraction(7),
    },
    "school_term": {"学期": Fraction(1)},
}
COUNTED = [
    "人",
    "人次",
    "次",
    "条",
    "件",
    "个",
    "座",
    "台",
    "辆",
    "所",
    "户",
    "套",
    "批",
    "项",
    "场",
    "期",
    "生",
    "起",
    "处",
    "家",
    "村",
    "株",
    "栋",
    "只",
    "头",
    "羽",
    "盏",
    "册",
    "份",
    "张",
    "间",
]
SINGLE_UNITS["person"] = {"人": Fraction(1), "名": Fraction(1), "位": Fraction(1)}
SINGLE_UNITS["score"] = {"分": Fraction(1), "分值": Fraction(1)}  # a score, not money
# Percentage points are plain ratios: 1 百分点 = 1/100 (compared within their own group here).
SINGLE_UNITS["percentage_point"] = {"百分点": Fraction(1), "个百分点": Fraction(1)}
for _c in COUNTED[1:]:
    SINGLE_UNITS[f"counted_{_c}"] = {_c: Fraction(1)}
SINGLE_UNITS["counted_株"]["棵"] = Fraction(1)  # 株 and 棵 count trees alike

# Compound units that budget forms write, grouped by dimension, with their factor to the first.
COMPOUND_UNITS: dict[str, dict[str, Fraction]] = {
    "area": {"平方米": Fraction(1), "m²": Fraction(1), "米²": Fraction(1), "米^2": Fraction(1)},
    # rent: money / (area · billing time), root 元/(平方米·年)
    "rent_rate": {
        "元/(平方米·年)": Fraction(1),
        "元/(平方米·月)": Fraction(12),
        "元/平方米/月": Fraction(12),
        "元/(㎡·季度)": Fraction(4),
        "万元/(平方米·年)": Fraction(10_000),
        "元/(亩·年)": Fraction(3, 2000),
        "元/平米/月": Fraction(12),
    },
    # per person and day, root 元/(人·天)
    "person_day_rate": {
        "元/人/天": Fraction(1),
        "元/(人·天)": Fraction(1),
        "万元/(人·天)": Fraction(10_000),
        "元/(人·周)": Fraction(1, 7),
        "元/(人·小时)": Fraction(24),
        "元/(名·日)": Fraction(1),
    },
    "money_per_year": {
        "元/年": Fraction(1),
        "万元/年": Fraction(10_000),
        "元/月": Fraction(12),
        "万元/月": Fraction(120_000),
        "元/季度": Fraction(4),
    },
    "money_per_length": {
        "元/米": Fraction(1),
        "元/公里": Fraction(1, 1000),
        "元/km": Fraction(1, 1000),
        "万元/公里": Fraction(10),
    },
}


def all_unit_groups() -> dict[str, dict[str, Fraction]]:
    """Single and compound groups together (a compound group may extend a single one)."""
    out = {k: dict(v) for k, v in SINGLE_UNITS.items()}
    for k, v in COMPOUND_UNITS.items():
        out.setdefault(k, {}).update(v)
    return out


# --- exact numbers ---------------------------------------------------------------------------


def decimal_text(
    *, max_int_digits: int = 6, max_places: int = 4, signed: bool = False
) -> st.SearchStrategy[str]:
    """Canonical decimal text: '0', '12', '8369.34', '1.50' (trailing zeros kept as written)."""

    @st.composite
    def build(draw: st.DrawFn) -> str:
        int_part = str(draw(st.integers(0, 10**max_int_digits - 1)))
        places = draw(st.integers(0, max_places))
        text = int_part
        if places:
            text += "." + "".join(
                draw(st.lists(st.sampled_from("0123456789"), min_size=places, max_size=places))
            )
        if signed and draw(st.booleans()):
            text = "-" + text
        return text

    return build()


def fraction_to_text(x: Fraction) -> str | None:
    """Exact decimal text of a terminating fraction (None if it does not terminate).

    Written here without cesuan.exact, so tests can compare cesuan with it.
    """
    d = x.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    if d != 1:
        return None
    k = 0
    while (x * 10**k).denominator != 1:
        k += 1
    n = abs(x.numerator * 10**k // x.denominator)
    s = str(n).rjust(k + 1, "0")
    text = s[: len(s) - k] + ("." + s[len(s) - k :] if k else "")
    return ("-" if x < 0 else "") + text


@dataclass(frozen=True)
class WrittenQuantity:
    """A quantity as a user might write it, and what it must mean."""

    text: str  # "12.5 万元"
    unit: str  # "万元"
    magnitude: Decimal  # 12.5
    root: Fraction  # the amount in the group's first unit (125000 元)


@st.composite
def quantities(draw: st.DrawFn, group: str, *, signed: bool = False) -> WrittenQuantity:
    """A decimal amount in a random unit of `group` (a key of SINGLE_UNITS or COMPOUND_UNITS)."""
    units = all_unit_groups()[group]
    unit = draw(st.sampled_from(sorted(units)))
    mag = draw(decimal_text(signed=signed))
    sep = draw(st.sampled_from([" ", "", "  "]))
    return WrittenQuantity(f"{mag}{sep}{unit}", unit, Decimal(mag), Fraction(mag) * units[unit])


def rewrite(q: WrittenQuantity, group: str, unit: str) -> str | Quantity:
    """The same amount written in another unit of its group: as text when it is a finite
    decimal there, else as an exact Quantity (1 月 in 年 is 1/12, which no decimal text holds)."""
    factor = all_unit_groups()[group][unit]
    mag = q.root / factor
    text = fraction_to_text(mag)
    if text is not None:
        return f"{text} {unit}"
    return Quantity(mag, parse_unit(unit))


# --- formula trees ---------------------------------------------------------------------------
# Names that must survive the round trip: dotted ids, underscores, digits, Chinese, and names
# that begin like a unit (km_total, m.x, 人1, 人数) but are not one.
NAMES = [
    "area",
    "rate",
    "months",
    "hall.rent",
    "hall.rent2",
    "a_1",
    "x",
    "km_total",
    "m.x",
    "人数",
    "面积",
    "租金.标准",
    "人1",
    "total",
    "sum_of",
]
# Unit texts a number may carry in a formula (each reads back as itself).
FORMULA_UNITS = [
    "元",
    "万元",
    "亿元",
    "平方米",
    "m²",
    "㎡",
    "月",
    "年",
    "天",
    "件",
    "条",
    "人",
    "公里",
    "元/(平方米·月)",
    "元/(人·天)",
    "万元/年",
    "条/件",
    "元/条",
]
_SUFFIX_EXP = {"": 0, "万": 4, "亿": 8, "%": -2}


@st.composite
def number_nodes(draw: st.DrawFn, *, with_units: bool = True) -> Number:
    """A literal as written, with its value computed here: '30万' → 300000, '98%' → 0.98."""
    text = draw(decimal_text(max_int_digits=5, max_places=3))
    suffix = draw(st.sampled_from(["", "", "", "万", "亿", "%"]))
    value = Decimal(f"{text}E{_SUFFIX_EXP[suffix]}")  # exact: built from text, no context
    unit = None
    if with_units and suffix != "%" and draw(st.booleans()):
        unit = parse_unit(draw(st.sampled_from(FORMULA_UNITS)))
    return Number(value, text + suffix, unit)


def name_nodes(names: list[str] | None = None) -> st.SearchStrategy[Name]:
    return st.sampled_from(names or NAMES).map(Name)


def _calls(children: st.SearchStrategy[Node], with_units: bool) -> st.SearchStrategy[Node]:
    units = st.none()
    if with_units:
        units = st.one_of(st.none(), st.sampled_from(FORMULA_UNITS).map(parse_unit))
    rounding = st.builds(
        lambda a, p, u: Call("round", (a,), p, u), children, st.integers(0, 20), units
    )
    ceil_floor = st.builds(
        lambda f, a, u: Call(f, (a,), None, u), st.sampled_from(["ceil", "floor"]), children, units
    )
    many = st.builds(
        lambda f, args: Call(f, tuple(args)),
        st.sampled_from(["min", "max", "sum"]),
        st.lists(children, min_size=1, max_size=4),
    )
    return st.one_of(rounding, ceil_floor, many)


def depth(node: Node) -> int:
    """Height of a tree (a leaf is 1)."""
    if isinstance(node, Neg):
        return 1 + depth(node.operand)
    if isinstance(node, BinOp):
        return 1 + max(depth(node.left), depth(node.right))
    if isinstance(node, Call):
        return 1 + max(depth(a) for a in node.args)
    return 1


def formula_trees(
    *, names: list[str] | None = None, with_units: bool = True, max_leaves: int = 12
) -> st.SearchStrategy[Node]:
    """Formula trees of every node kind: numbers (with units and 万/亿/% forms), names, Neg,
    BinOp (+ - * /) and calls of every whitelisted function."""
    assert {"round", "ceil", "floor", "min", "max", "sum"} == FUNCTIONS
    leaves = st.one_of(number_nodes(with_units=with_units), name_nodes(names))

    def extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
        return st.one_of(
            st.builds(Neg, children),
            st.builds(BinOp, st.sampled_from(["+", "-", "*", "/"]), children, children),
            _calls(children, with_units),
        )

    return st.recursive(leaves, extend, max_leaves=max_leaves).filter(lambda t: depth(t) <= 12)


# --- messy text ------------------------------------------------------------------------------
_TOKENS = [
    *"0123456789.,+-*/()%^_ ",
    *"×÷−（）％，、·・²³㎡１２３．",
    *"元万亿平方米月年天人件条个次",
    "round(",
    "ceil(",
    "min(",
    "sum(",
    "元/(平方米·月)",
    "万元",
    "公里",
    "e5",
    "E+",
    "nan",
    "inf",
    "∞",
    "__",
    "'",
    '"',
    "[",
    "]",
    "{",
    "\u200b",
    "\u0430",
    "\x00",
    "\n",
    "\t",
]


def messy_text(max_size: int = 40) -> st.SearchStrategy[str]:
    """Random text: arbitrary Unicode, CJK and punctuation, formula-shaped token soup, and random
    bytes decoded with errors='replace'."""
    cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
    punct = st.sampled_from("，。；：？！“”‘’（）【】《》、…—·～￥％＋－×÷＝")
    return st.one_of(
        st.text(max_size=max_size),
        st.text(st.one_of(cjk, punct, st.characters(max_codepoint=0x7F)), max_size=max_size),
        st.lists(st.sampled_from(_TOKENS), max_size=max_size // 2).map("".join),
        st.binary(max_size=max_size).map(lambda b: b.decode("utf-8", errors="replace")),
    )
