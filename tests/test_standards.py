"""Standards as data with dates (issue 15): the version in force for a budget year."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cesuan.errors import CesuanError, ErrorKind
from cesuan.standards import Standard, load_standards, parse_standard, standard
from cesuan.standards_cli import standards_json

TWO_VERSIONS = """
title: 测试标准
issuer: 某局
region: 某区
unit: 元/(人·月)
versions:
  - value: 100 元/(人·月)
    document: 《旧办法》
    number: 某发〔2020〕1号
    from: 2020-01-01
    to: 2022-12-31
  - value: 120 元/(人·月)
    document: 《新办法》
    number: 某发〔2023〕2号
    from: 2023-01-01
"""


def test_the_budget_year_picks_the_version_in_force() -> None:
    s = parse_standard("t.two", TWO_VERSIONS, "t.yaml")
    assert s.in_force(2022).value == "100 元/(人·月)"
    assert s.in_force(2023).value == "120 元/(人·月)"
    assert s.in_force(2030).citation() == "《新办法》（某发〔2023〕2号）"


def test_a_year_before_every_version_is_refused_with_the_known_versions() -> None:
    s = parse_standard("t.two", TWO_VERSIONS, "t.yaml")
    with pytest.raises(CesuanError) as e:
        s.in_force(2019)
    assert e.value.kind is ErrorKind.STANDARD_NOT_IN_FORCE
    assert "2019" in str(e.value)
    assert "100 元/(人·月)（2020年1月1日起至2022年12月31日）" in (e.value.hint or "")


def test_a_change_in_the_middle_of_a_year_is_not_a_whole_year_value() -> None:
    text = TWO_VERSIONS.replace("to: 2022-12-31", "to: 2023-06-30").replace(
        "from: 2023-01-01", "from: 2023-07-01"
    )
    s = parse_standard("t.mid", text, "t.yaml")
    with pytest.raises(CesuanError) as e:
        s.in_force(2023)
    assert "中途调整" in str(e.value)
    assert s.versions[1].covers(dt.date(2023, 7, 1))


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (("to: 2022-12-31", "to: 2023-03-01"), "重叠"),  # overlaps the next version
        (("value: 120 元/(人·月)", "value: 120 元"), "量纲"),  # 元 is not 元/(人·月)
        (("to: 2022-12-31", "to: 2019-12-31"), "早于"),
    ],
)
def test_inconsistent_files_are_refused(change: tuple[str, str], why: str) -> None:
    with pytest.raises(CesuanError) as e:
        parse_standard("t.bad", TWO_VERSIONS.replace(*change), "t.yaml")
    assert e.value.kind is ErrorKind.SCHEMA
    assert e.value.file == "t.yaml"
    assert why in str(e.value)


def test_unknown_standard_suggests_the_nearest() -> None:
    with pytest.raises(CesuanError) as e:
        standard("jianghan.safety_servce")
    assert e.value.kind is ErrorKind.UNKNOWN_STANDARD
    assert e.value.hint == "是否为 'jianghan.safety_service'？"


def test_shipped_standards_load_and_state_what_the_forms_say() -> None:
    known = load_standards()
    # 审批大厅: "行政审批局核定的经费标准为1.5万元/年" (2022 onwards per the form).
    assert known["jianghan.safety_service"].in_force(2023).value == "1.5 万元/年"
    # 红色物业: 区物业行业党委工作经费 30万元 under 江房局发〔2021〕7号.
    v = known["jianghan.property_party_fund"].in_force(2023)
    assert v.number == "江房局发〔2021〕7号"
    assert v.from_ is None  # the form gives no effective date; none is invented
    for s in known.values():
        for version in s.versions:
            assert version.quote, f"{s.id}: every shipped version says where it is stated"


def test_a_bare_year_is_kept_as_a_year() -> None:
    # "2022年起" with no day: in force for budget years 2022 and later, shown and traced as
    # the year alone (no day the document does not give).
    s = parse_standard(
        "t.year",
        TWO_VERSIONS.replace("from: 2023-01-01", "from: 2023").replace(
            "to: 2022-12-31", "to: 2022"
        ),
        "t.yaml",
    )
    assert s.in_force(2022).value == "100 元/(人·月)"  # to: 2022 → through 31 December 2022
    assert s.in_force(2023).value == "120 元/(人·月)"
    assert s.versions[1].period_text() == "2023年起"
    assert s.versions[0].period_text() == "2020年1月1日起至2022年"
    assert s.trace(s.versions[1])["from"] == "2023"
    assert not s.versions[1].covers(dt.date(2022, 12, 31))


def test_standards_json_writes_every_date_as_text() -> None:
    # A year alone and a full date are one JSON type (text), as in the trace; null where unstated.
    s = parse_standard("t.year", TWO_VERSIONS.replace("to: 2022-12-31", "to: 2022"), "t.yaml")
    data = json.loads(standards_json({"t.year": s}))
    periods = [(v["from"], v["to"]) for v in data["t.year"]["versions"]]
    assert periods == [("2020-01-01", "2022"), ("2023-01-01", None)]
    shipped = json.loads(standards_json(load_standards()))
    # 江汉区安全生产服务机构经费：“2022年聘请……” — the year alone.
    assert shipped["jianghan.safety_service"]["versions"][0]["from"] == "2022"


@st.composite
def _timelines(draw: st.DrawFn) -> list[tuple[dt.date | None, dt.date | None]]:
    """1–3 versions in time order, each [from, to], gaps allowed, open ends possible."""
    days = draw(
        st.lists(
            st.dates(dt.date(2016, 1, 1), dt.date(2024, 12, 31)),
            min_size=2,
            max_size=6,
            unique=True,
        ).filter(lambda d: len(d) % 2 == 0)
    )
    days.sort()
    spans: list[tuple[dt.date | None, dt.date | None]] = list(
        zip(days[::2], days[1::2], strict=True)
    )
    if draw(st.booleans()):
        spans[0] = (None, spans[0][1])
    if draw(st.booleans()):
        spans[-1] = (spans[-1][0], None)
    return spans


@given(_timelines(), st.integers(2014, 2026))
def test_the_version_picked_is_the_one_in_force_on_every_day_of_the_year(
    spans: list[tuple[dt.date | None, dt.date | None]], year: int
) -> None:
    versions = [
        {"value": f"{100 + i} 元", "document": f"《第{i}号办法》", "from": a, "to": b}
        for i, (a, b) in enumerate(spans)
    ]
    s = Standard.model_validate(
        {"id": "t.p", "title": "t", "region": "r", "unit": "元", "versions": versions}
    )
    # Oracle: day by day over the year, with plain comparisons of the drawn dates.
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    whole = [
        i
        for i, (a, b) in enumerate(spans)
        if (a is None or a <= first) and (b is None or last <= b)
    ]
    if whole:
        assert s.in_force(year).value == f"{100 + whole[0]} 元"
        assert len(whole) == 1
    else:
        with pytest.raises(CesuanError) as e:
            s.in_force(year)
        assert e.value.kind is ErrorKind.STANDARD_NOT_IN_FORCE
        some_day = any((a is None or a <= last) and (b is None or first <= b) for a, b in spans)
        assert ("中途调整" in str(e.value)) == some_day
