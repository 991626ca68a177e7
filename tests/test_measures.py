import pytest

from orchestration.extract.document import extract_document
from orchestration.extract.localities import resolve_name
from orchestration.extract.measures import measure_of, own_level
from orchestration.extract.text_units import clause_start


def measure(text, figure):
    start = text.index(figure)
    cl = clause_start(text, 0, start)
    return measure_of(text, start, start + len(figure), [cl, 0], 0).measure


@pytest.mark.parametrize(
    ("text", "figure", "expected"),
    [
        ("安排安全生产专项资金1000万元", "1000万元", "allocation"),
        ("设立550万元安全生产专项资金", "550万元", "allocation"),
        ("筹措资金1.25亿元，用于市政基础设施建设", "1.25亿元", "allocation"),
        ("2021年预算安排农林水支出16.1亿元", "16.1亿元", "allocation"),
        ("财政拨付各类社会救助资金1.03亿元", "1.03亿元", "expenditure"),
        ("发放全县教师绩效工资6225万元", "6225万元", "expenditure"),
        ("全区民生支出88.5亿元", "88.5亿元", "expenditure"),
        ("投入2437万元开展农村产业道路建设", "2437万元", "expenditure"),
        ("兑现就业专项资金2770万元", "2770万元", "expenditure"),
        ("统筹推进重大项目82个，总投资624.4亿元", "624.4亿元", "investment"),
        ("全年完成投资40.2亿元", "40.2亿元", "investment"),
        ("基金已实缴出资4.04亿元", "4.04亿元", "investment"),
        ("今年以来获取上级补助资金3605万元", "3605万元", "transfer_in"),
        ("申报并获批一般债券及中央预算内投资1.71亿元", "1.71亿元", "transfer_in"),
        ("中央、省下达至我区的直达资金总量5.29亿元", "5.29亿元", "transfer_in"),
        ("全县完成一般公共预算收入15.6亿元", "15.6亿元", "revenue"),
        ("其中税收收入9.1亿元", "9.1亿元", "revenue"),
        ("累计采购两型技术产品1.19亿元", "1.19亿元", "procurement"),
        ("政府采购节约资金0.73亿元", "0.73亿元", "saving"),
        ("送审金额21.59亿元，核减0.65亿元", "0.65亿元", "saving"),
        ("入库企业58家，发放贷款3.45亿元", "3.45亿元", "financing"),
        ("发放创业担保贷款贴息120万元", "120万元", "expenditure"),
        ("政府采购限额标准提高到货物项目采购金额达到40万元以上，服务项目采购金额达到50万元以上", "50万元", "threshold"),
        ("人均持股金额357.33元", "357.33元", "per_capita"),
        ("城乡低保标准提高到每人每月715元", "715元", "per_capita"),
        ("特困人员供养标准为420元/人/月", "420元", "per_capita"),
        ("幼儿园、小学生均公用经费标准由770元提高到870元", "870元", "per_capita"),
        ("今年安排村级经费保障总额达9687万元，比上年增加1527万元", "1527万元", "other"),
        ("督促292个单位编制国有资产报告，涉及资产69.64亿元", "69.64亿元", "other"),
        ("评价24个项目，涉及资金达18.97亿元", "18.97亿元", "other"),
    ],
)
def test_measure(text, figure, expected):
    assert measure(text, figure) == expected


def test_parts_take_the_measure_of_their_total():
    ex = extract_document("2022年，安排安全生产专项资金2000万元，其中包含应急管理宣教中心建设支出1500万元。")
    assert [(a.amount_text, a.measure, a.is_total) for a in ex.amounts] == [
        ("2000万元", "allocation", True),
        ("1500万元", "allocation", False),
    ]


