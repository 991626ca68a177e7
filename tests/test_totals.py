from orchestration.extract.document import extract_document


def rows(text):
    return [(a.amount_text, a.is_total, a.parent_char_start) for a in extract_document(text).amounts]


def test_qizhong_breakdown():
    text = "截至10月，全区民生支出88.5亿元，同比增长6.6%，其中民生项目接轨主城区标准增加支出5.1亿元。"
    assert rows(text) == [("88.5亿元", True, None), ("5.1亿元", False, text.index("88.5"))]


def test_parenthesised_breakdown():
    text = "今年安排专项资金500万元（其中：A项目 3万元、B项目 2万元），用于改造。"
    start = text.index("500")
    assert rows(text) == [("500万元", True, None), ("3万元", False, start), ("2万元", False, start)]


def test_a_sum_after_its_parts_passes_over_an_increment_and_a_rate_denominator():
    # 收入总计 = the revenue stated a sentence before + the three figures added to it; the revenue's own
    # increment and the budget its rate is of stand between them and are no parts
    text = (
        "全县一般公共预算收入完成5,000万元，为调整预算4,800万元的104.2%，比上年增收200万元，增长4.2%。"
        "其中：税收收入3,000万元；非税收入2,000万元。"
        "加上上级补助收入9,000万元、债券转贷收入1,000万元、上年结转500万元，收入总计15,500万元。"
    )
    by_text = {a.amount_text: a for a in extract_document(text).amounts}
    total = text.index("15,500万元")
    assert [by_text[t].parent_char_start for t in ("5,000万元", "9,000万元", "1,000万元", "500万元")] == [total] * 4
    assert by_text["15,500万元"].is_total
    assert by_text["4,800万元"].parent_char_start is None and by_text["200万元"].parent_char_start is None


def test_a_sentence_opened_by_zhuyao_baokuo_lists_the_main_parts_of_the_sentence_before():
    text = "全年统筹资金5亿元支持10项民生实事。主要包括：学校改造1.2亿元，道路提升2亿元，养老服务0.6亿元。"
    total = text.index("5亿元")
    assert rows(text) == [
        ("5亿元", True, None),
        ("1.2亿元", False, total),
        ("2亿元", False, total),
        ("0.6亿元", False, total),
    ]


def test_a_by_tax_breakdown_finds_its_total_past_a_sentence_on_something_else():
    text = (
        "1-6月，全县税收收入完成12亿元，同比增长5%。同期非税收入完成3亿元。\n"
        "分税种看，增值税完成5亿元；企业所得税完成2亿元；契税完成1亿元。\n"
        "分行业看，制造业税收4亿元。"
    )
    by_text = {a.amount_text: a for a in extract_document(text).amounts}
    total = text.index("12亿元")
    assert [by_text[t].parent_char_start for t in ("5亿元", "2亿元", "1亿元")] == [total] * 3
    # the non-tax figure is no total, and the industry split (partial, a paragraph further) stays unlinked
    assert not by_text["3亿元"].is_total and by_text["4亿元"].parent_char_start is None


def test_a_qizhong_part_goes_to_the_earlier_figure_it_names_and_a_per_unit_standard_is_no_part():
    text = (
        "今年县财政拨付森林保险保费补贴资金900万元，增长5%。全县森林保险提供风险保障30亿元。"
        "其中，生态公益林每亩保费4元，财政补贴比例为90%；县级财政承担的保费补贴资金210万元。"
    )
    by_text = {a.amount_text: a for a in extract_document(text).amounts}
    assert by_text["210万元"].parent_char_start == text.index("900万元")
    assert by_text["900万元"].is_total and not by_text["30亿元"].is_total
    assert by_text["4元"].parent_char_start is None


def test_a_qizhong_part_naming_nothing_keeps_the_sentence_before():
    text = "全县一般公共预算收入完成8亿元。其中：税收收入5亿元，非税收入3亿元。"
    total = text.index("8亿元")
    assert [p for _, _, p in rows(text)] == [None, total, total]


def test_list_that_sums_to_the_preceding_total():
    text = (
        "安排各类文化专项资金5583万元。支持甲项目建设3719万元、乙体系建设902万元、文物保护659万元、"
        "非遗保护58万元和文化产业专项245万元。"
    )
    r = rows(text)
    assert r[0] == ("5583万元", True, None)
    assert all(p == 0 + text.index("5583") and not t for _, t, p in r[1:])


def test_list_that_does_not_sum_is_not_a_breakdown():
    text = "安排资金5000万元。支持甲项目3000万元、乙项目1000万元。"
    assert [p for _, _, p in rows(text)] == [None, None, None]


