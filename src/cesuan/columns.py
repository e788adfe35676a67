"""Columns: a case whose rows repeat for several years, sources or budget stages, as plain lines.

What it does: before the case is validated, a case that declares `columns:` (年初预算/全年预算/
全年执行数, 2020/2021/2022, 中央/省/市/县 …) is rewritten into an ordinary case. A line that
gives one value per column (a mapping column → value at `value`, `stated`, an input or
`written`), or whose formula or `ref:` uses such a line, becomes one line per column: id
`<id>.<key>`, label `<label>·<column name>`, each per-column field replaced by that column's
entry, and every name of a per-column line in its formula rewritten to that column's line. A
line with no per-column value and no per-column dependency stays one line, shared by all
columns (a standard, a rate). A formula names another column's value by the expanded id
(`funds.executed / funds.adjusted`): such a line is an ordinary line over two cells. The file
lines of every field (`marks`) and the unquoted-number paths follow the rewrite, so errors in
an expanded line point at the line of the file where the value is written.
What it must not do: evaluate, parse quantities or check units (the planner does, on the
rewritten case); change a case without `columns:` (apart from refusing per-column mappings in
it); let a rewritten id collide with a written one or grow the case past MAX_LINES.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cesuan.errors import CesuanError, ErrorKind, nearest_line, raise_all, suggest
from cesuan.expr.ast import Name, walk
from cesuan.expr.parser import parse_formula
from cesuan.limits import MAX_LINES
from cesuan.model import RESERVED_COLUMN_NAMES
from cesuan.shorthands import named_at

__all__ = ["Column", "expand_columns"]

Marks = dict[str, int]
_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_YEAR = re.compile(r"^[0-9]{4}$")
_RESERVED = RESERVED_COLUMN_NAMES  # the fields a per-column mapping stands in for
_LINE = re.compile(r"^lines\[(\d+)\]")
_PER_COLUMN_FIELDS = ("value", "stated", "written", "quote")  # and every input


@dataclass(frozen=True, slots=True)
class Column:
    """One declared column: its name as the form writes it, and the key of its line ids."""

    name: str
    key: str


class _Errors:
    def __init__(self, file: str | None, marks: Marks) -> None:
        self.file, self.marks, self.found = file, marks, list[CesuanError]()

    def add(self, path: str, message: str, hint: str, line_id: str | None = None) -> None:
        self.found.append(
            CesuanError(
                ErrorKind.SCHEMA,
                message,
                hint=hint,
                file=self.file,
                line=nearest_line(self.marks, path),
                line_id=line_id,
                field=named_at(path, line_id),
            )
        )


def _declared(raw: Any, err: _Errors) -> list[Column]:
    """`columns:` → Columns; a name of four digits (a year) gets the key `y<year>`."""
    if not isinstance(raw, list) or not raw:
        err.add(
            "columns", "columns 应是列的列表", "写作 columns: [2021, 2022] 或 {name, key} 的列表"
        )
        return []
    cols: list[Column] = []
    for i, item in enumerate(raw):
        name, key = (item.get("name"), item.get("key")) if isinstance(item, dict) else (item, None)
        if isinstance(name, int) and not isinstance(name, bool):
            name = str(name)  # columns: [2021, 2022] from Python
        extra = set(item) - {"name", "key"} if isinstance(item, dict) else set()
        if not isinstance(name, str) or not name.strip() or extra:
            err.add(
                f"columns[{i}]",
                "列应写作列名，或 {name: 列名, key: 英文键}",
                "如 {name: 年初预算, key: initial}",
            )
            continue
        if key is None:
            key = name if _KEY.match(name) else f"y{name}" if _YEAR.match(name) else None
        if not isinstance(key, str) or not _KEY.match(key):
            err.add(
                f"columns[{i}]",
                f"列 '{name}' 需要一个英文键（key），用于展开后的明细 id",
                f"写作 {{name: {name}, key: initial}}：键以英文字母开头，只含字母、数字和下划线",
            )
            continue
        if {name, key} & _RESERVED or any(c in name for c in ".[]"):
            err.add(f"columns[{i}]", f"列名 '{name}' 不可用", "列名不能是字段名，也不能含 . [ ]")
            continue
        taken = {c.name for c in cols} | {c.key for c in cols}
        if name in taken or key in taken:
            err.add(
                f"columns[{i}]",
                f"列 '{name}'（键 {key}）与前面的列重名",
                "每一列的名称和键都不能重复",
            )
            continue
        cols.append(Column(name, key))
    return cols


def _split(
    v: Any, cols: list[Column], path: str, err: _Errors, lid: str | None
) -> dict[str, tuple[str, Any]] | None:
    """A per-column mapping → {column key: (the key as written, entry)}; None if `v` is not one."""
    if not isinstance(v, dict) or not v:
        return None
    by = {c.name: c for c in cols} | {c.key: c for c in cols}
    if not any(str(k) in by for k in v):
        # No key names a column: an ordinary mapping ({value, quote}), unless every key looks
        # like a column (a year, or Chinese: no field of the case format is either).
        looks = all(_YEAR.match(str(k)) or not _KEY.match(str(k)) for k in v)
        if _RESERVED.intersection(v) or not looks:
            return None
        if not cols:
            err.add(
                path,
                f"按列给出的值（{'、'.join(map(str, v))}），但案例没有声明 columns",
                "在案例顶层写 columns: [...]，列出这些列",
                lid,
            )
            return None
    out: dict[str, tuple[str, Any]] = {}
    for k, entry in v.items():
        k = str(k)  # {2021: …} from Python
        col = by.get(k)
        if col is None:
            near = suggest(k, by)
            err.add(
                f"{path}.{k}",
                f"列 '{k}' 没有在 columns 中声明",
                (f"是否为 '{near}'？" if near else "")
                + "已声明的列："
                + "、".join(c.name for c in cols)
                + "；按列写时每个键都是列名或列的键",
                lid,
            )
        elif col.key in out:
            err.add(f"{path}.{k}", f"列 '{col.name}' 给了两次", "列名和键只写其一", lid)
        else:
            out[col.key] = (k, entry)
    return out


@dataclass
class _Row:
    """One written line and what the rewrite needs to know about it."""

    index: int
    data: dict[str, Any]
    split: dict[str, dict[str, tuple[str, Any]]]  # field path below the line → per-column entries
    uses: set[str]  # the line ids its formula names and its inputs ref
    per_column: bool = False


def _names(formula: Any) -> tuple[Name, ...]:
    return _parsed_names(formula) if isinstance(formula, str) else ()


@lru_cache(maxsize=4096)
def _parsed_names(formula: str) -> tuple[Name, ...]:
    """The names of a formula, in text order; cached by text (the expanded case repeats each
    formula once per column, and a large table repeats the same formula on many rows)."""
    try:
        tree = parse_formula(formula)  # it normalises (one-for-one: positions hold)
    except CesuanError:
        return ()  # the planner reports the formula; a line it cannot read uses nothing here
    return tuple(sorted((n for n in walk(tree) if isinstance(n, Name)), key=lambda n: n.pos))


def _rows(lines: list[Any], cols: list[Column], err: _Errors) -> list[_Row]:
    rows = []
    for i, ld in enumerate(lines):
        if not isinstance(ld, dict):
            rows.append(_Row(i, {}, {}, set()))
            continue
        lid = ld.get("id") if isinstance(ld.get("id"), str) else None
        split: dict[str, dict[str, tuple[str, Any]]] = {}
        for f in _PER_COLUMN_FIELDS:
            s = _split(ld.get(f), cols, f"lines[{i}].{f}", err, lid)
            if s is not None:
                split[f] = s
        inputs = ld.get("inputs")
        inputs = inputs if isinstance(inputs, dict) else {}
        uses = {n.id for n in _names(ld.get("formula"))} if cols else set()
        for k, inp in inputs.items():
            s = _split(inp, cols, f"lines[{i}].inputs.{k}", err, lid)
            if s is not None:
                split[f"inputs.{k}"] = s
            if isinstance(inp, dict) and isinstance(inp.get("ref"), str):
                uses.add(inp["ref"])
        rows.append(_Row(i, ld, split, uses))
    return rows


def _spread(rows: list[_Row]) -> None:
    """A line that uses a per-column line (without naming a column) is per-column too."""
    users: dict[str, list[_Row]] = {}
    for r in rows:
        for u in r.uses:
            users.setdefault(u, []).append(r)
    todo = [r for r in rows if r.split]
    for r in todo:
        r.per_column = True
    while todo:
        r = todo.pop()
        for user in users.get(str(r.data.get("id")), []):
            if not user.per_column:
                user.per_column = True
                todo.append(user)


def _rename(text: str, per_column: set[str], key: str) -> str:
    """The formula with every name of a per-column line pointed at that line's `key` column."""
    out, last = [], 0
    for n in _names(text):
        if n.id in per_column:
            out += [text[last : n.pos + len(n.id)], "." + key]
            last = n.pos + len(n.id)
    return "".join(out) + text[last:]