@pytest.mark.parametrize(
    ("text", "figure", "expected"),
    [
        # an increment governed by 增收/减收 is not revenue itself
        ("税收收入完成9.8亿元，同比增长5.2%，增收4,860万元", "4,860万元", "other"),
        # spending paid with bond money is spending, not financing
        ("政府性基金支出完成5.6亿元（含专项债券安排的支出2.1亿元）", "2.1亿元", "expenditure"),
        ("拨付专项债券资金9000万元用于污水管网建设", "9000万元", "expenditure"),
        # bond money a project is given, or a budget arranges, is allocated (a fund's share of a project)
        ("污水处理厂扩建项目使用专项债券1.4亿元", "1.4亿元", "allocation"),
        ("县财政统筹安排一般债券资金0.6亿元，用于农村公路改造", "0.6亿元", "allocation"),
        # a per-area standard, named before the figure
        ("稻谷补贴标准为每亩120元", "120元", "per_capita"),
        # '/人' after an earlier standard says nothing about a later total
        ("按280元/人的标准资助参保，共资助1.2万人，资助金额336万元", "336万元", "expenditure"),
        # revenue obtained, even from assets
        ("出租闲置资产取得租金收入620万元", "620万元", "revenue"),
        # audit findings and the volume of funds managed are not allocations
        ("排查发现冒领、套取等问题资金18.5万元", "18.5万元", "other"),
        ("全市共管理各级财政专项资金8.4亿元", "8.4亿元", "other"),
        # 拨付 governs the amount even when the program's name contains 保障
        ("拨付城乡供水保障资金1,200万元", "1,200万元", "expenditure"),
        ("每年拿出500万元设立创业担保贷款贴息基金", "500万元", "allocation"),
        # 贴息 names a program's money (贴息资金, 贴息项目): the verb that governs it decides, and the loan it
        # subsidises is no financing; right before the figure it is the payment itself
        ("今年安排农户小额信贷贴息资金380万元", "380万元", "allocation"),
        ("拨付创业担保贷款贴息资金86万元", "86万元", "expenditure"),
        ("县财政全年为返乡创业人员贷款贴息95万元", "95万元", "expenditure"),
        # a tax return comes from above: not the tax revenue its first word names
        ("区级收入完成8.6亿元，加上税收返还和转移支付等资金12.4亿元", "12.4亿元", "transfer_in"),
    ],
)
def test_measure_cues_seen_on_held_out_text(text, figure, expected):
    assert measure(text, figure) == expected


def test_a_part_keeps_its_own_verb():
    """其中：发放… under a total that was 统筹'd: the part was paid out, the total allocated."""
    text = "县财政统筹资金3.2亿元支持粮食生产，其中：发放稻谷补贴1.1亿元、玉米补贴0.9亿元。"
    measures = {a.amount_text: a.measure for a in extract_document(text).amounts}
    assert measures["3.2亿元"] == "allocation"
    assert measures["1.1亿元"] == "expenditure"


