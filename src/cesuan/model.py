"""The case model: frozen pydantic data, independent of any file format.

What it does: declares a case (one 申报表) and its lines, inputs, stated amounts, written
expressions and declared roundings, with shorthands (`months: 12 月` for an input without a
quote, `stated: 746 万元`) and the structural rules (ids, one way of computing per line).
What it must not do: read files, parse YAML, or parse quantity and formula text: those are
strings here, parsed by cesuan.plan where errors can point at their place in the file.

>>> c = Case.model_validate({"case": "demo", "title": "示例", "lines": [
...     {"id": "a", "label": "甲", "formula": "x * 2", "inputs": {"x": "3 元"}}]})
>>> c.lines[0].inputs["x"].value
'3 元'
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from cesuan.errors import CesuanError, ErrorKind, nearest_line, raise_all
from cesuan.limits import MAX_LINES

__all__ = [
    "Case",
    "Column",
    "Conversion",
    "Input",
    "Line",
    "Override",
    "Rounding",
    "Stated",
    "Written",
    "case_json_schema",
]

# A line id: segments joined by '.'; the first starts with an ASCII letter (so that a formula
# reads it as a name, never as a number), each later one with a letter or a digit, so that a
# budget subject code (科目编码 2080101) can be a segment: kemu.2080101. The formula parser
# lexes names by the same rule (cesuan.expr.parser).
ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9][A-Za-z0-9_]*)*$"
ID_RULE_ZH = (
    "各段以 '.' 分隔，只含英文字母、数字和下划线；第一段以英文字母开头，其后各段以字母或数字开头"
)
CASE_ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9][A-Za-z0-9_-]*)*$"
LineId = Annotated[str, Field(pattern=ID_PATTERN, max_length=200)]
Text = Annotated[str, Field(max_length=10_000)]
# An input name is what a formula refers to: ASCII or CJK letters, digits, '_' — never a leading
# underscore (formulas refuse those) and no look-alike letters from other scripts.
InputName = Annotated[
    str, Field(pattern=r"^[A-Za-z\u4e00-\u9fff][A-Za-z0-9_\u4e00-\u9fff]*$", max_length=100)
]


# The sign a value may take (issue 13): by default none is negative; a line that is a change
# (增减额) declares `any`, a deduction (扣减额) `negative`; an input that may be negative `any`.
Sign = Literal["nonnegative", "any", "negative"]
_SIGN_DOC = (
    "正负：nonnegative（默认，不能为负）、any（可正可负，如增减额）、negative（扣减额，不能为正）"
)


def _quotes(v: Any) -> Any:
    """A quote may be written as one string or a list of strings."""
    if v is None:
        return ()
    if isinstance(v, str):
        return (v,)
    return v


def _meaningful(v: tuple[str, ...]) -> tuple[str, ...]:
    """A quote must hold at least one letter or digit: `quote: ""` or `" "` would match any
    source and silence 缺少原文出处 without pointing at anything (issue 13)."""
    for q in v:
        if not any(unicodedata.category(c)[0] in "LN" for c in q):
            raise ValueError(f"引文 {q!r} 没有任何文字或数字，不能作为出处")
    return v


if TYPE_CHECKING:
    from pydantic._internal._model_construction import ModelMetaclass as _Meta
else:
    _Meta = type(BaseModel)  # pydantic's metaclass, without importing its private module


class _Checked(_Meta):
    """Built in Python (`Line(id=...)`), a model fails as a file does: with CesuanErrors naming
    each field, never pydantic's ValidationError (issue 12). Only a direct call comes through
    here: files and mappings are validated by cesuan.loader, which adds lines and hints."""

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except ValidationError as e:
            raise_all([_error(cls.__name__, err) for err in e.errors()])


class _Frozen(BaseModel, metaclass=_Checked):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False)


def _error(model: str, err: Any) -> CesuanError:
    path = ".".join(str(x) for x in err["loc"])
    t = err["type"]
    bad_id = t == "string_pattern_mismatch" and err["loc"][-1:] in (("id",), ("case",))
    msg = {
        "missing": "缺少必填字段",
        "extra_forbidden": "没有这个字段",
        "string_pattern_mismatch": f"格式不对：{ID_RULE_ZH}"
        if bad_id
        else f"格式不对，应符合 {err.get('ctx', {}).get('pattern')}",
    }.get(t, str(err["msg"]).removeprefix("Value error, "))
    return CesuanError(
        ErrorKind.INVALID_ID if bad_id else ErrorKind.SCHEMA,
        f"{model}：{msg}",
        field=path or None,
        text=err["input"] if isinstance(err["input"], str) else None,
    )


class Input(_Frozen):
    """One input of a line: a quantity as text, where the form says it, and its standard."""

    value: Text | None = Field(
        None, description="数量文本，如 '8369.34 平方米'、'50 元/(平方米·月)'"
    )
    ref: LineId | None = Field(
        None, description="改为引用另一明细的结果，如 drain.step1（用于规则参数）"
    )
    label: Text | None = Field(None, description="中文名称，写入测算依据，如 '大厅面积'")
    quote: tuple[Text, ...] = Field((), description="申报表中的原文（须逐字出现在来源文本中）")
    source: Text | None = Field(None, description="标准或文号，如 '财评【2017】043号'")
    standard: Annotated[str, Field(pattern=ID_PATTERN, max_length=200)] | None = Field(
        None,
        description="改为取用标准库中的支出标准（按案例 year 取当年有效的版本），"
        "如 jianghan.property_party_fund",
    )
    sign: Sign | None = Field(None, description=_SIGN_DOC + "；不写时随本行的 sign")

    _q = field_validator("quote", mode="before")(_quotes)
    _m = field_validator("quote")(_meaningful)

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, v: Any) -> Any:
        return {"value": v} if isinstance(v, str) else v

    @model_validator(mode="after")
    def _value_or_ref(self) -> Input:
        if sum(x is not None for x in (self.value, self.ref, self.standard)) != 1:
            raise ValueError("输入须写 value（数量）、ref（引用明细 id）或 standard（标准 id）之一")
        return self


class Stated(_Frozen):
    """An amount as the form writes it, with the form's own words."""

    value: Text = Field(description="申报数，如 '502.1604 万元'")
    quote: tuple[Text, ...] = Field((), description="申报表中的原文")

    _q = field_validator("quote", mode="before")(_quotes)
    _m = field_validator("quote")(_meaningful)

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, v: Any) -> Any:
        return {"value": v} if isinstance(v, str) else v


