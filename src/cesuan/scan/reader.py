"""Reading a form's text: UTF-8 or GB18030 text, .docx (python-docx), .xlsx (openpyxl).

What it does: returns one `Document` whose text the recognisers read and whose quotes a drafted
case is checked against. Text files are decoded as UTF-8, else as GB18030 (reported in the
document's notes); a .docx gives its paragraphs and its tables, one row per line with cells
separated by tabs; an .xlsx gives each sheet's rows the same way, numbers as the shortest decimal
text of the stored value. Size is checked before reading anything.
What it must not do: read any other format, follow links or macros, evaluate spreadsheet formulas
(cached values only), or hand a float to the recognisers.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from cesuan.errors import CesuanError, ErrorKind
from cesuan.scan.items import Document
from cesuan.scan.patterns import patterns

__all__ = ["read_document", "read_text"]

_TEXT_SUFFIXES = (".txt", ".text", ".md", "")


def read_document(path: str | Path) -> Document:
    """Read a form file into a Document, or raise a CesuanError in Chinese."""
    p = Path(path)
    if not p.is_file():
        raise CesuanError(ErrorKind.FILE_NOT_FOUND, f"找不到文件 {p}", file=str(p))
    max_bytes = patterns().max_chars * 4
    if p.stat().st_size > max_bytes:
        raise CesuanError(
            ErrorKind.SIZE_LIMIT,
            f"文件超过 {max_bytes // 1_000_000} MB，不予读取",
            file=str(p),
            hint="把申报表拆成几个文件分别扫描",
        )
    suffix = p.suffix.lower()
    if suffix == ".docx":
        return _docx(p)
    if suffix == ".xlsx":
        return _xlsx(p)
    if suffix in _TEXT_SUFFIXES:
        return read_text(p.read_bytes(), str(p))
    raise CesuanError(
        ErrorKind.ENCODING,
        f"不支持的文件格式 '{p.suffix}'",
        file=str(p),
        hint="可扫描 .txt（UTF-8 或 GB18030）、.docx、.xlsx；.doc/.xls/.pdf 请先另存为这几种格式",
    )


def read_text(data: bytes, name: str = "<文本>") -> Document:
    """Decode text: UTF-8 (with or without BOM), else GB18030, which is then reported.

    >>> read_text("大厅租金".encode("gb18030"), "表.txt").notes
    ('按 GB18030 编码读取（不是 UTF-8）',)
    """
    _check_size(len(data), name)
    try:
        text = data.decode("utf-8-sig")
        encoding = "utf-8"
        notes_t: tuple[str, ...] = ()
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as e:
            raise CesuanError(
                ErrorKind.ENCODING,
                f"文件既不是 UTF-8 也不是 GB18030 编码（第 {e.start} 字节）",
                file=name,
                hint="请另存为 UTF-8 文本",
            ) from None
        encoding, notes_t = "gb18030", ("按 GB18030 编码读取（不是 UTF-8）",)
    if len(text) > patterns().max_chars:
        raise CesuanError(
            ErrorKind.SIZE_LIMIT, f"文本超过 {patterns().max_chars} 个字符", file=name
        )
    if "\x00" in text:
        raise CesuanError(
            ErrorKind.ENCODING, "文件含有 NUL 字符，不是文本文件", file=name, hint="请另存为文本"
        )
    return Document.of(name, text.replace("\r\n", "\n").replace("\r", "\n"), encoding, notes_t)


def _check_size(n: int, name: str) -> None:
    if n > patterns().max_chars * 4:
        raise CesuanError(ErrorKind.SIZE_LIMIT, f"文本超过上限（{n} 字节）", file=name)


def _cells_line(cells: list[str]) -> str:
    # A cell's own line breaks and tabs would break the row apart: they become spaces.
    return "\t".join(" ".join(c.replace("\t", " ").split()) for c in cells)


def _docx(p: Path) -> Document:
    docx = _optional("docx", "python-docx", p)
    try:
        d = docx.Document(str(p))
    except Exception as e:  # a damaged or disguised file: say so, never a traceback
        raise CesuanError(
            ErrorKind.ENCODING, f"无法读取 Word 文件：{type(e).__name__}", file=str(p)
        ) from None
    lines: list[str] = []
    for child in d.element.body.iterchildren():  # paragraphs and tables in document order
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(docx.text.paragraph.Paragraph(child, d).text)
        elif tag == "tbl":
            lines.append("")
            lines += [_row_line(row) for row in docx.table.Table(child, d).rows]
            lines.append("")
    text = "\n".join(lines)
    _check_chars(text, p)
    return Document.of(
        str(p),
        text,
        "docx",
        (
            f"Word 文件：{len(d.paragraphs)} 段，{len(d.tables)} 个表格；表格每行一行，单元格以制表符分隔",
        ),
    )


def _row_line(row: Any) -> str:
    """A Word table row as one line. A merged cell is listed once per grid column it spans;
    only its first column keeps the text, so that it is not added twice."""
    cells, seen = [], set()
    for c in row.cells:
        cells.append("" if id(c._tc) in seen else c.text)
        seen.add(id(c._tc))
    return _cells_line(cells)


def _xlsx(p: Path) -> Document:
    openpyxl = _optional("openpyxl", "openpyxl", p)
    try:
        wb = openpyxl.load_workbook(str(p), read_only=True, data_only=True)
    except Exception as e:
        raise CesuanError(
            ErrorKind.ENCODING, f"无法读取 Excel 文件：{type(e).__name__}", file=str(p)
        ) from None
    lines: list[str] = []
    for ws in wb.worksheets:
        lines.append(f"工作表 {ws.title}")
        for row in ws.iter_rows(values_only=True):
            lines.append(_cells_line([_cell_text(v) for v in row]))
            if len(lines) > patterns().max_chars // 4:
                raise CesuanError(ErrorKind.SIZE_LIMIT, "表格行数过多", file=str(p))
        lines.append("")
    wb.close()
    text = "\n".join(lines)
    _check_chars(text, p)
    return Document.of(
        str(p),
        text,
        "xlsx",
        ("Excel 文件：读取单元格的缓存值（不计算公式）；数值按其最短十进制写法读入",),
    )


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        # The shortest decimal text that round-trips is what the spreadsheet shows: 0.1, not
        # 0.1000000000000000055511151231257827; it goes on as text, never as a float.
        return format(Decimal(repr(v)).normalize(), "f")
    if isinstance(v, datetime | date):
        return v.isoformat()
    return str(v)


def _check_chars(text: str, p: Path) -> None:
    if len(text) > patterns().max_chars:
        raise CesuanError(
            ErrorKind.SIZE_LIMIT, f"文本超过 {patterns().max_chars} 个字符", file=str(p)
        )


def _optional(module: str, package: str, p: Path):  # type: ignore[no-untyped-def]
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise CesuanError(
            ErrorKind.FILE_NOT_FOUND,
            f"读取 {p.suffix} 文件需要 {package}，但没有安装",
            file=str(p),
            hint='pip install "cesuan[office]"',
        ) from None