@pytest.mark.parametrize(
    ("text", "figure", "expected"),
    [
        # the kind of money named right before the amount decides, whatever verb governs the clause
        ("全年一般公共预算收入完成8.2亿元，加上级补助收入21.4亿元", "21.4亿元", "transfer_in"),
        ("加上年结转1.3亿元、调入资金2.6亿元，收入总计33.5亿元", "33.5亿元", "revenue"),
        ("加上年结转1.3亿元、调入资金2.6亿元，收入总计33.5亿元", "2.6亿元", "other"),
        ("新增债券转贷收入4.1亿元", "4.1亿元", "financing"),
        ("安排预算稳定调节基金2100万元", "2100万元", "other"),
        # money moved between a government's own budgets is neither revenue nor spending
        ("国有资本经营预算收入520万元，按30%的比例调入一般公共预算156万元", "156万元", "other"),
        ("减去上解上级支出3120万元", "3120万元", "expenditure"),
        ("县级财政总收入26.7亿元", "26.7亿元", "revenue"),
        # an increment is not the money itself, even when its comparison is in an earlier sentence
        ("一是非税收入增加860万元", "860万元", "other"),
        ("政府性基金收入短收2300万元", "2300万元", "other"),
        # a department's appropriation is given to it by the finance bureau; what it earns is its revenue
        ("本单位本年收入合计860万元，其中：财政拨款收入790万元，事业收入70万元", "790万元", "transfer_in"),
        ("本单位本年收入合计860万元，其中：财政拨款收入790万元，事业收入70万元", "70万元", "revenue"),
        ("本年度一般公共预算财政拨款收入总计735.6万元，比上年减少12万元", "735.6万元", "transfer_in"),
        # budgets are allocations, or revenue when the segment budgets revenue
        ("全年一般公共预算年初预算卫生健康支出3.8亿元", "3.8亿元", "allocation"),
        ("税收收入完成5.1亿元，完成年初预算5.4亿元的94.4%", "5.4亿元", "revenue"),
        # a plan to use money allocates it
        ("拟使用上级衔接资金2860万元，用于产业发展", "2860万元", "allocation"),
        # a standard per village or per site
        ("每个美丽乡村示范村奖补50万元", "50万元", "per_capita"),
        ("每年安排500万元用于职业技能培训", "500万元", "allocation"),
        # 争取 is money received from above; 保障 right before the figure is a noun
        ("争取农村公路提档升级项目资金3600万元", "3600万元", "transfer_in"),
        ("为300名困境儿童发放基本生活保障215万元", "215万元", "expenditure"),
    ],
)
def test_head_of_the_amount(text, figure, expected):
    assert measure(text, figure) == expected


RECEIVED_BY_SOURCE = "全年到位衔接资金8500万元，其中中央资金5200万元、省级资金2400万元、县级资金900万元"


@pytest.mark.parametrize(
    ("text", "figure", "expected"),
    [
        # by-source list of money received: the higher levels sent it, the lowest level is the own share
        (RECEIVED_BY_SOURCE, "2400万元", "transfer_in"),
        (RECEIVED_BY_SOURCE, "900万元", "allocation"),
        # the same list under money passed on: still received from above, whatever the total's measure (the real
        # gold's convention); the total and its parts by recipient or use are the allocation
        ("现将衔接资金600万元下达给你们，其中中央资金420万元、省级资金180万元", "420万元", "transfer_in"),
        ("现将衔接资金600万元下达给你们，其中中央资金420万元、省级资金180万元", "600万元", "allocation"),
    ],
)
def test_funds_named_by_level(text, figure, expected):
    start = text.index(figure)
    assert measure_of(text, start, start + len(figure), [clause_start(text, 0, start), 0], 0, 0).measure == expected


BY_SOURCE_IN_A_COUNTY = (
    "今年共整合衔接资金6400万元，其中中央资金3900万元，自治区资金1500万元，地区资金600万元，县级资金400万元"
)


