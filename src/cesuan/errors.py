"""The one error family of cesuan: every rejection is a `CesuanError` of a documented kind.

What it does: defines the closed set of error kinds, the structured error (kind, where, the
offending text, a Chinese message and hint) and the group that collects every problem of one load.
What it must not do: import anything from the rest of cesuan but the two modules that import
nothing (cesuan.escaping, cesuan.limits), or format anything but the error itself. Messages are
Chinese because finance staff read them; fields are English for tools.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from enum import StrEnum

from cesuan.escaping import escape
from cesuan.limits import MAX_REPORTED_ERRORS

__all__ = ["CesuanError", "CesuanErrors", "ErrorKind"]


class ErrorKind(StrEnum):
    """The closed set of error kinds (docs/security.md lists each with its test)."""

    ENCODING = "encoding"
    YAML_SYNTAX = "yaml_syntax"
    JSON_SYNTAX = "json_syntax"
    FORBIDDEN_TAG = "forbidden_tag"
    ALIAS = "alias"
    DUPLICATE_KEY = "duplicate_key"
    UNTYPED_SCALAR = "untyped_scalar"
    SIZE_LIMIT = "size_limit"
    SCHEMA = "schema"
    FORMULA_SYNTAX = "formula_syntax"
    QUANTITY_SYNTAX = "quantity_syntax"
    FORBIDDEN_CONSTRUCT = "forbidden_construct"
    NESTING = "nesting"
    MAGNITUDE = "magnitude"
    NON_FINITE = "non_finite"
    DIVISION_BY_ZERO = "division_by_zero"
    NON_TERMINATING = "non_terminating"
    DIMENSION_MISMATCH = "dimension_mismatch"
    UNKNOWN_UNIT = "unknown_unit"
    AMBIGUOUS_UNIT = "ambiguous_unit"
    UNKNOWN_NAME = "unknown_name"
    UNKNOWN_FUNCTION = "unknown_function"
    UNKNOWN_RULE = "unknown_rule"
    RULE_BINDING = "rule_binding"
    CYCLE = "cycle"
    DUPLICATE_ID = "duplicate_id"
    INVALID_ID = "invalid_id"
    EMPTY_CASE = "empty_case"
    CONFUSABLE_CHARACTER = "confusable_character"
    QUOTE_NOT_IN_SOURCE = "quote_not_in_source"
    SOURCE_MISSING = "source_missing"
    FILE_NOT_FOUND = "file_not_found"
    UNSAFE_PATH = "unsafe_path"  # symlink, not a regular file, NUL or control character in a path
    UNKNOWN_STANDARD = "unknown_standard"
    STANDARD_NOT_IN_FORCE = "standard_not_in_force"
    CONVERSION = "conversion"  # a case's declared conversion: mixed kinds, contradicting, unused
    SIGN = "sign"  # a negative value nothing declares may be negative (or a positive deduction)


class CesuanError(ValueError):
    """One problem, with where it is and what to do about it.

    It is a `ValueError` so that callers who only know the builtins still catch it.

    >>> e = CesuanError(ErrorKind.UNKNOWN_NAME, "未知变量 'aera'", hint="是否为 'area'？",
    ...                 text="aera * rate", column=0)
    >>> print(e)
    未知变量 'aera'
      aera * rate
      ^
    提示：是否为 'area'？
    """

    def __init__(
        self,
        kind: ErrorKind,
        message: str,
        *,
        hint: str | None = None,
        text: str | None = None,
        column: int | None = None,
        file: str | None = None,
        line: int | None = None,
        line_id: str | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.hint = hint
        self.text = text
        self.column = column
        self.file = file
        self.line = line  # 1-based line in the file (YAML/JSON), when known
        self.line_id = line_id  # the case line's id, e.g. "hall.rent"
        self.field = field  # path inside the case, e.g. "lines[hall.rent].inputs.area"

    def __reduce__(self) -> tuple[object, ...]:
        # BaseException pickles as cls(*args); ours takes (kind, message), the rest is state.
        return (type(self), (self.kind, self.message), self.__dict__)

    def located(
        self,
        *,
        file: str | None = None,
        line: int | None = None,
        line_id: str | None = None,
        field: str | None = None,
    ) -> CesuanError:
        """Fill in location fields that are still unknown (inner layers know less than outer)."""
        self.file = self.file or file
        self.line = self.line or line
        self.line_id = self.line_id or line_id
        self.field = self.field or field
        return self

    def where(self) -> str:
        """The location as one Chinese phrase: 文件 a.yaml 第3行，明细 hall.rent，字段 …"""
        parts = []
        if self.file:
            parts.append(f"文件 {self.file}" + (f" 第{self.line}行" if self.line else ""))
        if self.line_id:
            parts.append(f"明细 {self.line_id}")
        if self.field:
            parts.append(f"字段 {self.field}")
        return "，".join(parts)

    def to_dict(self) -> dict[str, object]:
        """Plain data for JSON output; keys are stable."""
        return {
            "kind": str(self.kind),
            "message": self.message,
            "hint": self.hint,
            "text": self.text,
            "column": self.column,
            "file": self.file,
            "line": self.line,
            "line_id": self.line_id,
            "field": self.field,
        }

    def __str__(self) -> str:
        where = self.where()
        out = [f"{where}：{self.message}" if where else self.message]
        if self.text is not None:
            out.append(f"  {self.text}")
            if self.column is not None:
                # East Asian wide characters take two terminal cells; an escaped character
                # (\x1b) takes as many as its escape.
                shown = escape(self.text[: self.column], exact=True)
                pad = sum(2 if _wide(c) else 1 for c in shown)
                out.append("  " + " " * pad + "^")
        if self.hint:
            out.append(f"提示：{self.hint}")
        # Ids, key names, file names and excerpts in any part come from the case (issue 13).
        return "\n".join(escape(part, exact=True) for part in out)


class CesuanErrors(ExceptionGroup[CesuanError], CesuanError):  # type: ignore[override]
    """Every problem found in one load, reported together rather than one per run.

    An `ExceptionGroup` (so `except* CesuanError` sees each problem) that is also a
    `CesuanError` (so `except CesuanError` catches the whole group); `.errors` lists them.
    """

    omitted: int  # problems found beyond MAX_REPORTED_ERRORS, counted but not kept

    def __new__(
        cls, errors: Iterable[CesuanError], *, file: str | None = None, omitted: int = 0
    ) -> CesuanErrors:
        every = list(errors)
        # A hostile file can hold ~200,000 problems: keep the first ones and count the rest.
        kept = every[:MAX_REPORTED_ERRORS]
        group = super().__new__(cls, f"共 {len(every) + omitted} 个问题", kept)
        group.omitted = omitted + len(every) - len(kept)  # problems found but not kept
        return group

    def __init__(
        self, errors: Iterable[CesuanError], *, file: str | None = None, omitted: int = 0
    ) -> None:
        # (`errors` may have been an iterator that __new__ consumed: read the group's own.)
        self.errors: list[CesuanError] = [e for e in self.exceptions if isinstance(e, CesuanError)]
        first = self.errors[0]
        files = {e.file for e in self.errors}
        shared = first.file if len(files) == 1 else None  # problems of several files: no one name
        # CesuanError's fields, set here: `message` is ExceptionGroup's own (read-only), and
        # its __init__ takes (message, exceptions). `omitted` was counted by __new__.
        super().__init__(self.message, self.errors)
        self.kind = first.kind
        self.hint = self.text = self.line_id = self.field = None
        self.column = self.line = None
        self.file = file or shared

    def derive(self, excs: Sequence[CesuanError]) -> CesuanErrors:  # type: ignore[override]
        """The group of a subset (what `except*` and `split` build)."""
        return CesuanErrors(excs, file=self.file)

    def __reduce__(self) -> tuple[object, ...]:
        return (_regroup, (self.errors, self.__dict__))

    def __iter__(self) -> Iterator[CesuanError]:
        return iter(self.errors)

    def __len__(self) -> int:
        return len(self.errors)

    def __str__(self) -> str:
        head = escape(f"{self.file}：" if self.file else "", exact=True)
        body = "\n\n".join(f"[{i}] {e}" for i, e in enumerate(self.errors, 1))
        more = f"\n\n另有 {self.omitted} 个问题未列出（只列出前 {len(self.errors)} 个）"
        return f"{head}{self.message}\n\n{body}" + (more if self.omitted else "")


def _regroup(errors: list[CesuanError], state: dict[str, object]) -> CesuanErrors:
    """Unpickle a CesuanErrors: the group of the same errors, with the same fields."""
    group = CesuanErrors(errors)
    group.__dict__.update(state)
    return group


def nearest_line(marks: dict[str, int], path: str) -> int | None:
    """The file line of a path like `lines[2].inputs.area`, or of its nearest parent that has
    one (`marks` maps paths to 1-based lines, as the YAML reader records them)."""
    while path:
        if path in marks:
            return marks[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return None


def suggest(word: str, known: Iterable[str]) -> str | None:
    """The nearest of `known` to a mistyped `word`, for '是否为 …？' hints, or None.

    The one suggestion helper (difflib's ratio, one cutoff), so every hint is found the same way.

    >>> suggest("aera", ["area", "rate"])
    'area'
    """
    import difflib

    close = difflib.get_close_matches(word, sorted(known), n=1, cutoff=SUGGEST_CUTOFF)
    return close[0] if close else None


# How alike (difflib's ratio) a known name must be to be suggested.
SUGGEST_CUTOFF = 0.6


def raise_all(errors: list[CesuanError], *, file: str | None = None, omitted: int = 0) -> None:
    """Raise nothing, the one error, or all of them grouped (`omitted`: found, not built)."""
    if len(errors) == 1 and not omitted:
        raise errors[0]
    if errors:
        raise CesuanErrors(errors, file=file, omitted=omitted)


def _wide(c: str) -> bool:
    import unicodedata

    return unicodedata.east_asian_width(c) in ("W", "F")
