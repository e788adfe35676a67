"""One bad file per failure mode (tests/invalid/): each gives one error of the right kind, at the
right place (file, YAML line, line id, field), with a message — never a traceback or a result."""

from __future__ import annotations

from pathlib import Path

import pytest

import cesuan
from cesuan import CesuanError, CesuanErrors
from cesuan.limits import MAX_CASE_BYTES

HERE = Path(__file__).parent / "invalid"

# file → (kind, YAML line, line id, field). None means "not known at that layer".
EXPECTED: dict[str, tuple[str, int | None, str | None, str | None]] = {
    "alias.yaml": ("alias", 5, None, None),
    "bare_number_input.yaml": ("untyped_scalar", 8, "a", "lines[a].inputs.area.value"),
    "ambiguous_unit.yaml": ("ambiguous_unit", 10, "a", "lines[a].inputs.rate.value"),
    "confusable_character.yaml": ("confusable_character", 7, "a", "lines[a].formula"),
    "cycle.yaml": ("cycle", 7, "a", "lines[a].formula"),
    "dimension_mismatch.yaml": ("dimension_mismatch", 7, "a", "lines[a].formula"),
    "division_by_zero.yaml": ("division_by_zero", 7, "a", "lines[a].formula"),
    "duplicate_id.yaml": ("duplicate_id", 8, "a", "lines[1].id"),
    "duplicate_id_case.yaml": ("duplicate_id", 7, "Rent", "lines[1].id"),
    "duplicate_key.yaml": ("duplicate_key", 7, None, "lines[0].label"),
    "empty_case.yaml": ("empty_case", 3, None, "lines"),
    "empty_json.json": ("empty_case", 1, None, None),
    "nesting_json.json": (
        "nesting",
        4,
        None,
        "lines[0].note[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]",
    ),
    "empty_quote.yaml": ("schema", 9, "a", "lines[a].inputs.area.quote"),
    "encoding_gbk.yaml": ("encoding", 2, None, None),
    "encoding_nul.yaml": ("encoding", None, None, None),
    "encoding_utf16.yaml": ("encoding", None, None, None),
    "forbidden_construct.yaml": ("forbidden_construct", 7, "a", "lines[a].formula"),
    "forbidden_tag.yaml": ("forbidden_tag", 6, None, None),
    "formula_syntax.yaml": ("formula_syntax", 7, "a", "lines[a].formula"),
    "hidden_line_break.yaml": ("yaml_syntax", 8, None, None),
    "invalid_id.yaml": ("invalid_id", 5, "1st-line", "lines[1st-line].id"),
    "invalid_id_code_first.yaml": ("invalid_id", 5, "2080101.wages", "lines[2080101.wages].id"),
    "json_syntax.json": ("json_syntax", 1, None, None),
    "magnitude.yaml": ("magnitude", 9, "a", "lines[a].inputs.x.value"),
    "negative_input.yaml": ("sign", 8, "a", "lines[a].inputs.area.value"),
    "negative_result.yaml": ("sign", 6, "a", "lines[a].formula"),
    "nesting.yaml": ("nesting", 7, "a", "lines[a].formula"),
    "non_finite.yaml": ("non_finite", 9, "a", "lines[a].inputs.x.value"),
    "non_finite_json.json": ("non_finite", 1, None, None),
    "duplicate_key_json.json": ("duplicate_key", 6, None, None),
    "quantity_syntax.yaml": ("quantity_syntax", 9, "a", "lines[a].inputs.area.value"),
    "quote_not_in_source.yaml": ("quote_not_in_source", 9, "a", "lines[a].inputs.area.quote"),
    "rule_binding.yaml": ("rule_binding", 9, "a", "lines[a].inputs"),
    "schema_missing_field.yaml": ("schema", 5, "a", "lines[a].label"),
    "schema_unknown_field.yaml": ("schema", 7, "a", "lines[a].formular"),
    "standard_no_year.yaml": ("standard_not_in_force", 11, "a", "lines[a].inputs.fee.standard"),
    "standard_not_in_force.yaml": (
        "standard_not_in_force",
        10,
        "a",
        "lines[a].inputs.fee.standard",
    ),
    "unknown_standard.yaml": ("unknown_standard", 10, "a", "lines[a].inputs.standard.standard"),
    "source_missing.yaml": ("source_missing", 3, None, "source"),
    "source_nul.yaml": ("unsafe_path", 3, None, "source"),
    "unknown_function.yaml": ("unknown_function", 7, "a", "lines[a].formula"),
    "unknown_name.yaml": ("unknown_name", 7, "a", "lines[a].formula"),
    "unknown_rule.yaml": ("unknown_rule", 7, "a", "lines[a].use"),
    "unknown_unit.yaml": ("unknown_unit", 9, "a", "lines[a].inputs.area.value"),
    "untyped_scalar.yaml": ("untyped_scalar", 7, "a", "lines[a].stated.value"),
    "yaml_syntax.yaml": ("yaml_syntax", 7, None, None),
    # Issue 11: messages that misled, and declared conversions.
    "conversion.yaml": ("conversion", 5, None, "conversions[0].from"),
    "dimension_mismatch_counted.yaml": ("dimension_mismatch", 7, "a", "lines[a].formula"),
    "duplicate_id_rule_param.yaml": ("duplicate_id", 12, "a", "lines[a].inputs.students"),
    "quantity_syntax_dot.yaml": ("quantity_syntax", 10, "a", "lines[a].inputs.rate.value"),
    "schema_comma_in_flow.yaml": ("schema", 9, "a", "lines[a].inputs.area.以50元"),
    "untyped_scalar_wan.yaml": ("untyped_scalar", 7, "a", "lines[a].stated.value"),
    # Columns, cell quotes and date ranges (issue 11; cesuan.columns, shorthands, periods).
    "column_cell_past_row.yaml": ("quote_not_in_source", 9, "funds", "lines[funds].stated.quote"),
    "column_missing_value.yaml": ("schema", 9, "cost", "lines[cost].inputs.people"),
    "column_needs_key.yaml": ("schema", 4, None, "columns[0]"),
    "column_occurrence.yaml": ("quote_not_in_source", 9, "funds", "lines[funds].stated.quote"),
    "column_undeclared.yaml": ("schema", 9, "funds", "lines[funds].stated.2023"),
    "column_unknown.yaml": ("schema", 10, "rate", "lines[rate].formula"),
    "column_without_columns.yaml": ("schema", 7, "funds", "lines[funds].stated"),
    "date_bad.yaml": ("quantity_syntax", 9, "days", "lines[days].inputs.d.dates"),
    "date_end_before_start.yaml": ("quantity_syntax", 9, "months", "lines[months].inputs.n.dates"),
}


