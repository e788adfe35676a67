"""Reconciliation: compare what the engine computed with what the form states.

What it does: for every line with a stated amount, rounds the exact computed value half-up to the
number of places the form wrote (502.1604 → 4, 746 → 0) and compares. A discrepancy is reported
once, where it arises: a line that uses other lines is checked over their *stated* amounts, so a
wrong sub-item does not make every total above it a finding; the effect on totals is reported
separately as a `consequence`. Expressions the form writes are checked as written. Stated amounts
with no calculation are `unverifiable`; stated amounts and inputs with no quote are `quote_missing`.
What it must not do: tolerate any difference larger than half a unit of the form's last written
digit, or print anything (cesuan.report renders findings).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal, cast

from cesuan import exact
from cesuan.errors import CesuanError
from cesuan.evaluation import LineResult, Result
from cesuan.expr.ast import BinOp, is_sum_of_names, substitute
from cesuan.findings import (
    KIND_ZH,
    READING_ZH,
    SEVERITY,
    Audit,
    Check,
    Finding,
    Kind,
    Reading,
    Status,
)
from cesuan.provenance import qtext
from cesuan.quantity import Quantity
from cesuan.units import Unit, parse_unit

__all__ = ["KIND_ZH", "SEVERITY", "Audit", "Check", "Finding", "Kind", "audit_result"]

# (Audit, Check, Finding and the table of kinds live in cesuan.findings; imported from here too.)


_ONE = parse_unit("")  # a bare number: qtext writes no unit


def _in(value: exact.Num, frm: Unit, to: Unit) -> exact.Num:
    return frm.convert(value, to)


def compare(value: exact.Num, stated: Quantity, places: int) -> Status:
    """match / rounded_match / mismatch of an exact value (in the stated unit) at `places`."""
    if exact.to_fraction(value) == exact.to_fraction(stated.magnitude):
        return "match"
    if exact.round_half_up(value, places) == stated.magnitude:
        return "rounded_match"
    return "mismatch"


# Places a value that does not terminate is shown with when nothing says how precise it is
# (the same default as cesuan.display.show).
DEFAULT_PLACES = 6


# How an amount is written: as it is (""), in percent ("%": 0.5203 → 52.03%), or in
# percentage points ("百分点": the difference of two percentages, 0.0007 → 0.07 个百分点).
Pct = Literal["", "%", "百分点"]


def percent_line(p: Any) -> bool:
    """Whether a planned line's amounts are written in percent: a dimensionless line whose
    stated amount the form writes with % (85.37%)."""
    return bool(p.unit.dimensionless and p.line.stated is not None and "%" in p.line.stated.value)


def amount(x: exact.Num, u: Unit, places: int | None, pct: Pct = "") -> tuple[str, str | None]:
    """An amount as written in every output, and its exact fraction when it has no finite
    decimal: (exact decimal text, None), or (text rounded half-up to `places` — the stated
    amount's, else DEFAULT_PLACES —, 'p/q'). Never a raw fraction in the first. `places`
    counts in `u`; with `pct` the value (a ratio) is written in percent or percentage points,
    two places fewer, and the exact fraction stays the ratio.

    >>> from fractions import Fraction
    >>> from cesuan.units import parse_unit
    >>> amount(Fraction(1, 4), parse_unit("元"), 2), amount(Fraction(64, 123), parse_unit(""), 4)
    (('0.25 元', None), ('0.5203', '64/123'))
    >>> amount(Fraction(64, 123), parse_unit(""), 4, "%"), amount(Fraction(7, 10000), parse_unit(""), 4, "百分点")
    (('52.03%', '64/123'), ('0.07 个百分点', None))
    """
    p = DEFAULT_PLACES if places is None else places
    ex = None if exact.is_terminating(x) else exact.format_exact(x)
    if pct:
        v = _hundred(x)
        n = exact.format_exact(v if ex is None else exact.round_half_up(v, max(0, p - 2)))
        return (n + "%" if pct == "%" else f"{n} 个百分点"), ex
    if ex is None:
        return qtext(x, u), None
    return qtext(exact.round_half_up(x, p), u), ex


def _hundred(x: exact.Num) -> exact.Num:
    """x × 100, exactly (a Decimal by moving its point: 0.853 → 85.3, never 85.300)."""
    return exact.scale10(x, 2) if isinstance(x, Decimal) else exact.mul(x, Decimal(100))


def _q(x: exact.Num, u: Unit, places: int | None = None, pct: Pct = "") -> str:
    """An amount for a message: rounded with 约 in front where it does not terminate."""
    text, ex = amount(x, u, places, pct)
    return text if ex is None else "约" + text


def _written(stated: Quantity, places: int | None, pct: bool = False) -> str:
    """A stated amount as the form writes it, trailing zeros kept (28.40 stays 28.40; 85.30%
    as 85.30%, not 0.8530)."""
    if pct:
        v = _hundred(stated.magnitude)
        return exact.format_exact(v, places=None if places is None else max(0, places - 2)) + "%"
    if places is None:
        return str(stated)
    n = exact.format_exact(stated.magnitude, places=places)
    return f"{n} {stated.unit.text}" if stated.unit.terms else n


def _amounts(
    computed: exact.Num, stated: Quantity, places: int | None, pct: bool = False
) -> dict[str, Any]:
    """stated, computed, difference (computed − stated) and unit: exact decimal text, or
    rounded to the stated places with the exact fraction in computed_exact/difference_exact
    (in `unit`; for a percentage the ratio, the difference then in percentage points)."""
    c, c_exact = amount(computed, stated.unit, places, "%" if pct else "")
    diff = exact.sub(computed, stated.magnitude)
    d, d_exact = amount(diff, stated.unit, places, "百分点" if pct else "")
    return {
        "stated": _written(stated, places, pct),
        "computed": c,
        "computed_exact": c_exact,
        "difference": d,
        "difference_exact": d_exact,
        "unit": stated.unit.text,
    }


class _Auditor:
    def __init__(self, result: Result) -> None:
        self.result = result
        self.case = result.case
        self.findings: list[Finding] = []
        self.checks: list[Check] = []
        # Lines whose computed value is not exactly their stated amount (a mismatch, or a
        # match only after rounding): the causes a consequence further up is traced back to.
        self.wrong: set[str] = set()
        # Lines whose stated amount is not their computed value, even after rounding.
        self.mismatched: set[str] = set()
        self.affected: dict[str, tuple[str, ...]] = {}  # line → root causes upstream

    def add(self, kind: str, r: LineResult, message: str, **kw: Any) -> None:
        ln = r.planned.line
        self.findings.append(
            Finding(
                Kind[kind.upper()],
                self.case.case,
                ln.id,
                ln.label,
                message,
                file=self.case.file,
                note=ln.note,
                **kw,
            )
        )

    def substituted(self, r: LineResult, reading: Reading | None) -> str | None:
        """The formula with the values of one reading put in (the parts' stated amounts, their
        shown values, or their exact values)."""
        p = r.planned
        if p.formula is None:
            return None
        values = {k: str(q).replace(" ", "") for k, q in p.inputs.items()}
        for ref, v, _ in r.used:
            part = self.result[ref]
            if reading == "exact":
                v = part.exact
            elif reading == "over_shown":
                v = part.shown
            pct: Pct = "%" if percent_line(part.planned) else ""
            values[ref] = _q(v, part.unit, None, pct).replace(" ", "")
        return substitute(p.formula.tree, values)

    def causes(self, r: LineResult) -> tuple[str, ...]:
        """The wrong lines upstream of r (its parts that do not match exactly, and theirs)."""
        found = {
            c
            for ref in r.planned.refs
            for c in ((ref,) if ref in self.wrong else ()) + self.affected.get(ref, ())
        }
        if found:
            self.affected[r.id] = tuple(sorted(found))
        return tuple(sorted(found))

    def line(self, r: LineResult) -> None:
        p = r.planned
        ln = p.line
        for w, v, src in zip(p.written, r.written, ln.written, strict=True):
            self.written(r, w, v, "%" in src.result and w.result.unit.dimensionless)
        causes = self.causes(r)
        if p.stated is None:
            shown = amount(r.shown, p.unit, None)[0]
            self.checks.append(Check(ln.id, ln.label, "not_stated", None, shown))
            return
        stated = p.stated
        written = _written(stated, p.stated_places, percent_line(p))
        quotes = ln.stated.quote if ln.stated else ()
        if not quotes:
            self.add("quote_missing", r, "申报数没有注明原文出处（quote）", stated=written)
        if p.how == "stated":
            self.checks.append(Check(ln.id, ln.label, "unverifiable", written, None))
            self.add(
                "unverifiable",
                r,
                "申报表只写了金额，没有测算过程",
                stated=written,
                unit=stated.unit.text,
                quotes=quotes,
            )
            return
        self.reconcile(r, stated, causes, quotes)

    def reconcile(
        self, r: LineResult, stated: Quantity, causes: tuple[str, ...], quotes: tuple[str, ...]
    ) -> None:
        """Compare the line's readings with its stated amount. The computed readings (from the
        exact or the shown values of its parts) count unless a part is itself a mismatch: then
        the form's own parts must add up to its total, and only the over-stated reading counts."""
        p, places = r.planned, r.planned.stated_places or 0
        pct = percent_line(p)
        c: Pct = "%" if pct else ""
        computed = [("exact", r.shown)]
        if r.over_shown is not None and r.over_shown != r.shown:
            computed.append(("over_shown", r.over_shown))
        computed_in = [(k, p.unit.convert(v, stated.unit)) for k, v in computed]
        full_reading, full, full_status = _best_of(computed_in, stated, places)
        candidates = computed_in
        if r.over_stated is not None:
            over = p.unit.convert(r.over_stated, stated.unit)
            part_wrong = any(ref in self.mismatched for ref in p.refs)
            candidates = [("over_stated", over), *([] if part_wrong else computed_in)]
        reading, checked, status = _best_of(candidates, stated, places)
        shown_reading: Reading | None = reading if p.refs else None
        slack = self.rounding_slack(r, stated) if status == "mismatch" else None
        if slack is not None and r.over_stated is not None:
            over = p.unit.convert(r.over_stated, stated.unit)
            gap = abs(exact.to_fraction(exact.sub(over, stated.magnitude)))
            if gap <= slack:
                self.rounding_difference(r, stated, places, quotes, over, slack)
                return
        self.checks.append(
            Check(
                p.id,
                p.line.label,
                status,
                _written(stated, places, pct),
                amount(checked, stated.unit, places, c)[0],
                shown_reading,
            )
        )
        if status != "match":
            self.wrong.add(p.id)
        if full_status == "mismatch":
            self.mismatched.add(p.id)
        if r.over_stated_error is not None:
            self.not_computable(r, r.over_stated_error, quotes)
        common = {"formula": p.formula.text if p.formula else None, "quotes": quotes}
        if status == "mismatch":
            what = READING_ZH[reading] if p.refs else "按测算依据计算"
            also = ""
            if reading != full_reading and full != checked:
                also = (
                    f"（分项按测算结果计则为 {_q(full, stated.unit, places, c)}）"
                    if full_status == "mismatch"
                    else "（各分项按测算结果计则与申报数相符，差异在分项的申报数）"
                )
            self.add(
                "sum_mismatch" if _adds_parts(p) else "mismatch",
                r,
                f"{what}为 {_q(checked, stated.unit, places, c)}，申报 {_written(stated, places, pct)}{also}",
                **_amounts(checked, stated, places, pct),
                substituted=self.substituted(r, reading),
                reading=shown_reading,
                **common,
            )
        elif full_status == "mismatch" and causes:
            self.add(
                "consequence",
                r,
                # Only the over-stated reading can match here (the computed ones do not).
                f"本行按分项申报数核对相符；若分项按测算结果计，则为 "
                f"{_q(full, stated.unit, places, c)}（申报 {_written(stated, places, pct)}）",
                **_amounts(full, stated, places, pct),
                substituted=self.substituted(r, full_reading),
                caused_by=causes,
                reading=full_reading,
                **common,
            )

    def rounding_slack(self, r: LineResult, stated: Quantity) -> Fraction | None:
        """For a total that adds up stated parts: the most their rounding can explain, half a
        unit of each rounded part's last written place (n parts at p places: n × ½·10^-p), in
        the total's stated unit; None for any other line."""
        p = r.planned
        if not _adds_parts(p) or p.stated_places is None:
            return None
        # A part written with fewer places than its total is taken as exact to the total's
        # places: forms drop trailing zeros (30万元 beside a total of 89.97万元).
        own = Fraction(1, 2 * 10**p.stated_places)
        # Only a part whose exact value is unknown can explain a difference: one stated with
        # no calculation (it may have been rounded). A part computed here has a known exact
        # value, which the exact reading of the total already used: if that reading does
        # not match either, the total is wrong, not rounded (parts of 0.0003 万元 shown as
        # 0 do not explain a total of 1 万元). A part itself wrong explains nothing.
        status = {c.line_id: c.status for c in self.checks}
        slack = Fraction(0)
        for ref in p.refs:
            part = self.result[ref].planned
            if part.stated is None or part.stated_places is None:
                return None
            if status.get(ref) != "unverifiable":
                continue
            half = Fraction(1, 2 * 10**part.stated_places)
            slack += min(own, exact.to_fraction(part.stated.unit.convert(half, stated.unit)))
        return slack

    def rounding_difference(
        self,
        r: LineResult,
        stated: Quantity,
        places: int,
        quotes: tuple[str, ...],
        over: exact.Num,
        slack: Fraction,
    ) -> None:
        """A total off from its stated parts by no more than their rounding: a warning of its
        own; the line counts as matching after rounding (its parts were rounded, not wrong)."""
        p = r.planned
        pct = percent_line(p)
        c: Pct = "%" if pct else ""
        self.checks.append(
            Check(
                p.id,
                p.line.label,
                "rounded_match",
                _written(stated, places, pct),
                amount(over, stated.unit, places, c)[0],
                "over_stated",
            )
        )
        self.wrong.add(p.id)
        n = len(p.refs)
        self.add(
            "rounding_difference",
            r,
            f"{READING_ZH['over_stated']}为 {_q(over, stated.unit, places, c)}，申报 {_written(stated, places, pct)}；"
            f"差额不超过 {n} 个分项各自四舍五入可能造成的 "
            f"{_q(exact.from_fraction(slack), stated.unit, places + 2, '百分点' if pct else '')}，系尾差",
            **_amounts(over, stated, places, pct),
            formula=p.formula.text if p.formula else None,
            substituted=self.substituted(r, "over_stated"),
            reading="over_stated",
            quotes=quotes,
        )

    def not_computable(self, r: LineResult, e: CesuanError, quotes: tuple[str, ...]) -> None:
        """The over-stated reading failed (a stated part of 0 as a divisor): a finding on
        this line; the computed readings still reconcile it."""
        self.add(
            "not_computable",
            r,
            f"按各分项申报数无法计算：{e.message}" + (f"（{e.hint}）" if e.hint else ""),
            formula=r.planned.formula.text if r.planned.formula else None,
            substituted=self.substituted(r, "over_stated"),
            quotes=quotes,
            reading="over_stated",
        )

    def written(self, r: LineResult, w: Any, v: exact.Num, pct: bool = False) -> None:
        value = _in(v, w.unit, w.result.unit)
        status = compare(value, w.result, w.places)
        if status == "mismatch":
            # Not a cause for the totals above: the line's value comes from its declared
            # formula, so a wrong expression on the form does not propagate.
            self.add(
                "written_expression",
                r,
                f"表上算式 {w.expr} 按原样计算得 {_q(value, w.result.unit, w.places, '%' if pct else '')}，"
                f"表上写 {_written(w.result, w.places, pct)}",
                **_amounts(value, w.result, w.places, pct),
                formula=w.expr,
                substituted=f"{w.expr} = {_q(value, _ONE, w.places)}",
                quotes=w.quotes,
            )

    def inputs(self, r: LineResult) -> None:
        for k, spec in r.planned.line.inputs.items():
            if spec.ref is None and not spec.quote and not spec.source:
                self.add(
                    "quote_missing",
                    r,
                    f"输入 {k} = {spec.value} 没有原文出处或依据",
                    computed=spec.value,
                )


