"""Files that are not files (issue 13): symlinks, FIFOs, devices, directories, sparse giants,
NUL in paths, directory trees deeper than any recursion limit.

Each attack runs the real `cesuan` command in a child process under a memory limit (RLIMIT_AS)
with a hang guard (a subprocess timeout — not a speed assertion) and must end with exit 2 and a
located error of a documented kind: never exit 3, a hang, a MemoryError, or a byte of a file
outside the case's folder on the screen.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cesuan.formulas
import pytest
import yaml

import cesuan
from cesuan import CesuanError
from cesuan.files import read_bounded, walk_cases
from cesuan.limits import MAX_CASE_BYTES, MAX_DIR_DEPTH, MAX_SOURCE_BYTES

MEMORY_LIMIT = 1 << 30
HANG_GUARD_SECONDS = 60
SECRET = "机密：不应出现在任何输出中"

CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), int(sys.argv[1])))
from cesuan.cli import main
sys.exit(main(sys.argv[2:]))
"""


def cesuan_child(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CHILD, str(MEMORY_LIMIT), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=HANG_GUARD_SECONDS,
        check=False,
    )


def case_text(source: str, quote: str = "月租金50元") -> str:
    return (
        f'case: c\ntitle: 标题\nsource: "{source}"\nlines:\n'
        f"  - id: a\n    label: 甲\n    formula: x * 2\n"
        f"    inputs: {{x: {{value: 3 元, quote: {quote}}}}}\n"
    )


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the case folder holding a secret the case must never reach."""
    d = tmp_path / "outside"
    d.mkdir()
    (d / "secret.txt").write_text(f"月租金{SECRET}\n" * 50, encoding="utf-8")
    (d / "case.yaml").write_text(case_text("secret.txt"), encoding="utf-8")
    return d


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "cases"
    d.mkdir()
    return d


def _refused(p: subprocess.CompletedProcess[str], kind_text: str) -> None:
    assert p.returncode == 2, p.stderr
    assert "Traceback" not in p.stdout + p.stderr
    assert "内部错误" not in p.stdout + p.stderr
    assert kind_text in p.stdout + p.stderr
    assert SECRET not in p.stdout + p.stderr


def test_a_symlinked_source_is_not_read(folder: Path, outside: Path) -> None:
    (folder / "s.txt").symlink_to(outside / "secret.txt")
    (folder / "c.yaml").write_text(case_text("s.txt", "月租金X"), encoding="utf-8")
    _refused(cesuan_child("calc", "c.yaml", cwd=folder), "符号链接")
    with pytest.raises(CesuanError) as info:
        cesuan.load_case(folder / "c.yaml")
    assert (info.value.kind, info.value.field, info.value.line) == ("unsafe_path", "source", 3)


def test_a_source_below_a_symlinked_folder_is_not_read(folder: Path, outside: Path) -> None:
    (folder / "sub").symlink_to(outside, target_is_directory=True)
    (folder / "c.yaml").write_text(case_text("sub/secret.txt", "月租金X"), encoding="utf-8")
    _refused(cesuan_child("calc", "c.yaml", cwd=folder), "符号链接")


def test_a_fifo_source_does_not_hang(folder: Path) -> None:
    os.mkfifo(folder / "s.txt")
    (folder / "c.yaml").write_text(case_text("s.txt"), encoding="utf-8")
    _refused(cesuan_child("calc", "c.yaml", cwd=folder), "不是普通文件")


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/urandom"])
def test_a_device_as_case_or_source_is_refused(folder: Path, target: str) -> None:
    (folder / "s.txt").symlink_to(target)
    (folder / "c.yaml").write_text(case_text("s.txt"), encoding="utf-8")
    _refused(cesuan_child("calc", "c.yaml", cwd=folder), "符号链接")
    _refused(cesuan_child("calc", target, cwd=folder), "不是普通文件")


def test_sparse_giant_files_are_refused_from_their_size(folder: Path) -> None:
    giant = 3 << 30  # 3 GiB of holes: reading it first would need 3 GiB of memory
    with open(folder / "big.txt", "wb") as fh:
        fh.truncate(giant)
    with open(folder / "big.yaml", "wb") as fh:
        fh.truncate(giant)
    (folder / "c.yaml").write_text(case_text("big.txt"), encoding="utf-8")
    _refused(cesuan_child("calc", "c.yaml", cwd=folder), f"超过上限 {MAX_SOURCE_BYTES}")
    _refused(cesuan_child("calc", "big.yaml", cwd=folder), f"超过上限 {MAX_CASE_BYTES}")


def test_read_is_bounded_even_when_fstat_is_small(tmp_path: Path) -> None:
    # A file that grows between fstat and read is cut off at limit + 1 bytes: here the size
    # check passes for `limit` and the bounded read still sees one byte too many.
    (tmp_path / "f").write_bytes(b"x" * 11)
    with pytest.raises(CesuanError) as info:
        read_bounded(tmp_path, Path("f"), limit=10)
    assert info.value.kind == "size_limit"
    assert read_bounded(tmp_path, Path("f"), limit=11) == b"x" * 11


def test_nul_and_control_characters_in_paths(folder: Path) -> None:
    for bad in ("s\0.txt", "s\x1b[2J.txt", "s\u202e.txt"):
        (folder / "c.yaml").write_text(
            case_text(bad.encode("unicode_escape").decode()), encoding="utf-8"
        )
        p = cesuan_child("calc", "c.yaml", cwd=folder)
        _refused(p, "路径中有不允许的字符")
        assert "\x1b" not in p.stdout + p.stderr
        assert "\u202e" not in p.stdout + p.stderr
    with pytest.raises(CesuanError) as info:
        cesuan.load_case(str(folder / "a\0.yaml"))
    assert info.value.kind == "unsafe_path"


def test_a_directory_where_a_case_file_is_expected(folder: Path) -> None:
    (folder / "s.txt").mkdir()
    (folder / "c.yaml").write_text(case_text("s.txt"), encoding="utf-8")
    _refused(cesuan_child("calc", "c.yaml", cwd=folder), "不是普通文件（是目录）")
    with pytest.raises(CesuanError) as info:
        cesuan.load_case(folder)
    assert info.value.kind == "unsafe_path"
    assert "cesuan audit" in (info.value.hint or "")


def test_walking_never_follows_links_and_reports_each(folder: Path, outside: Path) -> None:
    good = Path(__file__).resolve().parents[1] / "cases" / "examples"
    for f in good.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    (folder / "linked").symlink_to(outside, target_is_directory=True)
    (folder / "link.yaml").symlink_to(outside / "case.yaml")
    os.mkfifo(folder / "pipe.yaml")
    files, errors = walk_cases([folder])
    assert errors == []
    assert sorted(f.name for f in files) == ["hall-rent.yaml", "link.yaml", "linked", "pipe.yaml"]
    p = cesuan_child("audit", str(folder), cwd=folder)
    _refused(p, "无法审核的文件 3 个")
    for name in ("linked", "link.yaml", "pipe.yaml"):
        assert name in p.stdout + p.stderr


def test_a_tree_deeper_than_the_recursion_limit(folder: Path) -> None:
    depth = 1_100
    here = os.getcwd()
    try:
        os.chdir(folder)
        for _ in range(depth):
            os.mkdir("d")
            os.chdir("d")
        Path("x.yaml").write_text("x", encoding="utf-8")
        os.chdir(here)
        p = cesuan_child("audit", ".", cwd=folder)
        _refused(p, f"目录嵌套超过 {MAX_DIR_DEPTH} 层")
    finally:
        _remove_deep(folder, depth, here)


def _remove_deep(folder: Path, depth: int, here: str) -> None:
    """Bottom-up, without recursion (shutil.rmtree, and so pytest's cleanup, would recurse)."""
    os.chdir(folder)
    n = 0
    while n < depth and os.path.isdir("d"):
        os.chdir("d")
        n += 1
    Path("x.yaml").unlink(missing_ok=True)
    for _ in range(n):
        os.chdir("..")
        os.rmdir("d")
    os.chdir(here)


def test_cases_within_the_depth_limit_are_found(folder: Path) -> None:
    deep = folder.joinpath(*["d"] * MAX_DIR_DEPTH)
    deep.mkdir(parents=True)
    (deep / "x.yaml").write_text("x", encoding="utf-8")
    files, errors = walk_cases([folder])
    assert (files, errors) == ([deep / "x.yaml"], [])


def test_one_bad_file_does_not_stop_the_walk(folder: Path) -> None:
    (folder / "a.yaml").write_text("case: [", encoding="utf-8")
    os.mkfifo(folder / "b.yaml")
    (folder / "c.yaml").write_text("case: [", encoding="utf-8")
    p = cesuan_child("audit", ".", cwd=folder)
    _refused(p, "无法审核的文件 3 个")
    assert (p.stdout + p.stderr).count("YAML 格式错误") == 2


# The property of docs/security.md §3: whatever a case file says, cesuan reads only inside the
# case's folder (and its own package and Python), follows no symlink there, writes only the
# output it was asked for, and prints nothing from outside. An audit hook in the child sees every
# open, directory listing and rename the process makes.
WATCH = r"""
import contextlib, io, json, os, sys
import cesuan.cli
events, recording = [], [True]

def hook(name, args):
    if not recording[0]:
        return
    if name == "open":
        events.append(["open", os.fspath(args[0]) if not isinstance(args[0], int) else None,
                       args[2] or 0])
    elif name in ("os.scandir", "os.listdir"):
        events.append([name, os.fspath(args[0]) if args[0] is not None else ".", 0])
    elif name in ("os.rename", "os.replace", "os.remove", "os.mkdir", "os.symlink"):
        events.append([name, os.fspath(args[1] if name in ("os.rename", "os.replace")
                                        else args[0]), 0])

sys.addaudithook(hook)
out, err = io.StringIO(), io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    code = cesuan.cli.main(sys.argv[1:])
recording[0] = False
print(json.dumps({"code": code, "out": out.getvalue(), "err": err.getvalue(), "events": events}))
"""


def _allowed_roots() -> list[str]:
    return sorted(
        {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
        | {str(Path(cesuan.__file__).resolve().parent)}
        # the shipped rules: a package of their own, at the top of a source checkout (issue 12)
        | {str(Path(p).resolve()) for p in cesuan.formulas.__path__}
    )


def _watched(folder: Path, *args: str) -> dict[str, object]:
    p = subprocess.run(
        [sys.executable, "-c", WATCH, *args],
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=HANG_GUARD_SECONDS,
        check=False,
    )
    assert p.returncode == 0, p.stderr
    result: dict[str, object] = __import__("json").loads(p.stdout)
    return result


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


@pytest.fixture
def hostile(folder: Path, outside: Path) -> Path:
    """A folder of cases that point outside in every way a case file can."""
    good = Path(__file__).resolve().parents[1] / "cases" / "examples"
    for f in good.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    (folder / "s.txt").symlink_to(outside / "secret.txt")
    (folder / "sub").symlink_to(outside, target_is_directory=True)
    (folder / "link.yaml").symlink_to(outside / "case.yaml")
    secret = str(outside / "secret.txt")
    for name, source in [
        ("via_link.yaml", "s.txt"),
        ("via_dir.yaml", "sub/secret.txt"),
        ("via_dotdot.yaml", "../outside/secret.txt"),
        ("via_absolute.yaml", secret),
        ("via_proc.yaml", "/proc/self/environ"),
    ]:
        (folder / name).write_text(case_text(source, "月租金X"), encoding="utf-8")
    # The same in a JSON case file (the YAML text's data, read through the JSON reader).
    data = yaml.safe_load(case_text("../outside/secret.txt", "月租金X"))
    (folder / "via_json.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (folder / "out").mkdir()
    return folder


@pytest.mark.parametrize(
    "args",
    [
        ("audit", "."),
        ("audit", ".", "--format", "md", "-o", "out/r.md"),
        ("calc", "via_link.yaml", "via_dir.yaml", "via_dotdot.yaml", "via_absolute.yaml"),
        ("calc", "link.yaml", "--format", "json"),
        ("calc", "via_json.json", "via_link.yaml", "--format", "json"),
        ("explain", "hall-rent.yaml", "--format", "md", "-o", "out/e.md"),
    ],
    ids=" ".join,
)
def test_a_case_never_reaches_outside_its_folder(hostile: Path, args: tuple[str, ...]) -> None:
    r = _watched(hostile, *args)
    assert r["code"] in (0, 1, 2)
    assert SECRET not in str(r["out"]) + str(r["err"])
    roots = _allowed_roots()
    here = str(hostile.resolve())
    out_dir = str((hostile / "out").resolve())
    writes = os.O_WRONLY | os.O_RDWR | os.O_CREAT
    assert r["events"], "the audit hook saw nothing: the check would be blind"
    for name, path, flags in r["events"]:  # type: ignore[attr-defined]
        if path is None:
            continue
        full = os.path.normpath(os.path.join(here, path))
        if name != "open" or flags & writes:
            listing = name in ("os.scandir", "os.listdir")
            if listing and any(_inside(os.path.realpath(full), x) for x in [here, *roots]):
                continue
            assert _inside(full, out_dir), f"{name} {path}"
            continue
        if _inside(full, here):
            # Inside the folder: no symlink followed (O_NOFOLLOW, or not a link at all).
            nofollow = flags & os.O_NOFOLLOW
            assert nofollow or not os.path.islink(full), f"followed the link {path}"
        else:
            assert any(_inside(os.path.realpath(full), root) for root in roots), f"read {path}"


def test_a_file_of_many_errors_prints_a_bounded_report(folder: Path) -> None:
    # ~50,000 lines of two unknown fields each, within the 2 MB limit: ~100,000 problems.
    head = "case: c\ntitle: t\nlines:\n"
    row = "- {{id: a{i}, label: x, formular: y, z: 1}}\n"
    rows, size = [head], len(head)
    while size < MAX_CASE_BYTES - 100:
        rows.append(row.format(i=len(rows)))
        size += len(rows[-1])
    (folder / "many.yaml").write_text("".join(rows[:-1]), encoding="utf-8")
    p = cesuan_child("calc", "many.yaml", cwd=folder)
    _refused(p, "个问题未列出")
    assert len(p.stdout + p.stderr) < 50_000  # 100 problems of ~150 characters, not 40 MB


@pytest.mark.parametrize("openat", [True, False], ids=["openat", "lstat-then-open"])
def test_both_ways_of_opening_refuse_links(
    folder: Path, outside: Path, monkeypatch: pytest.MonkeyPatch, openat: bool
) -> None:
    # Windows has no openat: the fallback checks each component first (same refusals).
    import cesuan.files

    monkeypatch.setattr(cesuan.files, "_OPENAT", openat)
    (folder / "s.txt").symlink_to(outside / "secret.txt")
    (folder / "sub").symlink_to(outside, target_is_directory=True)
    (folder / "real").mkdir()
    (folder / "real" / "t.txt").write_text("原文", encoding="utf-8")
    for rel in ("s.txt", "sub/secret.txt"):
        with pytest.raises(CesuanError) as info:
            read_bounded(folder, Path(rel), limit=MAX_SOURCE_BYTES)
        assert info.value.kind == "unsafe_path"
    assert read_bounded(folder, Path("real/t.txt"), limit=100) == "原文".encode()
    with pytest.raises(CesuanError) as info:
        read_bounded(folder, Path("real/none.txt"), limit=100)
    assert info.value.kind == "file_not_found"