def test_total_after_its_parts():
    text = "下达资金如下：东台市120万元，大丰区80万元，射阳县100万元，合计300万元。"
    total = text.index("300万元")
    assert rows(text) == [
        ("120万元", False, total),
        ("80万元", False, total),
        ("100万元", False, total),
        ("300万元", True, None),
    ]


def test_a_balance_statements_total_after_its_sources():
    # a budget report's balance: own revenue plus transfers and carried funds make the total available
    text = (
        "全县一般公共预算收入8.2亿元，加上级补助收入21.5亿元、调入资金1.3亿元、上年结转0.6亿元，"
        "收入总量31.6亿元。全县一般公共预算支出29.4亿元，加上上解支出0.4亿元，支出总量29.8亿元。"
    )
    income, spending = text.index("31.6亿元"), text.index("29.8亿元")
    assert rows(text) == [
        ("8.2亿元", False, income),
        ("21.5亿元", False, income),
        ("1.3亿元", False, income),
        ("0.6亿元", False, income),
        ("31.6亿元", True, None),
        ("29.4亿元", False, spending),
        ("0.4亿元", False, spending),
        ("29.8亿元", True, None),
    ]


def test_a_total_that_its_figures_do_not_add_up_to_keeps_no_parts():
    text = "全县一般公共预算收入8.2亿元，加上级补助收入21.5亿元，收入总量30亿元。"
    assert [(t, p) for _, t, p in rows(text)] == [(False, None), (False, None), (False, None)]


def test_a_figure_a_balance_subtracts_is_neither_a_part_nor_a_total():
    # 收入总计 minus 支出总计 leaves the balance: the two after it add up to it, but are not its parts
    text = "全年收入总计96000万元，减支出总计90000万元，年终滚存结余6000万元。"
    assert rows(text) == [("96000万元", False, None), ("90000万元", False, None), ("6000万元", False, None)]


def test_a_decrease_is_not_a_subtraction():
    text = "安排资金总额5000万元，其中减税降费1200万元，减免租金800万元。"
    assert rows(text)[0] == ("5000万元", True, None)
    assert [p for _, _, p in rows(text)[1:]] == [text.index("5000万元")] * 2


def test_portion_of_a_capacity():
    text = "截至目前，下达至我区的直达资金总量5.29亿元，支出金额4.33亿元，支出进度为81.9%。"
    assert rows(text) == [("5.29亿元", True, None), ("4.33亿元", False, None)]


def test_increment_is_not_a_portion_or_part():
    text = "今年安排村级经费保障总额达9687万元，比上年增加1527万元。全年支出38.2亿元，比上年同期35.1亿元增支3.1亿元。"
    assert all(p is None for _, _, p in rows(text))
    assert rows(text)[0][1] is False


def test_aggregate_with_smaller_items_is_total():
    text = "2021年，全年全县民生类支出完成35.9亿元，占一般公共预算支出的81.4%。发放补助1.57亿元。"
    assert rows(text)[0] == ("35.9亿元", True, None)


def test_class_totals_listed_side_by_side_are_not_totals_of_each_other():
    text = (
        "全县一般公共预算支出完成18.2亿元。分科目看，教育支出3.1亿元，同比增长4.2%；"
        "社会保障和就业支出2.8亿元；卫生健康支出1.2亿元；农林水支出2.5亿元。"
    )
    totals = {amount: is_total for amount, is_total, _ in rows(text)}
    assert totals == {"18.2亿元": True, "3.1亿元": False, "2.8亿元": False, "1.2亿元": False, "2.5亿元": False}


def test_a_class_total_with_its_own_parts_stays_a_total():
    text = "全县农林水支出4.6亿元，安排高标准农田建设资金8,000万元、水利工程维护资金3,500万元。"
    assert rows(text)[0] == ("4.6亿元", True, None)


def test_a_bracketed_list_that_sums_to_the_figure_before_it():
    text = "2023年，省财政转贷我县新增债券6.17亿元（一般债券0.96亿元、专项债券5.21亿元），用于公益性项目。"
    start = text.index("6.17")
    assert rows(text) == [("6.17亿元", True, None), ("0.96亿元", False, start), ("5.21亿元", False, start)]


def test_a_breakdown_after_the_figures_increment_belongs_to_the_figure():
    text = "全县共管理各级财政专项资金12.64亿元，比上年增加1.08亿元，其中中央专项资金7.92亿元、自治区专项资金4.72亿元。"
    start = text.index("12.64")
    parents = {amount: parent for amount, _, parent in rows(text)}
    assert parents == {"12.64亿元": None, "1.08亿元": None, "7.92亿元": start, "4.72亿元": start}


