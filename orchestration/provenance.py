"""Where a figure stands in its sentence: shared by `fiscal explain` and the provenance report.

fct_amount keeps the figure's offsets into the bulletin and the sentence's text, not the
sentence's offset. The same figure can occur twice in one sentence (两笔各50万元), so the figure is
placed by finding the sentence's occurrence in the bulletin that covers the figure's offsets, and
only falls back to a text search when the bulletin text is not at hand.
"""

from __future__ import annotations


def figure_in_sentence(
    sentence: str, amount_text: str, char_start: int, char_end: int, bulletin_text: str | None = None
) -> tuple[int, int] | None:
    """(start, end) of the figure inside ``sentence``, or None when it cannot be placed."""
    if bulletin_text is not None:
        # The sentence occurrence that ends at or after the figure and starts at or before it.
        found = bulletin_text.find(sentence, max(0, char_end - len(sentence)))
        if 0 <= found <= char_start and char_end <= found + len(sentence):
            return char_start - found, char_end - found
    found = sentence.find(amount_text)
    return (found, found + len(amount_text)) if found >= 0 and amount_text else None
