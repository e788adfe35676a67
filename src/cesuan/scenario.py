"""What-if: a case with some inputs or stated amounts replaced, before it is validated.

What it does: reads overrides — `hall.rent.area=8500 平方米` from the command line, or a scenario
file (YAML/JSON through cesuan.yamlsafe) with a title and a note per override — and applies them to
the case *data*, so every check of the loader and the plan still runs on the result. Each target is
checked (unknown line or input → a located error with the nearest name), each new text goes
through the quantity grammar and must keep the old value's dimension. The replaced value's quote
and source are taken off the input (they no longer vouch for it), kept in the case's `overrides`
record (which the provenance JSON shows) and named in the line's note.
A case with columns is written out as lines first (cesuan.columns), so a target names one cell.
What it must not do: evaluate, reconcile or print; change anything not named by an override; read
any file but the case, its source (through the loader) and the scenario file.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cesuan.api import load_case
from cesuan.bounds import parse_value
from cesuan.columns import expand_columns
from cesuan.errors import CesuanError, CesuanErrors, ErrorKind, nearest_line, raise_all, suggest
from cesuan.model import Case
from cesuan.standards import standard
from cesuan.yamlsafe import Marks, decode, read_json, read_yaml

__all__ = ["Scenario", "Setting", "apply_overrides", "override_data", "parse_set", "read_scenario"]

STATED = "stated"  # `<line id>.stated` replaces the stated amount, not an input
VALUE = "value"  # `<line id>.value` replaces a plain value line's value (学生数 100 人)
_NOT_FILES = ("--set", "api")  # sources that are not a scenario file


@dataclass(frozen=True, slots=True)
class Setting:
    """One requested override: `target` is `<line id>.<input name>` or `<line id>.stated`;
    `source` says where it came from (`--set` or the scenario file); `at` is its file line."""

    target: str
    value: str
    source: str = "--set"
    note: str | None = None
    at: int | None = None


@dataclass(frozen=True, slots=True)
class Scenario:
    """A scenario file: an optional title and its overrides, in file order."""

    title: str | None
    settings: tuple[Setting, ...]


def parse_set(text: str, source: str = "--set") -> Setting:
    """`hall.rent.area=8500 平方米` → a Setting (the value is checked when it is applied).

    >>> parse_set("hall.rent.area=8500 平方米")
    Setting(target='hall.rent.area', value='8500 平方米', source='--set', note=None, at=None)
    """
    target, eq, value = text.partition("=")
    if not eq or not target.strip() or not value.strip():
        raise CesuanError(
            ErrorKind.SCHEMA,
            "--set 应写作 明细id.输入名=数量",
            text=text,
            field="--set",
            hint='例如 --set hall.rent.area="8500 平方米"；改申报数写 hall.rent.stated=…',
        )
    return Setting(target.strip(), value.strip(), source)


def read_scenario(path: str | Path) -> Scenario:
    """Read a scenario file: `title:` (optional) and `overrides:`, a mapping of target → quantity
    text or {value, note}. Only the safe reader is used; every problem is located."""
    file = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError:
        raise CesuanError(ErrorKind.FILE_NOT_FOUND, "找不到情景文件", file=file) from None
    text = decode(raw, file=file)
    reader = read_json if file.lower().endswith(".json") else read_yaml
    data, marks = reader(text, file=file)
    if not isinstance(data, dict) or not isinstance(data.get("overrides"), dict):
        raise CesuanError(
            ErrorKind.SCHEMA,
            "情景文件应是一个映射，含 overrides（明细id.输入名: 数量）",
            file=file,
            line=1,
            hint="例如 overrides: {hall.rent.area: 8500 平方米}",
        )
    errors = [
        CesuanError(
            ErrorKind.SCHEMA,
            f"未知字段 '{k}'",
            file=file,
            line=marks.get(k),
            field=k,
            hint="情景文件只有 title、overrides 两个字段",
        )
        for k in data
        if k not in ("title", "overrides")
    ]
    settings = []
    for target, spec in data["overrides"].items():
        at = marks.get(f"overrides.{target}")
        value, note = spec, None
        if isinstance(spec, dict):
            value, note = spec.get("value"), spec.get("note")
            extra = sorted(set(spec) - {"value", "note"})
            if extra:
                errors.append(_bad(f"未知字段 '{extra[0]}'", file, at, target, "只有 value、note"))
        if not isinstance(value, str) or not (note is None or isinstance(note, str)):
            errors.append(_bad("应写数量文本，或 {value: 数量, note: 说明}", file, at, target))
            continue
        settings.append(Setting(str(target), value, file, note, at))
    raise_all(errors, file=file)
    title = data.get("title")
    return Scenario(title if isinstance(title, str) else None, tuple(settings))


def _bad(msg: str, file: str, at: int | None, target: str, hint: str | None = None) -> CesuanError:
    return CesuanError(
        ErrorKind.SCHEMA, msg, file=file, line=at, field=f"overrides.{target}", hint=hint
    )


def _where(s: Setting, line_id: str | None = None) -> dict[str, Any]:
    """Where an override's own error points: the scenario file and line, or the --set option."""
    if s.source in _NOT_FILES:  # the case file is named when the error reaches it
        field = f"--set {s.target}" if s.source == "--set" else s.target
        return {"field": field, "line_id": line_id}
    return {"file": s.source, "line": s.at, "field": f"overrides.{s.target}", "line_id": line_id}