def _error(path: Path) -> CesuanError:
    with pytest.raises(CesuanError) as info:
        cesuan.evaluate(cesuan.load_case(path))
    err = info.value
    if isinstance(err, CesuanErrors):
        assert len(err) == 1, f"expected one problem, got: {err}"
        return err.errors[0]
    return err


def test_every_bad_file_is_listed() -> None:
    files = {p.name for p in HERE.iterdir() if p.suffix in (".yaml", ".json")}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_gives_located_error(name: str) -> None:
    kind, line, line_id, field = EXPECTED[name]
    err = _error(HERE / name)
    assert err.kind == kind
    assert err.file is not None
    assert err.file.endswith(name)
    assert err.line == line
    assert err.line_id == line_id
    assert err.field == field
    text = str(err)
    assert name in text
    assert err.message in text
    assert "Traceback" not in text


def test_hints_name_the_fix() -> None:
    assert "'area'" in (_error(HERE / "unknown_name.yaml").hint or "")
    assert "rent.by_area" in (_error(HERE / "unknown_rule.yaml").hint or "")
    assert "a → b → c → a" in (_error(HERE / "cycle.yaml").hint or "")
    assert "万元" in (_error(HERE / "untyped_scalar.yaml").hint or "")
    assert "UTF-8" in (_error(HERE / "encoding_gbk.yaml").hint or "")
    assert "U+0430" in _error(HERE / "confusable_character.yaml").message
    assert "元/(平方米·月)" in (_error(HERE / "ambiguous_unit.yaml").hint or "")
    assert "jianghan.safety_service" in (_error(HERE / "unknown_standard.yaml").hint or "")
    assert "已知版本：" in (_error(HERE / "standard_not_in_force.yaml").hint or "")
    assert "year: 2023" in (_error(HERE / "standard_no_year.yaml").hint or "")
    assert "'funds.adjusted'" in (_error(HERE / "column_unknown.yaml").hint or "")
    assert "'2022'" in (_error(HERE / "column_undeclared.yaml").hint or "")
    assert "columns:" in (_error(HERE / "column_without_columns.yaml").hint or "")
    assert "key: initial" in (_error(HERE / "column_needs_key.yaml").hint or "")
    assert "7 | 0 | 7" in (_error(HERE / "column_cell_past_row.yaml").hint or "")
    assert "28 天" in (_error(HERE / "date_bad.yaml").hint or "")
    assert "2024年2月" in (_error(HERE / "date_end_before_start.yaml").hint or "")


