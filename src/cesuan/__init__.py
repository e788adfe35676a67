"""cesuan — exact, unit-checked, explained and auditable 测算 for budget declarations.

>>> import cesuan
>>> str(cesuan.evaluate_formula("area × rate × 12 月",
...     {"area": "8369.34 平方米", "rate": "50 元/(平方米·月)"}, unit="万元"))
'502.1604 万元'
"""

from importlib.metadata import PackageNotFoundError as _PackageNotFoundError
from importlib.metadata import version as _version

from cesuan.api import audit, evaluate, evaluate_many, explain, load_case
from cesuan.audit import Audit, Finding
from cesuan.errors import CesuanError, CesuanErrors, ErrorKind
from cesuan.evaluate import LineResult, Result
from cesuan.expr.evaluate import evaluate_formula
from cesuan.expr.parser import parse_formula
from cesuan.model import Case, Line
from cesuan.quantity import Quantity, parse_quantity
from cesuan.units import Unit, parse_unit

try:
    __version__ = _version("cesuan")
except _PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "Audit",
    "Case",
    "CesuanError",
    "CesuanErrors",
    "ErrorKind",
    "Finding",
    "Line",
    "LineResult",
    "Quantity",
    "Result",
    "Unit",
    "__version__",
    "audit",
    "evaluate",
    "evaluate_formula",
    "evaluate_many",
    "explain",
    "load_case",
    "parse_formula",
    "parse_quantity",
    "parse_unit",
]
