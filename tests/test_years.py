import pytest

from orchestration.extract.years import (
    amount_year,
    article_default_year,
    document_year,
    dominant_year,
    section_headings,
    section_year,
)


def year_of(text, figure, default=2021, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(figure, start + 1)
    return amount_year(text, 0, start, start + len(figure), default)


@pytest.mark.parametrize(
    ("text", "figure", "nth", "expected"),
    [
        ("2022年，安排安全生产专项资金2000万元", "2000万元", 0, 2022),
        ("今年安排村级经费保障总额达9687万元，比上年增加1527万元", "9687万元", 0, 2021),
        ("今年安排村级经费保障总额达9687万元，比上年增加1527万元", "1527万元", 0, 2021),
        ("比上年同期98765万元增收4321万元", "98765万元", 0, 2020),
        ("比上年同期98765万元增收4321万元", "4321万元", 0, 2021),
        ("上年同期完成5000万元", "5000万元", 0, 2020),
        ("本次下达奖补资金820万元，比上年下达的760万元增长7.9%", "760万元", 0, 2020),
        ("本次下达奖补资金820万元，比上年下达的760万元增长7.9%", "820万元", 0, 2021),
        ("全年发放补贴3600万元，较去年同期安排的3300万元有所增加", "3300万元", 0, 2020),
        ("今年安排资金900万元，比上年增加的部分120万元用于修缮", "120万元", 0, 2021),
        ("去年安排资金300万元", "300万元", 0, 2020),
        ("生均公用经费标准由770元分别提高到870元、840元", "770元", 0, 2020),
        ("生均公用经费标准由770元分别提高到870元、840元", "870元", 0, 2021),
        ("初中生均公用经费标准由1070元提高到1200元", "1070元", 0, 2020),
        ("截至10月，拨付资金15.48 亿元", "15.48 亿元", 0, 2021),
        ("完善出台了《若干政策意见(2019年修订版)》，安排100万元", "100万元", 0, 2021),
        ("自2020年4月25日起，限额标准提高到40万元", "40万元", 0, 2020),
    ],
)
def test_amount_year(text, figure, nth, expected):
    assert year_of(text, figure, nth=nth) == expected


def test_no_default_gives_none():
    text = "安排辅警工资1340万元"
    assert amount_year(text, 0, 6, 13, None) is None


def test_article_default_year():
    assert article_default_year("2021年，江西省赣州市会昌县坚持以人民为中心", None) == 2021
    assert article_default_year("截至2021年底，全区共纳入项目4个", None) == 2021
    # dated events are not a frame
    assert article_default_year("2020年11月，经验做法获通报表扬；2021年10月，被授予称号。", None) is None
    # current-period wording takes the bulletin's dominant year
    assert article_default_year("今年以来，区财政局深入贯彻落实", 2021) == 2021
    assert article_default_year("截至10月，全区民生支出88.5亿元", 2021) == 2021
    assert article_default_year("积极支持社会治理现代化建设", 2021) is None
    assert article_default_year("现下达资金如下", None, title="关于下达2024年补助资金的通知") == 2024


def test_dominant_year():
    assert dominant_year("2021年，〔2021〕15号，2020年1月至2021年5月") == 2021
    assert dominant_year("没有年份") is None


def test_a_relative_year_explaining_an_earlier_clause_stays_in_it():
    text = "卫生健康支出2.1亿元，同比下降12.6%，主要是上年同期疫情防控支出基数较高；农林水支出3.9亿元。"
    assert year_of(text, "3.9亿元", default=2024) == 2024
    # an explicit year still carries over the semicolon, and a relative one in the figure's own clause counts
    assert year_of("2023年，教育支出5亿元；农林水支出3亿元。", "3亿元", default=2024) == 2023
    assert year_of("今年教育支出5亿元；上年农林水支出3亿元。", "3亿元", default=2024) == 2023


def test_a_comparison_base_is_neither_the_year_nor_the_period_of_the_figure():
    from orchestration.extract.document import extract_document

    text = "2024年，全县一般公共预算收入预算安排13.3亿元，比2023年决算数增长4.8%；支出预算安排31.9亿元。"
    doc = extract_document(text)
    assert {a.amount_text: (a.fiscal_year, a.period) for a in doc.amounts} == {
        "13.3亿元": (2024, "plan"),
        "31.9亿元": (2024, "plan"),
    }
    assert [(r.percent_text, r.fiscal_year) for r in doc.ratios] == [("4.8%", 2024)]


def test_a_target_is_a_plan_figure():
    from orchestration.extract.document import extract_document

    (amount,) = extract_document("2024年，区财政局将力争完成全年一般公共预算收入23.7亿元。").amounts
    assert amount.period == "plan"


def test_a_figure_that_must_be_reached_and_an_adjusted_budget_are_plan_figures():
    from orchestration.extract.document import extract_document

    doc = extract_document(
        "1-11月，全县税收收入完成28亿元，为调整预算31亿元的90.3%。下一步，确保全年税收收入完成32亿元以上。"
    )
    assert {a.amount_text: a.period for a in doc.amounts} == {"28亿元": "ytd_m11", "31亿元": "plan", "32亿元": "plan"}
    assert doc.ratios[0].period == "ytd_m11"  # the rate is of the adjusted budget, not in its period


def test_the_figures_of_a_section_planning_the_year_are_plans_unless_they_name_another_year():
    from orchestration.extract.document import extract_document

    text = (
        "一、2023年执行情况\n全年一般公共预算收入完成9亿元，增长3%。\n"
        "二、2024年预算草案\n2024年一般公共预算收入安排9.4亿元，增长4.4%；2023年执行数为9亿元。\n"
        "三、2024年工作打算\n全年压减一般性支出5%以上；上年压减资金800万元。"
    )
    doc = extract_document(text)
    periods = [(a.amount_text, a.period) for a in doc.amounts]
    assert periods == [("9亿元", "full_year"), ("9.4亿元", "plan"), ("9亿元", "full_year"), ("800万元", "full_year")]
    assert [(r.percent_text, r.period) for r in doc.ratios] == [("3%", "full_year"), ("4.4%", "plan"), ("5%", "plan")]


def test_a_stated_target_is_a_plan_figure_and_what_was_reached_is_not():
    from orchestration.extract.document import extract_document

    doc = extract_document("2023年，该项目设定的群众满意度目标为85%，实际达到91.2%。")
    assert {r.percent_text: r.period for r in doc.ratios} == {"85%": "plan", "91.2%": "full_year"}


# --- the document's own date, sections, comparisons (composed sentences) ---------------------------
@pytest.mark.parametrize(
    ("text", "figure", "expected"),
    [
        # a standard replaced: 由原来…，提高到… (the old one is the year before)
        ("将农村特困供养标准由原来每人每月650元，提高到每人每月700元", "650元", 2020),
        ("将农村特困供养标准由原来每人每月650元，提高到每人每月700元", "700元", 2021),
        # a year exceeded or compared against is the base, the increment is the figure's year
        ("全年卫生健康支出超2020年同口径支出1865万元", "1865万元", 2021),
        # a dated event citing an advance allocation of next year's funds: the money is that year's
        ("2020年12月3日，《省财政厅关于提前下达2021年农田建设补助资金的通知》下达我县资金860万元", "860万元", 2021),
        # a dated event with no cited allocation keeps its own year
        ("2020年12月3日，县财政局拨付防汛抢险资金75万元", "75万元", 2020),
    ],
)
def test_year_evidence_in_the_sentence(text, figure, expected):
    assert year_of(text, figure) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("县财政局下达冬春救助资金\n\n某县财政局 2019-12-30\n\n近日，县财政局下达资金。", 2019),
        ("全市发行债券3亿元发布时间:2022-06-3010:05来源:市财政局浏览次数:88今年以来…", 2022),
        ("关于养老补贴发放情况的通报\n发布日期：2020年3月2日\n各乡镇：…", 2020),
        ("各乡镇按时发放补贴。\n某县财政局\n二○一九年十一月六日\n", 2019),
        ("各乡镇按时发放补贴。\n某县财政局\n2018年7月9日", 2018),
        ("各乡镇按时发放补贴，资金来源于上级补助。", None),
    ],
)
def test_document_year(text, expected):
    assert document_year(text) == expected


