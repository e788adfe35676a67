"""Declared conversions: what one case says about its counted units and periods.

What it does: counted units (人, 生, 户, 人次, 个, 只, 头 …) are each their own dimension, and so
is 学期; a form that counts students in 人 and gives the standard per 生, or a 春季学期 amount
against a 每生每年 standard, relies on an assumption only the case can state. `declare` reads a
case's `conversions:` entries (`1 生 = 1 人`, `1 学期 = 0.5 年`, `1 头 = 1 只`) into
`Conversions`: exact ratios between root dimensions, checked — both sides one counted unit or
both one period, never money, length, mass, energy or scores (元 to 人 is a standard, an input);
no declaration between units that already convert (万元/元, 月/年); none that contradicts or
repeats what the others imply. `Conversions.relate` then tells unit checking (cesuan.expr.check)
whether two units differ only by declared conversions, with the exact factor and the
declarations used, so each line can show the assumption it rests on. `undeclared_hint` words
the dimension error when two units differ only in counted units or periods; `mismatch_hint`
words every dimension error: that hint, or for quantities of different kinds (金额 against 面积)
what usually went wrong (a unit price, rate or standard left out).
What it must not do: change the one unit registry (a declaration holds for its case only),
guess a ratio, or accept a float.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from cesuan import exact
from cesuan.errors import CesuanError, ErrorKind
from cesuan.quantity import Quantity
from cesuan.units import Dims, Unit, lookup_name

__all__ = [
    "MEASURED",
    "NONE",
    "PERIODS",
    "Conversions",
    "Declared",
    "declare",
    "mismatch_hint",
    "undeclared_hint",
]

# Root dimensions that are measured, not counted: no case may declare a conversion between
# them and anything else (1 元 = 1 人 would turn a standard into an identity).
MEASURED = frozenset({"元", "米", "吨", "千瓦时", "分"})
# Root dimensions of periods: 年 (billing: 月, 季度), 天 (calendar: 小时, 周), 学期.
PERIODS = frozenset({"年", "天", "学期"})


def _kind(root: str) -> str:
    return "measured" if root in MEASURED else "period" if root in PERIODS else "counted"


@dataclass(frozen=True, slots=True)
class Declared:
    """One declaration: 1 [src] = ratio [dst] in root units, as the case wrote it."""

    index: int  # position in the case's `conversions:` list
    frm: str  # '1 学期', as written
    to: str  # '0.5 年'
    src: str
    dst: str
    ratio: Fraction
    note: str | None = None

    @property
    def text(self) -> str:
        """'1学期=0.5年': the way 测算依据 writes an equation."""
        return f"{self.frm}={self.to}".replace(" ", "")

    def to_dict(self) -> dict[str, str | int | None]:
        return {
            "index": self.index,
            "from": self.frm,
            "to": self.to,
            "factor": exact.format_exact(self.ratio),
            "note": self.note,
        }


# dim → (representative dim, k, declarations on the path): 1 [dim] = k [representative].
_Root = tuple[str, Fraction, frozenset[int]]


@dataclass(frozen=True, slots=True)
class Conversions:
    """A case's declared conversions, checked; plain, hashable, picklable data."""

    declared: tuple[Declared, ...] = ()
    roots: tuple[tuple[str, _Root], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.declared)

    def _root(self, dim: str) -> _Root:
        for d, r in self.roots:
            if d == dim:
                return r
        return dim, Fraction(1), frozenset()

    def _reduce(self, dims: Dims) -> tuple[Dims, Fraction]:
        out: dict[str, int] = {}
        k = Fraction(1)
        for d, e in dims:
            rep, f, _ = self._root(d)
            out[rep] = out.get(rep, 0) + e
            k *= f**e
        return tuple(sorted((d, e) for d, e in out.items() if e)), k

    def relate(self, a: Unit, b: Unit) -> tuple[Fraction, tuple[Declared, ...]] | None:
        """When `a` and `b` differ in dimension only by declared conversions: the exact factor
        from a magnitude in `a` to one in `b`, and the declarations used; else None.

        >>> from cesuan.quantity import parse_quantity as q
        >>> c, _ = declare([(q("1 学期"), q("0.5 年"), "1 学期", "0.5 年", None)])
        >>> from cesuan.units import parse_unit as u
        >>> factor, used = c.relate(u("元·学期/年"), u("元"))
        >>> factor, used[0].text
        (Fraction(1, 2), '1学期=0.5年')
        """
        if not self.declared or a.dims == b.dims:
            return None
        ra, ka = self._reduce(a.dims)
        rb, kb = self._reduce(b.dims)
        if ra != rb:
            return None
        # A declaration is used when the exponents that differ between a and b do not cancel
        # on the far side of it: its tree edge carries a net flow (path sets run to the root).
        ea, eb = dict(a.dims), dict(b.dims)
        flow: dict[int, int] = {}
        for d in set(ea) | set(eb):
            for i in self._root(d)[2]:
                flow[i] = flow.get(i, 0) + ea.get(d, 0) - eb.get(d, 0)
        factor = a.factor * ka / (b.factor * kb)
        return factor, tuple(x for x in self.declared if flow.get(x.index, 0))


