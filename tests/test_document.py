from decimal import Decimal

import pytest

from orchestration.extract.document import extract_document


def test_money_outside_bodies_is_skipped():
    text = (
        "本期关注基层财政，上期共发放稿酬500元。欢迎来稿！\n\n"
        "浙江安吉：推进生态补偿\n\n浙江省湖州市安吉县财政局 | 张三\n\n2022年，安吉县安排生态补偿资金100万元。"
    )
    ex = extract_document(text)
    assert [a.amount_text for a in ex.amounts] == ["100万元"]
    assert [(s.span_text, s.reason) for s in ex.skipped] == [("500元", "outside every article")]
    assert ex.amounts[0].fiscal_year == 2022
    assert ex.amounts[0].measure == "allocation"


def test_table_with_unit_in_header():
    text = "2023年部门预算表\n单位：万元\n项目\t预算数\n一般公共服务支出\t1,234.5\n教育支出\t5678\n\n以上为预算数。"
    ex = extract_document(text)
    assert [(a.amount_text, a.amount_yuan) for a in ex.amounts] == [
        ("1,234.5", Decimal(12345000)),
        ("5678", Decimal(56780000)),
    ]
    assert all(text[a.char_start : a.char_end] == a.amount_text for a in ex.amounts)


def test_programs_and_sentences():
    text = "安排3248万元落实贫困学生资助政策；拨付1934万元用于义务教育薄弱环节改善与提升。"
    ex = extract_document(text)
    assert [a.program_name for a in ex.amounts] == ["贫困学生资助政策", "义务教育薄弱环节改善与提升"]
    assert all(a.sentence == text for a in ex.amounts)


def test_a_clause_opening_with_yong_yu_names_its_own_figures_purpose():
    text = "其中，用于河道清淤疏浚2.4亿元，用于农村生活污水处理设施运维1.1亿元。安排资金800万元，用于学校维修。"
    ex = extract_document(text)
    assert [a.program_name for a in ex.amounts] == ["河道清淤疏浚", "农村生活污水处理设施运维", "学校维修"]


def test_spending_already_made_is_not_the_program():
    ex = extract_document("截至12月末，专项债券资金已支出7.42亿元，支出进度92.1%。")
    assert [a.program_name for a in ex.amounts] == ["专项债券资金"]
    assert [r.base for r in ex.ratios] == ["专项债券资金"]


def test_empty_and_moneyless_text():
    assert extract_document("").amounts == []
    ex = extract_document("加强作风建设。")
    assert len(ex.articles) == 1 and ex.amounts == [] and ex.ratios == []


def test_programs_keep_fund_kinds_and_numbered_policy_names():
    text = "发放残疾人两项补贴2,163.8万元；拨付农村供水保障资金3,260万元。"
    amounts = extract_document(text).amounts
    programs = [(a.program_name, a.function_code) for a in amounts]
    assert programs == [("残疾人两项补贴", "208"), ("农村供水保障资金", "213")]


@pytest.mark.parametrize(
    ("text", "count", "subject"),
    [
        ("向1,286户市场主体发放稳岗补贴。", "1,286户", "市场主体"),
        ("发放城乡居民基础养老金2.41亿元，涉及领取待遇人员13.6万人。", "13.6万人", "领取待遇人员"),
        ("今年共补助2,316户、补助资金231.6万元。", "2,316户", None),  # 今年 is not who benefits
    ],
)
def test_beneficiary_counts_introduced_by_a_recipient_word(text, count, subject):
    from orchestration.extract.beneficiaries import find_counts

    (found,) = find_counts(text, 0, len(text))
    assert (found.text, found.subject) == (count, subject)
