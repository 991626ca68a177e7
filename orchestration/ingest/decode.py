"""Turn the bytes of a bulletin file into text, or into a reason why not.

Bulletins arrive as UTF-8 (with or without BOM), GB18030/GBK or UTF-16. Offsets in every fact
refer to the decoded text with the BOM removed and nothing else normalised (CRLF stays CRLF), so
decoding must be lossless: a strict decode of a known encoding first, charset-normalizer only as
a last resort.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_PUNCTUATION = "，。、；：！？,.;:!?"  # counted with str.count, mark by mark: twice as fast as a regex
# Counted by what does not match: few matches in a real bulletin, so no list of every character (4x faster).
_ATYPICAL = re.compile(
    r"[^\x20-\x7e\t\r\n\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2018\u2019\u201c\u201d\u2026\u2014\u00b7]"
)
# Share of control characters above which a decoded file is treated as binary, not text.
_MAX_CONTROL_SHARE = 0.01
# A decode in which fewer typical characters than this appear is mojibake or binary, not a bulletin.
_MIN_PLAUSIBILITY = 0.8
_PLAUSIBILITY_SAMPLE = 100_000
# Prose has at least this many punctuation marks per ideograph.
_MIN_PUNCTUATION_SHARE = 0.005


@dataclass(frozen=True)
class Decoded:
    text: str | None  # None when the file is quarantined
    encoding: str | None
    reason: str | None  # why it was quarantined, or a note on a lossy-but-accepted decode
    utf8: bytes | None = None  # the file's bytes when they are the text's UTF-8 as they are (no BOM, nothing cut)

    @property
    def ok(self) -> bool:
        return self.text is not None


def quarantine(reason: str, encoding: str | None = None) -> Decoded:
    return Decoded(None, encoding, reason)


def _strict(raw: bytes, encoding: str) -> str | None:
    try:
        return raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _plausibility(text: str) -> float:
    """Share of characters typical of a Chinese bulletin: CJK, ASCII, CJK/full-width punctuation."""
    if not text:
        return 0.0
    return 1 - len(_ATYPICAL.findall(text)) / len(text)


def _utf16_without_bom(raw: bytes) -> tuple[str, str] | None:
    """NUL bytes mean UTF-16 (or binary): take the byte order that reads as plausible text."""
    if len(raw) % 2:
        return None
    candidates = [(codec, _strict(raw, codec)) for codec in ("utf-16-le", "utf-16-be")]
    scored = [(_plausibility(text), codec, text) for codec, text in candidates if text is not None]
    if not scored:
        return None
    score, codec, text = max(scored)
    return (text, codec) if score >= _MIN_PLAUSIBILITY else None


def _truncated_utf8(raw: bytes) -> str | None:
    """A UTF-8 file cut inside its last character: keep everything before the cut."""
    for cut in (1, 2, 3):
        text = _strict(raw[:-cut], "utf-8")
        if text is not None:
            return text
    return None


def decode_bulletin(raw: bytes) -> Decoded:
    if not raw:
        return quarantine("empty file (0 bytes)")

    text, encoding, note = None, None, None
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            text, encoding = _strict(raw, codec), codec
            if text is None:
                return quarantine(f"invalid {codec} after its byte-order mark", codec)
            break
    else:
        if b"\x00" in raw:
            text, encoding = _utf16_without_bom(raw) or (None, None)
        else:
            text, encoding = _strict(raw, "utf-8"), "utf-8"
            if text is None and (cut := _truncated_utf8(raw)) is not None:
                text, note = cut, "utf-8 with an incomplete last character (dropped)"
            if text is None:
                text, encoding = _strict(raw, "gb18030"), "gb18030"
            if text is None:
                best = from_bytes(raw).best()
                if best is not None:
                    text, encoding = str(best), best.encoding
        if text is None:
            return quarantine("binary or undecodable content (no text encoding fits)")

    text = text.lstrip("\ufeff")
    if not text.strip():
        return quarantine("blank file (only whitespace)", encoding)
    sample = text[:_PLAUSIBILITY_SAMPLE]
    atypical = len(_ATYPICAL.findall(sample))
    # Control characters are atypical: when the whole text is the sample and few of its characters are atypical,
    # few are control characters, and the text need not be scanned for them.
    may_hold_control = len(sample) < len(text) or atypical > _MAX_CONTROL_SHARE * len(text)
    if may_hold_control and len(_CONTROL.findall(text)) > _MAX_CONTROL_SHARE * len(text):
        return quarantine("binary content (control characters in the text)", encoding)
    if not _CJK.search(text):
        return quarantine(f"no Chinese text after decoding as {encoding}", encoding)
    if (score := 1 - atypical / len(sample)) < _MIN_PLAUSIBILITY:
        return quarantine(
            f"garbled: only {score:.0%} of the characters read as text when decoded as {encoding}", encoding
        )
    # Random high bytes decode as valid but meaningless GB18030 ideographs; prose has punctuation. Marks are counted
    # until there are enough for a text of nothing but ideographs; the ideographs only when there are not.
    enough, punctuation = _MIN_PUNCTUATION_SHARE * len(sample), 0
    for mark in _PUNCTUATION:
        punctuation += sample.count(mark)
        if punctuation >= enough:
            break
    else:
        cjk = sum(map(len, _CJK_RUN.findall(sample)))
        if cjk > 200 and punctuation < _MIN_PUNCTUATION_SHARE * cjk:
            return quarantine(f"garbled: {cjk} ideographs but no punctuation when decoded as {encoding}", encoding)
    return Decoded(text, encoding, note, raw if encoding == "utf-8" and note is None else None)
