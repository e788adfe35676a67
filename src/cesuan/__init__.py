"""cesuan — exact, unit-checked, explained and auditable 测算 for budget declarations.

The public names load on first use (PEP 562), so `import cesuan` stays cheap for tools that
import it and use only part of it; the stage modules (loader, plan, evaluation, reconcile, …)
are imported when a name that needs them is first touched.
What it must not do: import a stage module eagerly (sympy, openpyxl and pydantic stay unloaded
until used), or define behaviour of its own: every name here is a re-export.

>>> import cesuan
>>> str(cesuan.evaluate_formula("area × rate × 12 月",
...     {"area": "8369.34 平方米", "rate": "50 元/(平方米·月)"}, unit="万元"))
'502.1604 万元'
"""

import importlib as _importlib
import typing as _typing
from importlib.metadata import PackageNotFoundError as _PackageNotFoundError
from importlib.metadata import version as _version

if _typing.TYPE_CHECKING:
    from cesuan.api import Outcome, audit, audit_many, evaluate, evaluate_many, explain, load_case
    from cesuan.errors import CesuanError, CesuanErrors, ErrorKind
    from cesuan.evaluation import LineResult, Result
    from cesuan.expr.evaluate import evaluate_formula
    from cesuan.expr.parser import parse_formula
    from cesuan.model import Case, Line
    from cesuan.quantity import Quantity, parse_quantity
    from cesuan.reconcile import Audit, Finding
    from cesuan.scenario import apply_overrides
    from cesuan.units import Unit, parse_unit

try:
    __version__ = _version("cesuan")
except _PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

# public name → the module that defines it
_WHERE = {
    "Audit": "cesuan.reconcile",
    "Case": "cesuan.model",
    "CesuanError": "cesuan.errors",
    "CesuanErrors": "cesuan.errors",
    "ErrorKind": "cesuan.errors",
    "Finding": "cesuan.reconcile",
    "Line": "cesuan.model",
    "LineResult": "cesuan.evaluation",
    "Outcome": "cesuan.api",
    "Quantity": "cesuan.quantity",
    "Result": "cesuan.evaluation",
    "Unit": "cesuan.units",
    "apply_overrides": "cesuan.scenario",
    "audit": "cesuan.api",
    "audit_many": "cesuan.api",
    "evaluate": "cesuan.api",
    "evaluate_formula": "cesuan.expr.evaluate",
    "evaluate_many": "cesuan.api",
    "explain": "cesuan.api",
    "load_case": "cesuan.api",
    "parse_formula": "cesuan.expr.parser",
    "parse_quantity": "cesuan.quantity",
    "parse_unit": "cesuan.units",
}

__all__ = [
    "Audit",
    "Case",
    "CesuanError",
    "CesuanErrors",
    "ErrorKind",
    "Finding",
    "Line",
    "LineResult",
    "Outcome",
    "Quantity",
    "Result",
    "Unit",
    "__version__",
    "apply_overrides",
    "audit",
    "audit_many",
    "evaluate",
    "evaluate_formula",
    "evaluate_many",
    "explain",
    "load_case",
    "parse_formula",
    "parse_quantity",
    "parse_unit",
]
assert set(__all__) == {*_WHERE, "__version__"}  # one list of public names, checked at import


def __getattr__(name: str) -> _typing.Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'cesuan' has no attribute {name!r}")
    value = getattr(_importlib.import_module(where), name)
    globals()[name] = value  # later look-ups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