@pytest.mark.parametrize(
    ("locality", "text", "figure", "expected"),
    [
        # the article's own level comes from its locality: every level above a county's is received, its own is not
        ("新疆维吾尔自治区阿克苏地区沙雅县", BY_SOURCE_IN_A_COUNTY, "1500万元", "transfer_in"),
        ("新疆维吾尔自治区阿克苏地区沙雅县", BY_SOURCE_IN_A_COUNTY, "600万元", "transfer_in"),
        ("新疆维吾尔自治区阿克苏地区沙雅县", BY_SOURCE_IN_A_COUNTY, "400万元", "allocation"),
        # words between the level and 资金 (省级水利发展资金); a county-level city calls its own money 市级
        (
            "湖北省恩施土家族苗族自治州利川市",
            "饮水工程资金来源为省级水利发展资金820万元、市级配套资金260万元",
            "820万元",
            "transfer_in",
        ),
        (
            "湖北省恩施土家族苗族自治州利川市",
            "饮水工程资金来源为省级水利发展资金820万元、市级配套资金260万元",
            "260万元",
            "allocation",
        ),
        # a district's 市级 money came from its city
        (
            "四川省达州市达川区",
            "安排老旧小区改造资金1350万元，其中市级补助资金500万元、区级资金850万元",
            "500万元",
            "transfer_in",
        ),
        (
            "四川省达州市达川区",
            "安排老旧小区改造资金1350万元，其中市级补助资金500万元、区级资金850万元",
            "850万元",
            "allocation",
        ),
        # a league (盟) speaks for itself; a municipality's 市级 is its own
        (
            "内蒙古自治区锡林郭勒盟",
            "安排草原保护资金2800万元，其中自治区资金2100万元、盟级资金700万元",
            "2100万元",
            "transfer_in",
        ),
        (
            "内蒙古自治区锡林郭勒盟",
            "安排草原保护资金2800万元，其中自治区资金2100万元、盟级资金700万元",
            "700万元",
            "allocation",
        ),
        ("北京市", "安排大气治理资金9亿元，其中中央资金3亿元、市级资金6亿元", "3亿元", "transfer_in"),
        ("北京市", "安排大气治理资金9亿元，其中中央资金3亿元、市级资金6亿元", "6亿元", "allocation"),
        # a fund naming the article's own level beside a higher one (州县资金), or its 本级, is not received
        (
            "云南省红河哈尼族彝族自治州泸西县",
            "统筹资金1.2亿元，其中省级资金0.5亿元、州县资金0.7亿元",
            "0.7亿元",
            "allocation",
        ),
        (
            "新疆维吾尔自治区阿克苏地区沙雅县",
            "安排项目资金880万元，其中地区资金300万元、本级资金580万元",
            "580万元",
            "allocation",
        ),
        # the verb a level gave the money by names the giver (市追加资金): received when the giver is above
        ("四川省达州市达川区", "加上市体制补助3.1亿元、市追加资金2.2亿元", "2.2亿元", "transfer_in"),
        ("湖北省恩施土家族苗族自治州利川市", "加上州体制补助3.1亿元、市追加资金2.2亿元", "2.2亿元", "allocation"),
        ("新疆维吾尔自治区阿克苏地区沙雅县", "地区下达资金900万元，全部用于农村道路建设", "900万元", "transfer_in"),
        # a level's stem inside another word (市场, 城市) names no level
        ("四川省达州市达川区", "安排资金900万元，其中市场监管专项资金300万元", "300万元", "allocation"),
    ],
)
def test_funds_named_by_a_level_above_the_articles_own_are_received(locality, text, figure, expected):
    own = own_level(resolve_name(locality, 2024))
    start = text.index(figure)
    cl = clause_start(text, 0, start)
    assert measure_of(text, start, start + len(figure), [cl, 0], 0, 0, own=own).measure == expected


def test_the_articles_own_share_is_not_received_whatever_an_earlier_item_says():
    own = own_level(resolve_name("湖南省邵阳市隆回县", 2024))
    text = "其中中央补助资金300万元、县级资金200万元"
    start = text.index("200万元")
    cue = measure_of(text, start, start + 5, [clause_start(text, 0, start), 0], 0, 0, own=own)
    assert cue.measure == "allocation"
    # as a part, the own share takes its total's measure (here money paid out)
    text = "隆回县财政局\n县财政拨付衔接资金500万元，其中中央补助资金300万元、县级资金200万元。"
    measures = {a.amount_text: a.measure for a in extract_document(text).amounts}
    assert measures == {"500万元": "expenditure", "300万元": "transfer_in", "200万元": "expenditure"}


def test_the_articles_locality_reaches_the_measure():
    text = "沙雅县财政局\n" + BY_SOURCE_IN_A_COUNTY + "。"
    measures = {a.amount_text: a.measure for a in extract_document(text).amounts}
    assert measures["600万元"] == "transfer_in"
    assert measures["400万元"] == "allocation"


