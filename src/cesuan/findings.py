"""What an audit produces: the table of finding kinds, findings, per-line checks, the audit.

What it does: defines `Kind` — the one table of finding kinds, each with its rank (most serious
first), severity and Chinese title — and the plain, picklable records an audit is made of:
`Finding` (one thing an auditor should look at, amounts as exact decimal text), `Check` (how
one line's stated amount compares, and from which reading of the line), and `Audit`.
What it must not do: reconcile (cesuan.reconcile does) or print (cesuan.report does).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from cesuan.evaluation import Result

__all__ = [
    "KIND_ZH",
    "READING_ZH",
    "SEVERITY",
    "STATUSES",
    "Audit",
    "Check",
    "Finding",
    "Kind",
    "Reading",
    "Status",
]

Status = Literal[
    "match", "rounded_match", "mismatch", "unverifiable", "not_stated", "within_bound", "undecided"
]
# Every status, in the order summaries count them. within_bound: the computed amount satisfies
# the stated bound (符合上限/下限), or the stated amount lies in the computed interval;
# undecided: part of a computed interval is inside a stated bound, part outside.
STATUSES: tuple[Status, ...] = (
    "match",
    "rounded_match",
    "mismatch",
    "unverifiable",
    "not_stated",
    "within_bound",
    "undecided",
)


class Kind(StrEnum):
    """The one table of finding kinds: value, rank (most serious first), severity, Chinese
    title. "error" findings make `cesuan audit` exit 1."""

    rank: int
    severity: str
    title_zh: str

    def __new__(cls, value: str, rank: int, severity: str, title_zh: str) -> Kind:
        kind = str.__new__(cls, value)
        kind._value_ = value
        kind.rank, kind.severity, kind.title_zh = rank, severity, title_zh
        return kind

    def __repr__(self) -> str:
        # Shown as the plain string it equals ('mismatch'), as Finding.kind always was.
        return repr(self.value)

    WRITTEN_EXPRESSION = ("written_expression", 0, "error", "表上算式不成立")
    MISMATCH = ("mismatch", 1, "error", "计算结果与申报数不符")
    SUM_MISMATCH = ("sum_mismatch", 2, "error", "分项之和与合计不符")
    CONSEQUENCE = ("consequence", 3, "warning", "受上游差异影响")
    # A total off from its stated parts by no more than their rounding explains (n parts
    # each written to p places: n × ½·10^-p): the form's cells were rounded, not wrong.
    ROUNDING_DIFFERENCE = ("rounding_difference", 4, "warning", "尾差（分项四舍五入所致）")
    NOT_COMPUTABLE = ("not_computable", 5, "warning", "按分项申报数无法计算")
    UNVERIFIABLE = ("unverifiable", 6, "info", "申报数无测算过程")
    QUOTE_MISSING = ("quote_missing", 7, "info", "缺少原文出处")
    # Bounds (cesuan.boundcheck): ranked with the other errors of a line's own arithmetic.
    OVER_CEILING = ("over_ceiling", 1, "error", "超过上限")
    UNDER_FLOOR = ("under_floor", 1, "error", "低于下限")
    OUT_OF_RANGE = ("out_of_range", 1, "error", "申报数不在计算区间内")
    BOUND_UNDECIDED = ("bound_undecided", 5, "warning", "无法确定是否在界内")


# Views of the table, by kind value, for callers that index by the string.
SEVERITY: dict[str, tuple[int, str]] = {k.value: (k.rank, k.severity) for k in Kind}
KIND_ZH: dict[str, str] = {k.value: k.title_zh for k in Kind}

# Which reading of a line its stated amount was reconciled with (cesuan.evaluation.LineResult).
Reading = Literal["exact", "over_shown", "over_stated"]
READING_ZH: dict[str, str] = {
    "exact": "按各分项测算结果（精确值）计算",
    "over_shown": "按各分项取整后的数计算",
    "over_stated": "按各分项申报数计算",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing an auditor should look at. Amounts are exact decimal strings with units."""

    kind: Kind
    case: str
    line_id: str
    label: str
    message: str
    stated: str | None = None
    computed: str | None = None
    difference: str | None = None
    # The exact p/q where computed/difference do not terminate (those are then rounded to
    # the stated places); None where they are exact.
    computed_exact: str | None = None
    difference_exact: str | None = None
    unit: str | None = None
    formula: str | None = None
    substituted: str | None = None
    quotes: tuple[str, ...] = ()
    note: str | None = None
    caused_by: tuple[str, ...] = ()
    file: str | None = None
    reading: Reading | None = None  # which reading of the line was compared

    @property
    def severity(self) -> str:
        return self.kind.severity

    def sort_key(self) -> tuple[int, str]:
        return self.kind.rank, self.case

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": str(self.kind),
            "reading": self.reading,
            "severity": self.severity,
            "case": self.case,
            "file": self.file,
            "line_id": self.line_id,
            "label": self.label,
            "message": self.message,
            "stated": self.stated,
            "computed": self.computed,
            "difference": self.difference,
            "computed_exact": self.computed_exact,
            "difference_exact": self.difference_exact,
            "unit": self.unit,
            "formula": self.formula,
            "substituted": self.substituted,
            "quotes": list(self.quotes),
            "note": self.note,
            "caused_by": list(self.caused_by),
        }


@dataclass(frozen=True, slots=True)
class Check:
    """How one line's stated amount compares (for the per-case summary)."""

    line_id: str
    label: str
    status: Status
    stated: str | None
    computed: str | None
    reading: Reading | None = None


@dataclass(frozen=True, slots=True)
class Audit:
    """The audit of one case: every finding, and the status of every line."""

    result: Result
    findings: tuple[Finding, ...]
    checks: tuple[Check, ...] = field(default=())

    @property
    def case(self) -> str:
        return self.result.case.case

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    def summary(self) -> dict[str, int]:
        out: dict[str, int] = dict.fromkeys(STATUSES, 0)
        for c in self.checks:
            out[c.status] += 1
        # Of the rounded matches, the totals off only by the rounding of their parts (尾差):
        # counted on their own so that a summary tells them from exact-value roundings.
        out["rounding_difference"] = sum(f.kind == "rounding_difference" for f in self.findings)
        return out

    def to_dict(self) -> dict[str, Any]:
        case = self.result.case
        return {
            "case": case.case,
            "title": case.title,
            "agency": case.agency,
            "file": case.file,
            "summary": self.summary(),
            "lines": [
                {
                    "line_id": c.line_id,
                    "label": c.label,
                    "status": c.status,
                    "stated": c.stated,
                    "computed": c.computed,
                    "reading": c.reading,
                }
                for c in self.checks
            ],
        }
