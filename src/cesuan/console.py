"""What a console can show: output text fitted to a narrow encoding (GBK on Chinese Windows).

What it does: returns the text unchanged when the encoding can carry it; otherwise, in text and
Markdown, puts a stand-in for each character the encoding lacks (the minus sign U+2212 → '-',
anything else → '?'), and in JSON writes it as a \\uXXXX escape, which every JSON reader turns
back into the same character, so the data never changes (docs/cli.md#编码中文-windows).
What it must not do: print, or touch anything written to a file (files are always UTF-8).

>>> fit("差额：−0.11 万元", "gbk")
'差额：-0.11 万元'
>>> fit('{"x": "−1"}', "gbk", json=True)
'{"x": "\\\\u22121"}'
"""

from __future__ import annotations

import codecs

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
