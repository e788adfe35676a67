"""The figures of docs/scan.md on the five seed forms, held by tests.

What scan finds by itself on each form's raw text, against the hand-encoded cases' audit; that
it raises no false alarm; and that `cesuan draft` writes a case that loads and whose audit
reports at least what scan found. Hand-worked values are in the comments.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import cesuan
from cesuan.scan import scan_file
from cesuan.scan.draft import write_draft

SEEDS = Path(__file__).parent.parent / "cases" / "jianghan-2023"
FORMS = sorted(p.name.removesuffix(".source.txt") for p in SEEDS.glob("*.source.txt"))

# (kind, stated, computed) of every finding scan reports by itself.
FINDINGS = {
    "paishui-shulao": {
        # 492 × 98% = 482.16; 3702 − 482.16 + 492 = 3711.84, written 3637.8
        ("written", "3637.8 万元", "3711.84 万元"),
        # the 测算依据 cell ends "=3593.45万元", the amount column says 3493.45
        ("row", "3493.45 万元", "3593.45 万元"),
    },
}
# Recognised but not checked, by the reason's key words (each paragraph is on the form twice).
UNCHECKED = {"shenpi-dating": {"约数": 2, "未写月数": 2}}
# Items recognised per form (checked or not) — the docs' table.
RECOGNISED = {
    "hongse-wuye": 1,
    "kehou-fuwu": 1,
    "paishui-shulao": 7,
    "shenpi-dating": 19,
    "shipin-erqi": 1,
}
# Hand-encoded audit errors that scan finds by itself, and those it does not (docs/scan.md).
FOUND = {("paishui-shulao", "drain.step2"), ("paishui-shulao", "drain")}
MISSED = {
    ("shenpi-dating", "comms.sms"),  # 约30万件 × 每10万条8000元: 约数, 件 vs 条 → 未核对
    ("paishui-shulao", "need"),  # 该项目需经费3796.32万元: no calculation written
    ("paishui-shulao", "kpi.pipes"),  # parts listed without a total word, total in another cell
}


def _scan(form: str):  # type: ignore[no-untyped-def]
    return scan_file(SEEDS / f"{form}.source.txt")


@pytest.mark.parametrize("form", FORMS)
def test_scan_findings_on_seed_forms(form: str) -> None:
    r = _scan(form)
    got = {(i.kind, str(i.stated), str(i.computed.to(i.stated.unit))) for i in r.findings}  # type: ignore[union-attr]
    assert got == FINDINGS.get(form, set())
    assert len(r.items) == RECOGNISED[form]
    reasons = [i.reason for i in r.unchecked]
    for words, n in UNCHECKED.get(form, {}).items():
        assert sum(words in why for why in reasons) == n
    assert len(reasons) == sum(UNCHECKED.get(form, {}).values())


def test_the_issue_example_is_reported_with_quote_and_position() -> None:
    r = _scan("paishui-shulao")
    (item,) = [i for i in r.findings if i.kind == "written"]
    assert r.quote(item) == "3702-492（公益一类人员经费）*98%+492=3637.8万元"
    assert r.document.position(item.start) == (23, 128)
    assert item.expression == "3702-492*98%+492"


def test_recall_and_false_alarms_against_hand_encoded_audit() -> None:
    found, missed, false_alarms = set(), set(), []
    for form in FORMS:
        hand = cesuan.audit(cesuan.load_case(SEEDS / f"{form}.yaml"))
        errors = {f.line_id: f.stated for f in hand.findings if f.severity == "error"}
        scanned = {str(i.stated) for i in _scan(form).findings}
        for line_id, stated in errors.items():
            (found if stated in scanned else missed).add((form, line_id))
        false_alarms += [s for s in scanned if s not in errors.values()]
    assert found == FOUND
    assert missed == MISSED
    assert false_alarms == []


def test_missed_sms_is_listed_as_unchecked() -> None:
    r = _scan("shenpi-dating")
    assert {str(i.stated) for i in r.unchecked if "约数" in i.reason} == {"2.51 万元"}


# Hand-encoded lines with a stated amount, and how many of them the drafted case states with the
# same audit status (match / rounded / mismatch / unverifiable): docs/scan.md.
SHARE = {
    "hongse-wuye": (12, 3),
    "kehou-fuwu": (7, 3),
    "paishui-shulao": (15, 7),
    "shenpi-dating": (28, 19),
    "shipin-erqi": (6, 4),
}


@pytest.mark.parametrize("form", FORMS)
def test_draft_loads_and_audits_at_least_scan_findings(form: str, tmp_path: Path) -> None:
    r = _scan(form)
    case_path, source_path, _n = write_draft(r, tmp_path / f"{form}.yaml")
    assert source_path.read_text(encoding="utf-8") == r.document.text
    drafted = cesuan.audit(cesuan.load_case(case_path))  # loads: every quote is verbatim
    errors = {f.stated for f in drafted.findings if f.severity == "error"}
    assert {str(i.stated) for i in r.findings} <= errors
    hand = cesuan.audit(cesuan.load_case(SEEDS / f"{form}.yaml"))
    stated = [(c.stated, c.status) for c in hand.checks if c.stated]
    same = {(c.stated, c.status) for c in drafted.checks if c.stated}
    assert (len(stated), sum(s in same for s in stated)) == SHARE[form]
