"""Every worked example of every shipped rule, run through the engine (as `openfisca test` runs
a parameter file's YAML tests), and the rule reference in docs/formulas.md kept equal to the
rule files.

The oracle is the example's `result`, computed by hand (its `why` field shows the arithmetic);
the engine never writes it. Equality is exact, in the example's own unit.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

import cesuan
from cesuan.errors import CesuanError
from cesuan.quantity import Quantity, parse_quantity
from cesuan.rules import Example, Rule, load_rules, parse_rule
from cesuan.rules_cli import MD_BEGIN, MD_END, rules_markdown, rules_text

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = [
    pytest.param(rid, n, ex, id=f"{rid}[{n}]")
    for rid, r in sorted(load_rules().items())
    for n, ex in enumerate(r.examples)
]


def _exact(q: Quantity) -> Fraction:
    return Fraction(q.magnitude)


def _evaluate(rid: str, ex: Example) -> Quantity:
    want = parse_quantity(ex.result)
    line: dict[str, Any] = {"id": "x", "label": "例子", "use": rid, "inputs": dict(ex.inputs)}
    if want.unit.terms:
        line["unit"] = want.unit.text
    if ex.places is not None:
        line["round"] = {"places": ex.places}
    result = cesuan.evaluate({"case": "rule.example", "title": rid, "lines": [line]})
    return result["x"].quantity


@pytest.mark.parametrize(("rid", "n", "ex"), EXAMPLES)
def test_example_gives_the_hand_computed_result(rid: str, n: int, ex: Example) -> None:
    want = parse_quantity(ex.result)
    got = _evaluate(rid, ex).to(want.unit)
    assert _exact(got) == _exact(want), f"{rid} 例子 {n + 1}：{ex.why}"


def test_the_library_has_at_least_25_rules_each_with_an_example() -> None:
    rules = load_rules()
    assert len(rules) >= 25
    assert [rid for rid, r in rules.items() if not r.examples] == []


def test_every_example_explains_its_arithmetic() -> None:
    for rid, r in load_rules().items():
        for ex in r.examples:
            assert any(ch.isdigit() for ch in ex.why), rid


_RULE = """label: 示例
params:
  a: {label: 甲, unit: 元}
  n: {label: 人数, unit: 人}
formula: a * n / n
unit: 元
"""


@pytest.mark.parametrize(
    ("examples", "words"),
    [
        ("  - {inputs: {a: 1 元}, result: 1 元, why: 1}", ["缺少 n"]),
        ("  - {inputs: {a: 1 元, n: 1 人, b: 2 元}, result: 1 元, why: 1}", ["多出 b"]),
        ("  - {inputs: {a: 1 元, n: 1 平方米}, result: 1 元, why: 1}", ["n = 1 平方米", "人"]),
        ("  - {inputs: {a: 1 元, n: 1 人}, result: 1 人, why: 1}", ["result = 1 人"]),
        ("  - {inputs: {a: 1 元, n: 1 人}, result: 1 元}", ["why"]),
    ],
)
def test_a_malformed_example_is_refused_when_rules_load(examples: str, words: list[str]) -> None:
    with pytest.raises(CesuanError) as info:
        parse_rule("demo.example", _RULE + "examples:\n" + examples + "\n", "formulas/demo/x.yaml")
    for w in words:
        assert w in str(info.value)


def test_docs_formulas_md_carries_the_generated_rule_table() -> None:
    doc = (ROOT / "docs/formulas.md").read_text(encoding="utf-8")
    start, end = doc.index(MD_BEGIN), doc.index(MD_END) + len(MD_END)
    assert doc[start:end] == rules_markdown(load_rules()), (
        "docs/formulas.md 的规则表与规则文件不一致：运行 cesuan rules --format md 替换标记之间的内容"
    )


def test_cli_lists_every_rule_with_its_units(capsys: pytest.CaptureFixture[str]) -> None:
    from cesuan.cli import main

    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert out.rstrip("\n") == rules_text(load_rules())
    assert "general.per_person_year  人数 × 每人每年标准 × 年数" in out
    assert "rate 每人每年标准（元/(人·年)）" in out
    assert main(["rules", "rent.by_aera"]) == 2
    assert "是否为 'rent.by_area'" in capsys.readouterr().err


def test_json_and_markdown_listings(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from cesuan.cli import main

    assert main(["rules", "--format", "json", "area.length_width"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["area.length_width"]["formula"] == "length * width"
    assert data["area.length_width"]["examples"][0]["result"] == "13.5 平方米"
    assert main(["rules", "--format", "md", "budget.execution_rate"]) == 0
    md = capsys.readouterr().out
    assert "| `budget.execution_rate` |" in md
    assert "executed = 338.31 万元" not in md  # the table shows the first example only
    assert "executed = 251.89 万元，budget = 251.89 万元 → 100%" in md


def test_examples_taken_from_the_corpus_name_a_real_case() -> None:
    # An example whose `source` cites cases/… must point at a case that exists, so the worked
    # example and the real form it came from cannot drift apart unnoticed.
    for rid, r in load_rules().items():
        for ex in r.examples:
            if ex.source and ex.source.startswith("cases/"):
                where = ex.source.split("（")[0]
                assert (ROOT / where).is_dir() or (ROOT / f"{where}.yaml").is_file(), (rid, where)


def test_rule_ids_follow_their_paths() -> None:
    # ./formulas is the rule directory (today a link to src/cesuan/formulas; it may become the
    # directory itself), so this keeps working if the files move.
    base = ROOT / "formulas"
    ids = {".".join(f.relative_to(base).with_suffix("").parts) for f in base.rglob("*.yaml")}
    assert ids == set(load_rules())


def test_rule_model_keeps_examples_typed() -> None:
    r = load_rules()["area.length_width"]
    assert isinstance(r, Rule)
    assert r.examples[0].inputs == {"length": "4.5 米", "width": "3 米"}
