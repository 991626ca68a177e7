"""One test per trap of the 'unseen bulletins' issue, on short sentences written for the test."""

from decimal import Decimal

import pytest

from orchestration.extract.document import extract_document
from orchestration.extract.functions import classify_program
from orchestration.extract.localities import locate_article
from orchestration.extract.periods import last_cue
from orchestration.extract.records import PERIODS


def amounts(text):
    return {a.amount_text: a for a in extract_document(text).amounts}


@pytest.mark.parametrize(
    ("text", "figure", "yuan"),
    [
        ("全市一般公共预算支出1,234,567万元。", "1,234,567万元", Decimal("12345670000")),
        ("收回结余资金12.3456万元。", "12.3456万元", Decimal("123456")),
        ("下达专项资金0.3亿元。", "0.3亿元", Decimal("30000000")),
    ],
)
def test_number_shapes(text, figure, yuan):
    assert amounts(text)[figure].amount_yuan == yuan


def test_look_alike_quantities_are_not_money():
    text = "新建高标准农田32.5万亩，新开工公共租赁住房2.6万平方米，培训5120人次，惠及8.7万人，安排资金300万元。"
    assert list(amounts(text)) == ["300万元"]


def test_per_capita_forms():
    got = amounts("城市低保标准提高到每人每月215元，特困人员基本生活标准为420元/人/月。")
    assert got["215元"].measure == "per_capita" and got["420元"].measure == "per_capita"
    assert got["215元"].function_code is None
    assert got["215元"].function_evidence.startswith("not one area:")


def test_prior_year_comparison():
    text = "2023年上半年，全县一般公共预算收入完成103086万元，比上年同期98765万元增收4321万元。"
    got = amounts(text)
    assert got["98765万元"].fiscal_year == 2022 and got["98765万元"].measure == "revenue"
    assert got["4321万元"].fiscal_year == 2023 and got["4321万元"].measure == "other"
    assert {a.period for a in got.values()} == {"h1"}


def test_parenthesised_breakdown():
    text = "2015年，上级补助收入86,420万元（其中：一般性转移支付52,960万元，专项转移支付33,460万元）。"
    got = amounts(text)
    total = got["86,420万元"]
    assert total.is_total and total.measure == "transfer_in"
    assert got["52,960万元"].parent_char_start == total.char_start
    assert got["33,460万元"].parent_char_start == total.char_start


def test_table_with_unit_in_header_and_total_row():
    text = (
        "关于下达2024年乡村振兴补助资金的通知\n各乡镇：\n现将资金下达给你们。\n"
        "附件：乡村振兴补助资金分配表\n单位：万元\n单位名称    分配资金\n甲镇    326.4\n乙镇    298.7\n合计    625.1\n"
    )
    got = amounts(text)
    assert got["326.4"].amount_yuan == Decimal(3264000)
    assert got["625.1"].is_total and got["326.4"].parent_char_start == got["625.1"].char_start
    assert got["326.4"].measure == "allocation" and got["326.4"].function_code == "213"


@pytest.mark.parametrize(
    ("cue", "period"),
    [
        ("截至10月", "ytd_m10"),
        ("1-10月份", "ytd_m10"),
        ("上半年", "h1"),
        ("1-6月", "h1"),
        ("一季度", "q1"),
        ("前三季度", "ytd_m09"),
        ("今年以来", "ytd"),
        ("年初预算安排", "plan"),
        ("计划投入", "plan"),
        ("2020—2022年，累计投入", "multi_year"),
        ("截至2022年底", "full_year"),
        ("2021年", "full_year"),
        ("4月，全县一般公共预算收入累计", "ytd_m04"),
        ("5月份累计拨付", "ytd_m05"),
        ("12月，全县累计", "full_year"),
    ],
)
def test_period_cues(cue, period):
    assert last_cue(cue) == period
    assert period in PERIODS


def test_period_and_year_of_a_range_and_a_plan():
    got = amounts("2020—2022年，全市累计投入高标准农田建设资金28.6亿元。今年年初预算安排一般公共预算收入12.1亿元。")
    assert got["28.6亿元"].period == "multi_year" and got["28.6亿元"].fiscal_year is None
    assert got["12.1亿元"].period == "plan"


def test_a_budget_inside_a_rate_or_a_comparison_dates_only_itself():
    got = amounts("1-10月，全县收入累计完成38,542万元，占年初预算50,100万元的76.9%，同比增收1,660万元。")
    assert got["50,100万元"].period == "plan"
    assert got["38,542万元"].period == "ytd_m10" and got["1,660万元"].period == "ytd_m10"
    (ratio,) = extract_document("1-10月，全县收入累计完成38,542万元，占年初预算50,100万元的76.9%。").ratios
    assert ratio.period == "ytd_m10" and ratio.kind == "rate" and ratio.base == "年初预算"
    got = amounts("2022年三公经费支出612.4万元，比年初预算减少137.6万元。其中公务接待费203.1万元。")
    assert {got[f].period for f in ("612.4万元", "137.6万元", "203.1万元")} == {"full_year"}


