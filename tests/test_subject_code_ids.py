"""Issue 18: line ids may carry budget subject codes (科目编码): the first segment starts with a
letter, each later one with a letter or a digit (kemu.2080101). The model, the formula parser,
--set, scenarios, compare and export all take such ids; the error states the rule in Chinese."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

import cesuan
from cesuan import CesuanError
from cesuan.compare import compare
from cesuan.expr.ast import Name
from cesuan.scenario import override_data, parse_set

# 行政运行 2080101: 3 × 2 万元 = 6 万元; 一般行政管理事务 2080102: stated 4 万元;
# 合计 6 + 4 = 10 万元, as stated.
CASE: dict[str, Any] = {
    "case": "t.kemu",
    "title": "科目",
    "lines": [
        {
            "id": "kemu.2080101",
            "label": "行政运行",
            "formula": "n * 2 万元",
            "inputs": {"n": "3"},
        },
        {"id": "kemu.2080102", "label": "一般行政管理事务", "stated": "4 万元"},
        {
            "id": "total",
            "label": "合计",
            "formula": "kemu.2080101 + kemu.2080102",
            "stated": "10 万元",
        },
    ],
}


def test_a_formula_reads_a_subject_code_segment_as_part_of_the_name() -> None:
    tree = cesuan.parse_formula("kemu.2080101 * 2")
    assert isinstance(tree.left, Name)  # type: ignore[attr-defined]
    assert tree.left.id == "kemu.2080101"  # type: ignore[attr-defined]


def test_a_case_with_subject_code_ids_evaluates_and_reconciles() -> None:
    audit = cesuan.audit(CASE)
    assert str(audit.result["total"].quantity) == "10 万元"
    assert not audit.has_errors


def test_set_and_compare_take_subject_code_ids() -> None:
    # --set kemu.2080101.n=4: 4 × 2 = 8 万元; total 8 + 4 = 12 万元 (was 10: +2).
    changed = override_data(CASE, [parse_set("kemu.2080101.n=4")])
    new = cesuan.evaluate(changed)
    assert str(new["total"].quantity) == "12 万元"
    rows = {r.id: r for r in compare(cesuan.evaluate(CASE), new).rows}
    assert rows["kemu.2080101"].status == "changed"
    # The stated amount of a subject-code line: kemu.2080102.stated = 5 万元 → over the stated
    # parts 6 + 5 = 11 against 10.
    stated = override_data(CASE, [parse_set("kemu.2080102.stated=5 万元")])
    assert cesuan.audit(stated).has_errors


def test_export_writes_a_workbook_for_subject_code_ids() -> None:
    from cesuan.export import workbook_bytes

    data = workbook_bytes([cesuan.evaluate(CASE)])
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        text = "".join(z.read(n).decode("utf-8") for n in sheets)
    assert "kemu.2080101" in text


@pytest.mark.parametrize("bad", ["2080101.wages", "kemu..2080101", "kemu._x", "kemu.-1"])
def test_an_id_breaking_the_rule_is_refused_with_the_rule_in_chinese(bad: str) -> None:
    case = {"case": "t.bad", "title": "坏", "lines": [{"id": bad, "label": "甲", "stated": "1 元"}]}
    with pytest.raises(CesuanError) as e:
        cesuan.load_case(case)
    assert e.value.kind == "invalid_id"
    assert "第一段以英文字母开头，其后各段以字母或数字开头" in str(e.value)


def test_a_formula_name_whose_first_segment_starts_with_a_digit_is_still_a_number() -> None:
    # 2080101.5 is a number, never a name: names start with a letter.
    assert str(cesuan.evaluate_formula("2080101.5 * 2", {})) == "4160203"


def test_the_invalid_file_states_the_rule() -> None:
    path = Path(__file__).parent / "invalid" / "invalid_id_code_first.yaml"
    with pytest.raises(CesuanError) as e:
        cesuan.load_case(path)
    assert "kemu.2080101" in str(e.value)
