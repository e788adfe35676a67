"""`cesuan compare OLD NEW -o 对比.xlsx`: old, new, difference and change per line, read back with
openpyxl; recalculated by LibreOffice (when installed; required where .ci/run sets
CESUAN_REQUIRE_SOFFICE), every formula cell agrees with the engine's exact value at the
precision its number format shows."""

from __future__ import annotations

import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

import cesuan
from cesuan.cli import main
from cesuan.compare import compare
from cesuan.scenario import apply_overrides
from tests.test_export_xlsx import REQUIRED, SOFFICE, _agree, _places

HALL = "cases/examples/hall-rent.yaml"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cmp") / "对比.xlsx"
    code = main(
        ["compare", str(ROOT / HALL), "--set", "hall.rent.area=8500 平方米", "-o", str(out)]
    )
    assert code == 0
    return out


def _rows(path: Path, *, data_only: bool = False) -> dict[str, list[object]]:
    ws = openpyxl.load_workbook(path, data_only=data_only).active
    assert ws is not None
    return {
        str(r[1].value): [c.value for c in r]
        for r in ws.iter_rows()
        if r[1].value and str(r[1].value).startswith("hall")
    }


def test_the_workbook_holds_old_new_and_formulas_for_the_rest(book: Path) -> None:
    ws = openpyxl.load_workbook(book).active
    assert ws is not None
    header = next(r for r in ws.iter_rows(values_only=True) if r[0] == "变动")
    assert header == ("变动", "id", "项目内容", "单位", "原值", "新值", "差额（新值−原值）", "变化")
    rows = _rows(book)
    status, _, label, unit, old, new, diff, change = rows["hall.rent"]
    assert (status, label, unit) == ("变动", "大厅租金", "万元")
    # 8369.34 × 50 × 12 = 5021604 元 = 502.1604 万元; 8500 × 50 × 12 = 5100000 元 = 510 万元.
    assert (Decimal(str(old)), Decimal(str(new))) == (Decimal("502.1604"), Decimal("510"))
    assert isinstance(diff, str)
    assert isinstance(change, str)
    assert diff == "=F{0}-E{0}".format(old_row := _row_of(book, "hall.rent"))  # live formulas,
    assert change == f"=G{old_row}/E{old_row}"  # not numbers we computed
    assert rows["hall.water"][0] in ("", None)  # unchanged lines are not marked
    cells = {c.coordinate: c for r in ws.iter_rows() for c in r}
    formats = {
        str(ws.cell(c.row, 2).value): c.number_format
        for c in cells.values()
        if c.column == 5 and ws.cell(c.row, 2).value in ("hall.rent", "hall")
    }
    # The form states 502.1604 and 703.69: the comparison shows them to those places.
    assert formats == {"hall.rent": "0.0000", "hall": "0.00"}


def _row_of(path: Path, line_id: str) -> int:
    ws = openpyxl.load_workbook(path).active
    assert ws is not None
    return next(i for i in range(1, ws.max_row + 1) if ws.cell(i, 2).value == line_id)


def test_no_formula_has_a_cached_value(book: Path) -> None:
    values = _rows(book, data_only=True)  # openpyxl reads cached values only
    assert values["hall.rent"][6] is None
    assert values["hall.rent"][7] is None


def test_libreoffice_recalculates_what_the_engine_computes(book: Path, tmp_path: Path) -> None:
    if SOFFICE is None:
        if REQUIRED:
            pytest.fail("soffice (LibreOffice) not found: apt-get install libreoffice-calc")
        pytest.skip("soffice (LibreOffice) not installed")
    out = tmp_path / "recalculated"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--calc",
            *("--convert-to", "xlsx", "--outdir", str(out), str(book)),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    c = compare(
        cesuan.evaluate(ROOT / HALL),
        cesuan.evaluate(apply_overrides(ROOT / HALL, {"hall.rent.area": "8500 平方米"})),
    )
    formulas = openpyxl.load_workbook(book).active
    recalculated = openpyxl.load_workbook(out / book.name, data_only=True).active
    assert formulas is not None
    assert recalculated is not None
    checked = 0
    for row in c.rows:
        r = next(i for i in range(1, formulas.max_row + 1) if formulas.cell(i, 2).value == row.id)
        for col, want in ((7, row.difference), (8, row.change)):
            if want is None:
                continue
            cell = formulas.cell(r, col)
            got = recalculated.cell(r, col).value
            assert _agree(got, want, _places(cell.number_format)), (row.id, col, got, want)
            checked += 1
    # hall.rent changed by 7.8396 万元 = 1.56…% (7.8396 / 502.1604); the unchanged lines by 0.
    assert checked == 2 * len(c.rows)


def test_xlsx_needs_an_output_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", str(ROOT / HALL), str(ROOT / HALL), "--format", "xlsx"]) == 2
    assert "-o 对比.xlsx" in capsys.readouterr().err


def test_xlsx_refuses_another_suffix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "对比.txt"
    assert (
        main(["compare", str(ROOT / HALL), str(ROOT / HALL), "--format", "xlsx", "-o", str(target)])
        == 2
    )
    assert ".xlsx" in capsys.readouterr().err
    assert not target.exists()
