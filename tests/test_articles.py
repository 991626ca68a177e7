from pathlib import Path

from orchestration.extract.articles import parse_author, segment

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def test_column_bulletin_articles():
    text = (
        "本期主要关注基层财政部门的做法。欢迎来稿！\n\n"
        "浙江安吉：推进生态补偿\n\n浙江省湖州市安吉县财政局 | 张三\n\n近年来，安吉县安排资金100万元。\n\n"
        "山东寿光：做好蔬菜产业保障\n\n山东省寿光市财政局\n\n寿光市财政局积极作为，投入资金200万元。\n\n"
        "乡村振兴的财政实践\n\n四川省财政厅 | 李四 王五\n\n四川省统筹资金1亿元。"
    )
    arts = segment(text)
    assert [a.title for a in arts] == ["浙江安吉：推进生态补偿", "山东寿光：做好蔬菜产业保障", "乡村振兴的财政实践"]
    assert arts[0].author_org == "浙江省湖州市安吉县财政局" and arts[0].author_person == "张三"
    assert arts[1].author_org == "山东省寿光市财政局" and arts[1].author_person is None
    assert arts[2].author_person == "李四 王五"
    assert text[arts[0].body_start :].startswith("近年来")
    assert arts[0].body_end == arts[1].title_start
    assert arts[-1].body_end == len(text)
    # the preface is not in any article
    assert arts[0].title_start > text.index("欢迎来稿")


def test_plain_report_is_one_article():
    text = "今年以来,区财政局深入贯彻落实各项决策部署,现将情况总结如下:\n1.民生保障。截至10月，支出8.5亿元。"
    arts = segment(text)
    assert len(arts) == 1
    assert (arts[0].title, arts[0].title_start, arts[0].body_start, arts[0].body_end) == ("", 0, 0, len(text))


def test_headline_news_item():
    text = "省财政下达乡村振兴补助资金\n近日，省财政厅下达资金12.6亿元。"
    arts = segment(text)
    assert arts[0].title == "省财政下达乡村振兴补助资金"
    assert arts[0].body_start == text.index("近日")


def test_parse_author():
    assert parse_author("江苏省东台市财政局 | 吴安萍") == ("江苏省东台市财政局", "吴安萍")
    assert parse_author("湖南省常德市武陵区财政局 | 张友华 肖维毅") == ("湖南省常德市武陵区财政局", "张友华 肖维毅")
    assert parse_author("河南省开封市兰考县财政局") == ("河南省开封市兰考县财政局", None)
    assert parse_author("近年来，江苏省东台市财政局按照上级部署。") is None


def test_seed_column_segmentation():
    text = (SEEDS / "000_010fda5c3a596ed1.txt").read_text(encoding="utf-8")
    arts = segment(text)
    assert len(arts) == 9
    assert all(text[a.title_start :].startswith(a.title) for a in arts)
