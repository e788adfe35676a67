"""How big the JSON trace of a densely connected case is (issue 13): `python bench/trace_size.py`.

What it does: writes the case issue 13 measured — N lines (default 1,000), each from the K-th on
(default 200) averaging the K lines before it — evaluates it, renders `calc --format json` for it
in-process, and prints the case's bytes, the JSON's bytes, their ratio, the CPU seconds of
rendering and the peak traced memory of rendering. docs/performance.md records the figures
before and after format 2.0 (traces shared by reference).
What it must not do: be imported by tests or assert anything: sizes are bounded by
tests/test_trace_size.py, times are read by people.

    python bench/trace_size.py            # 1000 200
    python bench/trace_size.py 2000 200
"""

from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import cesuan
from cesuan.provenance import dumps
from cesuan.report import calc_case, envelope


def dense_case(n: int, k: int) -> str:
    out = ["case: bench.dense", "title: 稠密依赖", "lines:"]
    for i in range(n):
        if i < k:
            out += [f"  - id: l{i}", "    label: 分项", "    formula: x", "    inputs: {x: 1 元}"]
            out += ["    stated: 1 元"]
        else:
            refs = " + ".join(f"l{j}" for j in range(i - k, i))
            out += [f"  - id: l{i}", "    label: 合计", f"    formula: ({refs}) / {k}"]
            out += ["    stated: 1 元"]
    return "\n".join(out) + "\n"


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    k = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "dense.yaml"
        path.write_text(dense_case(n, k), encoding="utf-8")
        case_bytes = path.stat().st_size
        result = cesuan.evaluate(path)
        tracemalloc.start()
        t0 = time.process_time()
        text = dumps(envelope("calc", [calc_case(result)], []))
        cpu = time.process_time() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    out = len(text.encode("utf-8"))
    print(f"lines {n}, uses per line {k}: case {case_bytes:,} B, JSON {out:,} B")
    print(
        f"  JSON / case {out / case_bytes:.1f}; render {cpu:.2f} s CPU, peak {peak / 2**20:.0f} MiB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
