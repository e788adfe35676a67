"""`cesuan compare`: old vs new line by line, exact, marking exactly the lines whose value changed.

The expected amounts are worked by hand from the form (cases/jianghan-2023/shenpi-dating.yaml),
not taken from the engine.
"""

from __future__ import annotations

import json
import re
import shutil
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

import cesuan
from cesuan import exact
from cesuan.bounds import is_bounded
from cesuan.cli import main
from cesuan.compare import compare, compare_json, compare_markdown, compare_text
from cesuan.quantity import parse_quantity
from cesuan.scenario import apply_overrides
from cesuan.yamlsafe import read_yaml

ROOT = Path(__file__).resolve().parents[1]
HALL = ROOT / "cases" / "jianghan-2023" / "shenpi-dating.yaml"
CASES = sorted((ROOT / "cases").rglob("*.yaml"))

# Old values (万元) by hand:
#   hall.rent  = 8369.34 × 50 × 12 = 5,021,604 元 = 502.1604
#   hall       = 502.1604 + (61 + 4 + 16) + 5580 × 18 × 12 / 10000 = 502.1604 + 81 + 120.528
#              = 703.6884
#   total      = maint 9.5 + safety 1.5 + network (8 + 4.32 + 3.24) 15.56
#                + comms (6.6 + 300000 × 1 / 100000 × 8000 / 10000 = 6.6 + 2.4) 9
#                + training 6.64 + hall 703.6884 = 745.8884
#   change_vs_2022 = 750 − 745.8884 = 4.1116
# New, with the area 8500 平方米:
#   hall.rent  = 8500 × 50 × 12 = 5,100,000 元 = 510
#   hall       = 510 + 81 + 120.528 = 711.528
#   total      = 745.8884 − 502.1604 + 510 = 753.728 (budget.sum and budget.district = total)
#   change_vs_2022 = 750 − 753.728 = −3.728
EXPECTED = {
    "hall.rent": ("502.1604", "510"),
    "hall": ("703.6884", "711.528"),
    "total": ("745.8884", "753.728"),
    "budget.sum": ("745.8884", "753.728"),
    "budget.district": ("745.8884", "753.728"),
    "change_vs_2022": ("4.1116", "-3.728"),
}


def _area_8500() -> Any:
    old = cesuan.evaluate(HALL)
    new = cesuan.evaluate(apply_overrides(HALL, {"hall.rent.area": "8500 平方米"}))
    return compare(old, new)


def test_changing_the_area_changes_exactly_the_lines_that_depend_on_it() -> None:
    c = _area_8500()
    assert c.changed() == list(EXPECTED)  # in case order
    rows = {r.id: r for r in c.rows}
    for lid, (old, new) in EXPECTED.items():
        r = rows[lid]
        assert (exact.format_exact(r.old), exact.format_exact(r.new)) == (old, new), lid
        assert r.unit.text == "万元"
        assert exact.to_fraction(r.difference) == Fraction(new) - Fraction(old)
        assert r.change == (Fraction(new) - Fraction(old)) / Fraction(old)
    # every other line is there, unchanged, in the case's order
    assert [r.id for r in c.rows] == [ln.id for ln in cesuan.load_case(HALL).lines]
    assert all(r.difference == 0 for r in c.rows if r.id not in EXPECTED)


def test_the_text_table_shows_the_form_precision_and_marks_changed_lines() -> None:
    text = compare_text(_area_8500())
    lines = text.splitlines()
    assert lines[1] == "改动：hall.rent.area 8369.34 平方米 → 8500 平方米（api）"
    rent = next(ln for ln in lines if " hall.rent " in ln)
    # 502.1604 has 4 places on the form; 7.8396 / 502.1604 = 0.01561… → +1.56%
    assert rent.split() == [
        "变动",
        "hall.rent",
        "大厅租金（每年）",
        "502.1604万元",
        "510.0000万元",
        "+7.8396万元",
        "+1.56%",
    ]
    total = next(ln for ln in lines if " total " in ln)
    # the form writes 746 (0 places): 745.8884 → 746, 753.728 → 754, 7.8396 → 8;
    # 7.8396 / 745.8884 = 0.010510… → +1.05%
    assert total.split()[3:] == ["746万元", "754万元", "+8万元", "+1.05%"]
    water = next(ln for ln in lines if "hall.utilities.water" in ln)
    assert water.split() == ["hall.utilities.water", "大厅水费", "4万元", "4万元"]  # blank diff
    assert lines[-1] == "共 28 行，其中 6 行有变动。"


def test_a_change_below_the_display_precision_is_still_marked() -> None:
    # 0.01 平方米 × 18 元 × 12 = 2.16 元 = 0.000216 万元: shown to 2 places as 0.00, but changed
    old = cesuan.evaluate(HALL)
    new = cesuan.evaluate(apply_overrides(HALL, {"hall.property.area": "5580.01 平方米"}))
    c = compare(old, new)
    assert "hall.property" in c.changed()
    row = next(r for r in c.rows if r.id == "hall.property")
    assert exact.format_exact(row.difference) == "0.000216"
    assert "+0.00万元" in compare_text(c)


