"""The benchmark's workload: realistic budget lines, generated reproducibly from a seed.

What it does: builds cases as plain mappings, the way a budgeting tool would hand them to
`cesuan.load_case` — rents by area (平方米 × 元/(平方米·月) × 月), fees with the rate written
into the formula, per-person-day costs, annual standards over part of a year (万元/年 × 月,
rounded to the 分), leased lines, per-block prices (万 件 × 条/件 ÷ 条 × 元), protected shares
with a percentage, group sums, management fees as a percentage of a group, per-head averages
(万元 → 元/人, rounded), with the results in 万元 or 元 and stated amounts as a form would write
them (a few of them wrong) — each with its source text and quotes. Beside every case it gives
`Spec`s: the same lines as plain numbers, for the hand-written baselines.
What it must not do: use cesuan to make the workload. Stated amounts are computed here with
`Fraction`, independently of the engine and of the baselines.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

__all__ = ["KINDS", "Spec", "Workload", "generate", "iter_cases"]

# A line kind → what the baselines compute (see bench/baseline.py and bench/naive.py).
KINDS = (
    "rent",  # area 平方米 × rate 元/(平方米·月) × months 月 → 万元
    "fee",  # area 平方米 × R 元/(平方米·月) × 12 月 (R in the formula) → 万元, round 2
    "per_diem",  # people 人 × days 天 × R 元/(人·天) (R in the formula) → 元
    "annual",  # standard 万元/年 × months 月 → 元, round 2 (part years do not terminate)
    "leased",  # lines 条 × fee 元/(条·月) × months 月 (rule telecom.leased_lines) → 万元, round 2
    "per_block",  # count 万 件 × 1 条/件 ÷ 10万 条 × price 元 (rule telecom.per_block) → 万元
    "protected",  # (base − protected) × 98% + protected, 万元 (rule adjust.protected_share)
    "sum",  # a + b + c … of earlier lines → 万元
    "pct",  # line × P% → 万元, round 2
    "avg",  # line ÷ people 人 → 元/人, round 2
)


def _tenths(n: int) -> str:
    """n/10 as forms write it: 15 → '1.5', 120 → '12'."""
    return str(n // 10) if n % 10 == 0 else f"{n // 10}.{n % 10}"


_FEE_RATES = [_tenths(r) for r in range(15, 96, 2)]  # 1.5 … 9.5 元/(平方米·月): 41 texts
_DIEM_RATES = [str(r) for r in range(60, 660, 20)]  # 60 … 640 元/(人·天): 30 texts
_GROUPS = ["办公", "大厅", "培训", "信息化", "后勤", "安保", "档案", "宣传", "会务", "运维"]
_WAN = Fraction(10000)


@dataclass(frozen=True, slots=True)
class Spec:
    """One line as the baselines see it: its kind, numbers as text, the lines it uses."""

    id: str
    kind: str
    args: tuple[str, ...]  # the numbers, as written, in the units the kind implies
    refs: tuple[str, ...] = ()  # for sum/pct/avg: the lines it uses
    places: int | None = None  # declared rounding, in the line's unit
    stated: str | None = None  # the stated number (in the line's unit), if any


@dataclass(frozen=True, slots=True)
class Workload:
    """A case mapping, its source text, and the specs of its lines (same order)."""

    case: dict[str, Any]
    source: str
    specs: tuple[Spec, ...]


def _d(x: Fraction, places: int) -> str:
    """Half-up to `places`, as text (a form's stated amount)."""
    q = Decimal(x.numerator) / Decimal(x.denominator)
    return str(q.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _round(x: Fraction, places: int) -> Fraction:
    return Fraction(Decimal(_d(x, places)))


class _CaseBuilder:
    def __init__(self, rnd: random.Random, k: int) -> None:
        self.rnd = rnd
        self.k = k
        self.lines: list[dict[str, Any]] = []
        self.specs: list[Spec] = []
        self.sentences: list[str] = []
        self.value: dict[str, Fraction] = {}  # exact value in the line's unit
        self.stated: dict[str, Fraction] = {}
        self.factor: dict[str, Fraction] = {}  # the line's unit in 元

    def state(self, line: dict[str, Any], spec_args: dict[str, Any], value: Fraction) -> None:
        """Maybe give the line a stated amount (rounded as forms do; 3 % of them off)."""
        rnd = self.rnd
        lid = line["id"]
        unit = line["unit"]
        self.value[lid] = value
        self.factor[lid] = Fraction(1) if unit in ("元", "元/人") else _WAN
        if rnd.random() < 0.15:
            sentence = f"{line['label']}按标准测算"
            line["quote"] = sentence
            self.sentences.append(sentence)
            return
        places = 2 if unit != "元" else rnd.choice([0, 2])
        stated = _round(value, places)
        if rnd.random() < 0.03:
            stated += Fraction(rnd.choice([-1, 1]), 10**places)
        text = _d(stated, places)
        sentence = f"{line['label']}{text}{unit}"
        line["stated"] = {"value": f"{text} {unit}", "quote": sentence}
        self.sentences.append(sentence)
        self.stated[lid] = stated
        spec_args["stated"] = text

    def add(self, line: dict[str, Any], spec: dict[str, Any], value: Fraction) -> None:
        self.state(line, spec, value)
        self.lines.append(line)
        self.specs.append(Spec(id=line["id"], **spec))

    def leaf(self, gid: str, gname: str, j: int) -> str:
        rnd = self.rnd
        kind = rnd.choices(
            ["rent", "fee", "per_diem", "annual", "leased", "per_block", "protected"],
            weights=[3, 3, 3, 2, 2, 1, 1],
        )[0]
        lid = f"{gid}.{kind}{j}"
        line: dict[str, Any]
        if kind == "rent":
            area = Fraction(rnd.randrange(5000, 2_000_000), 100)
            rate10 = rnd.randrange(100, 1200)
            rate = Fraction(rate10, 10)
            months = rnd.choice([12, 12, 12, 6, 9, 10, 11, 3])
            a, r = _d(area, 2), _tenths(rate10)
            label = f"{gname}用房租金"
            line = {
                "id": lid,
                "label": label,
                "formula": "area * rate * months",
                "inputs": {
                    "area": {"value": f"{a} 平方米", "label": "面积", "quote": f"面积{a}平方米"},
                    "rate": {"value": f"{r} 元/(平方米·月)", "quote": f"每月每平方米{r}元"},
                    "months": f"{months} 月",
                },
                "unit": "万元",
            }
            self.sentences += [f"{label}：面积{a}平方米", f"每月每平方米{r}元"]
            value = area * rate * months / _WAN
            self.add(line, {"kind": kind, "args": (a, r, str(months))}, value)
        elif kind == "fee":
            area = Fraction(rnd.randrange(5000, 1_000_000), 100)
            r = rnd.choice(_FEE_RATES)
            a = _d(area, 2)
            line = {
                "id": lid,
                "label": f"{gname}物业费",
                "formula": f"area * {r} 元/(平方米·月) * 12 月",
                "inputs": {"area": f"{a} 平方米"},
                "unit": "万元",
                "round": {"places": 2},
            }
            value = _round(area * Fraction(Decimal(r)) * 12 / _WAN, 2)
            self.add(line, {"kind": kind, "args": (a, r), "places": 2}, value)
        elif kind == "per_diem":
            people = rnd.randrange(5, 400)
            days = rnd.randrange(1, 30)
            r = rnd.choice(_DIEM_RATES)
            line = {
                "id": lid,
                "label": f"{gname}人员伙食费",
                "formula": f"people * days * {r} 元/(人·天)",
                "inputs": {"people": f"{people} 人", "days": f"{days} 天"},
                "unit": "元",
            }
            value = Fraction(people * days * int(r))
            self.add(line, {"kind": kind, "args": (str(people), str(days), r)}, value)
        elif kind == "annual":
            standard10 = rnd.randrange(5, 500)
            standard = Fraction(standard10, 10)
            months = rnd.choice([12, 12, 6, 7, 5, 11, 8])
            s = _tenths(standard10)
            line = {
                "id": lid,
                "label": f"{gname}定额经费",
                "formula": "standard * months",
                "inputs": {"standard": f"{s} 万元/年", "months": f"{months} 月"},
                "unit": "元",
                "round": {"places": 2},
            }
            value = _round(standard * _WAN * months / 12, 2)
            self.add(line, {"kind": kind, "args": (s, str(months)), "places": 2}, value)
        elif kind == "leased":
            n = rnd.randrange(1, 60)
            fee = rnd.randrange(300, 9000)
            months = rnd.choice([12, 12, 6])
            line = {
                "id": lid,
                "label": f"{gname}专线租用费",
                "use": "telecom.leased_lines",
                "inputs": {
                    "lines": f"{n} 条",
                    "fee": f"{fee} 元/(条·月)",
                    "months": f"{months} 月",
                },
                "unit": "万元",
                "round": {"places": 2},
            }
            value = _round(Fraction(n * fee * months) / _WAN, 2)
            self.add(
                line, {"kind": kind, "args": (str(n), str(fee), str(months)), "places": 2}, value
            )
        elif kind == "per_block":
            count = rnd.randrange(10, 900)  # 万 件
            price = rnd.randrange(2000, 12000, 500)
            line = {
                "id": lid,
                "label": f"{gname}短信服务费",
                "use": "telecom.per_block",
                "inputs": {
                    "count": f"{count}万 件",
                    "per_item": {"value": "1 条/件", "source": "每件一条短信"},
                    "block": "10万 条",
                    "price": f"{price} 元",
                },
                "unit": "万元",
            }
            value = Fraction(count * 10000 * price, 100000) / _WAN
            self.add(line, {"kind": kind, "args": (str(count), str(price))}, value)
        else:
            base = Fraction(rnd.randrange(1000, 90000), 100)
            prot = base * rnd.randrange(10, 60) / 100
            b, p = _d(base, 2), _d(prot, 2)
            line = {
                "id": lid,
                "label": f"{gname}人员经费",
                "use": "adjust.protected_share",
                "inputs": {"base": f"{b} 万元", "protected": f"{p} 万元", "rate": "98%"},
                "unit": "万元",
            }
            value = (Fraction(Decimal(b)) - Fraction(Decimal(p))) * Fraction(98, 100) + Fraction(
                Decimal(p)
            )
            self.add(line, {"kind": kind, "args": (b, p)}, value)
        return lid

    def _wan(self, r: str, value: Fraction) -> Fraction:
        return value * self.factor[r] / _WAN

    def total(self, lid: str, label: str, refs: list[str]) -> None:
        line = {"id": lid, "label": label, "formula": " + ".join(refs), "unit": "万元"}
        value = sum((self._wan(r, self.value[r]) for r in refs), Fraction(0))
        local = sum((self._wan(r, self.stated.get(r, self.value[r])) for r in refs), Fraction(0))
        # Forms mostly add up what they state, so a total is stated as the sum of the parts.
        spec: dict[str, Any] = {"kind": "sum", "args": (), "refs": tuple(refs)}
        self.state(line, spec, local)
        self.value[lid] = value
        self.lines.append(line)
        self.specs.append(Spec(id=lid, **spec))

    def build(self) -> Workload:
        rnd = self.rnd
        gnames = rnd.sample(_GROUPS, rnd.randrange(4, 9))
        tops: list[str] = []
        for g, gname in enumerate(gnames):
            gid = f"g{g}"
            parts = [self.leaf(gid, gname, j) for j in range(rnd.randrange(4, 13))]
            # Items of another unit (元) are summed in 万元 too: the engine converts.
            self.total(gid, f"{gname}经费合计", parts)
            tops.append(gid)
            if rnd.random() < 0.5:
                p = rnd.randrange(2, 12)
                lid = f"{gid}.mgmt"
                line = {
                    "id": lid,
                    "label": f"{gname}管理费",
                    "formula": f"{gid} * {p}%",
                    "unit": "万元",
                    "round": {"places": 2},
                }
                value = _round(self.value[gid] * p / 100, 2)
                spec = {"kind": "pct", "args": (str(p),), "refs": (gid,), "places": 2}
                self.add(line, spec, value)
                tops.append(lid)
        self.total("total", "项目支出合计", tops)
        if rnd.random() < 0.5:
            people = rnd.randrange(20, 900)
            line = {
                "id": "per_head",
                "label": "人均经费",
                "formula": "total / people",
                "inputs": {"people": f"{people} 人"},
                "unit": "元/人",
                "round": {"places": 2},
            }
            value = _round(self.value["total"] * _WAN / people, 2)
            spec = {"kind": "avg", "args": (str(people),), "refs": ("total",), "places": 2}
            self.add(line, spec, value)
        source = "；".join(self.sentences) + "。"
        case = {
            "case": f"bench.c{self.k:06d}",
            "title": f"生成的项目{self.k}",
            "agency": "某区某局",
            "year": 2023,
            "lines": self.lines,
        }
        return Workload(case, source, tuple(self.specs))


def iter_cases(n_lines: int, seed: int = 7) -> Iterator[Workload]:
    """Cases of about 30–120 lines each until `n_lines` lines are reached (the last case may
    overshoot). The same seed gives the same cases."""
    rnd = random.Random(seed)
    total = k = 0
    while total < n_lines:
        w = _CaseBuilder(rnd, k).build()
        total += len(w.specs)
        k += 1
        yield w


def generate(n_lines: int, seed: int = 7) -> list[Workload]:
    """`iter_cases` as a list."""
    return list(iter_cases(n_lines, seed))
