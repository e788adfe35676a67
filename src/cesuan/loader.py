"""Case files and mappings → a validated `Case`, with every problem of the file reported at once.

What it does: reads a YAML or JSON file (through cesuan.yamlsafe) or takes a mapping, validates
it against cesuan.model, turns pydantic's errors into Chinese `CesuanError`s that name the file,
the YAML line and the path (`lines[hall.rent].inputs.area`), reads the source document beside
the case, and runs cesuan.casecheck (ids, unquoted numbers, quotes verbatim in the source).
What it must not do: parse quantities or formulas (cesuan.plan does), or read any file other
than the case and its source document (below the case's folder, opened through cesuan.files:
no symlink followed, nothing but regular files, sizes checked before reading).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cesuan.casecheck import (
    bare_numbers,
    check_cells,
    check_conversion_quotes,
    check_quotes,
    duplicate_ids,
    lf,
)
from cesuan.casecheck import named as named_path
from cesuan.charset import describe_char, is_cjk
from cesuan.columns import expand_columns
from cesuan.errors import CesuanError, ErrorKind, nearest_line, raise_all
from cesuan.files import read_bounded
from cesuan.limits import MAX_CASE_BYTES, MAX_REPORTED_ERRORS, MAX_SOURCE_BYTES
from cesuan.model import ID_RULE_ZH, Case, Input, Line, Rounding, Stated, Written
from cesuan.shorthands import rewrite_shorthands
from cesuan.yamlsafe import Marks, decode, read_json, read_yaml

__all__ = ["read_case"]

_FIELDS: dict[str, list[str]] = {
    "case": list(Case.model_fields),
    "conversion": ["from", "to", "note", "quote", "source"],
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
    bare: set[str] = set()  # paths of unquoted numbers in the file (`area: 8369.34`)
    data, marks, file, folder = _load(where, base_dir, bare)
    # Columns written out as lines, then cell quotes and date ranges as plain data (issue 11).
    data, marks, bare = expand_columns(data, marks, bare, file)
    data, cells = rewrite_shorthands(data, marks, file)
    case = _validate(data, marks, file)
    errors = duplicate_ids(case, file, marks) + bare_numbers(case, file, marks, bare)
    if source_text is None and case.source is not None:
        source_text = _read_source(case.source, folder, file, marks, errors)
    if source_text is not None:
        # Issue 12: a form saved on Windows (CRLF) or an old Mac (CR) still matches its quotes.
        source_text = lf(source_text)
    raise_all(errors, file=file)
    check_quotes(case, source_text, file, marks, errors)
    check_conversion_quotes(case, source_text, file, marks, errors)
    check_cells(case, source_text, cells, file, marks, errors)
    if deferred is None:
        raise_all(errors, file=file)
    else:
        deferred.extend(errors)
    case.attach(file=file, marks=marks, source_text=source_text)
    return case


def _load(
    where: str | Path | Mapping[str, Any], base_dir: str | Path | None, bare: set[str]
) -> tuple[dict[str, Any], Marks, str | None, Path]:
    """The case as a mapping, its marks, its file (None for a mapping) and the folder its
    `source` is relative to; the paths of unquoted numbers are added to `bare`."""
    file: str | None = None
    marks: Marks = {}
    if isinstance(where, Mapping):
        data: Any = dict(where)
        folder = Path(base_dir) if base_dir is not None else Path.cwd()
    else:
        path = Path(where)
        file, folder = str(path), path.parent
        data, marks = _read_file(path, bare)
    if not isinstance(data, dict):
        raise CesuanError(
            ErrorKind.EMPTY_CASE if data is None else ErrorKind.SCHEMA,
            "案例文件应是一个映射（case、title、lines …）",
            file=file,
            line=1,
        )
    return data, marks, file, folder


def _validate(data: dict[str, Any], marks: Marks, file: str | None) -> Case:
    """The mapping validated against the model; pydantic's errors raised as ours, together."""
    try:
        return Case.model_validate(data)
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


def _read_file(path: Path, bare: set[str]) -> tuple[Any, Marks]:
    """A case file's data and marks; no symlink followed, size bounded before reading."""
    raw = read_bounded(path.parent, Path(path.name), limit=MAX_CASE_BYTES, what="案例文件")
    text = decode(raw, file=str(path))
    reader = read_json if path.suffix.lower() == ".json" else read_yaml
    return reader(text, file=str(path), bare=bare)


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


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            part = part or '""'  # an empty key, as cesuan.yamlsafe marks it
            out += f".{part}" if out else str(part)
    return out