def _copy(tmp_path: Path, edit: Any) -> Path:
    for f in HALL.parent.glob("shenpi-dating.*"):
        shutil.copy(f, tmp_path / f.name)
    target = tmp_path / HALL.name
    text = edit(target.read_text(encoding="utf-8"))
    target.write_text(text, encoding="utf-8")
    return target


def test_two_files_lines_on_one_side_only_and_units_written_differently(tmp_path: Path) -> None:
    def edit(text: str) -> str:
        text = text.replace("  - id: training\n", "  - id: training_new\n", 1)
        text = text.replace(
            "formula: maint + safety + network + comms + training + hall",
            "formula: maint + safety + network + comms + training_new + hall",
        )
        # the same amount in 元 instead of 万元: not a change
        return text.replace(
            "stated: {value: 8 万元, quote: 网络维护、软件升级费8万元}",
            "stated: {value: 80000 元, quote: 网络维护、软件升级费8万元}",
        )

    new = _copy(tmp_path, edit)
    c = compare(cesuan.evaluate(HALL), cesuan.evaluate(new))
    status = {r.id: r.status for r in c.rows}
    assert status["training"] == "removed"
    assert status["training_new"] == "added"
    assert status["network.software"] == "same"
    ids = [r.id for r in c.rows]
    # right after the line it follows in the new case (comms), before the removed line
    assert ids[ids.index("comms") + 1 : ids.index("comms") + 3] == ["training_new", "training"]
    assert c.changed() == ["training_new", "training"]
    text = compare_text(c)
    assert text.splitlines()[:2] == [
        "对比：审批大厅日常运转经费（jianghan-2023.shenpi-dating）",
        f"原案例：{HALL}；新案例：{new}",
    ]
    row = next(ln for ln in text.splitlines() if " training_new " in ln)
    assert row.split()[0] == "新增"
    assert "—" in row.split()  # no old value
    md = compare_markdown(c)
    assert "| 删除 | training |" in md


def test_a_line_whose_dimension_changed_is_not_compared() -> None:
    old = cesuan.evaluate(
        {"case": "c", "title": "t", "lines": [{"id": "a", "label": "甲", "value": "2 次"}]}
    )
    newer = cesuan.evaluate(
        {"case": "c", "title": "t", "lines": [{"id": "a", "label": "甲", "value": "2 元"}]}
    )
    c = compare(old, newer)
    assert [r.status for r in c.rows] == ["incomparable"]
    assert c.rows[0].difference is None
    assert "单位不同" in compare_text(c)


def test_json_has_a_version_exact_values_and_the_overrides() -> None:
    data = compare_json(_area_8500())
    assert data["format_version"] == "1.0"
    assert data["changed"] == list(EXPECTED)
    rent = data["lines"][0]
    assert rent == {
        "id": "hall.rent",
        "label": "大厅租金（每年）",
        "status": "changed",
        "unit": "万元",
        "old": "502.1604 万元",
        "new": "510 万元",
        "difference": "7.8396 万元",
        "change": str(Fraction("7.8396") / Fraction("502.1604")),  # 9798/627701: not terminating
        "shown": {
            "原值": "502.1604万元",
            "新值": "510.0000万元",
            "差额": "+7.8396万元",
            "变化": "+1.56%",
        },
    }
    assert data["overrides"][0]["old_quote"] == ["大厅面积8369.34平方米"]
    json.dumps(data)  # plain data


def test_case_text_is_escaped_in_markdown() -> None:
    case = {
        "case": "c",
        "title": "t|x",
        "lines": [{"id": "a", "label": "甲|*乙*", "value": "2 元"}],
    }
    c = compare(cesuan.evaluate(case), cesuan.evaluate(case))
    md = compare_markdown(c)
    assert "甲\\|\\*乙\\*" in md
    assert c.changed() == []


# ---- dependents: a property over every bundled case -----------------------------------------


def _dependents(case: cesuan.Case, start: str) -> set[str]:
    """Lines that use `start`, directly or not, read from the case text (an oracle apart from
    the engine's plan): ids named in a formula, and inputs bound with `ref:`."""
    ids = {ln.id for ln in case.lines}
    uses: dict[str, set[str]] = {}
    for ln in case.lines:
        names = set(re.findall(r"[A-Za-z_][A-Za-z0-9_.]*", ln.formula or "")) & ids
        names |= {v.ref for v in ln.inputs.values() if v.ref is not None}
        uses[ln.id] = names
    out, todo = {start}, [start]
    while todo:
        x = todo.pop()
        for lid, names in uses.items():
            if x in names and lid not in out:
                out.add(lid)
                todo.append(lid)
    return out


