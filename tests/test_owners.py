"""Whose budget a figure is decides the class its budget words (一般公共预算, 年初预算, 支出总计) leave open."""

from __future__ import annotations

import csv

from orchestration.extract.document import extract_document, project_name_line, signature_of
from orchestration.extract.functions import FUNCTION_CLASSES, function_keyword_rows
from orchestration.extract.owners import OWNERS_FILE, mask_budget_words, owner_of_figure, owner_vocabulary


def _codes(text: str) -> dict[str, tuple[str | None, str]]:
    return {a.amount_text: (a.function_code, a.function_evidence) for a in extract_document(text).amounts}


def test_vocabulary_file_is_documented_and_consistent():
    with OWNERS_FILE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert all(r["note"].strip() for r in rows)
    vocabulary = owner_vocabulary()
    classless = {r["keyword"] for r in function_keyword_rows() if r["function_code"] is None}
    assert vocabulary.budget_words <= classless
    assert set(vocabulary.department_classes.values()) <= FUNCTION_CLASSES.keys()
    # bureaus whose spending spans classes are not listed: their figures stay without class
    assert not {"财政局", "发展和改革局", "人民政府办公室"} & vocabulary.department_classes.keys()


def test_a_departments_name_gives_its_class_longest_name_first():
    levels = (("clause", "支出总计860万元"), ("title", "某县教育和体育局2024年度部门决算"))
    owner = owner_of_figure(levels)
    assert (owner.kind, owner.level, owner.department_class) == ("department", "title", "205")
    owner = owner_of_figure((("title", "某县卫健局、民政局2024年部门预算"),))
    assert owner.department_class is None and owner.department_name == "卫健局、民政局"


def test_budget_words_are_masked_to_the_same_length():
    assert mask_budget_words("一般公共预算支出120万元") == "□" * 8 + "120万元"


def test_a_department_final_accounts_figures_take_the_departments_class():
    text = (
        "南溪县水利局2024年度部门决算公开说明\n"
        "一、支出决算总体情况\n"
        "2024年度支出总计3,480.25万元，比上年增加126.40万元。"
        "一般公共预算财政拨款支出3,102.60万元，主要用于全县中小河流治理和农村供水工程维护。\n"
        "二、基本支出情况\n"
        "一般公共预算财政拨款基本支出640.18万元，其中人员经费572.30万元，公用经费67.88万元。\n"
    )
    codes = _codes(text)
    for figure in ("3,480.25万元", "3,102.60万元", "572.30万元", "67.88万元"):
        assert codes[figure][0] == "213", codes[figure]
    assert "department 水利局 -> 213" in codes["3,480.25万元"][1]
    # 全县 after the figure tells the money's use, not its owner; an increment keeps its own verdict
    assert codes["126.40万元"][0] is None


def test_the_signature_names_the_department_of_a_text_without_a_named_title():
    text = (
        "2024年度部门预算公开说明\n"
        "本单位2024年一般公共预算支出预算1,960.00万元，比上年减少84.50万元。\n"
        "西岭县民政局\n"
        "2024年2月5日\n"
    )
    assert signature_of(text, 0, len(text)) == "西岭县民政局\n2024年2月5日"
    codes = _codes(text)
    assert codes["1,960.00万元"][0] == "208", codes


def test_one_projects_budget_takes_the_class_its_name_gives():
    text = (
        "项目支出绩效自评报告\n"
        "项目名称：城区公办幼儿园保教设施购置\n"
        "一、项目资金情况\n"
        "该项目年初预算数86万元，调整预算后全年预算数92万元，全年执行数90.4万元。\n"
    )
    assert project_name_line(text) == "项目名称：城区公办幼儿园保教设施购置"
    codes = _codes(text)
    for figure in ("86万元", "92万元", "90.4万元"):
        assert codes[figure][0] == "205", codes[figure]


def test_a_bureau_of_several_classes_leaves_the_figure_unmapped():
    text = "东川县发展和改革局2024年度部门决算说明\n2024年度一般公共预算财政拨款支出2,318.70万元。\n"
    code, evidence = _codes(text)["2,318.70万元"]
    assert code is None and evidence.startswith("unmapped: owner department"), evidence


def test_the_finance_bureau_speaks_of_the_governments_budget():
    text = "西岭县财政局2024年工作总结\n2024年，我局全年组织一般公共预算支出完成21.6亿元，同比增长4.1%。\n"
    code, evidence = _codes(text)["21.6亿元"]
    assert code is None and evidence.startswith("not one area:") and "government's text (财政局)" in evidence


def test_a_governments_budget_keeps_its_verdict():
    text = (
        "关于北岭县2024年预算执行情况的报告\n"
        "2024年，全县一般公共预算支出完成26.4亿元，为调整预算的97.6%；县本级一般公共预算支出15.2亿元。"
        "县卫健局年初预算安排公共卫生服务经费3,200万元。\n"
    )
    codes = _codes(text)
    for figure in ("26.4亿元", "15.2亿元"):
        code, evidence = codes[figure]
        assert code is None and evidence.startswith("not one area:") and "owner: government" in evidence, evidence
    # a named bureau's own budget inside the government's report is that bureau's
    assert codes["3,200万元"][0] == "210", codes["3,200万元"]


def test_a_departments_running_costs_are_in_its_class_whatever_items_they_list():
    text = (
        "青峰县交通运输局2024年度部门决算说明\n"
        "三、基本支出情况\n"
        "人员经费416.80万元，主要包括基本工资、津贴补贴和住房公积金。\n"
    )
    code, evidence = _codes(text)["416.80万元"]
    assert code == "214" and "running cost 人员经费" in evidence, evidence
    # without an owner the items' words speak as before (住房公积金 -> 221)
    code, _ = _codes("人员经费416.80万元，主要包括基本工资、津贴补贴和住房公积金。\n")["416.80万元"]
    assert code == "221"