def _stated_place(loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """The model keeps the second and later places of a `stated` list in `stated_also`: an
    error there is at `stated[j + 1]` of the file."""
    for k, part in enumerate(loc[:-1]):
        nxt = loc[k + 1]
        if part == "stated_also" and isinstance(nxt, int):
            return (*loc[:k], "stated", nxt + 1, *loc[k + 2 :])
    return loc


def _convert(err: Any, data: Any, marks: Marks, file: str | None) -> CesuanError:
    """One pydantic error → a Chinese CesuanError with path and line."""
    loc = tuple(p for p in err["loc"] if p not in ("function-after[_one_way()]",))
    loc = _stated_place(loc)
    kind, msg, hint = _message(err, loc, data)
    if err["type"] == "string_pattern_mismatch" and loc[-1:] == ("[key]",):
        loc = loc[:-1]  # an input's name: the error is at the input, not at a '[key]' part
    raw = _path(loc)
    return CesuanError(
        kind,
        msg,
        hint=hint,
        file=file,
        line=nearest_line(marks, raw),
        line_id=_line_id(data, raw),
        field=named_path(raw, data=data) or None,
    )


def _message(err: Any, loc: tuple[int | str, ...], data: Any) -> tuple[ErrorKind, str, str | None]:
    """The kind, Chinese message and hint of one pydantic error at `loc`."""
    t = err["type"]
    last = loc[-1] if loc else ""
    if t == "missing":
        return ErrorKind.SCHEMA, f"缺少必填字段 '{last}'", None
    if t == "extra_forbidden":
        ctx = _context(loc)
        close = difflib.get_close_matches(str(last), _FIELDS[ctx], n=1, cutoff=0.5)
        hint = f"是否为 '{close[0]}'？" if close else "可用字段：" + "、".join(_FIELDS[ctx])
        return ErrorKind.SCHEMA, f"未知字段 '{last}'", _comma_split(data, loc) or hint
    if t == "string_pattern_mismatch" and loc[-1:] == ("[key]",):
        name = str(err["input"])
        odd = [c for c in name if not (c.isascii() or is_cjk(c))]
        return (
            ErrorKind.CONFUSABLE_CHARACTER if odd else ErrorKind.INVALID_ID,
            f"输入名 '{name}' " + (f"含有形近字符 {describe_char(odd[0])}" if odd else "格式不对"),
            "输入名用英文字母或汉字开头，只含字母、汉字、数字和下划线，如 area、面积",
        )
    if t == "string_pattern_mismatch":
        return (
            ErrorKind.INVALID_ID,
            f"id '{err['input']}' 格式不对：{ID_RULE_ZH}",
            "如 hall.rent、fiber_lines；预算科目编码写作 kemu.2080101",
        )
    if t == "too_short" and last == "lines":
        return ErrorKind.EMPTY_CASE, "案例没有任何明细（lines 为空）", None
    return _value_message(err, t)


def _value_message(err: Any, t: str) -> tuple[ErrorKind, str, str | None]:
    """The kind, message and hint of an error in a value's type, size or content."""
    if t in ("string_type", "dict_type", "tuple_type", "list_type", "model_type"):
        want = {"string_type": "文本", "dict_type": "映射", "model_type": "映射"}.get(t, "列表")
        hint = "数量写作文本，如 value: 502.1604 万元" if t == "string_type" else None
        return ErrorKind.SCHEMA, f"应为{want}，却是 {_shown(err['input'])}", hint
    if t in ("int_parsing", "int_type", "int_from_float"):
        return ErrorKind.SCHEMA, f"应为整数，却是 {_shown(err['input'])}", None
    if t in _BOUNDS:
        kind = ErrorKind.SIZE_LIMIT if "long" in t else ErrorKind.SCHEMA
        ctx = err.get("ctx", {})
        keys = ("ge", "le", "max_length", "min_length")
        return kind, _BOUNDS[t].format(**{k: ctx.get(k) for k in keys}), None
    if t == "value_error":
        return ErrorKind.SCHEMA, str(err["msg"]).removeprefix("Value error, "), None
    if t == "literal_error":
        return ErrorKind.SCHEMA, f"取值应为 {err['ctx'].get('expected')}", None
    # A kind of pydantic error not translated above: say so in Chinese, keep its code.
    return ErrorKind.SCHEMA, f"取值不符合要求（{t}）", None


def _line_id(data: Any, raw: str) -> str | None:
    """The id of the line an error path (`lines[3].inputs.area`) is in, if it has one."""
    if not raw.startswith("lines["):
        return None
    try:
        line_id = data["lines"][int(raw[6 : raw.index("]")])].get("id")
    except (KeyError, IndexError, ValueError, TypeError, AttributeError):
        return None
    return line_id if isinstance(line_id, str) else None


def _comma_split(data: Any, loc: tuple[int | str, ...]) -> str | None:
    """The hint for a text cut by a half-width comma inside `{…}`: YAML reads
    `{quote: 项目预算成本,预算成本明细}` as two fields, the second an unknown one with no value."""
    parent = data
    try:
        for part in loc[:-1]:
            parent = parent[part]
    except (KeyError, IndexError, TypeError):
        return None
    if not isinstance(parent, Mapping) or parent.get(loc[-1], "") is not None:
        return None
    keys = list(parent)
    at = keys.index(loc[-1]) if loc[-1] in keys else 0
    before = next((k for k in reversed(keys[:at]) if isinstance(parent[k], str)), None)
    if before is None:
        return None
    whole = f"{parent[before]},{loc[-1]}"
    return (
        f"像是文字中的半角逗号把 {{…}} 断开了（在 {{…}} 里逗号分隔字段）："
        f'把整段文字加引号，如 {before}: "{whole}"'
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
    if last == "conversions":
        return "conversion"
    if len(names) >= 2 and names[-2] == "inputs":
        return "input"
    return {"stated": "stated", "written": "written", "round": "round"}.get(last, "line")


def _shown(v: Any) -> str:
    return type(v).__name__ if isinstance(v, dict | list) else repr(v)
