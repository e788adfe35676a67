"""The audit report as one self-contained HTML file (`cesuan audit --format html`).

What it does: renders auditreport's data (the same content as the Markdown report) plus each
form's source text, in which every quote of the report is highlighted (`<mark>`) and linked both
ways: the quote under a finding links to its place in the source (`#q-…`), and the place in the
source links back to the finding or note that quotes it (`#f-…`). Inline CSS only: no script,
no network, no external file; it prints on A4.
What it must not do: compute, count or decide anything (every number is in the report data);
let text from a case become markup: everything from a case goes through `esc` (html.escape,
plus control characters shown escaped). There is no `escaping` module on this branch: `esc` is
the minimal one, to be replaced by it when the security branch lands.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from cesuan.auditreport import SUMMARY_NOTE, shown_text
from cesuan.figures import said
from cesuan.implied import implied_text
from cesuan.report_md import section_number

__all__ = ["esc", "render_html"]


def esc(text: object) -> str:
    """Case text as HTML text or attribute value: `& < > " '` escaped; control characters other
    than newline and tab shown as `\\xNN` (they have no business in a report).

    >>> esc('<script>alert("x")</script>')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    """
    s = "" if text is None else str(text)
    s = "".join(
        c if (c.isprintable() or c in "\n\t ") else c.encode("unicode_escape").decode() for c in s
    )
    return html.escape(s, quote=True)


def _anchor(ref: str) -> str:
    """The id of a finding or note: '1' → f-1, '1.2' → f-1-2, 'T3' → f-T3."""
    return "f-" + ref.replace(".", "-")


def _qid(ref: str, k: int) -> str:
    return f"q-{ref.replace('.', '-')}-{k}"


_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;
margin:24px;color:#1a1a1a;line-height:1.55;font-size:15px}
h1{font-size:26px;margin:0 0 8px}h2{font-size:20px;border-bottom:2px solid #345;padding-bottom:4px;
margin-top:32px}h3{font-size:17px;margin:18px 0 6px}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #bbb;padding:3px 8px;
text-align:left;vertical-align:top}th{background:#eef1f5}td.n{text-align:right}
tr.total td{font-weight:bold;background:#f6f6f6}
.meta{list-style:none;padding:0;margin:0;color:#444}
.hash{font-family:monospace;font-size:12px;word-break:break-all}
.cols{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:20px;align-items:start}
.finding{border-left:5px solid #c0392b;background:#fdf3f2;padding:6px 12px;margin:10px 0}
.finding.warning{border-color:#d68910;background:#fef9e7}
.finding.hidden{border-color:#888;background:#f4f4f4}
.finding.info{border-color:#2e86c1;background:#f0f6fb;font-size:13px;padding:2px 10px;margin:4px 0}
.finding.info h3{font-size:14px}
.finding h3,.finding h4{margin:2px 0 4px}.finding h4{font-size:15px}
.finding dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;margin:4px 0}
.finding dt{color:#555}.finding dd{margin:0}
.consequence{border-left:3px solid #d68910;background:#fffaf0;margin:6px 0 6px 12px;padding:4px 10px}
.amount{font-weight:bold}
a.quote{color:#1a1a1a;text-decoration:none;background:#fff3a0;border-bottom:1px dotted #997a00}
.source{position:sticky;top:8px;max-height:92vh;overflow:auto;border:1px solid #ccc;
background:#fbfbf8;padding:6px 10px}
.source pre{white-space:pre-wrap;word-break:break-all;font-family:inherit;font-size:13px;margin:0}
mark{background:#fff3a0;padding:0 1px}
a.back{font-size:10px;vertical-align:super;text-decoration:none;background:#345;color:#fff;
border-radius:3px;padding:0 3px;margin:0 1px}
:target{outline:3px solid #2e86c1}
.opinion p{text-indent:2em;margin:6px 0}
@media print{.cols{display:block}.source{position:static;max-height:none;overflow:visible}}
"""