# Inputs whose doubling leaves their own line as it was, by arithmetic: the 2022 execution rate
# (750 − 0) / 750 is 1 whatever the budget, and the balance is 0, so doubled it is still 0.
# 云陵镇 and 和平农场 have a blank 其中贫困村 cell, read as 0 个: 0 × any 增加 standard is 0.
_UNMOVED = {("exec_2022", "budget_2022"), ("exec_2022", "balance")}
_UNMOVED |= {("yunling", "extra"), ("hepingfarm", "extra")}


def _inputs(path: Path) -> list[tuple[str, str]]:
    case = cesuan.load_case(path)
    # A bounded input ("5万余 生") is a range, not a number to double (tests/test_bounds.py
    # compares ranges).
    return [
        (ln.id, k)
        for ln in case.lines
        for k, v in ln.inputs.items()
        if v.value is not None and not is_bounded(v.value)
    ]


@pytest.mark.parametrize("path", CASES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_changed_input_changes_only_the_lines_that_use_it(path: Path) -> None:
    case = cesuan.load_case(path)
    old = cesuan.evaluate(case)
    data, _ = read_yaml(path.read_text(encoding="utf-8"))
    for lid, name in _inputs(path):
        value = case.lines[[ln.id for ln in case.lines].index(lid)].inputs[name].value
        assert value is not None
        q = parse_quantity(value)
        doubled = (
            f"{exact.format_exact(exact.mul(q.magnitude, exact.to_fraction(2)))} {q.unit.text}"
        )
        try:
            new = cesuan.evaluate(
                apply_overrides(data, {f"{lid}.{name}": doubled}, base_dir=path.parent)
            )
        except cesuan.CesuanError:
            continue  # doubling made a value non-terminating or out of bounds: nothing to compare
        changed = set(compare(old, new).changed())
        assert changed <= _dependents(case, lid), (lid, name)
        assert lid in changed or (lid, name) in _UNMOVED, (lid, name)


def test_compare_on_the_command_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["compare", str(HALL), "--set", "hall.rent.area=8500 平方米"]) == 0
    out = capsys.readouterr().out
    assert "改动：hall.rent.area 8369.34 平方米 → 8500 平方米（--set）" in out
    assert main(["compare", str(HALL), str(HALL), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["changed"] == []
    assert main(["compare", str(HALL)]) == 2
    assert "compare 需要两个案例文件" in capsys.readouterr().err
    out_md = tmp_path / "对比.md"
    assert (
        main(
            [
                "compare",
                str(HALL),
                "--set",
                "hall.rent.area=8500 平方米",
                "--format",
                "md",
                "-o",
                str(out_md),
            ]
        )
        == 0
    )
    assert "| 变动 | hall.rent |" in out_md.read_text(encoding="utf-8")


def test_set_on_calc_explain_and_audit(capsys: pytest.CaptureFixture[str]) -> None:
    s = ["--set", "hall.rent.area=8500 平方米"]
    assert main(["calc", str(HALL), *s, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["cases"][0]["overrides"][0]["source"] == "--set"
    assert main(["explain", str(HALL), "hall.rent", *s]) == 0
    assert "大厅面积8500平方米" in capsys.readouterr().out
    # the form states 502.1604 for the rent: the what-if does not match it, and says why
    assert main(["audit", str(HALL), *s]) == 1
    out = capsys.readouterr().out
    assert "hall.rent.area：测算情景改动：8369.34 平方米 → 8500 平方米（--set）" in out
    assert main(["audit", str(HALL), *s, "--set", "hall.rent.stated=510 万元"]) == 1  # comms.sms
    assert "[计算结果与申报数不符] jianghan-2023.shenpi-dating · hall.rent" not in _out(capsys)
    assert main(["audit", str(HALL), "--format", "json", *s]) == 1
    data = json.loads(_out(capsys))
    assert data["cases"][0]["overrides"][0]["new"] == "8500 平方米"
    assert "stale_quotes" not in data["cases"][0]  # the override took the old quote off


def _out(capsys: pytest.CaptureFixture[str]) -> str:
    return capsys.readouterr().out


def test_bad_set_options_are_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    # A bad --set is that case's error: reported in the output with the rest (cesuan.batch).
    assert main(["calc", str(HALL), "--set", "hall.rent.area"]) == 2
    assert "--set 应写作 明细id.输入名=数量" in capsys.readouterr().out
    assert main(["calc", str(HALL.parent), "--set", "hall.rent.area=1 平方米"]) == 2
    assert "只能用于一个案例文件" in capsys.readouterr().err
    assert main(["calc", str(HALL), "--set", "hall.rent.aera=1 平方米"]) == 2
    assert "是否为 'hall.rent.area'？" in capsys.readouterr().out
