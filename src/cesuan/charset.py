"""Character normalisation for quantity and formula text (not for labels or quotes).

What it does: maps the full-width and typographic forms people type in Chinese documents
(１２, ．, ×, ÷, −, （）, ％, ・) one-for-one onto the ASCII forms the grammars read, so that a
column in the normalised text is the column in the original. It refuses characters that only
look like something else (Cyrillic letters, zero-width spaces, curly quotes in numbers) and names
the code point, because a look-alike can make two different names print the same.
What it must not do: change the meaning of anything it lets through, or drop characters.
"""

from __future__ import annotations

import unicodedata

from cesuan.errors import CesuanError, ErrorKind

__all__ = ["describe_char", "is_digit", "is_name_char", "normalise"]

_MAP = {
    "\u3000": " ",  # ideographic space
    "\u00a0": " ",  # no-break space
    "\t": " ",
    "\n": " ",  # a formula written as a YAML block (formula: |) spans lines
    "\r": " ",
    "×": "*",
    "✕": "*",
    "＊": "*",
    "∗": "*",
    "÷": "/",
    "／": "/",
    "−": "-",
    "－": "-",
    "–": "-",  # U+2212 minus, full-width hyphen-minus, en dash
    "＋": "+",
    "（": "(",
    "）": ")",
    "％": "%",
    "．": ".",
    "，": "，",  # kept, refused by the grammars with a hint (1，000 is not a number here)
    "・": "·",
    "‧": "·",
    "⋅": "·",
    "•": "·",
    "∙": "·",
    "＾": "^",
    "＿": "_",
}
# Full-width digits and Latin letters map to ASCII (U+FF10..FF19, FF21..FF3A, FF41..FF5A).
for _cp in range(0xFF10, 0xFF1A):
    _MAP[chr(_cp)] = chr(_cp - 0xFF10 + ord("0"))
for _cp in list(range(0xFF21, 0xFF3B)) + list(range(0xFF41, 0xFF5B)):
    _MAP[chr(_cp)] = chr(_cp - 0xFEE0)

# Characters the grammars know besides ASCII and CJK ideographs.
_EXTRA = set("·²³㎡，、")


def describe_char(c: str) -> str:
    """'U+0430 CYRILLIC SMALL LETTER A' — how errors name a character."""
    return f"U+{ord(c):04X} {unicodedata.name(c, '未命名字符')}"


def is_cjk(c: str) -> bool:
    """CJK unified ideographs (basic block and extension A)."""
    if len(c) != 1:
        return False
    o = ord(c)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF


def is_digit(c: str) -> bool:
    """ASCII digits only: str.isdigit() is also true for '²' and '³', which the unit grammar
    reads as exponents and Decimal/int cannot read as digits."""
    return len(c) == 1 and "0" <= c <= "9"


def is_name_char(c: str) -> bool:
    """Letters that may form names and unit names: ASCII letters and CJK ideographs."""
    return len(c) == 1 and (("a" <= c <= "z") or ("A" <= c <= "Z") or is_cjk(c))


def normalise(text: str, *, what: str = "文本") -> str:
    """Return `text` with full-width forms mapped to ASCII, same length; refuse look-alikes.

    >>> normalise("１２ 月 × 50％")
    '12 月 * 50%'
    >>> normalise("面积\u200b")
    Traceback (most recent call last):
    ...
    cesuan.errors.CesuanError: 不允许的字符 U+200B ZERO WIDTH SPACE（不可见或形近字符）
      面积\\u200b
          ^
    提示：删除该字符，或改用半角/常用汉字重新输入
    """
    out = []
    for i, c in enumerate(text):
        m = _MAP.get(c)
        if m is not None:
            out.append(m)
            continue
        if (" " <= c <= "~") or is_cjk(c) or c in _EXTRA:
            out.append(c)
            continue
        cat = unicodedata.category(c)
        kind = ErrorKind.CONFUSABLE_CHARACTER
        if cat.startswith("L") or cat in ("Cf", "Zs", "Mn", "Cc", "Nd", "Pd", "Pi", "Pf"):
            msg = f"不允许的字符 {describe_char(c)}（不可见或形近字符）"
        else:
            kind = ErrorKind.FORMULA_SYNTAX if what == "公式" else ErrorKind.QUANTITY_SYNTAX
            msg = f"{what}中不能出现字符 {describe_char(c)}"
        raise CesuanError(
            kind,
            msg,
            text=text,
            column=i,
            hint="删除该字符，或改用半角/常用汉字重新输入",
        )
    return "".join(out)
