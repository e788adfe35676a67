"""Dimension check once, then a closure that evaluates exactly on magnitudes as written.

What it does: walks a parsed tree with the units of its names, refuses dimensionally
inconsistent formulas (元 + 平方米) naming both sides, infers the result's natural unit
(平方米 × 元/(平方米·月) × 月 → 元), and builds a closure over exact Decimal/Fraction arithmetic, so
that evaluation never touches pint. The closure takes each name's magnitude in the unit it was
compiled with and returns the result's magnitude in the natural unit, or in a unit asked for
(`out`, the line's unit): products and quotients of magnitudes are already in the product of the
written units, and every conversion a formula needs (the right side of 万元 + 元, the argument of
round(x, 2, 万元), the result into 万元) is an exact factor worked out here, once — so a line of
plain 平方米 × 元/(平方米·月) × 月 runs on Decimals only. Chains of + − or × are one closure that
takes the Decimal fast path and falls back to the full exact operations where it must.
Calling a `Compiled` itself works on root magnitudes (元, 米, 年, …) instead.
What it must not do: resolve names beyond the mapping it is given, format output, or round
anything a formula did not ask to round.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import reduce

from cesuan import exact
from cesuan.errors import CesuanError, ErrorKind
from cesuan.expr.ast import BinOp, Call, Name, Neg, Node, Number, names, unparse
from cesuan.units import DIMENSIONLESS, Unit

__all__ = ["Compiled", "compile_formula", "suggest_name"]

Env = Mapping[str, exact.Num]
Fn = Callable[[Env], exact.Num]
Op2 = Callable[[exact.Num, exact.Num], exact.Num]


@dataclass(frozen=True, slots=True, eq=False)
class Compiled:
    """A checked formula.

    `fn(env)` takes each name's magnitude in the unit it was compiled with and returns the
    result's magnitude in `out` (the natural `unit` unless compiled for another unit of the same
    dimension); calling the Compiled itself takes and returns root magnitudes.
    """

    tree: Node
    text: str
    unit: Unit  # the natural unit of the result
    names: tuple[str, ...]
    fn: Fn
    factors: tuple[tuple[str, Fraction], ...] = ()  # each name's unit → root factor
    out: Unit | None = None  # the unit `fn` gives its result in, when not `unit`

    def __call__(self, env: Env) -> exact.Num:
        written = {k: exact.div(env[k], _as_num(f)) for k, f in self.factors}
        out = self.out if self.out is not None else self.unit
        return exact.mul(self.fn(written), _as_num(out.factor))


def suggest_name(name: str, known: list[str]) -> str | None:
    """The nearest known name, for '是否为 …？' hints."""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return close[0] if close else None


def _as_num(f: Fraction) -> exact.Num:
    return Decimal(f.numerator) if f.denominator == 1 else f


# An operand while building: a constant (folded at compile time), a name (read from the
# environment; with `mult`, times that exact factor — a unit conversion such as 元 → 万元), or a
# function of the environment. Closures are specialised on the kinds of their operands, so
# `area * rate` is one call that reads two names, not three calls.
@dataclass(frozen=True, slots=True)
class _Op:
    const: exact.Num | None = None
    key: str | None = None
    fn: Fn | None = None
    mult: Decimal | None = None  # with `key`: the name's value times this


def _name(o: _Op) -> str | None:
    """The key of a plain name (not a converted one)."""
    return o.key if o.mult is None else None


def _as_fn(o: _Op) -> Fn:
    if o.fn is not None:
        return o.fn
    key, const, mult = o.key, o.const, o.mult
    if key is not None:
        if mult is not None:
            return lambda env: exact.mul(env[key], mult)
        return lambda env: env[key]
    assert const is not None
    return lambda env: const


def _unary(f: Callable[[exact.Num], exact.Num], o: _Op) -> _Op:
    if o.const is not None:
        return _Op(const=f(o.const))
    key = _name(o)
    if key is not None:
        return _Op(fn=lambda env: f(env[key]))
    g = _as_fn(o)
    return _Op(fn=lambda env: f(g(env)))


def _binary(f: Op2, a: _Op, b: _Op, *, fold: bool = True) -> _Op:
    x, y, ka, kb = a.const, b.const, _name(a), _name(b)
    if x is not None and y is not None and fold:
        return _Op(const=f(x, y))
    if ka is not None and kb is not None:
        return _Op(fn=lambda env: f(env[ka], env[kb]))
    if ka is not None and y is not None:
        return _Op(fn=lambda env: f(env[ka], y))
    if x is not None and kb is not None:
        return _Op(fn=lambda env: f(x, env[kb]))
    g = a.fn if a.key is None else None
    if g is not None and kb is not None:
        return _Op(fn=lambda env: f(g(env), env[kb]))
    if g is not None and y is not None:
        return _Op(fn=lambda env: f(g(env), y))
    fa, fb = _as_fn(a), _as_fn(b)
    return _Op(fn=lambda env: f(fa(env), fb(env)))


def _chain(first: _Op, rest: list[tuple[Op2, _Op]]) -> _Op:
    """a ∘ b ∘ c … left to right (each ∘ one of exact.add, sub, mul) as one closure.

    The closure first runs the whole chain on the Decimal fast path of each operation; if that
    raises (a Fraction operand, an inexact Decimal: exact.FALLBACK) it runs the chain again
    with the full operations. The operations are pure, so the result is exactly the full
    operations' result either way. Constants of a product are multiplied together here (exact
    multiplication is associative and commutative, to the digit): `area * 1.5 元/(平方米·月) *
    12 月` runs as area × 18.0.
    """
    if all(f is exact.mul for f, _ in rest):
        consts = [o.const for o in (first, *(o for _, o in rest)) if o.const is not None]
        others = [o for o in (first, *(o for _, o in rest)) if o.const is None]
        if len(consts) > 1 and others:
            c = consts[0]
            for x in consts[1:]:
                c = exact.mul(c, x)
            operands = [*others, _Op(const=c)]
            first, rest = operands[0], [(exact.mul, o) for o in operands[1:]]
    slow = _full_chain(first, rest)
    fallback = exact.FALLBACK
    quick = [exact.FAST[f] for f, _ in rest]
    if (
        len(rest) > 2
        and all(f is exact.add for f, _ in rest)
        and all(_name(o) is not None for o in (first, *(o for _, o in rest)))
    ):
        # A total of other lines in the same unit: added left to right in C (functools.reduce
        # over map) instead of a loop in Python.
        add = exact.FAST[exact.add]
        keys = [_name(first), *(_name(o) for _, o in rest)]

        def total(env: Env) -> exact.Num:
            try:
                return reduce(add, map(env.__getitem__, keys))  # type: ignore[arg-type]
            except fallback:
                return slow(env)

        return _Op(fn=total)
    tail = rest[-1][1].const  # a constant last operand (the folded constants of a product)
    body = rest[:-1] if tail is not None else rest
    qt = quick[-1]
    k0 = _name(first)
    keys = [_name(o) for _, o in body]
    if k0 is not None and all(k is not None for k in keys):
        # Names only (and perhaps one constant at the end): unrolled for the usual lengths.
        if len(keys) == 1:
            (k1,), (q1,) = keys, quick[:1]
            if tail is None:

                def two(env: Env) -> exact.Num:
                    try:
                        return q1(env[k0], env[k1])  # type: ignore[arg-type, index]
                    except fallback:
                        return slow(env)

                return _Op(fn=two)

            def two_c(env: Env) -> exact.Num:
                try:
                    return qt(q1(env[k0], env[k1]), tail)  # type: ignore[arg-type, index]
                except fallback:
                    return slow(env)

            return _Op(fn=two_c)
        if len(keys) == 2:
            (k1, k2), (q1, q2) = keys, quick[:2]
            if tail is None:

                def three(env: Env) -> exact.Num:
                    try:
                        return q2(q1(env[k0], env[k1]), env[k2])  # type: ignore[arg-type, index]
                    except fallback:
                        return slow(env)

                return _Op(fn=three)

            def three_c(env: Env) -> exact.Num:
                try:
                    x = q2(q1(env[k0], env[k1]), env[k2])  # type: ignore[arg-type, index]
                    return qt(x, tail)  # type: ignore[arg-type]
                except fallback:
                    return slow(env)

            return _Op(fn=three_c)
        if not keys and tail is not None:

            def one_c(env: Env) -> exact.Num:
                try:
                    return qt(env[k0], tail)  # type: ignore[arg-type]
                except fallback:
                    return slow(env)

            return _Op(fn=one_c)
    # The general loop. Names (plain, or times a conversion factor) are read in the loop
    # itself, anything else through its function.
    times = exact.FAST[exact.mul]
    g0 = _as_fn(first)
    steps = [
        (q, o.key, o.mult, None) if o.key is not None else (q, None, None, _as_fn(o))
        for q, (_, o) in zip(quick, rest, strict=True)
    ]

    def chain(env: Env) -> exact.Num:
        try:
            acc = g0(env)
            for q, k, m, g in steps:
                if k is None:
                    v = g(env)  # type: ignore[misc]
                else:
                    v = env[k]
                    if m is not None:
                        v = times(v, m)  # type: ignore[arg-type]
                acc = q(acc, v)  # type: ignore[arg-type]
            return acc
        except fallback:
            return slow(env)

    return _Op(fn=chain)


def _full_chain(first: _Op, rest: list[tuple[Op2, _Op]]) -> Fn:
    """The chain with the full exact operations (Decimal while exact, else Fraction). Names are
    read in the loop (no function per name: a total of 12 lines is one closure, not 13)."""
    mul = exact.mul

    def get(o: _Op) -> tuple[str | None, Decimal | None, Fn | None]:
        return (o.key, o.mult, None) if o.key is not None else (None, None, _as_fn(o))

    k0, m0, g0 = get(first)
    steps = [(f, *get(o)) for f, o in rest]

    def full(env: Env) -> exact.Num:
        acc = g0(env) if g0 is not None else env[k0]  # type: ignore[index]
        if m0 is not None:
            acc = mul(acc, m0)
        for f, k, m, g in steps:
            if g is not None:
                v = g(env)
            else:
                v = env[k]  # type: ignore[index]
                if m is not None:
                    v = mul(v, m)
            acc = f(acc, v)
        return acc

    return full


def _convert(o: _Op, frm: Unit, to: Unit) -> _Op:
    """The operand's magnitude in `frm` as a magnitude in `to` (same dimension)."""
    factor = frm.factor / to.factor
    if factor == 1:
        return o
    if o.key is not None and o.mult is None and exact.is_terminating(factor):
        # A name times an exact decimal factor (10000 for 万元 → 元, 0.0001 back): read and
        # multiplied inside the closure that uses it.
        p, q = factor.numerator, factor.denominator
        k = len(str(p)) - 1 if q == 1 else -(len(str(q)) - 1)
        mult = exact.scale10(Decimal(1), k) if factor == Fraction(10) ** k else None
        return _Op(key=o.key, mult=mult if mult is not None else exact.to_decimal(factor))
    s = exact.scaler(factor)
    assert s is not None
    return _unary(s, o)


