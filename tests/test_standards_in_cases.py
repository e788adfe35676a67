"""A case input taken from the standards library (issue 15): the case's budget year picks the
version in force, its value flows into the calculation, the trace (which standard, which
version, 文号) and the hash, and the 测算依据 text cites it; a year no version covers, a case
without a year and an unknown standard are located errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import cesuan
from cesuan import CesuanError, CesuanErrors, standards
from cesuan.basis import explain_line
from cesuan.standards import parse_standard
from tests.test_standards import TWO_VERSIONS  # 100 in 2020–2022, 120 from 2023


@pytest.fixture(autouse=True)
def library(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped library plus test standards (t.two, and t.same with 文号 of its own)."""
    shipped = standards.load_standards()
    extra = {
        "t.two": parse_standard("t.two", TWO_VERSIONS, "t.yaml"),
        "t.mid": parse_standard(
            "t.mid",
            TWO_VERSIONS.replace("to: 2022-12-31", "to: 2023-06-30").replace(
                "from: 2023-01-01", "from: 2023-07-01"
            ),
            "t.yaml",
        ),
        "t.same": parse_standard(
            "t.same", TWO_VERSIONS.replace("某发〔2023〕2号", "另发〔2023〕9号"), "t.yaml"
        ),
    }
    monkeypatch.setattr(standards, "load_standards", lambda: {**shipped, **extra})


def case(year: int | None, std: str = "t.two", **fee: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "case": "t.case",
        "title": "测试",
        "lines": [
            {
                "id": "pay",
                "label": "补助",
                "formula": "people * fee * months",
                "inputs": {
                    "people": {"value": "3 人", "label": "人数"},
                    "fee": {"standard": std, "label": "补助标准", **fee},
                    "months": {"value": "12 月"},
                },
            }
        ],
    }
    if year is not None:
        data["year"] = year
    return data


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2020, "3600 元"),  # first year of the old version: 3 × 100 × 12 = 3600
        (2022, "3600 元"),  # its last year (to 2022-12-31)
        (2023, "4320 元"),  # first year of the new one: 3 × 120 × 12 = 4320
        (2031, "4320 元"),  # open end: still in force
    ],
)
def test_the_budget_year_picks_the_value(year: int, expected: str) -> None:
    assert str(cesuan.evaluate(case(year))["pay"].quantity) == expected


def _one_error(data: dict[str, Any]) -> CesuanError:
    with pytest.raises(CesuanError) as info:
        cesuan.evaluate(data)
    err = info.value
    if isinstance(err, CesuanErrors):
        assert len(err) == 1
        return err.errors[0]
    return err


def test_a_year_before_the_first_version_is_a_located_error() -> None:
    err = _one_error(case(2019))
    assert err.kind == "standard_not_in_force"
    assert (err.line_id, err.field, err.text) == ("pay", "lines[pay].inputs.fee.standard", "t.two")
    assert "2019" in err.message
    assert err.hint == (
        "已知版本：100 元/(人·月)（2020年1月1日起至2022年12月31日）；"
        "120 元/(人·月)（2023年1月1日起）"
    )


def test_a_year_in_which_the_standard_changes_is_refused() -> None:
    err = _one_error(case(2023, "t.mid"))
    assert err.kind == "standard_not_in_force"
    assert "中途调整" in err.message


def test_a_case_without_a_year_cannot_use_a_standard() -> None:
    err = _one_error(case(None))
    assert err.kind == "standard_not_in_force"
    assert "year" in err.message
    assert "100 元/(人·月)" in (err.hint or "")


def test_an_unknown_standard_suggests_the_nearest() -> None:
    err = _one_error(case(2023, "t.tow"))
    assert err.kind == "unknown_standard"
    assert err.hint == "是否为 't.two'？"


def test_a_value_and_a_standard_together_are_refused() -> None:
    err = _one_error(case(2023, value="5 元/(人·月)"))
    assert err.kind == "schema"
    assert err.field is not None
    assert err.field.endswith("inputs.fee")


def test_the_trace_names_the_standard_the_version_and_its_number() -> None:
    trace = cesuan.evaluate(case(2023)).to_dict()["lines"]["pay"]["inputs"]["fee"]
    assert trace["value"] == "120 元/(人·月)"
    assert trace["standard"] == {
        "id": "t.two",
        "title": "测试标准",
        "issuer": "某局",
        "region": "某区",
        "value": "120 元/(人·月)",
        "document": "《新办法》",
        "number": "某发〔2023〕2号",
        "from": "2023-01-01",
        "to": None,
    }


def test_the_hash_covers_the_number_of_the_document() -> None:
    # Same value (120 元/(人·月) in 2023) from two documents: the trace must tell them apart.
    a = cesuan.evaluate(case(2023, "t.two")).to_dict()["lines"]["pay"]["hash"]
    b = cesuan.evaluate(case(2023, "t.same")).to_dict()["lines"]["pay"]["hash"]
    assert a != b


def test_the_basis_cites_the_document_the_way_forms_do() -> None:
    text = explain_line(cesuan.evaluate(case(2023)), "pay")
    assert text.startswith("补助：按《新办法》（某发〔2023〕2号）规定的测试标准，人数3人×")
    assert "补助标准120元/人/月" in text  # units as forms write them (docs/formulas.md)
    assert "4320元" in text


def test_the_quote_of_a_standard_input_is_still_checked(tmp_path: Path) -> None:
    (tmp_path / "s.txt").write_text("每人每月补助120元", encoding="utf-8")
    good = {**case(2023, quote="每人每月补助120元"), "source": "s.txt"}
    assert str(cesuan.evaluate(cesuan.load_case(good, base_dir=tmp_path))["pay"].quantity) == (
        "4320 元"
    )
    bad = {**case(2023, quote="每人每月补助150元"), "source": "s.txt"}
    with pytest.raises(CesuanError) as info:
        cesuan.load_case(bad, base_dir=tmp_path)
    assert "quote_not_in_source" in str(info.value.to_dict())


