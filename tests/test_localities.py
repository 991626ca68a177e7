"""Article locality resolution: title prefix, author organisation, body mentions and source context."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from orchestration.extract.gazetteer import Gazetteer
from orchestration.extract.localities import locate_article

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
