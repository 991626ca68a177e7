"""The extractor's shortcuts give the answers of the plain computations they replace."""

import bisect
import marshal
import os
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import jieba.posseg
import pytest

from orchestration.extract import (
    amounts,
    beneficiaries,
    cache_files,
    functions,
    gazetteer,
    localities,
    measures,
    percents,
    periods,
    pos_decoding,
    programs,
    text_units,
    years,
)
from orchestration.extract.body import ArticleBody, strip_newlines
from orchestration.extract.gazetteer import Gazetteer
from orchestration.extract.numbers import ARABIC, CN_NUMERAL, UNIT

# composed for these tests: place names, unknown runs (我区, 二是), digits and punctuation
SENTENCES = (
    "二是我区下达城乡居民医疗保险补助资金1200万元",
    "江苏东台市财政局拨付新海门建设专项资金，鼓楼区、和平区各500万元",
    "截至2023年底，黑财指〔2023〕15号文件下达我县衔接推进乡村振兴补助资金",
    "滁州市下达定远县、凤阳县农村公路养护资金",
)


def _naive_surface_matches(gz: Gazetteer, text: str) -> list[tuple[int, int, str]]:
    longest = max(len(s) for s in gz.surfaces)
    found = [
        (i, i + n, text[i : i + n])
        for i in range(len(text))
        for n in range(1, longest + 1)
        if i + n <= len(text) and text[i : i + n] in gz.surfaces
    ]
    return sorted(found, key=lambda match: (match[1], match[0]))


def test_surface_matches_are_every_surface_at_every_position_in_end_order():
    gz = Gazetteer.load()
    for sentence in SENTENCES:
        assert gz.surface_matches(sentence) == _naive_surface_matches(gz, sentence)
    assert gz.surface_matches("") == [] and gz.surface_matches("东") == []


def test_a_unit_looked_up_again_is_the_unit_computed_afresh():
    gz = Gazetteer.load()
    key = next(k for k in gz.by_unit if k[0] == "county")
    for year in (1990, 2010, None):
        first = gz.unit(*key, year)
        fresh = gz._to_locality(gz._pick_period(gz.by_unit[key], gz.year_or_newest(year)), gz.year_or_newest(year))
        assert first == fresh and gz.unit(*key, year) == fresh
    ancestors = set().union(*(p.ancestors() for p in gz.by_unit[key]))
    assert gz.ancestor_keys(key) == ancestors and gz.ancestor_keys(key) == ancestors


def test_pos_tags_with_the_decoding_looked_up_are_jiebas_own():
    programs.load()
    looked_up = [tuple((w.word, w.flag) for w in jieba.posseg.cut(s)) for s in SENTENCES * 2]
    patched = jieba.posseg.viterbi
    jieba.posseg.viterbi = programs._HMM["decode"]
    try:
        plain = [tuple((w.word, w.flag) for w in jieba.posseg.cut(s)) for s in SENTENCES * 2]
    finally:
        jieba.posseg.viterbi = patched
    assert looked_up == plain
    assert programs._decoded_run.cache_info().hits > 0  # the second round looked its runs up


def test_pos_decoding_gives_jiebas_probability_and_path():
    programs.load()
    model = programs._HMM["model"]
    chars = sorted(model[0])  # every character the model knows a state of
    draw = random.Random(17)
    runs = ["我区", "二是", "黑财指", "依汶镇", "Ａ县", "〔"]  # composed, and a character the model does not know
    runs += ["".join(draw.choice(chars) for _ in range(draw.randint(1, 10))) for _ in range(500)]
    for run in runs:
        assert pos_decoding.viterbi(run, *model) == programs._HMM["decode"](run, *model), run


def test_tokens_read_piece_by_piece_are_the_tokens_of_the_whole_text():
    programs.load()
    texts = (*SENTENCES, "（一）根据《关于下达2024年省级财政资金的通知》(", "、和 新建 A3 道路", "")
    for text in texts:
        assert list(programs._tokens_from_end(text)) == list(reversed(programs._tokens(text)))
        assert [t for piece in programs._pieces(text) for t in programs._tokens(piece)] == list(programs._tokens(text))


# Prints a digest of jieba's tables (prefix frequencies, total, tags) once the extractor has loaded them.
_TABLES_DIGEST = """
import hashlib, marshal
from orchestration.extract import pos_decoding, programs
programs.load()
import jieba, jieba.posseg
print(hashlib.sha256(marshal.dumps((jieba.dt.FREQ, jieba.dt.total, jieba.posseg.dt.word_tag_tab))).hexdigest())
print(programs._tokens("二是我区下达城乡居民医疗保险补助资金"))
"""


