"""The JSON trace is linear in the case, not in its dependency graph (issue 13, docs/security.md §2).

Issue 13 measured 33 MB of `calc --format json` for a 1.2 MB case of 1,000 lines each using the
200 before it: every use copied the used line's hash and its stated amount. Format 2.0 shares
traces by reference (`uses` lists ids). The documented bound, copied here (not read from cesuan):
the calc JSON of a case is at most 40 × the case file's bytes + 10,000 bytes; and a line's `uses`
costs at most 12 bytes plus the id per line used, so a case that is nearly all references
(the one below) gives at most 6 × its own size. No timing is asserted (bench/trace_size.py
measures time and memory).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cesuan
from cesuan.provenance import dumps
from cesuan.report import calc_case, envelope

ROOT = Path(__file__).resolve().parents[1]


def _json_bytes(path: Path) -> int:
    result = cesuan.evaluate(path)
    return len(dumps(envelope("calc", [calc_case(result)], [])).encode("utf-8"))


def _dense(n: int, k: int) -> str:
    """n lines with two-character-ish ids; every line from the k-th on averages the k before it
    (so values stay 1 元 and the case is nearly all references)."""
    ids = [f"a{i}" for i in range(n)]
    out = ["case: size.dense", "title: 稠密依赖", "lines:"]
    for i, x in enumerate(ids):
        if i < k:
            out.append(f"- {{id: {x}, label: 甲, value: 1 元}}")
        else:
            out.append(f'- {{id: {x}, label: 乙, formula: "({"+".join(ids[i - k : i])})/{k}"}}')
    return "\n".join(out) + "\n"


def _many_inputs(n: int) -> str:
    """Per-input overhead at its worst: 100 one-character full-width inputs per line, each
    recorded as normalised (written, read, changes)."""
    out = ["case: size.inputs", "title: 输入", "lines:"]
    for i in range(n):
        ins = ", ".join(f'x{j}: "１"' for j in range(100))
        out.append(f"- {{id: a{i}, label: 甲, formula: x0, inputs: {{{ins}}}}}")
    return "\n".join(out) + "\n"


def _bound(case_bytes: int) -> int:
    return 40 * case_bytes + 10_000


def test_a_case_that_is_all_references_gives_a_trace_a_few_times_its_size(
    tmp_path: Path,
) -> None:
    p = tmp_path / "dense.yaml"
    p.write_text(_dense(300, 100), encoding="utf-8")
    size = p.stat().st_size
    out = _json_bytes(p)
    # Before format 2.0 this case gave about 30 × its size (a hash and a stated copy per use).
    assert out <= 6 * size, (out, size)
    data = json.loads(dumps(calc_case(cesuan.evaluate(p))))
    last = data["lines"][-1]
    assert last["uses"] == [f"a{i}" for i in range(199, 299)]
    assert "parts" not in last["over_stated_parts"]


def test_doubling_the_references_doubles_the_trace_at_most(tmp_path: Path) -> None:
    sizes = []
    for k in (50, 100):
        p = tmp_path / f"dense{k}.yaml"
        p.write_text(_dense(2 * k, k), encoding="utf-8")
        sizes.append((p.stat().st_size, _json_bytes(p)))
    (case1, out1), (case2, out2) = sizes
    # Four times the references (twice the lines, each using twice as many): the trace grows
    # no faster than the case does.
    assert out2 / out1 <= 1.1 * case2 / case1, sizes


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "cases").rglob("*.yaml")),
    ids=lambda p: p.name,
)
def test_every_bundled_case_is_within_the_bound(path: Path) -> None:
    assert _json_bytes(path) <= _bound(path.stat().st_size)


def test_the_worst_per_input_overhead_is_within_the_bound(tmp_path: Path) -> None:
    p = tmp_path / "inputs.yaml"
    p.write_text(_many_inputs(20), encoding="utf-8")
    out = _json_bytes(p)
    assert out <= _bound(p.stat().st_size), (out, p.stat().st_size)