def test_issue_11_hints_say_the_right_fix() -> None:
    # 56万 is 560000: the fix is 56 万元, not "56万 万元" (10,000 times too much).
    hint = _error(HERE / "untyped_scalar_wan.yaml").hint or ""
    assert "写作 56 万元" in hint
    assert "56万 万元" not in hint
    # A half-width comma cut the quote inside {…}: say to quote the whole text.
    hint = _error(HERE / "schema_comma_in_flow.yaml").hint or ""
    assert 'quote: "大厅面积8369.34平方米,以50元"' in hint
    assert "元/(生·学期)" in (_error(HERE / "quantity_syntax_dot.yaml").hint or "")
    # Only counted units differ: the declaration to add.
    hint = _error(HERE / "dimension_mismatch_counted.yaml").hint or ""
    assert "conversions: [{from: 1 头, to: 1 只}]" in hint
    # A rule's parameter cannot be renamed: say how to refer to the line instead.
    assert "students: {ref: students}" in (_error(HERE / "duplicate_id_rule_param.yaml").hint or "")
    assert "元（量纲 元）" in _error(HERE / "conversion.yaml").message


def test_a_rule_parameter_may_refer_to_the_line_of_its_own_name() -> None:
    # students: {ref: students} is not ambiguous: 671 × 800 × 1 = 536800 元.
    data = {
        "case": "c",
        "title": "t",
        "lines": [
            {"id": "students", "label": "学生数", "stated": "671 生"},
            {
                "id": "a",
                "label": "甲",
                "use": "education.per_student_year",
                "inputs": {
                    "students": {"ref": "students"},
                    "rate": "800 元/生/年",
                    "years": "1 年",
                },
            },
        ],
    }
    assert str(cesuan.evaluate(data)["a"].quantity) == "536800 元"


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# " + b"x" * (MAX_CASE_BYTES + 10) + b"\n")
    err = _error(big)
    assert err.kind == "size_limit"


def test_all_problems_of_a_file_are_reported_together(tmp_path: Path) -> None:
    (tmp_path / "s.txt").write_text("原文", encoding="utf-8")
    f = tmp_path / "many.yaml"
    f.write_text(
        "case: c\ntitle: t\nsource: s.txt\nlines:\n"
        "  - id: a\n    label: 甲\n    formula: x + 1 元\n    inputs: {x: 1 平房米}\n"
        "  - id: b\n    label: 乙\n    formula: y * 2\n    inputs: {y: 3 kg}\n"
        "  - id: c\n    label: 丙\n    stated: {value: 1 元, quote: 不在原文}\n",
        encoding="utf-8",
    )
    with pytest.raises(CesuanErrors) as info:
        cesuan.load_case(f)
    assert sorted((e.kind, e.line_id, e.line) for e in info.value) == [
        ("quote_not_in_source", "c", 15),
        ("unknown_unit", "a", 8),
        ("unknown_unit", "b", 12),
    ]


def test_utf8_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    f = tmp_path / "bom.yaml"
    f.write_bytes(
        b"\xef\xbb\xbf"
        + "case: c\ntitle: 标题\nlines:\n  - id: a\n    label: 甲\n"
        "    formula: x * 2\n    inputs: {x: 3 元}\n".encode()
    )
    assert str(cesuan.evaluate(cesuan.load_case(f))["a"].quantity) == "6 元"


def test_loading_evaluating_and_auditing_write_nothing(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "cases"
    shutil.copytree(Path(__file__).resolve().parents[1] / "cases" / "jianghan-2023", folder)
    before = sorted((p.name, p.stat().st_mtime_ns) for p in folder.iterdir())
    for f in sorted(folder.glob("*.yaml")):
        cesuan.audit(cesuan.load_case(f)).result.to_json()
    assert sorted((p.name, p.stat().st_mtime_ns) for p in folder.iterdir()) == before
