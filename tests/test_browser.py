"""The HTML audit report in a real browser (issue 16): Debian's chromium, headless, renders the
report of cases/jianghan-2023; from the DOM it builds we check that every quote under a finding
links to a highlighted place in the form's source that exists and links back to that finding,
and that every highlighted place is reached from a finding. A screenshot is saved to a
temporary path (never compared by pixels; docs/img/audit-report.png is the committed one).

.ci/run installs chromium; the test is skipped only where it is absent."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium not installed (apt-get install chromium; .ci/run does)"
)


class _Dom(HTMLParser):
    """Elements of the dumped DOM: id → (tag, inside a <mark>?), every link with its href,
    the finding (`article`/`div` with id f-…) it sits in and its data-q, and script tags."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.ids: dict[str, tuple[str, bool]] = {}
        self.links: list[tuple[str, str | None, str | None]] = []  # href, finding, data-q
        self.scripts = 0
        self.marks = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        in_mark = any(t == "mark" for t, _ in self.stack)
        if "id" in a:
            assert a["id"] not in self.ids, f"duplicate id {a['id']}"
            self.ids[a["id"]] = (tag, in_mark)
        if tag == "a" and "href" in a:
            finding = next(
                (x["id"] for _, x in reversed(self.stack) if x.get("id", "").startswith("f-")),
                None,
            )
            self.links.append((a["href"], finding, a.get("data-q")))
        self.scripts += tag == "script"
        self.marks += tag == "mark"
        if tag not in ("meta", "br", "img", "input", "link"):
            self.stack.append((tag, a))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break


def _chromium(url: str, *extra: str, profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra, url],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
        check=False,
        env={**os.environ, "LANG": "C.UTF-8"},
    )


def test_every_quote_is_highlighted_and_linked_both_ways(tmp_path: Path) -> None:
    page = tmp_path / "audit.html"
    command = [sys.executable, "-m", "cesuan", "audit", "cases/jianghan-2023", "--format", "html"]
    p = subprocess.run(
        [*command, "--date", "2026-11-29", "-o", str(page)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert p.returncode == 1, p.stderr
    url = page.as_uri()
    dumped = _chromium(url, "--dump-dom", profile=tmp_path / "profile")
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    dom = _Dom()
    dom.feed(dumped.stdout)
    assert dom.scripts == 0
    to_source = [(h[1:], f) for h, f, q in dom.links if h.startswith("#q-")]
    back = {q: h[1:] for h, _, q in dom.links if q}
    # Hand count of the drainage form's quotes (paishui-shulao.yaml): drain 1, its consequences
    # total, budget.sum, budget.district 1 each, drain.step2 1, need 1, kpi.pipes 2 = 8.
    drainage = {"f-1", "f-1-1", "f-1-2", "f-1-3", "f-2", "f-3", "f-4"}
    assert len([q for q, f in to_source if f in drainage]) == 8
    for qid, finding in to_source:
        assert finding is not None, f"link to {qid} outside any finding"
        assert qid in dom.ids, f"{finding} links to #{qid}, which does not exist"
        assert dom.ids[qid][1], f"#{qid} is not inside a <mark>"
        assert back.get(qid) == finding, f"#{qid} does not link back to #{finding}"
        assert finding in dom.ids
    # …and every highlighted place is reached from a finding.
    assert set(back) == {q for q, _ in to_source}
    assert dom.marks >= len({q for q, _ in to_source}) // 2
    # Every finding of the report is an element with its anchor: 5 issues, 4 consequences.
    findings = {i for i in dom.ids if i.startswith("f-") and not i.startswith("f-T")}
    assert findings == {"f-1", "f-1-1", "f-1-2", "f-1-3", "f-2", "f-3", "f-4", "f-5", "f-5-1"}

    shot = tmp_path / "audit-report.png"
    taken = _chromium(
        url, f"--screenshot={shot}", "--window-size=1280,2000", profile=tmp_path / "profile2"
    )
    assert taken.returncode == 0, taken.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