def override_data(data: Mapping[str, Any], settings: Sequence[Setting]) -> dict[str, Any]:
    """The case data with every override applied (a new dict; `data` is not changed), and the
    record of each appended to its `overrides`. Every problem of every override is raised
    together (CesuanErrors), so nothing is half-applied.

    >>> case = {"case": "c", "title": "t", "lines": [{"id": "rent", "label": "租金",
    ...         "formula": "area * 2 元/平方米", "inputs": {"area": {"value": "10 平方米",
    ...         "quote": "面积10平方米"}}}]}
    >>> out = override_data(case, [parse_set("rent.area=12 平方米")])
    >>> out["lines"][0]["inputs"]["area"], out["overrides"][0]["old_quote"]
    ({'value': '12 平方米'}, ['面积10平方米'])
    """
    out, _ = _expanded(copy.deepcopy(dict(data)), {})
    return _override(out, settings)


def _override(out: dict[str, Any], settings: Sequence[Setting]) -> dict[str, Any]:
    """override_data on case data already written out by column (changed in place)."""
    lines = out.get("lines")
    if not isinstance(lines, list) or not settings:
        return out  # nothing to apply, or the loader reports the missing lines
    by_id = {ln["id"]: ln for ln in lines if isinstance(ln, dict) and isinstance(ln.get("id"), str)}
    records = list(out.get("overrides") or [])  # a what-if of a what-if keeps the first record
    errors: list[CesuanError] = []
    seen: set[str] = set()
    for s in settings:
        try:
            if s.target in seen:
                raise CesuanError(
                    ErrorKind.DUPLICATE_KEY,
                    f"'{s.target}' 改了两次",
                    **_where(s),
                    hint="每个输入只能改一次",
                )
            seen.add(s.target)
            records.append(_apply_one(by_id, s, out.get("year")))
        except CesuanError as e:
            errors.append(e)
    raise_all(errors)
    out["overrides"] = records
    return out


def _apply_one(by_id: dict[str, dict[str, Any]], s: Setting, year: object) -> dict[str, Any]:
    line_id, name, line, holder, key = _target(by_id, s)
    new_q = _parse(s, line_id)
    if key == VALUE and holder is line:
        return _apply_value(line_id, line, s, new_q)
    old_spec = holder[key]
    spec = {"value": old_spec} if isinstance(old_spec, str) else dict(old_spec)
    if spec.get("value") is None and isinstance(spec.get("standard"), str):
        spec = _from_standard(spec, year, s, line_id)
    if spec.get("value") is None:
        raise CesuanError(
            ErrorKind.RULE_BINDING,
            f"输入 '{name}' 引用明细 '{spec.get('ref')}'，不是数量",
            text=s.target,
            **_where(s, line_id),
            hint=f"请改明细 '{spec.get('ref')}' 的输入",
        )
    old = str(spec["value"])
    _same_dimension(s, line_id, old, new_q)
    quotes = _quotes(spec.pop("quote", ()))
    old_source = spec.pop("source", None)
    spec["value"] = s.value
    holder[key] = spec
    what = spec.get("label") or (line.get("label") if name == STATED else None) or name
    what += "申报数" if name == STATED else ""
    return _record(line, line_id, name, what, old, s, quotes, old_source)


def _apply_value(line_id: str, line: dict[str, Any], s: Setting, new_q: Any) -> dict[str, Any]:
    """A plain value line (`value: 100 人`) given another value; its quotes no longer hold."""
    old = str(line[VALUE])
    _same_dimension(s, line_id, old, new_q)
    quotes = _quotes(line.pop("quote", ()))
    line[VALUE] = s.value
    what = line.get("label") or line_id
    return _record(line, line_id, VALUE, what, old, s, quotes, line.get("source"))


def _quotes(quote: Any) -> list[str]:
    return [quote] if isinstance(quote, str) else list(quote)