def test_a_sentence_opening_with_fen_ke_mu_kan_breaks_down_the_previous_figure():
    text = "全区一般公共预算支出完成29.5亿元，同比增长5.5%。分科目看，教育支出5.3亿元，增长8.3%；农林水支出4.0亿元。"
    start = text.index("29.5")
    assert rows(text) == [("29.5亿元", True, None), ("5.3亿元", False, start), ("4.0亿元", False, start)]


def test_a_standard_after_qizhong_is_not_a_part():
    text = "发放城乡低保金1.37亿元，其中农村低保标准提高到每人每月580元。"
    assert rows(text) == [("1.37亿元", False, None), ("580元", False, None)]


def test_the_figures_of_a_standards_qizhong_list_are_shares_of_the_standard():
    text = "支持6个村发展集体经济，每村补助80万元，其中中央资金40万元、省级资金25万元、县级资金15万元，共计480万元。"
    got = {a.amount_text: a for a in extract_document(text).amounts}
    assert not got["80万元"].is_total
    for share in ("40万元", "25万元", "15万元"):
        assert got[share].parent_char_start is None and got[share].measure == "per_capita"


def test_a_qizhong_list_after_a_sentence_of_standards_breaks_down_the_total_before_it():
    text = (
        "州财政下达补助奖励资金1.5亿元。禁牧补助标准为每亩每年7.5元，草畜平衡奖励标准为每亩每年2.5元。"
        "其中，甲县6,000万元、乙县5,000万元、丙县4,000万元。"
    )
    total = text.index("1.5亿元")
    r = rows(text)
    assert r[0] == ("1.5亿元", True, None)
    assert [p for _, _, p in r[3:]] == [total, total, total]
    assert [p for _, _, p in r[1:3]] == [None, None]


def test_a_sentence_opening_an_x_fen_breaks_down_the_previous_figure_past_rate_denominators():
    text = (
        "1-10月，全县收入累计完成38,542万元。按收入类别分：税收收入累计完成27,365万元，占年初预算36,800万元的74.4%；"
        "非税收入累计完成11,177万元，占年初预算13,300万元的84.0%。"
        "按征收部门分：税务部门累计征收26,418万元，财政部门累计征收12,124万元。"
    )
    got = {a.amount_text: a for a in extract_document(text).amounts}
    total = text.index("38,542")
    assert got["38,542万元"].is_total
    assert got["27,365万元"].parent_char_start == total and got["11,177万元"].parent_char_start == total
    # a rate's denominator is neither a part nor a total; a second complete breakdown would exceed the total
    assert got["36,800万元"].parent_char_start is None and not got["36,800万元"].is_total
    assert got["26,418万元"].parent_char_start is None and got["12,124万元"].parent_char_start is None


def test_a_shortfall_ends_a_breakdown():
    text = (
        "全县财政收入累计完成67955万元。其中:一般公共预算收入42100万元,完成预算49531万元的85.0%,短收7431万元,"
        "同比下降10.2%。"
    )
    got = {a.amount_text: a for a in extract_document(text).amounts}
    assert got["42100万元"].parent_char_start == text.index("67955")
    assert got["7431万元"].parent_char_start is None


def test_a_portion_naming_its_fund_belongs_to_the_capacity_naming_it():
    text = (
        "全县争取新增专项债券额度6.4亿元，支持8个项目，带动项目总投资31.5亿元。"
        "截至12月末，债券资金已支出5.9亿元，支出进度92.2%。"
    )
    totals = {amount: is_total for amount, is_total, _ in rows(text)}
    assert totals == {"6.4亿元": True, "31.5亿元": False, "5.9亿元": False}


def test_a_breakdown_of_several_totals_gives_each_total_its_parts():
    text = (
        "全年采购预算金额3,100万元，实际采购金额2,900万元，节约资金200万元。"
        "分类别看：货物类采购预算1,000万元，实际采购950万元，节约50万元；"
        "工程类采购预算2,100万元，实际采购1,950万元，节约150万元。"
    )
    got = {a.amount_text: a for a in extract_document(text).amounts}
    budget, actual, saved = (text.index(x) for x in ("3,100", "2,900", "200万元"))
    assert [got[x].parent_char_start for x in ("1,000万元", "2,100万元")] == [budget, budget]
    assert [got[x].parent_char_start for x in ("950万元", "1,950万元")] == [actual, actual]
    assert [got[x].parent_char_start for x in ("50万元", "150万元")] == [saved, saved]
    assert got["3,100万元"].is_total and got["2,900万元"].is_total and got["200万元"].is_total


