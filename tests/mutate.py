"""Run mutmut on one module of src/cesuan with only the test files that exercise it.

    python tests/mutate.py reconcile tests/test_audit.py tests/test_verdicts.py
    python tests/mutate.py reconcile,pointcheck tests/test_audit.py

copies the worktree's pyproject.toml, src/, tests/, cases/, docs/ and README.md into
`mutants-<module>/` (ignored by git; `mutants-<m1>+<m2>/` for several modules, comma-separated, run
together), sets `[tool.mutmut]` there to mutate only those modules and to
select tests from the files given, and runs `mutmut run --max-children 1` under `nice`, then prints
the survivors. One directory per module keeps runs apart and keeps mutmut's cache between runs.
docs/testing.md records the figures and the command of each run.

It must not change the worktree (it writes only under mutants-<module>/) and must not run more
than one test process: the machine is shared.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("src", "tests", "cases", "docs", "formulas", "README.md")


def _config(pyproject: str, modules: list[str], tests: list[str]) -> str:
    """pyproject.toml text whose [tool.mutmut] mutates only `modules`, with `tests` selected."""
    paths = ", ".join('"src/cesuan/' + m.replace(".", "/") + '.py"' for m in modules)
    selection = ", ".join(f'"{t}"' for t in tests)
    extra = f"only_mutate = [{paths}]\n"
    text = re.sub(
        r"pytest_add_cli_args_test_selection = \[[^\]]*\]",
        f"pytest_add_cli_args_test_selection = [{selection}]",
        pyproject,
    )
    return text.replace("[tool.mutmut]\n", "[tool.mutmut]\n" + extra, 1)


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    if shutil.which("mutmut") is None:
        # A traceback from subprocess would hide the one thing to do.
        print('mutmut 未安装：先运行 pip install -e ".[mutation]"', file=sys.stderr)
        return 2
    # Several modules, comma-separated (reconcile,pointcheck), share one run and one directory.
    modules, tests = argv[0].split(","), argv[1:]
    work = ROOT / ("mutants-" + "+".join(m.replace(".", "-") for m in modules))
    work.mkdir(exist_ok=True)
    for name in COPIED:
        src, dst = ROOT / name, work / name
        if src.is_dir():
            shutil.copytree(
                src, dst, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__")
            )
        elif src.exists():
            shutil.copy2(src, dst)
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (work / "pyproject.toml").write_text(_config(pyproject, modules, tests), encoding="utf-8")
    patterns = ["cesuan." + m + ".*" for m in modules]
    cmd = ["nice", "-n", "19", "timeout", "3000", "mutmut", "run", "--max-children", "1", *patterns]
    subprocess.run(cmd, cwd=work, check=False)
    subprocess.run(["mutmut", "results"], cwd=work, check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
