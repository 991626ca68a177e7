"""Functional classification (支出功能分类, 类 level) of amounts."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from orchestration.extract.document import extract_document
from orchestration.extract.functions import (
    FUNCTION_CLASSES,
    classify_program,
    function_class_rows,
    function_keyword_rows,
)

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "fixtures" / "gold"
SEEDS = ROOT / "seeds"


def test_class_list():
    assert len(FUNCTION_CLASSES) == 30
    assert FUNCTION_CLASSES["205"] == "教育支出"
    assert FUNCTION_CLASSES["224"] == "灾害防治及应急管理支出"
    assert FUNCTION_CLASSES["234"] == "抗疫特别国债安排的支出"
    assert all(re.fullmatch(r"2[0-3][0-9]", c) for c in FUNCTION_CLASSES)
    rows = function_class_rows()
    assert [r["function_code"] for r in rows] == list(FUNCTION_CLASSES)
    assert rows[0]["function_name"] == rows[0]["name"] == "一般公共服务支出"


def test_keyword_table_covers_every_class():
    rows = function_keyword_rows()
    keywords = [r["keyword"] for r in rows]
    assert len(keywords) == len(set(keywords)), "duplicate keywords"
    codes = {r["function_code"] for r in rows if r["function_code"]}
    assert codes <= set(FUNCTION_CLASSES)
    assert codes == set(FUNCTION_CLASSES), f"classes without keywords: {set(FUNCTION_CLASSES) - codes}"
    assert all(isinstance(r["priority"], int) for r in rows)
    assert any(r["function_code"] is None for r in rows)  # exclusion rows


@pytest.mark.parametrize(
    ("program", "code"),
    [
        ("安全生产专项资金", "224"),
        ("应急管理宣教中心建设", "224"),
        ("消防救援站建设", "224"),
        ("城乡低保等社会救助补助", "208"),
        ("抚恤金和生活补助", "208"),
        ("城乡居民基本养老保险财政补助", "208"),
        ("职业培训补贴", "208"),
        ("残疾人两项补贴", "208"),
        ("医疗救助资金", "210"),  # 医疗救助 outranks 救助
        ("基本公共卫生服务", "210"),
        ("计划生育奖励扶持政策资金", "210"),
        ("疫情防控经费", "210"),
        ("市县文化产业专项", "207"),  # 文化产业 outranks 产业
        ("国家非物质文化遗产保护", "207"),
        ("全民健身中心", "207"),
        ("公办幼儿园建设", "205"),
        ("教师绩效工资", "205"),
        ("特殊教育学校公用经费", "205"),
        ("雪亮工程", "204"),
        ("辅警工资", "204"),
        ("人民调解专项资金", "204"),
        ("工业发展专项资金", "215"),
        ("科技创新奖励", "206"),
        ("水库除险加固", "213"),
        ("衔接推进乡村振兴补助资金", "213"),
        ("村级经费保障", "213"),
        ("农村公路养护", "214"),
        ("老旧小区改造", "221"),
        ("市政基础设施建设", "212"),
        ("大气污染防治", "211"),
        ("对口支援新疆", "219"),
        ("不动产登记", "220"),
        ("储备粮轮换", "222"),
        ("民兵训练", "203"),
        ("电子商务进农村", "216"),  # 电子商务 (60) over 农村 (40)
        ("农林水支出", "213"),  # an aggregate that is one class keeps its code
        ("教育支出", "205"),
        ("债务付息支出", "232"),
        ("草原生态保护补助奖励资金", "213"),  # grassland (林业和草原) outranks 生态保护
        ("草原管护员补助资金", "213"),
    ],
)
def test_program_keywords(program, code):
    got, evidence = classify_program(program, "", "allocation")
    assert got == code, evidence
    assert evidence.startswith("keyword ")


@pytest.mark.parametrize(
    ("program", "sentence", "measure"),
    [
        ("民生支出", "全区民生支出88.5亿元", "expenditure"),
        ("各类民生补贴", "发放各类民生补贴1.88亿元", "expenditure"),
        ("一般公共预算支出", "一般公共预算支出完成45亿元", "expenditure"),
        ("直达资金", "直达资金总量5.29亿元", "transfer_in"),
        ("国有资产", "编制国有资产报告，涉及资产69.64亿元", "other"),
        ("政府采购项目", "完成政府采购项目1.2亿元", "procurement"),
        ("政府采购节约资金", "节约资金0.73亿元", "saving"),
        ("货物项目采购限额标准", "限额标准提高至100万元", "threshold"),
        ("初中生均公用经费标准", "初中生均公用经费标准由1070元提高到1200元", "per_capita"),
        ("苏科贷小微贷等金融产品", "获得贷款2.3亿元", "financing"),
        ("市级以上层面重大项目", "重大项目82个，总投资624.4亿元", "investment"),
        ("产业基金实缴出资", "基金已实缴出资4.04亿元", "investment"),
        ("教育项目", "学校建设项目总投资3亿元", "investment"),
    ],
)
def test_not_one_area(program, sentence, measure):
    code, evidence = classify_program(program, sentence, measure)
    assert code is None, evidence


def test_fiscal_investment_into_an_area_keeps_code():
    assert classify_program("雪亮工程", "县财政投资7350万元支持雪亮工程建设", "investment")[0] == "204"


def test_sentence_fallback_and_unknown():
    code, evidence = classify_program(None, "拨付资金800万元用于义务教育学校改造", "expenditure")
    assert code == "205" and evidence.startswith("sentence keyword")
    # a generic program word defers to an area word in the sentence
    code, evidence = classify_program("上级补助资金", "获取上级补助资金3605万元，增强企业自主创新能力", "transfer_in")
    assert code in ("206", "215"), evidence
    assert classify_program("某某专项", "安排资金100万元", "allocation") == (None, "unmapped: no keyword matched")
    assert classify_program("", "", "expenditure") == (None, "unmapped: no keyword matched")


def _sentence(text: str, pos: int) -> str:
    start = max(text.rfind(c, 0, pos) for c in "。！？\n") + 1
    ends = [i for i in (text.find(c, pos) for c in "。！？\n") if i >= 0]
    return text[start : min(ends, default=len(text))]


def _gold_amounts() -> list[dict]:
    with (GOLD / "amounts.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_gold_function_codes():
    texts: dict[str, str] = {}
    wrong = []
    rows = _gold_amounts()
    for r in rows:
        text = texts.setdefault(r["doc"], (SEEDS / r["doc"]).read_text(encoding="utf-8"))
        code, evidence = classify_program(r["program"], _sentence(text, int(r["start"])), r["measure"])
        gold = {c for c in r["function_codes"].split("|") if c}
        if not ((code in gold) if gold else code is None):
            wrong.append((r["program"], r["function_codes"], code, evidence))
    accuracy = 1 - len(wrong) / len(rows)
    assert accuracy >= 0.9, wrong


def test_official_item_names_place_a_purpose():
    """款/项 names of the classification (data/function_items.csv) decide like keywords."""
    for program, code in [("特困人员救助供养", "208"), ("农村危房改造", "221"), ("森林生态效益补偿", "213")]:
        got, evidence = classify_program(program, "", "allocation")
        assert got == code, evidence


def test_two_class_names_in_one_purpose_are_not_one_area():
    code, evidence = classify_program("教育支出及卫生健康支出", "", "expenditure")
    assert code is None and "several areas" in evidence


def test_the_category_after_deng_is_what_the_figure_is():
    code, evidence = classify_program("上解上级、一般债务还本等转移性支出", "", "expenditure")
    assert code == "230", evidence


CLAUSE_AND_SENTENCE = "安排资金300万元用于中小学校舍维修，配套建设绿化带"


@pytest.mark.parametrize(
    ("sentence", "context", "expected"),
    [
        # the sentence names one area and no other
        ("拨付资金800万元，改善义务教育学校办学条件", (), "205"),
        # two areas in the sentence: a wrong class is worse than none
        ("拨付资金800万元，用于农村公路养护和乡镇卫生院改造", (), None),
        # the figure's own clause speaks before the rest of the sentence
        (
            "发放资金260万元，资助学生900人次；拨付资金150万元维修农村公路",
            (("clause", "发放资金260万元，资助学生900人次"),),
            "205",
        ),
        # a silent sentence: the paragraph, then the title, name the fund
        ("共计1200万元", (("paragraph", "二、衔接推进乡村振兴补助资金安排情况"), ("title", "")), "213"),
        ("共计1200万元", (("paragraph", "共计1200万元"), ("title", "关于下达农村综合改革转移支付资金的通知")), "213"),
    ],
)
def test_context_ladder(sentence, context, expected):
    code, evidence = classify_program(None, sentence, "allocation", context)
    assert code == expected, evidence
    if expected is None:
        assert evidence.startswith("not one area:") and "several areas" in evidence


def test_a_no_area_word_in_the_paragraph_says_nothing_of_the_figure():
    """绩效评价 (evaluated volumes) rules out a class in the figure's sentence, not in its paragraph."""
    paragraph = "开展重点绩效评价，涉及资金4.05亿元。压减农村供水项目资金540万元。"
    code, evidence = classify_program("资金", "共计1200万元", "allocation", (("paragraph", paragraph),))
    assert code == "213", evidence
    code, evidence = classify_program("资金", "开展重点绩效评价，涉及资金4.05亿元", "allocation")
    assert code is None and evidence.startswith("not one area:"), evidence


