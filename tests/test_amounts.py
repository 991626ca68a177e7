from decimal import Decimal

import pytest

from orchestration.extract.amounts import find_money, per_unit_suffix


def spans(text):
    found, _ = find_money(text)
    return [(m.text, m.yuan) for m in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("安排安全生产专项资金1000万元，其中", [("1000万元", Decimal(10000000))]),
        ("拨付公益性基本建设项目资金15.48 亿元，支持", [("15.48 亿元", Decimal(1548000000))]),
        ("达到40万元\n\n以上", [("40万元", Decimal(400000))]),
        ("总投资约1445.57万元。", [("1445.57万元", Decimal(14455700))]),
        ("投入１２３万元", [("１２３万元", Decimal(1230000))]),
        ("筹措1,234,567万元", [("1,234,567万元", Decimal(12345670000))]),
        ("落实三千万元", [("三千万元", Decimal(30000000))]),
        ("争取1.2万亿元", [("1.2万亿元", Decimal(1200000000000))]),
        ("奖励五百元", [("五百元", Decimal(500))]),
        ("标准为420元/人/月", [("420元", Decimal(420))]),
        ("每人每月215元", [("215元", Decimal(215))]),
        ("比上年同期98765万元增收4321万元", [("98765万元", Decimal(987650000)), ("4321万元", Decimal(43210000))]),
        ("（其中：A 3万元、B 2万元）", [("3万元", Decimal(30000)), ("2万元", Decimal(20000))]),
        ("安排1000余万元", [("1000余万元", Decimal(10000000))]),
    ],
)
def test_money_spans(text, expected):
    assert spans(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "已经开发面积97.3万亩，储备面积148万亩",
        "种植32.5万亩",
        "改造2.6万平方米",
        "培训5120人次",
        "惠及8.7万人",
        "检测量不低于1万份",
        "2021年，全区",
        "（海办〔2021〕15号）",
        "受益村民40968名",
        "建立城乡二元结构",
        "推进一元化管理",
        "惠及农户36万户",
        "增长6.6%",
    ],
)
def test_lookalikes_are_not_money(text):
    assert spans(text) == []


def test_rejected_spans_have_reasons():
    found, rejected = find_money("投资数十万元，折合500万美元")
    assert found == []
    reasons = {r.text: r.reason for r in rejected}
    assert "foreign currency" in reasons["500万美元"]
    assert "vague" in reasons["十万元"]


def test_offsets_are_exact():
    text = "全年全县民生类支出完成35.9亿元，占"
    found, _ = find_money(text)
    m = found[0]
    assert text[m.start : m.end] == "35.9亿元"


def test_per_unit_suffix():
    text = "标准为420元/人/月"
    assert per_unit_suffix(text, text.index("元") + 1)
    assert not per_unit_suffix("支出420元，", 6)
