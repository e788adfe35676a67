"""No code path in cesuan evaluates text as code or reads it with a parser we do not control.

The source is scanned with `ast` (so comments, strings and docstrings that mention eval do not
count, and aliasing such as `from builtins import eval as e` does): any call of eval, exec, the
builtin compile, __import__, sympify/parse_expr/lambdify, yaml.load and its unsafe variants,
pickle/marshal loading, pint's string parsers, a pint Quantity/Unit made from a string, or a call
of a registry object fails the test; so does any call of float().
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "cesuan"

# Calls forbidden by their final name, whatever they are called on.
FORBIDDEN_NAMES = {
    "eval": "eval",
    "exec": "exec",
    "__import__": "__import__",
    "sympify": "sympy's sympify (it calls eval)",
    "parse_expr": "sympy's parse_expr (it calls eval)",
    "lambdify": "sympy's lambdify (it calls exec)",
    "unsafe_load": "yaml.unsafe_load",
    "full_load": "yaml.full_load",
    "unsafe_load_all": "yaml.unsafe_load_all",
    "full_load_all": "yaml.full_load_all",
    "parse_expression": "pint's string parser",
    "parse_units": "pint's string parser",
    "parse_pattern": "pint's string parser",
    "parse_unit_name": "pint's string parser",
    "float": "float (money never touches float)",
}
# Calls forbidden only on these modules (json.load and re.compile are fine).
FORBIDDEN_ON_MODULE = {
    ("yaml", "load"),
    ("yaml", "load_all"),
    ("pickle", "load"),
    ("pickle", "loads"),
    ("marshal", "load"),
    ("marshal", "loads"),
    ("builtins", "compile"),
    ("builtins", "eval"),
    ("builtins", "exec"),
}
# Names a pint registry goes by in our code; calling one parses its argument as an expression.
REGISTRY_NAMES = {"ureg", "reg", "registry", "_REGISTRY", "UnitRegistry"}


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return _dotted(node.func) + "()"
    return "?"


def _stringish(node: ast.expr) -> bool:
    """A literal string, an f-string, or a concatenation/format of one."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _stringish(node.left) or _stringish(node.right)
    return False


def violations(source: str, filename: str = "<src>") -> Iterator[str]:
    """Every forbidden call in `source`, as 'file:line: what'."""
    tree = ast.parse(source, filename)
    aliases: dict[str, str] = {}  # local name → imported name
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for a in node.names:
                aliases[a.asname or a.name] = a.name
                if a.name in FORBIDDEN_NAMES or (node.module or "", a.name) in FORBIDDEN_ON_MODULE:
                    yield f"{filename}:{node.lineno}: imports {node.module}.{a.name}"
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.asname:
                    aliases[a.asname] = a.name
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        where = f"{filename}:{node.lineno}"
        if isinstance(func, ast.Name):
            name = aliases.get(func.id, func.id)
            if name in FORBIDDEN_NAMES:
                yield f"{where}: calls {FORBIDDEN_NAMES[name]}"
            elif name == "compile":
                yield f"{where}: calls the builtin compile"
            elif name in REGISTRY_NAMES and node.args and func.id != "registry":
                yield f"{where}: calls a pint registry with an argument"
            elif name in ("Quantity", "Unit") and node.args and _stringish(node.args[0]):
                yield f"{where}: builds a {name} from a string"
            elif name == "getattr" and len(node.args) >= 2:
                target = node.args[1]
                if isinstance(target, ast.Constant) and target.value in FORBIDDEN_NAMES:
                    yield f"{where}: fetches {target.value} by name"
        elif isinstance(func, ast.Attribute):
            owner = _dotted(func.value)
            base = aliases.get(owner, owner)
            if func.attr in FORBIDDEN_NAMES and func.attr != "float":
                yield f"{where}: calls {owner}.{func.attr} ({FORBIDDEN_NAMES[func.attr]})"
            elif (base, func.attr) in FORBIDDEN_ON_MODULE:
                yield f"{where}: calls {base}.{func.attr}"
            elif func.attr in ("Quantity", "Unit") and node.args and _stringish(node.args[0]):
                yield f"{where}: builds {owner}.{func.attr} from a string"
        elif isinstance(func, ast.Call):
            # registry()("12 月") — a call of whatever a call returned: pint parses the string.
            inner = _dotted(func.func)
            if inner.split(".")[-1] in REGISTRY_NAMES:
                yield f"{where}: calls the result of {inner}() (a pint registry)"


def _sources() -> list[Path]:
    files = sorted(SRC.rglob("*.py"))
    assert len(files) > 10, f"no sources found under {SRC}"
    return files


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(SRC)))
def test_no_eval_exec_or_foreign_parsers(path: Path) -> None:
    found = list(violations(path.read_text(encoding="utf-8"), str(path.relative_to(SRC))))
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    "snippet",
    [
        "eval(text)",
        "exec(code)",
        "compile(text, '<f>', 'eval')",
        "builtins.compile(text, 'f', 'eval')",
        "__import__('os')",
        "import builtins\nbuiltins.eval(text)",
        "from builtins import eval as e\ne(text)",
        "getattr(builtins, 'exec')(code)",
        "sympy.sympify(text)",
        "from sympy import sympify\nsympify(text)",
        "from sympy.parsing.sympy_parser import parse_expr\nparse_expr(text)",
        "sympy.lambdify(x, expr)",
        "yaml.load(stream)",
        "yaml.load(stream, Loader=yaml.Loader)",
        "yaml.unsafe_load(stream)",
        "yaml.full_load(stream)",
        "import yaml as y\ny.load(stream)",
        "pickle.loads(data)",
        "pickle.load(f)",
        "marshal.loads(data)",
        "reg.parse_expression(text)",
        "reg.parse_units(text)",
        "ureg('12 month')",
        "reg('12 month')",
        "registry()('12 month')",
        "reg.Quantity('12 month')",
        "reg.Quantity(f'{n} month')",
        "reg.Unit('month')",
        "Quantity('12 month')",
        "float(text)",
        "x = float('nan')",
    ],
)
def test_the_scanner_catches_each_forbidden_call(snippet: str) -> None:
    """The scan above can fail: each of these is reported."""
    assert list(violations(snippet)), snippet


@pytest.mark.parametrize(
    "snippet",
    [
        "re.compile(pattern)",
        "json.loads(text, parse_float=str)",
        "loader.get_single_node()",
        "# eval(text) in a comment",
        "'''a docstring that mentions exec(code) and float(x)'''",
        "isinstance(x, float)",
        "Quantity(magnitude, unit)",
        "reg.get_root_units(getattr(reg, name))",
        "registry()",
        "literal_eval = None",
    ],
)
def test_the_scanner_does_not_flag_harmless_code(snippet: str) -> None:
    assert not list(violations(snippet)), snippet


def test_pint_is_only_asked_for_names_checked_against_units_txt() -> None:
    """pint's registry parses an attribute name it does not know, so units.py may look a name up
    only inside a function that first checks it against unit_names()."""
    tree = ast.parse((SRC / "units.py").read_text(encoding="utf-8"))
    functions = [f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)]
    lookups = 0
    for f in functions:
        calls = [n for n in ast.walk(f) if isinstance(n, ast.Call)]
        on_reg = [
            c
            for c in calls
            if isinstance(c.func, ast.Name)
            and c.func.id == "getattr"
            and _dotted(c.args[0]) == "reg"
        ]
        if on_reg:
            lookups += len(on_reg)
            assert any(_dotted(c.func) == "unit_names" for c in calls), f.name
    assert lookups >= 1