def _record(
    line: dict[str, Any],
    line_id: str,
    name: str,
    what: str,
    old: str,
    s: Setting,
    quotes: list[str],
    old_source: Any,
) -> dict[str, Any]:
    """The change said in the line's note (so it is never silent) and its override record."""
    note = f"【测算情景】{what}由 {old} 改为 {s.value}（{s.source}"
    note += f"：{s.note}）" if s.note else "）"
    if quotes:
        note += "；原引文“" + "”“".join(quotes) + "”不再作为出处"
    line["note"] = (f"{line['note']} " if line.get("note") else "") + note + "。"
    return {
        "line": line_id,
        "input": name,
        "old": old,
        "new": s.value,
        "source": s.source,
        "note": s.note,
        "old_quote": quotes,
        "old_source": old_source,
    }


def _from_standard(spec: dict[str, Any], year: object, s: Setting, line_id: str) -> dict[str, Any]:
    """A `standard:` input as the value of the version in force in the case's year, with the
    standard's citation as its source (so the override record says what it replaced)."""
    sid = spec.pop("standard")
    try:
        text = str(year) if year is not None else ""
        version = standard(sid).for_year(int(text) if text.isdigit() else None)
    except CesuanError as e:
        raise e.located(**_where(s, line_id)) from None
    return {**spec, "value": version.value, "source": f"{version.citation()}（标准 {sid}）"}


def _target(
    by_id: dict[str, dict[str, Any]], s: Setting
) -> tuple[str, str, dict[str, Any], dict[str, Any], str]:
    """(line id, input name, the line, the mapping holding the value, its key there)."""
    line_id, _, name = s.target.rpartition(".")
    line = by_id.get(line_id)
    if line is None:
        raise _no_such_line(by_id, s, line_id, name)
    if name == STATED:
        if line.get(STATED) is None:
            raise CesuanError(
                ErrorKind.UNKNOWN_NAME,
                f"明细 '{line_id}' 没有申报数（stated）",
                text=s.target,
                **_where(s, line_id),
            )
        places = line[STATED]
        if isinstance(places, list) and places:
            # The same amount printed in several places: the what-if changes the first (the
            # one the totals above are checked over); the others still say what the form says.
            return line_id, name, line, places, 0  # type: ignore[return-value]
        return line_id, name, line, line, STATED
    if name == VALUE and isinstance(line.get(VALUE), str):
        return line_id, name, line, line, VALUE
    raw_inputs = line.get("inputs")
    inputs: dict[str, Any] = raw_inputs if isinstance(raw_inputs, dict) else {}
    if name not in inputs:
        names = [*inputs, STATED] if STATED in line else list(inputs)
        near = suggest(name, names)
        raise CesuanError(
            ErrorKind.UNKNOWN_NAME,
            f"明细 '{line_id}' 没有输入 '{name}'",
            text=s.target,
            **_where(s, line_id),
            hint=f"是否为 '{line_id}.{near}'？" if near else "可用的：" + "、".join(names),
        )
    return line_id, name, line, inputs, name


def _no_such_line(
    by_id: dict[str, dict[str, Any]], s: Setting, line_id: str, name: str
) -> CesuanError:
    """Why a target names no line: a bare line id, a line of a column case written without
    its column, or an unknown id (with the nearest one)."""
    if s.target in by_id:
        return CesuanError(
            ErrorKind.UNKNOWN_NAME,
            f"'{s.target}' 是明细 id，还要写改它的哪一项",
            text=s.target,
            **_where(s, s.target),
            hint=f"写作 {s.target}.输入名、{s.target}.{STATED} 或（数值行）{s.target}.{VALUE}",
        )
    expanded = sorted(k for k in by_id if line_id and k.startswith(line_id + "."))
    if expanded and name:
        # A line of a column case is one line per column (cesuan.columns): name the column.
        return CesuanError(
            ErrorKind.UNKNOWN_NAME,
            f"明细 '{line_id}' 按列展开为 {'、'.join(expanded[:5])}，每列分别改",
            text=s.target,
            **_where(s),
            hint=f"写作 {expanded[0]}.{name}（每列各写一个 --set）",
        )
    near = suggest(line_id, list(by_id)) if line_id else None
    return CesuanError(
        ErrorKind.UNKNOWN_NAME,
        f"案例中没有明细 '{line_id}'" if line_id else "应写作 明细id.输入名",
        text=s.target,
        **_where(s),
        hint=f"是否为 '{near}.{name}'？" if near else "写作 明细id.输入名，如 hall.rent.area",
    )


def _parse(s: Setting, line_id: str) -> Any:
    try:
        return parse_value(s.value)[0]  # a bound (≤800 元/人) is kept as written
    except CesuanError as e:
        raise e.located(**_where(s, line_id)) from None


