"""What reading a value or formula changed in the text as written, for the trace (issue 13).

What it does: compares the text a case writes (`１，２００ 元`, `30万 件`, `98％`, a formula with
`×`) with how cesuan read it, and names each normalisation applied: full-width digits and
letters, full-width or typographic operators and brackets, no-break and ideographic spaces, tabs
and line breaks (cesuan.charset), grouping commas, 万/亿 read as a multiplier, a percentage read
as a fraction (cesuan.quantity). `record` gives the written text, the text as read and those
changes, or None when reading changed nothing but spacing and how the unit is spelled.
What it must not do: parse or evaluate anything itself, or decide whether a text is valid (it is
only called on text cesuan.quantity and cesuan.expr have already read).
"""

from __future__ import annotations

import re

from cesuan.charset import describe_char, normalise
from cesuan.units import lookup_name

__all__ = ["changes", "record"]

_SPACES = {"\u00a0": "不换行空格", "\u3000": "全角空格", "\t": "制表符", "\n": "换行", "\r": "回车"}
_GROUPED = re.compile(r"\d,\d{3}")
_MULTIPLIER = re.compile(r"\d([万亿萬億])")
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z]*")


def _char_change(old: str, new: str) -> str:
    if old in _SPACES:
        return f"{_SPACES[old]}（{describe_char(old)}）→ 空格"
    return f"'{old}'（{describe_char(old)}）→ '{new}'"


def changes(written: str, *, quantity: bool) -> list[str]:
    """Each normalisation reading `written` applied, in Chinese, each named once."""
    norm = normalise(written)  # same length, column for column
    out: list[str] = []
    wide: dict[str, str] = {}  # full-width digits and letters, named together
    for old, new in zip(written, norm, strict=True):
        if old == new:
            continue
        if "\uff10" <= old <= "\uff5a":
            wide.setdefault(old, new)
        elif (c := _char_change(old, new)) not in out:
            out.append(c)
    if wide:
        out.insert(0, f"全角数字或字母 '{''.join(wide)}' → '{''.join(wide.values())}'")
    if quantity:
        if _GROUPED.search(norm):
            out.append("去掉千位分隔符 ','")
        for m in _MULTIPLIER.finditer(norm):
            # As cesuan.quantity reads it: "30万元" is 30 of the unit 万元, "30万 件" 300000 件.
            if lookup_name(_WORD.match(norm, m.start(1)).group()) is None:  # type: ignore[union-attr]
                times = 10000 if m.group(1) in "万萬" else 100000000
                out.append(f"'{m.group(1)}' 读作倍数 ×{times}")
    return out


def record(written: str, read: str, *, quantity: bool = True) -> dict[str, object] | None:
    """{'written', 'read', 'changes'} when reading `written` normalised something, else None."""
    found = changes(written, quantity=quantity)
    if not found:
        return None
    return {"written": written, "read": read, "changes": found}