_RANK = {"match": 0, "rounded_match": 1, "mismatch": 2}


def _best_of(
    readings: list[tuple[str, exact.Num]], stated: Quantity, places: int
) -> tuple[Reading, exact.Num, Status]:
    """The first of the readings with the best status (match, then rounded_match)."""
    best: tuple[Reading, exact.Num, Status] | None = None
    for name, value in readings:
        status = compare(value, stated, places)
        if best is None or _RANK[status] < _RANK[best[2]]:
            best = (cast(Reading, name), value, status)
    assert best is not None
    return best


def _adds_parts(p: Any) -> bool:
    """Whether a line's formula only adds two or more named parts (a 合计 of 分项)."""
    return (
        p.formula is not None
        and isinstance(p.formula.tree, BinOp)
        and is_sum_of_names(p.formula.tree)
    )


def audit_result(result: Result) -> Audit:
    """Reconcile an evaluated case. Findings are sorted most serious first, then in line order."""
    a = _Auditor(result)
    for r in result.lines:
        a.line(r)
        a.inputs(r)
    order = {ln.id: i for i, ln in enumerate(result.case.lines)}
    findings = sorted(a.findings, key=lambda f: (f.kind.rank, order[f.line_id]))
    checks = sorted(a.checks, key=lambda c: order[c.line_id])
    return Audit(result, tuple(findings), tuple(checks))