def render_html(
    rep: Mapping[str, Any],
    sources: Mapping[str, str | None],
    errors: Sequence[Mapping[str, Any]] = (),
) -> str:
    """The whole report as one HTML document; `sources` maps a case id to its source text."""
    mat = rep["materiality"]
    out = [
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        f"<title>{esc(rep['title'])}</title><style>{_CSS}</style></head><body>",
        f"<h1>{esc(rep['title'])}</h1>",
        f'<ul class="meta"><li>报告日期：{esc(rep["date"])}</li>'
        f"<li>审核工具：{esc(rep['engine'])}</li><li>重要性水平："
        + (f"差额绝对值低于 {esc(mat)} 的不展开（单列于各表之后）" if mat else "未设（全部列出）")
        + "</li></ul>",
    ]
    out += _scope(rep) + _summary(rep)
    out.append('<h2 id="forms">三、各申报表审核情况</h2>')
    for i, form in enumerate(rep["forms"], 1):
        out += _form(i, form, sources.get(form["case"]))
    out.append('<h2 id="opinion">四、审核意见（草稿）</h2><div class="opinion">')
    out += [f"<p>{esc(p)}</p>" for p in rep["opinion"]["text"]]
    out.append("</div>")
    if errors:
        out.append('<h2 id="errors">无法审核的文件</h2><ul>')
        for e in errors:
            where = " · ".join(esc(e.get(k)) for k in ("file", "line_id", "field") if e.get(k))
            hint = f"（提示：{esc(e['hint'])}）" if e.get("hint") else ""
            out.append(f"<li><b>{where}</b>：{esc(e.get('message'))}{hint}</li>")
        out.append("</ul>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _scope(rep: Mapping[str, Any]) -> list[str]:
    titles = {f["case"]: f["title"] for f in rep["forms"]}
    out = [
        '<h2 id="scope">一、审核范围</h2><table><tr><th>申报表</th><th>案例文件</th>'
        "<th>SHA-256</th><th>原文</th><th>SHA-256</th></tr>"
    ]
    for s in rep["scope"]:
        out.append(
            f"<tr><td>{esc(titles.get(s['case'], s['case']))}</td><td>{esc(s.get('file'))}</td>"
            f'<td class="hash">{esc(s.get("file_sha256"))}</td>'
            f"<td>{esc(s.get('source') or '（无）')}</td>"
            f'<td class="hash">{esc(s.get("source_sha256"))}</td></tr>'
        )
    return [*out, "</table>"]


_KEYS = ("checked", "matched", "unverifiable", "issues", "consequences", "hidden", "notes")


def _summary(rep: Mapping[str, Any]) -> list[str]:
    out = [
        '<h2 id="summary">二、审核结果汇总</h2><table><tr><th>申报表</th><th>核对</th><th>相符</th>'
        "<th>无测算</th><th>问题</th><th>连带影响</th><th>低于重要性</th><th>提示</th>"
        "<th>涉及金额</th></tr>"
    ]
    for i, r in enumerate(rep["summary"]["forms"], 1):
        cells = "".join(f'<td class="n">{r[k]}</td>' for k in _KEYS)
        out.append(
            f'<tr><td><a href="#form-{i}">{esc(r["title"])}</a></td>{cells}'
            f'<td class="n">{esc(said(r["money"]))}</td></tr>'
        )
    t = rep["summary"]["total"]
    cells = "".join(f'<td class="n">{t[k]}</td>' for k in _KEYS)
    out.append(
        f'<tr class="total"><td>合计</td>{cells}<td class="n">{esc(said(t["money"]))}</td></tr>'
    )
    out.append(f"</table><p>{esc(SUMMARY_NOTE)}</p>")
    return out


def _form(i: int, form: Mapping[str, Any], source: str | None) -> list[str]:
    entries = [
        (e, h)
        for group, hidden in ((form["findings"], False), (form["hidden"], True))
        for top in group
        for e, h in [(top, hidden), *((c, hidden) for c in top["consequences"])]
    ] + [(e, False) for e in form["notes"]]
    spans = _locate(source, [e for e, _ in entries])
    out = [
        f'<section class="form" id="form-{i}"><h2>（{section_number(i)}）{esc(form["title"])}</h2>',
        f"<p>填报单位：{esc(form['agency'] or '（未写）')}；案例：{esc(form['case'])}。"
        f"{esc(form['overview'])}</p>",
        '<div class="cols"><div class="findings">',
    ]
    if not form["findings"]:
        out.append("<p>未发现不符。</p>")
    out += [_finding(e, spans, "") for e in form["findings"]]
    if form["hidden"]:
        n = form["counts"]["hidden"]
        out.append(f"<h3>低于重要性水平、未展开的差异（{n} 处）</h3>")
        out += [_finding(e, spans, "hidden") for e in form["hidden"]]
    if form["notes"]:
        out.append(f"<h3>提示（{len(form['notes'])} 条）</h3>")
        out += [_finding(e, spans, "info") for e in form["notes"]]
    out.append('</div><div class="source">')
    out.append(f"<h3>申报表原文</h3>{_source(source, entries, spans)}</div></div></section>")
    return out


def _locate(source: str | None, entries: Sequence[Mapping[str, Any]]) -> dict[str, tuple[int, int]]:
    """Where each quote is in the source (its first occurrence: the loader checked that it
    occurs verbatim), by quote id."""
    out = {}
    for e in entries:
        for k, q in enumerate(e["quotes"], 1):
            at = -1 if source is None or not q["text"] else source.find(q["text"])
            if at >= 0:
                out[_qid(e["ref"], k)] = (at, at + len(q["text"]))
    return out


def _quote(e: Mapping[str, Any], k: int, q: Mapping[str, Any], spans: Mapping[str, Any]) -> str:
    qid = _qid(e["ref"], k)
    if qid not in spans:
        return f'<span class="quote">“{esc(q["shown"])}”</span>（原文未附或未找到）'
    return f'<a class="quote" href="#{qid}">“{esc(q["shown"])}”</a>'


def _rows(e: Mapping[str, Any], spans: Mapping[str, Any]) -> list[str]:
    rows = []
    if e["stated"]:
        diff = (
            ""  # bound_undecided: a range across a bound has no one difference
            if e["difference"] is None
            else f'；差额<span class="amount">{esc(said(e["difference"]))}</span>（计算 − 申报）'
        )
        rows.append(
            f"<dt>申报</dt><dd>{esc(said(e['stated']))}；计算{esc(said(e['computed']))}{diff}</dd>"
        )
    rows.append(f"<dt>说明</dt><dd>{esc(e['message'])}</dd>")
    if e["substituted"]:
        rows.append(f"<dt>算式</dt><dd>{esc(e['substituted'])}</dd>")
    if e.get("implied"):
        rows.append(f"<dt>反推</dt><dd>{esc(implied_text(e['stated'], e['implied']))}</dd>")
    if e["caused_by"]:
        also = e.get("rounding_from")
        extra = f"（另含四舍五入后相符的 {esc('、'.join(also))} 的尾差）" if also else ""
        rows.append(f"<dt>源于</dt><dd>{esc('、'.join(e['caused_by']))}{extra}</dd>")
    rows += [
        f"<dt>原文</dt><dd>{_quote(e, k, q, spans)}</dd>" for k, q in enumerate(e["quotes"], 1)
    ]
    if e["note"]:
        rows.append(f"<dt>备注</dt><dd>{esc(e['note'])}</dd>")
    return rows


def _finding(e: Mapping[str, Any], spans: Mapping[str, Any], cls: str) -> str:
    word = {"": "问题 ", "hidden": "", "info": ""}[cls]
    head = f"{word}{esc(e['ref'])}　{esc(e['kind_zh'])}：{esc(e['label'])}（{esc(e['line_id'])}）"
    out = [
        f'<article class="finding {cls or esc(e["severity"])}" id="{_anchor(e["ref"])}">',
        f"<h3>{head}</h3><dl>",
        *_rows(e, spans),
        "</dl>",
    ]
    if e.get("consequences"):
        n = len(e["consequences"])
        out.append(f"<h4>连带影响（{n} 处，随本问题一并更正，不另计）</h4>")
        for c in e["consequences"]:
            out.append(
                f'<div class="consequence" id="{_anchor(c["ref"])}"><h4>{esc(c["ref"])}　'
                f"{esc(c['label'])}（{esc(c['line_id'])}）</h4><dl>"
            )
            out += [*_rows(c, spans), "</dl></div>"]
    out.append("</article>")
    return "\n".join(out)


def _source(
    source: str | None,
    entries: Sequence[tuple[Mapping[str, Any], bool]],
    spans: Mapping[str, tuple[int, int]],
) -> str:
    """The source text, markup stripped for display, every located quote in `<mark>`: an
    anchor where it starts (`id=q-…`), a link back to its finding where it ends. Quotes may
    overlap: the text is cut at every quote boundary, so marks never nest."""
    if source is None:
        return "<p>（案例没有附原文）</p>"
    back = {
        _qid(e["ref"], k): _anchor(e["ref"])
        for e, _ in entries
        for k in range(1, len(e["quotes"]) + 1)
    }
    cuts = sorted({0, len(source), *(p for span in spans.values() for p in span)})
    out = ["<pre>"]
    for a, b in itertools.pairwise(cuts):
        text = esc(shown_text(source[a:b], keep_space=True))
        starts = [q for q, (s, _) in spans.items() if s == a]
        ends = [q for q, (_, t) in spans.items() if t == b]
        covered = any(s <= a and b <= t for s, t in spans.values())
        if not covered:
            out.append(text)
            continue
        ids = "".join(f'<a id="{q}" class="qa"></a>' for q in starts)
        backs = "".join(
            f'<a class="back" href="#{back[q]}" data-q="{q}" title="回到 {back[q][2:]}">'
            f"{esc(back[q][2:].replace('-', '.'))}</a>"
            for q in ends
        )
        out.append(f"<mark>{ids}{text}{backs}</mark>")
    out.append("</pre>")
    return "".join(out)
