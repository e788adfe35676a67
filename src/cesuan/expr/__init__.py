"""The safe formula language: grammar, tree, dimension check, exact compiled evaluation.

What it does: text → tree (parser) → unit-checked closure over exact root magnitudes
(compiler); `symbolic` turns a tree into sympy for rendering and solving, imported lazily.
What it must not do: know about cases, YAML or pydantic, or evaluate text by any other means.
"""

from cesuan.expr.ast import Node, unparse
from cesuan.expr.compiler import Compiled, compile_formula
from cesuan.expr.parser import parse_formula

__all__ = ["Compiled", "Node", "compile_formula", "parse_formula", "unparse"]