def test_the_level_of_a_locality_by_its_kind():
    names = {
        "新疆维吾尔自治区阿克苏地区沙雅县": (3, "县级"),
        "四川省达州市达川区": (3, "区级"),
        "湖北省恩施土家族苗族自治州利川市": (3, "市级"),
        "甘肃省张掖市": (2, "市本级"),
        "云南省": (1, "省级"),
        "北京市": (1, "市级"),
    }
    for name, (rank, word) in names.items():
        own = own_level(resolve_name(name, 2024))
        assert (own.rank, bool(own.own.fullmatch(word))) == (rank, True), name
    assert own_level(None) is None
    # a county-level city in a prefecture-level city: its 市级 may be either's, so that word stays open
    assert own_level(resolve_name("福建省福州市福清市", 2024)).ambiguous.fullmatch("市级")
    assert own_level(resolve_name("湖北省恩施土家族苗族自治州利川市", 2024)).ambiguous is None


def test_a_level_the_locality_leaves_open_is_read_as_without_a_locality():
    text = "其中中央补助资金800万元、市级资金200万元"
    start = text.index("200万元")
    cl = clause_start(text, 0, start)

    def reading(locality):
        own = own_level(resolve_name(locality, 2024)) if locality else None
        return measure_of(text, start, start + 5, [cl, 0], 0, 0, own=own).measure

    # 利川市 (in a 州) calls its own money 市级; 福清市 (in 福州市) may mean either city: today's reading stays
    assert reading("湖北省恩施土家族苗族自治州利川市") == "allocation"
    assert reading("福建省福州市福清市") == reading(None)


def test_items_of_a_list_take_the_verb_that_opens_it():
    text = "本次拨付县福利院和敬老院的供养资金，包含日常运转补助210万元；护理人员补助85万元；设备购置补助30万元。"
    for figure in ("210万元", "85万元", "30万元"):
        start = text.index(figure)
        cl = clause_start(text, 0, start)
        segment = max(text.rfind("；", 0, start) + 1, 0)
        assert measure_of(text, start, start + len(figure), [cl, segment], segment, 0).measure == "expenditure"


def test_a_heading_verb_frames_the_items_under_it():
    text = "二、补助资金安排项目情况\n1.高标准农田配套项目320万元。\n2.村级道路硬化项目180万元。\n"
    measures = {a.amount_text: a.measure for a in extract_document(text).amounts}
    assert measures == {"320万元": "allocation", "180万元": "allocation"}


@pytest.mark.parametrize(
    ("text", "figure", "expected"),
    [
        # a bare 预算 right before the figure is the budget of the segment's subject
        ("非税收入2600万元，完成预算3100万元的83.9%", "3100万元", "revenue"),
        ("卫生健康支出1.9亿元，完成预算2.1亿元的90.5%", "2.1亿元", "allocation"),
        # exceeding a year's figure by an amount is an increment
        ("全年教育支出4.6亿元，超2023年教育支出2100万元", "2100万元", "other"),
    ],
)
def test_budget_and_increment_heads(text, figure, expected):
    assert measure(text, figure) == expected


@pytest.mark.parametrize(
    ("text", "figure", "expected"),
    [
        # spending a plan sets (a floor, a target, a planned payment) is a budget: allocation
        ("下半年将压减一般性支出，确保全年民生支出不低于6.8亿元", "6.8亿元", "allocation"),
        ("力争全年投入农田水利资金3000万元", "3000万元", "allocation"),
        ("计划发放技能培训补贴260万元", "260万元", "allocation"),
        # spending done, and a program whose name holds 计划
        ("全年民生支出达到6.8亿元", "6.8亿元", "expenditure"),
        ("发放雨露计划补助资金50万元", "50万元", "expenditure"),
    ],
)
def test_spending_a_plan_sets_is_allocated(text, figure, expected):
    assert measure(text, figure) == expected


def test_a_heading_that_plans_its_spending_allocates_the_items_under_it():
    planned = "四、资金使用计划\n1.村道硬化项目300万元。\n2.饮水安全项目120万元。\n"
    assert {a.measure for a in extract_document(planned).amounts} == {"allocation"}
    spent = "四、资金使用情况\n1.村道硬化项目300万元。\n2.饮水安全项目120万元。\n"
    assert {a.measure for a in extract_document(spent).amounts} == {"expenditure"}


