"""Peak memory per line with full provenance kept: `python bench/memory.py LINES` → JSON.

What it does: in a fresh process, under tracemalloc, generates the workload case by case (each
case mapping is dropped once loaded, as a tool streaming cases from disk would), loads and plans
every case, evaluates them all with `cesuan.evaluate_many` and keeps every Result — so every
line's values, plan and provenance stay reachable — then reports the peak of traced memory per
line, and what the evaluation itself added (the Results) per line. It also checks that one
Result still renders its full JSON trace.
What it must not do: count the workload generator's own bookkeeping as the engine's memory.
"""

from __future__ import annotations

import gc
import json
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cesuan
import workload


def main() -> int:
    lines = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    # Warm the per-process caches (rules, units) outside the measurement.
    first = next(workload.iter_cases(1, seed=99))
    cesuan.evaluate(cesuan.load_case(first.case, source_text=first.source))
    gc.collect()
    t0 = time.perf_counter()
    tracemalloc.start()
    base, _ = tracemalloc.get_traced_memory()
    cases = []
    n = 0
    for w in workload.iter_cases(lines):
        cases.append(cesuan.load_case(w.case, source_text=w.source))
        n += len(w.specs)
        del w
    gc.collect()
    loaded, peak_load = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    t1 = time.perf_counter()
    results = [o.value for o in cesuan.evaluate_many(cases, raise_errors=True)]
    t2 = time.perf_counter()
    gc.collect()
    current, peak_eval = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak = max(peak_load, peak_eval)
    assert sum(len(r.lines) for r in results) == n
    trace = results[-1].to_dict()  # the provenance is all there
    assert len(trace["lines"]) == len(results[-1].lines)  # type: ignore[arg-type]
    out = {
        "lines": n,
        "cases": len(cases),
        "loaded_bytes_per_line": (loaded - base) / n,
        "peak_bytes_per_line": (peak - base) / n,
        "results_bytes_per_line": (current - loaded) / n,
        "eval_peak_bytes_per_line": (peak_eval - loaded) / n,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "load_s_traced": t1 - t0,
        "evaluate_s_traced": t2 - t1,
    }
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
