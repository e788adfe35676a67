"""Untrusted bytes → plain data (dicts, lists, strings) with the line of every value.

What it does: checks size and encoding, then reads YAML through PyYAML's *composer* only (a node
tree with line/column marks) and builds dicts, lists and strings itself; reads JSON with numbers
kept as their text. Every scalar stays text: `502.1604` is the string "502.1604", so no number
ever passes through float; which scalars were unquoted numbers is recorded on request. The
events come from libyaml's parser where PyYAML has it, else from the pure-Python one; the
composition, checks, marks and errors are the same code either way. Characters YAML would read
as line breaks but editors do not show as such (NEL, U+2028, U+2029) are refused first.
What it must not do: construct Python objects from tags (there is no constructor here at all),
follow aliases (refused: they are how alias bombs work), accept duplicate keys, or guess an
encoding and read mojibake as data.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from cesuan.charset import describe_char
from cesuan.errors import CesuanError, ErrorKind
from cesuan.limits import MAX_CASE_BYTES, MAX_STRING_CHARS, MAX_YAML_DEPTH

__all__ = ["Marks", "decode", "read_json", "read_yaml"]

# path ("lines[2].inputs.area") → 1-based line in the file
Marks = dict[str, int]

# Plain-scalar spellings YAML 1.1 would turn into special values; we refuse them where a value
# is expected so that `.nan`, `.inf` never reach a number (they are never numbers here).
_TAGS_OK = (None, "!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
_TAG_OF = {
    ScalarNode: "tag:yaml.org,2002:str",
    SequenceNode: "tag:yaml.org,2002:seq",
    MappingNode: "tag:yaml.org,2002:map",
}
# YAML's printable set (what PyYAML's Reader allows) minus NEL, U+2028 and U+2029.
_FORBIDDEN = re.compile(
    "[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
# A number as a form writes it, with nothing else: what an unquoted `area: 8369.34` holds.
_NUMBER = re.compile(r"[+-]?(\d[\d_,]*)?\.?\d+([eE][+-]?\d+)?\Z")


def decode(data: bytes, *, file: str | None = None, limit: int = MAX_CASE_BYTES) -> str:
    """UTF-8 (with or without BOM) → str; anything else is an `encoding` error with advice."""
    if len(data) > limit:
        raise CesuanError(
            ErrorKind.SIZE_LIMIT, f"文件大小 {len(data)} 字节，超过上限 {limit} 字节", file=file
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CesuanError(
            ErrorKind.ENCODING,
            "文件是 UTF-16 编码",
            file=file,
            hint="请另存为 UTF-8 编码（记事本：另存为 → 编码选 UTF-8）",
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        at = data.index(b"\x00")
        raise CesuanError(
            ErrorKind.ENCODING,
            f"文件中有 NUL 字节（第 {at} 字节），不是文本文件",
            file=file,
            hint="可能是 UTF-16 或二进制文件；请另存为 UTF-8 文本",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        guess = ""
        try:
            data.decode("gb18030")
            guess = "看起来是 GBK/GB18030 编码"
        except UnicodeDecodeError:
            guess = "不是 UTF-8 编码"
        line = data[: e.start].count(b"\n") + 1
        raise CesuanError(
            ErrorKind.ENCODING,
            f"文件{guess}（第 {line} 行，第 {e.start} 字节 0x{data[e.start]:02X}）",
            file=file,
            line=line,
            # Windows has no iconv (issue 12): name what works there first.
            hint="请另存为 UTF-8 编码：记事本“另存为”时编码选 UTF-8；或在 PowerShell 中 "
            "Get-Content -Encoding Default 旧文件 | Set-Content -Encoding UTF8 新文件",
        ) from None


class _Checks(Composer):
    """Composition with aliases, anchors, tags and deep nesting refused, for either parser."""

    _where: list[Any]  # per node being composed: its key, its index, or None (root, keys)

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        # Tags are checked on the events above and never used afterwards: skip PyYAML's regex
        # guessing of implicit types (a third of the time on a large case).
        return _TAG_OF.get(kind, "")

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        event = self.peek_event()  # type: ignore[attr-defined]
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, AliasEvent):
            raise CesuanError(
                ErrorKind.ALIAS,
                f"不支持 YAML 别名 '*{event.anchor}'",
                line=line,
                hint="把内容直接写出来；别名可以让很小的文件展开成巨大的数据",
            )
        if isinstance(event, ScalarEvent | CollectionStartEvent):
            if event.anchor is not None:
                raise CesuanError(
                    ErrorKind.ALIAS,
                    f"不支持 YAML 锚点 '&{event.anchor}'",
                    line=line,
                    hint="把内容直接写出来",
                )
            if event.tag not in _TAGS_OK:
                raise CesuanError(
                    ErrorKind.FORBIDDEN_TAG,
                    f"不允许的 YAML 标签 '{event.tag}'",
                    line=line,
                    hint="案例文件只能包含普通的映射、列表和文本",
                )
        where = self._where
        where.append(index.value if isinstance(index, ScalarNode) else index)
        try:
            if len(where) > MAX_YAML_DEPTH + 1:
                raise CesuanError(
                    ErrorKind.NESTING,
                    f"YAML 嵌套超过 {MAX_YAML_DEPTH} 层",
                    line=line,
                    field=_field(where) or None,
                )
            node = super().compose_node(parent, index)
        finally:
            where.pop()
        assert node is not None  # only the document root can be empty, and it never gets here
        return node


def _field(where: list[Any]) -> str:
    """The path of the node being composed, as marks name it (`lines[0].inputs.area`)."""
    out = ""
    for part in where:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str):
            out = _join(out, part)
    return out


class _PyComposer(_Checks, Reader, Scanner, Parser, Resolver):
    """The pure-Python reader, scanner and parser; composition only (no constructor)."""

    def __init__(self, text: str) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        Resolver.__init__(self)
        self._where = []


_CComposer: Any = None
if getattr(yaml, "__with_libyaml__", False):  # pragma: no branch - libyaml is in CI's wheel
    from yaml._yaml import CParser

    class _CComposer(_Checks, CParser, Resolver):  # type: ignore[no-redef]
        """libyaml's scanner and parser (C, ~5x faster on a 2 MB case) feeding the same Python
        composition and checks: the same events, marks, aliases refused, and no constructor.
        CParser's own C composer is never used: `get_single_node` comes from Composer."""

        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            Composer.__init__(self)
            Resolver.__init__(self)
            self._where = []


