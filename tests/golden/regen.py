"""Rewrite tests/golden/*.json from the current engine: run it only after checking by hand that
a changed number is right (the diff of the JSON is what to review).

    python tests/golden/regen.py
"""

from __future__ import annotations

import json
from pathlib import Path

import cesuan

ROOT = Path(__file__).resolve().parents[2]


def snapshot(path: Path) -> dict[str, object]:
    audit = cesuan.audit(cesuan.load_case(path))
    return {
        "values": {r.id: str(r.quantity) for r in audit.result.lines},
        "findings": sorted([f.kind, f.line_id] for f in audit.findings),
    }


def main() -> None:
    for path in sorted((ROOT / "cases").rglob("*.yaml")):
        out = Path(__file__).parent / (path.relative_to(ROOT / "cases").with_suffix(".json"))
        out.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(snapshot(path), ensure_ascii=False, indent=1, sort_keys=True)
        out.write_text(text + "\n", encoding="utf-8")
        print(out)


if __name__ == "__main__":
    main()
