"""The exported workbook, recalculated by LibreOffice, agrees with the engine on every cell.

The exporter writes formulas with no cached values (checked in the file itself), LibreOffice
computes them (`soffice --headless --convert-to xlsx`), and the values it wrote are read back
with openpyxl (data_only=True). Every formula cell and every input cell of every sheet is
compared with the engine's exact value at the precision the cell's number format shows.
LibreOffice writes 15 significant digits, so its value rounded to the cell's places is the
exact value rounded there unless floating point moved it, which is what would be a bug.
A synthetic case adds what the bundled ones lack (negative roundings, ceil/floor, functions,
unit factors, a non-terminating quotient), checked against hand-worked values too.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

import cesuan
from cesuan import exact
from cesuan.cli import main
from cesuan.export import workbook_bytes

ROOT = Path(__file__).resolve().parents[1]
CASES = sorted((ROOT / "cases").rglob("*.yaml"))
SOFFICE = shutil.which("soffice")
# .ci/run sets this: there a missing LibreOffice is a failure, not a skip.
REQUIRED = bool(os.environ.get("CESUAN_REQUIRE_SOFFICE"))


def _line(id_: str, label: str, formula: str, **kw: Any) -> dict[str, Any]:
    return {"id": id_, "label": label, "formula": formula, **kw}


def _rounded(id_: str, label: str, x: str, mode: str) -> dict[str, Any]:
    """A line holding x in 万元, rounded to 2 places by `mode` (a negative x declared so)."""
    line = _line(id_, label, "x", inputs={"x": x}, unit="万元", round={"places": 2, "mode": mode})
    return {**line, "sign": "any"} if x.startswith("-") else line


SYNTHETIC = {
    "case": "synthetic.excel",
    "title": "=导出测试[1]",
    "lines": [
        _rounded("neg_round", "负数四舍五入", "-1250 元", "half_up"),
        _rounded("neg_ceil", "负数向上取整", "-12310 元", "ceil"),
        _rounded("neg_floor", "负数向下取整", "-12310 元", "floor"),
        _rounded("pos_ceil", "正数向上取整", "12310 元", "ceil"),
        _rounded("pos_floor", "正数向下取整", "12310 元", "floor"),
        _line(
            "round_in_yuan",
            "按元取整",
            "x * 3",
            inputs={"x": "1.23456 万元"},
            unit="万元",
            round={"places": 0, "unit": "元"},
        ),
        _line(
            "fns",
            "函数",
            "max(a, b) - min(a, b) + sum(a, b)",
            inputs={"a": "2 万元", "b": "5000 元"},
            unit="万元",
        ),
        _line(
            "inner",
            "公式内取整",
            "round(a / 3, 2, 万元) + ceil(b / 7, 元) - floor(-b / 7, 元)",
            inputs={"a": "1 万元", "b": "100 元"},
            unit="万元",
            stated="0.33 万元",
        ),
        _line("months", "按年计", "rate * 2 年", inputs={"rate": "100 元/月"}, unit="元"),
        _line(
            "negated",
            "取负",
            "-(a - b)",
            inputs={"a": "1 万元", "b": "3000 元"},
            unit="万元",
            sign="any",
        ),
        _line("share", "执行率", "a / b", inputs={"a": "1041 元", "b": "2000 元"}, stated="52.05%"),
        {"id": "given", "label": "给定", "value": "1.5 万元", "unit": "元"},
        _line(
            "third",
            "三分之一",
            "a / 3",
            inputs={"a": "1 万元"},
            round={"places": 2},
            stated="0.33 万元",
        ),
        _line(
            "sub_of_sub", "减括号", "a - (b - c)", inputs={"a": "10 元", "b": "4 元", "c": "1 元"}
        ),
        _line("div_of_mul", "除以乘积", "a / (2 * 3)", inputs={"a": "12 元"}),
        _line("div_div", "连除", "a / 2 / 3", inputs={"a": "12 元"}),
        _line("neg_mix", "负号与括号", "-a * 3 + (a + a) * 2", inputs={"a": "5 元"}),
        _line(
            "mixed_units",
            "括号内换算",
            "a - (b - c)",
            inputs={"a": "1 万元", "b": "5000 元", "c": "0.1 万元"},
            unit="万元",
        ),
        _rounded("tie", "二进制无法精确表示的恰好一半", "10050 元", "half_up"),
        _line(
            "ceil_exact",
            "恰为整数的向上取整",
            "x * 3",
            inputs={"x": "0.1 万元"},
            round={"places": 1, "mode": "ceil"},
        ),
        _line("total", "=1+1", "neg_round + pos_ceil + inner + third", stated="2 万元"),
    ],
}

# Hand-worked results (the 金额 column), independent of the engine:
HAND = {
    "neg_round": "-0.13",  # −1250 元 = −0.125 万元, half away from zero → −0.13
    "neg_ceil": "-1.23",  # −1.231 toward +∞
    "neg_floor": "-1.24",  # −1.231 toward −∞
    "pos_ceil": "1.24",
    "pos_floor": "1.23",
    "round_in_yuan": "3.7037",  # 3 × 1.23456 = 3.70368 万元 = 37036.8 元 → 37037 元
    "fns": "4",  # max 2, min 0.5, sum 2.5 (万元): 2 − 0.5 + 2.5
    "inner": "0.333",  # round(1/3, 2) = 0.33; ceil(100/7) = 15 元; floor(−100/7) = −15 元; 0.33 + 0.003
    "months": "2400",  # 100 元/月 × 2 年 = 100 × 24
    "negated": "-0.7",  # −(1 − 0.3)
    "share": "0.5205",  # 1041 / 2000
    "given": "15000",  # 1.5 万元 in 元
    "third": "0.33",  # 1/3 万元, half-up at 2
    "sub_of_sub": "7",  # 10 − (4 − 1); without the parentheses 5
    "div_of_mul": "2",  # 12 / (2 × 3); without them 18
    "div_div": "2",  # (12 / 2) / 3
    "neg_mix": "5",  # −5 × 3 + (5 + 5) × 2 = −15 + 20
    "mixed_units": "0.6",  # 5000 元 − 0.1 万元 = 4000 元 = 0.4 万元; 1 − 0.4
    # 1.005 万元 is a tie at 2 places, but the nearest binary double is 1.00499999…: half-up
    # gives 1.01, as the spreadsheet must too (LibreOffice and Excel round the decimal value).
    "tie": "1.01",
    # 0.1 × 3 = 0.3 exactly; in binary 0.30000000000000004, which a naive ceil takes to 0.4.
    "ceil_exact": "0.3",
    # Exact values flow between lines (issue 18): the parts before their own rounding,
    # −0.125 + 1.231 + 0.333 + 1/3 = 1.7723333… (rounded parts would give 1.773).
    "total": "1.7723333333",
}


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[cesuan.Result], Path, Path]:
    """(results, the exported file, the file LibreOffice recalculated and wrote back)."""
    if SOFFICE is None:
        if REQUIRED:
            pytest.fail("soffice (LibreOffice) not found: apt-get install libreoffice-calc")
        pytest.skip("soffice (LibreOffice) not installed")
    tmp = tmp_path_factory.mktemp("xlsx")
    results = [cesuan.evaluate(c) for c in CASES] + [cesuan.evaluate(SYNTHETIC)]
    src = tmp / "测算表.xlsx"
    src.write_bytes(workbook_bytes(results))
    out = tmp / "recalculated"
    # A private profile: other LibreOffice processes on the machine cannot interfere.
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(tmp / 'profile').as_uri()}",
            "--headless",
            "--calc",
            *("--convert-to", "xlsx", "--outdir", str(out), str(src)),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return results, src, out / src.name


def _places(fmt: str) -> int:
    """Decimals a number format shows: '0.00' → 2, '0' → 0, '0.00%' → 4 (of the fraction)."""
    assert fmt != "General", "every number cell has an explicit format"
    body = fmt.rstrip("%")
    return len(body.partition(".")[2]) + (2 if fmt.endswith("%") else 0)


def _table(ws: Worksheet, second: str) -> tuple[dict[str, int], list[tuple[str, str, int]]]:
    """The columns (by header) and the rows (line id, column B text, row) of the table whose
    header row has 明细 id in A and `second` in B."""
    start = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == second)
    cols = {ws.cell(start, c).value: c for c in range(1, ws.max_column + 1)}
    rows = []
    r = start + 1
    while ws.cell(r, 1).value:
        rows.append((ws.cell(r, 1).value, ws.cell(r, 2).value, r))
        r += 1
    return cols, rows  # type: ignore[return-value]


def _agree(got: object, want: exact.Num, places: int) -> bool:
    assert isinstance(got, (int, float)), f"no number recalculated: {got!r}"
    shown = Decimal(repr(got))  # the 15 digits LibreOffice wrote, as text
    return exact.round_half_up(shown, places) == exact.round_half_up(want, places)


def _expected(res: cesuan.Result, line_id: str) -> dict[str, exact.Num | None]:
    r = res[line_id]
    p = r.planned
    if r.interval is not None:
        return {}  # a range is written as text, no number (tests/test_bounds.py)
    # A stated bound is text (不超过 30 万元): no 申报数 or 差额 as numbers.
    stated = None if p.stated_bound is not None else p.stated_value
    return {
        "计算值": None if p.how == "stated" else r.exact,
        "金额": r.value,
        "申报数": stated,
        "差额（金额−申报数）": None if stated is None else exact.sub(r.value, stated),
        "按分项申报数计算": None
        if any(res[x].planned.stated_bound for x in p.refs)
        else r.over_stated,
    }


def test_the_exported_file_has_no_cached_values(books: tuple[Any, Path, Path]) -> None:
    _, src, _ = books
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    formulas = 0
    with zipfile.ZipFile(src) as z:
        for name in z.namelist():
            if not name.startswith("xl/worksheets/sheet"):
                continue
            for c in ElementTree.fromstring(z.read(name)).iter(f"{ns}c"):
                if c.find(f"{ns}f") is not None:
                    formulas += 1
                    v = c.find(f"{ns}v")
                    assert v is None or not v.text, f"{name} {c.get('r')} has a cached value"
    assert formulas > 100  # the six cases' lines: the check above ran on real formulas


@pytest.mark.parametrize(
    "index", range(len(CASES) + 1), ids=[c.stem for c in CASES] + ["synthetic"]
)
def test_every_recalculated_cell_matches_the_engine(
    books: tuple[Any, Path, Path], index: int
) -> None:
    results, src, calc = books
    res = results[index]
    wb = openpyxl.load_workbook(src)
    wv = openpyxl.load_workbook(calc, data_only=True)
    ws, vs = wb.worksheets[index], wv.worksheets[index]
    assert res.case.case in str(ws.cell(1, 1).value)
    formula_cells = {c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"}
    checked: set[str] = set()
    cols, rows = _table(ws, "项目内容")
    assert [i for i, _, _ in rows] == [ln.id for ln in res.case.lines]
    for line_id, _, row in rows:
        for header, want in _expected(res, line_id).items():
            if want is None:
                continue
            cell = ws.cell(row, cols[header])
            got = vs.cell(row, cols[header]).value
            assert _agree(got, want, _places(cell.number_format)), (line_id, header, got, want)
            checked.add(cell.coordinate)
    icols, irows = _table(ws, "输入")
    for line_id, name, row in irows:
        p = res[line_id].planned
        if name in dict(p.bounds) or (name == "（给定）" and p.given_bound):
            continue  # a bound is written as text
        q = p.given if name == "（给定）" else p.inputs[name]
        assert q is not None
        cell = ws.cell(row, icols["数值"])
        got = vs.cell(row, icols["数值"]).value
        assert _agree(got, q.magnitude, _places(cell.number_format)), (line_id, name, got)
        checked.add(cell.coordinate)
    checked |= _check_written(res, ws, vs)
    assert formula_cells <= checked, sorted(formula_cells - checked)


def _check_written(res: cesuan.Result, ws: Worksheet, vs: Worksheet) -> set[str]:
    """三、表上算式: each expression as computed by LibreOffice is the engine's value of it as
    written (in the unit of the result written after it), and 差额 is that minus the result."""
    in_case_order = [res[ln.id] for ln in res.case.lines]
    expected = [
        (r.id, w, v)
        for r in in_case_order
        for w, v in zip(r.planned.written, r.written, strict=True)
    ]
    if not expected:
        return set()
    cols, rows = _table(ws, "表上算式")
    assert [(i, t) for i, t, _ in rows] == [(i, w.expr) for i, w, _ in expected]
    checked = set()
    for (_, w, v), (_, _, row) in zip(expected, rows, strict=True):
        f = w.unit.factor / w.result.unit.factor
        value = exact.mul(v, exact.to_decimal(f))  # 万元 → 万元 here: factors are powers of ten
        for header, want in (
            ("按原样计算", value),
            ("表上结果", w.result.magnitude),
            ("差额（计算−表上）", exact.sub(value, w.result.magnitude)),
        ):
            cell = ws.cell(row, cols[header])
            got = vs.cell(row, cols[header]).value
            assert _agree(got, want, _places(cell.number_format)), (w.expr, header, got, want)
            checked.add(cell.coordinate)
    return checked


def test_synthetic_values_are_the_hand_worked_ones(books: tuple[Any, Path, Path]) -> None:
    _, src, calc = books
    ws = openpyxl.load_workbook(src).worksheets[-1]
    vs = openpyxl.load_workbook(calc, data_only=True).worksheets[-1]
    cols, rows = _table(ws, "项目内容")
    got = {i: vs.cell(r, cols["金额"]).value for i, _, r in rows}
    for line_id, want in HAND.items():
        assert exact.round_half_up(Decimal(repr(got[line_id])), 10) == Decimal(want), line_id
    neg_ceil = next(r for i, _, r in rows if i == "neg_ceil")
    assert ws.cell(neg_ceil, cols["金额"]).value.startswith("=IF(")


def test_case_text_stays_text(books: tuple[Any, Path, Path]) -> None:
    # The label '=1+1' and the title '=导出测试[1]' are case text, never formulas.
    _, src, calc = books
    ws = openpyxl.load_workbook(src).worksheets[-1]
    vs = openpyxl.load_workbook(calc, data_only=True).worksheets[-1]
    _, rows = _table(ws, "项目内容")
    row = next(r for i, _, r in rows if i == "total")
    assert ws.cell(row, 2).data_type == "s"
    assert vs.cell(row, 2).value == "=1+1"
    assert ws.title == "=导出测试 1"  # [ ] are not allowed in sheet names


def test_number_formats_follow_the_form(books: tuple[Any, Path, Path]) -> None:
    # 审批大厅: 大厅物业费 5580 × 18 × 12 / 10000 = 120.528 万元, written 120.53 (2 places);
    # 项目当年预算 written 746 (0 places); the exact 计算值 shows all of 120.528.
    results, src, _ = books
    i = next(k for k, r in enumerate(results) if r.case.case.endswith("shenpi-dating"))
    ws = openpyxl.load_workbook(src).worksheets[i]
    cols, rows = _table(ws, "项目内容")
    at = {line_id: r for line_id, _, r in rows}
    assert ws.cell(at["hall.property"], cols["金额"]).number_format == "0.00"
    assert ws.cell(at["hall.property"], cols["计算值"]).number_format == "0.000"
    assert ws.cell(at["total"], cols["金额"]).number_format == "0"
    assert ws.cell(at["hall.property"], cols["计算值"]).value == "=D9*D10*D11/10000"


def test_cli_export_writes_one_sheet_per_case(tmp_path: Path) -> None:
    target = tmp_path / "测算表.xlsx"
    assert main(["export", str(ROOT / "cases" / "jianghan-2023"), "-o", str(target)]) == 0
    wb = openpyxl.load_workbook(target)
    assert len(wb.worksheets) == 5
    assert "审批大厅日常运转经费" in wb.sheetnames


def test_cli_export_refuses_another_suffix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", str(CASES[0]), "-o", str(tmp_path / "x.csv")]) == 2
    assert ".xlsx" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_a_number_excel_cannot_hold_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    # 1234567890.123456 has 16 significant digits; Excel keeps 15 and would change it silently.
    case = {
        "case": "big",
        "title": "大数",
        "lines": [_line("a", "甲", "x * 2", inputs={"x": "1234567890.123456 元"})],
    }
    with pytest.raises(cesuan.CesuanError) as e:
        workbook_bytes([cesuan.evaluate(case)])
    assert e.value.kind == cesuan.ErrorKind.MAGNITUDE
    assert "15 位有效数字" in str(e.value)


def test_text_longer_than_an_excel_cell_is_cut_and_says_so() -> None:
    # Four inputs with 9000-character labels: the 测算依据 text is longer than 32767 characters.
    inputs = {n: {"value": "1 元", "label": n * 9000} for n in "abcd"}
    case = {
        "case": "long",
        "title": "长",
        "lines": [_line("t", "合计", "a + b + c + d", inputs=inputs)],
    }
    ws = openpyxl.load_workbook(io.BytesIO(workbook_bytes([cesuan.evaluate(case)]))).active
    assert ws is not None
    cols, rows = _table(ws, "项目内容")
    text = ws.cell(rows[0][2], cols["测算依据"]).value
    assert len(text) <= 32767
    assert text.endswith("…（全文见 cesuan explain）")


def test_cli_export_into_a_missing_directory_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", str(CASES[0]), "-o", str(tmp_path / "无" / "x.xlsx")]) == 2
    assert "不存在" in capsys.readouterr().err


def test_sheet_names_are_unique_without_case() -> None:
    def case(cid: str, title: str) -> cesuan.Result:
        return cesuan.evaluate({"case": cid, "title": title, "lines": [_line("a", "甲", "1 元")]})

    results = [case("c1", "Hall"), case("c2", "HALL"), case("c3", "Hall")]
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(results)))
    assert wb.sheetnames == ["Hall", "HALL（2）", "Hall（3）"]
