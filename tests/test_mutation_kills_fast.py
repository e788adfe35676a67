"""Deterministic tests written to kill the mutants that survived `mutmut run` on expr/_fast.py
(docs/testing.md records the run, its score and the mutants left as equivalent, with why).

A closure of expr/_fast first runs a chain on the Decimal fast path and, where that raises,
runs it again with the full exact operations. So a fast path broken into raising (a name read
as None, an operation dropped) still gives the right value, only by the slow path: the value
alone cannot tell. What can: each name is read once when the fast path succeeds and again when
it falls back, and each fast operation returns once per step when none raises. These tests
count both (properties of the closures, not timings), and check values worked out by hand in
the comments.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from cesuan import exact
from cesuan.expr._fast import Op, as_fn, chain, convert, unary


class _Counting(Mapping[str, exact.Num]):
    """An environment that counts how often each name is read."""

    def __init__(self, values: dict[str, exact.Num]) -> None:
        self.values = values
        self.reads: dict[str, int] = dict.fromkeys(values, 0)

    def __getitem__(self, key: str) -> exact.Num:
        self.reads[key] += 1
        return self.values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)


def _name(key: str) -> Op:
    return Op(key=key)


def _const(text: str) -> Op:
    return Op(const=Decimal(text))


A, B, C, D = Decimal("1.5"), Decimal("2"), Decimal("0.25"), Decimal("10")

# (shape, first, rest, value by hand, fast operations per evaluation). Each shape is one of the
# closures chain() builds.
SHAPES = [
    # two names (_unrolled.two): 1.5 × 2 = 3
    ("two names", _name("a"), [(exact.mul, _name("b"))], Decimal("3"), 1),
    # three names (_unrolled.three): 1.5 × 2 + 0.25 = 3.25
    (
        "three names",
        _name("a"),
        [(exact.mul, _name("b")), (exact.add, _name("c"))],
        Decimal("3.25"),
        2,
    ),
    # a name and a constant last (_unrolled.one_c): 1.5 × 12 = 18
    ("name and constant", _name("a"), [(exact.mul, _const("12"))], Decimal("18"), 1),
    # two names and a constant (_unrolled.two_c): 1.5 × 2 × 12 = 36
    (
        "two names and constant",
        _name("a"),
        [(exact.mul, _name("b")), (exact.mul, _const("12"))],
        Decimal("36"),
        2,
    ),
    # a total of four names (_total): 1.5 + 2 + 0.25 + 10 = 13.75
    (
        "total of four",
        _name("a"),
        [(exact.add, _name("b")), (exact.add, _name("c")), (exact.add, _name("d"))],
        Decimal("13.75"),
        3,
    ),
    # four names multiplied (_loop): 1.5 × 2 × 0.25 × 10 = 7.5
    (
        "product of four",
        _name("a"),
        [(exact.mul, _name("b")), (exact.mul, _name("c")), (exact.mul, _name("d"))],
        Decimal("7.5"),
        3,
    ),
    # a converted name inside a sum (_loop with a factor): 1.5 + 2 × 10⁴ − 0.25 = 20001.25
    # a negated name in a sum (_loop with a function operand): 1.5 + (−2) + 0.25 = −0.25
    (
        "sum with a negated name",
        _name("a"),
        [(exact.add, unary(exact.neg, _name("b"))), (exact.add, _name("c"))],
        Decimal("-0.25"),
        2,
    ),
    (
        "sum with a converted name",
        _name("a"),
        [(exact.add, convert(_name("b"), Fraction(10_000))), (exact.sub, _name("c"))],
        Decimal("20001.25"),
        3,  # +, the conversion's ×, −
    ),
]


@pytest.fixture
def fast_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """exact.FAST's operations, wrapped to record each call that returned (closures take them
    from exact.FAST when they are built, so build them after this fixture)."""
    calls: list[str] = []
    for op in (exact.add, exact.sub, exact.mul):
        quick = exact.FAST[op]

        def counted(x: Any, y: Any, quick: Any = quick, name: str = op.__name__) -> Any:
            out = quick(x, y)
            calls.append(name)
            return out

        monkeypatch.setitem(exact.FAST, op, counted)
    return calls


IDS = [s[0] for s in SHAPES]


@pytest.mark.parametrize(("shape", "first", "rest", "value", "ops"), SHAPES, ids=IDS)
def test_a_chain_of_decimals_runs_on_the_fast_path_reading_each_name_once(
    shape: str, first: Op, rest: list, value: Decimal, ops: int, fast_calls: list[str]
) -> None:
    env = _Counting({"a": A, "b": B, "c": C, "d": D})
    assert as_fn(chain(first, rest))(env) == value
    # Every step returned from the fast operation: none raised into the fallback.
    assert len(fast_calls) == ops
    used = {o.key for o in (first, *(o for _, o in rest)) if o.key is not None}
    # Once each: a fallback would read every name a second time.
    assert {k: n for k, n in env.reads.items() if k in used} == dict.fromkeys(used, 1)


# The same shapes with b = 1/3 (a Fraction): the fast path raises, the full operations give
# the exact value. By hand, with b = 1/3:
FRACTION_VALUES = {
    "two names": Fraction(1, 2),  # 3/2 × 1/3
    "three names": Fraction(3, 4),  # 1/2 + 1/4
    "name and constant": Fraction(18),  # b unused: 1.5 × 12, still the fast path
    "two names and constant": Fraction(6),  # 3/2 × 1/3 × 12
    "total of four": Fraction(145, 12),  # 3/2 + 1/3 + 1/4 + 10 = (18 + 4 + 3 + 120)/12
    "product of four": Fraction(5, 4),  # 3/2 × 1/3 × 1/4 × 10
    "sum with a converted name": Fraction(40015, 12),  # (18 + 40000 − 3)/12
    "sum with a negated name": Fraction(17, 12),  # 3/2 − 1/3 + 1/4 = (18 − 4 + 3)/12
}


@pytest.mark.parametrize(("shape", "first", "rest", "value", "ops"), SHAPES, ids=IDS)
def test_a_chain_with_a_fraction_falls_back_to_the_exact_value(
    shape: str, first: Op, rest: list, value: Decimal, ops: int
) -> None:
    env = {"a": A, "b": Fraction(1, 3), "c": C, "d": D}
    assert exact.to_fraction(as_fn(chain(first, rest))(env)) == FRACTION_VALUES[shape]


@pytest.mark.parametrize("k", [1, 2, 4, 8, -1, -2, -4, -8])
def test_a_power_of_ten_conversion_moves_only_the_exponent(k: int) -> None:
    # × 10^k is applied as the Decimal 1E+k, so 1.5 (digits 1, 5) keeps its two digits:
    # 1.5 × 10⁴ is 1.5E+4, not 15000.0 (digits 1, 5, 0, 0, 0, 0) as × Decimal(10000) gives.
    # Digits that grow with every 万元 → 元 would be slower and reach the context's length.
    env = _Counting({"a": Decimal("1.5")})
    v = as_fn(convert(_name("a"), Fraction(10) ** k))(env)
    assert exact.to_fraction(v) == Fraction(3, 2) * Fraction(10) ** k
    assert isinstance(v, Decimal)
    assert v.as_tuple().digits == (1, 5)
    assert env.reads == {"a": 1}


def test_a_decimal_factor_that_is_not_a_power_of_ten_multiplies_exactly() -> None:
    # 1.5 × 12 = 18.0 (× Decimal 12); 1.5 × 0.5 = 0.75; 1.5 × 1/3 = 1/2 (a Fraction factor:
    # not terminating, so the scaler path).
    for factor, want in [(Fraction(12), Fraction(18)), (Fraction(1, 2), Fraction(3, 4))]:
        v = as_fn(convert(_name("a"), factor))({"a": Decimal("1.5")})
        assert exact.to_fraction(v) == want
    v = as_fn(convert(_name("a"), Fraction(1, 3)))({"a": Decimal("1.5")})
    assert exact.to_fraction(v) == Fraction(1, 2)
    # A factor of 1 is no conversion at all: the operand itself comes back.
    o = _name("a")
    assert convert(o, Fraction(1)) is o
    # A constant is converted at compile time: 2 × 10⁴ = 20000, no name to read.
    c = convert(_const("2"), Fraction(10_000))
    assert c.const is not None
    assert exact.to_fraction(c.const) == 20_000


_M, _A = exact.mul, exact.add

# Which closure chain() builds for which shape (the dispatch its docstrings describe: names
# only, two or three, or with a constant last, are unrolled; four or more names added are a
# total; the rest is the general loop). By the rules in chain(), worked out per row:
DISPATCH = [
    ("a*b", [("a", _M, "b")], "two"),
    ("a+b", [("a", _A, "b")], "two"),
    ("a*b+c", [("a", _M, "b"), (None, _A, "c")], "three"),
    ("a+b+c", [("a", _A, "b"), (None, _A, "c")], "three"),  # three names: not yet a total
    ("a+b+c+d", [("a", _A, "b"), (None, _A, "c"), (None, _A, "d")], "total"),
    ("a*b*c*d", [("a", _M, "b"), (None, _M, "c"), (None, _M, "d")], "loop"),  # 4: not unrolled
    ("a*12", [("a", _M, "12")], "one_c"),
    ("a*b*12", [("a", _M, "b"), (None, _M, "12")], "two_c"),
    # One constant inside a product stays where it is (nothing to fold it with): not last.
    ("a*12*b", [("a", _M, "12"), (None, _M, "b")], "loop"),
    # Two constants of a product are folded into one, put last: a × b × 6.
    ("a*2*3*b", [("a", _M, "2"), (None, _M, "3"), (None, _M, "b")], "two_c"),
    ("12*a", [("12", _M, "a")], "loop"),  # a constant first is not unrolled
    ("a+12", [("a", _A, "12")], "one_c"),
]


def _operand(text: str) -> Op:
    return _const(text) if text[0].isdigit() else _name(text)


@pytest.mark.parametrize(("formula", "steps", "closure"), DISPATCH, ids=[d[0] for d in DISPATCH])
def test_chain_builds_the_closure_its_shape_calls_for(
    formula: str, steps: list, closure: str
) -> None:
    first = _operand(steps[0][0])
    rest = [(op, _operand(o)) for _, op, o in steps]
    fn = as_fn(chain(first, rest))
    assert fn.__name__ == closure
    # …and each gives the value of the formula, here with a=1.5, b=2, c=0.25, d=10.
    want = {
        "a*b": "3",
        "a+b": "3.5",
        "a*b+c": "3.25",
        "a+b+c": "3.75",
        "a+b+c+d": "13.75",
        "a*b*c*d": "7.5",
        "a*12": "18",
        "a*b*12": "36",
        "a*12*b": "36",
        "a*2*3*b": "18",
        "12*a": "18",
        "a+12": "13.5",
    }[formula]
    assert fn({"a": A, "b": B, "c": C, "d": D}) == Decimal(want)


def test_two_constants_are_folded_when_the_chain_is_built() -> None:
    # 2 × 3 and 5 − 2: constants, no closure (subtraction shows the order is kept).
    assert chain(_const("2"), [(exact.mul, _const("3"))]).const == Decimal(6)
    assert chain(_const("5"), [(exact.sub, _const("2"))]).const == Decimal(3)
