"""Untrusted bytes → plain data (dicts, lists, strings) with the line of every value.

What it does: checks size and encoding, then reads YAML through PyYAML's *composer* only (a node
tree with line/column marks) and builds dicts, lists and strings itself; reads JSON with numbers
kept as their text. Every scalar stays text: `502.1604` is the string "502.1604", so no number
ever passes through float.
What it must not do: construct Python objects from tags (there is no constructor here at all),
follow aliases (refused: they are how alias bombs work), accept duplicate keys, or guess an
encoding and read mojibake as data.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cesuan.errors import CesuanError, ErrorKind
from cesuan.limits import MAX_CASE_BYTES, MAX_STRING_CHARS, MAX_YAML_DEPTH

__all__ = ["Marks", "decode", "read_json", "read_yaml"]

# path ("lines[2].inputs.area") → 1-based line in the file
Marks = dict[str, int]

# Plain-scalar spellings YAML 1.1 would turn into special values; we refuse them where a value
# is expected so that `.nan`, `.inf` never reach a number (they are never numbers here).
_TAGS_OK = (None, "!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


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


class _Composer(yaml.SafeLoader):
    """SafeLoader used only up to composition, with aliases and anchors refused."""

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        event = self.peek_event()  # type: ignore[no-untyped-call]
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
        self._depth = getattr(self, "_depth", 0) + 1
        if self._depth > MAX_YAML_DEPTH + 1:
            raise CesuanError(ErrorKind.NESTING, f"YAML 嵌套超过 {MAX_YAML_DEPTH} 层", line=line)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        assert node is not None  # only the document root can be empty, and it never gets here
        return node


def read_yaml(text: str, *, file: str | None = None) -> tuple[Any, Marks]:
    """YAML text → (data, marks). Scalars are always strings."""
    try:
        # The reader checks characters as soon as it is built: that can fail too.
        loader = _Composer(text)
    except yaml.YAMLError as e:
        raise CesuanError(
            ErrorKind.YAML_SYNTAX,
            f"YAML 格式错误：{e}",
            file=file,
            hint="文件中有不可打印的控制字符；请删除它们后重试",
        ) from None
    try:
        node = loader.get_single_node()
    except CesuanError as e:
        raise e.located(file=file) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        raise CesuanError(
            ErrorKind.YAML_SYNTAX,
            f"YAML 格式错误：{_problem_zh(str(e.problem or e))}",
            file=file,
            line=line,
            hint="检查缩进、冒号后的空格和引号是否成对",
        ) from None
    except yaml.YAMLError as e:
        raise CesuanError(ErrorKind.YAML_SYNTAX, f"YAML 格式错误：{e}", file=file) from None
    finally:
        loader.dispose()
    marks: Marks = {}
    if node is None:
        return None, marks
    return _build(node, "", marks, 0, file), marks


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


def _build(node: Node, path: str, marks: Marks, depth: int, file: str | None) -> Any:
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
        if node.style is None and value in ("~", "null", "Null", "NULL", ""):
            return None
        return value
    if isinstance(node, SequenceNode):
        return [_build(n, f"{path}[{i}]", marks, depth + 1, file) for i, n in enumerate(node.value)]
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
        out[key] = _build(vnode, _join(path, key), marks, depth + 1, file)
    return out


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def read_json(text: str, *, file: str | None = None) -> tuple[Any, Marks]:
    """JSON text → (data, {}). Numbers keep their text; NaN/Infinity and duplicates refused."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in items:
            if k in out:
                raise CesuanError(ErrorKind.DUPLICATE_KEY, f"键 '{k}' 重复", file=file)
            out[k] = v
        return out

    def constant(name: str) -> Any:
        raise CesuanError(ErrorKind.NON_FINITE, f"JSON 中的 {name} 不是有限的数", file=file)

    try:
        return json.loads(
            text, parse_float=str, parse_int=str, parse_constant=constant, object_pairs_hook=pairs
        ), {}
    except json.JSONDecodeError as e:
        raise CesuanError(
            ErrorKind.JSON_SYNTAX,
            f"JSON 格式错误：{e.msg}",
            file=file,
            line=e.lineno,
            column=e.colno - 1,
        ) from None
    except RecursionError:
        raise CesuanError(ErrorKind.NESTING, "JSON 嵌套过深", file=file) from None
