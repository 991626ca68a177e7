import pytest

from orchestration.extract.document import extract_document


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("全年全县民生类支出完成35.9亿元，占一般公共预算支出的81.4%。", "share"),
        ("规上工业总产值同比增长46.9%。", "growth"),
        ("工业投资同比增长69.6%以上。", "growth"),
        ("中央预算内投资项目开工率100%。", "rate"),
        ("资金节约率为9.2%。", "rate"),
        ("支出进度为81.9%。", "rate"),
        ("坚持以人民为中心，80%以上的财政支出用于民生领域。", "share"),
        ("强化10%支出红线刚性约束。", "share"),
        ("各项基本社会保险参保率均超过98%。", "rate"),
        ("一般公共预算收入增长８．２％。", "growth"),
        # completion of a budget whose amount is stated, with a thousands separator
        ("1-10月，税收收入累计完成27,365万元，占年初预算36,800万元的74.4%。", "rate"),
        # a balance against its ceiling
        ("年末全县专项债务余额为8.2亿元，为专项债务限额的91.5%。", "rate"),
        # a proportion of a named amount
        ("对符合条件的项目按照实际完成投资额的6%给予补助。", "rate"),
        ("按应发工资总额的12%计提住房公积金。", "rate"),
        # a part moved or paid over is a share of its whole
        ("国有资本经营预算收入900万元，按规定将30%即270万元调入一般公共预算。", "share"),
        ("县属企业当年利润的25%上缴财政。", "share"),
        # a cut of spending, with or without 比例
        ("明年全县一般性支出压减5%以上。", "rate"),
        ("对绩效差的项目压减资金300万元，压减比例为15%。", "rate"),
    ],
)
def test_percent_kind(text, kind):
    ratios = extract_document(text).ratios
    assert len(ratios) == 1
    assert ratios[0].kind == kind
    assert text[ratios[0].char_start : ratios[0].char_end] == ratios[0].percent_text


def test_lower_bound_qualifier_in_description():
    r = extract_document("工业投资同比增长69.6%以上。").ratios[0]
    assert r.percent_text == "69.6%"
    assert r.of_what.endswith("(以上)")


@pytest.mark.parametrize(
    "text, base",
    [
        # The first amount's program is a rate's denominator only for a money rate naming money.
        ("全年中央直达资金到位52,617万元，已支出50,938万元，支出率96.8%。", "中央直达资金到位"),
        ("安排2000万元前期工作经费支持74个项目，中央预算内投资项目开工率100%。", None),
        ("安排社保基金支出3亿元，各项基本社会保险参保率超过98%。", None),
        ("网上商城高效运行，交易额1.2亿元，资金节约率9.2%。", None),
        ("送审金额21.59亿元，核减0.65亿元，核减率为3.01%。", "送审金额"),
        ("送审金额9.3亿元，审减金额1.1亿元，审减率11.8%。", "送审金额"),
        # a review's cut is of the money its sentence names, and of nothing when it names none
        ("评估项目8个，涉及资金3,000万元，核减资金150万元，核减率5%。", "涉及资金"),
        ("全年项目评审审减率为6.5%。", None),
        # a cut is of the spending named before or after its verb, never of the word 比例
        ("明年全县一般性支出压减5%以上。", "一般性支出"),
        ("年末全县政府债务余额31.6亿元，为政府债务限额的93.2%。", "政府债务限额"),
        ("继续压缩公用经费10%。", "公用经费"),
        # ...and the year it applies to is no part of the spending
        ("下一步，部门会议费在2025年预算中再压减6%。", "部门会议费"),
        ("对绩效评价较差单位的2025年专项经费压减12%。", "专项经费"),
        ("对绩效差的项目压减资金300万元，压减比例为15%。", None),
        # a budget's execution rate is over the budget; a proportion is of the amount it names
        ("该项目全年实际支出612.5万元，预算执行率96.3%。", "预算"),
        ("对符合条件的项目按照实际完成投资额的6%给予补助。", "实际完成投资额"),
        # a money rate whose own clause names the money, with no amount in the sentence
        ("力争年底前直达资金支出进度达到95%以上。", "直达资金"),
        ("全县衔接资金支出进度为87.5%。", "衔接资金"),
        ("确保年底前衔接资金支付进度达到90%以上。", "衔接资金"),
        # A share's whole stops before the words that cap it.
        ("PPP项目各年财政支出占一般公共预算最高比例均控制在10%以内。", "一般公共预算"),
        # ...and before 的比重 and what follows it, a figure the whole is given with, or a bracket.
        ("全年卫生健康支出9.8亿元，占财政支出的比重超过一成(10.4%)。", "财政支出"),
        ("税收收入累计完成3.1亿元，占年初预算4.2亿元的73.8%。", "年初预算"),
        ("非税收入累计完成11,177万元，占年初预算13,300万元的84.0%。", "年初预算"),
        # The nearest 占 names the whole; a bare 占比 names none.
        ("教育支出占比提高，农林水支出占全县一般公共预算支出的14.6%。", "一般公共预算支出"),
        ("安排产业发展资金8600万元，占比61.2%。", None),
    ],
)
def test_base_of_rates_and_capped_shares(text, base):
    (ratio,) = extract_document(text).ratios
    assert ratio.base == base


@pytest.mark.parametrize(
    "text, year",
    [
        # A standing limit takes no year from the paragraph around it...
        ("截至2021年底，全区纳入项目4个。强化10%支出红线刚性约束。", None),
        ("截至2021年底，全区纳入项目4个。各年财政支出占一般公共预算比例均控制在10%以内。", None),
        # ...but keeps the year its own sentence states, and ordinary figures keep the paragraph's year.
        ("2023年，全县PPP项目财政支出控制在10%以内。", 2023),
        ("截至2021年底，全区纳入项目4个。民生支出占一般公共预算支出的81.4%。", 2021),
    ],
)
def test_a_standing_cap_has_no_year_unless_its_sentence_gives_one(text, year):
    (ratio,) = extract_document(text).ratios
    assert ratio.fiscal_year == year


@pytest.mark.parametrize(
    "text, of_what",
    [
        # A clause that starts with 占 takes its subject from the clause of the amount before it.
        ("全年全县社会保障支出完成12.4亿元，占一般公共预算支出的21.7%。", "社会保障支出占一般公共预算支出"),
        ("其中教育支出9.6亿元，占财政支出的比重为18.3%。", "教育支出占财政支出的比重"),
        # A figure that leads its clause is described by the words after it, within the clause.
        ("坚持过紧日子，70%以上的新增财力用于基层三保，其余用于重点项目。", "新增财力用于基层三保(以上)"),
        ("压实责任，落实15%支出红线要求，严控新增项目。", "支出红线要求"),
        # A growth keeps its clause's words.
        ("税收收入4.3亿元，增长6.2%。", "增长"),
    ],
)
def test_of_what_names_what_the_percentage_measures(text, of_what):
    (ratio,) = extract_document(text).ratios
    assert ratio.of_what == of_what


def test_a_headline_percentage_is_found_and_read_like_the_body():
    text = (
        "某县前三季度一般公共预算收入同比增长4.6%\n来源：某县财政局\n"
        "1-9月，全县一般公共预算收入完成8.2亿元，同比增长4.6%。"
    )
    ratios = extract_document(text).ratios
    assert [r.char_start for r in ratios] == [text.index("4.6%"), text.rindex("4.6%")]
    headline = ratios[0]
    assert (headline.kind, headline.base, headline.period) == ("growth", "上年同期", "ytd_m09")
