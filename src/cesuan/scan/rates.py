"""Quantity × standard (× months) sentences: `光纤电路3条，每条月租费1200元，全年计4.32万元`.

What it does: in each sentence (up to ；/。 within a paragraph or cell) that has exactly one
stated money amount, one standard (a money amount in a clause with 每/标准/月租, or followed by
每 or '/') and counted quantities, computes quantity × standard, × 12 months when the standard
is monthly and the amount annual (全年/每年), or quantity ÷ block × standard for `每10万条8000元`,
and compares exactly. Approximate quantities (约), two quantities, a block counted in another unit
than the quantity (件 vs 条), or a monthly standard with no stated period: unchecked, with why.
What it must not do: assume a period, a conversion between counted units, or which of two
quantities is meant.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from cesuan import exact
from cesuan.quantity import Quantity
from cesuan.scan.amounts import Amount, clause_bounds, compare, find_amounts, is_rate
from cesuan.scan.enumerations import paragraphs
from cesuan.scan.items import Document, Item, Number, over_limit
from cesuan.scan.patterns import patterns
from cesuan.units import parse_unit

__all__ = ["find_rates"]

_SENTENCE_ENDS = "；;。"


def _sentences(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    out, start = [], lo
    for i in range(lo, hi + 1):
        if i == hi or text[i] in _SENTENCE_ENDS:
            if i > start:
                out.append((start, i))
            start = i + 1
    return out


def find_rates(doc: Document) -> list[Item]:
    """Every quantity × standard sentence with a stated amount."""
    items: list[Item] = []
    for lo, hi in paragraphs(doc.text):
        for a, b in _sentences(doc.text, lo, hi):
            if len(items) >= patterns().max_items:
                return [*items, over_limit("rate", a, patterns().max_items)]
            item = _sentence(doc, a, b)
            if item is not None:
                items.append(item)
    return items


def _roles(text: str, lo: int, hi: int) -> tuple[list[Amount], list[Amount], list[Amount]]:
    """(stated amounts, standards, counted quantities) of one sentence."""
    stated: list[Amount] = []
    rates: list[Amount] = []
    counts: list[Amount] = []
    for a in find_amounts(text, lo, hi):
        if a.is_money:
            (rates if is_rate(text, a, lo, hi) else stated).append(a)
        elif a.unit and a.unit != "%":
            counts.append(a)
    return stated, rates, counts


def _sentence(doc: Document, lo: int, hi: int) -> Item | None:
    text = doc.text
    if hi - lo > patterns().max_sentence_chars:
        return None  # not a quantity × standard sentence; reading it would cost for nothing
    stated, rates, counts = _roles(text, lo, hi)
    if len(stated) != 1 or len(rates) != 1 or not counts:
        return None
    s, r = stated[0], rates[0]
    per = [c for c in counts if text[max(lo, c.start - 1) : c.start] == "每"]
    qs = [c for c in counts if c not in per]
    numbers = tuple(
        Number(role, "", a.quantity, a.start, a.end)
        for role, group in (("quantity", qs), ("per", per), ("rate", [r]))
        for a in group
    )
    base = Item(
        status="unchecked",
        kind="rate",
        start=lo,
        end=hi,
        label=_label(text, lo, s.start),
        stated=s.quantity,
        stated_start=s.start,
        stated_end=s.end,
        numbers=numbers,
    )
    why, months = _problem(text, lo, hi, qs, per, r, s)
    expr = _expression(qs, per, r, months)
    if why:
        return replace(base, status="unchecked", expression=expr, computed=None, reason=why)
    q = qs[0].quantity.magnitude
    value = exact.mul(exact.mul(q, r.quantity.to("元").magnitude), Decimal(months))
    if per:
        value = exact.div(value, per[0].quantity.magnitude)
    computed = Quantity(value, parse_unit("元"))
    status = compare(computed, s.quantity, s.places)
    note = "标准按月、金额按全年，乘 12 个月" if months == 12 else ""
    return replace(base, status=status, expression=expr, computed=computed, reason=note)


def _problem(
    text: str, lo: int, hi: int, qs: list[Amount], per: list[Amount], r: Amount, s: Amount
) -> tuple[str, int]:
    """Why the sentence cannot be checked as written ('' if it can), and the months it spans."""
    p = patterns()
    sentence = text[lo:hi]
    if any(w in sentence for w in p.approximate_words):
        return "数量或金额是约数（" + "、".join(
            w for w in p.approximate_words if w in sentence
        ) + "）", 1
    if len(qs) != 1 or len(per) > 1:
        return f"句中有 {len(qs)} 个数量，不知按哪个计算", 1
    per_unit = _per_unit(text, r, lo, hi)
    if per and per[0].quantity.unit.dims != qs[0].quantity.unit.dims:
        return (
            f"数量以“{qs[0].unit.removeprefix('万')}”计，标准以“{per[0].unit.removeprefix('万')}”计，表上未写二者的换算",
            1,
        )
    if per_unit and per_unit != qs[0].unit.removeprefix("万"):
        return f"数量以“{qs[0].unit}”计，标准按“{per_unit}”计", 1
    r0, r1 = clause_bounds(text, r.start, lo, hi)
    rate_clause = text[r0 : min(hi, r1 + 4)]
    monthly = any(w in rate_clause for w in p.monthly_words)
    s0, s1 = clause_bounds(text, s.start, lo, hi)
    annual = any(w in text[s0:s1] for w in p.annual_words)
    if monthly and not annual:
        return "标准按月计，表上未写月数", 1
    return "", 12 if monthly else 1


def _per_unit(text: str, r: Amount, lo: int, hi: int) -> str:
    """The counted unit a standard is per: 每条月租费1200元 → 条, 50元每月/平方米 → 平方米."""
    c0, c1 = clause_bounds(text, r.start, lo, hi)
    clause = text[c0 : min(hi, c1 + 6)]
    for u in sorted(patterns().counted_units, key=len, reverse=True):
        if f"每{u}" in clause or f"/{u}" in clause:
            return u
    return ""


def _expression(qs: list[Amount], per: list[Amount], r: Amount, months: int) -> str:
    parts = [f"{a.number}{a.unit}" for a in qs[:1]]
    if per:
        parts.append(f"÷ {per[0].number}{per[0].unit}")
    parts.append(f"× {r.number}{r.unit}")
    if months != 1:
        parts.append(f"× {months}月")
    return " ".join(parts)


def _label(text: str, lo: int, pos: int) -> str:
    c0, _ = clause_bounds(text, pos, lo)
    i = c0
    while i < pos and not text[i].isdigit():
        i += 1
    words = text[c0:i]
    for w in ("共计", "全年计", "每年", "全年", "计"):
        words = words.removesuffix(w)
    words = words.strip(" 　：:")
    if words:
        return words
    # 全年计4.32万元 names nothing: the sentence's own first words do (审批局大厅光纤电路).
    j = lo
    while j < pos and (text[j].isdigit() or text[j] in "、.．其中：: "):
        j += 1
    i = j
    while i < pos and not text[i].isdigit():
        i += 1
    return text[j:i].strip(" 　：:，,") or "金额"
