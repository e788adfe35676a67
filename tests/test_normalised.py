"""Every normalisation of written text is in the trace (issue 13, docs/case-format.md 计算过程).

`calc --format json` gives, per line, a `normalised` record for each value or formula whose
reading changed what was written: the text as written, as read, and what was changed. The
expected readings are written out by hand below.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cesuan.cli import main
from cesuan.normalised import changes

CASE = """\
case: norm.a
title: 规范化
lines:
  - id: a
    label: 甲
    formula: x × ２ ÷ y
    inputs:
      x: "１２\u3000元"
      y: "1,000"
    stated: "０.０２４\u00a0元"
  - id: b
    label: 乙
    value: 3万 件
  - id: c
    label: 丙
    value: 30万元
"""


def _calc_json(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> dict[str, Any]:
    p = tmp_path / "c.yaml"
    p.write_text(text, encoding="utf-8")
    assert main(["calc", str(p), "--format", "json"]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return {ln["id"]: ln for ln in data["cases"][0]["lines"]}


def test_calc_json_shows_each_value_as_written_and_as_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = _calc_json(tmp_path, capsys, CASE)
    a = lines["a"]["normalised"]
    # 12 元 × 2 ÷ 1000 = 0.024 元.
    assert lines["a"]["value"] == "0.024 元"
    assert a["inputs.x.value"]["written"] == "１２\u3000元"
    assert a["inputs.x.value"]["read"] == "12 元"
    assert any("１２" in c and "'12'" in c for c in a["inputs.x.value"]["changes"])
    assert any("U+3000" in c for c in a["inputs.x.value"]["changes"])
    assert a["inputs.y.value"]["read"] == "1000"
    assert a["inputs.y.value"]["changes"] == ["去掉千位分隔符 ','"]
    assert a["stated.value"]["written"] == "０.０２４\u00a0元"
    assert a["stated.value"]["read"] == "0.024 元"
    assert any("U+00A0" in c for c in a["stated.value"]["changes"])
    assert a["formula"]["read"] == "x * 2 / y"
    assert any("U+00D7" in c for c in a["formula"]["changes"])
    assert any("U+00F7" in c for c in a["formula"]["changes"])
    # 3万 件 is 30000 件: 万 as a multiplier; 30万元 is 30 of the unit 万元: nothing normalised.
    assert lines["b"]["normalised"]["value"] == {
        "written": "3万 件",
        "read": "30000 件",
        "changes": ["'万' 读作倍数 ×10000"],
    }
    assert "normalised" not in lines["c"]


def test_nothing_is_recorded_where_reading_changed_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = (
        "case: n.b\ntitle: t\nlines:\n  - {id: a, label: 甲, formula: x * 2, inputs: {x: 3 元}}\n"
    )
    assert "normalised" not in _calc_json(tmp_path, capsys, plain)["a"]


@pytest.mark.parametrize(
    ("written", "found"),
    [
        ("１２ 月", ["全角数字或字母 '１２' → '12'"]),
        ("12\u00a0月", ["不换行空格（U+00A0 NO-BREAK SPACE）→ 空格"]),
        ("12\u3000月", ["全角空格（U+3000 IDEOGRAPHIC SPACE）→ 空格"]),
        ("12,345.6 元", ["去掉千位分隔符 ','"]),
        ("2亿 元", ["'亿' 读作倍数 ×100000000"]),
        ("−5 元", ["'−'（U+2212 MINUS SIGN）→ '-'"]),
        ("98％", ["'％'（U+FF05 FULLWIDTH PERCENT SIGN）→ '%'"]),
        ("8369.34 平方米", []),
        ("30万元", []),
        ("98%", []),
    ],
)
def test_each_kind_of_normalisation_is_named(written: str, found: list[str]) -> None:
    assert changes(written, quantity=True) == found


def test_the_hash_covers_the_normalised_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Same values, one written with a full-width digit: a different trace, so a different hash.
    half = "case: n.c\ntitle: t\nlines:\n  - {id: a, label: 甲, value: 12 元}\n"
    full = half.replace("12 元", "１2 元")
    h1 = _calc_json(tmp_path, capsys, half)["a"]
    h2 = _calc_json(tmp_path, capsys, full)["a"]
    assert h1["value"] == h2["value"] == "12 元"
    assert h1["hash"] != h2["hash"]
