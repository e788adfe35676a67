"""The JSON Schema shipped for editors (docs/case.schema.json): current with the models,
accepting every bundled case as an editor reads it (shorthands included), and catching the
mistakes it can see before cesuan runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from cesuan.model import case_json_schema

ROOT = Path(__file__).resolve().parents[1]
CASES = sorted((ROOT / "cases").rglob("*.yaml"))


def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(case_json_schema())


def test_committed_schema_is_current() -> None:
    committed = json.loads((ROOT / "docs" / "case.schema.json").read_text(encoding="utf-8"))
    assert committed == case_json_schema(), "run: cesuan schema > docs/case.schema.json"


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_bundled_cases_validate_as_an_editor_reads_them(path: Path) -> None:
    # An editor's YAML plug-in reads the file with plain YAML types, as safe_load does.
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert list(_validator().iter_errors(data)) == []


def _line(**fields: Any) -> dict[str, Any]:
    return {"case": "c", "title": "t", "lines": [{"id": "a", "label": "甲", **fields}]}


@pytest.mark.parametrize(
    "data",
    [
        _line(formular="x * 2"),  # a typo in a field name
        _line(stated=746),  # a bare number where a quantity text belongs
        _line(formula="x", inputs={"x": {"value": "1 元", "qoute": "原文"}}),
        {"case": "c", "title": "t", "lines": []},
        _line(formula="x", round={"places": 99}),
    ],
)
def test_schema_catches_common_mistakes(data: dict[str, Any]) -> None:
    assert list(_validator().iter_errors(data)) != []