def test_a_standard_input_is_not_reported_as_lacking_a_source() -> None:
    found = cesuan.audit(cesuan.evaluate(case(2023))).findings
    assert [f.kind for f in found if "fee" in f.message] == []


def test_standards_of_one_document_are_cited_once() -> None:
    # t.two and t.same are two standards whose 2022 versions both come from 《旧办法》
    # （某发〔2020〕1号）: one document, cited once, with the plain 规定的标准.
    data = case(2022)
    data["lines"][0]["formula"] = "people * fee * months + people * again * months"
    data["lines"][0]["inputs"]["again"] = {"standard": "t.same"}
    # 3 × 100 × 12 + 3 × 100 × 12 = 7200 (t.same's 2022 version is the same 100 元/(人·月)).
    text = explain_line(cesuan.evaluate(data), "pay")
    assert text.startswith("补助：按《旧办法》（某发〔2020〕1号）规定的标准，人数3人×")
    assert text.count("《旧办法》") == 1
    assert "7200元" in text


ROOT = Path(__file__).resolve().parents[1]
SOURCES = {p: p.read_text(encoding="utf-8") for p in (ROOT / "cases").rglob("*.source.txt")}


@pytest.mark.parametrize("sid", sorted(standards.load_standards()))
def test_every_shipped_version_is_stated_in_a_bundled_source(sid: str) -> None:
    """Nothing in the library is invented: each version's quote is verbatim in a bundled
    form's source text, and so is its 文号, when it has one."""
    for v in standards.load_standards()[sid].versions:
        assert v.quote is not None
        holding = [t for t in SOURCES.values() if v.quote in t]
        assert holding, f"{sid}: quote not in any cases/**.source.txt"
        if v.number is not None:
            assert any(v.number in t for t in holding), f"{sid}: 文号 not beside the quote"


@pytest.mark.parametrize(
    ("case_file", "line", "cited"),
    [
        ("jianghan-2023/shenpi-dating.yaml", "safety", "按区委安委办核定标准，"),
        ("jianghan-2023/paishui-shulao.yaml", "new", "（江财评[2021]019号）规定的"),
        ("yunxiao-czj-2017/cunji.yaml", "county", "（闽财农改〔2015〕10号）规定的标准，"),
    ],
)
def test_the_bundled_cases_cite_their_standards(case_file: str, line: str, cited: str) -> None:
    assert cited in explain_line(cesuan.evaluate(ROOT / "cases" / case_file), line)


def test_a_what_if_replaces_the_standard_and_records_it() -> None:
    from cesuan.scenario import apply_overrides

    case_file = ROOT / "cases" / "yunxiao-czj-2017" / "cunji.yaml"
    new = cesuan.evaluate(apply_overrides(case_file, {"yunling.base": "5 万元/个"}))
    # 云陵镇: (4 村 + 15 社区) × 5 万元 + 0 贫困村 × 1 万元 = 95 万元 (the standard gave 4: 76 万元).
    assert str(new["yunling"].quantity) == "95 万元"
    (o,) = new.case.overrides
    assert (o.old, o.new) == ("4 万元/个", "5 万元/个")
    assert (
        o.old_source
        == "《福建省村级组织运转经费管理办法》（闽财农改〔2015〕10号）（标准 yunxiao.village_operation）"
    )
    (yunling,) = [x for x in new.case.lines if x.id == "yunling"]
    assert yunling.inputs["base"].standard is None  # the value is no longer the standard's


def test_a_what_if_on_a_standard_without_a_year_is_a_located_error() -> None:
    from cesuan.scenario import apply_overrides

    with pytest.raises(CesuanError) as info:
        apply_overrides(case(None), {"pay.fee": "130 元/(人·月)"})
    err = info.value.errors[0] if isinstance(info.value, CesuanErrors) else info.value
    assert err.kind == "standard_not_in_force"
    assert (err.line_id, err.field) == ("pay", "pay.fee")  # from the api: the target


def test_docs_standards_md_carries_the_generated_table() -> None:
    from cesuan.standards_cli import MD_BEGIN, MD_END, standards_markdown

    doc = (ROOT / "docs" / "standards.md").read_text(encoding="utf-8")
    shown = doc[doc.index(MD_BEGIN) : doc.index(MD_END) + len(MD_END)]
    shipped = {k: v for k, v in standards.load_standards().items() if not k.startswith("t.")}
    assert shown == standards_markdown(shipped), (
        "docs/standards.md 的标准表与标准文件不一致：运行 cesuan standards --format md 替换标记之间的内容"
    )


def test_the_listing_for_a_year_leaves_out_what_is_not_in_force() -> None:
    from cesuan.standards_cli import standards_text

    text = standards_text(standards.load_standards(), 2021)
    assert "jianghan.safety_service  " not in text  # in force from 2022 (the year alone) on
    assert text.endswith("2021 年度没有整年有效版本的：jianghan.safety_service。")


def test_the_workbook_names_the_standard_beside_the_input() -> None:
    import io

    import openpyxl

    from cesuan.export import workbook_bytes

    data = workbook_bytes([cesuan.evaluate(case(2023))])
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws is not None
    row = next(r for r in ws.iter_rows(values_only=True) if r[:2] == ("pay", "fee"))
    assert row[3] == 120  # the 2023 version's value
    assert row[6] == "《新办法》（某发〔2023〕2号）（标准 t.two）"
