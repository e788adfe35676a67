"""A total and its parts: `大厅维护费用共计9.5万元。其中：大厅花木租摆费3万元；…；…4万元。`

What it does: finds a money amount announced by a total word (共计/合计/总计/小计) and followed
by a parts marker (其中), splits what follows into parts at ；/。 up to the end of the paragraph
or table cell, reads each part's one amount (a standard such as 每条月租费1200元 is not a part's
amount; amounts of a nested list after 包括 belong to that list), and checks that the parts add
up to the total. A nested list (`81万，包括大厅电费61万、水费4万、燃气费16万`) is checked the
same way. A part with no amount or with two ends the check as unchecked, with the reason.
What it must not do: report a total whose parts it could not read unambiguously, or search past
the paragraph it started in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from itertools import pairwise

from cesuan.scan.amounts import Amount, compare, find_amounts, is_rate, sum_in
from cesuan.scan.items import Document, Item, Number, over_limit
from cesuan.scan.patterns import patterns

__all__ = ["find_enumerations", "paragraphs"]

_PARAGRAPH_BREAKS = re.compile(r"\t|\n|</?p>|</?b>|</?br/?>")


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph or table cell: split at tabs, newlines and <p> tags."""
    out, pos = [], 0
    for m in _PARAGRAPH_BREAKS.finditer(text):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        out.append((pos, len(text)))
    return out


@cache
def _total_re() -> re.Pattern[str]:
    p = patterns()
    return re.compile(f"(?:{p.alternation(p.total_words)})[为是：:]?")


@cache
def _marker_re() -> re.Pattern[str]:
    p = patterns()
    return re.compile(f"[，,。；;：: ]{{0,2}}({p.alternation(p.part_markers)})[：:，, ]?")


@cache
def _nested_re() -> re.Pattern[str]:
    p = patterns()
    return re.compile(f"[，,：: ]{{0,2}}({p.alternation(p.nested_markers)})[：:，, ]?")


@dataclass(frozen=True, slots=True)
class _Part:
    start: int
    end: int
    amount: Amount | None
    problem: str


def find_enumerations(doc: Document) -> list[Item]:
    """Every total with parts, in each paragraph."""
    items: list[Item] = []
    cap = patterns().max_items
    for lo, hi in paragraphs(doc.text):
        items += _in_paragraph(doc, lo, hi, cap - len(items))
        if len(items) >= cap:
            return [*items, over_limit("enumeration", items[-1].end, cap)]
    return items


def _in_paragraph(doc: Document, lo: int, hi: int, budget: int) -> list[Item]:
    text = doc.text
    items: list[Item] = []
    for a in find_amounts(text, lo, hi):
        if len(items) >= budget:
            break
        if not a.is_money:
            continue
        head = _total_re().search(text, max(lo, a.start - 4), a.start)
        if head and head.end() == a.start:
            m = _marker_re().match(text, a.end, hi)
            if m:
                # The parts end where the next total or 其中 begins: each stretch of text is
                # read as the parts of one total, which keeps the work linear.
                end = _next(text, m.end(), hi, _stop_re())
                items.append(_check(doc, a, m.end(), end, _separators(text, m.end(), end)))
                continue
        n = _nested_re().match(text, a.end, hi)
        if n:
            end = _next(text, n.end(), hi, _nested_stop_re())
            items.append(_check(doc, a, n.end(), end, patterns().nested_separators))
    return items


@cache
def _stop_re() -> re.Pattern[str]:
    p = patterns()
    return re.compile(p.alternation(p.total_words + p.part_markers))


@cache
def _nested_stop_re() -> re.Pattern[str]:
    p = patterns()
    words = p.total_words + p.part_markers + p.nested_markers + p.part_separators
    return re.compile(p.alternation(words))


def _next(text: str, lo: int, hi: int, stop: re.Pattern[str]) -> int:
    """Where the parts that start at lo end: the next stop word, the cap, or hi."""
    hi = min(hi, lo + patterns().max_parts_chars)
    m = stop.search(text, lo, hi)
    return m.start() if m else hi


def _separators(text: str, lo: int, hi: int) -> tuple[str, ...]:
    """Parts after 其中 are split at ；/。; when there is none, the list is one clause (、)."""
    p = patterns()
    if any(s in text[lo:hi].rstrip("。；; ") for s in p.part_separators):
        return p.part_separators
    return p.nested_separators


