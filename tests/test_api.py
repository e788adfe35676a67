"""The public API: what `import cesuan` offers and the seed's rent line end to end."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import cesuan


def test_all_is_sorted_and_complete() -> None:
    assert list(cesuan.__all__) == sorted(cesuan.__all__)
    public = {n for n in dir(cesuan) if not n.startswith("_")}
    # Every public, non-module name is exported, and every export exists.
    import types

    names = {n for n in public if not isinstance(getattr(cesuan, n), types.ModuleType)}
    assert names == set(cesuan.__all__) - {"__version__"}
    for n in cesuan.__all__:
        assert hasattr(cesuan, n)


def test_rent_line_of_the_seed_is_exactly_502_1604_wan() -> None:
    q = cesuan.evaluate_formula("8369.34 平方米 × 50 元/(平方米·月) × 12 月", {}, unit="万元")
    assert q.magnitude == Decimal("502.1604")
    assert isinstance(q.magnitude, Decimal)
    assert q.unit.text == "万元"


def test_import_does_not_load_sympy_or_pint() -> None:
    code = "import sys, cesuan; print('sympy' in sys.modules, 'pint' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_two_cases_in_one_process_do_not_interfere() -> None:
    def case(rate: str) -> dict[str, object]:
        return {
            "case": "c",
            "title": "t",
            "lines": [
                {
                    "id": "x",
                    "label": "甲",
                    "formula": "a * r",
                    "inputs": {"a": "10 平方米", "r": rate},
                }
            ],
        }

    first = cesuan.evaluate(case("2 元/平方米"))
    second = cesuan.evaluate(case("3 元/平方米"))
    assert str(first["x"].quantity) == "20 元"
    assert str(second["x"].quantity) == "30 元"
    assert str(cesuan.evaluate(case("2 元/平方米"))["x"].quantity) == "20 元"