NONE = Conversions()

Entry = tuple[Quantity, Quantity, str, str, str | None]  # from, to, from text, to text, note


def _single(q: Quantity) -> str | None:
    """The root dimension of a quantity in one unit of exponent 1, else None."""
    return q.unit.dims[0][0] if len(q.unit.dims) == 1 and q.unit.dims[0][1] == 1 else None


def _entry_error(q: Quantity, text: str, field: str) -> CesuanError | None:
    if exact.to_fraction(q.magnitude) <= 0:
        return CesuanError(
            ErrorKind.CONVERSION, f"换算声明的数量须大于 0：{text}", text=text, field=field
        )
    root = _single(q)
    if root is None or _kind(root) == "measured":
        what = f"{q.unit.text}（量纲 {q.unit.dims_text()}）" if q.unit.terms else "无量纲的数"
        return CesuanError(
            ErrorKind.CONVERSION,
            f"换算声明只能在计数单位之间或时期之间，{what}不是",
            text=text,
            field=field,
            hint="如 {from: 1 生, to: 1 人}、{from: 1 学期, to: 0.5 年}；"
            "金额与人数之间的关系是标准（如 800 元/生/年），写成输入",
        )
    return None


def declare(
    entries: Sequence[Entry], indices: Sequence[int] | None = None
) -> tuple[Conversions, list[CesuanError]]:
    """Check a case's declarations and join the good ones into `Conversions`; the problems,
    each with its `field` set to `conversions[i]` (or `.from`/`.to`), for the caller to locate
    in the file. `indices`: each entry's position in the case's list, where entries that could
    not be read were left out (by default, their order)."""
    errors: list[CesuanError] = []
    done: list[Declared] = []
    roots: dict[str, _Root] = {}
    positions = range(len(entries)) if indices is None else indices
    for i, (a, b, ta, tb, note) in zip(positions, entries, strict=True):
        bad = [
            e
            for e in (
                _entry_error(a, ta, f"conversions[{i}].from"),
                _entry_error(b, tb, f"conversions[{i}].to"),
            )
            if e is not None
        ]
        if bad:
            errors += bad
            continue
        src, dst = _single(a), _single(b)
        assert src is not None
        assert dst is not None
        ratio = exact.to_fraction(b.root()) / exact.to_fraction(a.root())
        d = Declared(i, ta.strip(), tb.strip(), src, dst, ratio, note)
        problem = _joined(d, roots, done)
        if problem is not None:
            errors.append(problem)
            continue
        done.append(d)
    return Conversions(tuple(done), tuple(sorted(roots.items()))), errors


