"""A 支出明细 row whose amount cell is not what its own 测算依据 cell arrives at.

What it does: in a table row (tab- or '|'-separated) whose cell holds written expressions with
results (`…③3637.8-44.35=3593.45万元。`), compares the first amount cell after it (the
本级财政拨款金额 column) with the last result written in the cell. The row holds when its amount
equals any result or any total (共计…) the cell writes; otherwise it is a finding, quoting both.
What it must not do: compare a row whose basis cell has no written result, or guess which of
several amount cells is meant (the first one after the basis cell is the one the form fills).
"""

from __future__ import annotations

from cesuan.scan.amounts import Amount, compare
from cesuan.scan.items import Document, Item, Number, Status, over_limit
from cesuan.scan.patterns import patterns
from cesuan.scan.tables import cell_amount, rows

__all__ = ["find_row_results"]


def find_row_results(doc: Document, checked: list[Item]) -> list[Item]:
    """Rows whose amount is not the last result of their written expressions."""
    text = doc.text
    written = [i for i in checked if i.kind == "written" and i.stated is not None]
    totals = [i for i in checked if i.kind == "enumeration" and i.stated is not None]
    items: list[Item] = []
    for row in rows(text):
        if row is None:
            continue
        if len(items) >= patterns().max_items:
            return [*items, over_limit("row", row.start, patterns().max_items)]
        for j, (a, b) in enumerate(row.cells):
            inside = [w for w in written if a <= w.start and w.end <= b]
            if not inside:
                continue
            amount = next(
                (x for c in row.cells[j + 1 :] if (x := cell_amount(text, c)) is not None), None
            )
            if amount is not None:
                others = [t for t in totals if a <= t.stated_start and t.stated_end <= b]
                items.append(_check(doc, inside, others, amount, (a, b)))
            break
    return items


def _check(
    doc: Document, inside: list[Item], totals: list[Item], amount: Amount, cell: tuple[int, int]
) -> Item:
    last = inside[-1]
    assert last.stated is not None
    stated = amount.quantity
    if not stated.unit.terms and last.stated.unit.terms:
        # The amount column is bare (3493.45) where the basis writes 万元: the table's unit.
        from cesuan.quantity import Quantity

        stated = Quantity(stated.magnitude, last.stated.unit)
    candidates = [
        i.stated
        for i in (*inside, *totals)
        if i.stated is not None and i.stated.unit.dims == stated.unit.dims
    ]
    status: Status = "mismatch" if candidates else "unchecked"
    for c in candidates:
        if c.unit.dims == stated.unit.dims and compare(c, stated, amount.places) != "mismatch":
            status = compare(c, stated, amount.places)
            break
    note = "金额栏不带单位，按测算依据的单位读" if stated is not amount.quantity else ""
    if not candidates:
        note = f"金额栏的单位 {stated.unit.text or '无'} 与测算依据的结果 {last.stated.unit.text or '无'} 量纲不同"
    return Item(
        kind="row",
        status=status,
        start=last.stated_start,
        end=amount.end,
        label=_label(doc, cell),
        stated=stated,
        expression="测算依据最后一步的结果",
        computed=last.stated,
        reason=note,
        numbers=(
            Number("result", "测算依据的结果", last.stated, last.stated_start, last.stated_end),
        ),
        stated_start=amount.start,
        stated_end=amount.end,
    )


def _label(doc: Document, cell: tuple[int, int]) -> str:
    """The row's item name: the non-empty cell before the basis cell."""
    line_start = doc.text.rfind("\n", 0, cell[0]) + 1
    before = [c.strip() for c in doc.text[line_start : cell[0]].split("\t") if c.strip()]
    return before[-1][:40] if before else "明细"