def test_a_generic_word_of_the_clause_picks_among_the_areas_a_sentence_names():
    sentence = "安排企业各类扶持资金2亿元，推动企业加大科技创新、技改投入"
    code, evidence = classify_program("扶持资金", sentence, "allocation", (("clause", "安排企业各类扶持资金2亿元"),))
    assert code == "215" and "picks one of" in evidence, evidence


def test_an_increment_names_its_area_itself():
    sentence = "全县教育支出3.2亿元，比上年增加1500万元"
    assert classify_program(None, sentence, "other")[0] is None
    assert classify_program("教育支出", sentence, "other")[0] == "205"


def test_a_part_takes_its_total_class():
    text = "2024年安排衔接推进乡村振兴补助资金2600万元，其中：种植基地项目1500万元，冷链仓储项目1100万元。"
    codes = {a.amount_text: (a.function_code, a.function_evidence) for a in extract_document(text).amounts}
    assert codes["2600万元"][0] == "213"
    assert codes["1500万元"][0] == "213" and codes["1500万元"][1].startswith("total's class"), codes


def test_a_total_named_by_its_context_takes_its_parts_class_or_none():
    # the wider context (用于…老旧小区改造) describes the part, not the received total
    text = "今年以来累计争取上级各类资金4.2亿元，其中新增专项债券资金1.6亿元，用于老旧小区改造。"
    codes = {a.amount_text: (a.function_code, a.function_evidence) for a in extract_document(text).amounts}
    assert codes["4.2亿元"][0] is None and "a total whose parts" in codes["4.2亿元"][1], codes
    text = "县财政下达资金900万元，其中高标准农田建设600万元、农田水利设施300万元。"
    codes = {a.amount_text: a.function_code for a in extract_document(text).amounts}
    assert codes == {"900万元": "213", "600万元": "213", "300万元": "213"}


