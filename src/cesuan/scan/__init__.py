"""Audit a form straight from its text: `cesuan scan` and `cesuan draft` (issue 17).

What it does: reads a form (text, .docx, .xlsx), recognises the calculations its text states —
written expressions with a result, totals with their parts, quantity × standard sentences, table
totals — checks each exactly, and reports those that do not hold, with everything recognised but
not checkable listed as unchecked with the reason. `draft_case` writes a case file from them.
What it must not do: report a finding where the text does not state the calculation
unambiguously, evaluate anything except through cesuan.expr and cesuan.exact, or change the text
it quotes.
"""

from __future__ import annotations

from pathlib import Path

from cesuan.scan.items import Document, Item, ScanReport

__all__ = ["Document", "Item", "ScanReport", "scan_document", "scan_file"]


def scan_document(doc: Document) -> ScanReport:
    """Recognise and check every calculation in a document, in text order.

    >>> from cesuan.scan.reader import read_text
    >>> r = scan_document(read_text("核定经费为3702-492*98%+492=3637.8万元".encode()))
    >>> [(i.status, str(i.computed)) for i in r.items]
    [('mismatch', '3711.84 万元')]
    """
    from cesuan.scan.enumerations import find_enumerations
    from cesuan.scan.rates import find_rates
    from cesuan.scan.row_totals import find_row_totals
    from cesuan.scan.rows import find_row_results
    from cesuan.scan.tables import find_table_totals
    from cesuan.scan.written import find_written

    items = find_written(doc) + find_enumerations(doc) + find_rates(doc) + find_table_totals(doc)
    items += find_row_totals(doc)
    items += find_row_results(doc, items)
    return ScanReport(doc, tuple(sorted(items, key=lambda i: (i.start, i.end, i.kind))))


def scan_file(path: str | Path) -> ScanReport:
    """Read a form file (see cesuan.scan.reader) and scan it."""
    from cesuan.scan.reader import read_document

    return scan_document(read_document(path))
