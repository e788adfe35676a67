"""The golden snapshots of every case under cases/, and the review step for changing them.

Each case has two files under tests/golden/ (same relative path as under cases/):
  <name>.json          the whole provenance JSON (values, conversions, roundings, hashes; the
                       engine version left out), every finding with all its fields (stated,
                       computed, difference, substituted, caused_by …) and every check;
  <name>.explain.txt   the 测算依据 text of every line (`cesuan explain`).

A changed snapshot is a diff to read, not a pass. This script shows that diff and writes
nothing unless told to (docs/testing.md, "Golden files"):

    python tests/golden/regen.py             # show the diff of every snapshot that would change;
                                             # exit 1 if any would, write nothing
    python tests/golden/regen.py --accept    # write them, after reading the diff above
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import json
import sys
from pathlib import Path
from typing import Any

import cesuan

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent
CASES = ROOT / "cases"


def case_paths() -> list[Path]:
    return sorted(CASES.rglob("*.yaml"))


def snapshot(path: Path) -> dict[str, str]:
    """The golden files of one case: {file name: its text}."""
    audit = cesuan.audit(cesuan.load_case(path))
    trace = audit.result.to_dict()
    trace.pop("engine", None)  # a version bump is not a change of any calculation
    data: dict[str, Any] = {
        "provenance": trace,
        "findings": [_public(f) for f in audit.findings],
        "checks": [_public(c) for c in audit.checks],
    }
    stem = path.relative_to(CASES).with_suffix("")
    return {
        f"{stem}.json": json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
        f"{stem}.explain.txt": "".join(
            f"{r.id}\t{cesuan.explain(audit.result, r.id)}\n" for r in audit.result.lines
        ),
    }


def _public(obj: Any) -> dict[str, Any]:
    # `file` is where the case lies on this machine: not part of the audit's content.
    return {k: v for k, v in dataclasses.asdict(obj).items() if k != "file"}


def diffs() -> dict[Path, tuple[str, str]]:
    """Every golden file whose text would change: {path: (old text, new text)}."""
    out: dict[Path, tuple[str, str]] = {}
    for case in case_paths():
        for name, new in snapshot(case).items():
            target = GOLDEN / name
            old = target.read_text(encoding="utf-8") if target.exists() else ""
            if old != new:
                out[target] = (old, new)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accept", action="store_true", help="write the new snapshots")
    args = parser.parse_args(argv)
    changed = diffs()
    for target, (old, new) in changed.items():
        rel = Path("tests/golden") / target.relative_to(GOLDEN)
        sys.stdout.writelines(
            difflib.unified_diff(
                old.splitlines(keepends=True),
                new.splitlines(keepends=True),
                fromfile=f"a/{rel}",
                tofile=f"b/{rel}",
            )
        )
    if not changed:
        print("golden files are up to date")
        return 0
    if not args.accept:
        print(f"\n{len(changed)} golden file(s) would change; read the diff, then --accept")
        return 1
    for target, (_, new) in changed.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(new, encoding="utf-8")
        print(f"wrote tests/golden/{target.relative_to(GOLDEN)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