def test_a_wider_level_naming_one_of_the_areas_settles_a_conflict():
    sentence = "省级资金1.4亿元，主要用于脱贫人口稳岗就业"
    context = (("clause", sentence), ("title", "关于下达衔接推进乡村振兴补助资金的通知"))
    code, evidence = classify_program("省级资金", sentence, "allocation", context)
    assert code == "213" and "picks one of" in evidence, evidence
    context = (("clause", sentence), ("title", "关于下达部门预算资金的通知"))
    assert classify_program("省级资金", sentence, "allocation", context)[0] is None


@pytest.mark.parametrize(
    ("program", "code"),
    [
        ("能繁母猪和生猪保险补贴", "213"),
        ("福彩公益金资助项目", "229"),
        ("体彩公益金全民健身项目", "229"),  # the lottery fund's own class (229) outranks 全民健身
        ("重点流域水质环境监测站运维", "211"),
        ("山洪沟水旱灾害防御", "213"),
        ("农村安全饮水巩固提升", "213"),  # 安全饮水 is sharper than the generic 饮水
        ("粮油生产保障资金", "213"),  # farming, not reserves (粮油 -> 222)
        ("畜禽疫病防控经费", "213"),
        ("农业救灾补助", "213"),  # not 救灾 -> 224
        ("水利救灾资金", "213"),
        ("以工代赈项目", "213"),
        ("低产油茶林改造补助", "213"),
        ("提升农民科学文化素质培训", "206"),  # 科普, not 文化 -> 207
    ],
)
def test_vocabulary_from_unseen_bulletins(program, code):
    got, evidence = classify_program(program, "", "allocation")
    assert got == code, evidence
    assert evidence.startswith("keyword ")


def test_needy_households_are_social_assistance_unless_a_sharper_word_names_the_area():
    rows = {a.amount_text: a for a in extract_document("街道中秋前夕向困难家庭发放慰问金315万元。").amounts}
    assert rows["315万元"].function_code == "208", rows["315万元"].function_evidence
    text = "县财政为困难家庭学生减免学费及住宿费182万元。"
    rows = {a.amount_text: a for a in extract_document(text).amounts}
    assert rows["182万元"].function_code == "205", rows["182万元"].function_evidence


