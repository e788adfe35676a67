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

from dataclasses import replace
from fractions import Fraction
from typing import Any, cast

from cesuan import exact
from cesuan.boundcheck import difference, judge, message
from cesuan.errors import CesuanError
from cesuan.evaluation import LineResult, Result
from cesuan.expr.ast import BinOp, is_sum_of_names, substitute
from cesuan.expr.interval import Interval
from cesuan.figures import Pct, amount, percent_line
from cesuan.figures import amounts as _amounts
from cesuan.figures import q as _q
from cesuan.figures import written as _written
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
from cesuan.intervals import range_text
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
        self.zeros: list[LineResult] = []  # stated 0 with no calculation (zero cells)

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
        values |= {k: b.words for k, b in p.bounds}  # a bound as the form says it
        for ref, v, _ in r.used:
            part = self.result[ref]
            if part.interval is not None:
                own = part.planned.given_bound
                shown = own.words if own else range_text(part.interval, part.unit)
                values[ref] = shown.replace(" ", "")
                continue
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
            if r.interval is not None:
                shown = range_text(r.interval, p.unit)
            self.checks.append(Check(ln.id, ln.label, "not_stated", None, shown))
            return
        stated = p.stated
        written = _written(stated, p.stated_places, percent_line(p))
        if p.stated_bound is not None:
            written = p.stated_bound.zh()
        quotes = ln.stated.quote if ln.stated else ()
        if not quotes:
            self.add("quote_missing", r, "申报数没有注明原文出处（quote）", stated=written)
        if p.how == "stated":
            self.checks.append(Check(ln.id, ln.label, "unverifiable", written, None))
            if exact.to_fraction(stated.magnitude) == 0:
                self.zeros.append(r)  # a 0 cell: one grouped hint per case (zero_cells)
                return
            self.add(
                "unverifiable",
                r,
                "申报表只写了金额，没有测算过程",
                stated=written,
                unit=stated.unit.text,
                quotes=quotes,
            )
            self.places(r)
            return
        if r.interval is not None and self.point_over_stated(r):
            # Its ranges come only from parts that state an amount: over those it is one value.
            assert r.over_stated is not None
            r = replace(r, shown=r.over_stated, over_shown=None, interval=None)
        elif r.interval is not None or p.stated_bound is not None:
            self.bounded(r, stated, quotes)
            self.bounded_places(r)
            return
        self.reconcile(r, stated, causes, quotes)
        self.places(r)

    def point_over_stated(self, r: LineResult) -> bool:
        """Whether a line with a range is a single value over its parts' stated amounts: no
        bound of its own, and every part with a range states an amount (not a bound)."""
        p = r.planned
        if p.bounds or p.given_bound or p.stated_bound or r.over_stated is None:
            return False
        return all(
            (q := self.result[ref]).interval is None
            or (q.planned.stated is not None and q.planned.stated_bound is None)
            for ref in p.refs
        )

    def bounded_places(self, r: LineResult) -> None:
        """The further places of a line whose value is a range or whose first place is a
        bound: each place's amount against the same readings, on its own (`stated` a list)."""
        p = r.planned
        for j, ((q, places), also) in enumerate(
            zip(p.stated_also, p.line.stated_also, strict=True), 2
        ):
            if not also.quote:
                self.add(
                    "quote_missing", r, f"第{j}处申报数没有注明原文出处（quote）", stated=also.value
                )
            self.bounded(r, q, also.quote, place=(j, places))

    def bounded(
        self,
        r: LineResult,
        stated: Quantity,
        quotes: tuple[str, ...],
        place: tuple[int, int] | None = None,
    ) -> None:
        """A stated bound, or a line whose value is a range: containment, exactly
        (cesuan.boundcheck). Of the readings (the interval; or the value and, unless a part is
        itself a mismatch, the value over the parts' stated amounts), the best verdict counts.
        `place`: (j, places) of a further place the form prints the amount in (its own plain
        amount, never the first place's bound)."""
        p, unit = r.planned, stated.unit
        places = place[1] if place else p.stated_places or 0
        bound = None if place else p.stated_bound
        readings: list[tuple[Reading, Interval]] = []
        if r.interval is not None:
            readings.append(("exact", r.interval * Interval.point(p.unit.factor_to(unit))))
        else:
            values = [("exact", r.shown)]
            if r.over_stated is not None and not any(x in self.mismatched for x in p.refs):
                values.append(("over_stated", r.over_stated))
            for k, x in values:
                readings.append((cast(Reading, k), Interval.point(_frac(p.unit, x, unit))))
        s = exact.to_fraction(stated.magnitude)
        rank = {"within_bound": 0, "undecided": 1, "mismatch": 2}
        verdicts = [(k, iv, judge(iv, bound, s, unit, places)) for k, iv in readings]
        reading, iv, v = min(verdicts, key=lambda x: rank[x[2].status])
        written = bound.zh() if bound else _written(stated, places)
        shown = range_text(iv, unit, places)
        at = reading if p.refs else None
        self.checks.append(Check(p.id, p.line.label, v.status, written, shown, at))
        if v.kind is None:
            return
        self.wrong.add(p.id)
        if v.status == "mismatch":
            self.mismatched.add(p.id)
        where = f"第{place[0]}处申报数：" if place else ""
        self.add(
            v.kind.value,
            r,
            where + message(v, written, shown, unit, places),
            stated=bound.text if bound else written,
            computed=shown,
            difference=difference(v, unit, places),
            unit=unit.text,
            formula=p.formula.text if p.formula else None,
            substituted=self.substituted(r, reading),
            quotes=quotes,
            reading=at,
        )

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

    def places(self, r: LineResult) -> None:
        """The further places the form prints the same amount (`stated` as a list): each
        reconciled on its own, with the same readings as the first (a line stated with no
        calculation: against the first place), and reported with its own quote if it differs."""
        p = r.planned
        for j, ((q, places), also) in enumerate(
            zip(p.stated_also, p.line.stated_also, strict=True), 2
        ):
            pct = p.unit.dimensionless and "%" in also.value
            c: Pct = "%" if pct else ""
            where = f"第{j}处申报数"
            if not also.quote:
                self.add("quote_missing", r, f"{where}没有注明原文出处（quote）", stated=also.value)
            assert p.stated is not None  # a line with further places has a first one
            if p.how == "stated":
                first = p.stated.unit.convert(p.stated.magnitude, q.unit)
                reading, value, status = None, first, compare(first, q, places)
                what = f"与第1处申报数 {_written(p.stated, p.stated_places, pct)} 不符"
            else:
                reading, value, status = _best_of(self.readings(r, q.unit), q, places)
                what = f"{READING_ZH[reading] if p.refs else '按测算依据计算'}为 {_q(value, q.unit, places, c)}"
            written = _written(q, places, pct)
            shown = None if reading is None else amount(value, q.unit, places, c)[0]
            self.checks.append(Check(p.id, p.line.label, status, written, shown, reading))
            if status == "mismatch":
                self.add(
                    "sum_mismatch" if _adds_parts(p) else "mismatch",
                    r,
                    f"{where} {written}（原文“{'”“'.join(also.quote)}”）：{what}"
                    if also.quote
                    else f"{where} {written}：{what}",
                    **_amounts(value, q, places, pct),
                    formula=p.formula.text if p.formula else None,
                    substituted=self.substituted(r, reading),
                    reading=reading if p.refs else None,
                    quotes=also.quote,
                )

    def readings(self, r: LineResult, unit: Unit) -> list[tuple[str, exact.Num]]:
        """The readings a stated amount of r is checked against, in `unit`: from the exact and
        the shown values of its parts, and over their stated amounts."""
        p = r.planned
        values = [("exact", r.shown)]
        if r.over_shown is not None and r.over_shown != r.shown:
            values.append(("over_shown", r.over_shown))
        if r.over_stated is not None:
            # As for the first place: a part itself wrong leaves only the form's own parts.
            if any(ref in self.mismatched for ref in p.refs):
                values = []
            values.insert(0, ("over_stated", r.over_stated))
        return [(k, p.unit.convert(v, unit)) for k, v in values]

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
        status: dict[str, Status] = {}
        for c in self.checks:  # a line's first place (its `stated`) is the one a total adds
            status.setdefault(c.line_id, c.status)
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

    def zero_cells(self) -> None:
        """Lines whose stated amount is 0 with no calculation (a form's empty 其他资金 or
        上年结转 cells): one `unverifiable` hint for the case naming them all, not one each."""
        if not self.zeros:
            return
        if len(self.zeros) == 1:
            msg = "申报数为 0，没有测算过程（零单元格）"
        else:
            names = "、".join(f"{r.planned.line.label}（{r.id}）" for r in self.zeros)
            msg = f"{len(self.zeros)} 行申报数为 0、没有测算过程（零单元格）：{names}"
        first = self.zeros[0]
        written = _written(first.planned.stated, first.planned.stated_places)  # type: ignore[arg-type]
        quotes = tuple(
            q for r in self.zeros if r.planned.line.stated for q in r.planned.line.stated.quote
        )
        self.add(
            "unverifiable", first, msg, stated=written, unit=first.planned.unit.text, quotes=quotes
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
            # A library standard is its own source (document, 文号), shown in the trace.
            if spec.ref is None and spec.standard is None and not spec.quote and not spec.source:
                self.add(
                    "quote_missing",
                    r,
                    f"输入 {k} = {spec.value} 没有原文出处或依据",
                    computed=spec.value,
                )


_RANK = {"match": 0, "rounded_match": 1, "mismatch": 2}


def _frac(frm: Unit, v: exact.Num, to: Unit) -> Fraction:
    return exact.to_fraction(frm.convert(v, to))


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
    a.zero_cells()
    order = {ln.id: i for i, ln in enumerate(result.case.lines)}
    findings = sorted(a.findings, key=lambda f: (f.kind.rank, order[f.line_id]))
    checks = sorted(a.checks, key=lambda c: order[c.line_id])
    return Audit(result, tuple(findings), tuple(checks))
