"""Checks of a validated case that its model cannot make alone (issues 12 and 13).

What it does: ids unique ignoring case; inputs written as unquoted bare numbers refused unless
declared dimensionless; every quote found verbatim in the source (CRLF and CR line ends made
`\\n` first), with a hint that shows the first differing character and a short escaped excerpt.
What it must not do: read files (cesuan.loader does) or parse quantities and formulas.
"""

from __future__ import annotations

import re
from typing import Any

from cesuan.charset import describe_char, is_cjk
from cesuan.errors import CesuanError, ErrorKind, nearest_line
from cesuan.escaping import escape
from cesuan.model import Case
from cesuan.shorthands import CellQuote, cells_of

__all__ = [
    "bare_numbers",
    "check_cells",
    "check_conversion_quotes",
    "check_quotes",
    "duplicate_ids",
    "lf",
    "named",
]

Marks = dict[str, int]
_LINE_INDEX = re.compile(r"^lines\[(\d+)\]")


def duplicate_ids(case: Case, file: str | None, marks: Marks) -> list[CesuanError]:
    """Ids are unique ignoring case: `Rent` and `rent` would print alike in many reports."""
    errors: list[CesuanError] = []
    seen: dict[str, tuple[int, str]] = {}
    for i, line in enumerate(case.lines):
        key = line.id.casefold()
        if key in seen:
            j, first = seen[key]
            errors.append(
                CesuanError(
                    ErrorKind.DUPLICATE_ID,
                    f"明细 id '{line.id}' 重复"
                    + ("" if first == line.id else f"（与 '{first}' 只差大小写）"),
                    file=file,
                    line=marks.get(f"lines[{i}].id"),
                    line_id=line.id,
                    field=f"lines[{i}].id",
                    hint=f"第 {j + 1} 个明细已用此 id",
                )
            )
        seen.setdefault(key, (i, line.id))
    return errors


def bare_numbers(case: Case, file: str | None, marks: Marks, bare: set[str]) -> list[CesuanError]:
    """An unquoted number as an input (`area: 8369.34`) would be read as dimensionless and the
    line would silently come out in 元/平方米 (issue 13): refused unless the rule the line uses
    declares that parameter dimensionless. Quoting it (`factor: "1.5"`) declares it on purpose."""
    errors: list[CesuanError] = []
    if not bare:
        return errors
    for i, line in enumerate(case.lines):
        for k, inp in line.inputs.items():
            path = next(
                (
                    p
                    for p in (f"lines[{i}].inputs.{k}", f"lines[{i}].inputs.{k}.value")
                    if p in bare
                ),
                None,
            )
            if path is None or _declared_dimensionless(line.use, k):
                continue
            v = (inp.value or "").strip()
            errors.append(
                CesuanError(
                    ErrorKind.UNTYPED_SCALAR,
                    f"输入 {k} 的值 {v} 没有单位",
                    text=v,
                    file=file,
                    line=marks.get(path),
                    line_id=line.id,
                    field=named(f"lines[{i}].inputs.{k}.value", case),
                    hint=f"写上单位，如 {v} 平方米、{v} 人；比例写作百分数；"
                    f'确是无量纲的系数时加引号：{k}: "{v}"',
                )
            )
    return errors


def _declared_dimensionless(use: str | None, param: str) -> bool:
    if use is None:
        return False
    from cesuan.rules import rule  # only for a bare number on a rule line: rules are heavier

    try:
        p = rule(use).params.get(param)
    except CesuanError:
        return False  # the unknown rule is reported by the planner
    return p is not None and p.unit == ""


def lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check_quotes(
    case: Case, source: str | None, file: str | None, marks: Marks, errors: list[CesuanError]
) -> None:
    """Every quote must occur verbatim in the source, so provenance cannot drift from the form."""
    for i, line in enumerate(case.lines):
        places: list[tuple[str, tuple[str, ...]]] = [(f"lines[{i}].quote", line.quote)]
        places += [(f"lines[{i}].inputs.{k}.quote", v.quote) for k, v in line.inputs.items()]
        if line.stated is not None:
            places.append((f"lines[{i}].stated.quote", line.stated.quote))
        places += [
            (f"lines[{i}].stated[{j}].quote", also.quote)
            for j, also in enumerate(line.stated_also, 1)
        ]
        places += [(f"lines[{i}].written[{j}].quote", w.quote) for j, w in enumerate(line.written)]
        for path, quotes in places:
            for q in quotes:
                if source is None:
                    if case.source is not None:
                        return  # the missing source file is already reported
                    errors.append(
                        CesuanError(
                            ErrorKind.SOURCE_MISSING,
                            "有引文（quote）但案例没有来源文本（source）",
                            file=file,
                            line=nearest_line(marks, path),
                            line_id=line.id,
                            field=named(path, case),
                            hint="在案例顶层写 source: 申报表原文.txt",
                        )
                    )
                    return
                q = lf(q)
                if q not in source:
                    errors.append(
                        CesuanError(
                            ErrorKind.QUOTE_NOT_IN_SOURCE,
                            "引文未逐字出现在来源文本中",
                            text=q,
                            file=file,
                            line=nearest_line(marks, path),
                            line_id=line.id,
                            field=named(path, case),
                            hint=_quote_hint(q, source),
                        )
                    )


