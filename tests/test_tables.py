"""Table reading: layouts, units per column, columns that are never money, totals, headline figures."""

from decimal import Decimal

from orchestration.extract import tables
from orchestration.extract.articles import segment
from orchestration.extract.document import extract_document

# A notice with its attachment scraped one cell per line, as web pages arrive: a caption, a rule row,
# units in the column headers, a count column, a rate column, an empty cell and a 合计 row.
WEB_TABLE_NOTICE = """关于下达2024年第三季度高龄津贴的通知
各街道办事处：
现下达2024年第三季度高龄津贴共计4.5万元，请按时足额发放到人。
附件：2024年第三季度高龄津贴分配表
某县民政局 某县财政局
2024年7月2日
附件：
2024年第三季度高龄津贴分配表 |
||||||
街道 |
老人数(人) |
津贴标准(元/人/月) |
发放金额(元) |
东关街道 |
10 |
500 |
15000 |
西城街道 |
20 |
500 |
30000 |
合计 |
30 |
 |
45000 |
"""


def _cells(text: str) -> list[tuple[str, str, str, Decimal, bool]]:
    return [
        (c.money.text, c.row_label, c.column_header, c.money.yuan, c.per_unit)
        for c in tables.table_cells(text, 0, len(text))
    ]


def test_one_cell_per_line_rows_are_rebuilt_from_the_header():
    assert _cells(WEB_TABLE_NOTICE) == [
        ("500", "东关街道", "津贴标准(元/人/月)", Decimal(500), True),
        ("15000", "东关街道", "发放金额(元)", Decimal(15000), False),
        ("500", "西城街道", "津贴标准(元/人/月)", Decimal(500), True),
        ("30000", "西城街道", "发放金额(元)", Decimal(30000), False),
        ("45000", "合计", "发放金额(元)", Decimal(45000), False),
    ]


def test_web_table_cells_become_amounts_with_row_column_and_total():
    ex = extract_document(WEB_TABLE_NOTICE)
    assert len(ex.articles) == 1
    cells = {a.char_start: a for a in ex.amounts if a.table_row is not None}
    assert all(WEB_TABLE_NOTICE[a.char_start : a.char_end] == a.amount_text for a in cells.values())
    assert all(a.header_unit == "元" for a in cells.values())
    standards = [a for a in cells.values() if a.table_column.startswith("津贴标准")]
    assert {a.measure for a in standards} == {"per_capita"}
    total = next(a for a in cells.values() if a.table_row == "合计")
    assert total.is_total
    parts = [a for a in cells.values() if a.parent_char_start == total.char_start]
    assert sorted(a.amount_text for a in parts) == ["15000", "30000"]
    prose = next(a for a in ex.amounts if a.amount_text == "4.5万元")
    assert total.repeats_char_start == prose.char_start  # the 合计 states the notice's figure again


def test_blank_line_cells_with_a_unit_line_and_two_sides():
    text = (
        "表2 2023年县级政府性基金收支决算表\n\n单位：万元\n\n收入项目\n\n决算数\n\n支出项目\n\n决算数\n\n"
        "土地出让收入\n\n5200\n\n城乡社区支出\n\n4800\n\n彩票公益金收入\n\n35\n\n其他支出\n\n12.5\n"
    )
    assert _cells(text) == [
        ("5200", "土地出让收入", "决算数", Decimal(52000000), False),
        ("4800", "城乡社区支出", "决算数", Decimal(48000000), False),
        ("35", "彩票公益金收入", "决算数", Decimal(350000), False),
        ("12.5", "其他支出", "决算数", Decimal(125000), False),
    ]


def test_a_sequence_number_column_and_a_total_row_without_one():
    cells = ["序号", "县区", "分配金额（万元）", "1", "甲县", "1200", "2", "乙县", "800", "合计", "", "2000"]
    one_cell_per_line = "".join(f"{c} |\n" for c in cells)
    rows = [
        "序号 | 县区 | 分配金额（万元） | 备注",
        "1 | 甲县 | 1200 | 新建",
        "2 | 乙县 | 800 | 改建",
        "合计 | | 2000 |",
    ]
    one_row_per_line = "\n".join(rows)
    for text in (one_cell_per_line, one_row_per_line):
        assert [(t, label, yuan) for t, label, _, yuan, _ in _cells(text)] == [
            ("1200", "甲县", Decimal(12000000)),
            ("800", "乙县", Decimal(8000000)),
            ("2000", "合计", Decimal(20000000)),
        ]


def test_the_table_unit_stated_in_the_label_column_header():
    cells = ["科目（单位：万元）", "预算数", "执行数", "农林水支出", "100", "90", "交通运输支出", "50", "40"]
    one_row_per_line = "\n".join("\t".join(cells[k : k + 3]) for k in range(0, len(cells), 3))
    for text in ("".join(f"{c} |\n" for c in cells), one_row_per_line):
        assert [(t, label, column, yuan) for t, label, column, yuan, _ in _cells(text)] == [
            ("100", "农林水支出", "预算数", Decimal(1000000)),
            ("90", "农林水支出", "执行数", Decimal(900000)),
            ("50", "交通运输支出", "预算数", Decimal(500000)),
            ("40", "交通运输支出", "执行数", Decimal(400000)),
        ]


