"""The formula tree: plain frozen data, and `unparse` back to formula text.

What it does: defines the five node kinds (Number, Name, Neg, BinOp, Call), the closed set of
functions, and turns a tree back into text that parses to the same tree.
What it must not do: evaluate, check units or know about cases. Positions (`pos`) are kept for
error messages and do not take part in equality, so parse(unparse(t)) == t.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from cesuan.units import Unit

__all__ = [
    "FUNCTIONS",
    "BinOp",
    "Call",
    "Name",
    "Neg",
    "Node",
    "Number",
    "is_sum_of_names",
    "names",
    "rename",
    "substitute",
    "unparse",
    "walk",
]

# The closed set of functions. round(x, n[, 单位]) rounds half-up to n places in that unit;
# ceil/floor(x[, 单位]) to whole units; min/max/sum take one or more arguments.
FUNCTIONS = frozenset({"round", "ceil", "floor", "min", "max", "sum"})


@dataclass(frozen=True, slots=True)
class Number:
    """A literal as written (`text`: "12", "30万", "98%") with its exact value and unit."""

    value: Decimal
    text: str
    unit: Unit | None = None
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Name:
    """A reference to an input or another line: `area`, `hall.rent`, `面积`."""

    id: str
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Neg:
    operand: Node
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class BinOp:
    op: str  # one of + - * /
    left: Node
    right: Node
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Call:
    """A whitelisted function call. `places` and `unit` are round/ceil/floor's extra arguments."""

    func: str
    args: tuple[Node, ...]
    places: int | None = None
    unit: Unit | None = None
    pos: int = field(default=0, compare=False)


Node = Number | Name | Neg | BinOp | Call

_PREC = {"+": 1, "-": 1, "*": 2, "/": 2}


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, parents before children, left to right."""
    stack: list[Node] = [node]
    while stack:
        n = stack.pop()
        yield n
        if isinstance(n, Neg):
            stack.append(n.operand)
        elif isinstance(n, BinOp):
            stack.extend((n.right, n.left))
        elif isinstance(n, Call):
            stack.extend(reversed(n.args))


def rename(node: Node, mapping: Mapping[str, str]) -> Node:
    """The same tree with names replaced (`base` → `drain.step1`), positions kept."""
    if isinstance(node, Name):
        return Name(mapping.get(node.id, node.id), node.pos)
    if isinstance(node, Neg):
        return Neg(rename(node.operand, mapping), node.pos)
    if isinstance(node, BinOp):
        return BinOp(node.op, rename(node.left, mapping), rename(node.right, mapping), node.pos)
    if isinstance(node, Call):
        args = tuple(rename(a, mapping) for a in node.args)
        return Call(node.func, args, node.places, node.unit, node.pos)
    return node


def names(node: Node) -> tuple[str, ...]:
    """The names a tree refers to, in order of first appearance, without repeats."""
    seen: dict[str, None] = {}
    for n in walk(node):
        if isinstance(n, Name):
            seen.setdefault(n.id)
    return tuple(seen)


def unparse(node: Node) -> str:
    """Formula text for a tree, with only the parentheses precedence needs.

    >>> from cesuan.expr.parser import parse_formula
    >>> unparse(parse_formula("(a + b) × 98％ − c"))
    '(a + b) * 98% - c'
    """
    return _Unparser(None, pretty=False).run(node, 0)


def substitute(node: Node, values: Mapping[str, str]) -> str:
    """The formula the way a person checks it: names replaced by their values, × ÷ −.

    >>> from cesuan.expr.parser import parse_formula
    >>> substitute(parse_formula("area * rate * 12 月"), {"area": "8369.34平方米", "rate": "50元"})
    '8369.34平方米 × 50元 × 12月'
    """
    return _Unparser(values, pretty=True).run(node, 0)


_PRETTY = {"+": "+", "-": "−", "*": "×", "/": "÷"}


class _Unparser:
    def __init__(self, values: Mapping[str, str] | None, *, pretty: bool) -> None:
        self.values = values
        self.pretty = pretty

    def run(self, node: Node, parent_prec: int, right: bool = False) -> str:
        return _unparse(self, node, parent_prec, right)


def _unparse(u: _Unparser, node: Node, parent_prec: int, right: bool = False) -> str:
    if isinstance(node, Number):
        if node.unit is None:
            return node.text
        return f"{node.text}{'' if u.pretty else ' '}{node.unit.text}"
    if isinstance(node, Name):
        if u.values is not None and node.id in u.values:
            return u.values[node.id]
        return node.id
    if isinstance(node, Neg):
        inner = u.run(node.operand, 3)
        return f"{'−' if u.pretty else '-'}{inner}"
    if isinstance(node, BinOp):
        p = _PREC[node.op]
        op = _PRETTY[node.op] if u.pretty else node.op
        s = f"{u.run(node.left, p)} {op} {u.run(node.right, p, right=True)}"
        # Left-associative: a right operand of equal precedence needs parentheses (a - (b - c)).
        if p < parent_prec or (right and p == parent_prec):
            return f"({s})"
        return s
    args = [u.run(a, 0) for a in node.args]
    if node.places is not None:
        args.append(str(node.places))
    if node.unit is not None:
        args.append(node.unit.text)
    return f"{node.func}({', '.join(args)})"


def is_sum_of_names(node: Node) -> bool:
    """Whether a formula only adds named values (`a + b + c`, or one name): a 合计 of 分项.

    >>> from cesuan.expr.parser import parse_formula
    >>> is_sum_of_names(parse_formula("a + b + c")), is_sum_of_names(parse_formula("a - b"))
    (True, False)
    """
    if isinstance(node, Name):
        return True
    return (
        isinstance(node, BinOp)
        and node.op == "+"
        and is_sum_of_names(node.left)
        and is_sum_of_names(node.right)
    )
