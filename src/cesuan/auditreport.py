"""The audit report as data: what an auditor files, built from the audit JSON of a run.

What it does: turns the audit envelope (`report.envelope("audit", …)`: every case's findings as
reconcile made them) into one report document of plain data: title, scope (each case file's
SHA-256 and its source text's), date, engine, materiality, a summary whose counts are the
findings that follow, one section per form (findings ranked by severity, then by absolute
difference; each `consequence` listed under the finding that causes it; findings below the
materiality threshold counted and listed as hidden; notes where they belong) and a closing
审核意见 draft (how many amounts and how much money are at issue, per form and in total).
The Markdown and HTML renderers (report_md, report_html) and the audit JSON all use this data.
What it must not do: reconcile or re-classify findings (that is reconcile's job); drop a finding
silently (every finding of the input is in exactly one place of the report); use float; print.
Its only arithmetic is summing and comparing the exact differences reconcile reported.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from cesuan import exact
from cesuan.errors import CesuanError, ErrorKind
from cesuan.figures import said
from cesuan.materiality import (
    WAN,
    Materiality,
    amount,
    exact_amount,
    is_money,
    parse_materiality,
    shown_places,
    text_in,
)
from cesuan.reconcile import KIND_ZH
from cesuan.report import shown_text  # re-exported: the renderers import it from here
from cesuan.units import parse_unit

__all__ = [
    "SUMMARY_NOTE",
    "build_report",
    "read_scope",
    "report_for_run",
    "shown_text",
]

TITLE = "预算测算审核报告"
# What the columns of the summary table count (both renderers print it under the table).
SUMMARY_NOTE = (
    "核对、相符、无测算：申报数的个数（相符含四舍五入后相符）。问题：下文列出的不符之处，"
    "每个成因一次；表上算式不成立的行，其申报数可能与计算结果相符，故问题可多于不相符的申报数。"
    "连带影响：因问题而不符的合计数，列在其成因之下，不另计为问题；低于重要性：未展开、"
    "单列的差异；提示：无测算过程、缺少出处等。涉及金额：问题差额绝对值之和。"
)
# Kinds whose stated line is a cause a consequence further up can be traced to (reconcile: a
# wrong written expression does not propagate, the line's value comes from its formula).
_CAUSES = ("mismatch", "sum_mismatch")
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


# ── scope ────────────────────────────────────────────────────────────────────────────────────


def read_scope(path: str) -> tuple[dict[str, Any], str | None]:
    """The scope entry of one audited case file, and its source text (for the HTML report).

    The case is loaded again through the loader (safe, quotes checked), so the source read is the
    one the case names; `file_sha256` is over the file's bytes, `source_sha256` over the source
    text as the loader read it (the text the quotes were checked against, as in `calc` JSON).
    """
    from cesuan.api import load_case

    raw = Path(path).read_bytes()
    case = load_case(path)
    text = case.source_text
    return {
        "case": case.case,
        "file": path,
        "file_sha256": hashlib.sha256(raw).hexdigest(),
        "source": case.source,
        "source_sha256": None if text is None else hashlib.sha256(text.encode()).hexdigest(),
    }, text


# ── the report ───────────────────────────────────────────────────────────────────────────────


def build_report(
    data: Mapping[str, Any],
    scopes: Sequence[Mapping[str, Any]] = (),
    *,
    date: str | None,
    materiality: Materiality | None = None,
) -> dict[str, Any]:
    """The report document of one audit run (plain data, JSON-ready).

    Args:
        data: the audit envelope (`report.envelope("audit", cases, errors)`).
        scopes: `read_scope(path)[0]` of each case file (matched by `file`).
        date: the report's date, `YYYY-MM-DD` (injected, so that a report is reproducible).
        materiality: findings whose |difference| is below it are hidden (counted and listed).
    """
    by_file = {s["file"]: s for s in scopes}
    # Forms with issues first (an auditor reads those first), otherwise in input order; the
    # numbering follows the order shown.
    cases = sorted(
        data["cases"], key=lambda c: not any(f["severity"] != "info" for f in c["findings"])
    )
    refs = _Refs()
    forms = [_form(c, materiality, refs) for c in cases]
    for f in forms:
        f["overview"] = _overview(f)
    return {
        "title": TITLE,
        "date": date,
        "engine": data["engine"],
        "materiality": None if materiality is None else materiality.text,
        "scope": [by_file.get(c["file"]) or {"case": c["case"], "file": c["file"]} for c in cases],
        "summary": {"forms": [_summary_row(f) for f in forms], "total": _total(forms)},
        "forms": forms,
        "opinion": _opinion(forms),
        "errors": len(data["errors"]),
    }


class _Refs:
    """Numbers the entries across the report: issues 1, 2 …; consequences 1.1 …; hidden H1 …;
    notes T1 … (the HTML report's anchors are made from these)."""

    def __init__(self) -> None:
        self.n = {"issue": 0, "hidden": 0, "note": 0}

    def next(self, what: str) -> str:
        self.n[what] += 1
        return {"issue": "", "hidden": "H", "note": "T"}[what] + str(self.n[what])


def _entry(f: Mapping[str, Any], ref: str, causes: Sequence[str] = ()) -> dict[str, Any]:
    keys = ("kind", "severity", "line_id", "label", "message", "stated", "computed")
    keys += ("difference", "difference_exact", "unit", "formula", "substituted", "note")  # type: ignore[assignment]
    keys += ("implied",)  # type: ignore[assignment]
    out = {k: f.get(k) for k in keys}
    out.update(
        ref=ref,
        kind_zh=KIND_ZH[f["kind"]],
        quotes=[{"text": q, "shown": shown_text(q)} for q in f["quotes"]],
        caused_by=list(causes),
    )
    return out


def _rank(f: Mapping[str, Any]) -> tuple[int, int, Fraction, Fraction]:
    """Severity first; then money before other units, larger |difference| first (exactly: from
    `difference_exact` where the text was rounded), then larger relative to the stated amount."""
    diff = exact_amount(f, "difference")
    gap = Fraction(0) if diff is None else abs(diff[0]) * diff[1].factor
    money = 0 if diff is not None and is_money(diff[1]) else 1
    stated = amount(f.get("stated"))
    share = Fraction(0)
    if diff is not None and stated is not None and stated[0] and stated[1].dims == diff[1].dims:
        share = gap / abs(stated[0] * stated[1].factor)
    return _SEVERITY_ORDER[f["severity"]], money, -gap, -share


def _form(c: Mapping[str, Any], mat: Materiality | None, refs: _Refs) -> dict[str, Any]:
    found = list(c["findings"])
    order = {id(f): i for i, f in enumerate(found)}
    notes = [f for f in found if f["severity"] == "info"]
    roots = sorted(
        (f for f in found if f["severity"] != "info" and f["kind"] != "consequence"),
        key=lambda f: (*_rank(f), order[id(f)]),
    )
    # A consequence goes under the best-ranked finding that causes it; its causes are only
    # the lines with a mismatch of their own (not those that matched after rounding).
    real = {f["line_id"]: f for f in reversed(roots) if f["kind"] in _CAUSES}
    under: dict[int, list[tuple[Mapping[str, Any], list[str]]]] = {}
    for f in found:
        if f["kind"] != "consequence":
            continue
        causes = [x for x in f["caused_by"] if x in real]
        if causes:
            host = min((real[x] for x in causes), key=lambda r: roots.index(r))
            under.setdefault(id(host), []).append((f, causes))
        else:  # no cause with a mismatch of its own: it stands alone (e.g. rounding adds up)
            roots.append(f)
    roots.sort(key=lambda f: (*_rank(f), order[id(f)]))
    shown: list[dict[str, Any]] = []
    hidden: list[dict[str, Any]] = []
    for f in roots:
        hide = mat is not None and mat.hides(f)
        ref = refs.next("hidden" if hide else "issue")
        e = _entry(f, ref, f["caused_by"] if f["kind"] == "consequence" else ())
        e["consequences"] = [
            {
                **_entry(x, f"{ref}.{i}", causes),
                # Lines reconcile also traced it to that matched after rounding: no causes,
                # but they explain a last digit (100.003 against a gap of 100).
                "rounding_from": [y for y in x["caused_by"] if y not in causes],
            }
            for i, (x, causes) in enumerate(under.get(id(f), []), 1)
        ]
        (hidden if hide else shown).append(e)
    return {
        "case": c["case"],
        "title": c["title"],
        "agency": c["agency"],
        "file": c["file"],
        "lines": dict(c["summary"]),
        "findings": shown,
        "hidden": hidden,
        "notes": [_entry(f, refs.next("note")) for f in notes],
        "counts": {
            "issues": len(shown),
            "consequences": sum(len(e["consequences"]) for e in shown),
            "hidden": sum(1 + len(e["consequences"]) for e in hidden),
            "notes": len(notes),
        },
        "at_issue": _at_issue([e for e in shown if e["severity"] == "error"]),
    }


def _overview(form: Mapping[str, Any]) -> str:
    """One sentence per form with the same counts as its summary row."""
    r, n = _summary_row(form), form["counts"]
    rounded = form["lines"]["rounded_match"]
    within = form["lines"].get("within_bound", 0)
    tail = form["lines"].get("rounding_difference", 0)
    return (
        f"申报数核对 {r['checked']} 个，相符 {r['matched']} 个"
        + (f"（其中四舍五入后相符 {rounded} 个" if rounded else "")
        + (f"，含尾差 {tail} 个" if rounded and tail else "")
        + ("）" if rounded else "")
        + (f"（其中符合界限 {within} 个）" if within else "")
        + f"，无测算 {r['unverifiable']} 个；问题 {n['issues']} 处，连带影响 {n['consequences']} 处，"
        f"低于重要性 {n['hidden']} 处，提示 {n['notes']} 条。"
    )


def _at_issue(entries: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """How many amounts are at issue and their |difference| summed: money in 万元, other units
    each on their own (a consequence is never added: its cause is already counted). The exact
    differences are added (`difference_exact` where the text was rounded), and the sum is
    rounded once, for display, to the most places any difference was shown with
    (`money_exact`/`other_exact` keep the exact sums, which the total adds)."""
    money, other = Fraction(0), dict[str, Fraction]()
    places = {"万元": 0}
    amounts = 0
    for e in entries:
        diff, shown = exact_amount(e, "difference"), amount(e["difference"])
        if diff is None or shown is None:
            continue
        amounts += 1
        key = WAN.text if is_money(diff[1]) else diff[1].text
        places[key] = max(places.get(key, 0), shown_places(e["difference"], shown[1], key))
        if is_money(diff[1]):
            money += abs(diff[0]) * diff[1].factor
        else:
            other[key] = other.get(key, Fraction(0)) + abs(diff[0])
    return {"amounts": amounts, **_sums(money, other, places)}


def _sums(
    money: Fraction, other: Mapping[str, Fraction], places: Mapping[str, int]
) -> dict[str, Any]:
    """The sums as shown (rounded once, half-up) and exactly (money in root units)."""

    def shown(value: Fraction, key: str) -> str:
        unit = parse_unit(key)
        x = exact.round_half_up(value / unit.factor, places.get(key, 0))
        return f"{exact.format_exact(x)} {unit.text}"  # 11 万元, not 11.0: rounded, not padded

    return {
        "money": shown(money, WAN.text),
        "money_exact": text_in(money, WAN),
        "other": [shown(v * parse_unit(u).factor, u) for u, v in sorted(other.items())],
        "other_exact": [
            text_in(v * parse_unit(u).factor, parse_unit(u)) for u, v in sorted(other.items())
        ],
    }


def _summary_row(form: Mapping[str, Any]) -> dict[str, Any]:
    s = form["lines"]
    return {
        "case": form["case"],
        "title": form["title"],
        # A line checked against a bound counts as checked, and as matched when within it.
        "checked": s["match"]
        + s["rounded_match"]
        + s["mismatch"]
        + s.get("within_bound", 0)
        + s.get("undecided", 0),
        "matched": s["match"] + s["rounded_match"] + s.get("within_bound", 0),
        "unverifiable": s["unverifiable"],
        **form["counts"],
        "money": form["at_issue"]["money"],
    }


def _total(forms: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    rows = [_summary_row(f) for f in forms]
    keys = ("checked", "matched", "unverifiable", "issues", "consequences", "hidden", "notes")
    out: dict[str, Any] = {k: sum(r[k] for r in rows) for k in keys}
    out.update(_sum_at_issue([f["at_issue"] for f in forms]))
    return out


def _sum_at_issue(parts: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The forms' sums added exactly, then rounded once to the most places any form shows."""
    money, other = Fraction(0), dict[str, Fraction]()
    places = {WAN.text: 0}
    for p in parts:
        v, u = amount(p["money_exact"])  # type: ignore[misc]
        money += v * u.factor
        places[WAN.text] = max(places[WAN.text], shown_places(p["money"], WAN, WAN.text))
        for t, ex in zip(p["other"], p["other_exact"], strict=True):
            v, u = amount(ex)  # type: ignore[misc]
            other[u.text] = other.get(u.text, Fraction(0)) + v
            places[u.text] = max(places.get(u.text, 0), shown_places(t, u, u.text))
    return {"amounts": sum(p["amounts"] for p in parts), **_sums(money, other, places)}


def _besides(other: Sequence[str]) -> list[str]:
    """The sums in other units as an auditor words them: quantities (数量 62.01 米) apart from
    rates, whose differences are percentage points (比率差额0.07个百分点), not a 数量; the amounts
    as forms write them (figures.said)."""
    rates = [t for t in other if t.endswith("百分点")]
    counts = [t for t in other if t not in rates]
    return [
        word + "、".join(map(said, ts))
        for word, ts in (("数量", counts), ("比率差额", rates))
        if ts
    ]


def _opinion(forms: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The 审核意见 draft: per form and in total, how many amounts and how much is at issue."""
    per = [
        {"case": f["case"], "title": f["title"], **f["at_issue"]}
        for f in forms
        if f["at_issue"]["amounts"]
    ]
    total = _sum_at_issue([f["at_issue"] for f in forms])
    checked = sum(_summary_row(f)["checked"] for f in forms)
    first = f"经对 {len(forms)} 张申报表的 {checked} 个申报数逐项核对，"
    if not per:
        first += "未发现计算结果与申报数不符之处。"
    else:
        first += (
            f"发现 {len(per)} 张申报表共 {total['amounts']} 处数额不符，涉及金额{said(total['money'])}"
            f"（各处差额绝对值之和；受其影响的合计数不重复计算）"
            + "".join(f"，另涉及{x}" for x in _besides(total["other"]))
            + "。"
        )
    lines = [first]
    for p in per:
        lines.append(
            f"{p['title']}：{p['amounts']} 处，涉及金额{said(p['money'])}"
            + "".join(f"、{x}" for x in _besides(p["other"]))
            + "。"
        )
    hidden = sum(f["counts"]["hidden"] for f in forms)
    unverifiable = sum(f["lines"]["unverifiable"] for f in forms)
    tail = []
    if hidden:
        tail.append(f"低于重要性水平未展开的差异 {hidden} 处（列于各表之后）")
    if unverifiable:
        tail.append(f"只有金额、没有测算过程的申报数 {unverifiable} 个，无法核对")
    if tail:
        lines.append("另有" + "；".join(tail) + "。")
    if per:
        lines.append("建议填报单位对上述不符之处逐项说明或更正后重新报送。")
    return {"forms": per, "total": total, "text": lines}


def report_for_run(
    data: Mapping[str, Any],
    *,
    materiality: str | None = None,
    date: str | None = None,
    today: bool = True,
) -> tuple[dict[str, Any], dict[str, str | None]]:
    """The report of an audit run, and each case's source text by case id (for HTML).

    `date` defaults to today; `materiality` is the text of `--materiality`."""
    import datetime

    mat = None if materiality is None else parse_materiality(materiality)
    scopes, sources = [], {}
    for c in data["cases"]:
        if c.get("file"):
            scope, text = read_scope(c["file"])
            scopes.append(scope)
            sources[c["case"]] = text
    try:
        day = datetime.date.fromisoformat(date).isoformat() if date else None
    except ValueError:
        day = None
        raise CesuanError(
            ErrorKind.SCHEMA, "报告日期应写作 YYYY-MM-DD", field="--date", text=date
        ) from None
    if today:  # JSON leaves the date out unless given, so its bytes do not change by the day
        day = day or datetime.date.today().isoformat()
    return build_report(data, scopes, date=day, materiality=mat), sources
