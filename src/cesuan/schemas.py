"""The published JSON Schemas of cesuan's outputs (`cesuan schema calc|audit`) and of its input
(`cesuan schema case`, the editor schema of cesuan.model).

What it does: describes, as data, the versioned envelope every JSON output shares and the case
objects inside it (calc: provenance; audit: summary, per-line status, findings), with one
meaning per field. Tools may rely on every field named here for the whole major version of
`format_version`; a new field means a new minor version, so readers ignore fields they do not
know (objects other than the envelope and the errors stay open for that reason).
What it must not do: build or read outputs; the tests check every bundled case's outputs
against these schemas.
"""

from __future__ import annotations

from typing import Any

from cesuan.findings import STATUSES
from cesuan.report import FORMAT_VERSION, SCHEMA_IDS

__all__ = ["output_schema"]

_DRAFT = "https://json-schema.org/draft/2020-12/schema"
_STR = {"type": "string"}
_OPT_STR = {"type": ["string", "null"]}
# Exact decimal text (or p/q where a value does not terminate), then the unit, if any.
# An amount: a number, its unit after a space, or a percentage written with % (85.37%).
_AMOUNT = {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?(/[0-9]+)?(%| \S.*)?$"}
_OPT_AMOUNT = {"anyOf": [_AMOUNT, {"type": "null"}]}
# A stated bound as the audit writes it (cesuan.bounds.range_words): 不超过65万元, 10人至20人.
_BOUND_TEXT = {"type": "string", "pattern": "^(不超过|不低于)[^ ]|^[^ ]+至[^ ]+$"}
_QUOTES = {"type": "array", "items": _STR}


def _obj(props: dict[str, Any], required: list[str] | None = None, **kw: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": required or list(props), **kw}


_ERROR = _obj(
    {
        "kind": {**_STR, "description": "错误类别（ErrorKind 的值，或 internal = 内部错误）"},
        "message": {**_STR, "description": "中文说明"},
        "hint": _OPT_STR,
        "text": {**_OPT_STR, "description": "出错的原文"},
        "column": {"type": ["integer", "null"]},
        "file": {**_OPT_STR, "description": "出错的文件"},
        "line": {"type": ["integer", "null"], "description": "文件中的行号（从 1 起）"},
        "line_id": _OPT_STR,
        "field": {**_OPT_STR, "description": "案例中的位置，如 lines[hall.rent].inputs.area"},
    },
    required=["kind", "message", "file"],
    additionalProperties=False,
)

# What the trace records of a standard an input uses (cesuan.standards.Standard.trace).
_STANDARD_KEYS = ("id", "title", "issuer", "region", "value", "document", "number", "from", "to")

_TRACE = _obj(
    {
        "id": _STR,
        "label": _STR,
        "how": {"enum": ["formula", "value", "stated"]},
        "unit": _STR,
        "value": {
            "anyOf": [_AMOUNT, {"type": "null"}],
            "description": "本行的值（声明的取整之后），本行单位；值为区间的行（有界限）为 null，见 range",
        },
        "range": {
            **_obj({"lo": _OPT_AMOUNT, "hi": _OPT_AMOUNT, "text": _STR}),
            "description": "值为区间的行（输入、值或所用的行有界限）：精确的下端、上端（null 为无界）"
            "和表上的说法（不超过30万元）；其他行没有此字段",
        },
        "shown": {
            **_STR,
            "description": "本行的值按表上写法：除不尽时为“约”加按显示精度（申报数的位数，"
            "否则 6 位）四舍五入的值，如 约52.03%",
        },
        "formula": _STR,
        "rule": _STR,
        "inputs": {
            "type": "object",
            "additionalProperties": _obj(
                {
                    "value": _STR,
                    "quote": _QUOTES,
                    "source": _OPT_STR,
                    "label": _OPT_STR,
                    "standard": {
                        **_obj(dict.fromkeys(_STANDARD_KEYS, _OPT_STR)),
                        "description": "取用的标准（standard:）：标准 id、所用版本的数值、文件、"
                        "文号和有效期（未注明的为 null）",
                    },
                },
                required=["value", "quote", "source", "label"],
            ),
        },
        "uses": {
            "type": "array",
            "items": _STR,
            "description": "本行用到的各行的 id（按公式中首次出现的顺序）；它们的计算过程和哈希值"
            "在同一案例的 lines 中，按引用共享，不再复制（2.0）",
        },
        "over_stated_parts": {
            **_obj(
                {
                    "value": {**_AMOUNT, "description": "同一公式按所用各行的申报数计算的值"},
                    "error": {**_STR, "description": "按申报数无法计算时的原因"},
                },
                description="各分项的数见各自的 stated（没有则 value）",
            ),
            "required": [],  # one of the two, as the reading could be computed or not
        },
        "sign": {
            "enum": ["any", "negative"],
            "description": "本行声明（或其规则声明）可为负：any 增减额，negative 扣减额",
        },
        "input_signs": {
            "type": "object",
            "additionalProperties": {"enum": ["nonnegative", "any", "negative"]},
            "description": "输入上声明的正负",
        },
        "normalised": {
            "type": "object",
            "description": "读入时被规范化的文字（全角、不换行空格、千位分隔符、万作倍数……），"
            "键为字段路径，如 inputs.area.value、stated.value、value、formula",
            "additionalProperties": _obj(
                {
                    "written": {**_STR, "description": "案例中写的原文"},
                    "read": {**_STR, "description": "读作的文字"},
                    "changes": {"type": "array", "items": _STR, "description": "每一种规范化"},
                }
            ),
        },
        "stated": _obj({"value": _STR, "quote": _QUOTES}),
        "hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "declared_conversions": {
            "type": "array",
            "description": "本行用到的、案例声明的换算（假设），如 1 学期 = 0.5 年",
            "items": _obj(
                {
                    "index": {"type": "integer", "description": "在案例 conversions 中的位置"},
                    "from": _STR,
                    "to": _STR,
                    "factor": {**_STR, "description": "1 个 from 的根单位 = factor 个 to 的根单位"},
                    "note": _OPT_STR,
                }
            ),
        },
    },
    required=["id", "label", "how", "unit", "value", "hash"],
)

_CALC_CASE = _obj(
    {
        "case": _STR,
        "title": _STR,
        "agency": _OPT_STR,
        "year": {"type": ["integer", "null"]},
        "file": {**_OPT_STR, "description": "案例文件"},
        "source_sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "lines": {"type": "array", "items": _TRACE, "description": "各行，按案例中的顺序"},
    },
    required=["case", "title", "agency", "year", "file", "hash", "lines"],
)

_STATUS = {
    "enum": list(STATUSES),
    "description": "within_bound：计算结果符合申报的上限/下限，或申报数在计算区间内；"
    "undecided：计算区间一部分在申报的界限内、一部分在界外",
}
_CHECK = _obj(
    {
        "line_id": _STR,
        "place": {
            "type": "integer",
            "minimum": 1,
            "description": "申报数的第几处（1 为 stated；同一金额在表上多处出现时 2、3…）",
        },
        "label": _STR,
        "status": _STATUS,
        "stated": {
            "anyOf": [_AMOUNT, _BOUND_TEXT, {"type": "null"}],
            "description": "表上的申报数（无则为 null）；申报的是界限时写作 不超过/不低于 …",
        },
        "value": {**_OPT_AMOUNT, "description": "本行按所用各行的计算结果算出的值（本行单位）"},
        "value_over_stated_parts": {
            **_OPT_AMOUNT,
            "description": "同一公式按所用各行的申报数算出的值；不引用其他行时、或按申报数算出的也是区间（所用的行申报的是界限）时为 null",
        },
        "value_exact": {
            **_OPT_STR,
            "description": "value 除不尽时的精确分数（如 64/123），否则 null",
        },
        "value_over_stated_parts_exact": {
            **_OPT_STR,
            "description": "value_over_stated_parts 除不尽时的精确分数，否则 null",
        },
        "range": {
            **_OPT_STR,
            "description": "值为区间的行（有界限）：计算区间，如 不低于4000万元（value 则为 null）",
        },
    }
)
# Implied values (cesuan.implied): each input alone, the value that would give the stated amount.
_IMPLIED = {
    "type": ["array", "null"],
    "description": "不符的行（由本行输入计算）各输入项单独需取的值；其他发现为 null",
    "items": _obj(
        {
            "input": {**_STR, "description": "输入项名"},
            "label": _STR,
            "used": {**_STR, "description": "所用的值（含单位）"},
            "needed": {**_OPT_STR, "description": "使本行等于申报数所需的值，精确，单位同所用值"},
            "ratio": {**_OPT_STR, "description": "needed ÷ used，精确（不尽时为 p/q）"},
            "reason": {**_OPT_STR, "description": "无法反推时的原因"},
        }
    ),
}
_FINDING = _obj(
    {
        "kind": _STR,
        "severity": {"enum": ["error", "warning", "info"]},
        "case": _STR,
        "file": _OPT_STR,
        "line_id": _STR,
        "label": _STR,
        "message": _STR,
        "stated": _OPT_STR,
        "computed": {
            **_OPT_STR,
            "description": "本发现所核对的计算值：mismatch/sum_mismatch 为按所用各行申报数（"
            "不引用其他行时按测算依据）算出的值，consequence 为按各行计算结果算出的值，"
            "written_expression 为表上算式按原样算出的值",
        },
        "difference": {
            **_OPT_STR,
            "description": "computed − stated；百分数之差写作“个百分点”（0.07 个百分点）",
        },
        "computed_exact": {
            **_OPT_STR,
            "description": "computed 除不尽时的精确分数（computed 则按申报数的小数位四舍五入）",
        },
        "difference_exact": {**_OPT_STR, "description": "difference 除不尽时的精确分数"},
        "unit": _OPT_STR,
        "formula": _OPT_STR,
        "substituted": _OPT_STR,
        "quotes": _QUOTES,
        "note": _OPT_STR,
        "caused_by": _QUOTES,
        "implied": _IMPLIED,
    },
    required=["kind", "severity", "case", "line_id", "label", "message", "quotes"],
)
_SUMMARY = _obj(
    {
        **{k: {"type": "integer", "minimum": 0} for k in _STATUS["enum"]},
        "rounding_difference": {
            "type": "integer",
            "minimum": 0,
            "description": "其中尾差（分项四舍五入所致，计入 rounded_match）的个数",
        },
    }
)
_AUDIT_CASE = _obj(
    {
        "case": _STR,
        "title": _STR,
        "agency": _OPT_STR,
        "file": _OPT_STR,
        "has_errors": {"type": "boolean", "description": "有 error 级发现（audit 退出码 1）"},
        "summary": _SUMMARY,
        "lines": {
            "type": "array",
            "items": _CHECK,
            "description": "有申报数或计算的各行，按案例顺序",
        },
        "findings": {"type": "array", "items": _FINDING, "description": "最严重的在前"},
        "assumptions": {
            "type": "array",
            "description": "用到案例换算声明的行及其假设（没有则不出现）",
            "items": _obj(
                {"line_id": _STR, "text": {**_STR, "description": "如 按1学期=0.5年计，本案例假设"}}
            ),
        },
    },
    required=["case", "title", "agency", "file", "has_errors", "summary", "lines", "findings"],
)


# The filing report of `cesuan audit` (auditreport; docs/report.md): the same findings as
# `cases[].findings`, grouped per form, each consequence under the finding that causes it.
_QUOTE = _obj(
    {
        "text": {**_STR, "description": "原文，逐字"},
        "shown": {**_STR, "description": "显示用：去掉 HTML 标记"},
    }
)
_ENTRY = _obj(
    {
        "ref": {**_STR, "description": "报告中的编号：问题 1、连带影响 1.1、未展开 H1、提示 T1"},
        "kind": _STR,
        "kind_zh": _STR,
        "severity": {"enum": ["error", "warning", "info"]},
        "line_id": _STR,
        "label": _STR,
        "message": _STR,
        "stated": _OPT_STR,
        "computed": _OPT_STR,
        "difference": {
            **_OPT_STR,
            "description": "computed − stated；百分数之差写作“个百分点”（0.07 个百分点）",
        },
        "difference_exact": {
            **_OPT_STR,
            "description": "差额四舍五入显示时的精确值 p/q（单位为 unit；百分数为比值），否则为 null",
        },
        "quotes": {"type": "array", "items": _QUOTE},
        "caused_by": {**_QUOTES, "description": "本身不符的成因行（不含四舍五入后相符的行）"},
        "note": _OPT_STR,
        "implied": _IMPLIED,
    },
    required=["ref", "kind", "severity", "line_id", "label", "message", "quotes", "caused_by"],
)
_CONSEQUENCE = {
    **_ENTRY,
    "properties": {
        **_ENTRY["properties"],
        "rounding_from": {**_QUOTES, "description": "同样追溯到的、四舍五入后相符的行（非成因）"},
    },
}
_ROOT = {
    **_ENTRY,
    "properties": {
        **_ENTRY["properties"],
        "consequences": {"type": "array", "items": _CONSEQUENCE},
    },
}
_AT_ISSUE = _obj(
    {
        "amounts": {"type": "integer", "minimum": 0, "description": "不符的数额个数"},
        "money": {
            **_AMOUNT,
            "description": "差额绝对值之和（万元）：精确相加，显示时四舍五入一次，到各差额显示的最多位数",
        },
        "money_exact": {**_AMOUNT, "description": "差额绝对值之和（万元），精确（不尽时为 p/q）"},
        "other": {**_QUOTES, "description": "非金额单位的差额绝对值之和，每个单位一项（同上取舍）"},
        "other_exact": {**_QUOTES, "description": "other 的精确值，顺序相同"},
    }
)
_COUNTS = {"type": "integer", "minimum": 0}
_REPORT = _obj(
    {
        "title": _STR,
        "date": {
            "type": ["string", "null"],
            "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "报告日期；JSON 中未给 --date 时为 null（同一案例，同样的字节）",
        },
        "engine": _STR,
        "materiality": {**_OPT_STR, "description": "重要性水平（--materiality），未设为 null"},
        "scope": {
            "type": "array",
            "items": _obj(
                {
                    "case": _STR,
                    "file": _OPT_STR,
                    "file_sha256": {**_OPT_STR, "description": "案例文件字节的 SHA-256"},
                    "source": _OPT_STR,
                    "source_sha256": {
                        **_OPT_STR,
                        "description": "原文（读入后的文本，UTF-8）的 SHA-256",
                    },
                },
                required=["case", "file"],
            ),
        },
        "summary": _obj({"forms": {"type": "array"}, "total": {"type": "object"}}),
        "forms": {
            "type": "array",
            "items": _obj(
                {
                    "case": _STR,
                    "title": _STR,
                    "findings": {
                        "type": "array",
                        "items": _ROOT,
                        "description": "按严重程度、差额绝对值排序",
                    },
                    "hidden": {"type": "array", "items": _ROOT, "description": "低于重要性水平"},
                    "notes": {"type": "array", "items": _ENTRY, "description": "info 级提示"},
                    "overview": {**_STR, "description": "本表的一句话概况（与汇总表同样的计数）"},
                    "counts": _obj(
                        dict.fromkeys(("issues", "consequences", "hidden", "notes"), _COUNTS)
                    ),
                    "at_issue": _AT_ISSUE,
                },
            ),
        },
        "opinion": _obj({"forms": {"type": "array"}, "total": _AT_ISSUE, "text": _QUOTES}),
        "errors": {"type": "integer", "minimum": 0, "description": "无法审核的输入个数"},
    },
)


def _envelope(which: str, case: dict[str, Any], title: str) -> dict[str, Any]:
    return {
        "$schema": _DRAFT,
        "$id": SCHEMA_IDS[which],
        "title": title,
        **_obj(
            {
                "$schema": {"const": SCHEMA_IDS[which]},
                "format_version": {
                    "type": "string",
                    "pattern": r"^2\.[0-9]+$",
                    "description": f"输出格式的版本（本 schema：{FORMAT_VERSION}）",
                },
                "engine": {**_STR, "description": "cesuan 的版本，如 'cesuan 0.1.0'"},
                "cases": {
                    "type": "array",
                    "items": case,
                    "description": "处理成功的案例，按输入顺序",
                },
                "errors": {
                    "type": "array",
                    "items": _ERROR,
                    "description": "无法处理的输入，每个问题一项",
                },
            },
            additionalProperties=False,
        ),
    }


def output_schema(which: str) -> dict[str, Any]:
    """The JSON Schema of `case` files, or of the `calc`/`audit` JSON output."""
    if which == "case":
        from cesuan.model import case_json_schema

        return case_json_schema()
    if which == "calc":
        return _envelope("calc", _CALC_CASE, "cesuan calc --format json")
    if which == "audit":
        schema = _envelope("audit", _AUDIT_CASE, "cesuan audit --format json")
        # Added in format 1.1; optional, so 1.0 outputs still validate.
        schema["properties"]["report"] = {**_REPORT, "description": "审核报告（docs/report.md）"}
        return schema
    raise ValueError(which)