def _joined(d: Declared, roots: dict[str, _Root], done: list[Declared]) -> CesuanError | None:
    """Join declaration `d` into `roots` (a forest of exact ratios); the error when it mixes
    kinds, restates a fixed conversion, or contradicts or repeats the declarations before it."""
    field = f"conversions[{d.index}]"
    if _kind(d.src) != _kind(d.dst):
        return CesuanError(
            ErrorKind.CONVERSION,
            f"{d.frm} 与 {d.to} 一个是计数单位、一个是时期，不能互相换算",
            field=field,
            hint="计数单位只与计数单位、时期只与时期声明换算",
        )
    if d.src == d.dst:
        return CesuanError(
            ErrorKind.CONVERSION,
            f"{d.frm} 与 {d.to} 本来就能精确换算，不用声明",
            field=field,
            hint="删除这条声明（单位表见 docs/units.md）",
        )
    rs, ks, ps = roots.get(d.src, (d.src, Fraction(1), frozenset()))
    rd, kd, pd = roots.get(d.dst, (d.dst, Fraction(1), frozenset()))
    if rs == rd:
        implied = ks / kd  # 1 src = ks rep = (ks / kd) dst
        others = "、".join(f"第 {x.index + 1} 条（{x.text}）" for x in done if x.index in ps ^ pd)
        if implied == d.ratio:
            msg, hint = f"{d.text} 已由{others}推出，重复声明", "删除这条声明"
        else:
            said = exact.format_exact(implied)
            msg = f"{d.text} 与{others}矛盾：按那些声明，1 {d.src} = {said} {d.dst}"
            hint = "一个案例里每对单位只能有一种换算"
        return CesuanError(ErrorKind.CONVERSION, msg, field=field, hint=hint)
    # Re-root dst's tree under src's representative: 1 rd = ks / (kd · ratio) rs.
    members = [x for x, r in roots.items() if r[0] == rd] or [rd]
    for x in members:
        _, kx, px = roots.get(x, (rd, Fraction(1), frozenset()))
        roots[x] = (rs, kx * ks / (kd * d.ratio), (px ^ pd) | {d.index} | ps)
    roots.setdefault(d.src, (rs, ks, ps))
    return None


def lookup_root(name: str) -> str:
    """The root dimension of a single unit name (月 → 年), or the name itself."""
    u = lookup_name(name)
    return u.dims[0][0] if u is not None and len(u.dims) == 1 else name


def _written_names(u: Unit) -> dict[str, str]:
    """root → the one name of `u` written for it (元/(人·月) gives 年 → 月, 人 → 人)."""
    out: dict[str, str] = {}
    for name, _ in u.terms:
        root = lookup_root(name)
        out[root] = name if root not in out else root  # two names for one root: say the root
    return out


def _by_kind(root: str) -> tuple[str, str]:
    """Counted roots pair with counted ones, periods with periods."""
    return _kind(root), root


def undeclared_hint(a: Unit, b: Unit) -> str | None:
    """When `a` and `b` differ only in counted units or periods (人 against 生, 学期 against
    年), the declaration that would join them, as a hint; else None.

    >>> from cesuan.units import parse_unit as u
    >>> print(undeclared_hint(u("人·元/生"), u("元")))
    只差计数单位 人 与 生：若两者按同一物计，在案例顶层声明 conversions: [{from: 1 生, to: 1 人}]（比例按实际写）
    """
    diff: dict[str, int] = dict(a.dims)
    for d, e in b.dims:
        diff[d] = diff.get(d, 0) - e
    pos = sorted((d for d, e in diff.items() if e > 0), key=_by_kind)
    neg = sorted((d for d, e in diff.items() if e < 0), key=_by_kind)
    if not pos or len(pos) != len(neg) or any(_kind(d) == "measured" for d in pos + neg):
        return None
    roots = list(zip(pos, neg, strict=True))
    # 人 against 条/人 differ by 人²/条: no one-to-one declaration joins them.
    if any(_kind(p) != _kind(n) or diff[p] != -diff[n] for p, n in roots):
        return None
    # Say the units as written where one name stands for the root (月 rather than 年).
    names = _written_names(a) | _written_names(b)
    counted = [(names.get(p, p), names.get(n, n)) for p, n in roots if _kind(p) == "counted"]
    periods = [(names.get(p, p), names.get(n, n)) for p, n in roots if _kind(p) == "period"]
    out = []
    if counted:
        words = "、".join(f"{p} 与 {n}" for p, n in counted)
        decl = ", ".join(f"{{from: 1 {n}, to: 1 {p}}}" for p, n in counted)
        out.append(
            f"只差计数单位 {words}：若两者按同一物计，在案例顶层声明 conversions: [{decl}]"
            "（比例按实际写）"
        )
    if periods:
        words = "、".join(f"{p} 与 {n}" for p, n in periods)
        decl = ", ".join(f"{{from: 1 {p}, to: … {n}, note: …}}" for p, n in periods)
        out.append(f"只差时期 {words}：时期的长短须由案例写明，如 conversions: [{decl}]")
    return "；".join(out)


