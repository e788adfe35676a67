"""Everything public pickles, so cases, results, audits and errors cross process boundaries
(issue 10): a batch can fan out over a ProcessPoolExecutor without BrokenProcessPool."""

from __future__ import annotations

import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TypeVar

import pytest

import cesuan
from cesuan.errors import CesuanError, CesuanErrors, ErrorKind

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[1]
CASES = sorted(str(p) for p in (ROOT / "cases").rglob("*.yaml"))
# Two problems in one file: an unknown name and a unit pint does not know.
TWO_PROBLEMS = {
    "case": "bad.two",
    "title": "两处错误",
    "lines": [
        {"id": "a", "label": "甲", "formula": "aera * 2", "inputs": {"area": "3 平方米"}},
        {"id": "b", "label": "乙", "value": "4 斤斤"},
    ],
}


def _round_trip(x: T) -> T:
    back: T = pickle.loads(pickle.dumps(x))
    return back


@pytest.mark.parametrize("path", CASES)
def test_case_result_audit_and_findings_round_trip(path: str) -> None:
    case = cesuan.load_case(path)
    result = cesuan.evaluate(case)
    audit = cesuan.audit(result)
    case2 = _round_trip(case)
    assert case2 == case
    assert cesuan.evaluate(case2).to_json() == result.to_json()
    result2 = _round_trip(result)
    assert result2.to_json() == result.to_json()
    assert cesuan.explain(result2) == cesuan.explain(result)
    assert list(result2) == list(result)
    for line_id, r in result.items():
        assert _round_trip(r) == r
        assert result2[line_id] == r
    audit2 = _round_trip(audit)
    assert audit2.to_dict() == audit.to_dict()
    assert audit2.findings == audit.findings
    for f in audit.findings:
        assert _round_trip(f) == f


def test_an_error_round_trips_with_every_field() -> None:
    e = CesuanError(
        ErrorKind.UNKNOWN_NAME,
        "未知变量 'aera'",
        hint="是否为 'area'？",
        text="aera * 2",
        column=0,
        file="a.yaml",
        line=7,
        line_id="a",
        field="lines[a].formula",
    )
    e2 = _round_trip(e)
    assert type(e2) is CesuanError
    assert e2.to_dict() == e.to_dict()
    assert str(e2) == str(e)


def test_grouped_errors_are_an_exception_group_that_round_trips() -> None:
    with pytest.raises(CesuanErrors) as info:
        cesuan.load_case(TWO_PROBLEMS)
    group = info.value
    assert isinstance(group, ExceptionGroup)
    assert isinstance(group, CesuanError)  # `except CesuanError` still catches the group
    assert [e.kind for e in group.errors] == [ErrorKind.UNKNOWN_NAME, ErrorKind.UNKNOWN_UNIT]
    group2 = _round_trip(group)
    assert type(group2) is CesuanErrors
    assert str(group2) == str(group)
    assert [e.to_dict() for e in group2.errors] == [e.to_dict() for e in group.errors]


def test_except_star_sees_each_problem() -> None:
    seen: list[str] = []
    try:
        cesuan.load_case(TWO_PROBLEMS)
    except* CesuanError as eg:
        seen = [str(e.kind) for e in eg.exceptions if isinstance(e, CesuanError)]
    assert seen == ["unknown_name", "unknown_unit"]


def _audit_in_child(path: str) -> cesuan.Audit:
    return cesuan.audit(path)


def _load_in_child(data: dict[str, object]) -> cesuan.Case:
    return cesuan.load_case(data)


def test_results_and_errors_cross_a_process_pool() -> None:
    with ProcessPoolExecutor(max_workers=2) as pool:
        audits = list(pool.map(_audit_in_child, CASES))
        failed = pool.submit(_load_in_child, TWO_PROBLEMS)
        with pytest.raises(CesuanErrors) as info:
            failed.result()
    for path, audit in zip(CASES, audits, strict=True):
        assert audit.to_dict() == cesuan.audit(path).to_dict()
    assert len(info.value.errors) == 2
