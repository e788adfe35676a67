"""Golden audits of the real corpus (cases/ other than jianghan-2023 and examples): for every case,
the findings an auditor must see — kind, line, stated, computed — and the summary counts, each
worked out by hand from the form's own numbers (the arithmetic is in the comments here and in the
case's `notes:`), never copied from the engine's output. Every case also audits with exit 0 or 1.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

import cesuan
from cesuan.cli import main
from cesuan.expr.interval import Interval

ROOT = Path(__file__).resolve().parents[1]
CORPUS = sorted(
    p
    for p in (ROOT / "cases").rglob("*.yaml")
    if p.parent.name not in ("jianghan-2023", "examples")
)


def _exact(text: str, unit: str) -> Fraction:
    return Fraction(cesuan.parse_quantity(text).to(unit).magnitude)


# case → {(kind, line id): (stated, computed)} for every error/warning finding, by hand.
FINDINGS: dict[str, dict[tuple[str, str], tuple[str, str]]] = {
    # 棠溪镇 委托业务: 年度资金总额 row is 0 | 0 | 0 while 其中:本年财政拨款 is 90 | 89.974 | 89.974;
    # 完成 30 + 30 + 29.99 = 89.99, stated 89.97.
    "tangxi-2022.weituo": {
        ("mismatch", "total.initial"): ("0 万元", "90 万元"),
        ("mismatch", "total.budget"): ("0 万元", "89.974 万元"),
        ("mismatch", "total.executed"): ("0 万元", "89.974 万元"),
        ("sum_mismatch", "done"): ("89.97 万元", "89.99 万元"),
    },
    # 棠溪镇 村级补助: same zero total row against 202.64 | 132.912 | 132.912;
    # 申请 400000 + 252000 + 28000 + 960000 + 100000 = 1740000, stated 2026400.
    "tangxi-2022.cunji": {
        ("mismatch", "total.initial"): ("0 万元", "202.64 万元"),
        ("mismatch", "total.budget"): ("0 万元", "132.912 万元"),
        ("mismatch", "total.executed"): ("0 万元", "132.912 万元"),
        ("sum_mismatch", "plan"): ("2026400 元", "1740000 元"),
    },
    # 惠安 学生资助: 困难生 秋季 1类人数 1534 = 资助人数 1534 (2类 blank), so 资助金额 = 1类金额
    # 45.0687, stated 47.3188; the year 45.0687 + 47.3188 = 92.3875 holds on stated parts but
    # 45.0687 + 45.0687 = 90.1374 on computed ones (a consequence, not a second error).
    "huian-jyj-2021.zizhu": {
        ("mismatch", "hard.autumn"): ("47.3188 万元", "45.0687 万元"),
        ("consequence", "hard.year"): ("92.3875 万元", "90.1374 万元"),
    },
}

# case → (match, rounded_match, mismatch): how many stated amounts have a calculation and how
# each compares, counted by hand from the notes (e.g. 棠溪 委托业务: plan 90 = 30+30+30 match;
# done.vs_table 89.974 → 89.97 rounded; four mismatches above).
SUMMARY: dict[str, tuple[int, int, int]] = {
    "changsha-czj-2018.zaolin": (1, 0, 0),  # 20 + 1.5 = 21.5
    # 3.36/3.36 twice; sources by column: 0+0+0 = 0, 3.36+0+0 = 3.36 (adjusted, executed)
    "daying-sfj-2023.anke": (5, 0, 0),
    "fengjie-czj-2025.routu": (2, 0, 0),  # 1100 − 390 = 710; 390 + 710 = 1100
    "fengjie-yunwu-2023.jiagongyuan": (3, 0, 0),  # 4.5 × 3 = 13.5; 65 + 0; 65
    "fujian-czt-2020.shengjun": (1, 0, 0),  # 1.69 + 2.53 = 4.22 亿元
    "hainan-2012.yingyang": (1, 1, 0),  # 4 × 200 = 800; 4136 × 7/10 = 2895.2 → 2895
    "huian-jyj-2021.zizhu": (25, 0, 1),  # 26 sums of two parts; 困难生 秋季 off
    "huoshan-jyj.youer": (1, 0, 0),  # 671 人 × 800 元/生/年 × 1 学期 (= 0.5 年) = 26.84 万元
    "jinzhai-meili-2023.zhengti": (2, 0, 0),  # 338.31/329.77 declared 4 places = 1.0259, twice
    "ningxiang-batang-2021.jichu": (2, 0, 0),  # 6923.3552 + 0; + 0 + 3683.3970 = 10606.7522
    "panlong-renda-2017.renda": (7, 0, 0),  # 4 standards, 12 projects, basic, total
    # two rates; sources by column: 238.93+0+0, 251.89+0+0 (adjusted), 251.89+0+0 (executed)
    "qingshen-fgj-2023.gongzi": (5, 0, 0),
    "shangluo-tongji-2016.yusuan": (5, 0, 0),  # 14 + 31; 319.08; 404.77 ×2; income
    "tangxi-2022.cunji": (2, 1, 4),  # plan.vs_table, done; 1329120.67 元 → 132.912 万元
    "tangxi-2022.weituo": (1, 1, 4),
    "tongxin-xiamaguan-2022.renju": (0, 1, 0),  # seven areas 10157.62 → 10157.6 平方米
    "yangquan-glzx-2021.gongzuo": (1, 0, 0),  # 20 + 20 + 10 = 50
    "yinchuan-liuzhong-2021.gongyong": (2, 0, 0),  # 64.8/64.8; 15 + 35 + 14.8
    "yueyang-nyj-2022.nongtian": (2, 0, 0),  # 400 + 295 + 159 = 854; 财政拨款 = 854
    # 11 towns, their sum, the county standard, and the three column totals 171, 40, 25
    "yunxiao-czj-2017.cunji": (16, 0, 0),
    "zhangzhuangzhai-2023.tezhong": (5, 0, 0),  # two rates; 1.5+5+20+3; 3; 180只 + 12头 = 192只
    "zhongjiang-slj-2022.biaochi": (2, 0, 0),  # 20/20; 20 = 20
}


# case → lines checked against a bound and within it (符合界限), counted by hand from the notes;
# no corpus line is outside its bound or undecided.
WITHIN: dict[str, int] = {
    "fengjie-yunwu-2023.jiagongyuan": 1,  # 项目总预算 65 ≤ 65万元
    "hainan-2012.yingyang": 1,  # 5万余 × 800 元 = [4000, ∞) 万元 ∋ 4136
    "tangxi-2022.cunji": 1,  # 132.912 ≤ 202.6万元
    "tangxi-2022.weituo": 2,  # 89.974 ≤ 90万元; 50 ≥ 50个
}


def _id(p: Path) -> str:
    return str(p.relative_to(ROOT / "cases"))


def test_the_corpus_is_what_the_readme_lists() -> None:
    names = {cesuan.load_case(p).case for p in CORPUS}
    assert names == set(SUMMARY)
    assert len(names) >= 15
    readme = (ROOT / "cases/README.md").read_text(encoding="utf-8")
    for p in CORPUS:
        row = f"`{_id(p).removesuffix('.yaml')}`"
        assert row in readme, f"cases/README.md 的表中缺少 {row}"


@pytest.mark.parametrize("path", CORPUS, ids=_id)
def test_findings_are_the_hand_checked_ones(path: Path) -> None:
    audit = cesuan.audit(path)
    got = {(f.kind, f.line_id): f for f in audit.findings if f.severity != "info"}
    want = FINDINGS.get(audit.result.case.case, {})
    assert set(got) == set(want)
    for key, (stated, computed) in want.items():
        f = got[key]
        assert f.stated is not None
        assert f.computed is not None
        unit = cesuan.parse_quantity(stated).unit.text
        assert _exact(f.stated, unit) == _exact(stated, unit), key
        assert _exact(f.computed, unit) == _exact(computed, unit), key


@pytest.mark.parametrize("path", CORPUS, ids=_id)
def test_summary_counts_are_the_hand_counted_ones(path: Path) -> None:
    audit = cesuan.audit(path)
    s = audit.summary()
    assert (s["match"], s["rounded_match"], s["mismatch"]) == SUMMARY[audit.result.case.case]
    assert s["within_bound"] == WITHIN.get(audit.result.case.case, 0)
    assert s["undecided"] == 0


def test_hand_computed_values_of_the_shared_rules() -> None:
    yunxiao = cesuan.evaluate(ROOT / "cases/yunxiao-czj-2017/cunji.yaml")
    # (171 村 + 25 社区) × 4 万元 + 40 贫困村 × 1 万元 = 824 万元; 下河乡 (23 + 1) × 4 + 9 = 105.
    assert Fraction(yunxiao["county"].quantity.to("万元").magnitude) == (171 + 25) * 4 + 40
    assert Fraction(yunxiao["xiahe"].quantity.to("万元").magnitude) == (23 + 1) * 4 + 9
    # Column totals: 村 4+16+18+12+15+21+23+13+28+8+13 = 171, 贫困村 0+1+2+2+2+6+9+7+9+2+0 = 40,
    # 社区 15+8+0+0+0+1+1+0+0+0+0 = 25 (the header's 村数171个、其中贫困村40个、社区(25个)).
    totals = [yunxiao[f"all.n.{k}"].quantity for k in ("villages", "poor", "community")]
    assert [Fraction(q.to("个").magnitude) for q in totals] == [171, 40, 25]
    qingshen = cesuan.evaluate(ROOT / "cases/qingshen-fgj-2023/gongzi.yaml")
    # 预算执行数 column: 财政资金 251.89 + 财政专户管理资金 0.00 + 单位资金 0.00 = 251.89.
    assert Fraction(qingshen["sources.executed"].quantity.to("万元").magnitude) == Fraction(
        "251.89"
    )
    fengjie = cesuan.evaluate(ROOT / "cases/fengjie-yunwu-2023/jiagongyuan.yaml")
    # 2023年4月-2024年2月: April … December 2023 is 9 months, January and February 2024 two more.
    assert str(fengjie["period"].quantity) == "11 月"
    hainan = cesuan.evaluate(ROOT / "cases/hainan-2012/yingyang.yaml")
    # Over the stated 4136 万元: 4136 × 7/10 = 2895.2; over "5万余名" × 800 元 = [4000, ∞)
    # 万元, the province's share is [4000 × 7/10, ∞) = [2800, ∞) 万元.
    assert hainan["province"].over_stated == Fraction(4136 * 7, 10)
    assert hainan["need"].interval == Interval(Fraction(4000), None)
    assert hainan["province"].interval == Interval(Fraction(2800), None)
    jinzhai = cesuan.evaluate(ROOT / "cases/jinzhai-meili-2023/zhengti.yaml")
    assert Fraction(jinzhai["total.rate"].quantity.magnitude) == Fraction("1.0259")
    panlong = cesuan.evaluate(ROOT / "cases/panlong-renda-2017/renda.yaml")
    assert Fraction(panlong["p01"].quantity.to("元").magnitude) == 268 * 2400
    assert Fraction(panlong["total"].quantity.to("元").magnitude) == 4566793 + 2897260


def test_forms_that_need_declared_conversions() -> None:
    # 霍山: 671 人 × 800 元/生/年 × 1 学期, declared 1 生 = 1 人 and 1 学期 = 0.5 年:
    # 671 × 800 × 0.5 = 268400 元 = 26.84 万元, resting on both declarations.
    youer = cesuan.evaluate(ROOT / "cases/huoshan-jyj/youer.yaml")["spring"]
    assert Fraction(youer.quantity.to("元").magnitude) == 671 * 800 / 2
    assert [d.text for d in youer.planned.declared] == ["1生=1人", "1学期=0.5年"]
    # 张庄寨: 180 只 + 12 头 with 1 头 = 1 只 = 192 只.
    tezhong = cesuan.evaluate(ROOT / "cases/zhangzhuangzhai-2023/tezhong.yaml")["livestock"]
    assert str(tezhong.quantity) == "192 只"
    assert [d.text for d in tezhong.planned.declared] == ["1头=1只"]
    # 盘龙: 12 家 × 10000 元/家 = 120000 元 through the rule's 个, 1 家 = 1 个 declared.
    p10 = cesuan.evaluate(ROOT / "cases/panlong-renda-2017/renda.yaml")["p10"]
    assert Fraction(p10.quantity.to("元").magnitude) == 12 * 10000
    assert [d.text for d in p10.planned.declared] == ["1家=1个"]
    assert "（按1家=1个计，本案例假设" in cesuan.explain(
        ROOT / "cases/panlong-renda-2017/renda.yaml"
    )


@pytest.mark.parametrize("folder", sorted({p.parent for p in CORPUS}), ids=lambda p: p.name)
def test_each_folder_audits_with_exit_0_or_1(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["audit", str(folder)])
    capsys.readouterr()
    has_errors = folder.name in ("tangxi-2022", "huian-jyj-2021")
    assert code == (1 if has_errors else 0)
