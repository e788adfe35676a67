"""Closures over exact magnitudes: the pieces the fast back end (cesuan.expr.compiler) is built of.

What it does: represents an operand while a formula is being compiled — a constant (folded at
compile time), a name read from the environment (with `mult`, times an exact conversion factor)
or a function of the environment — and combines operands into closures specialised on their
kinds, so `area * rate` is one call that reads two names, not three calls. A chain of + − or ×
first runs on the Decimal fast path of each operation (exact.FAST) and, where that raises
(exact.FALLBACK), runs again with the full exact operations: the operations are pure, so the
result is the full operations' result either way.
What it must not do: know about units or tree nodes, or round. Results are checked against the
reference interpreter (tests/test_reference.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import reduce

from cesuan import exact

Env = Mapping[str, exact.Num]
Fn = Callable[[Env], exact.Num]
Op2 = Callable[[exact.Num, exact.Num], exact.Num]


@dataclass(frozen=True, slots=True)
class Op:
    const: exact.Num | None = None
    key: str | None = None
    fn: Fn | None = None
    mult: Decimal | None = None  # with `key`: the name's value times this


def plain_name(o: Op) -> str | None:
    """The key of a plain name (not a converted one)."""
    return o.key if o.mult is None else None


def as_fn(o: Op) -> Fn:
    if o.fn is not None:
        return o.fn
    key, const, mult = o.key, o.const, o.mult
    if key is not None:
        if mult is not None:
            return lambda env: exact.mul(env[key], mult)
        return lambda env: env[key]
    assert const is not None
    return lambda env: const


def unary(f: Callable[[exact.Num], exact.Num], o: Op) -> Op:
    if o.const is not None:
        return Op(const=f(o.const))
    key = plain_name(o)
    if key is not None:
        return Op(fn=lambda env: f(env[key]))
    g = as_fn(o)
    return Op(fn=lambda env: f(g(env)))


def convert(o: Op, factor: Fraction) -> Op:
    """The operand times an exact factor (a unit conversion)."""
    if factor == 1:
        return o
    if o.const is not None:
        return Op(const=exact.times(o.const, factor))
    if o.key is not None and o.mult is None and exact.is_terminating(factor):
        # A name times an exact decimal factor (10000 for 万元 → 元, 0.0001 back): read and
        # multiplied inside the closure that uses it.
        return Op(key=o.key, mult=_decimal(factor))
    s = exact.scaler(factor)
    assert s is not None
    return unary(s, o)


def _decimal(factor: Fraction) -> Decimal:
    p, q = factor.numerator, factor.denominator
    k = len(str(p)) - 1 if q == 1 else -(len(str(q)) - 1)
    if factor == Fraction(10) ** k:
        return exact.scale10(Decimal(1), k)  # 1E+4, 1E-4: only the exponent moves
    return exact.to_decimal(factor)


def chain(first: Op, rest: list[tuple[Op2, Op]]) -> Op:
    """a ∘ b ∘ c … left to right (each ∘ one of exact.add, sub, mul) as one closure.

    Constants of a product are multiplied together first (exact multiplication is associative
    and commutative, to the digit): `area * 1.5 元/(平方米·月) * 12 月` runs as area × 18.0.
    """
    if all(f is exact.mul for f, _ in rest):
        first, rest = _fold_constants([first, *(o for _, o in rest)])
    if not rest:
        return first
    if len(rest) == 1 and first.const is not None and rest[0][1].const is not None:
        # Two constants (`2 * 3`): folded at compile time. The only pair of operands that is not
        # run through a closure below, so there is no general `binary` combinator to keep.
        return Op(const=rest[0][0](first.const, rest[0][1].const))
    slow = _full_chain(first, rest)
    keys = [plain_name(o) for o in (first, *(o for _, o in rest))]
    plain = [k for k in keys if k is not None]
    if len(rest) > 2 and all(f is exact.add for f, _ in rest) and len(plain) == len(keys):
        return Op(fn=_total(plain, slow))
    tail = rest[-1][1].const  # a constant last operand (the folded constants of a product)
    if len(plain) == len(keys) - (tail is not None) and len(keys) <= 3 and keys[0] is not None:
        return Op(fn=_unrolled(plain, [exact.FAST[f] for f, _ in rest], tail, slow))
    return Op(fn=_loop(first, rest, slow))


def _fold_constants(operands: list[Op]) -> tuple[Op, list[tuple[Op2, Op]]]:
    consts = [o.const for o in operands if o.const is not None]
    others = [o for o in operands if o.const is None]
    if len(consts) > 1 and others:
        c = reduce(exact.mul, consts)
        operands = [*others, Op(const=c)]
    return operands[0], [(exact.mul, o) for o in operands[1:]]


def _total(keys: list[str], slow: Fn) -> Fn:
    """A total of names in one unit: added left to right in C (functools.reduce over map)."""
    add = exact.FAST[exact.add]
    fallback = exact.FALLBACK

    def total(env: Env) -> exact.Num:
        try:
            return reduce(add, map(env.__getitem__, keys))
        except fallback:
            return slow(env)

    return total


def _unrolled(keys: list[str], quick: list[Op2], tail: exact.Num | None, slow: Fn) -> Fn:
    """Names only (two or three, or one or two and a constant at the end), unrolled: these are
    most lines of a real form."""
    fallback = exact.FALLBACK
    k0 = keys[0]
    if tail is None and len(keys) == 2:
        k1, q1 = keys[1], quick[0]

        def two(env: Env) -> exact.Num:
            try:
                return q1(env[k0], env[k1])
            except fallback:
                return slow(env)

        return two
    if tail is None:
        (k1, k2), (q1, q2) = keys[1:], quick

        def three(env: Env) -> exact.Num:
            try:
                return q2(q1(env[k0], env[k1]), env[k2])
            except fallback:
                return slow(env)

        return three
    if len(keys) == 1:
        qt = quick[0]

        def one_c(env: Env) -> exact.Num:
            try:
                return qt(env[k0], tail)
            except fallback:
                return slow(env)

        return one_c
    k1, (q1, qt) = keys[1], quick

    def two_c(env: Env) -> exact.Num:
        try:
            return qt(q1(env[k0], env[k1]), tail)
        except fallback:
            return slow(env)

    return two_c


def _loop(first: Op, rest: list[tuple[Op2, Op]], slow: Fn) -> Fn:
    """The general chain: names (plain, or times a factor) read in the loop, anything else
    through its function."""
    fallback = exact.FALLBACK
    times = exact.FAST[exact.mul]
    g0 = as_fn(first)
    steps = [(exact.FAST[f], *_parts(o)) for f, o in rest]

    def loop(env: Env) -> exact.Num:
        try:
            acc = g0(env)
            for q, k, m, g in steps:
                v = g(env) if k is None else env[k]
                if m is not None:
                    v = times(v, m)
                acc = q(acc, v)
            return acc
        except fallback:
            return slow(env)

    return loop


def _parts(o: Op) -> tuple[str | None, Decimal | None, Fn]:
    """(key, mult, fn) of an operand: a name is read directly, anything else through fn."""
    return (o.key, o.mult, as_fn(o)) if o.key is not None else (None, None, as_fn(o))


def _full_chain(first: Op, rest: list[tuple[Op2, Op]]) -> Fn:
    """The chain with the full exact operations (Decimal while exact, else Fraction). Names are
    read in the loop (a total of 12 lines is one closure, not 13)."""
    mul = exact.mul
    k0, m0, g0 = _parts(first)
    steps = [(f, *_parts(o)) for f, o in rest]

    def full(env: Env) -> exact.Num:
        acc = g0(env) if k0 is None else env[k0]
        if m0 is not None:
            acc = mul(acc, m0)
        for f, k, m, g in steps:
            v = g(env) if k is None else env[k]
            if m is not None:
                v = mul(v, m)
            acc = f(acc, v)
        return acc

    return full
