"""The extractor's shortcuts give the answers of the plain computations they replace."""

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
    gazetteer,
    percents,
    periods,
    pos_decoding,
    programs,
    years,
)
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
    periods.CUES[13][0]: r"(?:今年|本年|年初|(?:19|20)[0-9]{2}年)以来|截[至止]目前|年初至今",
    periods.CUES[14][0]: r"全年|年底|年末|(?:19|20)[0-9]{2}年(?:度)?(?![0-9０-９一二三四五六七八九十]|以来|底|末)"
    r"|今年|当年|去年|上年(?!同期)",
}
_SCANNED = (
    *SENTENCES,
    "2023年安排1.5亿3000万元，较2022年增长12.5%，惠及3,200户、1.2万人次，其中三千万元用于12个（所）学校",
    "数十万元、1２3４元、.5万元、12,345.6万元、一点五亿元、3亿5000元、百分之五十、百分之、a2019年、12019年（2020）",
    "2019—2021年、12019-20年、11-6月、1-6月、一至三月、今年以来、年初至今、2019年度、2019年底、上年同期（注）《条例》",
)


def test_scans_opening_with_a_character_class_find_the_plain_patterns_matches():
    for fast, plain in _PLAIN_SCANS.items():
        plain_re = re.compile(plain)
        for text in _SCANNED:
            for start, end in ((0, len(text)), (3, len(text) - 2)):  # a scan of part of a text looks before it
                found = [(m.span(), m.groups()) for m in fast.finditer(text, start, end)]
                assert found == [(m.span(), m.groups()) for m in plain_re.finditer(text, start, end)], text