def _check_names(rows: list[_Row], cols: list[Column], err: _Errors) -> None:
    """Explicit cells (`funds.adjusted`) name a declared column; expanded ids are new ids."""
    keys = {c.key for c in cols}
    written = {str(r.data.get("id")) for r in rows}
    per_column = {str(r.data.get("id")) for r in rows if r.per_column}
    for r in rows:
        lid = str(r.data.get("id"))
        for u in sorted(r.uses - written):
            head, _, tail = u.rpartition(".")
            if head in per_column and tail not in keys:
                near = suggest(tail, keys)
                err.add(
                    f"lines[{r.index}].formula",
                    f"'{u}'：明细 {head} 没有列 '{tail}'",
                    (f"是否为 '{head}.{near}'？" if near else "")
                    + "可用的列键："
                    + "、".join(c.key for c in cols),
                    lid,
                )
        if r.per_column:
            for c in cols:
                if f"{lid}.{c.key}" in written:
                    err.add(
                        f"lines[{r.index}].id",
                        f"按列展开后的 id '{lid}.{c.key}' 与已有的明细重复",
                        f"改一个 id，或把 '{lid}.{c.key}' 写成 {lid} 在列 '{c.name}' 的值",
                        lid,
                    )


def _entry(r: _Row, field: str, col: Column, err: _Errors) -> tuple[bool, Any]:
    """This column's entry of a per-column field: (present, entry). A value or an input must
    be given for every column; a stated amount or a written expression may be missing."""
    got = r.split[field].get(col.key)
    if got is not None:
        return True, got[1]
    if field == "value" or field.startswith("inputs."):
        err.add(
            f"lines[{r.index}].{field}",
            ("输入 " + field[7:] if field.startswith("inputs.") else field)
            + f" 在列 '{col.name}' 没有值",
            "给每一列写一个值；各列相同的值写成一个（不按列）",
            str(r.data.get("id")),
        )
    return False, None


