"""Fuzzing cesuan scan and cesuan draft with text built from the words the recognisers look for.

Properties: scanning never raises (a report, whatever the text); every quote is a slice of the
text at the offsets given; and the drafted case always loads with the project's loader (its
quotes are verbatim, its formulas and units parse) and audits.
"""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import cesuan
from cesuan.scan import scan_document
from cesuan.scan.draft import draft_case
from cesuan.scan.reader import read_text

WORDS = [
    "共计",
    "合计",
    "小计",
    "其中：",
    "包括",
    "、",
    "；",
    "。",
    "，",
    "\t",
    "\n",
    "=",
    "＝",
    "+",
    "-",
    "*",
    "×",
    "x",
    "/",
    "÷",
    "%",
    "（场租）",
    "(",
    ")",
    "（",
    "）",
    "万元",
    "元",
    "万",
    "平方米",
    "条",
    "件",
    "每",
    "每条月租",
    "每月",
    "全年计",
    "每年",
    "约",
    "D",
    ",",
    "1",
    "2",
    "3.5",
    "12",
    "98",
    "100",
    "0",
    "3702",
    "492",
    "0.05",
    "１２",
    "．",
]

texts = st.lists(st.sampled_from(WORDS), min_size=1, max_size=60).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_scan_never_raises_and_quotes_are_slices(text: str) -> None:
    r = scan_document(read_text(text.encode()))
    for item in r.items:
        assert 0 <= item.start <= item.end <= len(r.document.text)
        assert r.quote(item) == r.document.text[item.start : item.end]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
@example("492÷3702=0.05")  # found by fuzzing: a bare ratio, and a quotient no decimal holds
@example("-1x1共计每D%＝(每年12÷)98＝3.5(%全年计")
@example("全年短信30万条，每10万条8000元，共计2.4万元。")  # a standard per block of 10万条
@example("2492（3.52万元100-×每3.5=，D约\n\t）＝3.5")  # a bracket is no note across lines
@example("1%÷3702=1万元")  # no unit assignment fits: the line falls back to its stated amount
@example("\t)-,合计2１２万×=492+%0D100每条月租\t3.5件")  # an amount cell in 件 after 万元
def test_drafted_case_always_loads_and_audits(text: str) -> None:
    r = scan_document(read_text(text.encode()))
    case = cesuan.load_case(draft_case(r, "form.source.txt"), source_text=r.document.text)
    cesuan.audit(case)
