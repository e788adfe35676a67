"""Time and peak memory of reading a ~2 MB YAML case file: `python bench/yaml_reader.py [c|py]`.

What it does: writes a case file just under the 2,000,000-byte limit (plain and quoted scalars,
flow and block mappings, Chinese text, as the bundled cases are written), then times
`cesuan.yamlsafe.read_yaml` on it with the C composer (libyaml events) or the pure-Python one,
and reports seconds and peak RSS as JSON.
What it must not do: assert anything about speed (numbers go to docs/performance.md).
"""

from __future__ import annotations

import json
import resource
import sys
import time

from cesuan import yamlsafe
from cesuan.limits import MAX_CASE_BYTES

LINE = (
    "  - id: l{i}\n"
    "    label: 第{i}项 大厅租金\n"
    "    formula: area * rate * months\n"
    "    inputs:\n"
    "      area: {{value: 8369.34 平方米, label: 面积, quote: 大厅面积8369.34平方米}}\n"
    '      rate: {{value: 50 元/(平方米·月), quote: "月租金50元/平方米"}}\n'
    "      months: 12 月\n"
    "    stated: {{value: 502.1604 万元, quote: 502.1604}}\n"
)


def big_case() -> str:
    parts = ["case: bench\ntitle: 两兆字节的案例\nlines:\n"]
    size, i = len(parts[0].encode()), 0
    while True:
        chunk = LINE.format(i=i)
        if size + len(chunk.encode()) > MAX_CASE_BYTES - 100:
            return "".join(parts)
        parts.append(chunk)
        size += len(chunk.encode())
        i += 1


def main() -> int:
    which = sys.argv[1] if len(sys.argv) > 1 else "c"
    text = big_case()
    t0 = time.process_time()
    data, _ = yamlsafe.read_yaml(text, fast=which == "c")
    cpu = time.process_time() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "reader": which,
                "bytes": len(text.encode()),
                "lines": len(data["lines"]),
                "cpu_seconds": round(cpu, 2),
                "peak_rss_mib": round(peak),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