def test_a_month_counted_cumulatively_and_a_plan_word_with_its_amount_before_a_rate():
    text = (
        "6月，全县一般公共预算收入累计完成21,460万元，完成年初预算数61,300万元的35.0%，比上年增收1,270万元。"
        "其中税收收入9,120万元。"
    )
    got = amounts(text)
    assert got["61,300万元"].period == "plan"
    assert {got[f].period for f in ("21,460万元", "1,270万元", "9,120万元")} == {"h1"}
    # a month alone (当月) is no cumulative cue; a plan word right before 数的 and a rate dates only the rate's base
    assert last_cue("7月份当月完成") is None
    got = amounts("2023年全县收入186.2亿元，为年初预算数的101.3%。加上上级补助64.5亿元，收入总量250.7亿元。")
    assert {got[f].period for f in ("186.2亿元", "64.5亿元", "250.7亿元")} == {"full_year"}


def test_a_plan_word_naming_where_paid_money_came_from_is_no_plan():
    text = "2023年全县偿还债务本金5,200万元（其中预算安排偿还1,800万元），支付利息2,460万元。"
    got = amounts(text)
    assert {got[f].period for f in ("5,200万元", "1,800万元", "2,460万元")} == {"full_year"}
    assert last_cue("年初预算安排") == "plan"


def test_a_sentence_turning_to_what_comes_next_plans():
    text = (
        "2023年，县财政拨付村级运转经费640万元。"
        "下一步，县财政将把绩效结果与2024年预算挂钩，低效项目预算再压减8%，新增安排村级经费50万元。"
        "今后，去年结余的资金30万元一并统筹。"
    )
    doc = extract_document(text)
    got = {a.amount_text: a for a in doc.amounts}
    assert got["640万元"].period == "full_year"
    assert got["50万元"].period == "plan"
    assert got["30万元"].period != "plan"  # the sentence names last year
    (ratio,) = doc.ratios
    assert ratio.period == "plan"


def test_relative_year_from_the_date_line():
    text = (
        "县财政下达资金\n来源：某县财政局　发布时间：2023-04-12\n\n"
        "今年以来，县财政累计拨付农业农村领域资金2.46亿元。去年全年拨付2.1亿元。"
    )
    got = amounts(text)
    assert got["2.46亿元"].fiscal_year == 2023 and got["2.46亿元"].period == "ytd"
    assert got["2.1亿元"].fiscal_year == 2022


def test_carry_over_is_not_last_year():
    got = amounts("2022年，加上上级补助收入168,725万元、上年结转6,312万元，收入总计175,037万元。")
    assert got["6,312万元"].fiscal_year == 2022 and got["6,312万元"].measure == "other"
    assert got["175,037万元"].is_total and got["6,312万元"].parent_char_start == got["175,037万元"].char_start


@pytest.mark.parametrize(
    ("text", "figure", "measure"),
    [
        ("获批新增政府专项债券额度18.5亿元", "18.5亿元", "financing"),
        ("全县政府债务余额为386,520万元", "386,520万元", "financing"),
        ("控制在省核定的债务限额402,300万元以内", "402,300万元", "threshold"),
        ("年度救助限额标准由3万元提高到5万元", "3万元", "threshold"),
        ("每个项目补助最高不超过80万元", "80万元", "threshold"),  # a cap, not money given
        ("截至6月底，上级下达我县直达资金8.62亿元", "8.62亿元", "transfer_in"),
        ("一般性转移支付收入132,684万元", "132,684万元", "transfer_in"),
        ("全县一般公共预算收入完成3.28亿元", "3.28亿元", "revenue"),
        ("收回低效无效资金2,680万元", "2,680万元", "saving"),
        ("社会保障和就业支出38904万元", "38904万元", "expenditure"),
        ("比上年多争取1.35亿元", "1.35亿元", "other"),
        ("禁牧补助标准为每亩每年7.5元", "7.5元", "per_capita"),  # a per-mu standard with its time unit
        ("村道养护按每公里每年4,200元的标准补助", "4,200元", "per_capita"),  # a per-km standard
        ("国道每千米补助8万元", "8万元", "per_capita"),
        ("全年偿还政府债券利息2.37亿元", "2.37亿元", "expenditure"),  # interest is spending, not financing
        ("截至12月末，新增专项债券资金已支出9.16亿元", "9.16亿元", "expenditure"),
        # bond money a project is given is a fund's share of the project (real README, project scale): allocated
        ("县第二中学扩建项目使用专项债券1.2亿元", "1.2亿元", "allocation"),
        ("通过系统核查追回违规领取资金12.6万元", "12.6万元", "other"),
        # 投资评审 is the review of investment projects, not an investment
        ("受理财政投资评审项目96个，送审金额7.3亿元", "7.3亿元", "other"),
        ("安排财政投资评审经费260万元", "260万元", "allocation"),
        ("全年授予中小企业合同金额21,530万元", "21,530万元", "procurement"),
    ],
)
def test_measures(text, figure, measure):
    assert amounts(text)[figure].measure == measure


