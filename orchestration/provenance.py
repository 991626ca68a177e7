"""Where a figure stands in its sentence: shared by `fiscal explain` and the provenance report."""

from __future__ import annotations


def figure_in_sentence(
    sentence: str, amount_text: str, char_start: int, char_end: int, sentence_start: int | None
) -> tuple[int, int] | None:
    """(start, end) of the figure inside ``sentence``, or None when it cannot be placed.

    The offsets place it exactly (a sentence may hold the same figure twice: 两笔各50万元); a text
    search is the fallback for a sentence that was cleaned of line breaks and no longer lines up.
    """
    if sentence_start is not None:
        start = char_start - sentence_start
        if sentence[start : start + char_end - char_start] == amount_text:
            return start, start + char_end - char_start
    found = sentence.find(amount_text)
    return (found, found + len(amount_text)) if found >= 0 and amount_text else None
