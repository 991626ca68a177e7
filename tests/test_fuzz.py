"""Fuzzing the extractor and the ingest step with generated bulletins (hypothesis).

Texts are random mixes of bulletin-like sentences, money in every notation the extractor reads, broken
tables, control characters, very long lines; files are such texts in mixed encodings, or bytes.
Properties: no exception escapes; every amount's ``text[char_start:char_end]`` equals its
``amount_text`` and re-parses to its value; every file in the inbox gets a status.

``make test`` runs a bounded number of examples (profile ``ci``); ``make fuzz`` runs the long profile
(``HYPOTHESIS_PROFILE=fuzz``, 20,000 examples per property by default, ``FUZZ_EXAMPLES`` to change it).
"""

import os
from datetime import datetime
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestration.extract.document import extract_document
from orchestration.extract.numbers import reparse_amount
from orchestration.ingest.inbox import reconcile, resolve_duplicates

settings.register_profile(
    "ci", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "20000")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

PLACES = ["清水县", "河西区", "南坪市", "东山镇", "我县", "全区", "某某县财政局"]
VERBS = ["下达", "拨付", "安排", "支出", "筹措", "争取", "发放", "完成", "收入", "增加", "减少", "比上年增长"]
PROGRAMS = ["教育专项资金", "医疗救助资金", "农村道路养护", "防汛救灾", "一般公共预算", "其中", "合计", ""]
TIMES = ["2023年", "今年", "上半年", "1-10月", "截至9月底", "2022年决算", "", "二〇二一年"]
UNITS = ["元", "千元", "万元", "亿元", "万亿元", "亿余元", "余万元", "多万元", ""]
NOISE = ["\x00", "\x07", "\u200b", "\ufeff", "\t", "\r\n", "\u3000", "|", "｜", "||||", "——", "（", "）", "%", "％"]


@st.composite
def numbers(draw) -> str:
    """Numbers as bulletins write them: Arabic with separators and decimals, full-width, Chinese."""
    kind = draw(st.sampled_from(["arabic", "grouped", "decimal", "fullwidth", "chinese", "mixed", "junk"]))
    n = draw(st.integers(min_value=0, max_value=10**13))
    if kind == "arabic":
        return str(n)
    if kind == "grouped":
        return f"{n:,}".replace(",", draw(st.sampled_from([",", "，"])))
    if kind == "decimal":
        return f"{n}.{draw(st.integers(0, 9999))}"
    if kind == "fullwidth":
        return str(n).translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
    if kind == "chinese":
        return draw(st.text(alphabet="零〇一二两三四五六七八九十百千万亿点", min_size=1, max_size=8))
    if kind == "mixed":
        return f"{draw(st.integers(1, 99))}亿{draw(st.integers(0, 9999))}"
    return draw(st.text(alphabet="0123456789.,，-+", min_size=1, max_size=12))


@st.composite
def sentences(draw) -> str:
    return "".join(
        [
            draw(st.sampled_from(PLACES)),
            draw(st.sampled_from(TIMES)),
            draw(st.sampled_from(VERBS)),
            draw(st.sampled_from(PROGRAMS)),
            draw(numbers()),
            draw(st.sampled_from(UNITS)),
            draw(st.sampled_from(["，", "。", "；", "、", "\n", "", "：其中"])),
        ]
    )


@st.composite
def tables(draw) -> str:
    """Tables as they arrive: a unit line or a unit in a column header, cells by tab, spaces, `|` or one per line."""
    unit = draw(st.sampled_from(["单位：万元", "单位:元", "金额单位：亿元", "金额(万元)", "(元/人/月)", ""]))
    sep = draw(st.sampled_from(["\t", "  ", " | ", "|", "\n"]))
    rows = draw(
        st.lists(
            st.lists(
                st.one_of(numbers(), st.sampled_from(PLACES + ["合计", "小计", "", "-", "2023", "12.5%"])), max_size=6
            ),
            max_size=6,
        )
    )
    return unit + "\n" + "\n".join(sep.join(row) for row in rows) + "\n"


bulletin_texts = st.lists(
    st.one_of(
        sentences(),
        tables(),
        st.sampled_from(NOISE),
        st.text(max_size=40),
        st.builds(lambda s, k: s * k, sentences(), st.integers(1, 120)),  # very long lines
    ),
    max_size=25,
).map("".join)


@given(bulletin_texts)
def test_the_extractor_never_raises_and_every_amount_traces_to_its_text(text):
    extraction = extract_document(text)
    for amount in extraction.amounts:
        assert text[amount.char_start : amount.char_end] == amount.amount_text
        parsed = reparse_amount(amount.amount_text, amount.header_unit)
        assert isinstance(parsed, Decimal), (amount, parsed)
        assert parsed.quantize(Decimal("0.01")) == amount.amount_yuan.quantize(Decimal("0.01")), amount
    for ratio in extraction.ratios:
        assert text[ratio.char_start : ratio.char_end] == ratio.percent_text
    for article in extraction.articles:
        assert 0 <= article.body_start <= article.body_end <= len(text)


ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "big5"]


@st.composite
def inbox_files(draw) -> list[bytes]:
    files = []
    for _ in range(draw(st.integers(1, 5))):
        if draw(st.booleans()):
            files.append(draw(st.binary(max_size=300)))
        else:
            text = draw(bulletin_texts)
            codec = draw(st.sampled_from(ENCODINGS))
            raw = text.encode(codec, errors="replace")
            cut = draw(st.integers(0, 3))  # truncated mid-character now and then
            files.append(raw[: len(raw) - cut] if cut else raw)
    return files


@settings(max_examples=max(10, settings().max_examples // 4))  # each example writes files
@given(inbox_files())
def test_ingest_gives_every_file_a_status(tmp_path_factory, files):
    inbox = tmp_path_factory.mktemp("fuzz_inbox")
    for i, raw in enumerate(files):
        (inbox / f"bulletin {i}.txt").write_bytes(raw)
    reconciliation = reconcile([], inbox, set(), datetime(2026, 1, 1))
    rows = resolve_duplicates(reconciliation.ledger)
    assert sorted(r["source_file"] for r in rows) == sorted(f"bulletin {i}.txt" for i in range(len(files)))
    for row in rows:
        assert row["status"] in {"loaded", "duplicate", "quarantined"}
        assert row["status"] != "quarantined" or row["decode_reason"]
