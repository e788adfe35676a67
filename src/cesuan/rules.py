"""The `formulas/` library: reusable rules (templates) that case lines bind with `use:`.

What it does: loads the rule files shipped inside the package (formulas/<domain>/<name>.yaml,
id "<domain>.<name>"), validates them (formula parses, parameter units parse, the text template
names only known parameters, the formula's unit fits the declared result) and describes them.
What it must not do: evaluate cases or read anything but the shipped rule files. Rule files are
ours, but they go through the same safe YAML reader and formula parser as case files. A rule's
worked examples (`examples:`) are checked here only for shape (parameters, quantity texts, result
dimension); tests/test_rules_examples.py evaluates each one through the engine, the way
`openfisca test` runs a parameter file's YAML tests.
"""

from __future__ import annotations

import functools
import string
from importlib import resources
from importlib.abc import Traversable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cesuan.errors import CesuanError, ErrorKind
from cesuan.expr.compiler import compile_formula
from cesuan.expr.parser import parse_formula
from cesuan.quantity import parse_quantity
from cesuan.units import Unit, parse_unit
from cesuan.yamlsafe import decode, read_yaml

__all__ = ["Example", "Param", "Rule", "load_rules", "rule", "walk_shipped"]


class Param(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str
    unit: str | None = Field(None, description="期望的单位（同量纲的任何单位都可）；不写则不限")


class Basis(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    doc: str = Field(description="文号或标准名称")
    effective_from: str | None = None
    effective_to: str | None = None


class Example(BaseModel):
    """A worked example: inputs → the expected result, with the hand arithmetic that gives it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    inputs: dict[str, str] = Field(description="参数名 → 数量文本，每个参数都要给")
    result: str = Field(description="期望结果（数量文本），手算得出")
    why: str = Field(description="手算过程，如 268 × 2400 × 1 = 643200")
    places: int | None = Field(
        None, ge=0, le=20, description="结果除不尽时声明的取整位数（四舍五入），按结果的单位"
    )
    source: str | None = Field(None, description="例子取自哪份表（出处）")


class Rule(BaseModel):
    """One reusable calculation: parameters, formula, result unit and 测算依据 text template."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    label: str
    params: dict[str, Param]
    formula: str
    unit: str
    text: str | None = Field(None, description="测算依据模板：{参数}、{参数.label}、{result}")
    basis: Basis | None = None
    examples: tuple[Example, ...] = Field((), description="手算的例子，由测试逐个计算核对")
    sign: Literal["nonnegative", "any", "negative"] = Field(
        "nonnegative", description="结果的正负：any 表示可为负（如增减额），见 docs/case-format.md"
    )

    def param_unit(self, name: str) -> Unit | None:
        u = self.params[name].unit
        return parse_unit(u) if u is not None else None


def _template_fields(text: str, rule_id: str, where: str) -> list[str]:
    """The placeholders of a text template; only {name}, {name.label}, {result} and {label}."""
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError as e:  # an unbalanced '{' or '}'
        raise CesuanError(
            ErrorKind.RULE_BINDING,
            f"规则 {rule_id} 的文字模板格式不对：{e}",
            file=where,
            hint="占位符写作 {参数}、{参数.label}、{result}；文字中的花括号写作 {{ }}",
        ) from None
    out = []
    for _, field, spec, conversion in parts:
        if field is None:
            continue
        if (
            spec
            or conversion
            or field.count(".") > 1
            or ("." in field and not field.endswith(".label"))
        ):
            raise CesuanError(
                ErrorKind.RULE_BINDING,
                f"规则 {rule_id} 的文字模板不支持 '{{{field}{'!' + conversion if conversion else ''}"
                f"{':' + spec if spec else ''}}}'",
                file=where,
                hint="只支持 {参数}、{参数.label}、{result}、{label}",
            )
        out.append(field)
    return out


def _check_examples(r: Rule, where: str) -> None:
    """Each example names exactly the rule's parameters, and its texts are quantities of the
    units the rule declares (so an example cannot silently test something else)."""
    for n, ex in enumerate(r.examples):
        field = f"examples[{n}]"
        if set(ex.inputs) != set(r.params):
            missing = sorted(set(r.params) - set(ex.inputs))
            extra = sorted(set(ex.inputs) - set(r.params))
            raise CesuanError(
                ErrorKind.RULE_BINDING,
                f"规则 {r.id} 的例子 {n + 1} 的输入与参数不一致"
                + (f"：缺少 {'、'.join(missing)}" if missing else "")
                + (f"；多出 {'、'.join(extra)}" if extra else ""),
                file=where,
                field=field,
                hint="例子要给出每一个参数，且只给参数",
            )
        pairs = [(k, v, r.param_unit(k)) for k, v in ex.inputs.items()]
        pairs.append(("result", ex.result, parse_unit(r.unit)))
        for name, text, want in pairs:
            try:
                q = parse_quantity(text)
            except CesuanError as e:
                raise e.located(file=where, field=f"{field}.{name}") from None
            if want is not None and q.unit.dims != want.dims:
                raise CesuanError(
                    ErrorKind.DIMENSION_MISMATCH,
                    f"规则 {r.id} 的例子 {n + 1} 中 {name} = {text}，应为 {want.text or '无量纲'}"
                    " 一类的单位",
                    file=where,
                    field=f"{field}.{name}",
                )


def check_rule(r: Rule, where: str) -> None:
    """Refuse a rule whose formula, units, template or examples do not fit together."""
    try:
        tree = parse_formula(r.formula)
        units = {}
        for name, p in r.params.items():
            units[name] = parse_unit(p.unit) if p.unit is not None else None
        result = parse_unit(r.unit)
    except CesuanError as e:
        raise e.located(file=where) from None
    if all(u is not None for u in units.values()):
        try:
            c = compile_formula(
                tree, {k: v for k, v in units.items() if v is not None}, text=r.formula
            )
        except CesuanError as e:
            e.hint = "规则的公式只能使用它的参数：" + "、".join(r.params)
            raise e.located(file=where, field="formula") from None
        if c.unit.dims != result.dims:
            raise CesuanError(
                ErrorKind.DIMENSION_MISMATCH,
                f"规则 {r.id} 的公式结果为 {c.unit.text}，与声明的单位 {r.unit} 不符",
                file=where,
            )
    for f in _template_fields(r.text or "", r.id, where):
        base = f.split(".", 1)[0]
        if base not in r.params and base not in ("result", "label"):
            raise CesuanError(
                ErrorKind.RULE_BINDING,
                f"规则 {r.id} 的文字模板引用了未知参数 '{f}'",
                file=where,
                hint="可用：" + "、".join([*r.params, "result", "label"]),
            )
    _check_examples(r, where)


def parse_rule(rule_id: str, text: str, where: str) -> Rule:
    """Rule file text → a checked Rule."""
    data, _ = read_yaml(text, file=where)
    if not isinstance(data, dict):
        raise CesuanError(ErrorKind.SCHEMA, "规则文件应是一个映射", file=where)
    try:
        r = Rule.model_validate({"id": rule_id, **data})
    except ValidationError as e:
        first = e.errors()[0]
        what = {"missing": "缺少必填字段", "extra_forbidden": "未知字段"}.get(
            first["type"], "取值不对"
        )
        raise CesuanError(
            ErrorKind.SCHEMA,
            f"规则格式错误：{what} '{'.'.join(str(p) for p in first['loc'])}'",
            file=where,
            field=".".join(str(p) for p in first["loc"]),
        ) from None
    check_rule(r, where)
    return r


def walk_shipped(root: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    """(dotted id, file) of every .yaml below a shipped folder, sorted (rules, standards)."""
    out = []
    for entry in sorted(root.iterdir(), key=lambda t: t.name):
        if entry.is_dir():
            out += walk_shipped(entry, f"{prefix}{entry.name}.")
        elif entry.name.endswith(".yaml"):
            out.append((prefix + entry.name.removesuffix(".yaml"), entry))
    return out


@functools.cache
def load_rules() -> dict[str, Rule]:
    """Every shipped rule by id, loaded once per process (they are immutable)."""
    root = resources.files("cesuan.formulas")  # ./formulas, mapped in by pyproject.toml
    rules = {}
    for rid, entry in walk_shipped(root):
        where = f"formulas/{rid.replace('.', '/')}.yaml"
        rules[rid] = parse_rule(rid, decode(entry.read_bytes(), file=where), where)
    return rules


def rule(rule_id: str) -> Rule:
    """The rule with this id; unknown ids suggest the nearest."""
    rules = load_rules()
    if rule_id in rules:
        return rules[rule_id]
    import difflib

    close = difflib.get_close_matches(rule_id, sorted(rules), n=1, cutoff=0.5)
    raise CesuanError(
        ErrorKind.UNKNOWN_RULE,
        f"未知规则 '{rule_id}'",
        hint=f"是否为 '{close[0]}'？" if close else "可用规则：" + "、".join(sorted(rules)),
    )
