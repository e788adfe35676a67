"""Two written forms of the case format that become plain case data before validation.

What it does:
- A quote may name a cell or an occurrence: `{text: "| 总额 | 0.00 | 3.36 | 3.36 |", cell: 3}`
  is the 3rd `|`-separated cell of the quoted row (an empty piece before the first `|` or after
  the last does not count); `{text: 填报说明, occurrence: 2}` is the 2nd place the text occurs in
  the source. The quote becomes its plain `text` (checked verbatim as every quote is) and a
  `CellQuote` record, which cesuan.casecheck checks against the source text: the row has that
  cell and it is not empty, the text occurs that many times.
- An input may give a date range instead of a value: `{dates: 2023年4月-2024年2月, count: 月}`
  becomes `value: 11 月` (cesuan.periods counts it); `count` is 月 or 天, by default 月 for a
  range written in months and 天 for one written in days. The range as written is added to the
  input's quotes (unless a quote already holds it), so it is checked verbatim against the source,
  and to its label (`建设周期（2023年4月-2024年2月）`), so the 测算依据 shows it.
What it must not do: evaluate or parse quantities (the planner reads the `value` written here);
change a quote's text; drop a mapping it does not understand (the model reports it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from cesuan.errors import CesuanError, ErrorKind, nearest_line, raise_all
from cesuan.periods import UNITS, count, parse_range

__all__ = ["CellQuote", "cells_of", "named_at", "rewrite_shorthands"]

Marks = dict[str, int]
_LINE = re.compile(r"^lines\[(\d+)\]")
_QUOTE_KEYS = frozenset({"text", "cell", "occurrence"})


@dataclass(frozen=True, slots=True)
class CellQuote:
    """A quote that names a cell of its row or an occurrence of its text in the source."""

    path: str  # where the quote is, e.g. lines[3].stated.quote[0]
    text: str
    cell: int | None = None
    occurrence: int | None = None


def named_at(path: str, line_id: object) -> str:
    """lines[3].stated → lines[total.adjusted].stated (how every error names a field)."""
    m = _LINE.match(path)
    return f"lines[{line_id}]{path[m.end() :]}" if m and isinstance(line_id, str) else path


def cells_of(row: str) -> list[str]:
    """The cells of a quoted row: split at `|`, an empty piece at either end dropped.

    >>> cells_of("| 7 | 0 | 7 |")
    [' 7 ', ' 0 ', ' 7 ']
    >>> cells_of("总额 |\\n238.93 |\\n251.89")
    ['总额 ', '\\n238.93 ', '\\n251.89']
    """
    parts = row.split("|")
    if len(parts) > 1 and not parts[0].strip():
        parts = parts[1:]
    if len(parts) > 1 and not parts[-1].strip():
        parts = parts[:-1]
    return parts


class _Pass:
    def __init__(self, file: str | None, marks: Marks) -> None:
        self.file, self.marks = file, marks
        self.errors: list[CesuanError] = []
        self.cells: list[CellQuote] = []

    def error(self, kind: ErrorKind, path: str, lid: Any, message: str, hint: str) -> None:
        self.errors.append(
            CesuanError(
                kind,
                message,
                hint=hint,
                file=self.file,
                line=nearest_line(self.marks, path),
                line_id=lid if isinstance(lid, str) else None,
                field=named_at(path, lid),
            )
        )

    def number(self, v: Any, what: str, path: str, lid: Any) -> int | None:
        if v is None:
            return None
        if isinstance(v, int) and not isinstance(v, bool):
            v = str(v)  # a mapping from Python may give cell: 3
        if isinstance(v, str) and v.isascii() and v.isdigit() and 0 < int(v) <= 10_000:
            return int(v)
        self.error(
            ErrorKind.SCHEMA, path, lid, f"{what} 应为 1–10000 的整数，却是 {v!r}", f"如 {what}: 3"
        )
        return None

    def quote(self, q: Any, path: str, lid: Any) -> Any:
        """One quote item: a mapping becomes its text, recorded as a CellQuote."""
        if not isinstance(q, dict) or "text" not in q:
            return q
        if set(q) - _QUOTE_KEYS or not isinstance(q["text"], str):
            bad = ", ".join(sorted(set(q) - _QUOTE_KEYS)) or "text"
            hint = "写作 {text: 原文的一行, cell: 3} 或 {text: 原文, occurrence: 2}"
            self.error(ErrorKind.SCHEMA, path, lid, f"引文的字段 {bad} 不对", hint)
            return q.get("text") if isinstance(q.get("text"), str) else q
        cell = self.number(q.get("cell"), "cell", f"{path}.cell", lid)
        occurrence = self.number(q.get("occurrence"), "occurrence", f"{path}.occurrence", lid)
        if cell is not None or occurrence is not None:
            self.cells.append(CellQuote(path, q["text"], cell, occurrence))
        return q["text"]

    def quotes(self, holder: dict[str, Any], path: str, lid: Any) -> None:
        q = holder.get("quote")
        if isinstance(q, list):
            holder["quote"] = [self.quote(x, f"{path}.quote[{i}]", lid) for i, x in enumerate(q)]
        elif isinstance(q, dict):
            holder["quote"] = self.quote(q, f"{path}.quote", lid)

    def dates(self, inp: dict[str, Any], path: str, lid: Any) -> None:
        text, unit = inp.pop("dates"), inp.pop("count", None)
        where = f"{path}.dates"
        if not isinstance(text, str) or "value" in inp or "ref" in inp:
            hint = "写作 {dates: 2023年4月至2024年2月, count: 月, quote: …}"
            self.error(
                ErrorKind.SCHEMA,
                where,
                lid,
                "dates 应为一段日期区间文字，且不能与 value/ref 同写",
                hint,
            )
            return
        try:
            start, _ = parse_range(text)
            if unit is None:
                unit = "月" if start.day is None else "天"
            if unit not in UNITS:
                hint = "count 写 月（整月数）或 天（日历天数）"
                self.error(ErrorKind.SCHEMA, f"{path}.count", lid, f"count 不能是 {unit!r}", hint)
                return
            n = count(text, unit)
        except CesuanError as e:
            line = nearest_line(self.marks, where)
            lid = lid if isinstance(lid, str) else None
            self.errors.append(
                e.located(file=self.file, line=line, field=named_at(where, lid), line_id=lid)
            )
            return
        inp["value"] = f"{n} {'天' if unit == '日' else unit}"
        # The 测算依据 shows the range as the form writes it: 建设周期（2023年4月-2024年2月）11个月.
        label = inp.get("label")
        inp["label"] = f"{label}（{text}）" if isinstance(label, str) else text
        quotes = inp.get("quote")
        held = [quotes] if isinstance(quotes, str) else quotes if isinstance(quotes, list) else []
        if not any(isinstance(q, str) and text in q for q in held):
            inp["quote"] = [*held, text]


def _line(p: _Pass, ld: dict[str, Any], i: int) -> dict[str, Any]:
    lid, ld = ld.get("id"), dict(ld)
    base = f"lines[{i}]"
    p.quotes(ld, base, lid)
    if isinstance(ld.get("stated"), dict):
        ld["stated"] = dict(ld["stated"])
        p.quotes(ld["stated"], f"{base}.stated", lid)
    written = ld.get("written")
    if isinstance(written, dict):
        ld["written"] = written = dict(written)
        p.quotes(written, f"{base}.written", lid)
    elif isinstance(written, list):
        ld["written"] = [dict(w) if isinstance(w, dict) else w for w in written]
        for j, w in enumerate(ld["written"]):
            if isinstance(w, dict):
                p.quotes(w, f"{base}.written[{j}]", lid)
    if isinstance(ld.get("inputs"), dict):
        ld["inputs"] = inputs = dict(ld["inputs"])
        for k, inp in inputs.items():
            if isinstance(inp, dict):
                inputs[k] = inp = dict(inp)
                if "dates" in inp:
                    p.dates(inp, f"{base}.inputs.{k}", lid)
                p.quotes(inp, f"{base}.inputs.{k}", lid)
    return ld


def _has_mapping(quote: Any) -> bool:
    if isinstance(quote, dict):
        return True
    return isinstance(quote, list) and any(isinstance(q, dict) for q in quote)


def _sugared(ld: Any) -> bool:
    """Whether a line holds a cell quote or a date range: only those lines are copied and
    rewritten (this runs on every case, so a plain line costs a few lookups)."""
    if not isinstance(ld, dict):
        return False
    holders = [ld, ld.get("stated")]
    written = ld.get("written")
    holders += written if isinstance(written, list) else [written]
    inputs = ld.get("inputs")
    if isinstance(inputs, dict):
        for inp in inputs.values():
            if isinstance(inp, dict) and "dates" in inp:
                return True
            holders.append(inp)
    return any(isinstance(h, dict) and _has_mapping(h.get("quote")) for h in holders)


def rewrite_shorthands(
    data: dict[str, Any], marks: Marks, file: str | None
) -> tuple[dict[str, Any], list[CellQuote]]:
    """The case data with cell quotes and date ranges written plainly, and the cell quotes to
    check against the source. Raises CesuanErrors for every problem found."""
    lines = data.get("lines")
    if not isinstance(lines, list):
        return data, []
    p = _Pass(file, marks)
    out = [_line(p, ld, i) if _sugared(ld) else ld for i, ld in enumerate(lines)]
    raise_all(p.errors, file=file)
    return {**data, "lines": out}, p.cells
