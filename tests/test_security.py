"""Trying to break out: code injection through formulas, quantities, units and whole case files
(mappings, YAML, JSON), resource exhaustion (power towers, deep nesting, huge literals, alias
bombs), and YAML tags that would build objects.

Every hostile input runs in a child process under a memory limit (RLIMIT_AS) with a hang guard
(a subprocess timeout — not a speed assertion). The child reports, for each input, the error kinds
it was refused with, "accepted", or the name of any other exception that escaped; a payload that
succeeded would create a MARKER file in the child's working directory, and it must never appear.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import cesuan
from cesuan.limits import MAX_CASE_BYTES, MAX_FORMULA_DEPTH, MAX_LITERAL_DIGITS

MEMORY_LIMIT = 1 << 30  # 1 GiB of address space for the child
HANG_GUARD_SECONDS = 120

CHILD = r"""
import json, os, resource, sys
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

import cesuan
from cesuan import CesuanError, CesuanErrors

INPUTS = {"a": "1 元", "b": "2"}


def case_of(formula, inputs=None):
    return {"case": "hostile", "title": "恶意公式", "lines": [
        {"id": "x", "label": "甲", "formula": formula, "inputs": inputs or INPUTS}]}


def run(p):
    mode, payload = p["mode"], p["payload"]
    if mode == "parse":
        cesuan.parse_formula(payload)
    elif mode == "formula":
        q = cesuan.evaluate_formula(payload, INPUTS)
        str(q)  # formatting must cope with whatever evaluation produced
    elif mode == "quantity":
        str(cesuan.parse_quantity(payload))
    elif mode == "unit":
        str(cesuan.parse_unit(payload))
    elif mode == "case":
        r = cesuan.evaluate(cesuan.load_case(case_of(payload)))
        str(r["x"].quantity)
    elif mode == "input":
        r = cesuan.evaluate(cesuan.load_case(case_of("a", {"a": payload})))
        str(r["x"].quantity)
    elif mode == "mapping":
        cesuan.evaluate(cesuan.load_case(payload))
    elif mode == "file":
        cesuan.evaluate(cesuan.load_case(payload))
    elif mode == "control":
        os.system(payload)  # proves that the marker check can see a successful payload
    else:
        raise AssertionError(mode)


for p in json.load(sys.stdin):
    out = {"id": p["id"]}
    try:
        run(p)
        out["accepted"] = True
    except CesuanErrors as e:
        out["kinds"] = sorted({str(x.kind) for x in e})
    except CesuanError as e:
        out["kinds"] = [str(e.kind)]
    except BaseException as e:  # MemoryError, RecursionError, anything: reported, not hidden
        out["escaped"] = f"{type(e).__name__}: {str(e)[:200]}"
    print(json.dumps(out, ensure_ascii=False), flush=True)
