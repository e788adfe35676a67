"""A warm process that runs `cesuan` commands for tests/test_docs.py, one fork per command.

`python -m cesuan` spends ~0.3 s of CPU importing pint and pydantic and building the unit
registry before it reads a case; the docs hold ~45 commands. This worker does that once, then
forks a child per command that runs `cesuan.__main__` with the example's arguments, working
directory and stdio: what `python -m cesuan` would do, with nothing carried from one command to
the next but the imported modules and the two process-wide caches every run builds identically.
It must not run anything but `cesuan` and never hands a command to a shell.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class Worker:
    """The test's side: starts the worker on first use, sends it one command at a time.

    CESUAN_DOCS_FRESH=1 (or a system without fork) makes `usable()` false, and the caller runs
    each command as its own `python -m cesuan` instead.
    """

    def __init__(self) -> None:
        self.proc: subprocess.Popen[bytes] | None = None

    def usable(self) -> bool:
        return hasattr(os, "fork") and not os.environ.get("CESUAN_DOCS_FRESH")

    def run(self, args: list[str], cwd: Path, stdin: bytes) -> tuple[bytes, bytes, int]:
        if self.proc is None:
            self.proc = subprocess.Popen(
                [sys.executable, __file__], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, cwd=ROOT,
            )  # fmt: skip
        assert self.proc.stdin
        assert self.proc.stdout
        request = {"args": args, "cwd": str(cwd), "stdin": stdin.hex()}
        self.proc.stdin.write(json.dumps(request).encode() + b"\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise AssertionError(f"the docs worker died (exit {self.proc.wait()}); see stderr")
        reply = json.loads(line)
        return bytes.fromhex(reply["out"]), bytes.fromhex(reply["err"]), reply["code"]

    def close(self) -> None:
        if self.proc is not None:
            assert self.proc.stdin
            assert self.proc.stdout
            self.proc.stdin.close()  # the worker's loop ends at end of input
            self.proc.wait(timeout=30)
            self.proc.stdout.close()
            self.proc = None


def serve() -> None:
    """The worker's loop: warm the process-wide caches, then one forked child per request."""
    import runpy
    import tempfile

    from cesuan import cli, rules, units

    del cli  # imported for its dependencies (pint, pydantic, the whole pipeline)
    units.registry(), rules.load_rules()  # what every `cesuan` process builds first, identically
    for request_line in sys.stdin:
        request = json.loads(request_line)
        with (
            tempfile.TemporaryFile() as i,
            tempfile.TemporaryFile() as o,
            tempfile.TemporaryFile() as e,
        ):
            i.write(bytes.fromhex(request["stdin"]))
            i.seek(0)
            sys.stdout.flush()
            pid = os.fork()
            if pid == 0:  # the child: becomes `python -m cesuan ARGS` in the example's directory
                code = 1
                try:
                    for f, fd in ((i, 0), (o, 1), (e, 2)):
                        os.dup2(f.fileno(), fd)
                    os.chdir(request["cwd"])
                    sys.argv = ["cesuan", *request["args"]]
                    runpy.run_module("cesuan", run_name="__main__", alter_sys=True)
                    code = 0
                except (
                    SystemExit
                ) as stop:  # as the interpreter does: a text code is printed, exit 1
                    if isinstance(stop.code, str):
                        sys.stderr.write(stop.code + "\n")
                    code = stop.code if isinstance(stop.code, int) else (stop.code is not None)
                except BaseException:
                    import traceback

                    traceback.print_exc()
                finally:
                    sys.stdout.flush()
                    sys.stderr.flush()
                    os._exit(int(code))
            _, status = os.waitpid(pid, 0)
            o.seek(0)
            e.seek(0)
            reply = {
                "out": o.read().hex(),
                "err": e.read().hex(),
                "code": os.waitstatus_to_exitcode(status),
            }
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    serve()
