"""cesuan scan: each recogniser on small texts with hand-worked values, the readers, the CLI.

Oracles are worked by hand in the comments; no value is taken from the engine.
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cesuan.cli import main
from cesuan.errors import CesuanError, ErrorKind
from cesuan.scan import scan_document, scan_file
from cesuan.scan.reader import read_document, read_text

FIXTURES = Path(__file__).parent / "scan_fixtures"


def scan(text: str) -> list[tuple[str, str, str | None, str | None]]:
    """(kind, status, computed in the stated unit, stated) of every item."""
    r = scan_document(read_text(text.encode()))
    out = []
    for i in r.items:
        c = i.computed.to(i.stated.unit) if i.computed is not None and i.stated else i.computed
        out.append((i.kind, i.status, None if c is None else str(c), str(i.stated)))
    return out


# --- written expressions ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "status", "computed"),
    [
        # 492 × 0.98 = 482.16; 3702 − 482.16 + 492 = 3711.84 (not 3637.8)
        ("核定经费为3702-492（公益一类人员经费）*98%+492=3637.8万元", "mismatch", "3711.84 万元"),
        # the same, full-width digits and operators
        ("３７０２－４９２×９８％＋４９２＝３６３７．８万元", "mismatch", "3711.84 万元"),
        ("①3717-15（场租）=3702万元；", "holds", "3702 万元"),
        # 207.35 × 0.98 = 203.203, written 203.2: equal once rounded to one place
        ("2023年核对经费为207.35*98%=203.2万元。", "rounded", "203.203 万元"),
        ("3x1200x12=43200元", "holds", "43200 元"),  # x read as ×
        ("10÷4=2.5万元", "holds", "2.5 万元"),
        ("2+3*4=20元", "mismatch", "14 元"),  # precedence: 2 + 12
        ("(2+3)*4=20元", "holds", "20 元"),
        ("（2+3）×4＝20元", "holds", "20 元"),
        ("1/3=0.33", "rounded", "1/3"),  # 0.333… → 0.33 at two places
        ("1/3=0.34", "mismatch", "1/3"),
        ("3条×1200元/条=3600元", "holds", "3600 元"),  # units where written
    ],
)
def test_written_expressions(text: str, status: str, computed: str) -> None:
    items = [i for i in scan(text) if i[0] == "written"]
    assert len(items) == 1
    assert items[0][1] == status
    assert items[0][2] == computed


@pytest.mark.parametrize(
    "text",
    [
        "预算执行完成率=实际支出资金/预算批复资金*100%",  # names, no numbers: not written arithmetic
        "指标值\t=100%\t=100%",  # a target, not a calculation
        "2022年1-7月支出2001.908万元",  # no '='
        "a==1",
        "=====",
    ],
)
def test_not_written_expressions(text: str) -> None:
    assert [i for i in scan(text) if i[0] == "written"] == []


def test_written_expression_with_a_name_is_unchecked_with_reason() -> None:
    r = scan_document(read_text("金额为3*单价=30元".encode()))
    assert [i.status for i in r.items] == []  # the walk stops at 单价: '=' has no number left of it
    r = scan_document(read_text("金额为3*2元*4元=24元".encode()))  # 元² is not 元
    (item,) = r.items
    assert item.status == "unchecked"
    assert "量纲" in item.reason


@settings(max_examples=60, deadline=None)
@given(
    st.decimals(min_value=0, max_value=10**6, places=2),
    st.decimals(min_value=0, max_value=10**4, places=2),
    st.integers(min_value=1, max_value=100),
    st.integers(min_value=1, max_value=10**4),
)
def test_written_property_perturbed_result_is_reported(
    a: Decimal, b: Decimal, pct: int, cents: int
) -> None:
    """a - b*p% + b, evaluated independently with Fraction; the exact result holds, the result
    moved by at least one cent (past any rounding of a two-place result) is always reported."""
    exact = Fraction(a) - Fraction(b) * Fraction(pct, 100) + Fraction(b)
    assert (exact * 10_000).denominator == 1  # two places × a percentage: at most four places
    shown = format(Decimal(exact.numerator) / Decimal(exact.denominator), "f")
    assert scan(f"{a}-{b}*{pct}%+{b}={shown}万元")[0][1] == "holds"
    wrong = format(Decimal(shown) + Decimal(cents) / 100, "f")
    assert scan(f"{a}-{b}*{pct}%+{b}={wrong}万元")[0][1] == "mismatch"


# --- totals and parts ------------------------------------------------------------------------
def test_enumeration_mismatch_and_nested_list() -> None:
    # 3 + 4 + 2 = 9, not 10
    assert scan("培训费用共计10万元。其中：场地费3万元；讲课费4万元；资料费2万元。") == [
        ("enumeration", "mismatch", "9 万元", "10 万元")
    ]
    # 61 + 4 + 16 = 81 (万 read as 万元)
    assert scan("大厅水电气费81万，包括大厅电费61万、水费4万、燃气费16万；") == [
        ("enumeration", "holds", "81 万元", "81 万元")
    ]


def test_enumeration_rates_are_not_parts() -> None:
    # 8 + 4.32 + 3.24 = 15.56; the 1200元 and 1350元 standards are not parts.
    text = (
        "大厅网络维护费用共计15.56万元。其中：网络维护、软件升级费8万元。审批局大厅光纤电路3条，"
        "每条月租费1200元，全年计4.32万元；工商登记专网光纤2条，每条月租1350元，全年计3.24万元。"
    )
    enum = [i for i in scan(text) if i[0] == "enumeration"]
    assert enum == [("enumeration", "holds", "15.56 万元", "15.56 万元")]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("经费共计10万元。其中：场地费3万元。", "只列出一项"),
        ("经费共计10万元。其中：场地费3万元；讲课费4万元另加资料费3万元。", "2 个金额"),
    ],
)
def test_enumeration_unchecked(text: str, reason: str) -> None:
    r = scan_document(read_text(text.encode()))
    (item,) = [i for i in r.items if i.kind == "enumeration"]
    assert item.status == "unchecked"
    assert reason in item.reason


# --- quantity × standard -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "status", "computed"),
    [
        # 3 × 1200 × 12 = 43200 元 = 4.32 万元
        ("光纤电路3条，每条月租费1200元，全年计4.32万元。", "holds", "4.32 万元"),
        ("光纤电路3条，每条月租费1200元，全年计4.5万元。", "mismatch", "4.32 万元"),
        # 8369.34 × 50 × 12 = 5021604 元 = 502.1604 万元
        (
            "大厅租金每年502.1604万元，大厅面积8369.34平方米，以50元每月/平方米标准计算租金，租期3年；",
            "holds",
            "502.1604 万元",
        ),
    ],
)
def test_rates(text: str, status: str, computed: str) -> None:
    items = [i for i in scan(text) if i[0] == "rate"]
    assert items == [("rate", status, computed, items[0][3])]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("全年办件量约30万件，每10万条8000元，短信服务费共计2.51万元。", "约数"),
        ("全年办件量30万件，每10万条8000元，短信服务费共计2.51万元。", "件"),
        ("大厅物业费120.53万元，5580平方米面积按照18元每月计算。", "未写月数"),
    ],
)
def test_rates_unchecked(text: str, reason: str) -> None:
    r = scan_document(read_text(text.encode()))
    (item,) = [i for i in r.items if i.kind == "rate"]
    assert item.status == "unchecked"
    assert reason in item.reason


# --- tables ------------------------------------------------------------------------------------
def test_pipe_table_total_above() -> None:
    r = scan_file(FIXTURES / "pipe-table.txt")
    (item,) = r.items
    # 502.1604 + 120.53 + 81 = 703.6904, written 713.69
    assert (item.kind, item.status, str(item.computed), str(item.stated)) == (
        "table",
        "mismatch",
        "703.6904",
        "713.69",
    )
    assert r.document.position(item.start) == (8, 1)


def test_tab_tables_total_below_and_subtotal_above() -> None:
    r = scan_file(FIXTURES / "tab-tables.txt")
    # 60 + 40 = 100 万元 (合计 heads its rows); 1 + 4 = 5 and 0.65 + 1.40 = 2.05 (小计 closes)
    got = [(i.status, str(i.computed), str(i.stated)) for i in r.items]
    assert got == [
        ("holds", "100 万元", "100 万元"),
        ("holds", "5", "5"),
        ("holds", "2.05", "2.05"),
    ]


def test_table_total_both_ways_wrong_is_unchecked() -> None:
    text = "项目\t金额\n甲\t1\n乙\t2\n合计\t10\n丙\t3\n丁\t4\n"
    (item,) = scan_document(read_text(text.encode())).items
    assert item.status == "unchecked"
    assert "上下两侧" in item.reason


# --- readers -----------------------------------------------------------------------------------
def test_gb18030_is_detected_and_reported() -> None:
    r = scan_file(FIXTURES / "gb18030.txt")
    assert r.document.encoding == "gb18030"
    assert "GB18030" in r.document.notes[0]
    assert {i.status for i in r.items} == {"holds", "rounded"}


@pytest.mark.parametrize("suffix", [".pdf", ".doc", ".xls", ".yaml"])
def test_other_formats_refused_in_chinese(tmp_path: Path, suffix: str) -> None:
    f = tmp_path / f"form{suffix}"
    f.write_bytes(b"x")
    with pytest.raises(CesuanError) as e:
        read_document(f)
    assert "不支持的文件格式" in str(e.value)
    assert ".docx" in str(e.value)


def test_binary_and_undecodable_text_refused() -> None:
    with pytest.raises(CesuanError) as e:
        read_text(b"\x00\x01abc")
    assert "NUL" in str(e.value)
    with pytest.raises(CesuanError) as e:
        read_text(b"\xff\xfe\xfd\xfc" * 3)
    assert e.value.kind is ErrorKind.ENCODING


def test_docx_tables_as_cells(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("核定经费为3702-492*98%+492=3637.8万元。")
    t = d.add_table(rows=4, cols=2)
    for row, cells in zip(
        t.rows, [("项目", "金额"), ("甲", "3万元"), ("乙", "4万元"), ("合计", "8万元")], strict=True
    ):
        for c, v in zip(row.cells, cells, strict=True):
            c.text = v
    f = tmp_path / "form.docx"
    d.save(str(f))
    r = scan_file(f)
    got = sorted((i.kind, i.status, str(i.computed)) for i in r.items)
    # 3 + 4 = 7 万元, not 8; and the written expression as above (3711.84)
    assert got == [("table", "mismatch", "7 万元"), ("written", "mismatch", "3711.84 万元")]


def test_xlsx_cells_exact(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [("项目", "金额"), ("甲", 0.1), ("乙", 0.2), ("合计", 0.3)]:
        ws.append(row)
    f = tmp_path / "form.xlsx"
    wb.save(str(f))
    (item,) = scan_file(f).items
    # 0.1 + 0.2 = 0.3 exactly (read as decimal text; as binary floats it would not be)
    assert (item.status, str(item.computed)) == ("holds", "0.3")


# --- CLI ---------------------------------------------------------------------------------------
SEEDS = Path(__file__).parent.parent / "cases" / "jianghan-2023"


def test_cli_scan_exit_codes_and_formats(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(SEEDS / "hongse-wuye.source.txt")]) == 0
    capsys.readouterr()
    assert main(["scan", "--format", "json", str(SEEDS / "paishui-shulao.source.txt")]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["format_version"] == 1
    bad = [i for i in data["documents"][0]["items"] if i["status"] == "mismatch"]
    assert bad[0]["quote"] == "3702-492（公益一类人员经费）*98%+492=3637.8万元"
    assert bad[0]["position"]["line"] == 23
    assert main(["scan", "--format", "md", str(SEEDS / "paishui-shulao.source.txt")]) == 1
    assert "| 不符 | 表上算式 |" in capsys.readouterr().out


def test_cli_scan_refuses_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "a.pdf"
    f.write_bytes(b"%PDF")
    assert main(["scan", str(f)]) == 2
    err = capsys.readouterr().err
    assert "不支持的文件格式" in err
    assert "Traceback" not in err


def test_docs_console_examples_print_what_they_show(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every `$ cesuan scan …` block in docs/scan.md prints exactly what the doc shows."""
    root = Path(__file__).parent.parent
    monkeypatch.chdir(root)
    doc = (root / "docs" / "scan.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in doc.split("```console\n")[1:]]
    assert blocks
    for block in blocks:
        command, _, shown = block.partition("\n")
        args = command.removeprefix("$ cesuan ").split()
        main(args)
        assert capsys.readouterr().out == shown


@pytest.mark.parametrize(("suffix", "words"), [(".docx", "Word"), (".xlsx", "Excel")])
def test_damaged_office_files_are_a_chinese_error(tmp_path: Path, suffix: str, words: str) -> None:
    pytest.importorskip("docx")
    pytest.importorskip("openpyxl")
    f = tmp_path / f"form{suffix}"
    f.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(CesuanError) as e:
        read_document(f)
    assert f"无法读取 {words} 文件" in str(e.value)


def test_row_totals_across_amount_columns() -> None:
    r = scan_file(FIXTURES / "row-totals.txt")
    got = sorted((i.reason, i.status, str(i.computed), str(i.stated)) for i in r.items)
    assert got == [
        # columns: 300 + 1800 = 2100; 56 + 69.2 = 125.2; 0; 356 + 1879.2 = 2235.2 (not 2225.2)
        ("合计上方各行", "holds", "0", "0"),
        ("合计上方各行", "holds", "125.2", "125.2"),
        ("合计上方各行", "holds", "2100", "2100"),
        ("合计上方各行", "mismatch", "2235.2", "2225.2"),
        # rows: 300 + 56 = 356; 1800 + 69.2 + 0 = 1869.2 (not 1879.2); 2100 + 125.2 + 0
        ("同行各金额列之和", "holds", "2225.2", "2225.2"),
        ("同行各金额列之和", "holds", "356", "356"),
        ("同行各金额列之和", "mismatch", "1869.2", "1879.2"),
    ]


def test_row_totals_skip_columns_that_are_not_amounts() -> None:
    # 数量 and 单价 are not amounts: 3 + 100 is no check of 300.
    text = "品名\t数量\t单价\t合计\n椅子\t3\t100\t300\n"
    assert scan_document(read_text(text.encode())).items == ()


def test_cli_draft_then_audit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "case.yaml"
    assert main(["draft", str(SEEDS / "paishui-shulao.source.txt"), "-o", str(case)]) == 0
    assert (tmp_path / "case.source.txt").exists()
    capsys.readouterr()
    assert main(["audit", str(case)]) == 1
    assert "3711.84" in capsys.readouterr().out


def test_draft_never_overwrites_the_form(tmp_path: Path) -> None:
    form = tmp_path / "case.source.txt"
    data = "经费为3702-492*98%+492=3637.8万元\r\n".encode("gb18030")
    form.write_bytes(data)
    assert main(["draft", str(form), "-o", str(tmp_path / "case.yaml")]) == 0
    assert form.read_bytes() == data
    assert (tmp_path / "case.draft-source.txt").exists()


def test_draft_into_a_missing_directory_is_a_chinese_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "无此目录" / "case.yaml"
    assert main(["draft", str(FIXTURES / "mixed.txt"), "-o", str(out)]) == 2
    assert "输出目录不存在" in capsys.readouterr().err


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.decimals(min_value=0, max_value=10**5, places=2), min_size=2, max_size=6),
    st.integers(min_value=-500, max_value=500).filter(lambda c: c != 0),
)
def test_enumeration_property(parts: list[Decimal], cents: int) -> None:
    """Parts that add up hold; the total moved by any number of cents is reported."""
    total = sum(parts, Decimal(0))  # Decimal addition of two-place values is exact
    listed = "；".join(f"第{k}项{format(p, 'f')}万元" for k, p in enumerate(parts, 1))
    assert scan(f"经费共计{format(total, 'f')}万元。其中：{listed}。")[0][1] == "holds"
    wrong = format(total + Decimal(cents) / 100, "f")
    if Decimal(wrong) >= 0:
        assert scan(f"经费共计{wrong}万元。其中：{listed}。")[0][1] == "mismatch"


@pytest.mark.parametrize(
    ("text", "status", "computed"),
    [
        # 1200 × 3 = 3600, written with a thousands separator
        ("1200*3=3,600元", "holds", "3600 元"),
        ("1,200*3=3,600元", "holds", "3600 元"),
        ("1,200*3=3,700元", "mismatch", "3600 元"),
        # cut at a letter: D300-700 is a pipe size, not 300 − 700
        ("管径D300-700=5", "unchecked", None),
    ],
)
def test_written_precision_guards(text: str, status: str, computed: str | None) -> None:
    (item,) = [i for i in scan(text) if i[0] == "written"]
    assert item[1:3] == (status, computed)


@pytest.mark.parametrize(
    ("text", "status", "reason"),
    [
        # 3 + 7 = 10; the sentence after is another matter
        ("经费共计10万元。其中：甲3万元；乙7万元。设备另计5万元。", "holds", "其后的文字不计入"),
        # 3 + 6 ≠ 10, and 5 more in the next sentence: which sentences belong is not written
        ("经费共计10万元。其中：甲3万元；乙6万元。设备另计5万元。", "unchecked", "跨越多句"),
    ],
)
def test_enumeration_sentences_after_the_parts(text: str, status: str, reason: str) -> None:
    (item,) = [i for i in scan_document(read_text(text.encode())).items if i.kind == "enumeration"]
    assert item.status == status
    assert reason in item.reason


def test_enumeration_last_part_is_never_dropped_within_a_sentence() -> None:
    # 1 + 2 + 0.05 = 3.05; a total written 3.00 is wrong even though 1 + 2 = 3.
    (item,) = scan("经费共计3.00万元。其中：甲1万元；乙2万元；丙0.05万元。")
    assert item[:3] == ("enumeration", "mismatch", "3.05 万元")


@pytest.mark.parametrize(
    "text",
    [
        # 300000 ÷ 100000 × 8000 = 24000 元 = 2.4 万元
        "全年短信30万条，每10万条8000元，共计2.4万元。",
        # 8369.34 × 50 × 12 = 5021604 元 = 502.1604 万元
        "大厅租金每年502.1604万元，大厅面积8369.34平方米，以50元每月/平方米标准计算租金。",
        # 1 ÷ 3 = 0.333…, written 33.33% (rounded at two places of a percentage)
        "比例为1/3=33.33%",
    ],
)
def test_a_calculation_that_holds_drafts_a_case_with_no_finding(text: str) -> None:
    from cesuan import audit, load_case
    from cesuan.scan.draft import draft_case

    r = scan_document(read_text(text.encode()))
    assert {i.status for i in r.items} <= {"holds", "rounded"}
    drafted = audit(load_case(draft_case(r, "f.txt"), source_text=r.document.text))
    assert not drafted.has_errors


def test_docx_keeps_document_order_and_reads_merged_cells_once(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("表前的说明。")
    t = d.add_table(rows=3, cols=3)
    for row, cells in zip(
        t.rows, [("项目", "本级金额", "上级金额"), ("甲", "3", "4"), ("乙", "5", "")], strict=True
    ):
        for c, v in zip(row.cells, cells, strict=True):
            c.text = v
    t.cell(2, 1).merge(t.cell(2, 2))  # 乙's 5 spans both amount columns
    d.add_paragraph("表后的说明。")
    f = tmp_path / "form.docx"
    d.save(str(f))
    text = read_document(f).text
    assert text.index("表前") < text.index("甲") < text.index("表后")
    assert text.count("5") == 1


def test_a_percentage_added_to_a_number_is_not_judged() -> None:
    (item,) = scan_document(read_text("492%-10.05=100万".encode())).items
    assert item.status == "unchecked"
    assert "百分数" in item.reason
