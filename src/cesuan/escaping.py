"""One escaping function for every piece of case text that leaves cesuan (issue 13).

What it does: `escape(text, to)` makes text that a case file controls (labels, quotes, ids,
unknown key names, file names, the source excerpt of a hint) safe for where it goes:
- "terminal": characters that are not printable (ESC, CR, BEL, NEL, U+2028, bidi overrides such
  as U+202E, zero-width characters, NBSP, U+3000 …) are shown as `\\x1b`, `\\u202e`, so a case
  cannot move the cursor, retitle a window or reorder what an auditor reads. Line breaks and tabs
  become spaces (layout) unless `exact=True`, where they are shown too (`\\r`, `\\t`): that is how
  a hint shows an invisible difference.
- "markdown": the terminal escaping, then every character Markdown (CommonMark and GFM) gives a
  meaning to is backslash-escaped: emphasis, strikethrough (`~~`), links and autolinks (`:`,
  `www.`, `@`), HTML and entities (`<`, `&`), table cells (`|`), headings, math (`$`).
- "html": the terminal escaping, then `& < > " '` as entities.
- "json": for a whole JSON document as `json.dumps(ensure_ascii=False)` wrote it: each character
  that is not printable is written as a `\\uXXXX` escape (surrogate pairs above U+FFFF), so the
  document decodes to exactly the same data but carries no raw bidi or line-separator character.
What it must not do: import anything from cesuan (cesuan.errors uses it), change printable text
in a terminal, or change the data a JSON document decodes to.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["escape", "is_unsafe"]

Target = Literal["terminal", "markdown", "html", "json"]

# ASCII punctuation that Markdown (CommonMark + GFM tables, strikethrough, autolinks, math) may
# read as markup. CommonMark lets any ASCII punctuation be backslash-escaped, so escaping more
# than needed is harmless; '.', ',', '-', '%', '/', '(', ')', '+', '=' stay readable ('-' and '+'
# only start lists at the start of a line, and case text never starts a line in our reports).
_MARKDOWN = set("\\`*_[]<>|#~&!:@$^{}\"'")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}
_LAYOUT = {"\n": " ", "\r": " ", "\t": " "}


def is_unsafe(c: str) -> bool:
    """Whether a character must not reach a terminal or a JSON document raw: controls (Cc),
    format characters such as bidi overrides (Cf), line and paragraph separators (Zl, Zp),
    spaces other than ' ' (Zs), surrogates, private use and unassigned code points."""
    return not c.isprintable() and c != " "


def _shown(c: str) -> str:
    return c.encode("unicode_escape").decode("ascii")


def _json_escape(c: str) -> str:
    o = ord(c)
    if o > 0xFFFF:
        o -= 0x10000
        return f"\\u{0xD800 + (o >> 10):04x}\\u{0xDC00 + (o & 0x3FF):04x}"
    return f"\\u{o:04x}"


def escape(text: object, to: Target = "terminal", *, exact: bool = False) -> str:
    """Case-controlled text made safe for `to` (see the module docstring).

    >>> escape("租金\\x1b]0;pwned\\x07\\u202e")
    '租金\\\\x1b]0;pwned\\\\x07\\\\u202e'
    >>> escape("a\\r\\nb"), escape("a\\r\\nb", exact=True)
    ('a  b', 'a\\\\r\\\\nb')
    >>> escape("~~删除~~ www.x.cn <b>", "markdown")
    '\\\\~\\\\~删除\\\\~\\\\~ www\\\\.x.cn \\\\<b\\\\>'
    >>> escape('{"q": "\\u202e"}', "json")
    '{"q": "\\\\u202e"}'
    """
    s = "" if text is None else str(text)
    if to == "json":
        # Only raw characters are touched: json.dumps already escaped '"', '\\' and C0 controls
        # inside strings, so a raw newline is the document's own indentation.
        if s.replace("\n", "").isprintable():  # the common case, at C speed
            return s
        return "".join(_json_escape(c) if c != "\n" and is_unsafe(c) else c for c in s)
    if not s.isprintable():
        if not exact:
            s = "".join(_LAYOUT.get(c, c) for c in s)
        s = "".join(_shown(c) if is_unsafe(c) else c for c in s)
    if to == "markdown":
        s = "".join("\\" + c if c in _MARKDOWN else c for c in s)
        return s.replace("www.", "www\\.")
    if to == "html":
        return "".join(_HTML.get(c, c) for c in s)
    return s