def _copy(r: _Row, col: Column, per_column: set[str], err: _Errors) -> dict[str, Any]:
    ld = dict(r.data)
    lid = str(ld.get("id"))
    ld["id"] = f"{lid}.{col.key}"
    if isinstance(ld.get("label"), str):
        ld["label"] = f"{ld['label']}·{col.name}"
    if isinstance(ld.get("formula"), str):
        ld["formula"] = _rename(ld["formula"], per_column, col.key)
    if isinstance(ld.get("inputs"), dict):
        ld["inputs"] = dict(ld["inputs"])
    for field in r.split:
        present, entry = _entry(r, field, col, err)
        where, name = (ld["inputs"], field[7:]) if field.startswith("inputs.") else (ld, field)
        if present:
            where[name] = entry
        else:
            where.pop(name, None)
    for k, inp in (ld.get("inputs") or {}).items():
        if isinstance(inp, dict) and inp.get("ref") in per_column:
            ld["inputs"][k] = {**inp, "ref": f"{inp['ref']}.{col.key}"}
    return ld


def _moved(rest: str, r: _Row, col: Column | None) -> str | None:
    """Where a path below a written line (`.stated.年初预算.quote`) lands in the copy for `col`
    (`.stated.quote`); None for a path of another column's entry."""
    if col is None:
        return rest
    for field, entries in r.split.items():
        head = f".{field}."
        if not rest.startswith(head):
            continue
        for key, (written, _) in entries.items():
            entry = head + written
            if rest == entry or rest.startswith((entry + ".", entry + "[")):
                return rest[: len(head) - 1] + rest[len(entry) :] if key == col.key else None
    return rest


