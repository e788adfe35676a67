"""docs/architecture.md is enforced: its module table is the import order of src/cesuan.

The page's "Modules" table lists every module, in order; a module imports only modules in rows
above it. The "Imports, enforced" table lists the few imports that point down the table, each
inside a function or under `if TYPE_CHECKING:`, with the reason. This test reads both tables and
the code (with `ast`, never importing it), so when the code changes the fix is a change to the
page, and a failure names the module or the import to look at.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"
PAGE = "docs/architecture.md"
SRC = ROOT / "src" / "cesuan"
KINDS = ("module", "function", "type checking")

# Modules whose docstring does not yet say what they must not do (src is not this test's to
# change). xfail: when the docstring is fixed, this entry must go.
_DOCSTRING_GAPS: dict[str, str] = {}


@dataclass(frozen=True)
class Import:
    """One import of a cesuan module: where it is, what it names and when it runs."""

    source: str  # module name as in the table: "plan", "expr.ast", "cesuan", "__main__"
    target: str
    kind: str  # one of KINDS
    where: str  # path:line


def section(text: str, heading: str) -> str:
    """The text of the `## heading` section (up to the next `## `)."""
    match = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"{PAGE} has no '## {heading}' section"
    return match[1]


def table_rows(text: str, header: str) -> list[list[str]]:
    """Cells of the first Markdown table in `text` whose header row starts with `header`."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(header)), None)
    assert start is not None, f"no table starting with '{header}' in {PAGE}"
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def names_in(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def documented_order(text: str) -> list[str]:
    rows = table_rows(section(text, "Modules"), "| module |")
    order = []
    for row in rows:
        assert len(names_in(row[0])) == 1, f"{PAGE} module table: one `name` per row: {row}"
        assert all(row[1:3]), f"{PAGE}: module {row[0]} needs 'does' and 'must not'"
        order += names_in(row[0])
    return order


def documented_exceptions(text: str) -> set[tuple[str, str, str]]:
    rows = table_rows(section(text, "Imports, enforced"), "| from |")
    edges = set()
    for source, targets, kind, why in (row[:4] for row in rows):
        assert kind in KINDS[1:], f"{PAGE}: kind '{kind}' is not one of {KINDS[1:]}"
        assert why, f"{PAGE}: the edge {source} → {targets} needs a reason"
        for target in names_in(targets):
            edges.add((names_in(source)[0], target, kind))
    return edges


def _shown(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def module_name(path: Path, src: Path) -> str:
    parts = path.relative_to(src).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts) or src.name


def modules(src: Path) -> dict[str, Path]:
    return {module_name(p, src): p for p in sorted(src.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _full(name: str, package: str) -> str:
    """Table name → dotted name under the package: "expr.ast" → "cesuan.expr.ast"."""
    return package if name == package else f"{package}.{name}"


def imports_of(name: str, path: Path, known: set[str], package: str = "cesuan") -> list[Import]:
    """Every import of a package module in one file, with the kind of place it sits in."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    rel = _shown(path)
    is_package = path.name == "__init__.py"
    here = _full(name, package).split(".")
    found: list[Import] = []

    def target(dotted: str) -> str | None:
        if dotted != package and not dotted.startswith(package + "."):
            return None
        short = dotted.removeprefix(package + ".") if dotted != package else package
        return short if short in known else None

    def visit(node: ast.AST, kind: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = kind
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                inner = "type checking" if kind == "type checking" else "function"
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for stmt in child.body:
                    visit_one(stmt, "type checking")
                for stmt in child.orelse:
                    visit_one(stmt, kind)
                continue
            visit_one(child, inner)

    def visit_one(child: ast.AST, kind: str) -> None:
        where = f"{rel}:{getattr(child, 'lineno', '?')}"
        targets: list[str | None] = []
        if isinstance(child, ast.Import):
            targets = [target(a.name) for a in child.names]
        elif isinstance(child, ast.ImportFrom):
            base = child.module or ""
            if child.level:
                anchor = here if is_package else here[:-1]
                anchor = anchor[: len(anchor) - child.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in child.names:  # `from cesuan import report` imports the module
                targets.append(target(f"{base}.{alias.name}") or target(base))
        found.extend(Import(name, t, kind, where) for t in targets if t and t != name)
        if not isinstance(child, ast.Import | ast.ImportFrom):
            visit(child, kind)

    visit(tree, "module")
    return found


def violations(doc_text: str, src: Path, package: str = "cesuan") -> list[str]:
    """Every way the code and the page disagree, as messages that say what to change."""
    mods = modules(src)
    order = documented_order(doc_text)
    problems = [
        f"{_shown(mods[m])}: module '{m}' is not in the module table of "
        f"{PAGE}; add a row (in import order)"
        for m in mods
        if m not in order
    ]
    problems += [
        f"{PAGE}: the module table lists '{m}', which is not in src/cesuan; remove its row"
        for m in order
        if m not in mods
    ]
    problems += [f"{PAGE}: '{m}' is listed twice" for m in set(order) if order.count(m) > 1]
    rank = {m: i for i, m in enumerate(order)}
    allowed = documented_exceptions(doc_text)
    seen: set[tuple[str, str, str]] = set()
    for name, path in mods.items():
        for imp in dict.fromkeys(imports_of(name, path, set(mods), package)):
            if imp.source not in rank or imp.target not in rank:
                continue  # reported above
            if rank[imp.target] < rank[imp.source]:
                continue
            edge = (imp.source, imp.target, imp.kind)
            seen.add(edge)
            if edge not in allowed:
                problems.append(
                    f"{imp.where}: '{imp.source}' imports '{imp.target}' ({imp.kind} level), "
                    f"which is not above it in the module table of {PAGE}. Import only "
                    "from rows above, move the row if the layering really changed, or (inside "
                    "a function / under TYPE_CHECKING only) list the edge with its reason"
                )
    problems += [
        f"{PAGE}: the listed edge {s} → {t} ({k}) is not in the code (or no longer points "
        "down the table); remove its row"
        for s, t, k in sorted(allowed - seen)
    ]
    return problems


def test_the_code_imports_in_the_documented_order() -> None:
    problems = violations(DOC.read_text(encoding="utf-8"), SRC)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(m, marks=pytest.mark.xfail(reason=_DOCSTRING_GAPS[m]))
        if m in _DOCSTRING_GAPS
        else m
        for m in modules(SRC)
    ],
)
def test_every_module_opens_with_what_it_must_not_do(name: str) -> None:
    path = modules(SRC)[name]
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert doc, f"{path.relative_to(ROOT)}: no module docstring"
    assert "must not" in doc, (
        f"{path.relative_to(ROOT)}: the docstring does not say what it must not do"
    )


# The checker itself, on a small made-up package, so that a broken parser cannot pass silently.
_FAKE_DOC = """## Modules

| module | does | must not |
|---|---|---|
| `low` | a | b |
| `high` | a | b |
| `fake` | a | b |

## Imports, enforced

| from | to | kind | why |
|---|---|---|---|
| `low` | `high` | type checking | annotations |
| `low` | `gone` | function | stale |
"""


def _fake_package(tmp_path: Path, files: dict[str, str]) -> Path:
    src = tmp_path / "fake"
    src.mkdir()
    for name, text in {"__init__.py": '"""Must not."""\n', **files}.items():
        (src / name).write_text(text, encoding="utf-8")
    return src


def test_the_checker_sees_a_downward_import_and_an_unlisted_module(tmp_path: Path) -> None:
    src = _fake_package(
        tmp_path,
        {
            "low.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from fake.high import X\ndef f():\n    from fake import high\n",
            "high.py": "from fake import low\nimport fake.low\nfrom . import low as again\n",
            "fake2.py": "from fake.high import Y, Z\n",
        },
    )
    problems = violations(_FAKE_DOC, src, package="fake")
    # high → low is upward (fine, also as `import fake.low` and `from . import low`); the
    # type-checking low → high is listed; fake2 is reported once, its imports not checked.
    assert len(problems) == 3, problems
    assert "fake2.py: module 'fake2' is not in the module table" in problems[0]
    assert "low.py:5: 'low' imports 'high' (function level)" in problems[1]
    assert "the listed edge low → gone (function) is not in the code" in problems[2]