def test_a_specific_phrase_of_the_figure_wins_over_an_area_word_elsewhere_in_its_paragraph():
    text = "安排水质环境监测经费96万元，安排62万元用于农村安全饮水维修养护。"
    rows = {a.amount_text: a for a in extract_document(text).amounts}
    assert rows["96万元"].function_code == "211", rows["96万元"].function_evidence
    assert rows["62万元"].function_code == "213", rows["62万元"].function_evidence


def test_a_part_naming_only_its_source_takes_its_totals_class():
    by_text = {
        a.amount_text: a
        for a in extract_document(
            "今年以来，县财政共投入学前教育保教经费2,860万元，其中中央直达资金1,150万元。"
            "全年拨付义务教育、卫生健康等民生资金5,400万元，其中中央直达资金2,100万元。"
        ).amounts
    }
    part = by_text["1,150万元"]
    assert part.parent_char_start == by_text["2,860万元"].char_start and part.function_code == "205"
    assert part.function_evidence.startswith("total's class 205")
    # the total of two areas has no class to hand down: its source-named part stays empty
    assert by_text["5,400万元"].function_code is None and by_text["2,100万元"].function_code is None


def test_an_investment_volume_makes_only_its_own_figure_classless():
    # 总投资 is the project's scale: that figure has no class, the bond money used by the clinic project has one
    text = "县中医院门诊楼项目总投资3.6亿元，今年使用专项债券资金1.2亿元。另安排学校改造资金800万元。"
    codes = {a.amount_text: (a.function_code, a.function_evidence) for a in extract_document(text).amounts}
    assert codes["3.6亿元"][0] is None and "investment volume" in codes["3.6亿元"][1], codes
    assert codes["1.2亿元"][0] == "210", codes
    # an award reckoned on the firms' equipment 投资额 is the award's own area (工业), named by the title
    sentence = "本批奖补资金共计420万元，按企业设备投资额的6%核定"
    context = (("clause", "本批奖补资金共计420万元"), ("segment", sentence), ("title", "工业企业技术改造奖补公示"))
    code, evidence = classify_program("奖补资金", sentence, "allocation", context)
    assert code == "215", evidence
    # in the figure's own clause the volume word still speaks: 投资额 there says what the figure is
    clause = "企业完成设备投资额5000万元"
    code, evidence = classify_program(None, clause, "allocation", (("clause", clause),))
    assert code is None and "投资额" in evidence, evidence


def test_budget_investment_is_money_of_many_areas_unless_its_phrase_names_one():
    sentence = "安排500万元前期工作经费支持12个项目，获批中央预算内投资8,600万元"
    context = (("clause", "获批中央预算内投资8,600万元"), ("segment", sentence))
    code, evidence = classify_program("中央预算内投资", sentence, "transfer_in", context)
    assert code is None and "预算内投资" in evidence, evidence
    clause = "争取中央预算内投资3,000万元支持县人民医院建设"
    assert classify_program(None, clause, "transfer_in", (("clause", clause),))[0] == "210"


@pytest.mark.parametrize(
    ("program", "code"),
    [
        ("北方农村清洁取暖煤改气补助", "211"),
        ("社区老年助餐点运营补贴", "208"),
        ("农村户厕改造奖补", "213"),
        ("农村危旧房改造补助", "221"),
    ],
)
def test_vocabulary_of_livelihood_project_lists(program, code):
    got, evidence = classify_program(program, "", "allocation")
    assert got == code, evidence


def test_items_of_a_list_of_several_areas_take_their_own_words():
    text = "区财政统筹资金4.2亿元办好实事，主要包括：村道硬化1.3亿元，煤改电补贴6,100万元，老年助餐补贴900万元。"
    rows = {a.amount_text: a for a in extract_document(text).amounts}
    assert {t: rows[t].function_code for t in ("1.3亿元", "6,100万元", "900万元")} == {
        "1.3亿元": "214",
        "6,100万元": "211",
        "900万元": "208",
    }
    assert {rows[t].measure for t in ("1.3亿元", "6,100万元", "900万元")} == {"allocation"}


def test_a_class_name_before_the_figure_is_not_overridden_by_the_uses_after_it():
    text = "市本级预备费按本级支出的2%安排4,800万元，用于当年预算执行中的自然灾害救灾等难以预见的开支。"
    rows = {a.amount_text: a for a in extract_document(text).amounts}
    assert rows["4,800万元"].function_code == "227", rows["4,800万元"].function_evidence
    # a class name of an earlier clause does not reach the figure
    text = "全年一般公共服务支出增长5%，另安排3,000万元用于自然灾害救灾。"
    rows = {a.amount_text: a for a in extract_document(text).amounts}
    assert rows["3,000万元"].function_code == "224", rows["3,000万元"].function_evidence
