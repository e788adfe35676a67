"""Case text cannot drive a terminal, smuggle bidi characters into JSON or break a Markdown report
(issue 13): control and bidi characters are fed through every message and every output format of
the real command, and none arrives raw; JSON still decodes to exactly what the case says."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cesuan.escaping import escape, is_unsafe

# ESC (with a colour and a window-title sequence), CR, BEL, NEL, RLO, PDF, LRI, U+2028, ZWSP.
EVIL = "\x1b[31m\x1b]0;pwned\x07\r\x85\u202e\u202c\u2066\u2028\u200b"
RAW = set(EVIL) - {"[", "3", "1", "m", "]", "0", ";", "p", "w", "n", "e", "d"}


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cesuan", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        timeout=120,
        check=False,
    )


def no_raw(text: str) -> None:
    found = sorted({f"U+{ord(c):04X}" for c in text if c in RAW})
    assert not found, f"raw characters reached the output: {found}"


def write_case(folder: Path, name: str, case: dict[str, object]) -> Path:
    f = folder / name
    f.write_text(json.dumps(case, ensure_ascii=True), encoding="utf-8")
    return f


GOOD = {
    "case": "evil",
    "title": f"标题{EVIL}",
    "agency": f"单位{EVIL}~~删除~~ http://evil.example www.evil.cn a@b.cn &lt; <b>",
    "source": "s.txt",
    "lines": [
        {
            "id": "a",
            "label": f"甲{EVIL}| 乙 ~~删除~~ http://evil.example &lt;",
            "formula": "x * 2",
            "inputs": {"x": {"value": "3 元", "label": f"输入{EVIL}", "quote": f"原文{EVIL}"}},
            "stated": {"value": "7 元", "quote": f"原文{EVIL}"},
            "note": f"备注{EVIL}",
        }
    ],
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "s.txt").write_text(f"前文 原文{EVIL} 后文", encoding="utf-8")
    write_case(tmp_path, "evil.json", GOOD)
    return tmp_path


@pytest.mark.parametrize(
    "args",
    [
        ("calc", "evil.json"),
        ("calc", "evil.json", "--format", "json"),
        ("audit", "evil.json", "-v"),
        ("audit", "evil.json", "--format", "json"),
        ("audit", "evil.json", "--format", "md"),
        ("explain", "evil.json"),
        ("explain", "evil.json", "--format", "md"),
        ("explain", "evil.json", "a"),
    ],
    ids=" ".join,
)
def test_no_output_format_carries_raw_control_or_bidi_characters(
    folder: Path, args: tuple[str, ...]
) -> None:
    p = run(*args, cwd=folder)
    assert p.returncode in (0, 1), p.stderr
    no_raw(p.stdout)
    no_raw(p.stdout + p.stderr)
    if "json" in args:  # the same data, only written with escapes
        assert GOOD["lines"][0]["label"] in _strings(json.loads(p.stdout))  # type: ignore[index]


def _strings(data: object) -> set[str]:
    if isinstance(data, str):
        return {data}
    if isinstance(data, dict):
        data = list(data.values())
    if isinstance(data, list):
        return set().union(*map(_strings, data)) if data else set()
    return set()


def test_markdown_cannot_strike_link_or_inject_entities(folder: Path) -> None:
    md = run("audit", "evil.json", "--format", "md", cwd=folder).stdout
    for raw in ("~~删除~~", "http://evil", "www.evil", "a@b", " &lt;", "<b>"):
        assert raw not in md
    assert "\\~\\~删除\\~\\~" in md
    assert "\\&lt;" in md


def _bad(folder: Path, name: str, change: dict[str, object]) -> subprocess.CompletedProcess[str]:
    line = {"id": "a", "label": "甲", "formula": "x * 2", "inputs": {"x": "3 元"}}
    case = {"case": "c", "title": "t", "lines": [{**line, **change}]}
    write_case(folder, name, case)
    return run("calc", name, cwd=folder)


@pytest.mark.parametrize(
    "change",
    [
        {f"formular{EVIL}": "x"},  # an unknown key
        {"id": f"a{EVIL}"},  # an invalid line id
        {"inputs": {f"面积{EVIL}": "3 元"}},  # an invalid input name
        {"formula": f"x * 2{EVIL}"},  # a formula with control characters
        {"inputs": {"x": f"3 元{EVIL}"}},  # a quantity
        {"unit": f"元{EVIL}"},  # a unit
    ],
    ids=["key", "id", "input", "formula", "quantity", "unit"],
)
def test_no_error_message_carries_raw_characters(folder: Path, change: dict[str, object]) -> None:
    p = _bad(folder, "bad.json", change)
    assert p.returncode == 2, p.stdout
    no_raw(p.stdout + p.stderr)
    assert "\\x1b" in p.stdout + p.stderr or "\\u202e" in p.stdout + p.stderr  # shown, not dropped


@pytest.mark.parametrize("what", ["source", "case"])
def test_the_quote_hint_and_the_case_id_are_escaped(folder: Path, what: str) -> None:
    (folder / "s2.txt").write_text(f"原文X{EVIL}" + "后" * 50, encoding="utf-8")
    case = json.loads(json.dumps(GOOD))
    if what == "source":
        case["source"] = "s2.txt"  # the hint shows the source around the first difference
    else:
        case["case"] = f"evil{EVIL}"
    write_case(folder, "hint.json", case)
    p = run("calc", "hint.json", cwd=folder)
    assert p.returncode == 2
    no_raw(p.stdout + p.stderr)
    assert "\\x1b" in p.stdout + p.stderr


def test_a_file_name_in_an_audited_directory_is_escaped(folder: Path) -> None:
    d = folder / "dir"
    d.mkdir()
    (d / f"坏{EVIL.replace('/', '')}.yaml").write_text("case: [", encoding="utf-8")
    p = run("audit", "dir", cwd=folder)
    assert p.returncode == 2
    no_raw(p.stdout + p.stderr)
    assert "坏\\x1b" in p.stdout + p.stderr


def test_escape_keeps_json_data_and_printable_text() -> None:
    s = json.dumps({"k": EVIL + "中文 text"}, ensure_ascii=False)
    assert json.loads(escape(s, "json")) == {"k": EVIL + "中文 text"}
    assert escape("普通文字 a-b (1.5%)") == "普通文字 a-b (1.5%)"
    assert escape("普通文字 a-b (1.5%)", "markdown") == "普通文字 a-b (1.5%)"
    assert escape("<a href='x'>&", "html") == "&lt;a href=&#x27;x&#x27;&gt;&amp;"
    assert escape("\U000e0041", "json") == "\\udb40\\udc41"  # a tag character, as a pair


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec=None), max_size=40))
def test_escape_properties(text: str) -> None:
    for to in ("terminal", "markdown", "html"):
        shown = escape(text, to)  # type: ignore[arg-type]
        assert not any(is_unsafe(c) for c in shown)
    doc = json.dumps({"k": text}, ensure_ascii=False)
    safe = escape(doc, "json")
    assert json.loads(safe) == {"k": text}  # same data
    assert not any(is_unsafe(c) for c in safe.replace("\n", ""))
    assert escape(escape(text)) == escape(text)  # escaped text is printable: nothing more to do