print("DONE", flush=True)
"""

MARKER = "MARKER"
TOUCH = f"touch {MARKER}"

# (id, modes, payload, kinds it may be refused with)
#  An empty set of kinds means the input is harmless and must be accepted.
FORMULA_PAYLOADS: list[tuple[str, str, set[str]]] = [
    ("import", f"__import__('os').system('{TOUCH}')", {"forbidden_construct"}),
    ("bases", "().__class__.__bases__[0].__subclasses__()", {"formula_syntax"}),
    ("dunder_attr", "a.__class__", {"forbidden_construct"}),
    ("dunder_chain", "a.real.__class__.__mro__", {"forbidden_construct"}),
    ("dunder_name", "__builtins__", {"forbidden_construct"}),
    ("underscore", "_", {"forbidden_construct"}),
    ("open", f"open('{MARKER}', 'w')", {"unknown_function"}),
    ("exec", f"exec('import os; os.system(\"{TOUCH}\")')", {"unknown_function"}),
    ("eval", "eval('1')", {"unknown_function"}),
    ("compile", "compile('1', 'x', 'exec')", {"unknown_function"}),
    ("globals", "globals()['os']", {"unknown_function"}),
    ("getattr", "getattr(a, '__class__')", {"unknown_function"}),
    ("lambda", "lambda: __import__('os')", {"forbidden_construct"}),
    ("attribute_chain", "a.b.c.d.e", {"unknown_name"}),
    ("os_system_name", "os.system", {"unknown_name"}),
    ("subscript", "a[0]", {"forbidden_construct"}),
    ("subscript_str", "a['__class__']", {"forbidden_construct"}),
    ("string", f"'{TOUCH}'", {"forbidden_construct"}),
    ("string_repeat", '"x" * 9999999999', {"forbidden_construct"}),
    ("fstring", "f'{a}'", {"forbidden_construct"}),
    ("compare_lt", "1 < 2", {"forbidden_construct"}),
    ("compare_eq", "a == a", {"forbidden_construct"}),
    ("compare_ne", "a != a", {"forbidden_construct"}),
    ("walrus", "(x := 1)", {"forbidden_construct"}),
    ("power", "2**9999999", {"forbidden_construct"}),
    ("caret_tower", "9^9^9", {"forbidden_construct"}),
    ("power_tower", "2**2**2**2**2**2", {"forbidden_construct"}),
    ("power_tower_10", "10**10**10**10", {"forbidden_construct"}),
    ("matmul", "a @ a", {"forbidden_construct"}),
    ("invert", "~a", {"forbidden_construct"}),
    ("semicolon", "a; import os", {"forbidden_construct"}),
    ("import_stmt", "import os", {"formula_syntax"}),
    ("ternary", "a if a else a", {"formula_syntax"}),
    ("comprehension", "[x for x in a]", {"forbidden_construct"}),
    ("dict", "{a: 1}", {"forbidden_construct"}),
    ("nul", "a\x00", {"confusable_character"}),
    ("floor_div", "a // a", {"formula_syntax"}),
    ("modulo", "7 % 2", {"formula_syntax"}),
    ("scientific", "1e999999999", {"quantity_syntax"}),
    ("deep_parens_10k", "(" * 10_000 + "1" + ")" * 10_000, {"size_limit"}),
    (
        "deep_parens",
        "(" * (MAX_FORMULA_DEPTH + 1) + "1" + ")" * (MAX_FORMULA_DEPTH + 1),
        {"nesting"},
    ),
    ("deep_minus", "-" * 1000 + "1", {"nesting"}),
    ("deep_calls", "max(" * 30 + "1" + ")" * 30, {"nesting"}),
    ("long_100k", "1+" * 50_000 + "1", {"size_limit"}),
    ("huge_literal_100k", "9" * 100_000, {"size_limit"}),
    ("huge_literal", "9" * 1000, {"magnitude"}),
    ("literal_digits", "9" * (MAX_LITERAL_DIGITS + 1), {"magnitude"}),
    ("many_nodes", "+".join(["1"] * 400), {"size_limit"}),
    ("many_args", "sum(" + ",".join(["a"] * 600) + ")", {"size_limit"}),
    ("div_zero", "a / (b - 2)", {"division_by_zero"}),
]
# Hostile but within the limits: must evaluate (exactly) in bounded memory, in a formula.
BIG_BUT_FINE: list[tuple[str, str]] = [
    ("big_product", " * ".join(["9" * MAX_LITERAL_DIGITS + "亿"] * 50)),
    ("long_terminating", " / ".join(["1"] + [str(2**99)] * 55)),
    ("long_fraction", " / ".join(["1"] + ["3" * MAX_LITERAL_DIGITS] * 60)),
    ("round_big", "round(" + " * ".join(["9" * MAX_LITERAL_DIGITS] * 55) + " / 7, 20)"),
]
QUANTITY_PAYLOADS: list[tuple[str, str, str, set[str]]] = [
    ("q_import", "quantity", "__import__('os')", {"quantity_syntax"}),
    ("q_expr", "quantity", "1 元; import os", {"quantity_syntax"}),
    ("q_sci", "quantity", "1e999999999", {"quantity_syntax"}),
    ("q_nan", "quantity", "nan", {"non_finite"}),
    ("q_inf", "quantity", "-Infinity", {"non_finite"}),
    ("q_long", "quantity", "9" * 100_000, {"size_limit"}),
    ("q_digits", "quantity", "9" * 100, {"magnitude"}),
    ("u_dunder", "unit", "__class__", {"quantity_syntax"}),
    ("u_attr", "unit", "os.system", {"unknown_unit"}),
    ("u_pint_expr", "unit", "meter ** 9999999", {"unknown_unit"}),
    ("u_deep", "unit", "(" * 5000 + "元" + ")" * 5000, {"nesting"}),
    ("u_power", "unit", "米^99999999", {"quantity_syntax"}),
    ("i_import", "input", "__import__('os').system('touch MARKER')", {"quantity_syntax"}),
    ("i_nan", "input", ".nan", {"non_finite"}),
]


def _yaml_case(formula: str) -> str:
    return (
        "case: hostile\ntitle: 恶意\nlines:\n  - id: x\n    label: 甲\n"
        f"    formula: {json.dumps(formula, ensure_ascii=False)}\n"
        "    inputs: {a: 1 元, b: '2'}\n"
    )


LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]"
        for i in range(8)
    ]
    + ["case: c"]
)
FILES: dict[str, tuple[str | bytes, set[str]]] = {
    "billion_laughs.yaml": (LAUGHS, {"alias"}),
    "merge_key.yaml": ("base: &b {title: t}\n<<: *b\ncase: c\n", {"alias"}),
    "apply.yaml": (f'case: !!python/object/apply:os.system ["{TOUCH}"]\n', {"forbidden_tag"}),
    "new.yaml": (f'case: !!python/object/new:os.system ["{TOUCH}"]\n', {"forbidden_tag"}),
    "object.yaml": ("case: !!python/object:os.system {}\n", {"forbidden_tag"}),
    "name.yaml": ("case: !!python/name:os.system\n", {"forbidden_tag"}),
    "module.yaml": ("case: !!python/module:os\n", {"forbidden_tag"}),
    "tag_directive.yaml": (
        f"%TAG !p! tag:yaml.org,2002:python/object/apply:\n---\ncase: !p!os.system ['{TOUCH}']\n",
        {"forbidden_tag"},
    ),
    "local_tag.yaml": ("case: !foo bar\n", {"forbidden_tag"}),
    "verbatim_tag.yaml": (
        "case: !<tag:yaml.org,2002:python/name:os.system> x\n",
        {"forbidden_tag"},
    ),
    "binary.yaml": ("case: !!binary aGVsbG8=\n", {"forbidden_tag"}),
    "set.yaml": ("case: !!set {a, b}\n", {"forbidden_tag"}),
    "float_tag.yaml": ("case: c\ntitle: t\nyear: !!float .nan\n", {"forbidden_tag"}),
    "timestamp.yaml": ("case: c\ntitle: t\nnotes: !!timestamp 2001-12-14\n", {"forbidden_tag"}),
    "nan_value.yaml": (
        "case: c\ntitle: t\nlines:\n  - id: x\n    label: a\n    value: .nan\n",
        {"non_finite"},
    ),
    "inf_stated.yaml": (
        "case: c\ntitle: t\nlines:\n  - id: x\n    label: a\n    stated: -.inf\n",
        {"non_finite"},
    ),
    "deep.yaml": ("[" * 10_000 + "]" * 10_000, {"nesting"}),
    "deep_block.yaml": ("".join("  " * k + "a:\n" for k in range(500)), {"nesting"}),
    "too_big.yaml": ("notes: " + "x" * (MAX_CASE_BYTES + 10) + "\n", {"size_limit"}),
    "formula_import.yaml": (
        _yaml_case(f"__import__('os').system('{TOUCH}')"),
        {"forbidden_construct"},
    ),
    "formula_tower.yaml": (_yaml_case("9^9^9"), {"forbidden_construct"}),
    "formula_deep.yaml": (_yaml_case("(" * 3000 + "1" + ")" * 3000), {"size_limit"}),
    "formula_dunder.yaml": (_yaml_case("a.__class__.__bases__"), {"forbidden_construct"}),
    "nan.json": (
        '{"case": "c", "title": "t", "lines": [{"id": "x", "label": "a", "value": NaN}]}',
        {"non_finite"},
    ),
    "inf.json": ('{"case": "c", "title": "t", "year": -Infinity}', {"non_finite"}),
    "deep.json": ("[" * 100_000 + "]" * 100_000, {"nesting"}),
    "utf16.yaml": ("case: c\n".encode("utf-16"), {"encoding"}),
}
MAPPINGS: list[tuple[str, Any, set[str]]] = [
    (
        "dunder_input_name",
        {
            "case": "c",
            "title": "t",
            "lines": [
                {"id": "x", "label": "甲", "formula": "__class__", "inputs": {"__class__": "1"}}
            ],
        },
        {"schema", "invalid_id", "forbidden_construct"},
    ),
    (
        "float_value",
        {"case": "c", "title": "t", "lines": [{"id": "x", "label": "甲", "value": 0.1}]},
        {"schema"},
    ),
    (
        "object_value",
        {"case": "c", "title": "t", "lines": [{"id": "x", "label": "甲", "value": object()}]},
        {"schema"},
    ),
]


def _payloads(tmp_path: Path) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for pid, text, kinds in FORMULA_PAYLOADS:
        out.append(
            {"id": f"formula:{pid}", "mode": "formula", "payload": text, "want": sorted(kinds)}
        )
        # whole cases add the model's own limits (strings over 10000 characters)
        out.append({"id": f"case:{pid}", "mode": "case", "payload": text, "want": sorted(kinds)})
        parse_kinds = set() if kinds <= {"unknown_name", "division_by_zero"} else kinds
        out.append(
            {"id": f"parse:{pid}", "mode": "parse", "payload": text, "want": sorted(parse_kinds)}
        )
    for pid, text in BIG_BUT_FINE:
        out.append({"id": f"formula:{pid}", "mode": "formula", "payload": text, "want": []})
        # a case line's value is bounded by MAX_VALUE_DIGITS, which these exceed
        out.append({"id": f"case:{pid}", "mode": "case", "payload": text, "want": ["magnitude"]})
    for pid, mode, text, kinds in QUANTITY_PAYLOADS:
        out.append({"id": f"{mode}:{pid}", "mode": mode, "payload": text, "want": sorted(kinds)})
    for name, (content, kinds) in FILES.items():
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        out.append({"id": f"file:{name}", "mode": "file", "payload": name, "want": sorted(kinds)})
    return out


def _run_child(payloads: list[dict[str, Any]], cwd: Path) -> list[dict[str, Any]]:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(MEMORY_LIMIT)],
        input=json.dumps(payloads, ensure_ascii=False),
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=HANG_GUARD_SECONDS,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    assert lines, proc.stderr[-3000:]
    assert lines[-1] == "DONE", proc.stdout[-2000:] + proc.stderr[-2000:]
    return [json.loads(line) for line in lines[:-1]]


def test_hostile_inputs_are_refused_in_a_memory_limited_child(tmp_path: Path) -> None:
    payloads = _payloads(tmp_path)
    results = {r["id"]: r for r in _run_child(payloads, tmp_path)}
    problems = []
    for p in payloads:
        r = results.get(p["id"])
        want = set(p["want"])
        if r is None:
            problems.append(f"{p['id']}: no result")
        elif "escaped" in r:
            problems.append(f"{p['id']}: escaped {r['escaped']}")
        elif not want and "kinds" in r:
            problems.append(f"{p['id']}: refused with {r['kinds']}, expected it to be accepted")
        elif want and "accepted" in r:
            problems.append(f"{p['id']}: ACCEPTED, expected {sorted(want)}")
        elif want and not (r["kinds"] and set(r["kinds"]) <= want):
            problems.append(f"{p['id']}: refused with {r['kinds']}, expected {sorted(want)}")
    assert not problems, "\n".join(problems)
    assert not (tmp_path / MARKER).exists()
    assert not list(tmp_path.rglob(MARKER))


def test_hostile_mappings_are_refused() -> None:
    """Mappings with non-text values (which cannot travel through JSON to the child) in-process."""
    for name, mapping, kinds in MAPPINGS:
        with pytest.raises(cesuan.CesuanError) as e:
            cesuan.evaluate(cesuan.load_case(mapping))
        got = (
            {str(x.kind) for x in e.value}
            if isinstance(e.value, cesuan.CesuanErrors)
            else {str(e.value.kind)}
        )
        assert got, name
        assert got <= kinds, (name, got)


def test_the_marker_check_would_see_a_successful_payload(tmp_path: Path) -> None:
    """The harness is honest: a payload that does run leaves the marker behind."""
    results = _run_child([{"id": "control", "mode": "control", "payload": TOUCH}], tmp_path)
    assert results == [{"id": "control", "accepted": True}]
    assert (tmp_path / MARKER).exists()


def test_the_child_reports_escaped_exceptions(tmp_path: Path) -> None:
    """The harness is honest: an exception other than CesuanError is reported as escaped."""
    results = _run_child([{"id": "bad", "mode": "no-such-mode", "payload": ""}], tmp_path)
    assert "escaped" in results[0]


def test_the_memory_limit_is_enforced(tmp_path: Path) -> None:
    """The harness is honest: the child cannot allocate past its limit."""
    code = (
        "import resource, sys\n"
        f"resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT}))\n"
        "try:\n    b = bytearray(2 * (1 << 30))\nexcept MemoryError:\n    print('limited')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_SECONDS,
        check=True,
    )
    assert out.stdout.strip() == "limited"
