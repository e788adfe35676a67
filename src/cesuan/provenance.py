"""Provenance: every evaluated line as plain, deterministic data with a stable hash.

What it does: turns a `Result` into dicts — per line its formula, each input's value, unit,
quote and source, the ids of the lines it used (their traces are shared by reference, so the
output grows with the case, not with its dependency graph), the unit conversion and declared
rounding it went through, the stated amount and the form's written expressions — plus the engine
version. Numbers are exact decimal strings with their unit; keys are sorted; there are no
timestamps, so the same case always gives the same bytes and the same hash. A line's hash is
taken with `uses` holding the hashes of the lines it used, so it identifies the whole
calculation behind that number.
What it must not do: compute amounts (it only reads the result) or produce prose.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from cesuan import exact
from cesuan.charset import normalise
from cesuan.escaping import escape
from cesuan.intervals import range_text
from cesuan.normalised import record
from cesuan.units import Unit

if TYPE_CHECKING:
    from cesuan.evaluation import LineResult, Result

__all__ = ["dumps", "engine_version", "line_trace", "result_to_dict"]


def engine_version() -> str:
    """'cesuan <version>' of the installed package."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"cesuan {version('cesuan')}"
    except PackageNotFoundError:  # running from a source tree without install
        return "cesuan (source)"


def qtext(x: exact.Num, unit: Unit) -> str:
    """'502.1604 万元' — an exact number with its unit."""
    n = exact.format_exact(x)
    return f"{n} {unit.text}" if unit.terms else n


def dumps(data: Any) -> str:
    """Canonical JSON: sorted keys, UTF-8 text kept readable, no floats possible; bidi, line
    separator and other invisible characters written as \\u escapes (same data, issue 13)."""
    return escape(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2), "json")


def _hash(data: Any) -> str:
    raw = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _formula_trace(r: LineResult, t: dict[str, Any], hashes: dict[str, str]) -> None:
    """What a formula line adds to its trace: formula, rule, inputs, the lines it used,
    conversion, rounding and the readings over the parts."""
    p = r.planned
    ln = p.line
    assert p.formula is not None
    t["formula"] = p.formula.text
    if p.rule is not None:
        t["rule"] = p.rule.id
    bounds = dict(p.bounds)
    t["inputs"] = {
        k: {
            # A bounded input as written ("≤65 万元"), not the number in it.
            "value": ln.inputs[k].value if k in bounds else str(q),
            "quote": list(ln.inputs[k].quote),
            "source": ln.inputs[k].source,
            "label": ln.inputs[k].label,
        }
        for k, q in sorted(p.inputs.items())
    }
    for k, (std, version) in p.standards.items():  # which standard, which version, its 文号
        t["inputs"][k]["standard"] = std.trace(version)
    aliases = {k: v.ref for k, v in ln.inputs.items() if v.ref is not None}
    if aliases:
        t["bound_to_lines"] = aliases
    # By reference (format 2.0, issue 13): the ids of the lines used, whose traces (and hashes)
    # are in the same case; a copy per use made the output grow with the dependency graph.
    t["uses"] = list(p.refs)
    if p.formula.unit != p.unit:
        t["conversion"] = {
            "from": p.formula.unit.text,
            "to": p.unit.text,
            "factor": exact.format_exact(p.formula.factor_to(p.unit)),
        }
    if p.declared:  # the case's declared conversions (assumptions) this line rests on
        t["declared_conversions"] = [d.to_dict() for d in p.declared]
    if p.rounding is not None:
        places, unit, mode = p.rounding
        t["rounding"] = {
            "places": places,
            "unit": unit.text,
            "mode": mode,
            "before": qtext(r.exact, p.unit),
            "after": qtext(r.value, p.unit),
        }
    if r.used:
        # Each part's amount is in its own trace, shared by reference: its `stated` amount,
        # else its `value` (format 2.0 dropped the per-part copies).
        over: dict[str, Any] = {}
        if r.over_stated is not None:
            over["value"] = qtext(r.over_stated, p.unit)
        if r.over_stated_error is not None:
            over["error"] = r.over_stated_error.message
        t["over_stated_parts"] = over
    if r.over_shown is not None and r.over_shown != r.shown:
        t["over_shown_parts"] = {"value": qtext(r.over_shown, p.unit)}


