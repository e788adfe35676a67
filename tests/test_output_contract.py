"""The contract other tools rely on: every JSON output carries `format_version` and validates
against the schema `cesuan schema calc|audit` publishes (checked on every bundled case and every
bad file); one file and many give the same shape; fields have one meaning each; Audit and Finding
hold in Python what the JSON shows. And the input side: typed Python values, model instances
checked like mappings, every validation failure a CesuanError with its path."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import cesuan
from cesuan.cli import main
from cesuan.implied import implied_inputs
from cesuan.report import FORMAT_VERSION
from cesuan.schemas import output_schema

ROOT = Path(__file__).resolve().parents[1]
CASES = sorted((ROOT / "cases").rglob("*.yaml"))
INVALID = sorted(p for p in (ROOT / "tests" / "invalid").iterdir() if p.suffix != ".txt")
EXAMPLE = ROOT / "cases" / "examples" / "hall-rent.yaml"


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    main([*args, "--format", "json"])
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def _check(which: str, data: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator(output_schema(which)).validate(data)
    assert data["format_version"] == FORMAT_VERSION


@pytest.mark.parametrize("which", ["case", "calc", "audit"])
def test_published_schemas_are_valid_and_committed(which: str) -> None:
    schema = output_schema(which)
    jsonschema.Draft202012Validator.check_schema(schema)
    name = "case.schema.json" if which == "case" else f"schemas/{which}.schema.json"
    committed = json.loads((ROOT / "docs" / name).read_text(encoding="utf-8"))
    assert committed == schema, f"run: cesuan schema {which} -o docs/{name}"


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_every_bundled_case_validates(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    calc = _json(capsys, "calc", str(path))
    _check("calc", calc)
    audit = _json(capsys, "audit", str(path))
    _check("audit", audit)
    # Lines in the case's order, in both outputs.
    case = cesuan.load_case(path)
    order = [ln.id for ln in case.lines]
    assert [ln["id"] for ln in calc["cases"][0]["lines"]] == order
    audited = [c["line_id"] for c in audit["cases"][0]["lines"]]
    assert audited == [i for i in order if i in set(audited)]


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_every_bad_file_is_a_located_error_that_validates(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for command in ("calc", "audit"):
        data = _json(capsys, command, str(path))
        _check(command, data)
        assert data["cases"] == []
        assert data["errors"]
        for e in data["errors"]:
            assert e["file"] == str(path)
            assert e["kind"] in set(cesuan.ErrorKind)


def test_one_file_and_many_have_the_same_shape(capsys: pytest.CaptureFixture[str]) -> None:
    many = _json(capsys, "audit", str(ROOT / "cases"))
    one = _json(capsys, "audit", str(EXAMPLE))
    assert one.keys() == many.keys()
    (same,) = [c for c in many["cases"] if c["case"] == one["cases"][0]["case"]]
    assert same == one["cases"][0]
    assert len(many["cases"]) == len(CASES)


def test_value_and_value_over_stated_parts_mean_one_thing_each(
    capsys: pytest.CaptureFixture[str],
) -> None:
    audit = _json(capsys, "audit", str(EXAMPLE))
    hall = next(ln for ln in audit["cases"][0]["lines"] if ln["line_id"] == "hall")
    # Over the computed parts: 502.1604 + 81 + 120.528 = 703.6884 万元 (物业费 5580 × 18 × 12
    # = 1205280 元 = 120.528 万元); over the parts as the form states them: 502.1604 + 81 +
    # 120.53 = 703.6904 万元. The form writes 703.69: a match after rounding either way.
    assert hall["value"] == "703.6884 万元"
    assert hall["value_over_stated_parts"] == "703.6904 万元"
    assert hall["stated"] == "703.69 万元"
    assert hall["status"] == "rounded_match"
    rent = next(ln for ln in audit["cases"][0]["lines"] if ln["line_id"] == "hall.rent")
    assert rent["value_over_stated_parts"] is None  # it uses no other line


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_audit_objects_hold_what_the_json_shows(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (case,) = _json(capsys, "audit", str(path))["cases"]
    a = cesuan.audit(path)
    # `implied` is added by report.audit_case from cesuan.implied (the library call that gives it);
    # every other field is the Finding's own.
    implied = [f.pop("implied") for f in case["findings"]]
    assert case["findings"] == [f.to_dict() for f in a.findings]
    for f, shown in zip(a.findings, implied, strict=True):
        r = a.result.get(f.line_id, None)
        lib = None
        if f.kind == "mismatch" and r is not None and r.planned.stated is not None:
            lib = [i.to_dict() for i in implied_inputs(r, r.planned.stated)] or None
        assert shown == lib
    assert case["summary"] == a.summary()
    assert case["has_errors"] == a.has_errors
    assert [c["status"] for c in case["lines"]] == [c.status for c in a.checks]


# ── typed library input ──────────────────────────────────────────────────────────────────────


def _case(value: object, **line: object) -> dict[str, Any]:
    return {
        "case": "typed",
        "title": "类型",
        "lines": [{"id": "a", "label": "甲", "formula": "x * 2", "inputs": {"x": value}, **line}],
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # 8369.34 × 2 = 16738.68
        (Decimal("8369.34"), "16738.68"),
        (12, "24"),
        (Fraction(1, 8), "0.25"),  # 1/8 = 0.125, × 2
        (cesuan.parse_quantity("8369.34 平方米"), "16738.68 平方米"),
        (cesuan.parse_quantity("25 万元"), "50 万元"),
    ],
)
def test_mappings_may_carry_exact_python_numbers(value: object, expected: str) -> None:
    assert str(cesuan.evaluate(_case(value))["a"].quantity) == expected


def test_a_float_or_a_non_terminating_fraction_is_refused_with_its_path() -> None:
    with pytest.raises(cesuan.CesuanError) as info:
        cesuan.load_case(_case(0.1))
    assert info.value.field == "lines[a].inputs.x"
    assert "浮点数" in info.value.message
    with pytest.raises(cesuan.CesuanError) as frac:
        cesuan.load_case(_case(Fraction(1, 3)))
    assert frac.value.kind == cesuan.ErrorKind.NON_TERMINATING


def test_a_case_built_in_python_goes_through_the_same_checks() -> None:
    loaded = cesuan.load_case(EXAMPLE)
    again = cesuan.load_case(loaded)
    assert again.model_dump() == loaded.model_dump()
    assert again.source_text == loaded.source_text  # its quotes were checked against it
    line = cesuan.Line(id="a", label="甲", value="1 元", quote=("不在原文里的话",))
    built = cesuan.Case(case="py", title="Python", lines=(line,))
    with pytest.raises(cesuan.CesuanError) as info:
        cesuan.load_case(built, source_text="原文")
    assert info.value.kind == cesuan.ErrorKind.QUOTE_NOT_IN_SOURCE
    with pytest.raises(cesuan.CesuanError):  # evaluate checks a Case it has not seen loaded
        cesuan.evaluate(built)


def test_a_bad_model_field_is_a_cesuan_error_with_its_path() -> None:
    with pytest.raises(cesuan.CesuanError) as info:
        cesuan.Line(id="bad-id", label="甲", value="1 元")
    assert info.value.kind == cesuan.ErrorKind.INVALID_ID
    assert info.value.field == "id"
    assert info.value.text == "bad-id"
