"""`cesuan calc --format csv`: the documented columns, amounts as the form writes them and
exactly, one row per line of every case, and no case text that a spreadsheet would run."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

import cesuan
from cesuan.cli import main
from cesuan.export import CSV_COLUMNS, calc_csv

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "cases" / "jianghan-2023"


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_columns_are_the_documented_ones() -> None:
    doc = (ROOT / "docs" / "export.md").read_text(encoding="utf-8")
    for name in CSV_COLUMNS:
        assert f"| `{name}` |" in doc
    text = calc_csv([cesuan.evaluate(ROOT / "cases" / "examples" / "hall-rent.yaml")])
    assert text.splitlines()[0] == ",".join(CSV_COLUMNS)


def test_seed_rows_show_the_form_precision_and_the_exact_value() -> None:
    results = [cesuan.evaluate(p) for p in sorted(SEED.glob("*.yaml"))]
    rows = {(r["case"], r["id"]): r for r in _rows(calc_csv(results))}
    assert len(rows) == sum(len(r.lines) for r in results)
    fee = rows[("jianghan-2023.shenpi-dating", "hall.property")]
    # 5580 × 18 × 12 = 1205280 元 = 120.528 万元; the form writes 120.53; 120.528 − 120.53.
    assert (fee["value"], fee["exact"], fee["unit"]) == ("120.53", "120.528", "万元")
    assert (fee["stated"], fee["difference"], fee["how"]) == ("120.53", "-0.002", "formula")
    sms = rows[("jianghan-2023.shenpi-dating", "comms.sms")]
    # 30万 件 × 1 条/件 ÷ 10万 条 × 8000 元 = 24000 元 = 2.4 万元, shown to the stated 2 places.
    assert (sms["value"], sms["stated"], sms["difference"]) == ("2.40", "2.51", "-0.11")
    rate = rows[("jianghan-2023.paishui-shulao", "exec_2022")]
    assert (rate["value"], rate["unit"], rate["stated"]) == ("52.05", "%", "52.05")
    assert rate["rounding"] == "half_up 4"
    electricity = rows[("jianghan-2023.shenpi-dating", "hall.utilities.electricity")]
    assert (electricity["how"], electricity["difference"]) == ("stated", "0")


def test_text_that_would_start_a_formula_is_quoted() -> None:
    res = cesuan.evaluate(
        {"case": "demo", "title": "示例", "lines": [{"id": "a", "label": "=1+1", "stated": "1 元"}]}
    )
    (row,) = _rows(calc_csv([res]))
    assert row["label"] == "'=1+1"


def test_cli_calc_csv(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["calc", str(SEED / "shenpi-dating.yaml"), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert not out.startswith("\ufeff")  # no BOM on a terminal or in a pipe
    assert any(r["id"] == "hall.rent" for r in _rows(out))
    target = tmp_path / "测算.csv"
    assert main(["calc", str(SEED), "--format", "csv", "-o", str(target)]) == 0
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 Chinese only after a BOM
    assert b"\r\n" in data