class Written(_Frozen):
    """An arithmetic expression the form itself writes (`3717-15=3702万元`), kept as written."""

    expr: Text = Field(description="表上写的算式（去掉括号里的注释），如 '3702-492*98%+492'")
    unit: Text = Field("", description="算式中无单位数字的单位，如 '万元'")
    result: Text = Field(description="表上写在等号后的结果，如 '3637.8 万元'")
    quote: tuple[Text, ...] = Field((), description="申报表中的原文")

    _q = field_validator("quote", mode="before")(_quotes)
    _m = field_validator("quote")(_meaningful)


class Rounding(_Frozen):
    """A declared rounding of a line's result: places in a named unit, half-up by default."""

    places: int = Field(ge=0, le=20)
    unit: Text | None = Field(None, description="按哪个单位取位；默认为该行的单位")
    mode: Literal["half_up", "ceil", "floor"] = "half_up"


class Line(_Frozen):
    """One row or sub-item: computed by a formula, a rule, a plain value, or only stated."""

    id: LineId
    label: Text
    formula: Text | None = Field(None, description="公式，引用本行 inputs 与其他明细的 id")
    use: Annotated[str, Field(pattern=ID_PATTERN)] | None = Field(
        None, description="引用 formulas/ 中的规则 id，如 rent.by_area"
    )
    value: Text | None = Field(None, description="直接给定的数量（不计算；有 stated 时与之核对）")
    inputs: dict[InputName, Input] = Field(default_factory=dict)
    unit: Text | None = Field(None, description="结果的单位；默认取 stated 的单位")
    round: Rounding | None = None
    stated: Stated | None = None
    written: tuple[Written, ...] = ()
    quote: tuple[Text, ...] = ()
    note: Text | None = None
    sign: Sign | None = Field(None, description=_SIGN_DOC + "；不写时随规则，规则也没写则不能为负")
    # The same amount printed in further places (the 合计 of four tables): `stated` written as
    # a list keeps its first place in `stated` and the rest here; each is quoted and
    # reconciled on its own.
    stated_also: tuple[Stated, ...] = Field(
        (), description="同一金额在表上其他各处的写法（stated 写成列表时的第二项起），每处分别核对"
    )

    _q = field_validator("quote", mode="before")(_quotes)
    _m = field_validator("quote")(_meaningful)

    @model_validator(mode="before")
    @classmethod
    def _stated_places(cls, v: Any) -> Any:
        """`stated: [a, b, c]` (one amount printed in several places) → stated a, also b, c."""
        if isinstance(v, dict) and isinstance(v.get("stated"), list | tuple):
            places = list(v["stated"])
            if not places:
                raise ValueError("stated 写成列表时至少要有一处")
            v = {**v, "stated": places[0], "stated_also": places[1:]}
        return v

    @field_validator("written", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        if v is None:
            return ()
        return [v] if isinstance(v, dict) else v

    @model_validator(mode="after")
    def _one_way(self) -> Line:
        ways = [k for k in ("formula", "use", "value") if getattr(self, k) is not None]
        if len(ways) > 1:
            raise ValueError(f"formula、use、value 只能写一个，这里写了 {'、'.join(ways)}")
        if not ways and self.stated is None:
            raise ValueError("该行既没有计算（formula/use/value），也没有申报数（stated）")
        if self.inputs and not (self.formula or self.use):
            raise ValueError("只有写了 formula 或 use 的行才能有 inputs")
        return self

    @property
    def computed(self) -> bool:
        """Whether the line has a calculation (as opposed to a stated amount alone)."""
        return self.formula is not None or self.use is not None


class Override(_Frozen):
    """The record of one what-if override (cesuan.scenario writes it; `cesuan compare` and the
    provenance show it): which value was replaced, by what, on whose word. The replaced value's
    quote and source are kept here, and no longer on the input, so they are not claimed as the
    provenance of the new value."""

    line: LineId
    input: Text = Field(description="输入名；'stated' 表示申报数")
    old: Text | None = Field(None, description="原来的数量文本")
    new: Text = Field(description="新的数量文本")
    source: Text = Field(description="'--set' 或情景文件的路径")
    note: Text | None = None
    old_quote: tuple[Text, ...] = ()
    old_source: Text | None = None


class Conversion(_Frozen):
    """A conversion the case declares between two counted units or two periods: `from` and
    `to` are the same amount (1 生 = 1 人; 1 学期 = 0.5 年), an assumption of this case that
    every line using it shows (docs/case-format.md#换算声明)."""

    # Dumped as written (`from`), so that a Case dumped and read back validates.
    model_config = ConfigDict(frozen=True, extra="forbid", serialize_by_alias=True)

    from_: Text = Field(alias="from", description="数量文本，如 '1 生'、'1 学期'")
    to: Text = Field(description="与 from 相等的数量，如 '1 人'、'0.5 年'")
    note: Text | None = Field(None, description="为什么这样算，如 '本案例按半年计'")
    quote: tuple[Text, ...] = Field((), description="申报表中的原文（须逐字出现在来源文本中）")
    source: Text | None = Field(None, description="依据的文件或文号")

    _q = field_validator("quote", mode="before")(_quotes)
    _m = field_validator("quote")(_meaningful)


class Column(_Frozen):
    """A declared column (cesuan.columns has already written its lines out, `<id>.<key>`)."""

    name: Text = Field(description="列名，如 '年初预算'、'2021'")
    key: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$", max_length=100)] = Field(
        description="展开后明细 id 的后缀，如 initial、y2021"
    )