def _same_dimension(s: Setting, line_id: str, old: str, new_q: Any) -> None:
    """A what-if changes an amount, not what is measured: 8500 元 for an area is a typo."""
    try:
        old_q = parse_value(old)[0]
    except CesuanError:
        return  # the case's own value is bad: the loader reports it where it is
    if old_q.unit.dims != new_q.unit.dims:
        raise CesuanError(
            ErrorKind.DIMENSION_MISMATCH,
            f"新值的单位与原值不同：原为 {old}，新为 {s.value}",
            text=s.value,
            **_where(s, line_id),
            hint=f"请用与 '{old}' 同一量纲的单位",
        )


def apply_overrides(
    where: str | Path | Mapping[str, Any],
    overrides: Mapping[str, str] | Sequence[Setting] | Scenario,
    *,
    source_text: str | None = None,
    base_dir: str | Path | None = None,
) -> Case:
    """Load a case with some inputs (or stated amounts) replaced: a what-if.

    Args:
        where: a case file or mapping, as for `load_case`.
        overrides: {"hall.rent.area": "8500 平方米"} (recorded with source 'api'), Settings, or
            a Scenario from `read_scenario`.
        source_text, base_dir: as for `load_case`.

    Returns:
        The validated Case; `case.overrides` records each change, and the provenance JSON shows it.

    Raises:
        CesuanError / CesuanErrors: an unknown line or input (with the nearest name), a bad
        quantity, a changed dimension, and everything `load_case` checks, located in the case
        file.

    >>> case = apply_overrides("cases/jianghan-2023/shenpi-dating.yaml",
    ...                        {"hall.rent.area": "8500 平方米"})
    >>> from cesuan import evaluate
    >>> str(evaluate(case)["hall.rent"].quantity)  # 8500 × 50 × 12 = 5100000 元
    '510 万元'
    >>> case.overrides[0].old, case.overrides[0].old_quote
    ('8369.34 平方米', ('大厅面积8369.34平方米',))
    """
    if isinstance(overrides, Scenario):
        settings: Sequence[Setting] = overrides.settings
    elif isinstance(overrides, Mapping):
        settings = [Setting(k, v, "api") for k, v in overrides.items()]
    else:
        settings = overrides
    if isinstance(where, Mapping):
        data = override_data(where, settings)
        return load_case(data, source_text=source_text, base_dir=base_dir)
    file = str(where)
    try:
        raw = Path(where).read_bytes()
    except OSError:
        raise CesuanError(ErrorKind.FILE_NOT_FOUND, "找不到案例文件", file=file) from None
    reader = read_json if file.lower().endswith(".json") else read_yaml
    data, marks = reader(decode(raw, file=file), file=file)
    if not isinstance(data, dict):
        return load_case(where)  # the loader says what is wrong with the file
    data, marks = _expanded(data, marks, file)
    try:
        # Expanded once above (marks follow the expansion); only the overrides are applied here.
        changed = _override(copy.deepcopy(data), settings)
        case = load_case(changed, source_text=source_text, base_dir=Path(where).parent)
    except CesuanError as e:
        raise _in_file(e, file, marks, data) from None
    case.attach(file=file, marks=marks, source_text=case.source_text)
    return case


def _expanded(
    data: dict[str, Any], marks: Marks, file: str | None = None
) -> tuple[dict[str, Any], Marks]:
    """A case with columns, written out as lines first (cesuan.columns), so an override can name
    one cell (`fiscal.adjusted.stated=…`); the loader's own expansion of the result changes
    nothing more. A case the expansion refuses is left for the loader to report."""
    if "columns" not in data:
        return data, marks
    try:
        out, moved, _ = expand_columns(data, marks, set(), file)
    except CesuanError:
        return data, marks
    return out, moved


def _in_file(e: CesuanError, file: str, marks: Marks, data: dict[str, Any]) -> CesuanError:
    """Errors found after the overrides were applied point at the case file and its lines."""
    if isinstance(e, CesuanErrors):
        return CesuanErrors([_in_file(x, file, marks, data) for x in e.errors], file=file)
    if e.file is not None:
        return e  # an override's error in a scenario file names that file
    index = {
        ln.get("id"): i for i, ln in enumerate(data.get("lines") or []) if isinstance(ln, dict)
    }
    path = e.field or ""
    if path.startswith("lines[") and "]" in path:
        lid = path[6 : path.index("]")]
        if lid in index:
            path = f"lines[{index[lid]}]{path[path.index(']') + 1 :]}"
    return e.located(file=file, line=nearest_line(marks, path))
