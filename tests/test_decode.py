import codecs

import pytest

from orchestration.ingest.decode import decode_bulletin

SAMPLE = "江苏东台：扎实做好安全生产保障工作\n2021年，安排安全生产专项资金1000万元。\n"


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "utf-8-sig"),
        (SAMPLE.encode("gb18030"), "gb18030"),
        (SAMPLE.encode("gbk"), "gb18030"),
        (SAMPLE.encode("utf-16"), "utf-16"),  # with BOM
        (SAMPLE.encode("utf-16-le"), "utf-16-le"),
        (SAMPLE.encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_every_supported_encoding_decodes_to_the_same_text(raw, encoding):
    decoded = decode_bulletin(raw)
    assert decoded.ok, decoded.reason
    assert decoded.text == SAMPLE
    assert decoded.encoding == encoding


def test_bom_is_removed_and_nothing_else_is_normalised():
    text = "\u3000全年支出１２３万元，\r\n同比增长5%。\r\n"
    decoded = decode_bulletin(codecs.BOM_UTF8 + text.encode("utf-8"))
    assert decoded.text == text  # CRLF, full-width digits and ideographic space kept as written


def test_truncated_utf8_keeps_the_text_before_the_cut_and_says_so():
    raw = SAMPLE.encode("utf-8") + "元".encode()[:2]
    decoded = decode_bulletin(raw)
    assert decoded.text == SAMPLE
    assert "incomplete last character" in decoded.reason


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\t\r\n  ", "blank file"),
        ("\u3000\n".encode(), "blank file"),
        (bytes(range(256)) * 8, "binary"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00\x01\x02" * 100, "binary"),
        (b"just some english text, no bulletin here\n", "no Chinese text"),
    ],
)
def test_unusable_files_are_quarantined_with_a_reason(raw, reason):
    decoded = decode_bulletin(raw)
    assert not decoded.ok
    assert reason in decoded.reason


def test_random_bytes_that_happen_to_decode_are_quarantined_as_garbled():
    import random

    rng = random.Random(7)
    raw = bytes(rng.randrange(0x81, 0xFF) for _ in range(4000))
    decoded = decode_bulletin(raw)
    assert not decoded.ok
    assert "garbled" in decoded.reason or "binary" in decoded.reason
