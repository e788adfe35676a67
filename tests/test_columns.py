"""Columns (issue 11): a case with `columns:` gives, per column, what the single-column case
gives; column order does not matter; cells and cross-column lines are what the docs say.

The single-column cases the property compares with are built here from the same numbers as plain
cases (no columns), not by cesuan.columns."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cesuan
from cesuan import CesuanError

ROOT = Path(__file__).resolve().parents[1]

SELF_EVALUATION = {
    "case": "demo.cols",
    "title": "自评表",
    "columns": [
        {"name": "年初预算", "key": "initial"},
        {"name": "调整后预算数", "key": "adjusted"},
        {"name": "预算执行数", "key": "executed"},
    ],
    "lines": [
        {
            "id": "fiscal",
            "label": "财政资金",
            "stated": {
                "年初预算": "0.00 万元",
                "调整后预算数": "3.36 万元",
                "预算执行数": "3.36 万元",
            },
        },
        {
            "id": "other",
            "label": "其他资金",
            "stated": {"initial": "0 万元", "adjusted": "0.5 万元", "executed": "0.4 万元"},
        },
        {
            "id": "total",
            "label": "总额",
            "formula": "fiscal + other",
            "stated": {
                "年初预算": "0.00 万元",
                "调整后预算数": "3.86 万元",
                "预算执行数": "3.86 万元",
            },
        },
        # An ordinary line over two cells: 执行率 = 执行数 / 调整后预算数 of the same row.
        {
            "id": "rate",
            "label": "执行率",
            "formula": "total.executed / total.adjusted",
            "round": {"places": 4},
            "stated": "98.96%",
        },
    ],
}


def test_self_evaluation_table_by_hand() -> None:
    result = cesuan.evaluate(SELF_EVALUATION)
    # total = fiscal + other per column: 0 + 0 = 0; 3.36 + 0.5 = 3.86; 3.36 + 0.4 = 3.76.
    assert [str(result[f"total.{k}"].quantity) for k in ("initial", "adjusted", "executed")] == [
        "0 万元",
        "3.86 万元",
        "3.76 万元",
    ]
    # 3.76 / 3.86 = 0.974093… → 0.9741 (four places, half-up) = 97.41%, not the stated 98.96%.
    assert result["rate"].quantity.magnitude == Decimal("0.9741")
    audit = cesuan.audit(result)
    bad = {(f.line_id, f.label) for f in audit.findings if f.severity == "error"}
    # The executed cell of 总额 (3.86 stated, 3.76 computed) and the rate built on it.
    assert ("total.executed", "总额·预算执行数") in bad
    assert "rate" in {lid for lid, _ in bad}
    assert ("total.adjusted", "总额·调整后预算数") not in bad


def test_a_line_without_per_column_values_is_shared() -> None:
    case = {
        "case": "demo.shared",
        "title": "标准",
        "columns": [2021, 2022],
        "lines": [
            {"id": "rate", "label": "标准", "value": "800 元/人"},
            {
                "id": "cost",
                "label": "补助",
                "formula": "people * rate",
                "inputs": {"people": {"2021": "10 人", "y2022": "12 人"}},
            },
        ],
    }
    result = cesuan.evaluate(case)
    assert list(result) == ["rate", "cost.y2021", "cost.y2022"]
    # 10 × 800 = 8000 元; 12 × 800 = 9600 元.
    assert str(result["cost.y2021"].quantity) == "8000 元"
    assert str(result["cost.y2022"].quantity) == "9600 元"
    assert [ln.label for ln in result.case.lines][2] == "补助·2022"


def test_a_line_using_a_per_column_line_is_per_column_through_refs_too() -> None:
    case = {
        "case": "demo.refs",
        "title": "规则",
        "columns": [{"name": "中央", "key": "central"}, {"name": "省", "key": "province"}],
        "lines": [
            {"id": "x", "label": "甲", "value": {"中央": "3 万元", "省": "4 万元"}},
            {"id": "y", "label": "乙", "value": "1 万元"},
            {
                "id": "s",
                "label": "合计",
                "use": "budget.sum2",
                "inputs": {"a": {"ref": "x"}, "b": {"ref": "y"}},
                "unit": "万元",
            },
            {"id": "t", "label": "再合计", "formula": "s * 2", "unit": "万元"},
        ],
    }
    result = cesuan.evaluate(case)
    # s = x + y per column: 3 + 1 = 4, 4 + 1 = 5; t = 2s: 8, 10.
    assert [
        str(result[i].quantity) for i in ("s.central", "s.province", "t.central", "t.province")
    ] == [
        "4 万元",
        "5 万元",
        "8 万元",
        "10 万元",
    ]


def test_an_error_in_one_column_points_at_that_columns_text(tmp_path: Path) -> None:
    f = tmp_path / "c.yaml"
    f.write_text(
        "case: c\ntitle: t\ncolumns: [2021, 2022]\nlines:\n"
        "  - id: a\n    label: 甲\n    stated:\n      2021: 3 万元\n      2022: 3 平房米\n",
        encoding="utf-8",
    )
    with pytest.raises(CesuanError) as info:
        cesuan.evaluate(cesuan.load_case(f))
    err = info.value
    assert (err.kind, err.line, err.line_id) == ("unknown_unit", 9, "a.y2022")


def test_an_expanded_id_may_not_collide_with_a_written_one() -> None:
    case = {
        "case": "c",
        "title": "t",
        "columns": [2021, 2022],
        "lines": [
            {"id": "a", "label": "甲", "value": {"2021": "1 元", "2022": "2 元"}},
            {"id": "a.y2021", "label": "乙", "value": "1 元"},
        ],
    }
    with pytest.raises(CesuanError) as info:
        cesuan.load_case(case)
    assert "a.y2021" in info.value.message
    assert info.value.hint


def test_a_case_without_columns_is_unchanged() -> None:
    path = ROOT / "cases" / "examples" / "hall-rent.yaml"
    case = cesuan.load_case(path)
    assert case.columns == ()
    assert [line.id for line in case.lines][:2] == ["hall.rent", "hall.power"]


# --- the property: per column exactly what the single-column case gives ---------------------

_amount = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def _tables(
    draw: st.DrawFn,
) -> tuple[list[tuple[str, str]], dict[str, dict[str, Decimal | int]], Decimal]:
    keys = draw(
        st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), min_size=1, max_size=4, unique=True)
    )
    cols = [(f"第{k}列", f"k{k}") for k in keys]
    cells = {
        key: {
            "people": draw(st.integers(0, 10**6)),
            "extra": draw(_amount),
            "stated": draw(_amount),
        }
        for _, key in cols
    }
    rate = draw(
        st.decimals(min_value=0, max_value=10**4, places=2, allow_nan=False, allow_infinity=False)
    )
    return cols, cells, rate


def _lines(people: Any, extra: Any, stated: Any, rate: Decimal) -> list[dict[str, Any]]:
    return [
        {
            "id": "cost",
            "label": "补助",
            "formula": "people * rate",
            "unit": "万元",
            "inputs": {"people": people, "rate": f"{rate} 元/人"},
        },
        {"id": "extra", "label": "其他", "value": extra},
        {"id": "total", "label": "合计", "formula": "cost + extra", "stated": stated},
    ]


def _column_case(
    cols: list[tuple[str, str]], cells: dict[str, dict[str, Any]], rate: Decimal
) -> dict[str, Any]:
    def per(field: str, unit: str) -> dict[str, str]:
        return {name: f"{cells[key][field]} {unit}" for name, key in cols}

    return {
        "case": "p.cols",
        "title": "列",
        "columns": [{"name": n, "key": k} for n, k in cols],
        "lines": _lines(per("people", "人"), per("extra", "万元"), per("stated", "万元"), rate),
    }


def _single_case(cell: dict[str, Any], rate: Decimal) -> dict[str, Any]:
    return {
        "case": "p.one",
        "title": "单列",
        "lines": _lines(
            f"{cell['people']} 人", f"{cell['extra']} 万元", f"{cell['stated']} 万元", rate
        ),
    }


def _per_line(
    audit: cesuan.Audit, suffix: str
) -> dict[str, tuple[str, str | None, tuple[str, ...]]]:
    """line id (without the column suffix) → (value, status, finding kinds)."""
    out = {}
    for lr in audit.result.lines:
        if not lr.id.endswith(suffix):
            continue
        base = lr.id.removesuffix(suffix)
        status = next((c.status for c in audit.checks if c.line_id == lr.id), None)
        kinds = tuple(sorted(f.kind for f in audit.findings if f.line_id == lr.id))
        out[base] = (str(lr.quantity), status, kinds)
    return out


@settings(max_examples=30, deadline=None)
@given(_tables(), st.randoms(use_true_random=False))
def test_each_column_is_the_single_column_case(table: Any, rnd: Any) -> None:
    cols, cells, rate = table
    audit = cesuan.audit(_column_case(cols, cells, rate))
    shuffled = list(cols)
    rnd.shuffle(shuffled)
    reordered = cesuan.audit(_column_case(shuffled, cells, rate))
    for _, key in cols:
        single = _per_line(cesuan.audit(_single_case(cells[key], rate)), "")
        assert set(single) == {"cost", "extra", "total"}
        assert _per_line(audit, f".{key}") == single
        assert _per_line(reordered, f".{key}") == single


def test_python_mappings_may_use_int_years() -> None:
    case = {
        "case": "c",
        "title": "t",
        "columns": [2021, 2022],
        "lines": [{"id": "a", "label": "甲", "value": {2021: "1 元", 2022: "2 元"}}],
    }
    result = cesuan.evaluate(case)
    assert [str(result[i].quantity) for i in ("a.y2021", "a.y2022")] == ["1 元", "2 元"]


def test_a_cell_quote_in_one_column_is_located_at_that_column(tmp_path: Path) -> None:
    (tmp_path / "s.txt").write_text("资金 | 7 | 0 |\n", encoding="utf-8")
    f = tmp_path / "c.yaml"
    f.write_text(
        "case: c\ntitle: t\nsource: s.txt\ncolumns: [2021, 2022]\nlines:\n"
        "  - id: a\n    label: 甲\n    stated:\n"
        '      2021: {value: 7 元, quote: {text: "资金 | 7 | 0 |", cell: 2}}\n'
        '      2022: {value: 0 元, quote: {text: "资金 | 7 | 0 |", cell: 4}}\n',
        encoding="utf-8",
    )
    with pytest.raises(CesuanError) as info:
        cesuan.load_case(f)
    err = info.value
    # "资金 | 7 | 0 |": the empty piece after the last | does not count, so 3 cells.
    assert (err.kind, err.line, err.line_id) == ("quote_not_in_source", 10, "a.y2022")
    assert "3 格" in err.message


def test_an_expansion_past_the_line_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cesuan.columns.MAX_LINES", 5)
    case = {
        "case": "c",
        "title": "t",
        "columns": [2021, 2022, 2023],
        "lines": [
            {"id": "a", "label": "甲", "value": {"2021": "1 元", "2022": "1 元", "2023": "1 元"}},
            {"id": "b", "label": "乙", "formula": "a * 2"},  # per column through a: 6 lines
        ],
    }
    with pytest.raises(CesuanError) as info:
        cesuan.load_case(case)
    assert info.value.kind == "size_limit"


def test_a_per_column_input_without_columns_is_refused_with_a_hint() -> None:
    case = {
        "case": "c",
        "title": "t",
        "lines": [
            {"id": "a", "label": "甲", "formula": "x", "inputs": {"x": {"年初": "1 元"}}},
        ],
    }
    with pytest.raises(CesuanError) as info:
        cesuan.load_case(case)
    assert info.value.field == "lines[a].inputs.x"
    assert "columns" in (info.value.hint or "")


def test_a_what_if_names_one_cell() -> None:
    case = cesuan.apply_overrides(
        ROOT / "cases/daying-sfj-2023/anke.yaml", {"fiscal.adjusted.stated": "3.5 万元"}
    )
    audit = cesuan.audit(case)
    bad = {f.line_id for f in audit.findings if f.severity == "error"}
    # 财政资金 执行率 over the stated cells: 3.36 / 3.5 = 0.96, stated 100.00%; the adjusted
    # column's source sum 3.5 + 0.00 + 0.00 = 3.5 against 总额's 3.36. The other columns hold.
    assert bad == {"fiscal.rate", "sources.adjusted"}