def _check_characters(text: str, file: str | None) -> None:
    """Refuse characters YAML forbids, and the ones it reads as line breaks that editors do not
    show as such (NEL, U+2028, U+2029): after a `#` they would end the comment and start a key
    nobody sees (issue 13). Done before either parser, so both report the same place."""
    m = _FORBIDDEN.search(text)
    if m is None:
        return
    c = m.group()
    line = text.count("\n", 0, m.start()) + 1
    start = text.rfind("\n", 0, m.start()) + 1
    end = text.find("\n", m.start())
    breaks = c in "\x85\u2028\u2029"
    raise CesuanError(
        ErrorKind.YAML_SYNTAX,
        f"第 {line} 行有{'会被 YAML 当作换行的' if breaks else 'YAML 不允许的'}字符 "
        f"{describe_char(c)}",
        text=text[start : end if end >= 0 else len(text)][:200],
        column=m.start() - start if m.start() - start < 200 else None,
        file=file,
        line=line,
        hint="这个字符在编辑器里看不见或显示为空白，请删除"
        + ("；它会在注释中间另起一行，让后面的文字成为数据" if breaks else ""),
    )


def read_yaml(
    text: str, *, file: str | None = None, fast: bool = True, bare: set[str] | None = None
) -> tuple[Any, Marks]:
    """YAML text → (data, marks). Scalars are always strings.

    `fast`: use libyaml's parser when PyYAML has it (same events, marks and errors).
    `bare`: if given, receives the paths of unquoted scalars that are bare numbers
    (`area: 8369.34`), so the loader can tell them from deliberately quoted text.
    """
    _check_characters(text, file)
    make = _CComposer if fast and _CComposer is not None else _PyComposer
    try:
        # The reader checks characters as soon as it is built: that can fail too.
        loader = make(text)
    except yaml.YAMLError as e:
        raise _syntax_error(e, file) from None
    try:
        node = loader.get_single_node()
    except CesuanError as e:
        raise e.located(file=file) from None
    except yaml.YAMLError as e:
        if make is _CComposer:
            # libyaml words and places some syntax errors differently: the pure-Python parser
            # reads the (bounded) text again, so that every error is the same on both paths.
            return read_yaml(text, file=file, fast=False, bare=bare)
        raise _syntax_error(e, file) from None
    finally:
        loader.dispose()
    marks: Marks = {}
    if node is None:
        return None, marks
    return _build(node, "", marks, 0, file, bare), marks


