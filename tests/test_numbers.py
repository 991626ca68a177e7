from decimal import Decimal

import pytest

from orchestration.extract.numbers import parse_money, parse_number, parse_percent, reparse_amount


@pytest.mark.parametrize(
    ("text", "yuan"),
    [
        ("1000万元", "10000000"),
        ("1.57亿元", "157000000"),
        ("357.33元", "357.33"),
        ("15.48 亿元", "1548000000"),
        ("0.19亿元", "19000000"),
        ("１２３万元", "1230000"),
        ("１２３．５万元", "1235000"),
        ("1,234,567万元", "12345670000"),
        ("1,234千元", "1234000"),
        ("12，345元", "12345"),
        ("三千万元", "30000000"),
        ("五百元", "500"),
        ("一千二百万元", "12000000"),
        ("一亿二千万元", "120000000"),
        ("一点五亿元", "150000000"),
        ("两千元", "2000"),
        ("1.2万亿元", "1200000000000"),
        ("3亿5000万元", "350000000"),
        ("1000余万元", "10000000"),
        ("300多万元", "3000000"),
        ("2312.81万元", "23128100"),
        ("1445.57万元", "14455700"),
        ("5千万元", "50000000"),
        ("0.5元", "0.5"),
    ],
)
def test_parse_money(text, yuan):
    assert parse_money(text) == Decimal(yuan)


@pytest.mark.parametrize("text", ["32.5万亩", "2.6万平方米", "5120人次", "8.7万人", "1万份", "2021年", "万元", "元"])
def test_parse_money_rejects_non_money(text):
    with pytest.raises(ValueError):
        parse_money(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("81.4%", "81.4"),
        ("10%", "10"),
        ("13.29％", "13.29"),
        ("８１．４％", "81.4"),
        ("100%", "100"),
        ("3.01 %", "3.01"),
        ("百分之三十", "30"),
        ("百分之五点五", "5.5"),
    ],
)
def test_parse_percent(text, value):
    assert parse_percent(text) == Decimal(value)


def test_parse_number_forms():
    assert parse_number("１,２３４") == Decimal(1234)
    assert parse_number("三千") == Decimal(3000)
    with pytest.raises(ValueError):
        parse_number("")


def test_an_amount_text_reparses_with_its_own_unit_or_its_tables_header_unit():
    assert reparse_amount("1.57亿元", None) == Decimal("157000000")
    assert reparse_amount("120", "万元") == Decimal("1200000")  # a cell under 单位：万元
    assert reparse_amount("-12.5", "万元") == Decimal("-125000")  # a decrease cell
    assert reparse_amount("120", None).startswith("unparseable")  # a bare number with no unit anywhere


@pytest.mark.parametrize("numeral", ["〇十〇", "十十", "百千"])
def test_a_malformed_chinese_numeral_is_rejected_not_a_crash(numeral):
    """Found by the fuzz test: cn2an raised KeyError on 〇十〇元, which escaped the extractor."""
    with pytest.raises(ValueError):
        parse_number(numeral)
