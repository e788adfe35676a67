"""The YAML layer against hidden content and cost (issue 13): line breaks an editor does not show,
the libyaml parser giving the same data, marks and errors as the pure-Python one, and what the
loader does with what the reader records (unquoted numbers, empty quotes, ids, CRLF sources)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cesuan
from cesuan import CesuanError, CesuanErrors
from cesuan.limits import MAX_REPORTED_ERRORS
from cesuan.yamlsafe import read_yaml

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = sorted(
    [
        *ROOT.glob("cases/**/*.yaml"),
        *ROOT.glob("src/cesuan/formulas/**/*.yaml"),
        *(ROOT / "tests" / "invalid").glob("*.yaml"),
    ]
)
needs_libyaml = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml")


def outcome(text: str, fast: bool) -> object:
    """What a reader makes of the text: its data, marks and bare numbers, or its error."""
    bare: set[str] = set()
    try:
        data, marks = read_yaml(text, fast=fast, bare=bare)
    except CesuanError as e:
        return (str(e.kind), e.line, e.field)
    return (data, marks, bare)


@needs_libyaml
@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_both_parsers_agree_on_every_bundled_file(path: Path) -> None:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        pytest.skip("not UTF-8 (an encoding test file)")
    assert outcome(text, fast=True) == outcome(text, fast=False)


BAD_YAML = [
    "a: b: c\n",
    "a:\n  b: 1\n c: 2\n",
    "a: [1, 2\n",
    "a: {x: 1\n",
    'a: "unclosed\n',
    "a: 'unclosed\n",
    "\ta: 1\n",
    "a: 1\na: 2\n",
    "a: &x 1\nb: *x\n",
    "a: !!python/object/apply:os.system [ls]\n",
    "- a\nb: 1\n",
    "a: 1\n---\nb: 2\n",
    'a: "\\q"\n',
    "[" * 30 + "]" * 30,
    "[" * 5000 + "]" * 5000,
    "".join("  " * k + "a:\n" for k in range(40)),
    "a: 1\n  b: 2\n",
    "? [a]\n: 1\n",
    "a: 1 # ok\nb: 2\u2028c: 3\n",
    "a: x\x85b: 1\n",
    "a: \x07\n",
    "a: \x1b[31m\n",
    "a: '\u2029'\n",
    "",
    "~\n",
    "a:\n",
    "a: 1\n...\n",
]


@needs_libyaml
@pytest.mark.parametrize("text", BAD_YAML)
def test_both_parsers_give_the_same_errors(text: str) -> None:
    assert outcome(text, fast=True) == outcome(text, fast=False)


@needs_libyaml
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.recursive(
        st.one_of(st.text(max_size=12), st.sampled_from(["8369.34", "12", "1 元", "~", "-3.5"])),
        lambda ch: st.one_of(
            st.lists(ch, max_size=3),
            st.dictionaries(st.text(min_size=1, max_size=6), ch, max_size=3),
        ),
        max_leaves=12,
    ),
    flow=st.sampled_from([None, True, False]),
    cut=st.integers(0, 400),
    junk=st.sampled_from(["", ":", "- ", "[", "'", '"', "\n  ", "#", "&a ", "*a", "!!str "]),
)
def test_both_parsers_agree_on_generated_and_broken_yaml(
    data: object, flow: bool | None, cut: int, junk: str
) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow)
    for t in (text, text[:cut] + junk + text[cut:]):
        assert outcome(t, fast=True) == outcome(t, fast=False)


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize("brk", ["\u2028", "\u2029", "\x85"])
def test_line_breaks_an_editor_hides_cannot_smuggle_keys(
    tmp_path: Path, brk: str, fast: bool
) -> None:
    # An editor shows the whole line 8 as one comment; YAML would read `stated:` as a key.
    text = (
        "case: c\ntitle: t\nlines:\n  - id: a\n    label: 甲\n"
        "    formula: x * 2\n    inputs: {x: 3 元}\n"
        f"    # 备注{brk}    stated: 999 万元\n"
    )
    with pytest.raises(CesuanError) as info:
        read_yaml(text, fast=fast)
    assert (info.value.kind, info.value.line, info.value.column) == ("yaml_syntax", 8, 8)
    assert f"U+{ord(brk):04X}" in info.value.message
    f = tmp_path / "hidden.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(CesuanError):
        cesuan.load_case(f)


def _case(inputs: str, *, use: str | None = None, extra: str = "") -> str:
    how = f"use: {use}" if use else "formula: area * rate"
    return (
        "case: c\ntitle: t\nlines:\n  - id: a\n    label: 甲\n"
        f"    {how}\n    inputs: {inputs}\n{extra}"
    )


def _load(tmp_path: Path, text: str, name: str = "c.yaml") -> cesuan.Case:
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return cesuan.load_case(f)


@pytest.mark.parametrize(
    "inputs",
    [
        "{area: 8369.34, rate: 50 元/(平方米·月)}",
        "{area: {value: 8369.34}, rate: 50 元/(平方米·月)}",
        "{area: -12, rate: 50 元/(平方米·月)}",
    ],
)
def test_an_unquoted_number_as_an_input_is_refused(tmp_path: Path, inputs: str) -> None:
    with pytest.raises(CesuanError) as info:
        _load(tmp_path, _case(inputs))
    e = info.value
    assert (e.kind, e.line, e.line_id, e.field) == (
        "untyped_scalar",
        7,
        "a",
        "lines[a].inputs.area.value",
    )
    assert '"' in (e.hint or "")  # says how to declare it dimensionless on purpose


def test_a_json_number_as_an_input_is_refused(tmp_path: Path) -> None:
    text = (
        '{"case": "c", "title": "t", "lines": [{"id": "a", "label": "甲", "formula": "k * r",'
        ' "inputs": {"k": 8369.34, "r": "1 元"}}]}'
    )
    with pytest.raises(CesuanError) as info:
        _load(tmp_path, text, "c.json")
    assert (info.value.kind, info.value.field) == ("untyped_scalar", "lines[a].inputs.k.value")


def test_a_dimensionless_number_declared_is_accepted(tmp_path: Path) -> None:
    # Quoted on purpose; or a parameter its rule declares dimensionless (percent_of.rate).
    r = cesuan.evaluate(_load(tmp_path, _case('{area: "2", rate: 50 元}')))
    assert str(r["a"].quantity) == "100 元"  # 2 × 50 元
    r = cesuan.evaluate(
        _load(tmp_path, _case("{base: 200 元, rate: 0.98}", use="general.percent_of"))
    )
    assert str(r["a"].quantity) == "196 元"  # 200 元 × 0.98


@pytest.mark.parametrize("quote", ['""', '" "', '"\\u3000\\t"', '["原文", "  "]', '"。，"'])
def test_a_quote_without_letters_or_digits_is_refused(tmp_path: Path, quote: str) -> None:
    extra = f"    quote: {quote}\n"
    with pytest.raises(CesuanError) as info:
        _load(tmp_path, _case("{area: 2 平方米, rate: 5 元/平方米}", extra=extra))
    e = info.value
    assert (e.kind, e.line, e.field) == ("schema", 8, "lines[a].quote")


def test_ids_are_unique_ignoring_case(tmp_path: Path) -> None:
    text = (
        _case("{area: 2 平方米, rate: 5 元/平方米}") + "  - id: A\n    label: 乙\n    value: 1 元\n"
    )
    with pytest.raises(CesuanError) as info:
        _load(tmp_path, text)
    e = info.value
    assert (e.kind, e.line, e.line_id) == ("duplicate_id", 8, "A")
    assert "只差大小写" in e.message


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_a_source_saved_with_crlf_or_cr_matches_multi_line_quotes(
    tmp_path: Path, newline: str
) -> None:
    (tmp_path / "s.txt").write_bytes(newline.join(["大厅面积", "8369.34平方米", ""]).encode())
    text = "source: s.txt\n" + _case(
        '{area: {value: 8369.34 平方米, quote: "大厅面积\\n8369.34平方米"}, rate: 1 元/平方米}'
    )
    r = cesuan.evaluate(_load(tmp_path, text))
    assert str(r["a"].quantity) == "8369.34 元"  # 8369.34 平方米 × 1 元/平方米


def test_the_quote_hint_shows_invisible_differences(tmp_path: Path) -> None:
    (tmp_path / "s.txt").write_text("大厅面积\u00a08369.34平方米\t\x1b[2J" + "秘" * 500, "utf-8")
    text = "source: s.txt\n" + _case(
        "{area: {value: 8369.34 平方米, quote: 大厅面积 8369.34平方米}, rate: 1 元/平方米}"
    )
    with pytest.raises(CesuanError) as info:
        _load(tmp_path, text)
    hint = info.value.hint or ""
    assert "U+0020 SPACE" in hint
    assert "U+00A0 NO-BREAK SPACE" in hint
    assert "\\xa0" in hint
    assert "\u00a0" not in str(info.value)
    assert hint.count("秘") < 20  # the excerpt is short: 20 characters after the difference


def test_the_number_of_reported_problems_is_capped(tmp_path: Path) -> None:
    n = MAX_REPORTED_ERRORS + 150
    lines = "".join(f"  - id: l{i}\n    label: x\n    formular: y\n" for i in range(n))
    with pytest.raises(CesuanErrors) as info:
        _load(tmp_path, "case: c\ntitle: t\nlines:\n" + lines)
    e = info.value
    assert len(e) == MAX_REPORTED_ERRORS
    assert e.omitted == n - MAX_REPORTED_ERRORS  # one unknown field per line
    assert f"另有 {e.omitted} 个问题未列出" in str(e)
    assert f"共 {n} 个问题" in str(e)


@pytest.mark.parametrize("fast", [True, False])
def test_nesting_over_the_limit_names_its_field(fast: bool) -> None:
    deep = "".join("  " * (k + 3) + f"k{k}:\n" for k in range(30))
    with pytest.raises(CesuanError) as info:
        read_yaml("case: c\nlines:\n  - id: a\n    inputs:\n" + deep, fast=fast)
    e = info.value
    assert e.kind == "nesting"
    assert (e.field or "").startswith("lines[0].inputs.k0.k1.")


def test_json_duplicate_keys_and_non_finite_numbers_name_their_line() -> None:
    from cesuan.yamlsafe import read_json

    text = '{"a": 1,\n "b": [{"a": 2,\n "c": "NaN {", "a": 3}]}'
    with pytest.raises(CesuanError) as info:
        read_json(text)
    assert (info.value.kind, info.value.line) == ("duplicate_key", 3)
    with pytest.raises(CesuanError) as info:
        read_json('{"a": "NaN",\n "b":\n -Infinity}')
    assert (info.value.kind, info.value.line) == ("non_finite", 3)