def _syntax_error(e: yaml.YAMLError, file: str | None) -> CesuanError:
    if isinstance(e, yaml.MarkedYAMLError):
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        return CesuanError(
            ErrorKind.YAML_SYNTAX,
            f"YAML 格式错误：{_problem_zh(str(e.problem or e))}",
            file=file,
            line=line,
            hint="检查缩进、冒号后的空格和引号是否成对",
        )
    return CesuanError(ErrorKind.YAML_SYNTAX, f"YAML 格式错误：{e}", file=file)


# PyYAML's most common complaints, in the words a finance officer can act on.
_PROBLEMS = {
    "mapping values are not allowed here": "这里不能出现 ': '（值里有冒号时请给整个值加引号）",
    "could not find expected ':'": "缺少 ':'（键和值之间要有冒号和空格）",
    "expected <block end>, but found": "缩进不一致（同一层的键要对齐）",
    "found character '\\t' that cannot start any token": "不能用 Tab 缩进，请用空格",
    "found unexpected end of stream": "引号或括号没有成对",
    "found unknown escape character": "双引号里有未知的转义字符（\\ 要写成 \\\\）",
    "expected ',' or ']', but got": "方括号列表没有正确结束",
    "expected ',' or '}', but got": "花括号映射没有正确结束",
}


def _problem_zh(problem: str) -> str:
    for en, zh in _PROBLEMS.items():
        if problem.startswith(en):
            return zh
    return f"格式不对（{problem}）"


def _build(
    node: Node, path: str, marks: Marks, depth: int, file: str | None, bare: set[str] | None
) -> Any:
    line = node.start_mark.line + 1
    marks[path] = line
    if depth > MAX_YAML_DEPTH:
        raise CesuanError(
            ErrorKind.NESTING,
            f"嵌套超过 {MAX_YAML_DEPTH} 层",
            file=file,
            line=line,
            field=path or None,
        )
    if isinstance(node, ScalarNode):
        value = node.value
        if len(value) > MAX_STRING_CHARS:
            raise CesuanError(
                ErrorKind.SIZE_LIMIT,
                f"文本超过 {MAX_STRING_CHARS} 个字符",
                file=file,
                line=line,
                field=path or None,
            )
        plain = not node.style  # None from PyYAML's parser, "" from libyaml's
        if plain and value in ("~", "null", "Null", "NULL", ""):
            return None
        if bare is not None and plain and _NUMBER.match(value):
            bare.add(path)
        return value
    if isinstance(node, SequenceNode):
        return [
            _build(n, f"{path}[{i}]", marks, depth + 1, file, bare)
            for i, n in enumerate(node.value)
        ]
    assert isinstance(node, MappingNode)
    out: dict[str, Any] = {}
    for knode, vnode in node.value:
        if not isinstance(knode, ScalarNode):
            raise CesuanError(
                ErrorKind.SCHEMA,
                "映射的键必须是文本",
                file=file,
                line=knode.start_mark.line + 1,
                field=path or None,
            )
        key = knode.value
        if key in out:
            raise CesuanError(
                ErrorKind.DUPLICATE_KEY,
                f"键 '{key}' 重复",
                file=file,
                line=knode.start_mark.line + 1,
                field=_join(path, key),
                hint=f"第 {marks.get(_join(path, key))} 行已有同名的键，删除或合并其一",
            )
        out[key] = _build(vnode, _join(path, key), marks, depth + 1, file, bare)
    return out


def _join(path: str, key: str) -> str:
    # An empty key is written '""', so it has a path (and a line) of its own (issue 13).
    key = key or '""'
    return f"{path}.{key}" if path else key


class _Bare(str):
    """A JSON number's text, marked until `_unmark` records where it was and drops the mark."""


