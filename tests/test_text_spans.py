"""The span test reads a figure's characters from the piece of its text that holds them
(dbt_project/macros/text_spans.sql): the same characters as substring() over the whole text, for every span,
odd ones included (across a cut, past the end, empty, negative, reversed, NULL), whatever the number of pieces."""

import itertools

import duckdb
import jinja2
import pytest

from orchestration.settings import DBT_PROJECT_DIR

TEXTS = [
    *["", "a", "中", "ab", "中文", "财政局下达资金5.73亿元", "a中b文c😀d\ne"],
    "一是安排1200万元。二是拨付40万元用于修路。" * 3,
]


def text_spans_macros():
    """The macros, rendered as dbt renders them (they use nothing of dbt's context)."""
    source = (DBT_PROJECT_DIR / "macros" / "text_spans.sql").read_text()
    return jinja2.Environment().from_string(source).module


@pytest.mark.parametrize("pieces", [1, 2, 3, 4, 5])
def test_the_characters_of_the_pieces_are_those_of_the_whole_text(pieces):
    macros = text_spans_macros()
    con = duckdb.connect()
    con.execute("create table texts (text_no integer, bulletin_text varchar)")
    con.executemany("insert into texts values (?, ?)", list(enumerate(TEXTS)))
    offsets = [None, *range(-3, max(map(len, TEXTS)) + 3)]
    con.execute("create table spans (char_start integer, char_end integer)")
    con.executemany("insert into spans values (?, ?)", list(itertools.product(offsets, offsets)))
    differing = con.execute(
        f"""
        with pieces as ({macros.text_in_pieces("texts", pieces)})
        select text_no, char_start, char_end
        from pieces, spans
        where {macros.characters_of_pieces("pieces", "spans.char_start", "spans.char_end", pieces)}
            is distinct from substring(bulletin_text, char_start + 1, char_end - char_start)
        """
    ).fetchall()
    compared = con.execute("select count(*) from texts, spans").fetchone()[0]

    assert compared > 10_000
    assert differing == []


def test_the_pieces_make_the_text():
    macros = text_spans_macros()
    con = duckdb.connect()
    con.execute("create table texts (text_no integer, bulletin_text varchar)")
    con.executemany("insert into texts values (?, ?)", list(enumerate(TEXTS)))
    pieces = macros.text_in_pieces("texts", 4)
    joined = con.execute(
        f"select bool_and(piece_0 || piece_1 || piece_2 || piece_3 = bulletin_text) from ({pieces})"
    ).fetchone()[0]
    assert joined
