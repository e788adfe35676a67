"""Our 测算依据 text beside the form's own, for the five seed forms (cases/jianghan-2023).

Each phrase below is hand-copied from the seed form's text (/work/shared/seeds/000_*.txt, the same
text as cases/jianghan-2023/*.source.txt): its 测算依据及说明 sentences, its 项目实施方案 and its
amounts as written. The test checks that the text cesuan writes for the line says the same
thing in the same words and figures — names, inputs and amounts as the form writes them (120.53,
not 120.528; 746, not 745.8884). The whole text of every line is also kept as a golden file
(tests/golden/jianghan-2023/*.explain.txt, reviewed with tests/golden/regen.py).

Left out on purpose, where the form's figure is not what its own inputs give (cesuan audit reports
them): 通信费用9.11万元 and 短信服务费2.51万元 (30万件 at 8000元 per 10万条 is 2.4万元), and the
排水 form's total 3696.65万元 (its parts 3593.45 + 203.2 make 3796.65).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import cesuan

CASES = Path(__file__).resolve().parents[1] / "cases/jianghan-2023"

# {case file: {line id: phrases the form writes for it}}
FORM: dict[str, dict[str, list[str]]] = {
    "shenpi-dating.yaml": {
        # 项目实施方案 1、: “大厅使用费用共计703.69万元。其中：大厅租金每年502.1604万元，大厅面积
        # 8369.34平方米，…；大厅水电气费81万，包括大厅电费61万、水费4万、燃气费16万；大厅物业费
        # 120.53万元，5580平方米面积按照18元每月计算。”
        "hall": [
            "大厅使用费用共计703.69万元。其中：大厅租金",
            "502.1604万元",
            "大厅水电气费81万",
            "大厅物业费120.53万元",
        ],
        "hall.rent": ["大厅租金", "大厅面积8369.34平方米", "502.1604万元"],
        "hall.utilities": ["大厅水电气费", "81万", "大厅电费61万", "水费4万", "燃气费16万"],
        "hall.utilities.electricity": ["大厅电费61万"],
        "hall.utilities.water": ["水费4万"],
        "hall.utilities.gas": ["燃气费16万"],
        "hall.property": ["大厅物业费", "5580平方米", "18元", "120.53万元"],
        # 测算依据 of 委托业务费: “安全检查费用1.5万元。…行政审批局核定的经费标准为1.5万元/年。”
        "safety": ["安全检查费用", "核定的经费标准为1.5万元/年", "1.5万元。"],
        # 测算依据 of 其他商品和服务支出1: “大厅网络维护费用共计15.56万元。其中：网络维护、软件升级费
        # 8万元。审批局大厅光纤电路3条，每条月租费1200元，全年计4.32万元；工商登记专网光纤2条，
        # 每条月租1350元，全年计3.24万元。”
        "network": [
            "大厅网络维护费用共计15.56万元。其中：网络维护、软件升级费8万元",
            "4.32万元",
            "3.24万元",
        ],
        "network.software": ["网络维护、软件升级费8万元"],
        "network.fiber_hall": ["审批局大厅光纤电路3条", "每条月租", "1200元，", "计4.32万元"],
        "network.fiber_business": ["工商登记专网光纤2条，每条月租1350元", "计3.24万元"],
        # 测算依据 of 其他商品和服务支出3: “通信费用9.11万元。全年程控电话电信费6.6万元。…全年办件量
        # 约30万件，每10万条8000元，短信服务费共计2.51万元。”
        "comms": ["通信费用", "全年程控电话电信费6.6万元"],
        "comms.phone": ["全年程控电话电信费6.6万元"],
        "comms.sms": ["短信服务费", "全年办件量", "30万件", "每10万条8000元"],
        # “全年学习培训费为6.64万。”
        "training": ["全年学习培训费", "6.64万"],
        "total": ["项目当年预算", "746万元"],
        "budget.sum": ["当年预算合计", "746万元"],
        "budget.district": ["1. 财政拨款收入（区级安排数）", "746万元"],
        # “2022年年初预算750万元…2023年预算较2022年预算减少4万元。”
        "change_vs_2022": ["2023年预算较2022年预算减少", "2022年年初预算750万元", "4万元。"],
        "exec_2022": ["预算执行率", "100%"],
    },
    "paishui-shulao.yaml": {
        # “…排水日常疏捞维护经费3717万元。经费需求为：①3717-15（场租）=3702万元；②2023年核定经费为
        # 3702-492（公益一类人员经费）*98%+492=3637.8万元；③3637.8-44.35（调转人员公务费等）
        # =3593.45万元。”
        "drain.base": ["排水日常疏捞维护经费", "3717万元"],
        "drain.step1": ["①", "3717", "−", "场租15", "=3702万元"],
        "drain.step2": ["②2023年核定经费", "3702", "492", "98%", "+492", "=3637.8万元"],
        "drain.step3": ["③", "3637.8", "调转人员公务费等44.35", "=3593.45万元"],
        "drain": ["江汉区排水管网日常疏捞维护经费", "3593.45万元"],
        # “2023年核对经费为207.35*98%=203.2万元。”
        "new": ["新增排水设施疏捞维护", "207.35", "98%", "203.2万元"],
        # “2022年1-7月支出2001.908万元，执行情况 52.05%。”
        "exec_2022": ["2022年1-7月支出2001.908万元", "52.05%"],
    },
    "hongse-wuye.yaml": {
        "party": ["区物业行业党委工作经费", "30万元"],
        "mediation": ["区级物业矛盾纠纷调解工作经费", "20万元"],
        "model_community": ["自管特色示范小区奖励资金", "50万元"],
        "takeover": ["物业服务企业接管老旧小区奖励资金", "1243.48万元"],
        "budget.sum": ["当年预算合计", "1523.48万元"],
    },
    "shipin-erqi.yaml": {
        "power": ["2023年电费", "356"],
        "maintenance": ["延保运维费", "1869.2"],
        "budget.sum": ["当年预算合计", "2225.2"],
    },
    "kehou-fuwu.yaml": {
        "high_school": ["高中课后服务（含税）", "1430"],
        "vocational": ["电子、旅游技能高考课后服务（含税）", "50"],
        "middle_school": ["初中课后服务（含税）", "388"],
        "primary_school": ["小学课后服务（含税）", "541"],
        "total": ["项目当年预算", "2409万元"],
    },
}


@pytest.mark.parametrize(
    ("case", "line_id"),
    [(case, line_id) for case, lines in FORM.items() for line_id in lines],
    ids=lambda x: str(x),
)
def test_our_text_says_what_the_form_says(case: str, line_id: str) -> None:
    text = cesuan.explain(CASES / case, line_id)
    missing = [phrase for phrase in FORM[case][line_id] if phrase not in text]
    assert not missing, f"{case} {line_id}: {missing} not in {text!r}"


def test_a_sum_the_form_writes_in_full_is_written_the_same() -> None:
    # 测算依据 of 维修（护）费, copied whole from the form.
    form = (
        "大厅维护费用共计9.5万元。其中：大厅花木租摆费3万元；消防器材、空调清洗费1万元；"
        "饮用水、一次性水杯费1.5万元；大厅环境消毒经费4万元。"
    )
    assert cesuan.explain(CASES / "shenpi-dating.yaml", "maint") == form
