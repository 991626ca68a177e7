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


def test_a_bracketed_editors_note_under_the_headline_is_front_matter():
    text = "某县2023年国有资本经营预算执行情况\n（摘自县财政局向县人大常委会的报告）\n全年收入800万元。"
    assert segment(text)[0].body_start == text.index("全年")
    # an enumerated first line of the body is no note
    text = "某县2023年财政工作总结\n（一）收入情况。全年一般公共预算收入5亿元。"
    assert segment(text)[0].body_start == text.index("（一）")


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


def test_table_rows_and_page_furniture_are_never_titles():
    # a scraped table (a rule row, one cell per line) inside a column article and page metadata rows
    # above a report: every line from the first title on stays inside an article
    column = (
        "湖南新化：兜牢困难群众基本生活\n\n湖南省娄底市新化县财政局 | 刘芳\n\n本月发放救助资金如下表。\n"
        "救助资金发放表 |\n||||||\n乡镇 |\n发放金额(元) |\n桑梓镇 |\n5200 |\n洋溪镇 |\n4800 |\n"
        "广西融水：做好民生实事\n\n广西柳州市融水县财政局 | 韦明\n\n融水县安排民生资金300万元。"
    )
    arts = segment(column)
    assert [a.title for a in arts] == ["湖南新化：兜牢困难群众基本生活", "广西融水：做好民生实事"]
    assert arts[0].body_end == arts[1].title_start
    report = "信息分类 | 财政预决算 | 发文日期 | |\n文号 | 发布机构 | ||\n一、预算执行情况\n全年支出完成5.2亿元。"
    arts = segment(report)
    assert len(arts) == 1 and "|" not in arts[0].title and arts[0].title_start == 0