def test_a_verb_inside_a_category_name_governs_nothing():
    text = "二、补助资金安排项目情况\n（一）产业发展类项目3个，共计520万元。\n（二）政策落实类项目2个，共计180万元。\n"
    assert {a.amount_text: a.measure for a in extract_document(text).amounts} == {
        "520万元": "allocation",
        "180万元": "allocation",
    }


def test_a_sum_with_no_cue_takes_the_measure_its_parts_share():
    text = "省财政厅下达我县衔接资金1800万元；市财政局下达我县衔接资金600万元。以上两笔资金共计2400万元，均已到位。"
    measures = {a.amount_text: (a.measure, a.is_total) for a in extract_document(text).amounts}
    assert measures["2400万元"] == ("transfer_in", True), measures


@pytest.mark.parametrize(
    ("text", "figure", "expected"),
    [
        # 保障 inside a benefit's or a class's name is no verb
        ("发放城乡居民最低生活保障金4100万元", "4100万元", "expenditure"),
        ("住房保障支出0.7亿元", "0.7亿元", "expenditure"),
        ("发放补贴资金2.6亿元，其中：城乡居民最低生活保障0.8亿元，特困人员救助供养金0.2亿元", "0.2亿元", "expenditure"),
        # money applied for is not received
        ("全县申报专项债券项目6个，申报资金7.2亿元", "7.2亿元", "other"),
    ],
)
def test_names_and_applications(text, figure, expected):
    assert measure(text, figure) == expected


def test_a_funds_share_of_a_project_investment_is_allocated():
    text = "滨河路改造工程总投资2.4亿元，其中财政资金8000万元。"
    measures = {a.amount_text: a.measure for a in extract_document(text).amounts}
    assert measures == {"2.4亿元": "investment", "8000万元": "allocation"}


def test_an_increment_is_of_the_figure_before_it():
    text = "全年农林水支出3.9亿元，同比增长6.1%，较上年增支2260万元。"
    rows = {a.amount_text: a for a in extract_document(text).amounts}
    assert rows["2260万元"].measure == "other"
    assert rows["2260万元"].function_code == "213", rows["2260万元"].function_evidence


def test_a_standard_names_only_its_own_clause():
    text = "按每人每年180元标准为低收入人口代缴医疗保险费，共代缴296万元"
    assert measure(text, "180元") == "per_capita"
    assert measure(text, "296万元") != "per_capita"
    assert measure("生均公用经费标准由650元分别提高到720元、700元", "700元") == "per_capita"


def test_a_kind_named_for_an_earlier_figure_does_not_reach_a_later_clause():
    text = "根据车辆购置税收入补助地方资金的安排，现下达你们农村公路养护资金3,100万元，其中甲县1,400万元、乙县1,700万元"
    assert measure(text, "1,700万元") != "revenue"
    # a comparison base is money of the compared figure's kind
    text = "全县一般公共预算收入完成52,300万元，比上年同期49,800万元增收2,500万元"
    assert measure(text, "49,800万元") == "revenue"


def test_money_passed_down_to_lower_governments_is_allocated():
    # 拨付 to the townships' finance offices allocates; 拨付 to a project or a bureau spends
    text = "县财政拨付各乡镇财政所春节慰问资金46万元"
    assert measure(text, "46万元") == "allocation"
    assert measure("县财政拨付县人民医院设备购置资金46万元", "46万元") == "expenditure"
    notice = "各乡镇财政所：\n经研究，拨付2024年3月份农村低保资金共计215.3万元，请及时发放。\n"
    assert {a.amount_text: a.measure for a in extract_document(notice).amounts} == {"215.3万元": "allocation"}


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("我县今年再获中央财政奖励资金230万元", "230万元"),
        ("该区获省级农机报废更新补贴48万元", "48万元"),
        ("全市共获得中央预算内投资补助1.2亿元", "1.2亿元"),
    ],
)
def test_money_a_locality_obtains_from_above_is_received(text, figure):
    assert measure(text, figure) == "transfer_in"


