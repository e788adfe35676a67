"""Table columns whose 合计/小计 row is not the sum of the rows it heads or closes.

What it does: reads text tables (cells separated by tabs, or by '|' as in Markdown; the docx and
xlsx readers render their tables this way), finds rows whose label has a total word, and for each
amount cell of such a row sums the same column over the rows below it (a 合计 row heading its
items, as 当年预算合计 heads 1. 财政拨款收入 …) or above it, stopping at a header cell, another
total row, a row with another number of cells, or the end of the table. A total that matches
neither direction is a finding only when just one direction has two or more amounts.
What it must not do: sum across rows whose cells do not line up with the total row, or guess a
direction when both could be meant.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from cesuan.errors import CesuanError
from cesuan.quantity import Quantity
from cesuan.scan.amounts import Amount, compare, find_amounts, sum_in
from cesuan.scan.items import Document, Item, Number, over_limit
from cesuan.scan.patterns import patterns
from cesuan.units import Unit

__all__ = ["cell_amount", "find_table_totals", "rows"]


@dataclass(frozen=True, slots=True)
class Row:
    start: int  # offset of the line in the document
    end: int
    cells: tuple[tuple[int, int], ...]  # (start, end) of each cell


def rows(text: str) -> list[Row | None]:
    """Each line as a table row (None for a line that is not one: a table ends there)."""
    out: list[Row | None] = []
    pos = 0
    for line in text.split("\n"):
        sep = "\t" if "\t" in line else ("|" if line.count("|") >= 2 else "")
        if not sep:
            out.append(None)
            pos += len(line) + 1
            continue
        if set(line.strip()) <= set("|-: "):  # a Markdown rule under the header: not a row
            pos += len(line) + 1
            continue
        cells, c = [], pos
        for part in line.split(sep):
            cells.append((c, c + len(part)))
            c += len(part) + 1
        if sep == "|" and line.strip().startswith("|"):
            cells = cells[1:-1] if line.strip().endswith("|") else cells[1:]
        out.append(Row(pos, pos + len(line), tuple(cells)))
        pos += len(line) + 1
    return out


def cell_amount(text: str, cell: tuple[int, int]) -> Amount | None:
    """The cell's amount when the cell is exactly one number with an optional unit."""
    raw = text[cell[0] : cell[1]]
    found = find_amounts(text, cell[0], cell[1])
    if len(found) == 1 and raw.strip(" \u3000") == text[found[0].start : found[0].end]:
        a = found[0]
        return (
            a
            if a.unit in ("", *patterns().money_units) or a.unit in patterns().counted_units
            else None
        )
    return None


def _is_total(text: str, row: Row) -> bool:
    return any(
        any(w in text[a:b] for w in patterns().table_total_words)
        and cell_amount(text, (a, b)) is None
        for a, b in row.cells
    )


def find_table_totals(doc: Document) -> list[Item]:
    """Every amount cell of every total row, checked against its column."""
    text = doc.text
    table = rows(text)
    items: list[Item] = []
    for r, row in enumerate(table):
        if row is None or not _is_total(text, row):
            continue
        if len(items) >= patterns().max_items:
            return [*items, over_limit("table", row.start, patterns().max_items)]
        for j, cell in enumerate(row.cells):
            total = cell_amount(text, cell)
            if total is not None:
                items.append(_check(doc, table, r, j, total))
    return items


def _column(
    doc: Document, table: list[Row | None], r: int, j: int, step: int
) -> list[tuple[Row, Amount]]:
    text, out = doc.text, []
    width = len(table[r].cells)  # type: ignore[union-attr]
    k = r + step
    while 0 <= k < len(table):
        row = table[k]
        if row is None or len(row.cells) != width or _is_total(text, row):
            break
        cell = row.cells[j]
        a = cell_amount(text, cell)
        if a is None and text[cell[0] : cell[1]].strip():
            break  # a header or text cell: the items end here
        if a is not None:
            out.append((row, a))
        k += step
    return out


def _check(doc: Document, table: list[Row | None], r: int, j: int, total: Amount) -> Item:
    row = table[r]
    assert row is not None
    label = " ".join(
        doc.text[a:b].strip()
        for a, b in row.cells[:j]
        if doc.text[a:b].strip() and cell_amount(doc.text, (a, b)) is None
    )
    base = Item(
        status="unchecked",
        kind="table",
        start=row.start,
        end=row.end,
        label=label or "合计",
        stated=total.quantity,
        stated_start=total.start,
        stated_end=total.end,
    )
    tried = [t for step in (1, -1) if (t := _direction(doc, table, r, j, total, step, base))]
    good = [t for t in tried if t.status != "mismatch"]
    if good:
        return good[0]
    if len(tried) == 1 and len(tried[0].numbers) >= 2:
        return tried[0]  # one direction only, with two or more parts: a finding
    why = (
        "该列没有可加的分项"
        if not tried
        else "上下两侧都有分项，且都不等于合计，不知合计的是哪些行"
        if len(tried) == 2
        else "只有一个分项，且不等于合计，可能并未列全"
    )
    return replace(base, status="unchecked", computed=None, expression="", reason=why)


def _direction(
    doc: Document, table: list[Row | None], r: int, j: int, total: Amount, step: int, base: Item
) -> Item | None:
    """The total checked against the rows below it (step 1) or above it (step -1)."""
    col = _column(doc, table, r, j, step)[::step]  # in table order
    if not col:
        return None
    unit = next((a.quantity.unit for a in (total, *(a for _, a in col)) if a.unit), None)
    try:
        computed = sum_in([_in(a, unit) for _, a in col], _in(total, unit).unit)
        status = compare(computed, _in(total, unit), total.places)
    except CesuanError:  # cells in units of different dimensions: not a column of amounts
        return None
    numbers = tuple(
        Number("part", _row_label(doc, rr, j), _in(a, unit), a.start, a.end) for rr, a in col
    )
    return replace(
        base,
        status=status,
        stated=_in(total, unit),
        computed=computed,
        numbers=numbers,
        expression=" + ".join(f"{a.number}{a.unit}" for _, a in col),
        reason="合计" + ("下方" if step == 1 else "上方") + "各行",
    )


def _in(a: Amount, unit: Unit | None) -> Quantity:
    """A bare number in a column of amounts takes the unit written elsewhere in that column
    (当年预算合计 3696.65万元 above 3696.65): the table states its unit once, not per cell."""
    return Quantity(a.quantity.magnitude, unit) if unit is not None and not a.unit else a.quantity


def _row_label(doc: Document, row: Row, j: int) -> str:
    for a, b in row.cells[:j]:
        if doc.text[a:b].strip():
            words = doc.text[a:b].strip()
            return words[:40]
    return "分项"
