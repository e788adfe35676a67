"""Old vs new: two evaluated cases compared line by line (`cesuan compare`).

What it does: pairs the lines of two results by id (the old case's order, a line only in the new
case placed after the line it follows there), and gives for each the old and new value in the old
line's unit, the difference and the change in percent — all exact — and whether the value
changed. Text, Markdown and JSON show the amounts at the line's display precision (the places of
its stated amount, else 2 for 万元, else exact) and the change in percent to two places; the JSON
also carries the exact values.
What it must not do: evaluate or reconcile (it reads two results), print or exit. A line counts
as changed only when its exact value changed, never because of display rounding.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

from cesuan import exact
from cesuan.evaluation import LineResult, Result
from cesuan.intervals import Interval, range_text
from cesuan.report import _table, clean, md
from cesuan.units import Unit

__all__ = [
    "FORMAT_VERSION",
    "Comparison",
    "Row",
    "compare",
    "compare_json",
    "compare_markdown",
    "compare_text",
]

FORMAT_VERSION = "1.0"  # of `cesuan compare --format json`
Status = Literal["same", "changed", "added", "removed", "incomparable"]
STATUS_ZH = {
    "same": "",
    "changed": "变动",
    "added": "新增",
    "removed": "删除",
    "incomparable": "单位不同",
}
_UNIT_PLACES = {"万元": 2}  # the forms' convention where a line states no amount (issue 15)
_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class Row:
    """One line id: its values in `unit` (None on the side where the line does not exist)."""

    id: str
    label: str
    unit: Unit
    old: exact.Num | None
    new: exact.Num | None
    places: int | None  # display places of the amounts (in percent when `percent`)
    percent: bool
    status: Status
    # Where a side's value is a range (a bound upstream, cesuan.intervals): that side as text
    # (不低于4000万元); its value is then None, and there is no difference.
    old_range: str | None = None
    new_range: str | None = None

    @property
    def difference(self) -> exact.Num | None:
        """new − old, exactly; None unless both sides have a comparable value."""
        if self.old is None or self.new is None or self.status == "incomparable":
            return None
        return exact.sub(self.new, self.old)

    @property
    def change(self) -> Fraction | None:
        """(new − old) / old, exactly; None where the difference is, or when old is 0."""
        d = self.difference
        if d is None or self.old is None or self.old == 0:
            return None
        return exact.to_fraction(d) / exact.to_fraction(self.old)


@dataclass(frozen=True, slots=True)
class Comparison:
    """Two results compared: rows in case order."""

    old: Result
    new: Result
    rows: tuple[Row, ...]

    def changed(self) -> list[str]:
        """Ids of the lines whose value changed (or that exist on one side only)."""
        return [r.id for r in self.rows if r.status != "same"]


def compare(old: Result, new: Result) -> Comparison:
    """Compare two evaluated cases line by line (8500 × 50 × 12 = 5100000 元 = 510 万元).

    >>> from cesuan import evaluate
    >>> from cesuan.scenario import apply_overrides
    >>> old = evaluate("cases/examples/hall-rent.yaml")
    >>> new = evaluate(apply_overrides("cases/examples/hall-rent.yaml",
    ...                                {"hall.rent.area": "8500 平方米"}))
    >>> c = compare(old, new)
    >>> c.changed()
    ['hall.rent', 'hall']
    >>> row = c.rows[0]
    >>> [exact.format_exact(x) for x in (row.old, row.new, row.difference)]
    ['502.1604', '510', '7.8396']
    """
    olds = {r.id: r for r in old.lines}
    news = {r.id: r for r in new.lines}
    rows = []
    for lid in _order([ln.id for ln in old.case.lines], [ln.id for ln in new.case.lines]):
        rows.append(_row(lid, olds.get(lid), news.get(lid)))
    return Comparison(old, new, tuple(rows))


def _order(old_ids: list[str], new_ids: list[str]) -> list[str]:
    """The old order, each new-only id right after the id it follows in the new case."""
    out = list(old_ids)
    known = set(out)
    after = -1  # index in `out` of the last new id placed
    for lid in new_ids:
        if lid in known:
            after = out.index(lid)
        else:
            after += 1
            out.insert(after, lid)
            known.add(lid)
    return out


def _row(lid: str, o: LineResult | None, n: LineResult | None) -> Row:
    base = o if o is not None else n
    assert base is not None
    unit = base.unit
    old = o.value if o is not None else None
    new = n.value if n is not None else None
    status: Status = "changed"
    if o is None:
        status = "added"
    elif n is None:
        status = "removed"
    elif n.unit.dims != unit.dims:
        status, new = "incomparable", None  # shown as 单位不同, never in the wrong unit
    else:
        assert old is not None
        new = _in(n.value, n.unit, unit)
        status = "same" if exact.to_fraction(new) == exact.to_fraction(old) else "changed"
    places, percent = _places(base)
    if any(r is not None and r.interval is not None for r in (o, n)):
        return _range_row(lid, o, n, status, places, percent)
    return Row(lid, base.planned.line.label, unit, old, new, places, percent, status)


def _range_row(
    lid: str,
    o: LineResult | None,
    n: LineResult | None,
    status: Status,
    places: int | None,
    percent: bool,
) -> Row:
    """A line whose value is a range on either side: compared as intervals, exactly."""
    base = o if o is not None else n
    assert base is not None
    unit = base.unit

    def iv(r: LineResult) -> Interval:
        f = r.unit.factor_to(unit)
        own = r.interval or Interval.point(exact.to_fraction(r.value))
        return own * Interval.point(f)

    if o is not None and n is not None and status != "incomparable":
        status = "same" if iv(o) == iv(n) else "changed"
    old, new = (None if r is None else range_text(iv(r), unit) for r in (o, n))
    return Row(lid, base.planned.line.label, unit, None, None, places, percent, status, old, new)


def _in(value: exact.Num, frm: Unit, to: Unit) -> exact.Num:
    f = frm.factor / to.factor
    return value if f == 1 else exact.mul(value, f)


def _places(r: LineResult) -> tuple[int | None, bool]:
    """Display places as the form writes the line: those of its stated amount (in percent for
    a rate written with %), else the unit's convention, else exact (None)."""
    p = r.planned
    percent = r.unit.dimensionless and p.line.stated is not None and "%" in p.line.stated.value
    if p.stated is not None and p.stated_places is not None and p.stated.unit == p.unit:
        return p.stated_places, percent
    if percent:
        return 2, True
    return _UNIT_PLACES.get(p.unit.text), False