@pytest.mark.parametrize(
    ("text", "figure", "expected"),
    [
        # a tax's name is revenue; a subsidy of it, or its increment, is not
        ("分税种看，个人所得税完成2.4亿元，房产税完成0.8亿元", "0.8亿元", "revenue"),
        ("地方税收中，城镇土地使用税5,100万元，耕地占用税3,300万元", "3,300万元", "revenue"),
        ("向购房群众发放契税补贴560万元", "560万元", "expenditure"),
        ("受政策影响，印花税、资源税分别减收120万元、340万元", "340万元", "other"),
        # a figure bounding a class of payers or a plan from both sides
        ("全市年缴税额500万元以上的纳税人共有96户", "500万元", "threshold"),
        ("明年力争将三公经费控制在80万元以内", "80万元", "threshold"),
        ("全年为企业拨付资金500万元以上", "500万元", "expenditure"),
        # a per-unit standard with a noun between 每亩 and the figure
        ("玉米种植保险每亩保费24元，由三级财政补贴", "24元", "per_capita"),
        # money passed down by the county, in a township's own text
        ("从来源看，县财政下达我乡各类转移支付资金860万元", "860万元", "transfer_in"),
        # a share a government bears is its spending
        ("市级财政承担的医疗保险参保补助资金320万元", "320万元", "expenditure"),
    ],
)
def test_measure_cues_of_taxes_thresholds_and_shares(text, figure, expected):
    assert measure(text, figure) == expected


def test_a_verb_right_after_a_figure_with_no_cue_before_it_decides():
    text = "按规定调出45%，其余2,300万元安排用于县属企业资本金注入"
    assert measure(text, "2,300万元") == "allocation"
    text = "全乡9个村的村级组织运转经费共计150万元，已全部足额拨付到村"
    rows = {a.amount_text: a.measure for a in extract_document(text).amounts}
    assert rows == {"150万元": "expenditure"}


def test_money_passed_to_a_named_lower_government_after_the_figure_is_allocated():
    text = "市财政局将省级农机购置补贴资金860万元拨付至丰县。"
    assert {a.amount_text: a.measure for a in extract_document(text).amounts} == {"860万元": "allocation"}
    text = "市财政下达衔接资金3,600万元，已拨付至甲县1,200万元、乙县2,400万元。"
    rows = {a.amount_text: a.measure for a in extract_document(text).amounts}
    assert rows["1,200万元"] == rows["2,400万元"] == "allocation"
    # a unit whose name only starts like a government's is no lower government
    assert measure("县财政拨付至县人民医院设备购置资金46万元", "46万元") == "expenditure"


def test_a_departments_appropriation_is_received_and_its_spending_parts_are_spent():
    assert measure("2023年县卫生健康局一般公共预算当年拨款4,520万元", "4,520万元") == "transfer_in"
    text = "2023年本部门一般公共预算当年拨款收入1,180万元，其中基本支出832.1万元，项目支出347.9万元。"
    rows = {a.amount_text: a.measure for a in extract_document(text).amounts}
    assert rows == {"1,180万元": "transfer_in", "832.1万元": "expenditure", "347.9万元": "expenditure"}


def test_a_standard_per_several_kinds_of_unit_and_a_head_with_its_budget_figure():
    assert measure("补助标准：每个村、社区3万元，合计96万元", "3万元") == "per_capita"
    assert measure("国有资本经营预算调出资金预算数为1,200万元", "1,200万元") == "other"
    assert measure("上级补助收入执行数为3.6亿元", "3.6亿元") == "transfer_in"