def read_json(
    text: str, *, file: str | None = None, bare: set[str] | None = None
) -> tuple[Any, Marks]:
    """JSON text → (data, {}). Numbers keep their text; NaN/Infinity and duplicates refused.

    `bare`: if given, receives the paths of JSON numbers (`"area": 8369.34`), as for YAML.
    """

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in items:
            if k in out:
                line = _json_line(text, key=k)
                raise CesuanError(
                    ErrorKind.DUPLICATE_KEY,
                    f"键 '{k}' 重复",
                    file=file,
                    line=line,
                    hint="同一个对象中已有同名的键（JSON 读取时后者会悄悄覆盖前者），删除或合并其一",
                )
            out[k] = v
        return out

    def constant(name: str) -> Any:
        raise CesuanError(
            ErrorKind.NON_FINITE,
            f"JSON 中的 {name} 不是有限的数",
            file=file,
            line=_json_line(text, key=None),
        )

    if not text.strip():  # an empty document, as YAML reads it: "no case" at line 1
        return None, {}
    try:
        data = json.loads(
            text,
            parse_float=_Bare,
            parse_int=_Bare,
            parse_constant=constant,
            object_pairs_hook=pairs,
        )
    except json.JSONDecodeError as e:
        raise CesuanError(
            ErrorKind.JSON_SYNTAX,
            f"JSON 格式错误：{e.msg}",
            file=file,
            line=e.lineno,
            column=e.colno - 1,
        ) from None
    except RecursionError:
        raise _json_too_deep(text, file, None) from None
    data, deep = _unmark(data, "", bare if bare is not None else set())
    if deep is not None:
        raise _json_too_deep(text, file, deep)
    return data, {}


_JSON_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _json_too_deep(text: str, file: str | None, field: str | None) -> CesuanError:
    """The nesting limit for JSON, as for YAML (issue 13): the file line where the first
    container deeper than MAX_YAML_DEPTH opens, found by counting brackets outside strings."""
    depth, line = 0, None
    for m in _JSON_BRACKETS.finditer(text):
        tok = m.group()
        if tok in "[{":
            depth += 1
            if depth > MAX_YAML_DEPTH:
                line = text.count("\n", 0, m.start()) + 1
                break
        elif tok in "]}":
            depth -= 1
    return CesuanError(
        ErrorKind.NESTING,
        f"JSON 嵌套超过 {MAX_YAML_DEPTH} 层",
        file=file,
        line=line,
        field=field or None,
        hint="案例文件只需几层嵌套：case → lines → 明细 → inputs → 输入",
    )


_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[{}:]|-?Infinity|NaN')


def _json_line(text: str, *, key: str | None) -> int | None:
    """The line of the first repeated `key` within one object, or (key None) of the first
    NaN/Infinity outside a string. Only run once the decoder has refused the text: the JSON
    decoder's hooks are not told where they are."""
    keys: list[set[str]] = []
    last, at = "", 0
    for m in _JSON_TOKENS.finditer(text):
        tok = m.group()
        if tok == "{":
            keys.append(set())
        elif tok == "}" and keys:
            keys.pop()
        elif tok == ":" and last.startswith('"') and keys and key is not None:
            k = json.loads(last)
            if k == key and k in keys[-1]:
                return text.count("\n", 0, at) + 1
            keys[-1].add(k)
        elif not tok.startswith(('"', "{", "}", ":")) and key is None:
            return text.count("\n", 0, m.start()) + 1
        last, at = tok, m.start()
    return None


def _unmark(v: Any, path: str, bare: set[str]) -> tuple[Any, str | None]:
    """Plain strings again, with the paths of the numbers recorded; and the path of the first
    container nested deeper than MAX_YAML_DEPTH, if any (iterative, so depth costs no stack)."""
    root = [v]
    stack: list[tuple[Any, Any, str, int]] = [(root, 0, path, 1)]
    while stack:
        parent, key, where, depth = stack.pop()
        x = parent[key]
        if isinstance(x, _Bare):
            bare.add(where)
            parent[key] = str.__str__(x)
        elif isinstance(x, dict | list) and depth > MAX_YAML_DEPTH:
            return root[0], where
        elif isinstance(x, dict):
            stack += [(x, k, _join(where, k), depth + 1) for k in x]
        elif isinstance(x, list):
            stack += [(x, i, f"{where}[{i}]", depth + 1) for i in range(len(x))]
    return root[0], None