def test_dated_document_sets_the_default_year_only_when_the_text_names_none():
    assert article_default_year("近日，县财政局下达取暖补贴资金。", None, "", dated=2019) == 2019
    assert article_default_year("今年以来，全县发放补贴。", 2018, "", dated=2019) == 2019
    assert article_default_year("2017年，全县发放补贴。", None, "", dated=2019) == 2017
    assert article_default_year("全县发放补贴。", None, "关于下达2016年补贴资金的通知", dated=2019) == 2016


def test_section_heading_years():
    text = (
        "一、2021年决算情况\n全县收入合计5000万元。\n（一）收入\n税收收入3000万元。\n"
        "二、2022年上半年执行情况\n收入完成2600万元。\n三、下一步工作\n安排资金20万元。\n"
    )
    headings = section_headings(text, 0, len(text))
    assert section_year(headings, text.index("5000")) == 2021
    assert section_year(headings, text.index("3000")) == 2021  # its subsection names no year
    assert section_year(headings, text.index("2600")) == 2022
    assert section_year(headings, text.index("20万元")) is None  # its section names none


def test_a_dated_sentence_near_the_top_is_an_event_not_the_document_date():
    text = "县财政局召开资金调度会\n2019年3月5日，县财政局召开资金调度会。\n会议要求加快拨付。"
    assert document_year(text) is None