class Case(_Frozen):
    """One 申报表: its identity, its source text and its lines."""

    case: Annotated[str, Field(pattern=CASE_ID_PATTERN, max_length=200)] = Field(
        description="案例 id，如 jianghan-2023.shenpi-dating"
    )
    title: Text
    agency: Text | None = None
    year: int | None = Field(None, ge=1949, le=2200)
    source: Text | None = Field(None, description="申报表原文文件（相对本文件），引文据此核对")
    notes: Text | None = None
    lines: tuple[Line, ...] = Field(min_length=1, max_length=MAX_LINES)
    overrides: tuple[Override, ...] = Field(
        (), description="测算情景对输入或申报数的改动（由 cesuan 写入，见 docs/what-if.md）"
    )
    conversions: tuple[Conversion, ...] = Field(
        (), description="本案例声明的计数单位或时期换算（假设），如 {from: 1 生, to: 1 人}"
    )
    columns: tuple[Column, ...] = Field(
        (), description="列（年度、资金来源、预算阶段），见 docs/case-format.md 的“列”"
    )
    # Display precision for this case (cesuan.display.case_places); a unit's text is checked
    # when the text is written, as the model parses no unit.
    places: dict[
        Annotated[str, Field(min_length=1, max_length=50)], Annotated[int, Field(ge=0, le=20)]
    ] = Field(
        default_factory=dict,
        description="显示精度：没有申报数的金额按单位保留几位小数，如 {万元: 2, 元: 0}",
    )

    # Where things are in the file, and the source text, kept by the loader for later stages.
    _file: str | None = PrivateAttr(None)
    _marks: dict[str, int] = PrivateAttr(default_factory=dict)
    _source_text: str | None = PrivateAttr(None)
    _plan_cache: object = PrivateAttr(None)  # the compiled plan (cesuan.api), computed once

    @property
    def file(self) -> str | None:
        return self._file

    @property
    def source_text(self) -> str | None:
        return self._source_text

    def line_of(self, path: str) -> int | None:
        """The file line of a path like `lines[2].inputs.area`, or of its nearest parent."""
        return nearest_line(self._marks, path)

    def attach(self, *, file: str | None, marks: dict[str, int], source_text: str | None) -> None:
        """Record load-time context (used by the loader only)."""
        self._file = file
        self._marks = marks
        self._source_text = source_text