@pytest.mark.parametrize(
    ("text", "figure", "expected"),
    [
        # a stock ceiling is a threshold (the other sets' gold); a new ceiling is a bond quota: financing
        ("截至年末，全县政府债务限额为152,000万元", "152,000万元", "threshold"),
        ("本年新增政府债务限额12,400万元，其中一般债务4,100万元", "12,400万元", "financing"),
        ("2025年地方政府一般债务新增限额3,200万元", "3,200万元", "financing"),
        # repaying with bond money is spending; principal falling due is a schedule; debt service a budget sets
        ("偿还本金9,600万元（再融资债券偿还8,000万元，预算安排偿还1,600万元）", "8,000万元", "expenditure"),
        ("2025年到期政府债券本金21,500万元", "21,500万元", "other"),
        ("全县预算安排政府债务付息支出4,300万元", "4,300万元", "allocation"),
        ("安排专项债务还本支出2,000万元", "2,000万元", "allocation"),
        ("全年偿还专项债务还本支出2,000万元", "2,000万元", "expenditure"),
    ],
)
def test_debt_ceilings_quotas_repayments_and_schedules(text, figure, expected):
    assert measure(text, figure) == expected


def test_the_parts_of_a_new_debt_ceiling_are_bond_quotas_too():
    text = "本年新增政府债务限额12,400万元，其中一般债务4,100万元，专项债务8,300万元。"
    rows = {a.amount_text: a.measure for a in extract_document(text).amounts}
    assert rows == {"12,400万元": "financing", "4,100万元": "financing", "8,300万元": "financing"}


@pytest.mark.parametrize(
    ("text", "figure", "expected"),
    [
        # what a check covers, finds, and what its rectification moves are no spending
        ("全年共抽查资金总额12,800万元，查出违规违纪资金366万元", "12,800万元", "other"),
        ("全年共抽查资金总额12,800万元，查出违规违纪资金366万元", "366万元", "other"),
        ("从问题类型看，超范围列支128万元，未按规定程序采购75万元，其他不规范使用40万元", "128万元", "other"),
        ("从问题类型看，超范围列支128万元，未按规定程序采购75万元，其他不规范使用40万元", "75万元", "other"),
        ("从问题类型看，超范围列支128万元，未按规定程序采购75万元，其他不规范使用40万元", "40万元", "other"),
        ("已调整账务处理210万元，督促退还多收费用12万元，归还原资金渠道30万元", "210万元", "other"),
        ("已调整账务处理210万元，督促退还多收费用12万元，归还原资金渠道30万元", "12万元", "other"),
        ("已调整账务处理210万元，督促退还多收费用12万元，归还原资金渠道30万元", "30万元", "other"),
        ("全县整改到位资金合计485万元", "485万元", "other"),
        ("审定金额8,870万元，审减410万元", "8,870万元", "other"),
        ("审定金额8,870万元，审减410万元", "410万元", "saving"),
        ("经核实纠正违规支付资金9万元", "9万元", "other"),
        ("截至年末，国库库款余额6,120万元", "6,120万元", "other"),
    ],
)
def test_supervision_results_and_treasury_balances_are_no_spending(text, figure, expected):
    assert measure(text, figure) == expected


def test_money_a_check_found_at_a_level_is_no_fund_that_level_gave():
    locality = resolve_name("鄱阳县", 2023)
    text = "从检查对象看，乡镇违规资金310万元，预算单位违规资金95万元"
    start = text.index("310万元")
    cl = clause_start(text, 0, start)
    cue = measure_of(text, start, start + 6, [cl, 0], 0, own=own_level(locality))
    assert cue.measure == "other"


def test_direct_fund_payments_are_spent_and_money_paid_to_all_townships_is_allocated():
    assert measure("全年办理直达资金支付9,236万元，其中中央直达资金7,100万元", "9,236万元") == "expenditure"
    assert measure("向全县乡镇拨付运转经费1,126万元", "1,126万元") == "allocation"
    assert measure("向县直预算单位拨付工资性资金8,250万元", "8,250万元") == "expenditure"
