"""`cesuan calc --format csv`: one row per line, amounts as the form writes them and exactly.

What it does: writes the columns `CSV_COLUMNS` (documented in docs/export.md) for every line of
every case, in case order, RFC 4180 quoting, CRLF line ends.
What it must not do: compute amounts (every number comes from the result, shown by
cesuan.display), or let case text start a spreadsheet formula (text fields that begin with
= + - @ or a tab/CR are prefixed with an apostrophe, as OWASP advises for CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

from cesuan import exact
from cesuan.display import UNIT_PLACES, case_places, line_places, show, show_line
from cesuan.evaluation import LineResult, Result
from cesuan.intervals import range_text
from cesuan.report import clean

__all__ = ["CSV_COLUMNS", "calc_csv"]

CSV_COLUMNS = (
    "case",
    "id",
    "label",
    "value",
    "exact",
    "unit",
    "stated",
    "difference",
    "rounding",
    "how",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(s: object) -> str:
    t = clean(s)
    return "'" + t if t.startswith(_FORMULA_START) else t


def _row(case: str, r: LineResult, unit_places: Mapping[str, int]) -> list[str]:
    p = r.planned
    shown = show_line(r, unit_places)
    pct = shown.percent
    stated = difference = ""
    if p.stated_value is not None:
        stated = show(p.stated_value, line_places(r, unit_places), percent=pct).text
        # As the exact column: exact, or 6 decimals and '…' where they do not end (never p/q).
        difference = show(exact.sub(r.value, p.stated_value), None, percent=pct).text
    rounding = ""
    if p.rounding is not None:
        n, ru, mode = p.rounding
        rounding = f"{mode} {n} {ru.text}".rstrip()
    value, exact_text = shown.text, show(r.value, None, percent=pct).text
    if r.interval is not None:
        # A range is not one value: written as text ("不低于4000万元"), no difference.
        value = exact_text = range_text(r.interval, r.unit)
        difference = ""
    if p.stated_bound is not None:
        stated, difference = p.stated_bound.zh(), ""
    return [
        _text(case),
        _text(r.id),
        _text(p.line.label),
        _text(value),
        _text(exact_text),
        "%" if pct else r.unit.text,
        stated,
        difference,
        rounding,
        p.how,
    ]


def calc_csv(
    results: Sequence[Result],
    *,
    bom: bool = False,
    header: bool = True,
    unit_places: Mapping[str, int] = UNIT_PLACES,
) -> str:
    """The CSV text of the lines of `results` (a header row, then one row per line).

    `bom` puts a UTF-8 byte order mark first, which Excel needs to read Chinese text in a
    .csv file correctly (WPS and other programs do not mind it). `header=False` leaves out the
    header row (a batch joins the rows of each case under one header).

    >>> import cesuan
    >>> text = calc_csv([cesuan.evaluate("cases/examples/hall-rent.yaml")])
    >>> print(text.splitlines()[0]); print(text.splitlines()[6])
    case,id,label,value,exact,unit,stated,difference,rounding,how
    examples.hall-rent,hall.property,大厅物业费,120.53,120.528,万元,120.53,-0.002,,formula
    """
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    if header:
        w.writerow(CSV_COLUMNS)
    for res in results:
        order = {ln.id: i for i, ln in enumerate(res.case.lines)}
        places = case_places(res, unit_places)
        for r in sorted(res.lines, key=lambda x: order[x.id]):
            w.writerow(_row(res.case.case, r, places))
    return ("\ufeff" if bom else "") + buf.getvalue()
