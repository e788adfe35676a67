"""Same case, same bytes — across processes (issue 14).

Determinism inside one process proves little: str hashes, and so the iteration order of sets
of strings, are fixed for the life of a process and change between processes with
PYTHONHASHSEED. These tests run the CLI and the library in child processes with different
seeds and compare the output bytes.

The bug this catches: output built by iterating a set or a dict filled from a set (of line ids,
input names, units…), whose order then differs from run to run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ["0", "1", "2", "12345"]
JIANGHAN = ROOT / "cases" / "jianghan-2023"
PAISHUI = JIANGHAN / "paishui-shulao.yaml"


def _run(args: list[str], seed: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, timeout=300, check=False
    )
    # 1 is the audit's "discrepancies found"; the library script itself must not fail.
    ok = (0,) if args[0] == "-c" else (0, 1)
    assert done.returncode in ok, done.stderr.decode("utf-8", "replace")
    return done.stdout


# The library, over a case whose lines have many inputs, sets of units and several totals: the
# whole provenance JSON and the audit's findings and checks.
LIBRARY = """
import cesuan, json, sys
lines = []
for i in range(12):
    lines.append({"id": f"l{i}", "label": f"分项{i}", "formula": " * ".join(f"v{j}" for j in range(6)),
                  "inputs": {f"v{j}": {"value": f"{j + i + 1} " + ["元", "人", "天", "次", "件", "条"][j],
                                       "label": f"输入{j}", "source": f"文号{j}"} for j in range(6)},
                  "unit": "元·人·天·次·件·条", "stated": f"{i + 1} 万元·人·天·次·件·条"})
lines.append({"id": "total", "label": "合计", "formula": " + ".join(f"l{i}" for i in range(12)),
              "stated": "9 万元·人·天·次·件·条"})
case = {"case": "det.case", "title": "确定性", "lines": lines}
r = cesuan.evaluate(case)
a = cesuan.audit(r)
sys.stdout.write(r.to_json())
sys.stdout.write(json.dumps([list(map(str, (f.kind, f.line_id, f.message, f.substituted, f.caused_by)))
                             for f in a.findings], ensure_ascii=False))
sys.stdout.write(cesuan.explain(r))
"""

COMMANDS = {
    "calc json": ["-m", "cesuan", "calc", "--format", "json", str(PAISHUI)],
    "audit json": ["-m", "cesuan", "audit", "--format", "json", str(JIANGHAN)],
    "audit md": ["-m", "cesuan", "audit", "--format", "md", str(JIANGHAN)],
    "explain": ["-m", "cesuan", "explain", str(PAISHUI)],
    "library": ["-c", LIBRARY],
}


@pytest.mark.parametrize("what", sorted(COMMANDS))
def test_output_bytes_do_not_depend_on_the_hash_seed(what: str) -> None:
    outputs = {seed: _run(COMMANDS[what], seed) for seed in SEEDS}
    first = outputs[SEEDS[0]]
    assert len(first) > 200  # a real output, not an empty one that trivially agrees
    for seed, out in outputs.items():
        assert out == first, f"PYTHONHASHSEED={seed} gives other bytes ({what})"