def _normalised(r: LineResult) -> dict[str, Any]:
    """Where reading the line's text normalised what was written (full-width forms, NBSP,
    grouping commas, 万 as a multiplier …): field path → written, read, changes (issue 13)."""
    p, ln = r.planned, r.planned.line
    out: dict[str, Any] = {}
    bounded = dict(p.bounds)  # a bound's reading is its own record (the trace's `range`)
    for k, q in sorted(p.inputs.items()):
        text = ln.inputs[k].value if k in ln.inputs and k not in bounded else None
        if text is not None and (rec := record(text, str(q))):
            out[f"inputs.{k}.value"] = rec
    if (
        ln.value is not None
        and p.given is not None
        and p.given_bound is None
        and (rec := record(ln.value, str(p.given)))
    ):
        out["value"] = rec
    stated = ln.stated
    if (
        stated is not None
        and p.stated is not None
        and p.stated_bound is None
        and (rec := record(stated.value, str(p.stated)))
    ):
        out["stated.value"] = rec
    if ln.formula is not None and (
        rec := record(ln.formula, normalise(ln.formula), quantity=False)
    ):
        out["formula"] = rec
    return out


def line_trace(r: LineResult, hashes: dict[str, str]) -> dict[str, Any]:
    """The trace of one line (hashes: already computed hashes of the lines it used)."""
    p = r.planned
    ln = p.line
    t: dict[str, Any] = {
        "id": ln.id,
        "label": ln.label,
        "how": p.how,
        "unit": p.unit.text,
        "value": qtext(r.value, p.unit),
    }
    if p.how == "formula":
        _formula_trace(r, t, hashes)
    elif p.how == "value":
        t["given"] = ln.value
    if ln.stated is not None:
        t["stated"] = {"value": ln.stated.value, "quote": list(ln.stated.quote)}
    if r.interval is not None:
        # A range is not one value: `value` is null and `range` holds the exact ends.
        t["value"] = None
        t["range"] = {
            "lo": None
            if r.interval.lo is None
            else qtext(exact.from_fraction(r.interval.lo), p.unit),
            "hi": None
            if r.interval.hi is None
            else qtext(exact.from_fraction(r.interval.hi), p.unit),
            "text": range_text(r.interval, p.unit),
        }
    if ln.stated_also:  # only where a case prints the amount in several places
        t["stated_also"] = [{"value": x.value, "quote": list(x.quote)} for x in ln.stated_also]
    if p.written:
        t["written"] = [
            {
                "expr": w.expr,
                "unit": w.unit.text,
                "value": qtext(v, w.unit),
                "result": str(w.result),
                "quote": list(w.quotes),
            }
            for w, v in zip(p.written, r.written, strict=True)
        ]
    if ln.quote:
        t["quote"] = list(ln.quote)
    if ln.note:
        t["note"] = ln.note
    normalised = _normalised(r)
    if normalised:
        t["normalised"] = normalised
    # Where a negative value is allowed, the trace says on whose word (the line's or its rule's).
    sign = ln.sign or (p.rule.sign if p.rule is not None else None)
    if sign not in (None, "nonnegative"):
        t["sign"] = sign
    signed = {k: v.sign for k, v in sorted(ln.inputs.items()) if v.sign is not None}
    if signed:
        t["input_signs"] = signed
    # The hash covers the hashes of the lines used: computed with `uses` holding those hashes.
    t["hash"] = _hash({**t, "uses": [hashes[ref] for ref in p.refs]} if p.refs else t)
    return t


def result_to_dict(result: Result) -> dict[str, Any]:
    """The whole result: case identity, engine version, every line's trace keyed by id."""
    hashes: dict[str, str] = {}
    lines: dict[str, Any] = {}
    for r in result.lines:  # dependency order: used lines are hashed first
        t = line_trace(r, hashes)
        hashes[r.id] = t["hash"]
        lines[r.id] = t
    case = result.case
    out: dict[str, Any] = {
        "case": case.case,
        "title": case.title,
        "agency": case.agency,
        "year": case.year,
        "engine": engine_version(),
        "lines": lines,
    }
    if case.overrides:  # a what-if (cesuan.scenario): what was replaced, covered by the hash
        out["overrides"] = [o.model_dump(mode="json") for o in case.overrides]
    if case.conversions:  # declared conversions (assumptions), covered by the hash
        out["conversions"] = [c.model_dump(mode="json") for c in case.conversions]
    if case.source_text is not None:
        out["source_sha256"] = hashlib.sha256(case.source_text.encode("utf-8")).hexdigest()
    # The engine version is part of the data but not of the calculation's identity.
    out["hash"] = _hash({k: v for k, v in out.items() if k != "engine"})
    return out
