"""What a console can show: output text fitted to a narrow encoding (GBK on Chinese Windows).

What it does: returns the text unchanged when the encoding can carry it; otherwise, in text and
Markdown, puts a stand-in for each character the encoding lacks (the minus sign U+2212 → '-',
anything else → '?'), and in JSON writes it as a \\uXXXX escape, which every JSON reader turns
back into the same character, so the data never changes (docs/cli.md#编码中文-windows). And
`Progress`, the progress line of long batches on stderr (never stdout).
What it must not do: write to stdout, or touch anything written to a file (files are always
UTF-8).

>>> fit("差额：−0.11 万元", "gbk")
'差额：-0.11 万元'
>>> fit('{"x": "−1"}', "gbk", json=True)
'{"x": "\\\\u22121"}'
"""

from __future__ import annotations

import codecs
import sys
import time
from collections.abc import Callable
from typing import TextIO

__all__ = ["fit"]

# Characters the reports use that GBK lacks, and what stands in for them on screen.
_STAND_IN = {"\u2212": "-", "\u00a0": " ", "\u2009": " ", "\u2248": "约"}


def _text_stand_in(err: UnicodeError) -> tuple[str, int]:
    assert isinstance(err, UnicodeEncodeError)
    bad = err.object[err.start : err.end]
    return "".join(_STAND_IN.get(c, "?") for c in bad), err.end


def _json_escape(err: UnicodeError) -> tuple[str, int]:
    """A \\uXXXX escape per UTF-16 unit (a surrogate pair beyond the BMP), as JSON writes it."""
    assert isinstance(err, UnicodeEncodeError)
    out = []
    for c in err.object[err.start : err.end]:
        data = c.encode("utf-16-be")
        out += [f"\\u{int.from_bytes(data[i : i + 2], 'big'):04x}" for i in range(0, len(data), 2)]
    return "".join(out), err.end


codecs.register_error("cesuan-text", _text_stand_in)
codecs.register_error("cesuan-json", _json_escape)


def fit(text: str, encoding: str, *, json: bool = False) -> str:
    """`text` as `encoding` can carry it (an unknown encoding name leaves it unchanged)."""
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode(encoding, "cesuan-json" if json else "cesuan-text").decode(encoding)
    except LookupError:
        pass
    return text


class Progress:
    """Progress on stderr for long runs: a bar on a terminal after the first second, else a
    line every 10 s (so a piped run of thousands of files shows it is alive); nothing for
    short runs, and nothing with --quiet. stdout is never touched."""

    def __init__(
        self,
        total: int,
        *,
        quiet: bool,
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream or sys.stderr
        self.clock = clock
        self.total, self.n = total, 0
        self.on = not quiet and total > 1
        self.tty = self.stream.isatty()
        self.start = self.last = clock()
        self.shown = False

    def step(self) -> None:
        self.n += 1
        if not self.on:
            return
        now = self.clock()
        if self.tty and now - self.start >= 1 and now - self.last >= 0.1:
            filled = 30 * self.n // self.total
            bar = "#" * filled + "." * (30 - filled)
            self.stream.write(f"\r[{bar}] {self.n}/{self.total}")
        elif not self.tty and now - self.last >= 10:
            pct = 100 * self.n // self.total
            spent = now - self.start
            self.stream.write(
                f"进度：{self.n}/{self.total} 个文件（{pct}%），已用 {spent:.0f} 秒\n"
            )
        else:
            return
        self.stream.flush()
        self.last, self.shown = now, True

    def done(self) -> None:
        if self.shown:
            end = "\n" if self.tty else ""
            spent = self.clock() - self.start
            self.stream.write(f"{end}完成：{self.n} 个文件，用时 {spent:.1f} 秒\n")
