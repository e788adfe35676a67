"""Table rows whose 合计 column is not the sum of the row's amount columns.

What it does: in a table whose first row (its header) has a total column (合计/小计/总计) and at
least two other columns whose headers name amounts (金额、资金、经费、拨款… from patterns.toml,
and none of 单价、数量、比例…), checks in every following row of the table that the total cell
is the exact sum of that row's amount cells (an empty cell counts as nothing written).
What it must not do: sum a column whose header does not say it holds amounts, or a row whose
amount cells hold text; such a row is listed as unchecked.
"""

from __future__ import annotations

from cesuan.errors import CesuanError
from cesuan.quantity import Quantity
from cesuan.scan.amounts import Amount, compare, sum_in
from cesuan.scan.items import Document, Item, Number, over_limit
from cesuan.scan.patterns import patterns
from cesuan.scan.tables import Row, cell_amount, rows
from cesuan.units import Unit

__all__ = ["find_row_totals"]


def _header_columns(text: str, header: Row) -> tuple[int, list[int]] | None:
    """(total column, amount columns) of a header row, or None when it has no such layout."""
    p = patterns()
    heads = [text[a:b].strip() for a, b in header.cells]
    totals = [k for k, h in enumerate(heads) if any(w in h for w in p.table_total_words)]
    amounts = [
        k
        for k, h in enumerate(heads)
        if k not in totals
        and any(w in h for w in p.amount_headers)
        and not any(w in h for w in p.not_amount_headers)
    ]
    if len(totals) != 1 or len(amounts) < 2:
        return None
    return totals[0], amounts


def find_row_totals(doc: Document) -> list[Item]:
    """Every row of every table with a 合计 column, checked across."""
    text = doc.text
    items: list[Item] = []
    layout: tuple[int, list[int]] | None = None
    width = 0
    previous: Row | None = None
    for row in rows(text):
        if row is None:
            layout, previous = None, None
            continue
        if previous is None:  # the first row of a table is its header
            layout, width, previous = _header_columns(text, row), len(row.cells), row
            continue
        previous = row
        if layout is None or len(row.cells) != width:
            continue
        if len(items) >= patterns().max_items:
            return [*items, over_limit("table", row.start, patterns().max_items)]
        item = _check(doc, row, *layout)
        if item is not None:
            items.append(item)
    return items


def _check(doc: Document, row: Row, k: int, columns: list[int]) -> Item | None:
    text = doc.text
    total = cell_amount(text, row.cells[k])
    if total is None:
        return None
    parts: list[Amount] = []
    for c in columns:
        a = cell_amount(text, row.cells[c])
        if a is not None:
            parts.append(a)
        elif text[row.cells[c][0] : row.cells[c][1]].strip():
            return _unchecked(doc, row, total, "金额列中有文字，无法相加")
    if not parts:
        return None
    unit = next((a.quantity.unit for a in (total, *parts) if a.unit), total.quantity.unit)
    try:
        computed = sum_in([a.quantity if a.unit else _bare(a, unit) for a in parts], unit)
        stated = total.quantity if total.unit else _bare(total, unit)
        status = compare(computed, stated, total.places)
    except CesuanError:
        return _unchecked(doc, row, total, "各列单位不一致")
    label = _label(doc, row, columns[0])
    return Item(
        kind="table",
        status=status,
        start=row.start,
        end=row.end,
        label=label,
        stated=stated,
        expression=" + ".join(f"{a.number}{a.unit}" for a in parts),
        computed=computed,
        reason="同行各金额列之和",
        numbers=tuple(
            Number("part", label, a.quantity if a.unit else _bare(a, unit), a.start, a.end)
            for a in parts
        ),
        stated_start=total.start,
        stated_end=total.end,
    )


def _bare(a: Amount, unit: Unit) -> Quantity:
    """A bare cell in a row whose other cells write their unit takes that unit."""
    return Quantity(a.quantity.magnitude, unit)


def _unchecked(doc: Document, row: Row, total: Amount, why: str) -> Item:
    return Item(
        kind="table",
        status="unchecked",
        start=row.start,
        end=row.end,
        label=_label(doc, row, len(row.cells)),
        stated=total.quantity,
        reason=why,
        stated_start=total.start,
        stated_end=total.end,
    )


def _label(doc: Document, row: Row, before: int) -> str:
    words = [
        doc.text[a:b].strip()
        for a, b in row.cells[:before]
        if doc.text[a:b].strip() and cell_amount(doc.text, (a, b)) is None
    ]
    return " ".join(words)[:40] or "行合计"