class _Compiler:
    def __init__(self, text: str, units: Mapping[str, Unit]) -> None:
        self.text = text
        self.units = units

    def err(self, kind: ErrorKind, msg: str, pos: int, hint: str | None = None) -> CesuanError:
        return CesuanError(kind, msg, text=self.text, column=pos, hint=hint)

    def build(self, node: Node) -> tuple[_Op, Unit]:
        if isinstance(node, Number):
            return _Op(const=node.value), node.unit or DIMENSIONLESS
        if isinstance(node, Name):
            key = node.id
            if key not in self.units:
                s = suggest_name(key, sorted(self.units))
                raise self.err(
                    ErrorKind.UNKNOWN_NAME,
                    f"未知变量 '{key}'",
                    node.pos,
                    hint=f"是否为 '{s}'？" if s else "变量须是本行的 inputs 或其他明细的 id",
                )
            return _Op(key=key), self.units[key]
        if isinstance(node, Neg):
            o, u = self.build(node.operand)
            return _unary(exact.neg, o), u
        if isinstance(node, BinOp):
            return self.binop(node)
        return self.call(node)

    def binop(self, node: BinOp) -> tuple[_Op, Unit]:
        op = node.op
        if op != "/":
            return self.chain(node)
        lo, lu = self.build(node.left)
        ro, ru = self.build(node.right)
        text, pos = self.text, node.pos

        def zero() -> CesuanError:
            return CesuanError(
                ErrorKind.DIVISION_BY_ZERO,
                "除数为零",
                text=text,
                column=pos,
                hint=f"'{unparse(node.right)}' 的值为 0",
            )

        # Never folded: a zero divisor is reported when the line is evaluated, as always. The
        # divisor is evaluated before the dividend, so that of two zero divisors in a formula
        # the same one is reported.
        div = exact.div
        kb, y = _name(ro), ro.const
        fa = _as_fn(lo)
        if kb is not None:

            def by_name(env: Env) -> exact.Num:
                d = env[kb]
                if not d:
                    raise zero()
                return div(fa(env), d)

            return _Op(fn=by_name), lu / ru
        if y is not None and y:
            return _Op(fn=lambda env: div(fa(env), y)), lu / ru
        fb = _as_fn(ro)

        def quotient(env: Env) -> exact.Num:
            d = fb(env)
            if not d:
                raise zero()
            return div(fa(env), d)

        return _Op(fn=quotient), lu / ru

    def top(self, tree: Node, out: Unit | None) -> tuple[_Op, Unit]:
        """The whole formula, with its result converted to `out` when that is given and of the
        same dimension. A product takes the conversion factor as one more constant."""
        if out is None:
            return self.build(tree)
        if isinstance(tree, BinOp) and tree.op != "/":
            o, unit = self.chain(tree, out)
        else:
            o, unit = self.build(tree)
            if out.dims == unit.dims:
                o = _convert(o, unit, out)
        return o, unit

    def chain(self, node: BinOp, out: Unit | None = None) -> tuple[_Op, Unit]:
        """a + b − c … or a × b × c …: a left-deep run of one precedence, checked term by term
        in the order the tree would be (so errors are the same) and compiled as one loop. Given
        `out`, the result is converted to that unit: a product multiplies by the factor, a sum
        converts each term to `out` (rather than to the first term's unit and back)."""
        adding = node.op in "+-"
        same = ("+", "-") if adding else ("*",)
        spine = [node]
        while isinstance(spine[-1].left, BinOp) and spine[-1].left.op in same:
            spine.append(spine[-1].left)
        acc, unit = self.build(spine[-1].left)
        rest: list[tuple[Op2, _Op]] = []
        terms_in = unit  # the unit a sum's terms are added in
        sum_in_out = adding and out is not None and out.dims == unit.dims
        if sum_in_out:
            assert out is not None
            terms_in = out
            acc = _convert(acc, unit, out)
        for b in reversed(spine):
            ro, ru = self.build(b.right)
            if not adding:
                rest.append((exact.mul, ro))
                unit = unit * ru
                continue
            if unit.dims != ru.dims:
                raise self.err(
                    ErrorKind.DIMENSION_MISMATCH,
                    f"量纲不一致：{unit.text or '无量纲'} {b.op} {ru.text or '无量纲'}",
                    b.pos,
                    hint=f"加减的两边须量纲相同（{unit.dims_text()} 与 {ru.dims_text()}）；"
                    "计数单位各自独立，换算须写成输入，如 1 条/件",
                )
            # 万元 + 元: the right side in the left side's unit (or in `out`), by a factor
            # known now.
            rest.append((exact.add if b.op == "+" else exact.sub, _convert(ro, ru, terms_in)))
        if sum_in_out:
            pass  # a sum already in `out`
        elif out is not None and out.dims == unit.dims and out.factor != unit.factor:
            factor = unit.factor / out.factor
            if exact.is_terminating(factor):
                rest.append((exact.mul, _Op(const=exact.to_decimal(factor))))
            else:
                return _convert(_chain(acc, rest), unit, out), unit
        if len(rest) == 1 and acc.const is not None and rest[0][1].const is not None:
            return _binary(rest[0][0], acc, rest[0][1]), unit  # folded
        return _chain(acc, rest), unit

    def call(self, node: Call) -> tuple[_Op, Unit]:
        built = [self.build(a) for a in node.args]
        first_unit = built[0][1]
        if node.func in ("min", "max", "sum"):
            for (_, u), a in zip(built[1:], node.args[1:], strict=True):
                if u.dims != first_unit.dims:
                    raise self.err(
                        ErrorKind.DIMENSION_MISMATCH,
                        f"{node.func} 的参数量纲不一致：{first_unit.text or '无量纲'}"
                        f" 与 {u.text or '无量纲'}",
                        getattr(a, "pos", node.pos),
                    )
            fns = [_as_fn(_convert(o, u, first_unit)) for o, u in built]
            if node.func == "sum":

                def total(env: Env) -> exact.Num:
                    acc = fns[0](env)
                    for g in fns[1:]:
                        acc = exact.add(acc, g(env))
                    return acc

                return _Op(fn=total), first_unit
            pick = max if node.func == "max" else min
            return _Op(
                fn=lambda env: pick((g(env) for g in fns), key=exact.to_fraction)
            ), first_unit
        # round / ceil / floor: one value, in a stated unit unless it is dimensionless.
        if len(built) != 1:
            raise self.err(ErrorKind.FORMULA_SYNTAX, f"{node.func} 只取一个数值参数", node.pos)
        o, u = built[0]
        target = node.unit
        if target is None:
            if not u.dimensionless:
                raise self.err(
                    ErrorKind.DIMENSION_MISMATCH,
                    f"{node.func} 的参数带单位 {u.text}，须指明按哪个单位取整",
                    node.pos,
                    hint=f"如 {node.func}(x, "
                    + ("2, " if node.func == "round" else "")
                    + f"{u.text})",
                )
            target = DIMENSIONLESS
        elif target.dims != u.dims:
            raise self.err(
                ErrorKind.DIMENSION_MISMATCH,
                f"{node.func} 的单位 {target.text} 与参数的单位 {u.text} 量纲不同",
                node.pos,
            )
        places = node.places or 0
        how = {"round": exact.round_half_up, "ceil": exact.ceil_to, "floor": exact.floor_to}
        r = how[node.func]
        return _unary(lambda x: r(x, places), _convert(o, u, target)), target


