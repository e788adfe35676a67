"""cesuan scan on hostile text: bounded size, work linear in the text, no code run, no traceback.

Work is measured by counting the Python line events spent inside cesuan.scan and cesuan.expr (a
deterministic count, not a timing): doubling the text must not much more than double it. The
regular expressions are alternations of literals with no nested quantifiers, so the C side of
matching is linear too.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from cesuan.cli import main
from cesuan.errors import CesuanError, ErrorKind
from cesuan.scan import scan_document
from cesuan.scan.patterns import patterns
from cesuan.scan.reader import read_text

HOSTILE: dict[str, Callable[[int], str]] = {
    "totals without separators": lambda n: "共计1元，其中甲1元、" * n,
    "open brackets before '='": lambda n: "(" * n + "1=1元",
    "long chain of operators": lambda n: "1+" * n + "1=2元",
    "many '='": lambda n: "1+1=2元" * n,
    "bare '='": lambda n: "=" * n,
    "notes without end": lambda n: "1（字" * n + "=1",
    "digits": lambda n: "1" * n,
    "tables of totals": lambda n: "合计\t1\t2\n" * n,
    "clause with many amounts": lambda n: "每条1元" * n + "，全年计3万元",
    "nested brackets with words": lambda n: "（注" * n + "）" * n + "1*2=2元",
    "table with a 合计 column": lambda n: "项目\t金额\t资金\t合计\n" + "甲\t1\t2\t3\n" * n,
}


def _work(text: str) -> int:
    """Python line events inside the recognisers while scanning `text`."""
    count = 0

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        name = frame.f_globals.get("__name__", "")
        if not name.startswith(("cesuan.scan", "cesuan.expr", "cesuan.quantity")):
            return None
        if event == "line":
            count += 1
        return tracer

    doc = read_text(text.encode())
    sys.settrace(tracer)
    try:
        scan_document(doc)
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_work_is_linear_in_the_text(name: str) -> None:
    make = HOSTILE[name]
    small, large = _work(make(400)), _work(make(800))
    assert large <= 2.5 * small + 2000, (small, large)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_text_gives_a_report_not_an_exception(name: str) -> None:
    r = scan_document(read_text(HOSTILE[name](3000).encode()))
    assert all(i.status in ("holds", "rounded", "mismatch", "unchecked") for i in r.items)


def test_text_over_the_size_limit_is_refused_before_work() -> None:
    limit = patterns().max_chars
    with pytest.raises(CesuanError) as e:
        read_text(("字" * (limit + 1)).encode())
    assert e.value.kind is ErrorKind.SIZE_LIMIT


def test_expression_text_is_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = f"__import__('os').system('touch {marker}')=1元；open('{marker}','w')*1=1元"
    r = scan_document(read_text(text.encode()))
    assert not marker.exists()
    assert all(i.status != "holds" for i in r.items)


def test_draft_of_a_missing_file_is_a_chinese_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["draft", str(tmp_path / "无.txt"), "-o", str(tmp_path / "c.yaml")]) == 2
    err = capsys.readouterr().err
    assert "找不到文件" in err
    assert "Traceback" not in err


def test_each_recogniser_stops_at_its_cap_and_says_so() -> None:
    cap = patterns().max_items
    r = scan_document(read_text(("1+1=2元；" * (cap + 50)).encode()))
    written = [i for i in r.items if i.kind == "written"]
    assert len(written) == cap + 1
    assert written[-1].status == "unchecked"
    assert str(cap) in written[-1].reason