def check_conversion_quotes(
    case: Case, source: str | None, file: str | None, marks: Marks, errors: list[CesuanError]
) -> None:
    """The quotes of the case's declared conversions, verbatim in the source like any other."""
    if source is None:
        quoted = [i for i, c in enumerate(case.conversions) if c.quote]
        if quoted and case.source is None:  # (a missing source file is already reported)
            errors.append(
                CesuanError(
                    ErrorKind.SOURCE_MISSING,
                    "有引文（quote）但案例没有来源文本（source）",
                    file=file,
                    line=nearest_line(marks, f"conversions[{quoted[0]}].quote"),
                    field=f"conversions[{quoted[0]}].quote",
                    hint="在案例顶层写 source: 申报表原文.txt",
                )
            )
        return
    for i, c in enumerate(case.conversions):
        path = f"conversions[{i}].quote"
        for q in c.quote:
            if lf(q) not in source:
                errors.append(
                    CesuanError(
                        ErrorKind.QUOTE_NOT_IN_SOURCE,
                        "引文未逐字出现在来源文本中",
                        text=lf(q),
                        file=file,
                        line=nearest_line(marks, path),
                        field=path,
                        hint=_quote_hint(lf(q), source),
                    )
                )


def check_cells(
    case: Case,
    source: str | None,
    cells: list[CellQuote],
    file: str | None,
    marks: Marks,
    errors: list[CesuanError],
) -> None:
    """A quote that names a cell (`cell: 3`) must have that many cells, the cell not empty; one
    that names an occurrence (`occurrence: 2`) must occur that often. A quote not in the source
    at all is already reported by check_quotes."""
    if source is None:
        return
    for c in cells:
        text = lf(c.text)
        if text not in source:
            continue
        problem = hint = None
        if c.cell is not None:
            row = cells_of(text)
            if c.cell > len(row) or not row[c.cell - 1].strip():
                shown = " | ".join(escape(x.strip(), exact=True) or "（空）" for x in row)
                problem = (
                    f"引文只有 {len(row)} 格，没有第 {c.cell} 格"
                    if c.cell > len(row)
                    else f"引文的第 {c.cell} 格是空的"
                )
                hint = f"各格依次为：{shown}；cell 从 1 数起，以 | 分格"
        if problem is None and c.occurrence is not None:
            n = _occurrences(text, source, c.occurrence)
            if n < c.occurrence:
                problem = f"引文在来源文本中只出现 {n} 次，没有第 {c.occurrence} 处"
                hint = "occurrence 从 1 数起；或者引得长一些，让引文只出现一次"
        if problem is not None:
            m = _LINE_INDEX.match(c.path)
            lid = case.lines[int(m.group(1))].id if m else None
            errors.append(
                CesuanError(
                    ErrorKind.QUOTE_NOT_IN_SOURCE,
                    problem,
                    text=text,
                    file=file,
                    line=nearest_line(marks, c.path),
                    line_id=lid,
                    field=named(c.path, case),
                    hint=hint,
                )
            )


def _occurrences(text: str, source: str, enough: int) -> int:
    """How many times `text` occurs in `source` (overlaps counted), stopping at `enough`."""
    n, at = 0, source.find(text)
    while at >= 0 and n < enough:
        n += 1
        at = source.find(text, at + 1)
    return n


def _quote_hint(q: str, source: str) -> str:
    """Where the quote stops matching, with both sides escaped so that an invisible difference
    (NBSP for a space, a tab, a full-width digit) can be seen; never more than ~40 characters
    of the source (a hint is not a way to print a file)."""
    lo, hi = 0, len(q)
    while lo < hi:  # longest prefix of the quote that occurs in the source
        mid = (lo + hi + 1) // 2
        if q[:mid] in source:
            lo = mid
        else:
            hi = mid - 1
    if lo == 0:
        return "来源文本中找不到这段文字的开头；请从申报表原文复制"
    at = source.index(q[:lo]) + lo
    before = ("…" if at > 10 else "") + escape(source[max(0, at - 10) : at], exact=True)
    after = escape(source[at : at + 20], exact=True) + ("…" if at + 20 < len(source) else "")
    if at >= len(source):
        return f"前 {lo} 个字符相符，原文到此结束：'{before}'"
    return (
        f"前 {lo} 个字符相符，之后引文为 {_char(q[lo])}，原文为 {_char(source[at])}；"
        f"原文此处为：'{before}⟨{after}'"
    )


def _char(c: str) -> str:
    """'两', or '\\xa0'（U+00A0 NO-BREAK SPACE）where the character alone would not say it."""
    return f"'{c}'" if is_cjk(c) else f"'{escape(c, exact=True)}'（{describe_char(c)}）"


def named(path: str, case: Case | None = None, data: Any = None) -> str:
    """lines[3].inputs.area → lines[hall.rent].inputs.area (ids read better than indexes)."""
    if not path.startswith("lines["):
        return path
    close = path.index("]")
    idx = path[6:close]
    lines = case.lines if case is not None else (data or {}).get("lines")
    try:
        i = int(idx)
        lid = lines[i].id if case is not None else lines[i]["id"]  # type: ignore[index]
    except (ValueError, IndexError, KeyError, TypeError):
        return path
    return f"lines[{lid}]{path[close + 1 :]}" if isinstance(lid, str) else path