def compile_formula(
    tree: Node, units: Mapping[str, Unit], *, text: str | None = None, out: Unit | None = None
) -> Compiled:
    """Check `tree` against the units of its names and compile it.

    Args:
        tree: a parsed formula.
        units: the unit of every name the formula may use.
        text: the formula as written, for error messages (defaults to the unparsed tree).
        out: the unit `fn` should give its result in (ignored unless of the result's
            dimension); by default the natural unit.

    Raises:
        CesuanError: unknown_name (with the nearest name), dimension_mismatch, …

    >>> from cesuan.expr.parser import parse_formula
    >>> from cesuan.units import parse_unit
    >>> c = compile_formula(parse_formula("area * rate * 12 月"),
    ...     {"area": parse_unit("平方米"), "rate": parse_unit("元/(平方米·月)")})
    >>> c.unit.text
    '元'
    >>> c.fn({"area": Decimal("8369.34"), "rate": Decimal("50")})
    Decimal('5021604.00')
    >>> w = compile_formula(c.tree, {"area": parse_unit("平方米"),
    ...     "rate": parse_unit("元/(平方米·月)")}, out=parse_unit("万元"))
    >>> w.fn({"area": Decimal("8369.34"), "rate": Decimal("50")})
    Decimal('502.160400')
    """
    t = text if text is not None else unparse(tree)
    operand, unit = _Compiler(t, units).top(tree, out)
    used = names(tree)
    factors = tuple((k, units[k].factor) for k in used)
    if out is not None and (out.dims != unit.dims or out == unit):
        out = None
    return Compiled(tree, t, unit, used, _as_fn(operand), factors, out)