def _split(text: str, lo: int, hi: int, seps: tuple[str, ...]) -> list[_Part]:
    parts, start = [], lo
    for i in range(lo, hi + 1):
        if i == hi or text[i] in seps:
            if text[start:i].strip(" \u3000"):
                parts.append(_read_part(text, start, i))
            start = i + 1
    return parts


def _read_part(text: str, lo: int, hi: int) -> _Part:
    nested = _nested_re().search(text, lo, hi)
    own_end = nested.start() if nested else hi
    amounts = [
        a for a in find_amounts(text, lo, own_end) if a.is_money and not is_rate(text, a, lo, hi)
    ]
    if len(amounts) == 1:
        return _Part(lo, hi, amounts[0], "")
    if not amounts:
        return _Part(lo, hi, None, "没有金额")
    return _Part(lo, hi, None, f"有 {len(amounts)} 个金额，不知哪个是该项金额")


def _check(doc: Document, total: Amount, lo: int, hi: int, seps: tuple[str, ...]) -> Item:
    text = doc.text
    parts = _split(text, lo, hi, seps)
    # Trailing text after the last part with an amount (a closing remark) is not a part.
    while parts and parts[-1].amount is None and parts[-1].problem == "没有金额":
        parts.pop()
    end = parts[-1].end if parts else total.end
    label = _label(text, total.start)
    base = Item(
        status="unchecked",
        kind="enumeration",
        start=_sentence_start(text, total.start),
        end=end,
        label=label,
        stated=total.quantity,
        stated_start=total.start,
        stated_end=total.end,
    )
    bad = [(k, p) for k, p in enumerate(parts, 1) if p.amount is None]
    good = parts[: bad[0][0] - 1] if bad else parts
    # The longest run of leading parts that adds up, ending at a sentence end (。) when parts
    # follow it: a later sentence may be another matter, a later part after ； may not.
    for n in range(len(good), 1, -1):
        if n < len(parts) and "。" not in text[parts[n - 1].end : parts[n].start]:
            continue
        item = _summed(text, base, total, good[:n])
        if item.status != "mismatch":
            if n < len(parts):
                note = f"前 {n} 项之和等于合计，其后的文字不计入"
                item = replace(item, reason="；".join(filter(None, [item.reason, note])))
            return item
    if len(parts) < 2 or bad:
        why = f"第 {bad[0][0]} 项{bad[0][1].problem}" if bad else "只列出一项，无法判断是否列全"
        return replace(base, reason=why)
    if any("。" in text[a.end : b.start] for a, b in pairwise(parts)):
        # Parts over several sentences: the later sentences may not belong to this total.
        return replace(base, reason="各项跨越多句且之和不等于合计，不知后面的句子是否属于此合计")
    return _summed(text, base, total, parts)


def _summed(text: str, base: Item, total: Amount, parts: list[_Part]) -> Item:
    amounts = [p.amount for p in parts if p.amount is not None]
    numbers = tuple(
        Number("part", _part_label(text, p.start, a.start), a.quantity, a.start, a.end)
        for p, a in zip(parts, amounts, strict=True)
    )
    computed = sum_in([a.quantity for a in amounts], total.quantity.unit)
    status = compare(computed, total.quantity, total.places)
    expr = " + ".join(f"{a.number}{a.unit}" for a in amounts)
    note = "“万”按万元读" if any(a.unit == "万" for a in [total, *amounts]) else ""
    return replace(
        base,
        status=status,
        end=parts[-1].end,
        expression=expr,
        computed=computed,
        reason=note,
        numbers=numbers,
    )


def _label(text: str, pos: int, stop: int | None = None) -> str:
    """Words before an amount up to the clause start: 大厅使用费用, 大厅花木租摆费."""
    i = pos
    floor = max(0, pos - 30) if stop is None else stop
    while i > floor and text[i - 1] not in "，,；;。：:\t\n>、":
        i -= 1
    words = text[i:pos]
    for w in (*patterns().total_words, "每年", "全年计", "全年", "为", "计"):
        words = words.removesuffix(w)
    return words.strip(" 　") or "金额"


def _part_label(text: str, lo: int, pos: int) -> str:
    """A part's words before its first number: 消防器材、空调清洗费, 审批局大厅光纤电路."""
    i = lo
    while i < pos and not text[i].isdigit():
        i += 1
    return text[lo:i].strip(" 　：:，,") or "分项"


def _sentence_start(text: str, pos: int) -> int:
    """The quote starts at the clause that announces the total."""
    i = pos
    while i > 0 and pos - i < 60 and text[i - 1] not in "，,；;。\t\n>":
        i -= 1
    return i
