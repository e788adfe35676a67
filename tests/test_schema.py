"""The JSON Schema shipped for editors (docs/case.schema.json) is the one the models generate,
and the bundled cases satisfy the model it describes."""

from __future__ import annotations

import json
from pathlib import Path

from cesuan.model import Case

ROOT = Path(__file__).resolve().parents[1]


def test_committed_schema_is_current() -> None:
    committed = json.loads((ROOT / "docs" / "case.schema.json").read_text(encoding="utf-8"))
    assert committed == Case.model_json_schema(), "run: cesuan schema > docs/case.schema.json"


def test_schema_documents_every_line_field() -> None:
    schema = Case.model_json_schema()
    line = schema["$defs"]["Line"]["properties"]
    for field in (
        "id",
        "label",
        "formula",
        "use",
        "value",
        "inputs",
        "unit",
        "round",
        "stated",
        "written",
        "quote",
        "note",
    ):
        assert field in line