def test_counts_rates_years_and_changes_are_never_money():
    text = (
        "项目 | 年度 | 受益户数(户) | 金额(万元) | 比上年增减(万元) | 增长(%)\n"
        "农村公路养护 | 2023 | 120 | 1,250.5 | -30 | 2.1\n"
        "小型水利设施 | 2023 | 85 | 640 | 40 | 6.7\n"
    )
    assert [(t, label, yuan) for t, label, _, yuan, _ in _cells(text)] == [
        ("1,250.5", "农村公路养护", Decimal(12505000)),
        ("640", "小型水利设施", Decimal(6400000)),
    ]


def test_a_column_without_any_unit_is_not_read():
    text = "乡镇\t户数\t人数\t资金\n北山乡\t12\t30\t4500\n南湖镇\t8\t19\t2800\n"
    assert _cells(text) == []
    with_unit = "单位：元\n" + text
    assert [c[0] for c in _cells(with_unit)] == ["4500", "2800"]  # 户数/人数 stay counts


def test_negative_cells_are_left_out():
    text = "单位：万元\n科目\t预算数\t调整数\n教育支出\t300\t-12\n"
    assert [c[0] for c in _cells(text)] == ["300"]


def test_a_headline_figure_is_an_amount_repeating_the_body_figure():
    text = "县财政下达1.2亿元支持春耕生产\n\n发布日期：2024-03-05\n\n近日，县财政局下达春耕生产资金1.2亿元。"
    ex = extract_document(text)
    head, body = sorted(ex.amounts, key=lambda a: a.char_start)
    assert head.in_title and not body.in_title
    assert head.repeats_char_start == body.char_start and body.repeats_char_start is None
    assert (head.fiscal_year, head.period, head.measure) == (body.fiscal_year, body.period, body.measure)
    assert head.program_name == body.program_name == "春耕生产资金"
    assert ex.skipped == []


def test_a_headline_figure_alone_repeats_nothing():
    text = "某区上半年民生支出8.6亿元\n\n今年以来，某区财政部门把民生放在首位，上半年民生支出占比达到八成。"
    ex = extract_document(text)
    assert [(a.amount_text, a.in_title, a.repeats_char_start) for a in ex.amounts] == [("8.6亿元", True, None)]


def test_rules_signatures_and_attachment_captions_do_not_split_the_article():
    arts = segment(WEB_TABLE_NOTICE)
    assert len(arts) == 1
    assert "|" not in arts[0].title
    assert arts[0].body_end == len(WEB_TABLE_NOTICE)


def test_a_per_person_column_holds_standards_unless_it_names_a_payout():
    cells = ["村", "补助标准(元/亩)", "发放金额(元/人)", "上岗村", "95", "1900", "下岗村", "95", "2850"]
    text = "".join(f"{c} |\n" for c in cells)
    assert [(t, per_unit) for t, _, _, _, per_unit in _cells(text)] == [
        ("95", True),
        ("1900", False),
        ("95", True),
        ("2850", False),
    ]


def test_the_table_unit_in_the_captions_brackets():
    text = "2024年耕地地力保护补贴资金分配表（万元）\n乡镇\t补贴资金\n东岗乡\t86.4\n西河镇\t102.5\n"
    assert [(t, label, yuan) for t, label, _, yuan, _ in _cells(text)] == [
        ("86.4", "东岗乡", Decimal(864000)),
        ("102.5", "西河镇", Decimal(1025000)),
    ]
    assert {c.caption for c in tables.table_cells(text, 0, len(text))} == {"2024年耕地地力保护补贴资金分配表"}


def test_single_space_rows_are_read_only_when_every_column_is_there():
    text = (
        "附件：2024年困难残疾人补贴发放表\n乡镇 人数(人) 标准(元/人/月) 发放金额(元)\n"
        "东关镇 12 80 960\n西河乡 20 80 1600\n合计 32 2560\n\n县财政局 2024年3月5日 印发\n"
    )
    assert [(t, label, column) for t, label, column, _, _ in _cells(text)] == [
        ("80", "东关镇", "标准(元/人/月)"),
        ("960", "东关镇", "发放金额(元)"),
        ("80", "西河乡", "标准(元/人/月)"),
        ("1600", "西河乡", "发放金额(元)"),
    ]  # the 合计 row lacks a cell: whether 2560 is a standard or a payout cannot be told


def test_a_grand_total_sums_its_subtotals():
    rows = ["项目\t金额(万元)", "道路\t30", "桥梁\t20", "小计\t50", "学校\t15", "医院\t25", "小计\t40", "合计\t90"]
    text = "\n".join(rows)
    ex = extract_document(text)
    by_text = {(a.table_row, a.amount_text): a for a in ex.amounts}
    grand, first, second = by_text[("合计", "90")], by_text[("小计", "50")], by_text[("小计", "40")]
    assert grand.is_total and first.is_total and second.is_total
    assert first.parent_char_start == second.parent_char_start == grand.char_start
    assert by_text[("道路", "30")].parent_char_start == first.char_start
    assert by_text[("医院", "25")].parent_char_start == second.char_start
