"""Source metadata (sources.csv) fills what the text does not say; what the text states wins."""

from orchestration.extract.document import extract_document
from orchestration.extract.localities import resolve_name
from orchestration.extract.sources import SourceMetadata, read_sources

WE_COUNTY = "今年以来，我县累计拨付耕地地力保护补贴资金2860万元，惠及农户1.2万户。"


def _first(text: str, source: SourceMetadata | None):
    ex = extract_document(text, source)
    return ex.articles[0], ex.amounts[0]


def test_the_source_names_the_county_a_text_only_calls_we():
    article, amount = _first(WE_COUNTY, SourceMetadata(published="2021-09-30", locality="辽宁省铁岭市铁岭县"))
    assert article.locality is not None and article.locality.code == "211221"
    assert article.locality_evidence.startswith("source metadata")
    assert amount.fiscal_year == 2021 and amount.locality_code == "211221"


def test_without_metadata_the_same_text_stays_empty():
    article, amount = _first(WE_COUNTY, None)
    assert article.locality is None and amount.fiscal_year is None and amount.locality_code is None


def test_the_text_wins_where_it_states_a_county_and_a_date():
    text = "2019年，西丰县财政局拨付耕地地力保护补贴资金2860万元。"
    article, amount = _first(text, SourceMetadata(published="2021-09-30", locality="辽宁省铁岭市铁岭县"))
    assert article.locality.code == "211223" and amount.fiscal_year == 2019


def test_the_source_refines_a_prefecture_the_text_names_as_issuer():
    text = "根据铁岭市财政局文件，下达给我县衔接推进乡村振兴资金1500万元。"
    article, _ = _first(text, SourceMetadata(locality="辽宁省铁岭市铁岭县"))
    assert article.locality.code == "211221"


def test_a_source_county_outside_the_prefecture_the_text_names_is_not_taken():
    text = "根据铁岭市财政局文件，下达给我县衔接推进乡村振兴资金1500万元。"
    article, _ = _first(text, SourceMetadata(locality="贵州省贵阳市修文县"))
    assert article.locality.code == "211200"


def test_resolve_name_and_code():
    assert resolve_name("辽宁省铁岭市铁岭县", 2021).code == "211221"
    assert resolve_name("211221").name == "铁岭县"
    assert resolve_name("") is None


def test_read_sources(tmp_path):
    path = tmp_path / "sources.csv"
    path.write_text(
        "file,url,published,locality,title\n"
        "a.txt,http://example.org/a,2021-09,辽宁省铁岭市铁岭县,\n"
        "b.txt,,next week,,某县财政局通知\n",
        encoding="utf-8",
    )
    sources = read_sources(path)
    assert sources["a.txt"].published_year == 2021 and sources["a.txt"].published_month == 9
    assert sources["b.txt"].published == "" and sources["b.txt"].title == "某县财政局通知"  # not a date
    assert read_sources(tmp_path / "missing.csv") == {}


def test_a_name_several_units_share_stays_empty_until_the_source_decides():
    text = "2020年，城中区财政局拨付老旧小区改造资金350万元，城中区住建局负责实施。"
    article, amount = _first(text, None)
    assert article.locality is None and article.locality_evidence.startswith("ambiguous: 城中区")
    article, amount = _first(text, SourceMetadata(locality="青海省西宁市城中区"))
    assert article.locality.code == "630103" and amount.locality_code == "630103"