def _shown(x: exact.Num | None, row: Row, *, signed: bool = False) -> str:
    if x is None:
        return "—"
    v = exact.mul(x, _HUNDRED) if row.percent else x
    if row.places is None:
        text = exact.format_exact(v) if exact.is_terminating(v) else _approx(v, 6)
    else:
        text = exact.format_exact(exact.round_half_up(v, row.places), places=row.places)
    sign = "+" if signed and exact.to_fraction(x) > 0 else ""
    unit = "%" if row.percent else row.unit.text
    return f"{sign}{exact.minus_sign(text)}{unit}"  # − as in every text people read


def _approx(v: exact.Num, places: int) -> str:
    return exact.format_exact(exact.round_half_up(v, places)) + "…"


def _change(row: Row) -> str:
    c = row.change
    if c is None:
        return "—"
    text = exact.format_exact(exact.round_half_up(c * 100, 2), places=2)
    return ("+" if c > 0 else "") + exact.minus_sign(text) + "%"


def _cells(row: Row) -> list[str]:
    old = row.old_range or _shown(row.old, row)
    new = row.new_range or _shown(row.new, row)
    if row.status == "same":  # blank, so that the changed lines stand out
        return ["", row.id, row.label, old, new, "", ""]
    return [
        STATUS_ZH[row.status],
        row.id,
        row.label,
        old,
        new,
        _shown(row.difference, row, signed=True),
        _change(row),
    ]


_HEAD = ["变动", "id", "项目内容", "原值", "新值", "差额", "变化"]


def _heading(c: Comparison) -> list[str]:
    o, n = c.old.case, c.new.case
    name = f"{clean(o.title)}（{clean(o.case)}）"
    if (o.case, o.title) != (n.case, n.title):
        name += f" → {clean(n.title)}（{clean(n.case)}）"
    lines = [f"对比：{name}"]
    if o.file != n.file:
        lines.append(f"原案例：{clean(o.file)}；新案例：{clean(n.file)}")
    for ov in n.overrides:
        note = f"：{clean(ov.note)}" if ov.note else ""
        lines.append(
            f"改动：{clean(ov.line)}.{clean(ov.input)} {clean(ov.old)} → {clean(ov.new)}"
            f"（{clean(ov.source)}{note}）"
        )
    return lines


def _summary(c: Comparison) -> str:
    return f"共 {len(c.rows)} 行，其中 {len(c.changed())} 行有变动。"


def compare_text(c: Comparison) -> str:
    """The comparison as an aligned terminal table, changed lines marked in the first column."""
    rows = [[clean(x) for x in _cells(r)] for r in c.rows]
    return "\n".join([*_heading(c), _table(_HEAD, rows), _summary(c)])


def compare_markdown(c: Comparison) -> str:
    """The comparison as a Markdown table (case text escaped)."""
    out = [f"# {line}" if i == 0 else f"- {line}" for i, line in enumerate(_heading(c))]
    out += ["", "| " + " | ".join(_HEAD) + " |", "|" + "---|" * len(_HEAD)]
    out += ["| " + " | ".join(md(x) for x in _cells(r)) + " |" for r in c.rows]
    return "\n".join([*out, "", _summary(c)])


def compare_json(c: Comparison) -> dict[str, Any]:
    """Plain data: exact values as decimal text (p/q where a value does not terminate), the
    shown texts beside them, the overrides of the new case."""

    def q(x: exact.Num | None, unit: Unit) -> str | None:
        if x is None:
            return None
        n = exact.format_exact(x)
        return f"{n} {unit.text}" if unit.terms else n

    def side(r: Result) -> dict[str, Any]:
        return {"case": r.case.case, "title": r.case.title, "file": r.case.file}

    lines = []
    for r in c.rows:
        change = r.change
        lines.append(
            {
                "id": r.id,
                "label": r.label,
                "status": r.status,
                "unit": r.unit.text,
                "old": q(r.old, r.unit),
                "new": q(r.new, r.unit),
                "difference": q(r.difference, r.unit),
                "change": None if change is None else exact.format_exact(change),
                "shown": dict(zip(_HEAD[3:], _cells(r)[3:], strict=True)),
            }
        )
        if r.old_range or r.new_range:  # a range is not one value: old/new are then null
            lines[-1] |= {"old_range": r.old_range, "new_range": r.new_range}
    return {
        "format_version": FORMAT_VERSION,
        "old": side(c.old),
        "new": side(c.new),
        "overrides": [o.model_dump(mode="json") for o in c.new.case.overrides],
        "changed": c.changed(),
        "lines": lines,
    }
