"""Money passed on to named units: an amount whose clause names one county-level unit inside the
article's prefecture belongs to that unit; totals, unnamed recipients and townships keep the article's."""

from orchestration.extract.document import extract_document
from orchestration.extract.sources import SourceMetadata


def _by_text(text: str, source: SourceMetadata | None = None) -> dict[str, tuple[str | None, str]]:
    ex = extract_document(text, source)
    return {a.amount_text: (a.locality_code, a.locality_evidence) for a in ex.amounts}


def test_a_prefecture_allocating_to_its_counties():
    text = (
        "滁州市财政局下达2023年高标准农田建设资金\n\n"
        "近日，滁州市财政局下达高标准农田建设资金3650万元，其中下达定远县1400万元、凤阳县1050万元，"
        "市本级统筹1200万元。"
    )
    got = _by_text(text)
    assert got["1400万元"][0] == "341125" and "recipient 定远县" in got["1400万元"][1]
    assert got["1050万元"][0] == "341126"
    assert got["3650万元"][0] == "341100" and got["3650万元"][1].startswith("article")  # the total
    assert got["1200万元"][0] == "341100"  # 市本级 names no county


def test_a_table_row_label_names_the_recipient():
    text = (
        "关于下达2024年城乡居民医疗救助资金的通知\n滁州市财政局\n"
        "单位：万元\n县区\t金额\n定远县\t320\n凤阳县\t275\n合计\t595\n"
    )
    got = _by_text(text)
    assert got["320"][0] == "341125"
    assert got["275"][0] == "341126"
    assert got["595"][0] == "341100"


def test_one_clause_naming_two_units_keeps_the_article_locality():
    got = _by_text("滁州市财政局2023年下达定远县、凤阳县各500万元用于水毁道路修复。")
    code, evidence = got["500万元"]
    assert code == "341100" and "several units" in evidence


def test_a_county_text_keeps_its_own_code_for_townships():
    got = _by_text("2023年，定远县财政局下达炉桥镇农村道路养护资金85万元、池河镇60万元。")
    assert got["85万元"][0] == got["60万元"][0] == "341125"


def test_a_county_outside_the_article_unit_is_not_a_recipient():
    # the article is about 滁州市; 肥东县 belongs to 合肥市: a comparison, not a recipient
    got = _by_text("2023年，滁州市财政局安排资金900万元，学习借鉴肥东县经验投入300万元。")
    assert got["300万元"][0] == "341100"


def test_the_code_is_the_one_valid_in_the_figure_year():
    # 渭南市 is a prefecture since 1994; the county-level 渭南市 (612101) of 渭南地区 had the same stable code
    got = _by_text("渭南市财政局下达救助资金\n\n渭南市财政局 2021-02-08\n\n近日，市财政局下达救助资金3.2亿元。")
    assert got["3.2亿元"][0] == "610500"
