"""Budget-table rows carrying a 支出功能分类 subject code get their class from the code (plain-text tables)."""

from orchestration.extract.document import extract_document
from orchestration.extract.functions import class_of_subject_code

CODED_TABLE = """某县2023年一般公共预算支出决算表
单位：万元
功能分类科目编码\t科目名称\t决算数
210\t卫生健康支出\t6420
21004\t公共卫生\t2100
2100409\t重大公共卫生服务\t900
2100410\t突发公共卫生事件应急处理\t1200
213\t农林水支出\t3800
21301\t农业农村\t3800
\t合计\t10220
"""


def amounts_by_row(text):
    return {a.table_row: a for a in extract_document(text).amounts}


def test_the_code_gives_the_class_at_every_level():
    rows = amounts_by_row(CODED_TABLE)
    for label, code in [
        ("卫生健康支出", "210"),
        ("公共卫生", "210"),
        ("突发公共卫生事件应急处理", "210"),
        ("农业农村", "213"),
    ]:
        assert rows[label].function_code == code
        assert rows[label].function_evidence.startswith("subject code ")
    assert "2100409 (项)" in rows["重大公共卫生服务"].function_evidence
    assert "21301 (款)" in rows["农业农村"].function_evidence


def test_a_row_whose_code_extends_another_is_part_of_it():
    amounts = extract_document(CODED_TABLE).amounts
    by_row = {a.table_row: a for a in amounts}
    at = {a.char_start: a for a in amounts}
    assert at[by_row["重大公共卫生服务"].parent_char_start].table_row == "公共卫生"
    assert at[by_row["公共卫生"].parent_char_start].table_row == "卫生健康支出"
    assert by_row["农林水支出"].parent_char_start == by_row["卫生健康支出"].parent_char_start  # both in 合计
    total = by_row["合计"]
    assert total.is_total and total.function_code is None  # two classes: the total is not one area's


def test_a_code_written_in_the_row_label():
    text = (
        "某县2022年部门决算说明\n本部门2022年支出明细如下。\n单位：元\n项目\t金额\n"
        "2080501 行政单位离退休\t356000\n2120399 其他城乡社区公共设施支出\t84000\n"
    )
    rows = amounts_by_row(text)
    assert rows["2080501 行政单位离退休"].function_code == "208"
    assert rows["2120399 其他城乡社区公共设施支出"].function_code == "212"


def test_a_sequence_number_column_is_not_a_code():
    # 211 to 213 look like class codes, but the column is headed 序号: the class comes from the words
    text = (
        "某县2023年项目资金安排表\n单位：万元\n序号\t项目\t金额\n"
        "211\t学校校舍维修\t60\n212\t村道硬化\t45\n213\t卫生院设备购置\t30\n"
    )
    for row in amounts_by_row(text).values():
        assert not (row.function_evidence or "").startswith("subject code")


def test_codes_outside_the_expenditure_classes_give_no_class():
    assert class_of_subject_code("1010101") is None  # a revenue code
    assert class_of_subject_code("2059") is None  # no level has four digits
    assert class_of_subject_code("299") is None  # no such class
    assert class_of_subject_code("20502")[0] == "205"


def test_a_column_header_states_the_period_of_its_cells():
    text = (
        "某县2022年一般公共预算支出决算情况表\n单位：万元\n科目编码\t科目名称\t年初预算数\t调整预算数\t决算数\n"
        "208\t社会保障和就业支出\t41200\t43650\t43518\n212\t城乡社区支出\t9800\t10250\t10133\n"
    )
    periods = {(a.table_row, a.table_column): a.period for a in extract_document(text).amounts}
    assert periods[("社会保障和就业支出", "年初预算数")] == "plan"
    assert periods[("城乡社区支出", "调整预算数")] == "plan"
    assert periods[("城乡社区支出", "决算数")] == "full_year"
