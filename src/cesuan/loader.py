"""Case files and mappings → a validated `Case`, with every problem of the file reported at once.

What it does: reads a YAML or JSON file (through cesuan.yamlsafe) or takes a mapping, validates
it against cesuan.model, turns pydantic's errors into Chinese `CesuanError`s that name the file,
the YAML line and the path (`lines[hall.rent].inputs.area`), reads the source document beside
the case and checks that every quote occurs in it verbatim.
What it must not do: parse quantities or formulas (cesuan.plan does), or read any file other
than the case and its source document (which must lie beside or below the case).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cesuan.charset import describe_char, is_cjk
from cesuan.errors import CesuanError, ErrorKind, nearest_line, raise_all
from cesuan.escaping import escape
from cesuan.files import read_bounded
from cesuan.limits import MAX_CASE_BYTES, MAX_REPORTED_ERRORS, MAX_SOURCE_BYTES
from cesuan.model import Case, Input, Line, Rounding, Stated, Written
from cesuan.yamlsafe import Marks, decode, read_json, read_yaml

__all__ = ["read_case"]

_FIELDS: dict[str, list[str]] = {
    "case": list(Case.model_fields),
    "line": list(Line.model_fields),
    "input": list(Input.model_fields),
    "stated": list(Stated.model_fields),
    "written": list(Written.model_fields),
    "round": list(Rounding.model_fields),
}


def read_case(
    where: str | Path | Mapping[str, Any],
    *,
    source_text: str | None = None,
    base_dir: str | Path | None = None,
    deferred: list[CesuanError] | None = None,
) -> Case:
    """Read and validate one case.

    Args:
        where: a path to a .yaml/.yml/.json file, or the case as a mapping.
        source_text: the form's text, when not given by the case's `source` file.
        base_dir: where a mapping's `source` path is relative to (default: current directory).
        deferred: if given, problems that do not stop later checks (quotes not in the source)
            are appended here instead of raised, so the caller can report them together with
            what the later stages find.

    Raises:
        CesuanError / CesuanErrors: every problem found, each located.
    """
    file: str | None = None
    marks: Marks = {}
    bare: set[str] = set()  # paths of unquoted numbers in the file (`area: 8369.34`)
    if isinstance(where, Mapping):
        data: Any = dict(where)
        folder = Path(base_dir) if base_dir is not None else Path.cwd()
    else:
        path = Path(where)
        file = str(path)
        raw = read_bounded(path.parent, Path(path.name), limit=MAX_CASE_BYTES, what="案例文件")
        text = decode(raw, file=file)
        reader = read_json if path.suffix.lower() == ".json" else read_yaml
        data, marks = reader(text, file=file, bare=bare)
        folder = path.parent
    if not isinstance(data, dict):
        raise CesuanError(
            ErrorKind.EMPTY_CASE if data is None else ErrorKind.SCHEMA,
            "案例文件应是一个映射（case、title、lines …）",
            file=file,
            line=1,
        )
    try:
        case = Case.model_validate(data)
    except ValidationError as e:
        errs = [
            err
            for err in e.errors()
            # pydantic also calls a list of lines "too short" when its items failed; the items'
            # own errors are the ones to report.
            if not (err["type"] == "too_short" and err["loc"] == ("lines",) and err["input"])
        ]
        # Only the first problems are converted: a hostile file can hold 200,000 of them.
        kept = [_convert(err, data, marks, file) for err in errs[:MAX_REPORTED_ERRORS]]
        raise_all(kept, file=file, omitted=len(errs) - len(kept))
        raise  # unreachable: raise_all raises for a non-empty list
    errors = _duplicate_ids(case, file, marks) + _bare_numbers(case, file, marks, bare)
    if source_text is None and case.source is not None:
        source_text = _read_source(case.source, folder, file, marks, errors)
    if source_text is not None:
        # Issue 12: a form saved on Windows (CRLF) or an old Mac (CR) still matches its quotes.
        source_text = _lf(source_text)
    raise_all(errors, file=file)
    _check_quotes(case, source_text, file, marks, errors)
    if deferred is None:
        raise_all(errors, file=file)
    else:
        deferred.extend(errors)
    case.attach(file=file, marks=marks, source_text=source_text)
    return case


def _duplicate_ids(case: Case, file: str | None, marks: Marks) -> list[CesuanError]:
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


def _bare_numbers(case: Case, file: str | None, marks: Marks, bare: set[str]) -> list[CesuanError]:
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
                    field=_named(f"lines[{i}].inputs.{k}.value", case),
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


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_source(
    rel: str, folder: Path, file: str | None, marks: Marks, errors: list[CesuanError]
) -> str | None:
    p = Path(rel)
    if p.is_absolute() or ".." in p.parts or not p.parts:
        errors.append(
            CesuanError(
                ErrorKind.SOURCE_MISSING,
                f"来源文件路径 '{rel}' 不在案例目录内",
                file=file,
                line=marks.get("source"),
                field="source",
                hint="来源文本须放在案例文件旁边，写相对路径",
            )
        )
        return None
    try:
        raw = read_bounded(folder, p, limit=MAX_SOURCE_BYTES, what="来源文件", field="source")
    except CesuanError as e:
        # Located in the case file, at its `source:` line; the path is the offending text.
        missing = e.kind == ErrorKind.FILE_NOT_FOUND
        errors.append(
            CesuanError(
                ErrorKind.SOURCE_MISSING if missing else e.kind,
                f"找不到来源文件 '{rel}'" if missing else e.message,
                hint="source 写相对于案例文件的路径" if missing else e.hint,
                text=None if missing else (e.text or rel),
                column=e.column,
                file=file,
                line=marks.get("source"),
                field="source",
            )
        )
        return None
    try:
        return decode(raw, file=str(folder / p), limit=MAX_SOURCE_BYTES)
    except CesuanError as e:
        errors.append(e.located(field="source"))
        return None


def _check_quotes(
    case: Case, source: str | None, file: str | None, marks: Marks, errors: list[CesuanError]
) -> None:
    """Every quote must occur verbatim in the source, so provenance cannot drift from the form."""
    for i, line in enumerate(case.lines):
        places: list[tuple[str, tuple[str, ...]]] = [(f"lines[{i}].quote", line.quote)]
        places += [(f"lines[{i}].inputs.{k}.quote", v.quote) for k, v in line.inputs.items()]
        if line.stated is not None:
            places.append((f"lines[{i}].stated.quote", line.stated.quote))
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
                            field=_named(path, case),
                            hint="在案例顶层写 source: 申报表原文.txt",
                        )
                    )
                    return
                q = _lf(q)
                if q not in source:
                    errors.append(
                        CesuanError(
                            ErrorKind.QUOTE_NOT_IN_SOURCE,
                            "引文未逐字出现在来源文本中",
                            text=q,
                            file=file,
                            line=nearest_line(marks, path),
                            line_id=line.id,
                            field=_named(path, case),
                            hint=_quote_hint(q, source),
                        )
                    )


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


def _named(path: str, case: Case | None = None, data: Any = None) -> str:
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


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _convert(err: Any, data: Any, marks: Marks, file: str | None) -> CesuanError:
    """One pydantic error → a Chinese CesuanError with path and line."""
    loc = tuple(p for p in err["loc"] if p not in ("function-after[_one_way()]",))
    raw = _path(loc)
    named = _named(raw, data=data)
    t = err["type"]
    kind = ErrorKind.SCHEMA
    hint = None
    last = loc[-1] if loc else ""
    if t == "missing":
        msg = f"缺少必填字段 '{last}'"
    elif t == "extra_forbidden":
        msg = f"未知字段 '{last}'"
        ctx = _context(loc)
        close = difflib.get_close_matches(str(last), _FIELDS[ctx], n=1, cutoff=0.5)
        hint = f"是否为 '{close[0]}'？" if close else "可用字段：" + "、".join(_FIELDS[ctx])
    elif t == "string_pattern_mismatch" and loc[-1:] == ("[key]",):
        name = str(err["input"])
        odd = [c for c in name if not (c.isascii() or is_cjk(c))]
        kind = ErrorKind.CONFUSABLE_CHARACTER if odd else ErrorKind.INVALID_ID
        msg = f"输入名 '{name}' " + (f"含有形近字符 {describe_char(odd[0])}" if odd else "格式不对")
        hint = "输入名用英文字母或汉字开头，只含字母、汉字、数字和下划线，如 area、面积"
        raw = _path(loc[:-1])
        named = _named(raw, data=data)
    elif t == "string_pattern_mismatch":
        kind = ErrorKind.INVALID_ID
        msg = f"id '{err['input']}' 格式不对"
        hint = "id 用英文字母开头的点分形式，如 hall.rent、fiber_lines"
    elif t == "too_short" and last == "lines":
        kind = ErrorKind.EMPTY_CASE
        msg = "案例没有任何明细（lines 为空）"
    elif t in ("string_type", "dict_type", "tuple_type", "list_type", "model_type"):
        want = {"string_type": "文本", "dict_type": "映射", "model_type": "映射"}.get(t, "列表")
        msg = f"应为{want}，却是 {_shown(err['input'])}"
        if t == "string_type":
            hint = "数量写作文本，如 value: 502.1604 万元"
    elif t in ("int_parsing", "int_type", "int_from_float"):
        msg = f"应为整数，却是 {_shown(err['input'])}"
    elif t in _BOUNDS:
        kind = ErrorKind.SIZE_LIMIT if "long" in t else ErrorKind.SCHEMA
        ctx = err.get("ctx", {})
        msg = _BOUNDS[t].format(**{k: ctx.get(k) for k in ("ge", "le", "max_length", "min_length")})
    elif t == "value_error":
        msg = str(err["msg"]).removeprefix("Value error, ")
    elif t == "literal_error":
        msg = f"取值应为 {err['ctx'].get('expected')}"
    else:  # a kind of pydantic error not translated above: say so in Chinese, keep its code
        msg = f"取值不符合要求（{t}）"
    line_id = None
    if raw.startswith("lines["):
        try:
            line_id = data["lines"][int(raw[6 : raw.index("]")])].get("id")
        except (KeyError, IndexError, ValueError, TypeError, AttributeError):
            line_id = None
    return CesuanError(
        kind,
        msg,
        hint=hint,
        file=file,
        line=nearest_line(marks, raw),
        line_id=line_id if isinstance(line_id, str) else None,
        field=named or None,
    )


_BOUNDS = {
    "greater_than_equal": "取值应不小于 {ge}",
    "less_than_equal": "取值应不大于 {le}",
    "too_long": "最多 {max_length} 项",
    "string_too_long": "文本最长 {max_length} 个字符",
    "too_short": "至少 {min_length} 项",
}


def _context(loc: tuple[int | str, ...]) -> str:
    names = [p for p in loc[:-1] if isinstance(p, str)]
    if not names:
        return "case"
    last = names[-1]
    if last == "lines":
        return "line"
    if len(names) >= 2 and names[-2] == "inputs":
        return "input"
    return {"stated": "stated", "written": "written", "round": "round"}.get(last, "line")


def _shown(v: Any) -> str:
    return type(v).__name__ if isinstance(v, dict | list) else repr(v)
