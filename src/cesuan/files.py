"""Opening untrusted files and walking untrusted directories without being led astray (issue 13).

What it does: `read_bounded` reads one regular file whose path lies below a folder, through
`openat` one component at a time with `O_NOFOLLOW`, so no symlink anywhere in that path is
followed (without openat, on Windows: each component checked with lstat for links and
junctions first); it refuses FIFOs, devices, sockets and directories after `fstat` (opened with
`O_NONBLOCK`, so a FIFO cannot hang the open), checks the size from `fstat` before reading and
reads at most `limit + 1` bytes (a file that grows, or a sparse 3 GiB file, costs no more).
`walk_cases` lists the case files below directories with an explicit stack (no recursion, a
depth and entry limit), never descending into a symlinked directory; links and special files
with a case suffix are listed so that loading them gives a located error for each.
What it must not do: follow a symlink, read more than the limit, block, or raise anything but
`CesuanError`.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from cesuan.errors import CesuanError, ErrorKind
from cesuan.escaping import is_unsafe
from cesuan.limits import MAX_DIR_DEPTH, MAX_DIR_ENTRIES

__all__ = ["CASE_SUFFIXES", "check_path_text", "read_bounded", "walk_cases"]

CASE_SUFFIXES = (".yaml", ".yml", ".json")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation
_FLAGS = os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC | _BINARY
_OPENAT = os.open in os.supports_dir_fd and _NOFOLLOW != 0
_REPARSE = getattr(stat, "FILE_ATTRIBUTE_REPARSE_POINT", 0x400)


def check_path_text(text: str, *, file: str | None = None, field: str | None = None) -> None:
    """Refuse a path with NUL, control or invisible characters before any system call sees it."""
    bad = next((c for c in text if is_unsafe(c)), None)
    if bad is not None:
        raise CesuanError(
            ErrorKind.UNSAFE_PATH,
            f"路径中有不允许的字符 U+{ord(bad):04X}",
            text=text,
            column=text.index(bad),
            file=file,
            field=field,
            hint="文件名只用可见字符；NUL、换行、方向控制符等不能出现在路径中",
        )


def read_bounded(
    folder: Path, rel: Path, *, limit: int, what: str = "文件", field: str | None = None
) -> bytes:
    """The bytes of `folder / rel`, a regular file reached without following any symlink in
    `rel` (the folder itself is the caller's choice), refused above `limit` bytes.

    Raises:
        CesuanError: `file_not_found`, `unsafe_path` (symlink, not a regular file, invalid
            character) or `size_limit`, with `file` set to the path.
    """
    shown = str(folder / rel)
    check_path_text(shown, file=shown, field=field)
    fd = -1
    try:
        fd = _open_below(folder, rel.parts) if _OPENAT else _open_checked(folder, rel.parts)
        return _read_open(fd, shown, limit, what, field)
    except OSError as e:
        raise _os_error(e, shown, what, field) from None
    finally:
        if fd >= 0:
            os.close(fd)


def _open_below(folder: Path, parts: tuple[str, ...]) -> int:
    """openat() one component at a time, each with O_NOFOLLOW: no window for a swap."""
    fd = os.open(folder, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    try:
        for part in parts[:-1]:
            nxt = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, dir_fd=fd)
            os.close(fd)
            fd = nxt
        return os.open(parts[-1], _FLAGS, dir_fd=fd)
    finally:
        os.close(fd)


def _open_checked(folder: Path, parts: tuple[str, ...]) -> int:
    """Where there is no openat (Windows): lstat each component below the folder and refuse
    links and reparse points (junctions), then open by path. A component swapped between the
    check and the open is not caught here (docs/security.md says so)."""
    here = folder
    for part in parts:
        here = here / part
        st = os.lstat(here)
        reparse = getattr(st, "st_file_attributes", 0) & _REPARSE
        if stat.S_ISLNK(st.st_mode) or reparse:
            raise OSError(errno.ELOOP, "symlink", str(here))
    return os.open(here, _FLAGS)


def _read_open(fd: int, shown: str, limit: int, what: str, field: str | None) -> bytes:
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        kind = "目录" if stat.S_ISDIR(st.st_mode) else "FIFO、设备或套接字"
        raise CesuanError(
            ErrorKind.UNSAFE_PATH,
            f"{what}不是普通文件（是{kind}）",
            file=shown,
            field=field,
            hint="cesuan audit 可以直接处理目录" if kind == "目录" else "只读取普通文件",
        )
    if st.st_size > limit:
        raise _too_big(st.st_size, limit, shown, field)
    os.set_blocking(fd, True)
    chunks, got = [], 0
    while got <= limit:  # read with a bound: a file that grows after fstat is cut off here
        chunk = os.read(fd, min(1 << 20, limit + 1 - got))
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    if got > limit:
        raise _too_big(got, limit, shown, field)
    return b"".join(chunks)


def _too_big(size: int, limit: int, shown: str, field: str | None) -> CesuanError:
    return CesuanError(
        ErrorKind.SIZE_LIMIT,
        f"文件大小 {size} 字节，超过上限 {limit} 字节",
        file=shown,
        field=field,
    )


def _os_error(e: OSError, shown: str, what: str, field: str | None) -> CesuanError:
    if e.errno == errno.ELOOP or (e.errno == errno.ENOTDIR and _is_link(shown)):
        return CesuanError(
            ErrorKind.UNSAFE_PATH,
            f"{what}路径中有符号链接，不予读取",
            file=shown,
            field=field,
            hint="把文件本身复制到案例目录中；符号链接可能指向案例目录以外的文件",
        )
    if e.errno in (errno.ENOENT, errno.ENOTDIR):
        return CesuanError(ErrorKind.FILE_NOT_FOUND, f"找不到{what}", file=shown, field=field)
    if e.errno in (errno.ENAMETOOLONG, errno.EINVAL):
        return CesuanError(ErrorKind.UNSAFE_PATH, f"{what}路径无效", file=shown, field=field)
    reason = "没有读取权限" if e.errno in (errno.EACCES, errno.EPERM) else e.strerror
    return CesuanError(
        ErrorKind.FILE_NOT_FOUND, f"无法读取{what}：{reason}", file=shown, field=field
    )


def _is_link(shown: str) -> bool:
    p = Path(shown)
    return any(q.is_symlink() for q in (p, *p.parents))


def walk_cases(paths: Iterable[str | Path]) -> tuple[list[Path], list[CesuanError]]:
    """Case files given or found below the given directories, sorted per argument, and the
    problems met while walking (too deep, too many entries, unreadable folder).

    Symlinks and special files with a case suffix, and symlinked directories, are listed
    unopened: loading them gives each its own `unsafe_path` error, and the rest of the batch
    is still read.
    """
    files: list[Path] = []
    errors: list[CesuanError] = []
    for raw in paths:
        p = Path(raw)
        try:
            check_path_text(str(raw))
        except CesuanError as e:
            errors.append(e)
            continue
        if p.is_dir():  # a folder named on the command line is the user's choice, even a link
            found, errs = _walk_one(p)
            files += sorted(found)
            errors += errs
        else:
            files.append(p)
    return files, errors


def _walk_one(root: Path) -> tuple[list[Path], list[CesuanError]]:
    found: list[Path] = []
    stack: list[tuple[Path, int]] = [(root, 0)]
    seen = 0
    while stack:
        folder, depth = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as e:
            return found, [_os_error(e, str(folder), "目录", None)]
        for entry in entries:
            seen += 1
            if seen > MAX_DIR_ENTRIES:
                return found, [_limit(root, f"目录中的条目超过 {MAX_DIR_ENTRIES} 个")]
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                if depth + 1 > MAX_DIR_DEPTH:
                    return found, [_limit(path, f"目录嵌套超过 {MAX_DIR_DEPTH} 层")]
                stack.append((path, depth + 1))
            elif path.suffix.lower() in CASE_SUFFIXES or (entry.is_symlink() and entry.is_dir()):
                found.append(path)
    return found, []


def _limit(where: Path, msg: str) -> CesuanError:
    return CesuanError(
        ErrorKind.SIZE_LIMIT,
        msg + "，未继续查找",
        file=str(where),
        hint="把案例文件放在较浅、较小的目录中，或逐个目录审核",
    )
