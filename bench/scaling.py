"""How explain, audit and the JSON trace grow with the size of one case (issue 10).

What it does: builds one case of N lines (groups of nine rents by area and a sum of the nine,
stated amounts as a form would write them, one in ten of the rents off by 1 元), evaluates it
once, then times `explain`, `audit` and `Result.to_json` on it for N = 1,000 … 8,000 (or the
sizes given) and prints seconds and microseconds per line. Linear code gives a flat µs/line.
What it must not do: change the engine's behaviour (only the public API is called), or be
imported by tests: timings are read by people, never asserted.

    python bench/scaling.py            # 1000 2000 4000 8000
    python bench/scaling.py 100000
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable
from typing import Any

import cesuan


def make_case(n: int) -> dict[str, Any]:
    """A case of n lines (rounded down to a multiple of ten)."""
    lines: list[dict[str, Any]] = []
    for g in range(n // 10):
        parts = []
        total = 0
        for k in range(9):
            area = 100 + 7 * g + k
            lid = f"g{g}.rent{k}"
            parts.append(lid)
            amount = area * 50 * 12 + (1 if (g + k) % 10 == 3 else 0)
            total += area * 50 * 12
            lines.append(
                {
                    "id": lid,
                    "label": f"第{g}组租金{k}",
                    "formula": "area * rate * 12 月",
                    "inputs": {"area": f"{area} 平方米", "rate": "50 元/(平方米·月)"},
                    "unit": "元",
                    "stated": f"{amount} 元",
                }
            )
        lines.append(
            {
                "id": f"g{g}.total",
                "label": f"第{g}组合计",
                "formula": " + ".join(parts),
                "unit": "元",
                "stated": f"{total} 元",
            }
        )
    return {"case": f"scaling.{n}", "title": "规模测试", "lines": lines}


def seconds(fn: Callable[[], object]) -> float:
    t = time.process_time()
    fn()
    return time.process_time() - t


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv] or [1000, 2000, 4000, 8000]
    print(
        f"{'lines':>8} {'explain s':>10} {'µs/line':>8} {'audit s':>8} {'µs/line':>8} "
        f"{'json s':>7} {'µs/line':>8}"
    )
    for n in sizes:
        result = cesuan.evaluate(cesuan.load_case(make_case(n)))
        row = [n]
        for fn in (
            functools.partial(cesuan.explain, result),
            functools.partial(cesuan.audit, result),
            result.to_json,
        ):
            s = seconds(fn)
            row += [s, s / n * 1e6]
        print("{:>8} {:>10.3f} {:>8.1f} {:>8.3f} {:>8.1f} {:>7.3f} {:>8.1f}".format(*row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
