"""What a scan finds: the document it read and each calculation it recognised in it.

What it does: plain frozen data — a `Document` (the text as read, how it was decoded, where each
line starts) and `Item`s (one recognised calculation: its verbatim quote by character offset,
the stated amount, the exact computed amount, and whether it holds or why it was not checked).
What it must not do: recognise or compute anything, or format output (cesuan.scan.render).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Literal

from cesuan.quantity import Quantity

__all__ = ["KIND_ZH", "STATUS_ZH", "Document", "Item", "Number", "ScanReport", "over_limit"]

Kind = Literal["written", "enumeration", "rate", "table", "row"]
Status = Literal["holds", "rounded", "mismatch", "unchecked"]

KIND_ZH: dict[str, str] = {
    "written": "表上算式",
    "enumeration": "合计与其中各项",
    "rate": "数量×标准",
    "table": "表格合计",
    "row": "明细金额与测算结果",
}
STATUS_ZH: dict[str, str] = {
    "holds": "相符",
    "rounded": "四舍五入后相符",
    "mismatch": "不符",
    "unchecked": "未核对",
}


@dataclass(frozen=True, slots=True)
class Document:
    """The text of one form as read, and how it was read."""

    name: str
    text: str
    encoding: str  # 'utf-8', 'gb18030', 'docx', 'xlsx'
    notes: tuple[str, ...] = ()  # what the reader did: encoding detected, cells read, …
    line_starts: tuple[int, ...] = field(default=(0,), repr=False)

    @classmethod
    def of(cls, name: str, text: str, encoding: str, notes: tuple[str, ...] = ()) -> Document:
        starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        return cls(name, text, encoding, notes, tuple(starts))

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        line = bisect.bisect_right(self.line_starts, offset) - 1
        return line + 1, offset - self.line_starts[line] + 1


@dataclass(frozen=True, slots=True)
class Number:
    """One number of a recognised calculation: its role, value and where it is written."""

    role: str  # 'operand', 'part', 'quantity', 'rate', 'months', 'per'
    label: str  # what the text calls it, or '' when it does not say
    quantity: Quantity
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Item:
    """One calculation the text states, and what checking it gave."""

    kind: Kind
    status: Status
    start: int  # the verbatim quote is document.text[start:end]
    end: int
    label: str
    stated: Quantity | None
    expression: str = ""  # the calculation as checked, e.g. '3702-492*98%+492'
    computed: Quantity | None = None
    reason: str = ""  # why not checked, or what was read into the text
    numbers: tuple[Number, ...] = ()
    stated_start: int = -1  # where the stated amount itself is written
    stated_end: int = -1

    @property
    def is_finding(self) -> bool:
        return self.status == "mismatch"


def over_limit(kind: Kind, at: int, cap: int) -> Item:
    """The marker left where a recogniser stopped at its cap (patterns.toml `max_items`)."""
    return Item(
        kind=kind,
        status="unchecked",
        start=at,
        end=at,
        label="识别上限",
        stated=None,
        reason=f"此类计算超过 {cap} 处，其后的未再识别（上限防止恶意文本耗尽时间）",
    )


@dataclass(frozen=True, slots=True)
class ScanReport:
    """Everything recognised in one document, in text order."""

    document: Document
    items: tuple[Item, ...]

    def quote(self, item: Item) -> str:
        return self.document.text[item.start : item.end]

    @property
    def findings(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.status == "mismatch")

    @property
    def unchecked(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.status == "unchecked")