def _remap(
    paths: dict[str, int], placed: dict[int, list[tuple[int, _Row, Column | None]]]
) -> dict[str, int]:
    out: dict[str, int] = {}
    # Longer paths last, so an entry's own line wins over the line of the mapping that holds it.
    for path, line in sorted(paths.items(), key=lambda kv: len(kv[0])):
        m = _LINE.match(path)
        if m is None:
            out[path] = line
            continue
        for j, r, col in placed.get(int(m.group(1)), []):
            rest = _moved(path[m.end() :], r, col)
            if rest is not None:
                out[f"lines[{j}]{rest}"] = line
    return out


def _no_columns(lines: list[Any], err: _Errors) -> None:
    """A case without columns is left as it is, but a mapping that can only be per-column values
    (all keys years or Chinese) is refused with a hint to declare the columns. Only mappings are
    looked at: this runs on every case, so it must cost next to nothing."""
    for i, ld in enumerate(lines):
        if not isinstance(ld, dict):
            continue
        inputs = ld.get("inputs")
        places = [(f, ld.get(f)) for f in _PER_COLUMN_FIELDS]
        if isinstance(inputs, dict):
            places += [(f"inputs.{k}", v) for k, v in inputs.items()]
        for f, v in places:
            if isinstance(v, dict) and v and not _RESERVED.intersection(v):
                _split(v, [], f"lines[{i}].{f}", err, ld.get("id"))


def expand_columns(
    data: dict[str, Any], marks: Marks, bare: set[str], file: str | None
) -> tuple[dict[str, Any], Marks, set[str]]:
    """The case data with its columns written out as lines, and the marks and unquoted-number
    paths that follow them. Raises CesuanErrors for every problem found."""
    err = _Errors(file, marks)
    lines = data.get("lines")
    if not isinstance(lines, list):
        return data, marks, bare
    if "columns" not in data:
        _no_columns(lines, err)
        raise_all(err.found, file=file)
        return data, marks, bare
    cols = _declared(data["columns"], err)
    raise_all(err.found, file=file)  # a column that could not be read makes every later error noise
    rows = _rows(lines, cols, err)
    _spread(rows)
    _check_names(rows, cols, err)
    size = sum(len(cols) if r.per_column else 1 for r in rows)
    if size > MAX_LINES:
        raise CesuanError(
            ErrorKind.SIZE_LIMIT,
            f"按列展开后有 {size} 行，超过 {MAX_LINES} 行",
            file=file,
            line=marks.get("columns"),
            field="columns",
        )
    raise_all(err.found, file=file)
    per_column = {str(r.data.get("id")) for r in rows if r.per_column}
    out: list[Any] = []
    placed: dict[int, list[tuple[int, _Row, Column | None]]] = {}
    for r in rows:
        for col in cols if r.per_column else [None]:
            placed.setdefault(r.index, []).append((len(out), r, col))
            out.append(lines[r.index] if col is None else _copy(r, col, per_column, err))
    raise_all(err.found, file=file)
    new = {**data, "lines": out, "columns": [{"name": c.name, "key": c.key} for c in cols]}
    moved = _remap(marks, placed)
    return new, moved, set(_remap(dict.fromkeys(bare, 0), placed))
