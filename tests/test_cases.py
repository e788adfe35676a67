"""Golden tests over every case in cases/: each loads, evaluates and audits; its whole provenance
JSON, findings and 测算依据 text match the reviewed snapshot in tests/golden/ (changed only
through tests/golden/regen.py's diff, docs/testing.md); and the real discrepancies of the five
江汉区 forms — checked by hand, independently of the engine — are exactly the ones reported."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

import cesuan
from tests.golden import regen

ROOT = Path(__file__).resolve().parents[1]
CASES = sorted((ROOT / "cases").rglob("*.yaml"))
JIANGHAN = ROOT / "cases" / "jianghan-2023"


def _id(p: Path) -> str:
    return str(p.relative_to(ROOT / "cases"))


@pytest.mark.parametrize("path", CASES, ids=_id)
def test_case_matches_its_golden_snapshot(path: Path) -> None:
    # The whole provenance JSON (values, hashes), every finding with all its fields, and the
    # 测算依据 text. A difference is to be read: `python tests/golden/regen.py` prints it.
    for name, text in regen.snapshot(path).items():
        golden = regen.GOLDEN / name
        assert golden.read_text(encoding="utf-8") == text, (
            f"{name} differs: run python tests/golden/regen.py to read the diff"
        )


def test_regen_shows_a_change_and_writes_only_when_accepted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    case = ROOT / "cases" / "examples" / "hall-rent.yaml"
    monkeypatch.setattr(regen, "case_paths", lambda: [case])
    monkeypatch.setattr(regen, "GOLDEN", tmp_path)
    (tmp_path / "examples").mkdir()
    for name, text in regen.snapshot(case).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert regen.main([]) == 0
    # A reviewed number changes: 120.528 → 120.529 in the golden file.
    explain = tmp_path / "examples" / "hall-rent.explain.txt"
    tampered = explain.read_text(encoding="utf-8").replace("120.528", "120.529")
    explain.write_text(tampered, encoding="utf-8")
    capsys.readouterr()
    assert regen.main([]) == 1
    out = capsys.readouterr().out
    assert "-hall.property\t" in out
    assert "+hall.property\t" in out
    assert "120.529" in out
    assert explain.read_text(encoding="utf-8") == tampered  # nothing written without --accept
    assert regen.main(["--accept"]) == 0
    assert "120.528" in explain.read_text(encoding="utf-8")
    assert regen.main([]) == 0


@pytest.mark.parametrize("path", CASES, ids=_id)
def test_every_line_is_evaluated_and_every_stated_amount_checked(path: Path) -> None:
    case = cesuan.load_case(path)
    audit = cesuan.audit(case)
    assert {r.id for r in audit.result.lines} == {ln.id for ln in case.lines}
    stated = {ln.id for ln in case.lines if ln.stated is not None}
    assert {c.line_id for c in audit.checks if c.status != "not_stated"} == stated


def _q(text: str) -> Fraction:
    q = cesuan.parse_quantity(text)
    return Fraction(q.magnitude)


def _value(result: cesuan.Result, line_id: str, unit: str) -> Fraction:
    return Fraction(result[line_id].quantity.to(unit).magnitude)


# The findings of the five forms, worked out by hand from the forms' own numbers:
#   审批大厅 短信: 30万件 ÷ 10万条 × 8000元 (1 条/件) = 2.4 万元, stated 2.51.
#   排水 ②: 3702-492*98%+492 as written = 3711.84, written result 3637.8.
#   排水 支出明细 row: ③ gives 3593.45, the amount cell says 3493.45.
#   排水 需经费: 3593.45 + 203.2 = 3796.65, stated 3796.32.
#   排水 管道长度: 247186.71 + 201079.32 + 16922.8 + 9105.6 = 474294.43 米, stated 474356.44.
REAL = {
    ("jianghan-2023.shenpi-dating", "comms.sms", "mismatch"),
    ("jianghan-2023.paishui-shulao", "drain.step2", "written_expression"),
    ("jianghan-2023.paishui-shulao", "drain", "mismatch"),
    ("jianghan-2023.paishui-shulao", "need", "sum_mismatch"),
    ("jianghan-2023.paishui-shulao", "kpi.pipes", "sum_mismatch"),
}


def test_jianghan_errors_are_exactly_the_real_discrepancies() -> None:
    audits = [cesuan.audit(cesuan.load_case(p)) for p in sorted(JIANGHAN.glob("*.yaml"))]
    errors = {
        (f.case, f.line_id, f.kind) for a in audits for f in a.findings if f.severity == "error"
    }
    assert errors == REAL
    # Totals above a wrong part are marked as consequences, not reported again as errors.
    consequences = {
        (f.case, f.line_id) for a in audits for f in a.findings if f.kind == "consequence"
    }
    assert ("jianghan-2023.shenpi-dating", "comms") in consequences
    assert ("jianghan-2023.paishui-shulao", "total") in consequences


def test_jianghan_numbers_checked_by_hand() -> None:
    shenpi = cesuan.evaluate(JIANGHAN / "shenpi-dating.yaml")
    assert _value(shenpi, "hall.rent", "元") == 8369 * 50 * 12 + Fraction(34, 100) * 50 * 12
    assert _value(shenpi, "hall.property", "万元") == _q("120.528")
    assert _value(shenpi, "comms.sms", "元") == 300000 * 8000 // 100000
    assert _value(shenpi, "network.fiber_hall", "元") == 3 * 1200 * 12
    assert _value(shenpi, "network.fiber_business", "元") == 2 * 1350 * 12
    paishui = cesuan.evaluate(JIANGHAN / "paishui-shulao.yaml")
    assert _value(paishui, "drain.step2", "万元") == (3702 - 492) * Fraction(98, 100) + 492
    assert paishui["drain.step2"].written[0] == 3702 - 492 * Decimal("0.98") + 492
    assert _value(paishui, "new", "万元") == _q("203.203")
    assert _value(paishui, "kpi.pipes", "米") == _q("474294.43")
    assert _value(paishui, "exec_2022", "") == _q("0.5205")  # declared round: {places: 4}
    hongse = cesuan.evaluate(JIANGHAN / "hongse-wuye.yaml")
    assert _value(hongse, "budget.project_total", "万元") == 870 + 870 + _q("1523.48")


def test_rounded_matches_are_shown_as_such() -> None:
    audit = cesuan.audit(JIANGHAN / "shenpi-dating.yaml")
    status = {c.line_id: c.status for c in audit.checks}
    assert status["hall.property"] == "rounded_match"  # 120.528 → 120.53
    assert status["hall.rent"] == "match"
    assert status["comms.sms"] == "mismatch"