def test_a_qizhong_of_several_totals_links_each_part_by_its_name():
    text = (
        "送审金额12.4亿元，审定金额10.9亿元，审减金额1.5亿元。"
        "其中，市政类项目送审6.2亿元，审减0.8亿元；水利类项目送审2.1亿元，审减0.3亿元。"
    )
    got = {a.amount_text: a for a in extract_document(text).amounts}
    submitted, cut = text.index("12.4"), text.index("1.5亿元")
    assert got["6.2亿元"].parent_char_start == submitted and got["2.1亿元"].parent_char_start == submitted
    assert got["0.8亿元"].parent_char_start == cut and got["0.3亿元"].parent_char_start == cut
    assert not got["10.9亿元"].is_total


def test_investment_review_funds_are_no_portion_of_a_capacity():
    text = "力争全年政府采购规模达到3.2亿元；安排财政投资评审经费260万元。"
    assert [t for _, t, _ in rows(text)] == [False, False]


def test_a_part_described_in_words_is_no_total_and_the_list_goes_on():
    text = (
        "全年基本支出2,460.5万元，其中人员经费2,108.3万元，主要包括基本工资、绩效工资等；"
        "公用经费352.2万元，主要包括办公费、印刷费等。"
    )
    got = {a.amount_text: a for a in extract_document(text).amounts}
    basic = text.index("2,460.5")
    assert got["2,460.5万元"].is_total and not got["2,108.3万元"].is_total
    assert got["2,108.3万元"].parent_char_start == basic and got["352.2万元"].parent_char_start == basic


def test_a_sentence_opened_by_zhichu_zhong_breaks_the_previous_figure_down():
    text = (
        "截至年底，项目实际支出1,530万元，结余20万元已收回。"
        "支出中，设备购置支出980万元，人员培训支出310万元，运行维护支出240万元。"
    )
    got = {a.amount_text: a for a in extract_document(text).amounts}
    spent = text.index("1,530")
    assert got["1,530万元"].is_total
    assert [got[x].parent_char_start for x in ("980万元", "310万元", "240万元")] == [spent] * 3
    assert got["20万元"].parent_char_start is None


def test_the_money_a_review_covers_is_the_capacity_of_what_it_cuts():
    text = "全年审核项目12个，涉及资金2,400万元，审减不合理支出96万元，审减率4%。"
    assert rows(text) == [("2,400万元", True, None), ("96万元", False, None)]


def test_numbered_sections_after_as_follows_are_the_parts_of_the_announced_total():
    text = (
        "现下达补助资金共计1,500万元，具体如下：\n"
        "一、义务教育补助资金1,000万元。其中：中央资金600万元，省级资金400万元。\n"
        "二、学前教育补助资金500万元，按每生每年300元安排。\n"
        "三、请及时拨付。\n"
    )
    by_text = {a.amount_text: a for a in extract_document(text).amounts}
    total = text.index("1,500万元")
    assert by_text["1,500万元"].is_total
    assert by_text["1,000万元"].parent_char_start == total and by_text["500万元"].parent_char_start == total
    assert by_text["600万元"].parent_char_start == text.index("1,000万元")


def test_sections_that_do_not_sum_to_the_announced_figure_are_no_parts():
    text = "共安排资金1,500万元，具体如下：\n一、教育资金1,000万元。\n二、卫生资金300万元。\n"
    assert [p for _, _, p in rows(text)] == [None, None, None]


def test_a_parts_own_bracketed_breakdown_is_not_the_lists():
    # the bracket splits the first part; the list of the sentence's total goes on after it
    text = (
        "全年支出保障经费3,000万元。其中，人员经费2,000万元（含绩效奖励400万元、社保缴费300万元），公用经费1,000万元。"
    )
    total, staff = text.index("3,000"), text.index("2,000")
    assert rows(text) == [
        ("3,000万元", True, None),
        ("2,000万元", True, total),
        ("400万元", False, staff),
        ("300万元", False, staff),
        ("1,000万元", False, total),
    ]


def test_a_parts_own_percentage_before_a_semicolon_does_not_end_the_list():
    text = "项目总投资5,000万元，其中省级资金3,000万元，占总投资的60%；市级资金1,200万元，县级资金800万元。"
    total = text.index("5,000")
    assert rows(text) == [
        ("5,000万元", True, None),
        ("3,000万元", False, total),
        ("1,200万元", False, total),
        ("800万元", False, total),
    ]