# The kinds of quantity forms name, by dimension in root units (元 → 金额, 米² → 面积).
_KIND_WORDS: dict[Dims, str] = {
    (("元", 1),): "金额",
    (("米", 1),): "长度",
    (("米", 2),): "面积",
    (("米", 3),): "体积",
    (("吨", 1),): "质量",
    (("千瓦时", 1),): "电量",
    (("分", 1),): "分值",
    (("年", 1),): "时期",
    (("天", 1),): "天数",
    (("学期", 1),): "时期",
}


def kind_word(u: Unit) -> str:
    """The kind of quantity a unit measures, with the unit: 金额（元）, 面积（平方米）, 数量（条）.

    >>> from cesuan.units import parse_unit as u
    >>> kind_word(u("万元")), kind_word(u("平方米")), kind_word(u("条")), kind_word(u("元/平方米"))
    ('金额（万元）', '面积（平方米）', '数量（条）', '单价或标准（元/平方米）')
    """
    if u.dimensionless:
        return "无单位的数"
    word = _KIND_WORDS.get(u.dims)
    if word is None and len(u.dims) == 1 and u.dims[0][1] == 1:
        word = "数量"  # one counted unit: 人, 条, 个 …
    if word is None:
        per = all(e < 0 for d, e in u.dims if d != "元")  # 元 per something: 元/平方米, 元/(人·月)
        word = "单价或标准" if dict(u.dims).get("元") == 1 and per else "复合量"
    return f"{word}（{u.text}）"


def mismatch_hint(a: Unit, b: Unit) -> str:
    """The hint of a dimension error between `a` and `b`: the declaration that would join them
    when only counted units or periods differ (`undeclared_hint`); where both sides are counted
    units or periods, that those convert only through an input; else the kinds of the two
    quantities and what usually went wrong (a unit price, rate or standard left out).

    >>> from cesuan.units import parse_unit as u
    >>> print(mismatch_hint(u("元"), u("平方米")))
    金额（元）与面积（平方米）是不同种类的量，相差一个 元/平方米 的因子：常见原因是漏乘（或多乘）了单价、费率、标准或时长，或某个单位写错
    """
    declared = undeclared_hint(a, b)
    if declared is not None:
        return declared
    if not any(_kind(d) == "measured" for d, _ in a.dims + b.dims):
        # Both sides counted units or periods (件 against 条/人, 3 against 2 条): no kind to name.
        return "计数单位、时期各自独立，换算须写成输入，如 1 条/件"
    factor = a / b
    if not any(e > 0 for _, e in factor.terms):
        factor = b / a  # 元/月 against 元 differ by a 月, rather than by 1/月
    return (
        f"{kind_word(a)}与{kind_word(b)}是不同种类的量，相差一个 {factor.text} 的因子："
        "常见原因是漏乘（或多乘）了单价、费率、标准或时长，或某个单位写错"
    )