def test_beneficiaries_and_links():
    text = (
        "下达乡村振兴专项资金0.3亿元，重点支持12个行政村，受益村民40968名；"
        "共支出职业培训补贴1226万元，惠及1.43万人次。干部9名参加。"
    )
    ex = extract_document(text)
    got = {b.count_text: b for b in ex.beneficiaries}
    assert set(got) == {"12个", "40968名", "1.43万人次"}
    assert got["40968名"].subject == "村民" and got["40968名"].value == Decimal(40968)
    assert got["1.43万人次"].value == Decimal(14300) and got["1.43万人次"].unit == "人次"
    start = {a.amount_text: a.char_start for a in ex.amounts}
    assert got["40968名"].amount_char_start == start["0.3亿元"]
    assert got["1.43万人次"].amount_char_start == start["1226万元"]


def test_a_figure_after_wei_is_no_beneficiary_count_unless_something_is_provided_for_it():
    assert extract_document("全县户籍人口为52万人，常住人口为47万人。").beneficiaries == []


def test_household_count_without_amount_in_sentence():
    ex = extract_document("预计带动脱贫户和监测对象26731户增收。")
    (b,) = ex.beneficiaries
    assert (b.value, b.unit, b.subject, b.amount_char_start) == (Decimal(26731), "户", "脱贫户和监测对象", None)


@pytest.mark.parametrize(
    ("text", "count", "subject"),
    [
        # a people noun right after the count names it, also when it opens with 脱贫
        ("安排资金420.6万元，用于1,460名脱贫人口公益性岗位补贴。", "1,460名", "脱贫人口"),
        # 全州 is a place filler like 全县; 的 ends the noun after the count
        ("州级财政安排资金318万元，保障全州160名护林员的补助发放。", "160名", "护林员"),
        # 获得 ends the noun after the count, so firms counted by 家 are recipients
        ("推广政采贷，帮助27家中小企业获得银行贷款6,400万元。", "27家", "中小企业"),
        # the insured are counted by the activity that makes them beneficiaries, not by the verb after them
        ("医保财政补助标准为每人每年670元，按全县参保人数31.2万人测算。", "31.2万人", "参保"),
        # premiums paid for people by the government: a benefit, though the sentence names no noun after it
        ("对低保对象按每人每年100元代缴养老保险费，共代缴6,200人。", "6,200人", None),
        # the people something is provided for (为…提供), named after the count
        ("全县政策性农业保险为2.4万户农户提供风险保障9.8亿元。", "2.4万户", "农户"),
        # units money is passed down to (向…下达/分配), named before the verb
        ("镇财政向18个行政村下达村级运转经费126万元。", "18个", "行政村"),
        ("市财政局向6个社区分配文明创建奖补资金90万元。", "6个", "社区"),
    ],
)
def test_beneficiary_subjects(text, count, subject):
    got = {b.count_text: b.subject for b in extract_document(text).beneficiaries}
    assert got == {count: subject}


def test_ratio_bases():
    ex = extract_document(
        "上半年，全县一般公共预算收入完成10亿元，同比增长4.4%，完成年初预算的54.2%，占全市一般公共预算收入的12.5%。"
    )
    got = {r.percent_text: r for r in ex.ratios}
    assert (got["4.4%"].kind, got["4.4%"].base) == ("growth", "上年同期")
    assert (got["54.2%"].kind, got["54.2%"].base, got["54.2%"].period) == ("rate", "年初预算", "h1")
    assert (got["12.5%"].kind, got["12.5%"].base) == ("share", "一般公共预算收入")  # 全市 is a filler


def test_function_evidence_distinguishes_unmapped_from_deliberate():
    assert classify_program("某某专项", "安排资金100万元", "allocation")[1].startswith("unmapped:")
    assert classify_program("民生支出", "", "expenditure")[1].startswith("not one area:")
    assert classify_program("低保标准", "", "per_capita")[1].startswith("not one area:")


@pytest.mark.parametrize(
    ("title", "body", "year", "code"),
    [
        ("关于郫县2015年预算执行情况的报告", "郫县财政局。全县一般公共预算收入增长。", 2015, "510124"),
        ("郫都区财政运行情况", "全区财政运行平稳。", 2023, "510117"),
        ("禅城区财政多措并举", "禅城区财政局对口帮扶郁南县，支持郁南县发展产业。全区民生支出增长。", 2022, "440604"),
        ("财政", "洛阳市财政部门坚持稳中求进，全市财政运行平稳。", 2022, "410300"),
        ("江苏东台：做好保障", "全市安全生产。", 2021, "320981"),
        ("海门区财政工作总结", "为建设新海门提供保障。", 2019, "320684"),
    ],
)
def test_localities(title, body, year, code):
    loc, evidence = locate_article(title, None, body, year)
    assert loc is not None and loc.code == code, evidence