def case_json_schema() -> dict[str, Any]:
    """The JSON Schema of a case file, for editors, including the shorthands the models accept
    before validation (pydantic only describes the long forms): a quote as one string, an input
    or a stated amount as bare quantity text, a single `written` mapping."""
    schema: dict[str, Any] = Case.model_json_schema()

    def short(ref: str) -> dict[str, Any]:
        return {"anyOf": [{"$ref": f"#/$defs/{ref}"}, {"type": "string", "maxLength": 10_000}]}

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            if node.get("$ref") in ("#/$defs/Input", "#/$defs/Stated"):
                return short(node["$ref"].rsplit("/", 1)[1])
            out = {k: walk(v) for k, v in node.items()}
            props = out.get("properties", {})
            if "quote" in props:
                q = props["quote"]
                props["quote"] = {
                    "anyOf": [{"type": "string", "maxLength": 10_000}, q],
                    "description": "申报表中的原文：一段文字，或多段的列表",
                }
            return out
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    schema = walk(schema)
    schema["$defs"]["Line"]["properties"]["stated"] = {
        "anyOf": [
            short("Stated"),
            {"type": "array", "minItems": 1, "items": short("Stated")},
            {"type": "null"},
        ],
        "default": None,
        "description": "申报数；同一金额在表上多处出现时写成列表，每处一项（各自的 quote），分别核对",
    }
    written = schema["$defs"]["Line"]["properties"]["written"]
    schema["$defs"]["Line"]["properties"]["written"] = {
        "anyOf": [{"$ref": "#/$defs/Written"}, written, {"type": "null"}]
    }
    return _column_sugar(schema)


# Field names a per-column mapping's keys cannot be, so a mapping of fields ({value, quote}) is
# never read as one of columns; cesuan.columns refuses them as column names.
RESERVED_COLUMN_NAMES = frozenset(
    {"value", "ref", "label", "quote", "source", "dates", "count", "expr", "unit", "result"}
    | {"text", "cell", "occurrence"}
)
_NOT_COLUMNS = sorted(RESERVED_COLUMN_NAMES)


def _column_sugar(schema: dict[str, Any]) -> dict[str, Any]:
    """What cesuan.columns and cesuan.shorthands read before validation (issue 11): columns as
    names, per-column mappings (column → value), cell quotes, date-range inputs."""
    text: dict[str, Any] = {"type": "string", "maxLength": 10_000}
    name: dict[str, Any] = {"type": ["string", "integer"]}

    def per_column(of: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "description": "按列的值：列名或列的键 → 该列的值",
            "minProperties": 1,
            "propertyNames": {"not": {"enum": _NOT_COLUMNS}},
            "additionalProperties": of,
        }

    defs = schema["$defs"]
    cell = {
        "type": "object",
        "additionalProperties": False,
        "required": ["text"],
        "properties": {"text": text, "cell": name, "occurrence": name},
        "description": "引文的一格（cell，从 1 数起，以 | 分格）或第几处（occurrence）",
    }
    one = {"anyOf": [text, cell]}
    for d in defs.values():
        if "quote" in d.get("properties", {}):
            d["properties"]["quote"] = {"anyOf": [one, {"type": "array", "items": one}]}
    defs["Input"]["properties"]["dates"] = {
        **text,
        "description": "日期区间，如 2023年4月至2024年2月",
    }
    defs["Input"]["properties"]["count"] = {"enum": ["月", "天", "日"]}
    line = defs["Line"]["properties"]
    for field in ("value", "written"):
        line[field] = {"anyOf": [line[field], per_column(line[field])]}
    pattern = line["inputs"]["patternProperties"]
    for key, one_input in pattern.items():
        pattern[key] = {"anyOf": [one_input, per_column(one_input)]}
    line["stated"] = {"anyOf": [line["stated"], per_column(defs["Line"]["properties"]["stated"])]}
    case = schema["properties"]
    case["columns"]["items"] = {"anyOf": [{"$ref": "#/$defs/Column"}, name]}
    return schema