@pytest.mark.slow  # two fresh processes, each loading jieba
def test_jiebas_tables_read_from_the_cache_file_are_the_tables_jieba_builds(tmp_path):
    env = {**os.environ, "TMPDIR": str(tmp_path), "PYTHONPATH": str(Path(__file__).parents[1])}

    def tables() -> str:
        run = subprocess.run([sys.executable, "-c", _TABLES_DIGEST], env=env, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        return run.stdout

    built = tables()  # no cache file yet: jieba builds its tables, the extractor writes them
    assert len(list(tmp_path.glob("fiscal-jieba-*.marshal"))) == 1
    assert tables() == built  # read from the file


def test_a_cached_table_is_read_back_as_built_and_a_new_key_builds_again(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    table = {"定远县": [2019, 2020], "凤阳县": [2024]}
    assert cache_files.cached("t", "key 1", lambda: table) == table

    def not_again():
        raise AssertionError("built again although its file exists")

    assert cache_files.cached("t", "key 1", not_again) == table
    assert cache_files.cached("t", "key 2", lambda: {}) == {}  # another key, another file
    (path,) = [p for p in tmp_path.glob("fiscal-t-*.marshal") if p.read_bytes() == marshal.dumps(table)]
    path.write_bytes(b"not marshal")
    assert cache_files.cached("t", "key 1", lambda: table) == table  # an unreadable file is built again


def test_the_gazetteers_rows_from_the_cache_file_are_the_csvs(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    csv = gazetteer._csv_path()
    parsed = gazetteer._years_by_row(csv)
    assert Gazetteer.from_csv(csv).by_code == Gazetteer.load().by_code  # written to the file
    assert list(tmp_path.glob("fiscal-gazetteer-*.marshal"))
    rebuilt = Gazetteer.from_csv(csv)  # read from it
    assert rebuilt.by_code == Gazetteer.load().by_code
    assert list(
        gazetteer.cache_files.cached("gazetteer", f"{cache_files.file_key(csv)}|{gazetteer._SOURCE_KEY}", dict).items()
    ) == list(parsed.items())


# the scanning patterns as plainly written: the look-behind before the number, alternatives side by side
_PLAIN_SCANS = {
    amounts.MONEY_RE: rf"(?P<num>(?<![0-9０-９.．])(?:{ARABIC}(?:亿{ARABIC}(?=[ \u3000]?(?:多|余)?万元))?)"
    rf"|{CN_NUMERAL})(?P<sp>[ \u3000\u00a0]?)(?P<approx>多|余)?(?P<unit>{UNIT})元",
    percents.PERCENT_RE: rf"(?<![0-9０-９.．])(?:{ARABIC})\s?[%％]|百分之{CN_NUMERAL}",
    beneficiaries.COUNT_RE: rf"(?<![0-9０-９.．,，])(?P<num>{ARABIC})(?P<wan>万)?(?P<unit>人次|人|名|户|家|个|所|位|座)"
    r"(?:（[^）]{0,4}）)?",
    years.YEAR_ANY_RE: r"(?<![0-9])((?:19|20)[0-9]{2})(?![0-9])(?=年|〕|\]|】|）|\))",
    years.YEAR_RE: r"(?<![0-9])((?:19|20)[0-9]{2})(?:年|[-—～~至到]\s*(?:19|20)?[0-9]{2}年)",
    years.RANGE_RE: r"(?<![0-9])(?:19|20)[0-9]{2}\s*年?\s*[-—–~～至到]\s*(?:19|20)?[0-9]{2}年",
    years._MASK_RE: r"《[^》\n]{0,80}》|〔[^〕\n]{0,12}〕|\[[^\]\n]{0,12}\]|【[^】\n]{0,20}】|[（(][^）)\n]{0,30}[）)]",
    periods.CUES[3][0]: rf"(?<![0-9])[1１一]\s*[-—–~～至到]\s*{periods._MONTH}月",
    localities._SELF_LEVEL_RE: r"(?:全|我|本|该)(县|区|市|旗)|(县|区|市|旗)(?:财政局|委|政府|人大|政协|级)",
    periods.CUES[13][0]: r"(?:今年|本年|年初|(?:19|20)[0-9]{2}年)以来|截[至止]目前|年初至今",
    periods.CUES[14][0]: r"全年|年底|年末|(?:19|20)[0-9]{2}年(?:度)?(?![0-9０-９一二三四五六七八九十]|以来|底|末)"
    r"|今年|当年|去年|上年(?!同期)",
}
_SCANNED = (
    *SENTENCES,
    "2023年安排1.5亿3000万元，较2022年增长12.5%，惠及3,200户、1.2万人次，其中三千万元用于12个（所）学校",
    "数十万元、1２3４元、.5万元、12,345.6万元、一点五亿元、3亿5000元、百分之五十、百分之、a2019年、12019年（2020）",
    "2019—2021年、12019-20年、11-6月、1-6月、一至三月、今年以来、年初至今、2019年度、2019年底、上年同期（注）《条例》",
    "全县全区县财政局我市区委本旗旗级该市市政府县人大区政协全镇市区县级",
)


def test_scans_opening_with_a_character_class_find_the_plain_patterns_matches():
    for fast, plain in _PLAIN_SCANS.items():
        plain_re = re.compile(plain)
        for text in _SCANNED:
            for start, end in ((0, len(text)), (3, len(text) - 2)):  # a scan of part of a text looks before it
                found = [(m.span(), m.groups()) for m in fast.finditer(text, start, end)]
                assert found == [(m.span(), m.groups()) for m in plain_re.finditer(text, start, end)], text


# --- third round: readings cached on a window's text, pieces split in one pass, paragraphs by index ---

# composed for these tests: figures after tier, verb, budget, noun and head cues, wrapped lines, closers
FIGURE_SENTENCES = (
    "2024年县财政拨付城乡居民医疗保险补助资金1200万元，其中中央资金800万元、县级资金400万元。",
    "今年以来，年初预算安排教育支出3.2亿元；上半年一般公共预算收入完成5000万元，较上年增加300万元。",
    "全县共发放困难群众生活补贴每人每月200元，\n  累计支出救助资金680万元。”\u3000",
    "截至9月底，下达各乡镇（街道）农村公路养护资金共计1500万元、奖补资金90万元；",
    "本级年初预算5600万元，调整预算4800万元。",
    "  \n力争完成全年税收收入2.5亿元！比2023年决算数增长6%？上年结转资金120万元",
)


def _plain_split(text, span, enders):
    """text_units._split as first written: every piece sliced, its leading whitespace stripped."""
    ends = re.compile(f"[{re.escape(enders)}][{re.escape(text_units.CLOSERS)}]*")
    bounds, s = [], span.start
    for m in ends.finditer(text, span.start, span.end):
        bounds.append((s, m.end()))
        s = m.end()
    if s < span.end:
        bounds.append((s, span.end))
    out = []
    for a, b in bounds:
        piece = text[a:b]
        a += len(piece) - len(piece.lstrip())
        if a < b:
            out.append(text_units.Span(a, b))
    return out


def test_pieces_split_in_one_pass_are_the_pieces_sliced_and_stripped():
    text = "".join(FIGURE_SENTENCES) + "\n\u3000 。；  "
    for enders in (text_units.SENTENCE_END, "；;", "，"):
        for start, end in ((0, len(text)), (5, len(text) - 3), (7, 7), (len(text) - 4, len(text))):
            span = text_units.Span(start, end)
            assert text_units._split(text, span, enders) == _plain_split(text, span, enders), (enders, start)


def test_earlier_sentences_by_index_are_those_of_the_paragraph_before_the_figure():
    text = "标题\n\n" + "\n".join(FIGURE_SENTENCES) + "\n\n二、下一段。再下一句。"
    body = ArticleBody(text, 4, len(text))
    for pos in range(len(text)):
        k = bisect.bisect_right(body._starts, pos) - 1
        sent, pi = body.sentence_at(pos)
        scanned = [text[s.start : s.end] for s, p in body.sents if k >= 0 and p == pi and s.start < sent.start]
        assert list(body.earlier_in_paragraph(pos)) == scanned, pos
    for pi, p in enumerate(body.paras):
        assert body.paragraph_text(pi) == text[p.start : p.end] and body.paragraph_text(pi) is body.paragraph_text(pi)
        for s, _ in body.sents:
            for seg in text_units.segments(text, s):
                assert body.joined_text(seg) == strip_newlines(text[seg.start : seg.end])


def _plain_in_window(window, base, segment=""):
    """measures._in_window as written before its reading was cached on the window's text."""
    r = measures.rules()
    if r.any_tier.search(window):
        for measure, pat in r.tiers:
            hits = list(pat.finditer(window))
            if hits:
                return measures.MeasureCue(measure, "tier", base + hits[-1].start(), base + hits[-1].end())
    hit = measures._nearest(window, r.verbs)
    if hit:
        return measures.MeasureCue(hit[0], "verb", base + hit[1], base + hit[2])
    hits = list(r.budget.finditer(window))
    if hits:
        subjects = re.findall(r"收入|支出", segment or window)
        measure = "revenue" if subjects and r.budget_revenue.fullmatch(subjects[-1]) else "allocation"
        return measures.MeasureCue(measure, "budget", base + hits[-1].start(), base + hits[-1].end())
    hit = measures._nearest(window, r.nouns)
    if not hit:
        return None
    return measures.MeasureCue(hit[0], "noun", base + hit[1], base + hit[2], names_spending=hit[0] == "expenditure")


def _figure_windows():
    """(text, window start, figure start) for every figure of FIGURE_SENTENCES and every earlier clause start."""
    for text in FIGURE_SENTENCES:
        for m in amounts.find_money(text)[0]:
            for lo in {0, text_units.clause_start(text, 0, m.start), max(0, m.start - measures.HEAD_REACH)}:
                yield text, lo, m.start


def test_window_readings_cached_on_the_window_text_are_the_plain_readings_at_any_offset():
    segments = ("", "一般公共预算收入", "教育支出")
    for text, lo, start in _figure_windows():
        window = text[lo:start]
        for base in (lo, lo + 1000):  # the same window met again elsewhere: its cues move with it
            for segment in segments:
                assert measures._in_window(window, base, segment) == _plain_in_window(window, base, segment)
            plain_head = next(
                (
                    measures.MeasureCue(measure, "head", base + m.start(), base + m.end())
                    for measure, pat in measures.rules().heads
                    if (m := pat.search(window))
                ),
                None,
            )
            assert measures._head(window, base) == plain_head
            fund = measures.rules().source_at_end.search(window)
            ungoverned = fund and (window[: fund.start(2)] + window[fund.end(2) :] if fund.group(2) else window)
            if fund and measures._nearest(ungoverned, measures.rules().verbs):
                fund = None
            assert measures._fund_at_end(window) == (fund and (fund.group(1), fund.start(), fund.end()))
            for table in ("verbs", "frame_verbs", "nouns", "weak_nouns"):
                plain = measures._nearest(window, getattr(measures.rules(), table))
                assert measures._nearest_in(window, table) == plain
    assert measures._window_cue.cache_info().hits > 0 and measures._head_in.cache_info().hits > 0
    assert any(measures._fund_at_end(text[lo:start]) for text, lo, start in _figure_windows())  # 中央资金800万元


@pytest.mark.parametrize(
    "cached",
    [programs.program_of, programs.previous_clause_program, periods.last_cue, amounts.parse_money],
    ids=lambda f: f.__name__,
)
def test_pure_readings_cached_on_their_text_give_the_uncached_answer(cached):
    cached.cache_clear()
    for text, lo, start in _figure_windows():
        prefix, after = text[lo:start], text[start : start + 20]
        figure = amounts.MONEY_RE.match(text, start).group(0)
        args = {
            "program_of": (prefix, after),
            "previous_clause_program": (prefix,),
            "last_cue": (prefix,),
            "parse_money": (figure,),
        }[cached.__name__]
        first = cached(*args)
        assert first == cached.__wrapped__(*args) and cached(*args) == first
    assert cached.cache_info().hits > 0


def test_lines_found_by_find_are_the_lines_between_line_breaks():
    text = "\n".join(FIGURE_SENTENCES) + "\n\n  \n"
    for start, end in ((0, len(text)), (3, len(text) - 1), (5, 5)):
        lines, pos = [], start
        for piece in text[start:end].split("\n"):
            lines.append(text_units.Span(pos, pos + len(piece)))
            pos += len(piece) + 1
        assert text_units._lines(text, start, end) == lines


def test_a_surfaces_keys_by_kind_are_its_entries_of_that_kind():
    gz = Gazetteer.load()
    for surface in list(gz.surfaces)[::50]:
        entries = gz.surfaces[surface]
        expected = [(kind, [k for k, kd in entries.items() if kd == kind]) for kind in ("full", "short")]
        assert [(kind, list(keys)) for kind, keys in gz.keys_by_kind(surface)] == [(k, v) for k, v in expected if v]


def test_a_short_text_cache_keeps_short_texts_only_and_answers_as_the_function():
    calls = []

    @text_units.short_text_cache(maxsize=8)
    def tail(text: str, n: int) -> str:
        calls.append(text)
        return text[-n:]

    short, long = "下达资金", "安排" * text_units.CACHED_TEXT_MAX_LEN
    assert [tail(short, 2), tail(short, 2), tail(long, 3), tail(long, 3)] == ["资金", "资金", "排安排", "排安排"]
    assert calls == [short, long, long]  # the short text read once, the long one each time
    assert tail.cache_info().currsize == 1 and tail.__wrapped__(short, 2) == "资金"


def _ends_clause(text: str, i: int) -> bool:
    # a comma between digits (50,100万元) separates thousands, not clauses
    digits = "0123456789０１２３４５６７８９"
    between_digits = 0 < i < len(text) - 1 and text[i - 1] in digits and text[i + 1] in digits
    return text[i] in "，,；;。：:！？\n" and not (text[i] == "," and between_digits)


def _plain_clause_start(text: str, lo: int, pos: int) -> int:
    i = pos - 1
    while i >= lo and not _ends_clause(text, i):
        i -= 1
    return i + 1


def _plain_clause_end(text: str, pos: int, hi: int) -> int:
    i = pos
    while i < hi and not _ends_clause(text, i):
        i += 1
    return i


def test_clause_bounds_found_by_the_regex_engine_are_the_character_walks():
    text = (
        "：".join(FIGURE_SENTENCES)
        + "\n，下达资金！？"
        + "资金" * text_units.CLAUSE_NEAR
        + "，安排,占年初预算50,100万元的76.9%，1,2,3,"
        + "资金" * text_units.CLAUSE_NEAR
        + "12,345,678元"
    )
    for lo in range(0, len(text), 7):
        for pos in range(0, len(text) + 1):
            assert text_units.clause_start(text, lo, pos) == _plain_clause_start(text, lo, pos), (lo, pos)
            assert text_units.clause_end(text, lo, pos) == _plain_clause_end(text, lo, pos), (lo, pos)


def test_a_rate_suffix_and_the_percentages_found_past_their_gates_are_the_plain_scans():
    text = "".join(FIGURE_SENTENCES) + "补助420元/人/月，50元 ／亩、80元\u3000/吨，提高百分之三十，占比12.5％、3 %"
    for end in range(len(text) + 1):
        assert amounts.per_unit_suffix(text, end) == bool(amounts._PER_UNIT_RE.match(text[end : end + 4])), end
    for start, end in ((0, len(text)), (0, 60), (60, 120), (len(text) - 20, len(text)), (5, 5)):
        plain = [(m.start(), m.end()) for m in percents.PERCENT_RE.finditer(text, start, end)]
        assert [(p.start, p.end) for p in percents.find_percents(text, start, end)] == plain, (start, end)


def test_the_first_framing_year_is_the_plain_patterns_first_match():
    plain = re.compile(
        r"(?:^|[。；;，,\n])\s*(?:截至|截止|到|至)?\s*((?:19|20)[0-9]{2})年"
        r"(?:底|末|以来|全年|上半年|前三季度|度|，|,|\s|[^0-9月一二三四五六七八九十元])"
    )
    pieces = ("2023年", "截至2022年底", "，", "。", "\n", " ", "2021年11月", "全县", "至2020年以来", "；2019年度", "元")
    rng = random.Random(7)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randrange(1, 8))) for _ in range(3000)]
    for text in [*FIGURE_SENTENCES, *texts]:
        ours, theirs = years.first_frame(text), plain.search(text)
        assert (ours and (ours.span(), ours.group(1))) == (theirs and (theirs.span(), theirs.group(1))), text


def _plain_keyword_hits(text: str) -> tuple:
    """functions.keyword_hits as first written: every keyword tried, its occurrences found by re."""
    taken, hits = [], []
    for kw in functions._keywords():
        if not kw.keyword or kw.keyword not in text:
            continue
        free = False
        for m in re.finditer(re.escape(kw.keyword), text):
            if not any(m.start() < e and s < m.end() for s, e in taken):
                taken.append((m.start(), m.end()))
                free = True
        if free:
            hits.append(kw)
    return tuple(hits)


def test_keywords_found_by_their_opening_pairs_and_str_find_are_the_plain_hits():
    words = [kw.keyword for kw in functions._keywords() if kw.keyword]
    rng = random.Random(11)
    texts = [
        "".join(rng.choice(words) + rng.choice(("", "，", "资金", "的")) for _ in range(rng.randrange(1, 6)))
        for _ in range(500)
    ]
    for text in [*FIGURE_SENTENCES, *SENTENCES, *texts, "教", ""]:
        assert functions.keyword_hits.__wrapped__(text) == _plain_keyword_hits(text), text
